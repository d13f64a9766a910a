package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDumpGoldensMatchExports holds each dump sample's golden outputs to
// those of the same tables exported as CSV: a dump is only another way to
// give the same rows, so -update cannot bless a dump reader that loses or
// changes one. (review.csv and summary.json name the files, so they differ.)
func TestDumpGoldensMatchExports(t *testing.T) {
	pairs := map[string]string{
		"dump-drupal7-site":       "drupal7-raw-dumps-og-groups", // a prefixed mysqldump (with field_data_group_group) + a latin1 CiviCRM dump
		"dump-drupal6-pg":         "drupal6",                     // pg_dump's COPY blocks
		"dump-wordpress-gz-stdin": "wordpress",                   // gzip on standard input, usermeta names
		"dump-flag-wins":          "drupal7-raw-dumps-og-groups", // --memberships and --group-contacts CSVs beside the dumps
	}
	for dump, export := range pairs {
		for _, f := range []string{"user_contacts.csv", "new_contacts.csv", "group_members.csv", "acl_admins.csv", "groups.csv", "user_import_og.csv", "stdout", "exit"} {
			want, err := os.ReadFile(filepath.Join(goldenDir, export, f))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(goldenDir, dump, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from %s/%s", dump, f, export, f)
			}
		}
	}
}

// TestDumpErrors: bad dumps end the run cleanly, with exit status 2 and one
// line naming the file and what is wrong; --table-prefix picks a site.
func TestDumpErrors(t *testing.T) {
	site, err := os.ReadFile(filepath.Join(repoRoot, "samples/dumps/drupal7_site.sql"))
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(site, []byte("INSERT INTO `drupal_users`"))
	twoSites := strings.ReplaceAll(string(site), "drupal_", "d2_") + string(site)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	civi := "samples/dumps/civicrm.sql"
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string // a regular expression for standard error
	}{
		{"cut off in the users table", []string{"--site", write("cut.sql", string(site[:cut+300])), "--civicrm", civi}, 2,
			`^civisync: .*cut.sql:\d+: unreadable file: the dump ends in the middle of a statement of table drupal_users: it was cut off`},
		{"garbage", []string{"--site", write("garbage.sql", "\x00\x9f\x12garbage;\xff'"), "--civicrm", civi}, 2,
			`^civisync: .*garbage.sql:1: unreadable file: not a SQL dump`},
		{"two sites", []string{"--site", write("two.sql", twoSites), "--civicrm", civi}, 2,
			`^civisync: .*two.sql: unreadable file: .*two.sql holds several users tables: d2_users, drupal_users; pick one with --table-prefix`},
		{"the wrong system", []string{"--site", civi, "--civicrm", civi}, 2,
			`^civisync: samples/dumps/civicrm.sql: unreadable file: no users table found in samples/dumps/civicrm.sql; tables seen: civicrm_contact, civicrm_email, civicrm_group, civicrm_group_contact, civicrm_uf_match$`},
		{"a table without CREATE TABLE or column list", []string{"--users", write("bare.sql", "INSERT INTO `users` VALUES (1,'a','a@x');\n"), "--contacts", "samples/civicrm/contacts.csv"}, 2,
			`^civisync: .*bare.sql: unreadable file: table users has no CREATE TABLE and its INSERTs no column list`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := civisync(t, nil, append(append([]string{"sync"}, tc.args...), "--out", filepath.Join(dir, "out"))...)
			if r.code != tc.code || !regexp.MustCompile(tc.err).MatchString(strings.TrimSpace(r.stderr)) || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want %d and %s", r.code, r.stderr, tc.code, tc.err)
			}
		})
	}
	t.Run("--table-prefix picks a site", func(t *testing.T) {
		out := filepath.Join(dir, "picked")
		r := civisync(t, nil, "sync", "--site", filepath.Join(dir, "two.sql"), "--table-prefix", "d2_", "--civicrm", civi, "--out", out)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		got, _ := os.ReadFile(filepath.Join(out, "group_members.csv"))
		want, _ := os.ReadFile(filepath.Join(goldenDir, "drupal7-raw-dumps-og-groups", "group_members.csv"))
		if !bytes.Equal(got, want) {
			t.Fatalf("group_members.csv differs from the CSV run's")
		}
	})
}
