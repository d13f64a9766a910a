package main

import (
	"strings"
	"testing"
)

func TestExplainCommand(t *testing.T) {
	base := []string{"explain", "--users", "samples/drupal7/users.csv", "--contacts", "samples/civicrm/contacts.csv"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"e-mail match", []string{"--uid", "3"}, 0, []string{
			`User 3 (samples/drupal7/users.csv:6): e-mail "Jose.Muller@Example.COM"`,
			"contact 4 (samples/civicrm/contacts.csv:5): email +10 = 10, its primary e-mail: the winner",
			`Result: Match "email", Rule Score 10, contact 4.`}, ""},
		{"supervised", []string{"--uid", "3", "--rule", "supervised"}, 0, []string{`Rule "Name and Email (reserved)": first_name 5 + last_name 7 + email 10, threshold 20`}, ""},
		{"no uid", nil, 1, nil, "civisync: --uid N is required"},
		{"site rule without its tables", []string{"--uid", "3", "--rule", "site"}, 1, nil, `civisync: --rule "site": want unsupervised, supervised, a rule FILE.yaml, or site`},
		{"rule file", []string{"--uid", "2", "--users", "samples/rules/users.csv", "--contacts", "samples/rules/contacts.csv", "--rule", "samples/rules/postcode.yaml"}, 0, []string{
			`Rule "Email or full name and postcode": email 15 + first_name 5 (first 3 characters) + last_name 5 + postal_code 5, threshold 15`,
			"contact 1 (samples/rules/contacts.csv:2): first_name +5, last_name +5, postal_code +5 = 15: the winner",
			`Result: Match "postcode", Rule Score 15, contact 1.`}, ""},
		{"weighted rule, CRM-9091", []string{"--uid", "8", "--users", "samples/rules/users.csv", "--contacts", "samples/rules/contacts.csv", "--rule", "samples/rules/postcode.yaml"}, 0, []string{
			"contact 7 (samples/rules/contacts.csv:8): first_name +5, last_name +5, postal_code +5 = 15: linked to user 9 by the export, passed over (step 4, CRM-9091)",
			"contact 8 (samples/rules/contacts.csv:9): first_name +5, last_name +5, postal_code +5 = 15: the winner"}, ""},
		{"likely duplicates of a new contact", []string{"--uid", "3", "--users", "samples/rules/users.csv", "--contacts", "samples/rules/contacts.csv"}, 0, []string{
			"Step 6, no match",
			"Likely duplicate: contact 2, Score 100: e-mails bob.smith@gmail.com and bob.smith@googlemail.com reach the same mailbox: +60"}, ""},
		{"unknown user", []string{"--uid", "999"}, 2, nil, "civisync: samples/drupal7/users.csv: user 999 is not in the users export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := civisync(t, nil, append(append([]string{}, base...), tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout has no %q:\n%s", w, r.stdout)
				}
			}
			if !strings.HasPrefix(r.stderr, tt.stderr) || strings.Count(r.stderr, "\n") > 1 {
				t.Errorf("stderr %q, want one line starting %q", r.stderr, tt.stderr)
			}
		})
	}
}
