package pipeline

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	dir := t.TempDir()
	users := writeFile(t, dir, "users.csv", `uid,mail,first_name,last_name,status
1,taken@example.org,Tom,Taken,1
2,ann@example.org,Ann,Lee,1
3,taken@example.org,Tim,Taken,1
4,new.person@gmail.com,Robert,Newman,1
5,,No,Mail,1
6,ann2@example.org,Ann,Lee,1
`)
	contacts := writeFile(t, dir, "contacts.csv", `Contact ID,Contact Type,First Name,Last Name,Email,Home-Email,Is Deleted,User ID
10,Individual,Ann,Lee,other@example.org,ann@example.org,0,
11,Individual,Ann,Lee,ann@example.org,,0,
12,Individual,Ann,Lee,ann@example.org,,1,
13,Organization,,,ann@example.org,,0,
20,Individual,Tom,Taken,taken@example.org,,0,9
30,Individual,Bob,Newman,new.person@googlemail.com,,0,
`)
	cfg := &Config{Users: Input{Path: users}, Contacts: ContactInputs{Contacts: Input{Path: contacts}}, Match: MatchOptions{Rule: RuleUnsupervised}}
	explain := func(uid int64, rule *Rule) string {
		var b strings.Builder
		if err := Explain(cfg, rule, uid, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	uns, _ := BuiltinRule(RuleUnsupervised)
	for _, tt := range []struct {
		uid  int64
		want []string
	}{
		{2, []string{
			"Step 1, who is checked: checked.",
			"Step 2, existing link: no contact is linked to user 2.",
			"contact 12 (", "in the trash, never a candidate",
			"contact 13 (", "an Organization, never a candidate",
			"contact 11 (", "email +10 = 10, its primary e-mail: the winner (same score as contact 10, but the e-mail is its primary one)",
			`Result: Match "email", Rule Score 10, contact 11.`}},
		{1, []string{"linked to user 9 by the export, passed over (step 4, CRM-9091)", "Step 6, no match", `Result: Match "new"`}},
		{3, []string{"Step 5, users sharing an e-mail: user 1, lower,", `Result: Match "shared"`}},
		{4, []string{"Step 6, no match", "Likely duplicate: contact 30, Score 100: e-mails new.person@gmail.com and new.person@googlemail.com reach the same mailbox: +60; names Robert Newman and Bob Newman alike: Bob is a short form of Robert: +40."}},
		{5, []string{"the user has no e-mail"}},
	} {
		got := explain(tt.uid, uns)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("user %d: no %q in\n%s", tt.uid, w, got)
			}
		}
	}
	sup, _ := BuiltinRule(RuleSupervised)
	cfg.Match.Rule = RuleSupervised
	got := explain(6, sup)
	if !strings.Contains(got, "Step 3, candidates: the non-deleted Individuals scoring 20 or more, best first (best score, then a primary e-mail, then the lowest contact id): 0.") {
		t.Errorf("supervised, user 6:\n%s", got)
	}
	if err := Explain(cfg, sup, 99, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "user 99 is not in the users export") {
		t.Errorf("unknown user: %v", err)
	}
}
