package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var wantHeaders = map[string][]string{
	"users":          {"uid", "name", "mail", "status", "created"},
	"contacts":       {"Contact ID", "Contact Type", "First Name", "Last Name", "Email", "Home-Email", "Work-Email", "Is Deleted", "User ID"},
	"node":           {"nid", "type", "title", "uid"},
	"og_membership":  {"id", "type", "etid", "entity_type", "gid", "group_type", "state", "created", "field_name"},
	"og_users_roles": {"uid", "rid", "gid", "group_type"},
	"og_role":        {"rid", "gid", "group_type", "group_bundle", "name"},
}

func generateInto(t *testing.T, c Config) string {
	t.Helper()
	c.Out = t.TempDir()
	if _, err := Generate(c); err != nil {
		t.Fatal(err)
	}
	return c.Out
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestDeterministicAndHeaders(t *testing.T) {
	c := Config{Users: 3000, Contacts: -1, Memberships: -1, Groups: -1, Seed: 7, Format: "csv"}
	a, b := generateInto(t, c), generateInto(t, c)
	c.Seed = 8
	other := generateInto(t, c)
	for base, want := range wantHeaders {
		name := base + ".csv"
		da, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		db, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
		if got := readCSV(t, filepath.Join(a, name))[0]; !slices.Equal(got, want) {
			t.Errorf("%s header = %q, want %q", name, got, want)
		}
		if base == "users" || base == "contacts" || base == "og_membership" {
			do, _ := os.ReadFile(filepath.Join(other, name))
			if bytes.Equal(da, do) {
				t.Errorf("%s is the same for seeds 7 and 8", name)
			}
		}
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(a)
	if len(entries) != len(wantHeaders) {
		t.Errorf("%d files in output, want %d", len(entries), len(wantHeaders))
	}
}

func TestShape(t *testing.T) {
	dir := generateInto(t, Config{Users: 5000, Contacts: -1, Memberships: -1, Groups: -1, Seed: 1, Format: "csv"})
	users := readCSV(t, filepath.Join(dir, "users.csv"))[1:]
	if users[0][0] != "0" || users[1][0] != "1" || len(users) != 5001 {
		t.Fatalf("users: want uid 0 then 1..5000, got first %q, %q, %d rows", users[0][0], users[1][0], len(users))
	}
	key := func(s string) string { return strings.ToLower(strings.Trim(s, " \t\u00a0")) }
	seen := map[string]int{}
	var empty, invalid, shared, blocked int
	for _, u := range users[1:] {
		switch m := u[2]; {
		case m == "":
			empty++
		case !strings.Contains(m, "@"):
			invalid++
		default:
			if seen[key(m)]++; seen[key(m)] == 2 {
				shared++
			}
		}
		if u[3] == "0" {
			blocked++
		}
	}
	between := func(what string, n, lo, hi int) {
		if n < lo || n > hi {
			t.Errorf("%s: %d, want %d..%d", what, n, lo, hi)
		}
	}
	between("empty mails", empty, 20, 90)
	between("invalid mails", invalid, 8, 50)
	between("shared emails", shared, 20, 90)
	between("blocked users", blocked, 50, 160)

	contacts := readCSV(t, filepath.Join(dir, "contacts.csv"))[1:]
	onContact := map[string]bool{}
	var orgs, deleted, linked int
	for _, c := range contacts {
		for _, e := range c[4:7] {
			if e != "" {
				onContact[key(e)] = true
			}
		}
		if c[1] != "Individual" {
			orgs++
		}
		if c[7] == "1" {
			deleted++
		}
		if c[8] != "" {
			linked++
		}
	}
	found := 0
	for k := range seen {
		if onContact[k] {
			found++
		}
	}
	between("users' emails on a contact (of 5000)", found, 2700, 3300)
	between("organisations and households", orgs, 50, 160)
	between("deleted contacts", deleted, 20, 90)
	between("linked contacts", linked, 180, 330)

	groups := readCSV(t, filepath.Join(dir, "node.csv"))[1:]
	if len(groups) != 50 || groups[0][0] != "1000000" || groups[0][1] != "group" {
		t.Errorf("node.csv: %d groups, first %q", len(groups), groups[0])
	}
	ms := readCSV(t, filepath.Join(dir, "og_membership.csv"))[1:]
	userRows := 0
	for _, m := range ms {
		if m[3] == "user" {
			userRows++
		}
	}
	if userRows != 15000 || len(ms) < 15200 {
		t.Errorf("og_membership: %d user rows of %d, want 15000 plus ~3%% node rows", userRows, len(ms))
	}
}

func TestXLSX(t *testing.T) {
	dir := generateInto(t, Config{Users: 200, Contacts: -1, Memberships: -1, Groups: -1, Seed: 3, Format: "xlsx"})
	csvDir := generateInto(t, Config{Users: 200, Contacts: -1, Memberships: -1, Groups: -1, Seed: 3, Format: "csv"})
	for base, want := range wantHeaders {
		f, err := excelize.OpenFile(filepath.Join(dir, base+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Sheet1")
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], want) {
			t.Errorf("%s.xlsx header = %q, want %q", base, rows[0], want)
		}
		// Same content as the CSV, cell by cell (GetRows drops trailing empty cells).
		csvRows := readCSV(t, filepath.Join(csvDir, base+".csv"))
		if len(rows) != len(csvRows) {
			t.Fatalf("%s.xlsx: %d rows, csv has %d", base, len(rows), len(csvRows))
		}
		for i := range rows {
			trimmed := csvRows[i]
			for len(trimmed) > 0 && trimmed[len(trimmed)-1] == "" {
				trimmed = trimmed[:len(trimmed)-1]
			}
			if !slices.Equal(rows[i], trimmed) {
				t.Fatalf("%s.xlsx row %d = %q, csv %q", base, i+1, rows[i], trimmed)
			}
		}
	}
}

func TestFlags(t *testing.T) {
	dir := t.TempDir()
	if code := run([]string{"-users", "10", "-format", "csv", "-out", dir, "-quiet"}, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "users.csv")); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run([]string{"-format", "ods"}, &stderr); code != 1 || !strings.Contains(stderr.String(), "-format") {
		t.Errorf("bad format: exit %d, %q", code, stderr.String())
	}
}

// TestUserNames: -user-names gives each user the names of the person
// behind its e-mail, the names a contact with that e-mail has.
func TestUserNames(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(Config{Users: 2000, Contacts: -1, Memberships: -1, Groups: -1, Seed: 1, Format: "csv", Out: dir, UserNames: true}); err != nil {
		t.Fatal(err)
	}
	users := readCSV(t, filepath.Join(dir, "users.csv"))
	if h := users[0]; len(h) != 7 || h[5] != "first_name" || h[6] != "last_name" {
		t.Fatalf("header %q, want first_name and last_name last", h)
	}
	namesOf := map[string][2]string{} // e-mail key -> a contact's names
	for _, c := range readCSV(t, filepath.Join(dir, "contacts.csv"))[1:] {
		if c[1] == "Individual" && c[4] != "" {
			namesOf[strings.ToLower(strings.TrimSpace(c[4]))] = [2]string{c[2], c[3]}
		}
	}
	agree := 0
	for _, u := range users[2:] { // past the anonymous user
		if u[5] == "" || u[6] == "" {
			t.Fatalf("user %s has no names: %q", u[0], u)
		}
		if n, ok := namesOf[strings.ToLower(strings.TrimSpace(u[2]))]; ok && n == [2]string{u[5], u[6]} {
			agree++
		}
	}
	if agree < len(users)/3 {
		t.Errorf("only %d of %d users have the names of a contact with their e-mail", agree, len(users)-2)
	}
}
