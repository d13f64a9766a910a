package formats

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readTable reads a written table back through Open.
func readTable(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reading back %s: %v", path, err)
	}
	defer r.Close()
	for _, g := range readAll(t, r, 1000) {
		if g.Bad {
			t.Fatalf("%s: bad row at line %d", path, g.Line)
		}
		rows = append(rows, g.Fields)
	}
	return r.Header(), rows
}

// tmpLeft lists temporary files or directories left in dir.
func tmpLeft(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			left = append(left, e.Name())
		}
	}
	return left
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestOutputSet(t *testing.T) {
	header := []string{"User ID", "Email", "Contact ID"}
	rows := [][]string{{"1", "ann@example.org", "12"}, {"2", "bob@example.org", ""}, {"3", "=cmd|' /C calc'!A0", "007"}}
	for _, format := range []Format{CSV, XLSX} {
		for _, commit := range []bool{true, false} {
			name := fmt.Sprintf("%s/commit=%v", format, commit)
			t.Run(name, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "out")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				final := filepath.Join(dir, "user_contacts."+string(format))
				earlier := []byte("an earlier run's output\n")
				if err := os.WriteFile(final, earlier, 0o644); err != nil {
					t.Fatal(err)
				}
				o, err := NewOutputSet(dir, format, nil)
				if err != nil {
					t.Fatal(err)
				}
				if o.Format() != format || o.Dir() != dir || o.Path("x.csv") != filepath.Join(dir, "x.csv") {
					t.Errorf("Format, Dir, Path = %q, %q, %q", o.Format(), o.Dir(), o.Path("x.csv"))
				}
				for _, base := range []string{"user_contacts", "groups/board-members"} {
					tw, err := o.Table(base, header)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rows {
						if err := tw.Write(r); err != nil {
							t.Fatal(err)
						}
					}
					if err := tw.Close(); err != nil {
						t.Fatal(err)
					}
				}
				if err := o.File("summary.json", []byte(`{"checked":3}`)); err != nil {
					t.Fatal(err)
				}
				// Nothing lands before Commit.
				if !bytes.Equal(mustRead(t, final), earlier) {
					t.Error("the earlier output changed before Commit")
				}
				for _, rel := range []string{"groups", "summary.json"} {
					if exists(filepath.Join(dir, rel)) {
						t.Errorf("%s exists before Commit", rel)
					}
				}
				if !commit {
					o.Abort()
					if !bytes.Equal(mustRead(t, final), earlier) {
						t.Error("Abort changed the earlier output")
					}
					for _, rel := range []string{"groups", "summary.json"} {
						if exists(filepath.Join(dir, rel)) {
							t.Errorf("%s exists after Abort", rel)
						}
					}
				} else {
					if err := o.Commit(); err != nil {
						t.Fatal(err)
					}
					for _, p := range []string{final, filepath.Join(dir, "groups", "board-members."+string(format))} {
						h, got := readTable(t, p)
						if !slices.Equal(h, header) || !reflect.DeepEqual(got, rows) {
							t.Errorf("%s: read back %q %q, want %q %q", p, h, got, header, rows)
						}
					}
					if got := string(mustRead(t, filepath.Join(dir, "summary.json"))); got != `{"checked":3}` {
						t.Errorf("summary.json = %q", got)
					}
				}
				if left := tmpLeft(t, dir); len(left) > 0 {
					t.Errorf("temporary files left: %q", left)
				}
			})
		}
	}
}

// A table created again starts over, and is moved into place once.
func TestOutputSetTableAgain(t *testing.T) {
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			o, err := NewOutputSet(dir, format, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, rows := range [][]string{{"first", "run", "longer"}, {"second"}} {
				tw, err := o.Table("review", []string{"Kind"})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					if err := tw.Write([]string{r}); err != nil {
						t.Fatal(err)
					}
				}
				if err := tw.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if err := o.Commit(); err != nil {
				t.Fatal(err)
			}
			h, rows := readTable(t, filepath.Join(dir, "review."+string(format)))
			if !slices.Equal(h, []string{"Kind"}) || !reflect.DeepEqual(rows, [][]string{{"second"}}) {
				t.Errorf("read back %q %q, want the second table", h, rows)
			}
		})
	}
}

func TestOutputSetRefusesInputs(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "user_contacts.csv")
	inputX := filepath.Join(dir, "groups.xlsx")
	for _, p := range []string{input, inputX} {
		if err := os.WriteFile(p, []byte("uid\n1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, "link.csv")
	if err := os.Symlink(input, link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	tests := []struct {
		name   string
		format Format
		inputs []string
		table  string // base name; or file, a plain file
		file   string
	}{
		{name: "same path", format: CSV, inputs: []string{input}, table: "user_contacts"},
		{name: "relative path", format: CSV, inputs: []string{"out/user_contacts.csv"}, table: "user_contacts"},
		{name: "dot-dot path", format: CSV, inputs: []string{"out/../out/./user_contacts.csv"}, table: "user_contacts"},
		{name: "through a symlink", format: CSV, inputs: []string{"-", "", link}, table: "user_contacts"},
		{name: "xlsx", format: XLSX, inputs: []string{inputX}, table: "groups"},
		{name: "plain file", format: CSV, inputs: []string{input}, file: "user_contacts.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := NewOutputSet(dir, tc.format, tc.inputs)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Abort()
			if tc.file != "" {
				err = o.File(tc.file, []byte("x"))
			} else {
				var tw TableWriter
				tw, err = o.Table(tc.table, []string{"a"})
				if err == nil {
					tw.Close()
				}
			}
			var fe *Error
			if !errors.Is(err, ErrOutput) || !errors.As(err, &fe) || !strings.Contains(err.Error(), "overwrite the input") {
				t.Fatalf("got %v, want an *Error wrapping ErrOutput", err)
			}
			// Another output in the same set is fine.
			tw, err := o.Table("other", []string{"a"})
			if err != nil {
				t.Fatal(err)
			}
			tw.Close()
		})
	}
	if got := string(mustRead(t, input)); got != "uid\n1\n" {
		t.Errorf("input changed: %q", got)
	}
}

func TestCreateAtomic(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(input, []byte("uid\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sym := filepath.Join(dir, "sym.csv")
	if err := os.Symlink(input, sym); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(input, hard); err != nil {
		t.Fatal(err)
	}
	t.Run("refuses an input", func(t *testing.T) {
		for _, tc := range []struct{ out, in string }{
			{input, input},
			{filepath.Join(dir, "..", filepath.Base(dir), "users.csv"), input},
			{sym, input},
			{input, sym},
			{hard, input},
		} {
			f, err := CreateAtomic(tc.out, []string{"-", "", tc.in})
			if err == nil {
				f.Abort()
				t.Errorf("CreateAtomic(%s) with input %s succeeded", tc.out, tc.in)
				continue
			}
			if !errors.Is(err, ErrOutput) {
				t.Errorf("CreateAtomic(%s): %v does not wrap ErrOutput", tc.out, err)
			}
		}
	})
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("commit=%v", commit), func(t *testing.T) {
			out := filepath.Join(dir, "users.canonical.csv")
			earlier := []byte("earlier\n")
			if err := os.WriteFile(out, earlier, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := CreateAtomic(out, []string{input})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(f, "uid\n2\n")
			if !bytes.Equal(mustRead(t, out), earlier) {
				t.Error("output changed before Commit")
			}
			want := earlier
			if commit {
				if err := f.Commit(); err != nil {
					t.Fatal(err)
				}
				want = []byte("uid\n2\n")
			} else {
				f.Abort()
			}
			if got := mustRead(t, out); !bytes.Equal(got, want) {
				t.Errorf("after commit=%v: %q, want %q", commit, got, want)
			}
			if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, %v: want 0644", st.Mode(), err)
			}
			if left := tmpLeft(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %q", left)
			}
		})
	}
	t.Run("stdout", func(t *testing.T) {
		f, err := CreateAtomic("-", []string{"-"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Errorf("Commit on standard output: %v", err)
		}
		f.Abort()
	})
}

// sheetCell is a cell of a worksheet's XML.
type sheetCell struct {
	Ref     string    `xml:"r,attr"`
	Type    string    `xml:"t,attr"`
	Formula *struct{} `xml:"f"`
	Value   string    `xml:"v"`
	Inline  string    `xml:"is>t"`
}

// sheetCells reads the first worksheet's cells straight from the zip.
func sheetCells(t *testing.T, path string) map[string]sheetCell {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var ws struct {
		Rows []struct {
			Cells []sheetCell `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.NewDecoder(rc).Decode(&ws); err != nil {
		t.Fatal(err)
	}
	cells := map[string]sheetCell{}
	for _, r := range ws.Rows {
		for _, c := range r.Cells {
			cells[c.Ref] = c
		}
	}
	return cells
}

func TestXLSXTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.xlsx")
	header := []string{"Formula", "Int", "Zero", "Leading zero", "Long", "Negative", "Fraction", "Empty", "Year"}
	rec := []string{"=1+1", "1234", "0", "007", "12345678901234567", "-5", "1.5", "", "2024"}
	tw, err := NewXLSXTable(path, header)
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	cells := sheetCells(t, path)
	tests := []struct {
		ref    string
		number bool
		value  string
	}{
		{"A2", false, "=1+1"}, {"B2", true, "1234"}, {"C2", true, "0"}, {"D2", false, "007"},
		{"E2", false, "12345678901234567"}, {"F2", false, "-5"}, {"G2", false, "1.5"},
		{"I1", false, "Year"}, {"A1", false, "Formula"}, {"I2", true, "2024"},
	}
	for _, tc := range tests {
		c, ok := cells[tc.ref]
		if !ok {
			t.Errorf("%s: no cell", tc.ref)
			continue
		}
		if c.Formula != nil {
			t.Errorf("%s: stored as a formula", tc.ref)
		}
		isNumber := c.Type == "" || c.Type == "n"
		if isNumber != tc.number {
			t.Errorf("%s: type %q, want number=%v", tc.ref, c.Type, tc.number)
		}
		if tc.number && c.Value != tc.value {
			t.Errorf("%s: value %q, want %q", tc.ref, c.Value, tc.value)
		}
	}
	h, rows := readTable(t, path)
	if !slices.Equal(h, header) || len(rows) != 1 || !slices.Equal(rows[0], rec) {
		t.Errorf("read back %q %q, want %q %q", h, rows, header, rec)
	}
}

// TestXLSXTableSheets: a table longer than a worksheet goes on in Sheet2,
// Sheet3 …, each with the header; the file is not executable.
func TestXLSXTableSheets(t *testing.T) {
	defer func(n int) { xlsxMaxRows = n }(xlsxMaxRows)
	xlsxMaxRows = 4 // the header and 3 rows
	for _, tc := range []struct {
		rows   int
		sheets []int // data rows on each sheet
	}{
		{0, []int{0}}, {3, []int{3}}, {4, []int{3, 1}}, {10, []int{3, 3, 3, 1}},
	} {
		path := filepath.Join(t.TempDir(), "t.xlsx")
		tw, err := NewXLSXTable(path, []string{"User ID", "Email"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= tc.rows; i++ {
			if err := tw.Write([]string{fmt.Sprint(i), fmt.Sprintf("u%d@example.org", i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o111 != 0 {
			t.Errorf("%s: mode %v, %v: want a file that is not executable (0644)", path, st.Mode(), err)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i := range tc.sheets {
			want = append(want, fmt.Sprintf("Sheet%d", i+1))
		}
		if got := f.GetSheetList(); !slices.Equal(got, want) {
			t.Errorf("%d rows: sheets %q, want %q", tc.rows, got, want)
		}
		next := 1
		for i, n := range tc.sheets {
			rows, err := f.GetRows(fmt.Sprintf("Sheet%d", i+1))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != n+1 || !slices.Equal(rows[0], []string{"User ID", "Email"}) {
				t.Fatalf("%d rows: Sheet%d holds %q, want the header and %d rows", tc.rows, i+1, rows, n)
			}
			for _, r := range rows[1:] {
				if r[0] != fmt.Sprint(next) {
					t.Fatalf("%d rows: Sheet%d row %q, want user %d", tc.rows, i+1, r, next)
				}
				next++
			}
		}
		f.Close()
	}
}

func TestCSVTable(t *testing.T) {
	var buf closeBuffer
	tw, err := NewCSVTable(&buf, []string{"Group Title", "Email"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]string{{"Board, Trustees", "a@example.org"}, {`The "A" Team`, "b@example.org"}, {"multi\nline", ""}} {
		if err := tw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() != 0 {
		t.Error("written through before Close: want buffered")
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	want := "Group Title,Email\n\"Board, Trustees\",a@example.org\n\"The \"\"A\"\" Team\",b@example.org\n\"multi\nline\",\n"
	if buf.String() != want || !buf.closed {
		t.Errorf("got %q closed=%v, want %q closed", buf.String(), buf.closed, want)
	}
}

// stdCSV is what encoding/csv's Writer makes of recs.
func stdCSV(recs ...[]string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range recs {
		w.Write(r)
	}
	w.Flush()
	return b.String()
}

// AppendCSV must lay records out exactly as encoding/csv does.
func TestAppendCSV(t *testing.T) {
	fields := []string{
		"", "plain", "Board, Trustees", `The "A" Team`, `"`, `""`, "multi\nline", "cr\rhere", "crlf\r\n",
		`\.`, `\.x`, `x\.`, `\`, " lead", "trail ", "\tlead", "\vlead", "\flead", "\u00a0nbsp", "\u0085nel",
		"\u3000ideographic", "\u2028line", "\u200bzero-width", "é", "\xff\xfe", "\xe2\x80", "=1+1", "'", ";", "a\x00b",
		"Zoë, \"Jo\"\n", "-", "@x",
	}
	var recs [][]string
	for _, f := range fields {
		recs = append(recs, []string{f}, []string{f, f}, []string{"x", f, "y"})
	}
	recs = append(recs, []string{}, nil, []string{"", ""}, []string{"1", "2", "3"})
	for _, r := range recs {
		if got, want := string(AppendCSV(nil, r)), stdCSV(r); got != want {
			t.Errorf("AppendCSV(%q) = %q, encoding/csv writes %q", r, got, want)
		}
	}
	// Appends, leaving dst's bytes alone.
	if got := string(AppendCSV([]byte("head\n"), []string{"a", "b,c"})); got != "head\na,\"b,c\"\n" {
		t.Errorf("appended: %q", got)
	}
}

func FuzzAppendCSV(f *testing.F) {
	f.Add("a", "b,c", `"q"`)
	f.Add(" x", "\r\n", `\.`)
	f.Add("\u00a0", "", "\xff")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, r := range [][]string{{a}, {a, b, c}, {c, "", b}} {
			if got, want := string(AppendCSV(nil, r)), stdCSV(r); got != want {
				t.Fatalf("AppendCSV(%q) = %q, encoding/csv writes %q", r, got, want)
			}
		}
	})
}

type closeBuffer struct {
	bytes.Buffer
	closed bool
}

func (c *closeBuffer) Close() error { c.closed = true; return nil }

type member struct {
	Title string `csv:"Group Title"`
	ID    int    `csv:"Contact ID,omitempty"`
	Skip  string `csv:"-"`
	Note  string
}

func (m member) AppendFields(dst []string) []string {
	return append(dst, m.Title, fmt.Sprint(m.ID))
}

func TestHeaderOfAndRecords(t *testing.T) {
	if got := HeaderOf[member](); !slices.Equal(got, []string{"Group Title", "Contact ID"}) {
		t.Errorf("HeaderOf = %q", got)
	}
	var buf bytes.Buffer
	tw, err := NewCSVTable(&buf, HeaderOf[member]())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []member{{Title: "Board", ID: 7}, {Title: "Staff", ID: 9}} {
		if err := tw.Write(m.AppendFields(nil)); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	if want := "Group Title,Contact ID\nBoard,7\nStaff,9\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		ok   bool
	}{{"", CSV, true}, {"csv", CSV, true}, {"XLSX", XLSX, true}, {"ods", "", false}} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseFormat(%q) = %q, %v", tc.in, got, err)
		}
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkCSVTableWrite(b *testing.B) {
	header := []string{"User ID", "Username", "Email", "Contact ID", "Match", "Rule Score"}
	rows := make([][]string, 100_000)
	for i := range rows {
		rows[i] = []string{fmt.Sprint(i + 1), fmt.Sprintf("user %d", i), fmt.Sprintf("user%d@example.org", i), fmt.Sprint(i * 3), "email", "10"}
	}
	write := func(w io.Writer) {
		tw, err := NewCSVTable(w, header)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			if err := tw.Write(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	var cw countWriter
	write(&cw)
	b.SetBytes(cw.n)
	for b.Loop() {
		write(io.Discard)
	}
}
