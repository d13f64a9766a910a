package main

import (
	"os"
	"path/filepath"
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
	data, err := os.ReadFile(filepath.Join(final, "new_contacts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), ",-dash@example.org,") || !strings.Contains(string(data), "'=HYPERLINK") {
		t.Errorf("new_contacts.csv: the e-mail must stay as it is and the name be escaped:\n%s", data)
	}
}
