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
