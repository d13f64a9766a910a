package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRuleFieldsThroughStages: the fields a rule compares survive the
// canonical files, so a chained extract → transform matches as sync does.
func TestRuleFieldsThroughStages(t *testing.T) {
	dir := t.TempDir()
	users, contacts := filepath.Join(dir, "users.csv"), filepath.Join(dir, "contacts.csv")
	for _, step := range [][]string{
		{"extract", "users", "samples/rules/users.csv", "-o", users},
		{"extract", "contacts", "samples/rules/contacts.csv", "-o", contacts},
		{"transform", "--users", users, "--contacts", contacts, "--rule", "Name and Phone", "--dedupe-rules", "samples/rules/civicrm_dedupe_rule_group.csv",
			"--dedupe-rule-fields", "samples/rules/civicrm_dedupe_rule.csv", "--out", filepath.Join(dir, "out"), "-q"},
	} {
		if r := civisync(t, nil, step...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", step, r.code, r.stderr)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "out", "user_contacts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "\n3,bsmith,bob.smith@gmail.com,2,NameAndPhone,15,\"last_name, phone\"\n") {
		t.Errorf("user 3 not matched to contact 2 by last name and phone:\n%s", got)
	}
	canon, _ := os.ReadFile(contacts)
	if !strings.Contains(string(canon), "020 7946 0002") {
		t.Errorf("canonical contacts lost the phone:\n%s", canon)
	}
}
