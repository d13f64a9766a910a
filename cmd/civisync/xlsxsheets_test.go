package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXOverSheetLimit: an output table longer than a worksheet goes on
// in Sheet2, Sheet3 …, each starting with the header, its rows in order
// and none lost. The worksheet's limit (Excel's 1,048,576 rows) is made 5
// here through CIVISYNC_TEST_XLSX_ROWS; the CSV run is the reference.
func TestXLSXOverSheetLimit(t *testing.T) {
	dir := t.TempDir()
	in := []string{"--users", "samples/drupal7/users.csv", "--contacts", "samples/civicrm/contacts.csv",
		"--memberships", "samples/drupal7/og_membership.csv", "--quiet", "--no-report"}
	mustRun(t, nil, append([]string{"sync", "--out", filepath.Join(dir, "csv")}, in...)...)
	r := runEnv(t, []string{"CIVISYNC_TEST_XLSX_ROWS=5"}, nil,
		append([]string{"sync", "--format", "xlsx", "--out", filepath.Join(dir, "xlsx")}, in...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, base := range []string{"user_contacts", "group_members", "review"} {
		want := readCSVFile(t, filepath.Join(dir, "csv", base+".csv"))
		f, err := excelize.OpenFile(filepath.Join(dir, "xlsx", base+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		if wantSheets := (len(want) - 1 + 3) / 4; len(sheets) != wantSheets {
			t.Errorf("%s: %d data rows on sheets %v, want %d sheets of 4", base, len(want)-1, sheets, wantSheets)
		}
		var got [][]string
		for i, name := range sheets {
			if name != "Sheet"+string(rune('1'+i)) {
				t.Errorf("%s: sheet %d is named %q", base, i+1, name)
			}
			rows, err := f.GetRows(name)
			if err != nil {
				t.Fatal(err)
			}
			rows = padRows(rows)
			if len(rows) == 0 || !slices.Equal(rows[0], want[0]) {
				t.Errorf("%s: %s does not start with the header: %q", base, name, rows)
				continue
			}
			got = append(got, rows[1:]...)
		}
		f.Close()
		if len(got) != len(want)-1 {
			t.Fatalf("%s: %d rows across the sheets, want %d", base, len(got), len(want)-1)
		}
		for i := range got {
			if !slices.Equal(got[i], want[i+1]) {
				t.Errorf("%s row %d: %q, want %q", base, i+1, got[i], want[i+1])
			}
		}
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return csvRows(t, path, data)
}
