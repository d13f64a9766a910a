package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/civisync/civisync/pipeline"
)

// A golden case is a directory testdata/golden/<case>/ holding
//
//	args     the arguments, one a line (the test adds --out DIR)
//	stdin    optional: a file, relative to the repository root, fed to stdin
//	stdout   expected standard output
//	stderr   expected standard error (absent: none)
//	exit     expected exit status
//
// and every file expected in the output directory, XLSX files as the CSV
// text of their cells under "<name>.xlsx.csv". Any other output file is an
// error. The output directory's path is written $OUT.
// `go test ./cmd/civisync -run Golden -update` rewrites the expected files;
// review the diff before committing it.
const goldenDir = "testdata/golden"

type goldenCase struct {
	name  string
	dir   string
	args  []string
	stdin string
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c := goldenCase{name: e.Name(), dir: filepath.Join(goldenDir, e.Name())}
		data, err := os.ReadFile(filepath.Join(c.dir, "args"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimRight(line, "\r"); line != "" {
				c.args = append(c.args, line)
			}
		}
		if data, err := os.ReadFile(filepath.Join(c.dir, "stdin")); err == nil {
			c.stdin = strings.TrimSpace(string(data))
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", goldenDir)
	}
	return cases
}

// run runs the case into a fresh output directory and returns its outputs
// together with stdout, stderr and exit.
func (c goldenCase) run(t *testing.T) map[string][]byte {
	t.Helper()
	out := t.TempDir()
	var stdin io.Reader
	if c.stdin != "" {
		stdin = openSample(t, c.stdin)
	}
	r := civisync(t, stdin, append(append([]string{}, c.args...), "--out", out)...)
	got := outputs(t, out)
	got["stdout"] = []byte(r.stdout)
	got["exit"] = []byte(strconv.Itoa(r.code) + "\n")
	if r.stderr != "" {
		got["stderr"] = []byte(strings.ReplaceAll(r.stderr, out, "$OUT"))
	}
	return got
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := c.run(t)
			if *update {
				writeGolden(t, c.dir, got)
				return
			}
			want := map[string][]byte{}
			for rel, data := range readTree(t, c.dir) {
				if rel != "args" && rel != "stdin" {
					want[rel] = data
				}
			}
			compareTrees(t, want, got)
		})
	}
}

// writeGolden replaces a case's expected files with got.
func writeGolden(t *testing.T, dir string, got map[string][]byte) {
	t.Helper()
	for rel := range readTree(t, dir) {
		if rel != "args" && rel != "stdin" && !strings.HasSuffix(rel, "/") {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
				t.Fatal(err)
			}
		}
	}
	for rel, data := range got {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDeterministic: the same inputs give byte-identical outputs (SPEC §5).
func TestDeterministic(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			args := append(mainRun(), "--format", format, "--split")
			a, b := t.TempDir(), t.TempDir()
			ra := mustRun(t, nil, append(args, "--out", a)...)
			rb := mustRun(t, nil, append(args, "--out", b)...)
			if ra.stdout != rb.stdout {
				t.Errorf("stdout differs:\n%s", diffText([]byte(ra.stdout), []byte(rb.stdout)))
			}
			ta, tb := readTree(t, a), readTree(t, b)
			if len(ta) < 8 {
				t.Fatalf("only %d output files", len(ta))
			}
			compareTrees(t, ta, tb)
		})
	}
}

// fileStats is one entry of summary.json's "files".
type fileStats struct {
	File     string `json:"file"`
	Read     *int   `json:"rows_read"`
	Used     *int   `json:"rows_used"`
	Reviewed *int   `json:"rows_reviewed"`
	Skipped  *int   `json:"rows_skipped"`
}

// inputFlags name the options that take an input file.
var inputFlags = map[string]bool{"--users": true, "--contacts": true, "--emails": true, "--uf-match": true,
	"--group-contacts": true, "--memberships": true, "--og-roles": true, "--og-role-names": true, "--groups": true,
	"--og-groups": true, "--civicrm-groups": true}

// TestRowAccounting: every input file is in summary.json, and each of its
// rows is accounted for: rows_read = rows_used + rows_reviewed + rows_skipped.
func TestRowAccounting(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := c.run(t)
			if string(got["exit"]) != "0\n" {
				t.Skipf("exit %s", got["exit"])
			}
			var sum struct {
				Files []fileStats `json:"files"`
			}
			if err := json.Unmarshal(got["summary.json"], &sum); err != nil {
				t.Fatalf("summary.json: %v", err)
			}
			listed := map[string]bool{}
			for _, f := range sum.Files {
				listed[f.File] = true
				if f.Read == nil || f.Used == nil || f.Reviewed == nil || f.Skipped == nil {
					t.Errorf("%s: counts missing: %+v", f.File, f)
					continue
				}
				if *f.Read != *f.Used+*f.Reviewed+*f.Skipped {
					t.Errorf("%s: rows_read %d != rows_used %d + rows_reviewed %d + rows_skipped %d",
						f.File, *f.Read, *f.Used, *f.Reviewed, *f.Skipped)
				}
				if *f.Read == 0 {
					t.Errorf("%s: no rows read", f.File)
				}
			}
			for i, a := range c.args {
				if inputFlags[a] && i+1 < len(c.args) && !listed[c.args[i+1]] {
					t.Errorf("input %s %s is not in summary.json's files", a, c.args[i+1])
				}
			}
			// A bad row is counted as reviewed in its own file, and so is
			// every row with items, whichever stage made them: once.
			review := got["review.csv"]
			if review == nil {
				review = got["review.xlsx.csv"]
			}
			bad := map[string]int{}
			reviewed := map[string]map[string]bool{} // file -> lines
			for _, row := range csvRows(t, "review", review)[1:] {
				if row[0] == "bad-row" {
					bad[row[1]]++
				}
				if row[2] != "" {
					if reviewed[row[1]] == nil {
						reviewed[row[1]] = map[string]bool{}
					}
					reviewed[row[1]][row[2]] = true
				}
			}
			for _, f := range sum.Files {
				if f.Reviewed != nil && *f.Reviewed != len(reviewed[f.File]) {
					t.Errorf("%s: rows_reviewed %d, but review.csv names %d of its rows", f.File, *f.Reviewed, len(reviewed[f.File]))
				}
			}
			for _, f := range sum.Files {
				if f.Reviewed != nil && bad[f.File] > *f.Reviewed {
					t.Errorf("%s: %d bad-row review items, rows_reviewed %d", f.File, bad[f.File], *f.Reviewed)
				}
				delete(bad, f.File)
			}
			for file, n := range bad {
				t.Errorf("%d bad-row review items name %s, which summary.json does not list", n, file)
			}
		})
	}
}

// TestEquivalentRuns: inputs that hold the same data in another layout give
// the same outputs (samples/README.md), summary.json aside (it names the
// files read); XLSX outputs hold the cells CSV outputs hold. It compares the
// golden files, which TestGolden ties to the binary.
func TestEquivalentRuns(t *testing.T) {
	groups := [][]string{
		{"drupal7-main", "drupal7-contacts-xlsx", "drupal7-raw-dumps", "drupal7-raw-group-contacts"},
		{"drupal6", "drupal6-whole-nodes"},
		{"encodings-utf8bom-semicolon", "encodings-utf16le-tab", "encodings-windows1252", "encodings-pipe-crlf"},
		{"drupal7-main", "format-xlsx"},
		{"split", "split-xlsx"},
	}
	for _, g := range groups {
		read := func(name string) map[string][]byte {
			files := map[string][]byte{}
			for rel, data := range readTree(t, filepath.Join(goldenDir, name)) {
				if rel != "args" && rel != "summary.json" {
					files[strings.Replace(rel, ".xlsx.csv", ".csv", 1)] = data
				}
			}
			return files
		}
		want := read(g[0])
		for _, name := range g[1:] {
			t.Run(name, func(t *testing.T) { compareTrees(t, want, read(name)) })
		}
	}
}

// TestGoldenAPI4: every api4 file of every successful golden case is the
// parameters of its entity's save call, with field names from the table
// taken from civicrm-core's schema (pipeline.API4Schema).
func TestGoldenAPI4(t *testing.T) {
	for _, c := range goldenCases(t) {
		tree := readTree(t, c.dir)
		if string(tree["exit"]) != "0\n" {
			continue
		}
		for _, f := range pipeline.API4Files {
			data, ok := tree[pipeline.API4Dir+"/"+f.Name]
			if !ok {
				t.Errorf("%s: no %s/%s", c.name, pipeline.API4Dir, f.Name)
				continue
			}
			if err := pipeline.CheckAPI4File(f.Name, data); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}
