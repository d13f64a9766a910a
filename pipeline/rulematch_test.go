package pipeline

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/civisync/civisync/pipeline/internal/dedupe"
)

// testValues gives the rule fields the users and contacts exports have
// today, plus extra ones by name.
func testValues(first, last string, emails []string, extra map[string][]string) valuesOf {
	return testPerson{first, last, emails, extra}
}

type testPerson struct {
	first, last string
	emails      []string
	extra       map[string][]string
}

func (p testPerson) appendValues(dst []string, field string) []string {
	switch field {
	case FieldFirstName:
		return append(dst, p.first)
	case FieldLastName:
		return append(dst, p.last)
	case FieldEmail:
		return append(dst, p.emails...)
	}
	return append(dst, p.extra[field]...)
}

func TestRuleScore(t *testing.T) {
	sup, _ := BuiltinRule(RuleSupervised)
	postcode := &Rule{Title: "postcode", Threshold: 15, Fields: []RuleField{
		{FieldEmail, 15, 0}, {FieldFirstName, 5, 3}, {FieldLastName, 5, 0}, {FieldPostalCode, 5, 0}}}
	phone := &Rule{Title: "phone", Threshold: 10, Fields: []RuleField{{FieldPhone, 10, 7}, {FieldBirthDate, 5, 4}}}
	tests := []struct {
		name    string
		rule    *Rule
		user    valuesOf
		contact valuesOf
		score   int
		fields  string
	}{
		{"supervised, all agree", sup, testValues("Ann", "Lee", []string{"ann@x.org"}, nil), testValues("ANN", "lee", []string{" Ann@X.org"}, nil), 22, "first_name, last_name, email"},
		{"names compare as MySQL does", sup, testValues("José", "Núñez", []string{"j@x.org"}, nil), testValues("JOSE", "NUNEZ", []string{"j@x.org"}, nil), 22, "first_name, last_name, email"},
		{"another e-mail of the contact", sup, testValues("Ann", "Lee", []string{"ann@x.org"}, nil), testValues("Ann", "Lee", []string{"a@y.org", "ann@x.org"}, nil), 22, "first_name, last_name, email"},
		{"empty never matches", sup, testValues("", "", []string{"ann@x.org"}, nil), testValues("", "", []string{"ann@x.org"}, nil), 10, "email"},
		{"length: first 3 characters", postcode, testValues("Robert", "Lee", nil, map[string][]string{FieldPostalCode: {"SW1A 1AA"}}), testValues("Rob", "Lee", nil, map[string][]string{FieldPostalCode: {"sw1a 1aa"}}), 15, "first_name, last_name, postal_code"},
		{"length: differ within it", postcode, testValues("Ann", "Lee", nil, nil), testValues("Anna", "Lee", nil, nil), 10, "first_name, last_name"},
		{"phone digits", phone, testValues("", "", nil, map[string][]string{FieldPhone: {"+44 20 7946 0958"}}), testValues("", "", nil, map[string][]string{FieldPhone: {"0044", "(442) 079-4699"}}), 10, "phone"},
		{"birth year", phone, testValues("", "", nil, map[string][]string{FieldBirthDate: {"1980-01-31"}}), testValues("", "", nil, map[string][]string{FieldBirthDate: {"06/15/1980"}}), 5, "birth_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newRuleKeys(tt.rule)
			keys := k.userKeys(tt.user, nil)
			score, matched := k.score(keys, tt.contact)
			if score != tt.score || tt.rule.matchedFields(matched) != tt.fields {
				t.Errorf("score %d (%s), want %d (%s)", score, tt.rule.matchedFields(matched), tt.score, tt.fields)
			}
		})
	}
}

func TestRuleIndexAndPrefer(t *testing.T) {
	// Full name and postcode, or e-mail: the surname index is not where
	// candidates come from when the postcode is rarer.
	r := &Rule{Title: "name and postcode", Threshold: 15, Fields: []RuleField{
		{FieldEmail, 15, 0}, {FieldFirstName, 5, 0}, {FieldLastName, 5, 0}, {FieldPostalCode, 5, 0}}}
	type contact struct {
		id                 int64
		first, last, email string
		postcode           string
		deleted            bool
	}
	contacts := []contact{
		{10, "Ann", "Smith", "other@x.org", "AB1 2CD", false},
		{11, "Ann", "Smith", "", "ZZ9 9ZZ", false},
		{12, "Ann", "Smith", "ann@x.org", "AB1 2CD", false}, // e-mail, names and postcode: 30
		{13, "Anne", "Smith", "", "AB1 2CD", false},
		{14, "Ann", "Smith", "ann@x.org", "AB1 2CD", true}, // deleted
		{15, "ÁNN", "SMITH", "", "ab1 2cd", false},
	}
	user := testValues("Ann", "Smith", []string{"ann@x.org"}, map[string][]string{FieldPostalCode: {"AB1 2CD"}})
	ri := newRuleIndex(r, 1, func(int) valuesOf { return user }, len(contacts), func(i int32) valuesOf {
		c := contacts[i]
		if c.deleted {
			return nil
		}
		return testValues(c.first, c.last, []string{c.email}, map[string][]string{FieldPostalCode: {c.postcode}})
	}, nil)
	got, total := ri.listed(0, len(contacts), dedupe.Pick{})
	var ids []int64
	var cands []choice
	for _, c := range got {
		ids = append(ids, contacts[c.Contact].id)
		cands = append(cands, choice{id: contacts[c.Contact].id, score: c.Score, fields: c.Matched})
	}
	if want := []int64{10, 12, 15}; !slices.Equal(ids, want) || total != len(want) {
		t.Fatalf("candidates %v of %d, want %v", ids, total, want)
	}
	slices.SortFunc(cands, byPrefer)
	if cands[0].id != 12 || cands[0].score != 30 || cands[1].id != 10 || cands[2].id != 15 {
		t.Errorf("preferred order %+v: want 12 (score 30), then 10 and 15 (15 each, lowest id first)", cands)
	}
	// best picks as prefer does, one after another as users take them.
	taken := map[int64]bool{}
	pick := dedupe.Pick{Skip: func(i int32) bool { return taken[contacts[i].id] }, Primary: func(int32) bool { return false }}
	var picked []int64
	for {
		g := ri.best(0, pick)
		if g.Contact < 0 {
			break
		}
		picked = append(picked, contacts[g.Contact].id)
		taken[contacts[g.Contact].id] = true
	}
	if want := []int64{12, 10, 15}; !slices.Equal(picked, want) {
		t.Errorf("best picked %v in turn, want %v", picked, want)
	}
	// Same score: a primary e-mail before a lower id.
	tie := []choice{{id: 3, score: 20}, {id: 7, score: 20, primary: true}, {id: 1, score: 20}}
	slices.SortFunc(tie, byPrefer)
	if tie[0].id != 7 || tie[1].id != 1 || tie[2].id != 3 {
		t.Errorf("ties: %+v, want 7 (primary), 1, 3", tie)
	}
}

func TestEmailRequired(t *testing.T) {
	sup, _ := BuiltinRule(RuleSupervised)
	uns, _ := BuiltinRule(RuleUnsupervised)
	names := &Rule{Threshold: 10, Fields: []RuleField{{FieldEmail, 10, 0}, {FieldFirstName, 5, 0}, {FieldLastName, 5, 0}}}
	for _, tt := range []struct {
		r    *Rule
		want bool
	}{{sup, true}, {uns, true}, {names, false}} {
		if got := tt.r.emailRequired(); got != tt.want {
			t.Errorf("%s: emailRequired %v, want %v", tt.r, got, tt.want)
		}
	}
}

// TestRuleMatchAgainstEveryContact holds the rule index (short lists
// weighed, long groups walked, winners worked out ahead and looked for
// again when taken) to weighing every contact by the rule, user after
// user as matchUsers takes them, on random sites where names and e-mails
// repeat, accents and case differ, and contacts are linked, deleted or
// not Individuals.
func TestRuleMatchAgainstEveryContact(t *testing.T) {
	rules := []*Rule{
		{Name: "names", Threshold: 10, Fields: []RuleField{{FieldEmail, 10, 0}, {FieldFirstName, 5, 0}, {FieldLastName, 5, 0}}},
		{Name: "postcode", Threshold: 15, Fields: []RuleField{{FieldEmail, 15, 0}, {FieldFirstName, 5, 3}, {FieldLastName, 5, 0}, {FieldPostalCode, 5, 0}}},
		{Name: "surname", Threshold: 5, Fields: []RuleField{{FieldLastName, 5, 0}, {FieldEmail, 3, 4}}},
		// Every e-mail starts with p: one long list, whose candidates
		// may be primary or not.
		{Name: "initial", Threshold: 5, Fields: []RuleField{{FieldEmail, 5, 1}, {FieldLastName, 5, 0}}},
	}
	firsts := []string{"Ann", "ANN", "Anne", "José", "Jose", "Bob", ""}
	lasts := []string{"Lee", "LEE", "Núñez", "Nunez", "Smith", ""}
	posts := []string{"AB1 2CD", "ab1 2cd", "ZZ9", ""}
	r := rand.New(rand.NewPCG(11, 13))
	pickOf := func(s []string) string { return s[r.IntN(len(s))] }
	email := func(n int) string { return fmt.Sprintf("p%d@x.org", r.IntN(n)) }
	// Sites of up to 600 contacts, a dozen full names: groups longer
	// than the index's short lists.
	linked, made := 0, 0
	for round := range 40 {
		rule := rules[round%len(rules)]
		nu, nc := 20+r.IntN(300), 20+r.IntN(600)
		var users []User
		for uid := int64(1); uid <= int64(nu); uid++ {
			u := named(usr(uid, email(nu)), pickOf(firsts), pickOf(lasts))
			u.More = &More{PostalCode: pickOf(posts)}
			users = append(users, u)
		}
		var contacts []Contact
		for id := int64(1); id <= int64(nc); id++ {
			c := withNames(ind(id, email(nu)), pickOf(firsts), pickOf(lasts))
			if r.IntN(3) == 0 {
				c.Primary = ""
			}
			if r.IntN(3) == 0 {
				c.Others = []string{email(nu)}
			}
			c.More = &More{PostalCode: pickOf(posts)}
			c.Deleted = r.IntN(15) == 0
			if r.IntN(15) == 0 {
				c.Type = "Organization"
			}
			if r.IntN(6) == 0 {
				c.UFID = int64(1 + r.IntN(nu*2)) // some users exist, some not
			}
			contacts = append(contacts, c)
		}
		rev := &Review{}
		uk := newUserKeys(users, rev)
		l := oneList(contacts)
		mt := newMatcher(uk, &l, newEmailIndex(&l, uk), MatchOptions{Dedupe: rule}, rev)
		keys := newRuleKeys(rule)
		for ui := range uk.users {
			u := &uk.users[ui]
			// Every contact weighed, as things stand before this user.
			best, bestAt, free := choice{}, int32(-1), 0
			var taken []choice
			uKeys := keys.userKeys(userValues(u), nil)
			for i := range contacts {
				c := &contacts[i]
				if c.Deleted || !c.IsIndividual() {
					continue
				}
				score, fields := keys.score(uKeys, contactValues(c))
				if score < rule.Threshold {
					continue
				}
				ch := choice{score: score, fields: fields, id: c.ID}
				ch.primary = fields&mt.emailSlots != 0 && c.Primary != "" && EmailKey(c.Primary) == EmailKey(u.Email)
				if mt.linkedUser[i] != 0 {
					taken = append(taken, ch)
					continue
				}
				free++
				if bestAt < 0 || prefer(ch, best) {
					best, bestAt = ch, int32(i)
				}
			}
			items := len(rev.Items)
			mt.user(ui)
			if len(mt.m.Links) == 0 || mt.m.Links[len(mt.m.Links)-1].UID != u.UID {
				continue // not checked
			}
			got := mt.m.Links[len(mt.m.Links)-1]
			switch got.kind {
			case kindRule:
				if bestAt < 0 || got.ContactID != best.id || int(got.Score) != best.score || got.Fields != best.fields {
					t.Fatalf("round %d, rule %s, user %d: linked to %d (score %d, fields %b), want %+v", round, rule.Name, u.UID, got.ContactID, got.Score, got.Fields, best)
				}
				linked++
			case kindNew:
				if free > 0 {
					t.Fatalf("round %d, rule %s, user %d: a new contact, but %+v was free", round, rule.Name, u.UID, best)
				}
				if len(taken) > 0 {
					taken = byPreference(taken)
					want := "contact " + joinIDs(taken, 0) + " matching by rule " + rule.Name
					if len(rev.Items) != items+1 || !strings.HasPrefix(rev.Items[items].Detail, want) || rev.Items[items].ContactID != taken[0].id {
						t.Fatalf("round %d, rule %s, user %d: review %+v, want one starting %q", round, rule.Name, u.UID, rev.Items[items:], want)
					}
					made++
				}
			}
		}
	}
	if linked < 1000 || made < 100 {
		t.Errorf("%d users linked by a rule, %d given new contacts with every candidate taken: the data misses cases", linked, made)
	}
	t.Logf("%d linked by a rule, %d new with every candidate taken", linked, made)
}
