package formats

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// testRow is a row of strings; a row "panic" panics when laid out.
type testRow []string

func (r testRow) AppendFields(d []string) []string {
	if len(r) > 0 && r[0] == "panic" {
		panic("laying out a bad row")
	}
	return append(d, r...)
}

// testTable has n rows "i,row i" in groups of groupOf(i) (-1: none).
func testTable(base, splitDir string, n int, groupOf func(int) int, yielded *atomic.Int64) Table {
	return Table{Base: base, SplitDir: splitDir, Header: []string{"N", "Text"}, Rows: func(yield func(Record, int) error) error {
		for i := range n {
			if yielded != nil {
				yielded.Add(1)
			}
			if err := yield(testRow{strconv.Itoa(i), fmt.Sprintf("row %d", i)}, groupOf(i)); err != nil {
				return err
			}
		}
		return nil
	}}
}

func noGroup(int) int { return -1 }

// writeTest writes tables with rows per chunk into a committed output set
// in dir, split files named a, b, c, d when split, and returns what it
// wrote.
func writeTest(t *testing.T, dir string, inputs []string, split bool, rows int, tables ...Table) (map[string]string, error) {
	t.Helper()
	os.RemoveAll(dir)
	out, err := NewOutputSet(dir, CSV, inputs)
	if err != nil {
		t.Fatal(err)
	}
	opt := TablesOptions{ChunkRows: rows}
	if split {
		opt.Slugs = []string{"a", "b", "c", "d"}
	}
	if err := out.WriteTables(opt, tables...); err != nil {
		out.Abort()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	return listTree(t, dir), nil
}

func TestWriteChunkedOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	const n = 10_000
	files, err := writeTest(t, dir, nil, false, 3,
		testTable("many", "", n, noGroup, nil), testTable("empty", "", 0, noGroup, nil), testTable("one", "", 1, noGroup, nil))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	want.WriteString("N,Text\n")
	for i := range n {
		fmt.Fprintf(&want, "%d,row %d\n", i, i)
	}
	if files["many.csv"] != want.String() {
		t.Error("many.csv: rows out of order or missing")
	}
	if files["empty.csv"] != "N,Text\n" {
		t.Errorf("empty.csv = %q, want its header row", files["empty.csv"])
	}
	if files["one.csv"] != "N,Text\n0,row 0\n" {
		t.Errorf("one.csv = %q", files["one.csv"])
	}
}

// A group's split file starts when its rows start and ends when another
// group's start; rows of no group are in the whole table only.
func TestWriteChunkedSplit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	groups := []int{0, 0, -1, 0, 1, 1, -1, -1, 2, 3, 3, 3, 3, -1, 3}
	groupOf := func(i int) int { return groups[i] }
	want, err := writeTest(t, dir, nil, true, -1, testTable("t", "parts", len(groups), groupOf, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want["parts/a.csv"] != "N,Text\n0,row 0\n1,row 1\n3,row 3\n" || want["parts/d.csv"] != "N,Text\n9,row 9\n10,row 10\n11,row 11\n12,row 12\n14,row 14\n" {
		t.Fatalf("split files: %q", want)
	}
	for rows := 1; rows <= len(groups)+1; rows++ {
		got, err := writeTest(t, dir, nil, true, rows, testTable("t", "parts", len(groups), groupOf, nil))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("rows=%d: wrote %q, want %q", rows, got, want)
		}
	}
}

func TestWriteChunkedErrors(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	const n = 100_000
	t.Run("rows fail", func(t *testing.T) {
		boom := errors.New("boom")
		tb := testTable("t", "", n, noGroup, nil)
		rows := tb.Rows
		tb.Rows = func(yield func(Record, int) error) error {
			i := 0
			return rows(func(r Record, g int) error {
				if i++; i == 5000 {
					return fmt.Errorf("row %d: %w", i, boom)
				}
				return yield(r, g)
			})
		}
		if _, err := writeTest(t, dir, nil, false, 7, testTable("ok", "", 10, noGroup, nil), tb); !errors.Is(err, boom) {
			t.Errorf("got %v, want the rows' error", err)
		}
	})
	for _, tc := range []struct {
		name, refused string
		split         bool
	}{
		{"table refused", "t.csv", false},
		{"split file refused", "parts/b.csv", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var yielded atomic.Int64
			input := filepath.Join(dir, tc.refused)
			groupOf := func(i int) int { return i * 4 / n }
			_, err := writeTest(t, dir, []string{input}, tc.split, 1, testTable("t", "parts", n, groupOf, &yielded))
			var fe *Error
			if !errors.Is(err, ErrOutput) || !errors.As(err, &fe) || fe.File != input {
				t.Fatalf("got %v, want a Error on %s wrapping ErrOutput", err, input)
			}
			if got := yielded.Load(); got == n {
				t.Errorf("all %d rows gathered after the writer failed", got)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("left in the output directory: %v", left)
			}
		})
	}
}

// A panic laying out a row reaches the caller, which the command turns
// into one line and exit status 4; nothing is left waiting.
func TestWriteChunkedPanic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	bad := Table{Base: "bad", Header: []string{"A"}, Rows: func(yield func(Record, int) error) error {
		for i := range 50_000 {
			r := testRow{"x"}
			if i == 20_000 {
				r = testRow{"panic"}
			}
			if err := yield(r, -1); err != nil {
				return err
			}
		}
		return nil
	}}
	for _, rows := range []int{-1, 1, 0} {
		func() {
			defer func() {
				if r := recover(); r != "laying out a bad row" {
					t.Errorf("rows=%d: recovered %v, want the row's panic", rows, r)
				}
			}()
			writeTest(t, dir, nil, false, rows, testTable("ok", "", 50_000, noGroup, nil), bad)
		}()
	}
}

// A guarded table's formula-like cells are told in row order, with their
// line and column, or escaped (but never in a column kept as it is); an
// unguarded table's are left alone; both ways of writing agree.
func TestWriteTablesFormulas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	cells := []string{"=1+1", "plain", "+x", "-", "", "@a", "a=b", "-3"}
	plain := "A\n=1+1\nplain\n+x\n-\n\n@a\na=b\n-3\n"
	all := []FormulaCell{{2, 0, "=1+1"}, {4, 0, "+x"}, {5, 0, "-"}, {7, 0, "@a"}, {9, 0, "-3"}}
	for _, tc := range []struct {
		escape, keep bool
		want         string
		heard        []FormulaCell
	}{
		{false, false, plain, all},
		{true, false, "A\n'=1+1\nplain\n'+x\n'-\n\n'@a\na=b\n'-3\n", nil},
		{true, true, plain, all}, // a column kept as it is: told, never escaped
	} {
		for _, rows := range []int{-1, 1, 3, 0} {
			var heard []FormulaCell
			table := func(base string, guarded bool) Table {
				tb := Table{Base: base, Header: []string{"A"}, Rows: func(yield func(Record, int) error) error {
					for _, c := range cells {
						if err := yield(testRow{c}, -1); err != nil {
							return err
						}
					}
					return nil
				}}
				if guarded {
					tb.Formula = func(f FormulaCell) { heard = append(heard, f) }
				}
				return tb
			}
			os.RemoveAll(dir)
			out, err := NewOutputSet(dir, CSV, nil)
			if err != nil {
				t.Fatal(err)
			}
			opt := TablesOptions{EscapeFormulas: tc.escape, ChunkRows: rows}
			if tc.keep {
				opt.KeepAsIs = func(column string) bool { return column == "A" }
			}
			if err := out.WriteTables(opt, table("guarded", true), table("plain", false)); err != nil {
				t.Fatal(err)
			}
			if err := out.Commit(); err != nil {
				t.Fatal(err)
			}
			files := listTree(t, dir)
			if files["guarded.csv"] != tc.want || files["plain.csv"] != plain {
				t.Errorf("escape=%v keep=%v rows=%d: wrote %q", tc.escape, tc.keep, rows, files)
			}
			if !reflect.DeepEqual(heard, tc.heard) {
				t.Errorf("escape=%v keep=%v rows=%d: heard of %v, want %v", tc.escape, tc.keep, rows, heard, tc.heard)
			}
		}
	}
}
