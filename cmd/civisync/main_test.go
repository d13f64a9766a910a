package main

// End-to-end tests: they build the real binary once and run it the way a
// user or a script does, from the repository root, so that input paths such
// as samples/drupal7/users.csv appear in the outputs exactly as given.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	binary   string // the civisync binary under test
	repoRoot string // working directory of every run
)

func TestMain(m *testing.M) {
	flag.Parse()
	code, err := buildAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func buildAndRun(m *testing.M) (int, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return 0, err
	}
	repoRoot = root
	dir, err := os.MkdirTemp("", "civisync-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "civisync")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("go build: %v\n%s", err, out)
	}
	return m.Run(), nil
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// civisync runs the binary in the repository root with args, feeding it
// stdin (nil: none).
func civisync(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	return civisyncEnv(t, nil, stdin, args...)
}

// civisyncEnv is civisync with more environment variables (NAME=value).
func civisyncEnv(t *testing.T, env []string, stdin io.Reader, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = repoRoot
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
	default:
		t.Fatalf("civisync %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// mustRun runs civisync and fails the test unless it exits 0.
func mustRun(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	r := civisync(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("civisync %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// openSample opens a file given relative to the repository root (or an
// absolute path).
func openSample(t *testing.T, path string) *os.File {
	t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(repoRoot, path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readTree reads every file under dir (hidden ones included, so a leftover
// temporary file shows up) keyed by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if entries, err := os.ReadDir(path); err == nil && len(entries) == 0 {
				files[rel+"/"] = nil // an empty directory left behind
			}
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// outputs reads a run's output directory for comparison: CSV and JSON as
// they are, each XLSX as the CSV text of its cell values under the name
// "<name>.xlsx.csv" (rows padded to the header's width, as CSV keeps trailing
// empty cells). The output directory's path is replaced by $OUT.
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	for rel, data := range readTree(t, dir) {
		if rel == "report.html" {
			continue // a page for a person, made from these files: see report_test.go
		}
		if strings.HasSuffix(rel, ".xlsx") {
			rel += ".csv"
			data = xlsxText(t, filepath.Join(dir, filepath.FromSlash(strings.TrimSuffix(rel, ".csv"))))
		}
		got[rel] = bytes.ReplaceAll(data, []byte(dir), []byte("$OUT"))
	}
	return got
}

// xlsxRows reads the cell values of the only sheet of an XLSX file.
func xlsxRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("%s: sheets %q, want exactly one", path, sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func xlsxText(t *testing.T, path string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(padRows(xlsxRows(t, path))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// csvRows parses CSV text, every row padded to the header's width (XLSX
// drops trailing empty cells; CSV keeps them).
func csvRows(t *testing.T, name string, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return padRows(rows)
}

func padRows(rows [][]string) [][]string {
	if len(rows) == 0 {
		return rows
	}
	width := len(rows[0])
	for i, row := range rows {
		for len(row) < width {
			row = append(row, "")
		}
		rows[i] = row
	}
	return rows
}

// diffText shows how got differs from want: the lines only in want (-)
// and only in got (+), with their line numbers, from a longest common
// subsequence of lines.
func diffText(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	// lcs[i][j]: length of the LCS of w[i:] and g[j:].
	lcs := make([][]int, len(w)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(g)+1)
	}
	for i := len(w) - 1; i >= 0; i-- {
		for j := len(g) - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	shown := 0
	line := func(sign string, n int, s string) {
		if shown < 20 {
			fmt.Fprintf(&b, "   %s%4d  %s\n", sign, n, s)
		} else if shown == 20 {
			b.WriteString("   ...\n")
		}
		shown++
	}
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i, j = i+1, j+1
		case i < len(w) && (j == len(g) || lcs[i+1][j] >= lcs[i][j+1]):
			line("-", i+1, w[i])
			i++
		default:
			line("+", j+1, g[j])
			j++
		}
	}
	return b.String()
}

// compareTrees reports every file that differs, is missing or is extra.
func compareTrees(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		w, inWant := want[n]
		g, inGot := got[n]
		switch {
		case !inGot:
			t.Errorf("%s: missing", n)
		case !inWant:
			t.Errorf("%s: unexpected file (%d bytes)", n, len(g))
		case !bytes.Equal(w, g):
			t.Errorf("%s differs:\n%s", n, diffText(w, g))
		}
	}
}

// Sample paths shared by the tests.
const (
	d7Users      = "samples/drupal7/users.csv"
	contactsCSV  = "samples/civicrm/contacts.csv"
	contactsXLSX = "samples/civicrm/contacts.xlsx"
	d7Members    = "samples/drupal7/og_membership.csv"
	d7Roles      = "samples/drupal7/og_users_roles.csv"
	d7RoleNames  = "samples/drupal7/og_role.csv"
	d7Nodes      = "samples/drupal7/node.csv"
	wpUsers      = "samples/wordpress/users.csv"
)

// mainRun is the arguments of the main Drupal 7 run of samples/README.md.
func mainRun() []string {
	return []string{"sync", "--users", d7Users, "--contacts", contactsCSV,
		"--memberships", d7Members, "--og-roles", d7Roles, "--og-role-names", d7RoleNames, "--groups", d7Nodes}
}

// Fixtures of this package, relative to the repository root.
const (
	fixtures     = "cmd/civisync/testdata/fixtures/"
	badRowsUsers = fixtures + "bad_rows_users.csv"
)
