package formats

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Record is a typed output row that lays itself out as fields, in the order
// of its struct's `csv` tags. It spares the hot write path any reflection.
type Record interface {
	AppendFields(dst []string) []string
}

// HeaderOf returns the `csv` tags of struct type T: the header row of a
// table of T. gocsv reads the same tags back (see ReadCanonical).
func HeaderOf[T any]() []string {
	t := reflect.TypeFor[T]()
	var h []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("csv"), ",")[0]
		if tag != "" && tag != "-" {
			h = append(h, tag)
		}
	}
	return h
}

// TableWriter writes rows of strings to one table.
type TableWriter interface {
	Write(rec []string) error
	Close() error
}

// Format is an output file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat checks --format.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "csv":
		return CSV, nil
	case "xlsx":
		return XLSX, nil
	}
	return "", fmt.Errorf("--format %q: want csv or xlsx", s)
}

type csvTable struct {
	bw *bufio.Writer
	w  *csv.Writer
	c  io.Closer
}

// NewCSVTable writes header then rows as UTF-8 CSV with LF line ends. Close
// flushes and closes w when it is an io.Closer.
func NewCSVTable(w io.Writer, header []string) (TableWriter, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	t := &csvTable{bw: bw, w: csv.NewWriter(bw)}
	if c, ok := w.(io.Closer); ok {
		t.c = c
	}
	return t, t.w.Write(header)
}

func (t *csvTable) Write(rec []string) error { return t.w.Write(rec) }

func (t *csvTable) Close() error {
	t.w.Flush()
	err := t.w.Error()
	if err == nil {
		err = t.bw.Flush()
	}
	if t.c != nil {
		if cerr := t.c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

type xlsxTable struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	path string
	row  int
	vals []any
}

// NewXLSXTable streams rows into the first sheet of a new workbook saved to
// path on Close. Whole numbers become number cells; everything else,
// including text that starts with '=', is stored as a string, never a formula.
func NewXLSXTable(path string, header []string) (TableWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		f.Close()
		return nil, err
	}
	t := &xlsxTable{f: f, sw: sw, path: path}
	if err := t.write(header, false); err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

func (t *xlsxTable) Write(rec []string) error { return t.write(rec, true) }

func (t *xlsxTable) write(rec []string, numbers bool) error {
	t.row++
	t.vals = t.vals[:0]
	for _, s := range rec {
		if numbers && isPlainInt(s) {
			n, _ := strconv.ParseInt(s, 10, 64)
			t.vals = append(t.vals, n)
		} else {
			t.vals = append(t.vals, s)
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	return t.sw.SetRow(cell, t.vals)
}

// isPlainInt: digits only, no leading zero, short enough to stay exact in
// a spreadsheet's float.
func isPlainInt(s string) bool {
	if s == "" || len(s) > 15 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (t *xlsxTable) Close() error {
	err := t.sw.Flush()
	if err == nil {
		err = t.f.SaveAs(t.path)
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}
