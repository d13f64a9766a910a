package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sync, transform and load write report.html with their outputs, the same
// page `civisync report DIR` makes from those outputs; --no-report leaves
// it out.
func TestReportWithOutputs(t *testing.T) {
	synced := t.TempDir()
	mustRun(t, nil, append(mainRun(), "--out", synced)...)
	page := readFile(t, filepath.Join(synced, "report.html"))
	for _, want := range []string{"Checked 14 user records.", `"contact-linked-elsewhere"`, "Content-Security-Policy"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("sync's report.html lacks %s", want)
		}
	}
	again := filepath.Join(t.TempDir(), "again.html")
	mustRun(t, nil, "report", synced, "--out", again)
	if !bytes.Equal(page, readFile(t, again)) {
		t.Error("civisync report DIR makes another page than sync wrote")
	}
	// in place, after an edit: a review item removed by hand
	review := filepath.Join(synced, "review.csv")
	lines := strings.Split(string(readFile(t, review)), "\n")
	os.WriteFile(review, []byte(strings.Join(append(lines[:1], lines[2:]...), "\n")), 0o644)
	mustRun(t, nil, "report", synced)
	if bytes.Equal(page, readFile(t, filepath.Join(synced, "report.html"))) || !bytes.Contains(readFile(t, filepath.Join(synced, "report.html")), []byte(`"group-name-collision"`)) == bytes.Contains(readFile(t, review), []byte("group-name-collision")) {
		t.Error("civisync report DIR did not follow the edit of review.csv")
	}

	transformed := t.TempDir()
	mustRun(t, nil, "transform", "--users", d7Users, "--contacts", contactsCSV, "--out", transformed)
	if _, err := os.Stat(filepath.Join(transformed, "report.html")); err != nil {
		t.Errorf("transform wrote no report.html: %v", err)
	}
	loaded := t.TempDir()
	mustRun(t, nil, "load", transformed, "--format", "xlsx", "--out", loaded)
	fromXLSX := filepath.Join(t.TempDir(), "x.html")
	mustRun(t, nil, "report", loaded, "-o", fromXLSX)
	if !bytes.Equal(readFile(t, filepath.Join(loaded, "report.html")), readFile(t, fromXLSX)) {
		t.Error("load's report.html differs from civisync report on its folder")
	}
	if !bytes.Contains(readFile(t, fromXLSX), []byte("<code>new_contacts.xlsx</code>")) {
		t.Error("the import steps of an XLSX run do not name the .xlsx files")
	}

	none := t.TempDir()
	mustRun(t, nil, append(mainRun(), "--out", none, "--no-report")...)
	if _, err := os.Stat(filepath.Join(none, "report.html")); err == nil {
		t.Error("--no-report wrote report.html")
	}
}

func TestReportErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no folder", []string{"report"}, exitUsage, "report takes one DIR"},
		{"not a folder", []string{"report", d7Users}, exitUsage, "is not a folder"},
		{"no outputs", []string{"report", "cmd"}, exitInput, "no civisync outputs here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := civisync(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d and one line with %q", r.code, r.stderr, tc.code, tc.msg)
			}
		})
	}
}
