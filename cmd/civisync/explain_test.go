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
