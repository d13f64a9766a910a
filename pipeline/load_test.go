package pipeline

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/civisync/civisync/formats"
)

// readTree reads every file under dir, by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// countProgress adds up the rows a run reports.
type countProgress struct{ rows atomic.Int64 }

func (p *countProgress) Stage(string, int64) {}
func (p *countProgress) Add(n int)           { p.rows.Add(int64(n)) }

// loadRun is what one Load left behind.
type loadRun struct {
	files  map[string]string
	review []ReviewItem // res.Review.Items afterwards, in order
	ticks  int64
}

// loadWith loads a fresh generated Result into dir with rows per chunk
// (< 0: a row at a time) and commits it.
func loadWith(t *testing.T, g genOptions, dir string, format formats.Format, opt LoadOptions, rows int) loadRun {
	t.Helper()
	os.RemoveAll(dir)
	res := genResult(g)
	out, err := formats.NewOutputSet(dir, format, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &countProgress{}
	opt.Progress = p
	if err := (&loader{out: out, opt: opt, rows: rows}).load(res); err != nil {
		out.Abort()
		t.Fatalf("rows=%d: %v", rows, err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	return loadRun{readTree(t, dir), res.Review.Items, p.rows.Load()}
}

// The chunked writer must write what the row-at-a-time writer writes, file
// for file and byte for byte, and find the same formula-like cells in the
// same order, whatever the chunk size.
func TestLoadChunked(t *testing.T) {
	g := genOptions{Users: 3000, Formulas: true, OGImport: 400}
	dir := filepath.Join(t.TempDir(), "out")
	for _, opt := range []LoadOptions{{}, {Split: true}, {EscapeFormulas: true}, {Split: true, EscapeFormulas: true}} {
		t.Run(fmt.Sprintf("split=%v,escape=%v", opt.Split, opt.EscapeFormulas), func(t *testing.T) {
			want := loadWith(t, g, dir, formats.CSV, opt, -1)
			formulas, kept := 0, 0
			for _, it := range want.review {
				if it.Kind != KindFormulaLike {
					continue
				}
				formulas++
				if it.Line < 2 {
					t.Errorf("formula-like item without its line: %+v", it)
				}
				if strings.HasPrefix(it.Detail, "Email ") || strings.Contains(strings.SplitN(it.Detail, `"`, 2)[0], " ID ") {
					kept++ // e-mails and ids are listed, never escaped
				}
			}
			if formulas == 0 || opt.EscapeFormulas && formulas != kept {
				t.Fatalf("%d formula-like cells reviewed, %d of them e-mails or ids: the generated result must have some, and --escape-formulas only e-mails and ids", formulas, kept)
			}
			if counted := regexp.MustCompile(fmt.Sprintf(`"formula-like": %d\b`, formulas)); formulas > 0 && !counted.MatchString(want.files["summary.json"]) {
				t.Fatalf("summary.json does not count the %d formula-like cells", formulas)
			}
			if opt.EscapeFormulas && !regexp.MustCompile(`(?m)(^|,)'[=+\-@]`).MatchString(want.files["user_contacts.csv"]) {
				t.Fatal("no escaped cell in user_contacts.csv")
			}
			top, api4, ogFiles := 0, 0, 0
			for name := range want.files {
				switch {
				case !strings.Contains(name, "/"):
					top++
				case strings.HasPrefix(name, API4Dir+"/"):
					api4++
				case strings.HasPrefix(name, "user_import_og/"):
					ogFiles++
				case !opt.Split:
					t.Fatalf("%s written without --split", name)
				}
			}
			if n := len(want.files); top != 8 || api4 != len(API4Files) || ogFiles == 0 || opt.Split && n < 50 {
				t.Fatalf("%d files written: %d tables, %d api4 files, %d user_import_og files", n, top, api4, ogFiles)
			}
			for _, rows := range []int{1, 7, 0, 1 << 20} {
				got := loadWith(t, g, dir, formats.CSV, opt, rows)
				if !slices.Equal(slices.Sorted(maps.Keys(got.files)), slices.Sorted(maps.Keys(want.files))) {
					t.Fatalf("rows=%d: files %q, want %q", rows, slices.Sorted(maps.Keys(got.files)), slices.Sorted(maps.Keys(want.files)))
				}
				for name, w := range want.files {
					if got.files[name] != w {
						t.Errorf("rows=%d: %s differs from the row-at-a-time writer's", rows, name)
					}
				}
				if !reflect.DeepEqual(got.review, want.review) {
					t.Errorf("rows=%d: review items differ (or their order)", rows)
				}
				if got.ticks != want.ticks {
					t.Errorf("rows=%d: progress heard of %d rows, want %d", rows, got.ticks, want.ticks)
				}
			}
		})
	}
}

// XLSX tables are written a row at a time; they hold the same rows.
func TestLoadXLSX(t *testing.T) {
	g := genOptions{Users: 300, Formulas: true, OGImport: 20}
	dir := filepath.Join(t.TempDir(), "out")
	run := loadWith(t, g, dir, formats.XLSX, LoadOptions{Split: true}, 0)
	for _, it := range run.review {
		if it.Kind == KindFormulaLike {
			t.Fatalf("XLSX reviewed a formula-like cell: %+v", it)
		}
	}
	r, err := formats.Open(filepath.Join(dir, "group_members.xlsx"), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := 0
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rows++
	}
	if want := len(genResult(g).Groups.Members); rows != want {
		t.Errorf("group_members.xlsx: %d rows, want %d", rows, want)
	}
}

// testRow is a row of strings; a row "panic" panics when laid out.
type testRow []string

func (r testRow) AppendFields(d []string) []string {
	if len(r) > 0 && r[0] == "panic" {
		panic("laying out a bad row")
	}
	return append(d, r...)
}

// testTable has n rows "i,row i" in groups of groupOf(i) (-1: none).
func testTable(base, splitDir string, n int, groupOf func(int) int, yielded *atomic.Int64) table {
	return table{base, splitDir, []string{"N", "Text"}, func(yield func(formats.Record, int) error) error {
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
// in dir and returns what it wrote.
func writeTest(t *testing.T, dir string, inputs []string, opt LoadOptions, rows int, tables ...table) (map[string]string, error) {
	t.Helper()
	os.RemoveAll(dir)
	out, err := formats.NewOutputSet(dir, formats.CSV, inputs)
	if err != nil {
		t.Fatal(err)
	}
	w := &loader{out: out, opt: opt, rows: rows, review: &Review{}, slugs: []string{"a", "b", "c", "d"}}
	if _, err := w.writeTables(tables); err != nil {
		out.Abort()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	return readTree(t, dir), nil
}

func TestWriteChunkedOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	const n = 10_000
	files, err := writeTest(t, dir, nil, LoadOptions{}, 3,
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
	opt := LoadOptions{Split: true}
	want, err := writeTest(t, dir, nil, opt, -1, testTable("t", "parts", len(groups), groupOf, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want["parts/a.csv"] != "N,Text\n0,row 0\n1,row 1\n3,row 3\n" || want["parts/d.csv"] != "N,Text\n9,row 9\n10,row 10\n11,row 11\n12,row 12\n14,row 14\n" {
		t.Fatalf("split files: %q", want)
	}
	for rows := 1; rows <= len(groups)+1; rows++ {
		got, err := writeTest(t, dir, nil, opt, rows, testTable("t", "parts", len(groups), groupOf, nil))
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
		rows := tb.rows
		tb.rows = func(yield func(formats.Record, int) error) error {
			i := 0
			return rows(func(r formats.Record, g int) error {
				if i++; i == 5000 {
					return fmt.Errorf("row %d: %w", i, boom)
				}
				return yield(r, g)
			})
		}
		if _, err := writeTest(t, dir, nil, LoadOptions{}, 7, testTable("ok", "", 10, noGroup, nil), tb); !errors.Is(err, boom) {
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
			_, err := writeTest(t, dir, []string{input}, LoadOptions{Split: tc.split}, 1, testTable("t", "parts", n, groupOf, &yielded))
			var fe *formats.Error
			if !errors.Is(err, formats.ErrOutput) || !errors.As(err, &fe) || fe.File != input {
				t.Fatalf("got %v, want a formats.Error on %s wrapping ErrOutput", err, input)
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
	bad := table{"bad", "", []string{"A"}, func(yield func(formats.Record, int) error) error {
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
			writeTest(t, dir, nil, LoadOptions{}, rows, testTable("ok", "", 50_000, noGroup, nil), bad)
		}()
	}
}
