package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWrongFile gives each input option a real table of another kind: the
// run stops before writing anything, with exit status 2 and one line that
// names the file, what it is, and the option that reads it.
func TestWrongFile(t *testing.T) {
	base := func(flag, file string) []string {
		args := map[string]string{"--users": d7Users, "--contacts": contactsCSV}
		args[flag] = file
		out := []string{"sync"}
		for _, f := range []string{"--users", "--contacts"} {
			out = append(out, f, args[f])
		}
		if flag != "--users" && flag != "--contacts" {
			out = append(out, flag, file)
		}
		if flag == "--civicrm-groups" { // read for a raw civicrm_group_contact only
			out = append(out, "--group-contacts", "samples/civicrm/raw/civicrm_group_contact.csv")
		}
		return out
	}
	cases := []struct {
		flag, file string
		says       []string
	}{
		{"--users", contactsCSV, []string{"CiviCRM contacts export", "not a users table for --users", "give it with --contacts"}},
		{"--users", "samples/civicrm/raw/civicrm_email.csv", []string{"civicrm_email table", "give it with --emails"}},
		{"--contacts", d7Members, []string{"Drupal 7 og_membership table (etid, entity_type, gid)", "not a contacts file for --contacts", "give it with --memberships"}},
		{"--contacts", d7Users, []string{"Drupal users table", "give it with --users"}},
		{"--contacts", "samples/joomla/users.csv", []string{"Joomla users table", "give it with --users"}},
		{"--emails", contactsCSV, []string{"CiviCRM contacts export", "give it with --contacts"}},
		{"--uf-match", "samples/civicrm/raw/civicrm_email.csv", []string{"civicrm_email table", "give it with --emails"}},
		{"--group-contacts", "samples/civicrm/raw/civicrm_group.csv", []string{"civicrm_group table", "give it with --civicrm-groups"}},
		{"--memberships", d7Roles, []string{"og_users_roles table", "give it with --og-roles"}},
		{"--memberships", d7Users, []string{"Drupal users table", "give it with --users"}},
		{"--og-roles", d7Members, []string{"og_membership table", "give it with --memberships"}},
		{"--og-roles", "samples/drupal6/og_uid.csv", []string{"Drupal 6 og_uid table", "give it with --memberships"}},
		{"--groups", d7Members, []string{"og_membership table", "give it with --memberships"}},
		{"--groups", "samples/drupal7/whole/field_data_group_group.csv", []string{"field_data_group_group table", "give it with --og-groups"}},
		{"--og-groups", "samples/drupal7/whole/node.csv", []string{"Drupal node table (nid, vid, type, title)", "give it with --groups"}},
		{"--og-groups", d7Members, []string{"og_membership table", "give it with --memberships"}},
		{"--civicrm-groups", "samples/civicrm/raw/civicrm_group_contact.csv", []string{"civicrm_group_contact table", "give it with --group-contacts"}},
	}
	for _, c := range cases {
		t.Run(strings.TrimPrefix(c.flag, "--")+"_"+filepath.Base(c.file), func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "out")
			r := civisync(t, nil, append(base(c.flag, c.file), "--out", out)...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if strings.Contains(line, "\n") || !strings.HasPrefix(line, "civisync: "+c.file+":1: ") {
				t.Errorf("stderr %q: want one line civisync: %s:1: ...", r.stderr, c.file)
			}
			for _, s := range c.says {
				if !strings.Contains(line, s) {
					t.Errorf("stderr %q does not say %q", line, s)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output directory made: %v", err)
			}
		})
	}
}

// TestFormulaItemsOnce: a formula-like cell is one review item naming its
// output file, line and column, also when `load` writes transform's
// outputs again (the items transform listed are not carried over beside
// the ones load finds); e-mails are listed, never escaped.
func TestFormulaItemsOnce(t *testing.T) {
	dir := t.TempDir()
	work, final := filepath.Join(dir, "work"), filepath.Join(dir, "final")
	users := fixtures + "formula_users.csv"
	mustRun(t, nil, "transform", "--users", users, "--contacts", contactsCSV, "--out", work)
	mustRun(t, nil, "load", work, "--out", final, "--escape-formulas")
	items := func(out string) []string {
		data, err := os.ReadFile(filepath.Join(out, "review.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		seen := map[string]bool{}
		for _, row := range csvRows(t, "review", data)[1:] {
			if row[0] != "formula-like" {
				continue
			}
			cell := strings.TrimPrefix(row[1], out+string(filepath.Separator)) + ":" + row[2] + ":" + strings.SplitN(row[5], " ", 2)[0]
			if row[2] == "" || seen[cell] {
				t.Errorf("%s: item without a line, or twice: %q", out, row)
			}
			seen[cell] = true
			got = append(got, cell)
		}
		return got
	}
	if got, want := items(final), []string{"new_contacts.csv:7:Email", "user_contacts.csv:8:Email"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("load --escape-formulas lists %q, want the e-mails only: %q", got, want)
	}
	if n := len(items(work)); n != 9 {
		t.Errorf("transform lists %d formula-like cells, want 9", n)
	}
	// summary.json counts the items of the review.csv beside it.
	js, err := os.ReadFile(filepath.Join(final, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Review map[string]int `json:"review"`
		Totals map[string]int `json:"totals"`
	}
	if err := json.Unmarshal(js, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Review["formula-like"] != 2 || sum.Totals["review_items"] != 2 {
		t.Errorf("load's summary.json counts %v, %d items; want formula-like 2, 2 items", sum.Review, sum.Totals["review_items"])
	}
	data, err := os.ReadFile(filepath.Join(final, "new_contacts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), ",-dash@example.org,") || !strings.Contains(string(data), "'=HYPERLINK") {
		t.Errorf("new_contacts.csv: the e-mail must stay as it is and the name be escaped:\n%s", data)
	}
}

// TestOracleInputs holds the runs of samples/README.md's whole-table,
// raw-table and rows-per-file sections to the numbers worked out there by
// hand: golden files can be blessed with -update, these cannot.
func TestOracleInputs(t *testing.T) {
	const (
		whole   = "samples/drupal7/whole/"
		users14 = "Checked 14 user records. Found 7 matching contact records. Created 5 new contact records. Skipped 2 user records (see review.csv).\n"
	)
	d7whole := []string{"sync", "--users", d7Users, "--contacts", contactsCSV, "--memberships", whole + "og_membership.csv",
		"--og-roles", whole + "og_users_roles.csv", "--og-role-names", whole + "og_role.csv", "--groups", whole + "node.csv"}
	// The main run's user items, which every Drupal 7 run here has.
	userItems := []string{"no-email users.csv 9", "invalid-email users.csv 10", "duplicate-email users.csv 12",
		"contact-linked-elsewhere users.csv 13", "contact-linked-elsewhere users.csv 18"}
	membershipItems := []string{"unknown-user og_membership.csv 9", "no-contact og_membership.csv 12",
		"no-contact og_membership.csv 13", "blocked-membership og_membership.csv 15"}
	cases := []struct {
		name    string
		args    []string
		stdout  string
		sources []string          // the members groups' Source gids, in order
		review  []string          // kind, file's base name, line
		rows    map[string][4]int // base name -> read, used, reviewed, skipped
	}{
		{name: "main run", args: mainRun(),
			stdout:  users14 + "Synced 5 Organic Groups to CiviCRM groups: 15 group memberships, 5 administrators, 7 contacts to add to Organic Groups.\n",
			sources: []string{"5", "8", "12", "15", "99"},
			review:  append(append(append([]string{}, userItems...), membershipItems...), "unknown-group og_membership.csv 22", "group-name-collision node.csv 5"),
			rows: map[string][4]int{"users.csv": {16, 10, 5, 1}, "contacts.csv": {19, 19, 0, 0}, "node.csv": {4, 3, 1, 0},
				"og_role.csv": {3, 3, 0, 0}, "og_users_roles.csv": {4, 3, 0, 1}, "og_membership.csv": {22, 14, 5, 3}}},
		{name: "Drupal 7 whole tables with --og-groups", args: append(append([]string{}, d7whole...), "--og-groups", whole+"field_data_group_group.csv"),
			stdout:  users14 + "Synced 5 Organic Groups to CiviCRM groups: 15 group memberships, 6 administrators, 7 contacts to add to Organic Groups.\n",
			sources: []string{"5", "8", "12", "15", "40"},
			review: append(append(append([]string{}, userItems...), membershipItems...), "group-name-collision node.csv 6",
				"not-a-group og_membership.csv 22", "not-a-node-group og_membership.csv 24", "not-a-group og_membership.csv 25",
				"not-a-node-group og_users_roles.csv 6"),
			rows: map[string][4]int{"og_membership.csv": {25, 14, 7, 4}, "og_users_roles.csv": {5, 3, 1, 1}, "node.csv": {10, 4, 1, 5},
				"field_data_group_group.csv": {8, 5, 0, 3}, "og_role.csv": {6, 6, 0, 0}}},
		{name: "Drupal 7 whole node table without --og-groups", args: d7whole,
			stdout:  users14 + "Synced 6 Organic Groups to CiviCRM groups: 16 group memberships, 6 administrators, 7 contacts to add to Organic Groups.\n",
			sources: []string{"5", "8", "12", "15", "30", "99"},
			review: append(append(append([]string{}, userItems...), membershipItems...), "group-name-collision node.csv 6",
				"unknown-group og_membership.csv 22", "not-a-node-group og_membership.csv 24", "not-a-node-group og_users_roles.csv 6"),
			rows: map[string][4]int{"og_membership.csv": {25, 15, 6, 4}, "node.csv": {10, 4, 1, 5}}},
		{name: "Drupal 6 whole node table with og", args: []string{"sync", "--users", "samples/drupal6/users.csv", "--contacts", contactsCSV,
			"--memberships", "samples/drupal6/og_uid.csv", "--groups", "samples/drupal6/whole/node.csv", "--og-groups", "samples/drupal6/whole/og.csv"},
			stdout: "Checked 6 user records. Found 5 matching contact records. Created one new contact record.\n" +
				"Synced 3 Organic Groups to CiviCRM groups: 8 group memberships, 3 administrators, 6 contacts to add to Organic Groups.\n",
			sources: []string{"5", "8", "9"},
			review:  []string{"unknown-user og_uid.csv 9"},
			rows:    map[string][4]int{"node.csv": {5, 3, 0, 2}, "og.csv": {3, 3, 0, 0}, "og_uid.csv": {8, 7, 1, 0}}},
		{name: "raw CiviCRM tables, --strict", args: []string{"sync", "--users", d7Users, "--contacts", "samples/civicrm/raw/civicrm_contact.csv",
			"--emails", "samples/civicrm/raw/civicrm_email.csv", "--uf-match", "samples/civicrm/raw/civicrm_uf_match.csv",
			"--group-contacts", "samples/civicrm/raw/civicrm_group_contact.csv", "--civicrm-groups", "samples/civicrm/raw/civicrm_group.csv", "--strict"},
			stdout: users14,
			review: userItems,
			rows: map[string][4]int{"civicrm_email.csv": {22, 21, 0, 1}, "civicrm_group_contact.csv": {26, 24, 0, 2},
				"civicrm_group.csv": {7, 7, 0, 0}}},
		{name: "a users row without a uid", args: []string{"sync", "--users", fixtures + "users_no_uid.csv", "--contacts", contactsCSV},
			stdout: "Checked 2 user records. Found 2 matching contact records. Created 0 new contact records.\n",
			review: []string{"no-user-id users_no_uid.csv 4"},
			rows:   map[string][4]int{"users_no_uid.csv": {5, 2, 1, 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			r := mustRun(t, nil, append(c.args, "--out", out)...)
			if r.stdout != c.stdout {
				t.Errorf("stdout %q, want %q", r.stdout, c.stdout)
			}
			files := outputs(t, out)
			var sources []string
			for _, row := range csvRows(t, "groups", files["groups.csv"])[1:] {
				if gid, ok := strings.CutPrefix(row[3], "OG Sync Group :"); ok {
					sources = append(sources, strings.TrimSuffix(gid, ":"))
				}
			}
			if strings.Join(sources, " ") != strings.Join(c.sources, " ") {
				t.Errorf("groups %q, want %q", sources, c.sources)
			}
			var review []string
			for _, row := range csvRows(t, "review", files["review.csv"])[1:] {
				review = append(review, row[0]+" "+filepath.Base(row[1])+" "+row[2])
			}
			slices.Sort(review)
			want := slices.Sorted(slices.Values(c.review))
			if strings.Join(review, "\n") != strings.Join(want, "\n") {
				t.Errorf("review.csv:\n%s\nwant:\n%s", strings.Join(review, "\n"), strings.Join(want, "\n"))
			}
			var sum struct {
				Files []fileStats `json:"files"`
			}
			if err := json.Unmarshal(files["summary.json"], &sum); err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, f := range sum.Files {
				w, ok := c.rows[filepath.Base(f.File)]
				if !ok || f.Read == nil || f.Used == nil || f.Reviewed == nil || f.Skipped == nil {
					continue
				}
				seen++
				if got := [4]int{*f.Read, *f.Used, *f.Reviewed, *f.Skipped}; got != w {
					t.Errorf("%s: rows read, used, reviewed, skipped %v, want %v", f.File, got, w)
				}
			}
			if seen != len(c.rows) {
				t.Errorf("summary.json counts %d of the %d files checked", seen, len(c.rows))
			}
		})
	}
}
