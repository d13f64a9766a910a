package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDumpGoldensMatchExports holds each dump sample's golden outputs to
// those of the same tables exported as CSV: a dump is only another way to
// give the same rows, so -update cannot bless a dump reader that loses or
// changes one. (review.csv and summary.json name the files, so they differ.)
func TestDumpGoldensMatchExports(t *testing.T) {
	pairs := map[string]string{
		"dump-drupal7-site":       "drupal7-raw-dumps", // a prefixed mysqldump + a latin1 CiviCRM dump
		"dump-drupal6-pg":         "drupal6",           // pg_dump's COPY blocks
		"dump-wordpress-gz-stdin": "wordpress",         // gzip on standard input, usermeta names
		"dump-flag-wins":          "drupal7-raw-dumps", // --memberships and --group-contacts CSVs beside the dumps
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
