package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// outputTables are the tables every run writes, by base name.
var outputTables = []string{"user_contacts", "new_contacts", "groups", "group_members", "acl_admins", "user_import_og", "review"}

// TestStages chains the stages of SPEC §6 by hand — extract, transform,
// load — and checks they give what sync gives in one go.
func TestStages(t *testing.T) {
	tmp := t.TempDir()
	canon := func(name string) string { return filepath.Join(tmp, name) }
	ogFlags := []string{"--og-roles", d7Roles, "--og-role-names", d7RoleNames, "--groups", d7Nodes}

	// extract: each input three ways — file to file, file to standard
	// output, standard input to standard output.
	extracts := []struct {
		what, input string
		flags       []string
	}{
		{"users", d7Users, nil},
		{"contacts", contactsCSV, nil},
		{"memberships", d7Members, ogFlags},
	}
	for _, x := range extracts {
		t.Run("extract "+x.what, func(t *testing.T) { extractThreeWays(t, canon(x.what+".csv"), x.what, x.input, x.flags) })
	}
	if t.Failed() {
		return
	}

	// transform on the canonical files gives sync's outputs on the samples,
	// review items still pointing at the samples' lines.
	syncDir := t.TempDir()
	syncRun := mustRun(t, nil, append(mainRun(), "--out", syncDir)...)
	want := outputs(t, syncDir)
	delete(want, "summary.json") // names the files read, which differ
	transformed := t.TempDir()
	t.Run("transform", func(t *testing.T) {
		tr := mustRun(t, nil, "transform", "--users", canon("users.csv"), "--contacts", canon("contacts.csv"),
			"--memberships", canon("memberships.csv"), "--out", transformed)
		if tr.stdout != syncRun.stdout {
			t.Errorf("transform's summary differs from sync's:\n%s", diffText([]byte(syncRun.stdout), []byte(tr.stdout)))
		}
		got := outputs(t, transformed)
		delete(got, "summary.json")
		compareTrees(t, want, got)
	})
	t.Run("transform from stdin", func(t *testing.T) {
		dir := t.TempDir()
		mustRun(t, openSample(t, canon("users.csv")), "transform", "--users", "-", "--contacts", canon("contacts.csv"),
			"--memberships", canon("memberships.csv"), "--out", dir)
		got := outputs(t, dir)
		delete(got, "summary.json")
		compareTrees(t, want, got)
	})

	// load rewrites transform's directory: as CSV it is unchanged; as split
	// XLSX it holds the same rows, and the same per-group files as sync --split.
	t.Run("load", func(t *testing.T) {
		dir := t.TempDir()
		mustRun(t, nil, "load", transformed, "--out", dir)
		compareTrees(t, readTree(t, transformed), readTree(t, dir))
	})
	t.Run("load xlsx split", func(t *testing.T) { loadXLSXSplit(t, transformed) })
}

// extractThreeWays extracts input to file, to standard output and from
// standard input, and checks the three agree.
func extractThreeWays(t *testing.T, file, what, input string, flags []string) {
	r := mustRun(t, nil, append(append([]string{"extract", what, input}, flags...), "-o", file)...)
	if r.stdout != "" || r.stderr != "" {
		t.Errorf("extract %s -o FILE: stdout %q, stderr %q; want nothing", what, r.stdout, r.stderr)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows := csvRows(t, file, want)
	if len(rows) < 4 {
		t.Fatalf("extract %s: %d rows", what, len(rows))
	}
	srcCol := indexOf(rows[0], "source_file")
	if srcCol < 0 {
		t.Fatalf("extract %s: no source_file column in %q", what, rows[0])
	}
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[srcCol], "samples/") {
			t.Errorf("extract %s: source_file %q, want the sample it came from", what, row[srcCol])
		}
	}

	r = mustRun(t, nil, append(append([]string{"extract", what}, flags...), "-o", "-", input)...)
	if r.stdout != string(want) {
		t.Errorf("extract %s -o -: standard output differs from -o FILE:\n%s", what, diffText(want, []byte(r.stdout)))
	}

	r = mustRun(t, openSample(t, input), append(append([]string{"extract", what}, flags...), "-")...)
	got := csvRows(t, "stdin", []byte(r.stdout))
	for _, row := range rows[1:] {
		if row[srcCol] == input {
			row[srcCol] = "-" // read from standard input, the row's file is "-"
		}
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("extract %s - (standard input): rows differ from the file's:\n%s", what, diffText(csvText(rows), csvText(got)))
	}

	// A canonical file is an input like any other, and extracting it
	// again changes nothing: source_file still names the sample.
	r = mustRun(t, nil, "extract", what, "-o", "-", file)
	if r.stdout != string(want) {
		t.Errorf("extract %s of its own canonical file:\n%s", what, diffText(want, []byte(r.stdout)))
	}
}

// loadXLSXSplit loads transform's directory as split XLSX and compares it
// with transform's tables and with sync --split --format xlsx.
func loadXLSXSplit(t *testing.T, transformed string) {
	got := outputs(t, transformed)
	loaded := t.TempDir()
	if r := civisync(t, nil, "load", transformed, "--format", "xlsx", "--split", "--out", loaded); r.code != 0 {
		t.Fatalf("load --format xlsx --split: exit %d: %s", r.code, r.stderr)
	}
	files := outputs(t, loaded)
	for _, base := range outputTables {
		wantRows := csvRows(t, base, got[base+".csv"])
		gotRows := csvRows(t, base, files[base+".xlsx.csv"])
		if !reflect.DeepEqual(gotRows, wantRows) {
			t.Errorf("load: %s.xlsx differs from transform's %s.csv:\n%s", base, base, diffText(csvText(wantRows), csvText(gotRows)))
		}
	}
	splitDir := t.TempDir()
	mustRun(t, nil, append(mainRun(), "--split", "--format", "xlsx", "--out", splitDir)...)
	wantSplit := outputs(t, splitDir)
	if names(files) != names(wantSplit) {
		t.Errorf("load --split files:\n%s\nsync --split files:\n%s", names(files), names(wantSplit))
	}
	for _, dir := range []string{"groups/", "acl/", "user_import_og/"} {
		for name, data := range wantSplit {
			if strings.HasPrefix(name, dir) && files[name] != nil && !bytes.Equal(files[name], data) {
				t.Errorf("load: %s differs from sync --split's:\n%s", name, diffText(data, files[name]))
			}
		}
	}
	if !bytes.Equal(files["summary.json"], readTree(t, transformed)["summary.json"]) {
		t.Errorf("load: summary.json is not transform's")
	}
}

func indexOf(row []string, s string) int {
	for i, v := range row {
		if v == s {
			return i
		}
	}
	return -1
}

func csvText(rows [][]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return []byte(b.String())
}

// names lists a tree's file names, one a line.
func names(files map[string][]byte) string {
	var ns []string
	for n := range files {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return strings.Join(ns, "\n")
}
