package pipeline

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/civisync/civisync/pipeline/internal/similar"
)

func person(id int64, first, last string, emails ...string) dupPerson {
	return dupPerson{ID: id, First: first, Last: last, Emails: emails}
}

// TestLikelyDuplicates plants near-duplicates and decoys among unrelated
// contacts: each planted one must score 50 or more, no decoy may.
func TestLikelyDuplicates(t *testing.T) {
	tests := []struct {
		name    string
		user    dupPerson
		contact dupPerson
		likely  bool
		why     string // part of Why
	}{
		{"gmail and googlemail", person(0, "Jo", "Smith", "jo.smith@gmail.com"), person(0, "Jo", "Smith", "jo.smith@googlemail.com"), true, "reach the same mailbox"},
		{"gmail dots, no names", person(0, "", "", "josmith@gmail.com"), person(0, "", "", "jo.smith@gmail.com"), true, "same mailbox"},
		{"nickname and local part elsewhere", person(0, "Bob", "Smith", "bob.smith@work.org"), person(0, "Robert", "Smith", "bob.smith@yahoo.com"), true, "Bob is a short form of Robert"},
		{"Bill and William, same phone", dupPerson{First: "Bill", Last: "Jones", Emails: []string{"bj@a.org"}, Phones: []string{"+44 20 7946 0958"}}, dupPerson{First: "William", Last: "Jones", Emails: []string{"wj@b.org"}, Phones: []string{"020 7946 0958"}}, true, "same phone"},
		{"e-mail typo", person(0, "Ann", "Lee", "ann.lee@example.org"), person(0, "Ann", "Lee", "ann.lea@example.org"), true, "one typo apart"},
		{"e-mail domain a letter off", person(0, "Ann", "Lee", "ann.lee@example.org"), person(0, "Ann", "Lee", "ann.lee@exmaple.org"), true, "the same e-mail name"},
		{"e-mail typo, no names", person(0, "", "", "margaret.oduya@example.org"), person(0, "Margaret", "Oduya", "margaret.oduyaa@example.org"), true, "one typo apart"},
		{"accents and a local part", person(0, "José", "Núñez", "jnunez@uni.edu"), person(0, "JOSE", "NUNEZ", "jnunez@gmail.com"), true, "accents, case and punctuation aside"},
		{"nameless user, named contact", person(0, "", "", "k.obrien@home.net"), person(0, "Kate", "O'Brien", "k.obrien@work.com"), true, "spells the surname"},
		{"misspelt surname and same phone", dupPerson{First: "Stephen", Last: "Mcdonald", Phones: []string{"555-201-3344"}, Emails: []string{"sm@a.org"}}, dupPerson{First: "Steve", Last: "MacDonald", Phones: []string{"(555) 201 3344"}, Emails: []string{"x@b.org"}}, true, "same phone"},

		{"provider domain typo", person(0, "", "", "kim.lee@gmial.com"), person(0, "Kim", "Lee", "kim.lee@gmail.com"), true, "one typo apart"},
		{"marked local part, no names", person(0, "", "", "jsmith1987@yahoo.com"), person(0, "", "", "jsmith1987@hotmail.com"), true, `the same e-mail name "jsmith1987"`},
		{"decoy: bare first name as local part", person(0, "", "", "maria@a.org"), person(0, "Maria", "Lopez", "maria@b.org"), false, ""},
		{"decoy: common surname alone", person(0, "Ann", "Smith", "ann@a.org"), person(0, "Peter", "Smith", "peter@b.org"), false, ""},
		{"decoy: first name alone", person(0, "Ann", "Smith", "ann@a.org"), person(0, "Ann", "Jones", "jones@b.org"), false, ""},
		{"decoy: same full name alone", person(0, "John", "Smith", "john1@a.org"), person(0, "John", "Smith", "smithy@b.org"), false, ""},
		{"decoy: role address elsewhere", person(0, "Ann", "Lee", "info@a.org"), person(0, "Raj", "Patel", "info@b.org"), false, ""},
		{"decoy: short typo, other people", person(0, "Jon", "Ray", "jon@x.org"), person(0, "Jan", "Kowalski", "jan@x.org"), false, ""},
		{"decoy: family phone", dupPerson{First: "Jane", Last: "Doe", Phones: []string{"555 123 4567"}, Emails: []string{"jane@a.org"}}, dupPerson{First: "John", Last: "Doe", Phones: []string{"555 123 4567"}, Emails: []string{"john@b.org"}}, false, ""},
	}
	r := rand.New(rand.NewPCG(5, 6))
	firsts := []string{"Ann", "John", "Peter", "Mary", "Raj", "Li", "Fatima", "Oleg"}
	lasts := []string{"Smith", "Jones", "Lee", "Patel", "Khan", "Brown", "Garcia"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The contact among 500 unrelated ones sharing common names.
			contacts := make([]dupPerson, 500)
			for i := range contacts {
				f, l := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
				contacts[i] = person(int64(1000+i), f, l, fmt.Sprintf("%s.%s%d@corp%d.example", strings.ToLower(f), strings.ToLower(l), i, i%7))
			}
			at := r.IntN(len(contacts))
			c := tt.contact
			c.ID = 1
			contacts[at] = c
			u := tt.user
			u.ID = 42
			got := suggestDuplicates([]dupPerson{u}, len(contacts), func(i int, p *dupPerson) bool { *p = contacts[i]; return true })
			var s *Suggestion
			for i := range got {
				if got[i].ContactID == 1 {
					s = &got[i]
				}
				if got[i].UID != 42 {
					t.Errorf("suggestion for user %d", got[i].UID)
				}
			}
			switch {
			case tt.likely && (s == nil || s.Score < 50):
				t.Errorf("planted duplicate not found at 50 or more: %+v (all: %+v)", s, got)
			case tt.likely && !strings.Contains(s.Why, tt.why):
				t.Errorf("Why %q does not say %q", s.Why, tt.why)
			case !tt.likely && s != nil && s.Score >= 50:
				t.Errorf("decoy scored %d: %s", s.Score, s.Why)
			}
			for _, g := range got {
				if g.ContactID != 1 && g.Score >= 50 {
					t.Errorf("unrelated contact %d scored %d: %s", g.ContactID, g.Score, g.Why)
				}
			}
		})
	}
}

func TestWhySpellsShares(t *testing.T) {
	u, c := &dupPrepared{}, &dupPrepared{}
	up, cp := person(1, "Bob", "Smith", "jo.smith@gmail.com"), person(2, "Robert", "Smith", "jo.smith@googlemail.com")
	u.prepare(&up)
	c.prepare(&cp)
	score, sig := judge(u, c, nil, true)
	got := why(sig, score)
	want := "e-mails jo.smith@gmail.com and jo.smith@googlemail.com reach the same mailbox: +60; names Bob Smith and Robert Smith alike: Bob is a short form of Robert: +40"
	if score != 100 || got != want {
		t.Errorf("score %d, why %q\nwant 100, %q", score, got, want)
	}
}

// BenchmarkSuggestDuplicates: 20k users given new contacts against 200k
// contacts with common names, near-duplicates among them.
func BenchmarkSuggestDuplicates(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	firsts := []string{"Ann", "John", "Peter", "Mary", "Raj", "Li", "Fatima", "Oleg", "Robert", "William", "Bob", "Bill"}
	lasts := []string{"Smith", "Jones", "Lee", "Patel", "Khan", "Brown", "Garcia", "Nguyen", "Müller", "O'Brien"}
	mk := func(i int, dom string) dupPerson {
		f, l := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
		return dupPerson{ID: int64(i), First: f, Last: l, Emails: []string{fmt.Sprintf("%s.%s%d@%s", strings.ToLower(f), strings.ToLower(l), i, dom)},
			Phones: []string{fmt.Sprintf("555 %07d", r.IntN(10_000_000))}}
	}
	contacts := make([]dupPerson, 200_000)
	for i := range contacts {
		contacts[i] = mk(i, "gmail.com")
	}
	users := make([]dupPerson, 20_000)
	for i := range users {
		users[i] = mk(i*10, "googlemail.com")
	}
	b.ResetTimer()
	for b.Loop() {
		suggestDuplicates(users, len(contacts), func(i int, p *dupPerson) bool { *p = contacts[i]; return true })
	}
}

// TestProbeKeysAsPrepared: the keys a contact is probed by, made without
// allocating, are the very keys prepareKeys and keys make.
func TestProbeKeysAsPrepared(t *testing.T) {
	people := []dupPerson{
		{Emails: []string{"Jo.Smith+news@GoogleMail.com", " jo.smith@gmail.com ", "jsmith@example.org"}},
		{First: "Bob", Last: "Müller", Emails: []string{"bob@x.de", "bob@x.de", "Bob.M@Yandex.com"}, Phones: []string{"+44 20 7946 0958", "123", "0049 (30) 1234-5678"}},
		{First: "José", Last: "Núñez", Emails: []string{"JOSÉ@correo.es", "\u00a0ann@me.com", "no-at-sign", "@x.org", "x@", "a.b@icloud.com"}},
		{Emails: []string{"", "a@b", "ab@c.d", "info@mac.com", "x+y+z@pm.me", "jörg.o'brien@web.de"}},
		{First: "William", Last: "O'Brien", Emails: []string{"bill.obrien1987@hotmail.co.uk"}, Phones: []string{"555 1234567"}},
	}
	for _, kinds := range []keyKinds{{typoAddrs: 1}, {names: true, phones: true, typoAddrs: 1}, {names: true, phones: true, typoAddrs: 0}, {names: true, phones: true, typoAddrs: 1 << 30}} {
		for _, p := range people {
			var want, got []uint64
			var wantNames, gotNames int
			var d dupPrepared
			d.prepareKeys(&p, kinds.names)
			d.keys(kinds, func(k uint64, name bool) {
				want = append(want, k)
				if name {
					wantNames++
				}
			})
			var sc dupScratch
			probeKeys(&p, kinds, &sc)
			got = append(append(got, sc.probe...), sc.named...)
			gotNames = len(sc.named)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(slices.Compact(want), slices.Compact(got)) || wantNames != gotNames {
				t.Errorf("%+v %+v: probe keys %x, prepared keys %x", kinds, p, got, want)
			}
		}
	}
}

// TestStreamDuplicates holds the likely duplicates found reading the
// contacts export again as a stream (most rows probed by their e-mail
// cells alone, the rest taken apart) to those found over the contacts
// read whole: the same suggestions, whatever the batches, for users with
// e-mails only and for users with names and phones.
func TestStreamDuplicates(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	firsts := []string{"Ann", "Bob", "Robert", "Kate", "José", "Li"}
	lasts := []string{"Smith", "O'Brien", "Núñez", "Lee", "Garcia"}
	typo := func(s string, kind int) string { // one letter of the local part changed, dropped or doubled
		at := strings.IndexByte(s, '@')
		i := r.IntN(at)
		switch kind {
		case 0:
			return s[:i] + "x" + s[i+1:]
		case 1:
			return s[:i] + s[i+1:]
		}
		return s[:i] + s[i:i+1] + s[i:]
	}
	var b strings.Builder
	b.WriteString("Contact ID,Contact Type,First Name,Last Name,Email,Home-Email,Other Emails,Phone,Is Deleted\n")
	var emails, others, listed []string
	for id := 1; id <= 400; id++ {
		f, l := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
		local := strings.ToLower(f[:1]) + fmt.Sprintf(".%s%d", strings.ToLower(strings.ReplaceAll(l, "'", "")), id)
		primary := local + []string{"@gmail.com", "@example.org", "@web.de"}[r.IntN(3)]
		emails = append(emails, primary)
		other, list := "", ""
		if r.IntN(2) == 0 {
			other = "W" + strings.ToUpper(local) + "@Work.example"
			others = append(others, strings.ToLower(other))
		}
		if r.IntN(3) == 0 {
			list = " " + local + "z+x@me.com;;Q" + local + "@x.example"
			listed = append(listed, "q"+local+"@x.example")
		}
		typ, del := "Individual", "0"
		switch r.IntN(10) {
		case 0:
			typ = "Organization"
		case 1:
			del = "1"
		}
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s,%s,555 %07d,%s\n", id, typ, f, l, primary, other, list, r.IntN(300), del)
	}
	b.WriteString("401,Individual,Zoe,Lee,not-an-address,,,,0\n")
	path := filepath.Join(t.TempDir(), "contacts.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	in := ContactInputs{Contacts: Input{Path: path}}
	all, err := (&Extractor{Review: &Review{}}).ExtractContacts(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, named := range []bool{false, true} {
		var users []User
		for uid := int64(1); uid <= 150; uid++ {
			pick := func(from []string) string { return from[r.IntN(len(from))] }
			var u User
			switch u.UID = uid; uid % 6 {
			case 0:
				u.Email = typo(pick(emails), r.IntN(3))
			case 1:
				u.Email = strings.Replace(pick(others), "@work.example", "@elsewhere.example", 1) // the same local part
			case 2:
				u.Email = typo(pick(listed), 2) // a letter doubled: its deletion is the contact's address
			case 3:
				u.Email = typo(pick(others), 2)
			case 4:
				u.Email = pick(emails) // a contact's own: matched
			default:
				u.Email = "ann@nowhere.example"
			}
			if named {
				u.First, u.Last = firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
				u.More = &More{Phones: []string{fmt.Sprintf("+1 555 %07d", r.IntN(300))}}
			}
			users = append(users, u)
		}
		m := MatchUsers(users, all, MatchOptions{Rule: RuleUnsupervised}, &Review{})
		l := oneList(all)
		want := likelyDuplicates(m, &l, &Review{})
		if len(want) < 20 {
			t.Fatalf("named %v: only %d suggestions to compare", named, len(want))
		}
		for _, bc := range []struct{ rows, workers int }{{batchRows, 1}, {1, 2}, {7, 3}} {
			t.Run(fmt.Sprintf("named%v/batch%d-workers%d", named, bc.rows, bc.workers), func(t *testing.T) {
				withBatches(t, bc.rows, bc.workers)
				got, err := streamDuplicates(m, in, nil, &Review{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("streamed: %d suggestions, read whole: %d\n got %v\nwant %v", len(got), len(want), got, want)
				}
			})
		}
	}
}

// keys yields the person's blocking keys as its prepared values spell
// them out, for TestProbeKeysAsPrepared (probeKeys makes them without
// preparing, for users and contacts): the local part (the mailbox for a
// short one), the address and its one-deletion forms, the phone's last 7
// digits, the surname's phonetic code with each form of the first name.
// Two people a signal links share one of these keys. One mailbox is one
// local part (without dots and +tag), so the mailbox's own key is needed
// only where the local part is too short for one.
func (d *dupPrepared) keys(kinds keyKinds, yield func(key uint64, name bool)) {
	d.addrKeys(kinds, func(k uint64) { yield(k, false) })
	if kinds.names {
		d.nameKeys(func(k uint64) { yield(k, true) })
	}
}

// addrKeys yields the keys of keys but the names'.
func (d *dupPrepared) addrKeys(kinds keyKinds, yield func(key uint64)) {
	for i, a := range d.addrs {
		if len(a.Local) >= 3 {
			yield(similar.Hash("l", a.Local))
		} else {
			yield(similar.Hash("m", a.Mailbox))
		}
		// Typos in the local part meet here; in the domain, by the local
		// part's key.
		yield(similar.WholeHash(a.Key))
		if i < kinds.typoAddrs {
			similar.DeletionHashes(a.Key, len(a.Key)-len(a.Domain)-1, yield)
		}
	}
	if kinds.phones {
		for _, p := range d.phones {
			yield(similar.Hash("p", p[len(p)-7:]))
		}
	}
}

// nameKeys yields the names' keys of keys.
func (d *dupPrepared) nameKeys(yield func(key uint64)) {
	if d.first != "" && d.last != "" {
		last := similar.Soundex(d.last)
		similar.FirstNameKeys(d.first, func(f string) { yield(similar.Hash("n", last, f)) })
	}
}

// TestUserInto: a user read into a reused person is dupOfUser's, with
// nothing left over from the user read before.
func TestUserInto(t *testing.T) {
	users := []User{
		{UID: 1, Email: "a@x.org", First: "Ann", Last: "Lee", More: &More{Phones: []string{"555 1234567"}, BirthDate: "1980-01-02", City: "Leeds", PostalCode: "LS1", Street: "1 Road"}, Src: Src{File: "u.csv", Line: 2}},
		{UID: 2, Email: "b@y.org", Src: Src{File: "u.csv", Line: 3}},
		{UID: 3, Email: "c@z.org", First: "Cy", More: &More{Phones: []string{"1", "2"}}},
	}
	var p dupPerson
	for _, u := range users {
		userInto(&u, &p)
		want := dupOfUser(&u)
		if len(p.Phones) == 0 && len(want.Phones) == 0 {
			p.Phones, want.Phones = nil, nil
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("user %d: %+v, want %+v", u.UID, p, want)
		}
	}
}

// BenchmarkStreamDuplicates: the likely duplicates of the users the
// unsupervised rule gives new contacts, 100,000 users and contacts, the
// contacts read again from their file as a stream (streamDuplicates, as a
// run reading a contacts file does).
func BenchmarkStreamDuplicates(b *testing.B) {
	users, contacts := benchData(100_000)
	var sb strings.Builder
	sb.WriteString("Contact ID,Contact Type,First Name,Last Name,Email,Home-Email,Work-Email,Is Deleted\n")
	for _, c := range contacts {
		others := append(slices.Clone(c.Others), "", "")
		fmt.Fprintf(&sb, "%d,%s,%s,%s,%s,%s,%s,0\n", c.ID, c.Type, c.First, c.Last, c.Primary, others[0], others[1])
	}
	path := filepath.Join(b.TempDir(), "contacts.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	m := MatchUsers(users, contacts, MatchOptions{Rule: RuleUnsupervised}, &Review{})
	in := ContactInputs{Contacts: Input{Path: path}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := streamDuplicates(m, in, nil, &Review{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUserTopsKeepWhatIsListed: dropping, as they are met, the suggestions
// keep refuses changes nothing bestSuggestions lists, in any order.
func TestUserTopsKeepWhatIsListed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for round := range 300 {
		var all []Suggestion
		for range r.IntN(60) {
			all = append(all, Suggestion{UID: int64(r.IntN(4)), ContactID: int64(1 + r.IntN(12)), Score: SuggestListed + r.IntN(5)*10})
		}
		tops := newUserTops(4)
		var kept []Suggestion
		for _, s := range all {
			if tops.keep(int32(s.UID), s.Score, s.ContactID) {
				kept = append(kept, s)
			}
		}
		want := bestSuggestions(slices.Clone(all))
		if got := bestSuggestions(kept); !slices.Equal(got, want) {
			t.Fatalf("round %d: kept %v listed %v, want %v (from %v)", round, kept, got, want, all)
		}
		if len(all) > 30 && len(kept) == len(all) {
			t.Errorf("round %d: nothing dropped of %d", round, len(all))
		}
	}
}
