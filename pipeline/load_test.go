package pipeline

import (
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
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
			if n := len(want.files); top != 9 || // 7 tables (possible_duplicates.csv too), review.csv, summary.json
				api4 != len(API4Files) || ogFiles == 0 || opt.Split && n < 50 {
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
