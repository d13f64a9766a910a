package formats

import (
	"errors"
	"path/filepath"
	"testing"
)

type tableRow struct {
	ID   string `csv:"ID"`
	Name string `csv:"Name"`
}

// TestReadCSVTable: rows by header name in any order, a missing file is
// empty, a missing column names itself, a bad line names its line.
func TestReadCSVTable(t *testing.T) {
	write := func(name, text string) string { return writeFile(t, name, []byte(text)) }
	rows, err := ReadCSVTable[tableRow](write("ok.csv", "Name,ID,Extra\nAnn,1,x\n\"B, b\",2,y\n"))
	if err != nil || len(rows) != 2 || rows[0] != (tableRow{"1", "Ann"}) || rows[1] != (tableRow{"2", "B, b"}) {
		t.Errorf("rows %v, %v", rows, err)
	}
	if rows, err := ReadCSVTable[tableRow](filepath.Join(t.TempDir(), "none.csv")); rows != nil || err != nil {
		t.Errorf("missing file: %v, %v", rows, err)
	}
	if rows, err := ReadCSVTable[tableRow](write("empty.csv", "")); rows != nil || err != nil {
		t.Errorf("empty file: %v, %v", rows, err)
	}
	var fe *Error
	_, err = ReadCSVTable[tableRow](write("short.csv", "ID\n1\n"))
	if !errors.Is(err, ErrMissingColumn) || !errors.As(err, &fe) || fe.Line != 1 {
		t.Errorf("missing column: %v", err)
	}
	_, err = ReadCSVTable[tableRow](write("bad.csv", "ID,Name\n1,a\n2,\"b\n"))
	if !errors.Is(err, ErrBadFile) || !errors.As(err, &fe) || fe.Line < 2 {
		t.Errorf("bad line: %v", err)
	}
}
