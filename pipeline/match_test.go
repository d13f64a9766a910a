package pipeline

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// link is the part of a Link a test states.
type link struct {
	UID       int64
	ContactID int64
	New       int
	Match     string
	Score     int
}

func linksOf(m *Matching) []link {
	out := make([]link, len(m.Links))
	for i, l := range m.Links {
		out[i] = link{l.UID, l.ContactID, int(l.New), m.MatchOf(&l), int(l.Score)}
	}
	return out
}

// reviewed lists review items as "kind uid", sorted.
func reviewed(r *Review) []string {
	out := []string{}
	for _, it := range r.Items {
		out = append(out, fmt.Sprintf("%s %d", it.Kind, it.UID))
	}
	sort.Strings(out)
	return out
}

func usr(uid int64, email string) User {
	return User{UID: uid, Username: fmt.Sprintf("login%d", uid), Email: email, Src: Src{File: "users.csv", Line: int(uid) + 1}}
}

func named(u User, first, last string) User { u.First, u.Last = first, last; return u }

func blocked(u User) User { u.Blocked = true; return u }

func ind(id int64, primary string, others ...string) Contact {
	return Contact{ID: id, Type: "Individual", Primary: primary, Others: others, Src: Src{File: "contacts.csv", Line: int(id) + 1}}
}

func linkedTo(c Contact, uid int64) Contact { c.UFID = uid; return c }

func withNames(c Contact, first, last string) Contact { c.First, c.Last = first, last; return c }

func TestMatchUsers(t *testing.T) {
	tests := []struct {
		name     string
		users    []User
		contacts []Contact
		opt      MatchOptions
		links    []link
		new      []NewContact
		// Checked, Found, Created, Skipped
		counts [4]int
		review []string
		check  func(t *testing.T, m *Matching)
	}{
		{
			name:     "who is checked: uid above 0 with an e-mail; blocked users too",
			users:    []User{usr(0, "anon@x.org"), usr(1, "a@x.org"), usr(2, ""), usr(3, " \t\u00a0"), blocked(usr(4, "b@x.org"))},
			contacts: []Contact{ind(10, "a@x.org"), ind(11, "b@x.org")},
			links:    []link{{1, 10, 0, MatchEmail, 10}, {4, 11, 0, MatchEmail, 10}},
			counts:   [4]int{2, 2, 0, 0},
			review:   []string{"no-email 2", "no-email 3"},
			check: func(t *testing.T, m *Matching) {
				if m.known(0) || !m.known(2) || !m.known(4) {
					t.Errorf("known: want every user of the export but the anonymous one")
				}
				if _, _, ok := m.ContactOf(2); ok {
					t.Error("ContactOf(2): a user without an e-mail has no contact")
				}
			},
		},
		{
			name:     "--skip-blocked leaves blocked users out",
			users:    []User{usr(1, "a@x.org"), blocked(usr(4, "b@x.org"))},
			contacts: []Contact{ind(10, "a@x.org"), ind(11, "b@x.org")},
			opt:      MatchOptions{SkipBlocked: true},
			links:    []link{{1, 10, 0, MatchEmail, 10}},
			counts:   [4]int{1, 1, 0, 0},
			review:   []string{"blocked-user 4"},
			check: func(t *testing.T, m *Matching) {
				if !m.known(4) {
					t.Error("a left-out blocked user is still a known user")
				}
				if _, _, ok := m.ContactOf(4); ok {
					t.Error("ContactOf(4): a left-out user has no contact")
				}
			},
		},
		{
			name:     "an existing link wins over the e-mail",
			users:    []User{usr(1, "a@x.org")},
			contacts: []Contact{ind(10, "a@x.org"), linkedTo(ind(20, "other@x.org"), 1)},
			links:    []link{{1, 20, 0, MatchLinked, 0}},
			counts:   [4]int{1, 1, 0, 0},
		},
		{
			name:  "a lower uid passes over the contact linked to a higher uid (steps in uid order)",
			users: []User{usr(1, "a@x.org"), usr(2, "A@x.org")},
			// user 1 comes first: contact 20 is linked to user 2, so contact 10; user 2 keeps its link
			contacts: []Contact{ind(10, "a@x.org"), linkedTo(ind(20, "a@x.org"), 2)},
			links:    []link{{1, 10, 0, MatchEmail, 10}, {2, 20, 0, MatchLinked, 0}},
			counts:   [4]int{2, 2, 0, 0},
		},
		{
			name:     "a linked lower uid takes its e-mail: a higher uid with it shares the contact",
			users:    []User{usr(1, "a@x.org"), usr(2, "A@x.org")},
			contacts: []Contact{ind(10, "a@x.org"), linkedTo(ind(20, "a@x.org"), 1)},
			links:    []link{{1, 20, 0, MatchLinked, 0}, {2, 20, 0, MatchShared, 0}},
			counts:   [4]int{2, 1, 0, 1},
			review:   []string{"duplicate-email 2"},
		},
		{
			name:  "linked contact in the trash stays linked and is reviewed",
			users: []User{usr(1, "a@x.org")},
			contacts: []Contact{func() Contact {
				c := linkedTo(ind(20, "a@x.org"), 1)
				c.Deleted = true
				return c
			}()},
			links:  []link{{1, 20, 0, MatchLinked, 0}},
			counts: [4]int{1, 1, 0, 0},
			review: []string{"linked-contact-deleted 1"},
		},
		{
			name:     "two contacts linked to one user: the first link wins",
			users:    []User{usr(1, "a@x.org")},
			contacts: []Contact{linkedTo(ind(20, "b@x.org"), 1), linkedTo(ind(21, "c@x.org"), 1)},
			links:    []link{{1, 20, 0, MatchLinked, 0}},
			counts:   [4]int{1, 1, 0, 0},
			review:   []string{"link-conflict 1"},
		},
		{
			name: "email key: tab, NBSP, trailing spaces, upper case, NFC vs NFD",
			users: []User{
				usr(1, "\tAnn@Example.ORG\u00a0"),
				usr(2, "bob@x.org   "),
				usr(3, "JOSE\u0301@X.ORG"), // NFD, upper case
				usr(4, "zo\u00eb@x.org"),   // NFC
			},
			contacts: []Contact{
				ind(10, "ann@example.org"),
				ind(11, " BOB@X.org"),
				ind(12, "jos\u00e9@x.org"), // NFC
				ind(13, "zoe\u0308@X.org"), // NFD
			},
			links:  []link{{1, 10, 0, MatchEmail, 10}, {2, 11, 0, MatchEmail, 10}, {3, 12, 0, MatchEmail, 10}, {4, 13, 0, MatchEmail, 10}},
			counts: [4]int{4, 4, 0, 0},
		},
		{
			name:     "every e-mail of a contact: primary and others",
			users:    []User{usr(1, "home@x.org"), usr(2, "work@x.org"), usr(3, "billing@x.org")},
			contacts: []Contact{ind(10, "home@x.org"), ind(11, "", "work@x.org"), ind(12, "p@x.org", "other@x.org", "Billing@X.org")},
			links:    []link{{1, 10, 0, MatchEmail, 10}, {2, 11, 0, MatchEmail, 10}, {3, 12, 0, MatchEmail, 10}},
			counts:   [4]int{3, 3, 0, 0},
		},
		{
			name:  "Organizations, Households and deleted contacts never match",
			users: []User{usr(1, "a@x.org"), usr(2, "b@x.org"), usr(3, "c@x.org"), usr(4, "d@x.org"), usr(5, "e@x.org")},
			contacts: []Contact{
				{ID: 10, Type: "Organization", Primary: "a@x.org"},
				{ID: 11, Type: "Household", Primary: "b@x.org"},
				{ID: 12, Type: "Individual", Primary: "c@x.org", Deleted: true},
				{ID: 13, Type: "", Primary: "d@x.org"},           // no type column: an Individual
				{ID: 14, Type: "individual", Primary: "e@x.org"}, // case does not matter
			},
			links: []link{{1, 0, 1, MatchNew, 0}, {2, 0, 2, MatchNew, 0}, {3, 0, 3, MatchNew, 0}, {4, 13, 0, MatchEmail, 10}, {5, 14, 0, MatchEmail, 10}},
			new: []NewContact{
				{UID: 1, Email: "a@x.org"}, {UID: 2, Email: "b@x.org"}, {UID: 3, Email: "c@x.org"},
			},
			counts: [4]int{5, 2, 3, 0},
		},
		{
			name:     "several candidates: the primary e-mail first, then the lowest id",
			users:    []User{usr(1, "a@x.org"), usr(2, "b@x.org")},
			contacts: []Contact{ind(3, "z@x.org", "a@x.org"), ind(5, "y@x.org", "b@x.org"), ind(9, "a@x.org"), ind(4, "x@x.org", "b@x.org")},
			links:    []link{{1, 9, 0, MatchEmail, 10}, {2, 4, 0, MatchEmail, 10}},
			counts:   [4]int{2, 2, 0, 0},
		},
		{
			name:  "CRM-9091: a candidate linked by the export is passed over",
			users: []User{usr(1, "a@x.org"), usr(2, "b@x.org")},
			contacts: []Contact{
				linkedTo(ind(9, "a@x.org"), 99), ind(12, "", "a@x.org"), // next candidate
				linkedTo(ind(20, "b@x.org"), 98), linkedTo(ind(21, "", "b@x.org"), 97), // every one taken
			},
			links:  []link{{1, 12, 0, MatchEmail, 10}, {2, 0, 1, MatchNew, 0}},
			new:    []NewContact{{UID: 2, Email: "b@x.org"}},
			counts: [4]int{2, 1, 1, 0},
			review: []string{"contact-linked-elsewhere 2"},
		},
		{
			name:  "CRM-9091: a candidate linked by an earlier user of the run is passed over",
			users: []User{usr(1, "a@x.org"), usr(2, "b@x.org"), usr(3, "c@x.org")},
			contacts: []Contact{
				ind(5, "a@x.org", "b@x.org", "c@x.org"), // user 1's
				ind(6, "", "b@x.org"),                   // user 2's: the next candidate
			},
			links:  []link{{1, 5, 0, MatchEmail, 10}, {2, 6, 0, MatchEmail, 10}, {3, 0, 1, MatchNew, 0}},
			new:    []NewContact{{UID: 3, Email: "c@x.org"}},
			counts: [4]int{3, 2, 1, 0},
			review: []string{"contact-linked-elsewhere 3"},
		},
		{
			name:     "users sharing an e-mail: the lowest uid takes the contact",
			users:    []User{usr(3, "a@x.org"), usr(1, "A@X.org "), usr(2, "a@x.org"), usr(7, "n@x.org"), usr(8, "N@x.org")},
			contacts: []Contact{ind(10, "a@x.org")},
			links: []link{
				{1, 10, 0, MatchEmail, 10}, {2, 10, 0, MatchShared, 0}, {3, 10, 0, MatchShared, 0},
				{7, 0, 1, MatchNew, 0}, {8, 0, 1, MatchShared, 0},
			},
			new:    []NewContact{{UID: 7, Email: "n@x.org"}},
			counts: [4]int{5, 1, 1, 3},
			review: []string{"duplicate-email 2", "duplicate-email 3", "duplicate-email 8"},
			check: func(t *testing.T, m *Matching) {
				if cid, email, ok := m.ContactOf(3); cid != 10 || email != "" || !ok {
					t.Errorf("ContactOf(3) = %d, %q, %v; want the owner's contact 10", cid, email, ok)
				}
				if cid, email, ok := m.ContactOf(8); cid != 0 || email != "n@x.org" || !ok {
					t.Errorf("ContactOf(8) = %d, %q, %v; want the owner's new contact n@x.org", cid, email, ok)
				}
				if _, _, ok := m.ContactOf(99); ok {
					t.Error("ContactOf(99): no such user")
				}
			},
		},
		{
			name: "no match: a new contact named from the export, never from the username",
			users: []User{
				named(usr(1, "ann@x.org"), "Ann", "Lee"),
				{UID: 2, Username: "jdoe", Email: "jdoe@x.org"},
			},
			links: []link{{1, 0, 1, MatchNew, 0}, {2, 0, 2, MatchNew, 0}},
			new: []NewContact{
				{UID: 1, First: "Ann", Last: "Lee", Email: "ann@x.org"},
				{UID: 2, Email: "jdoe@x.org"},
			},
			counts: [4]int{2, 0, 2, 0},
		},
		{
			name:     "an e-mail needs text on both sides of @",
			users:    []User{usr(1, "@"), usr(2, "x@"), usr(3, "@x.org"), usr(4, "a@b")},
			contacts: []Contact{ind(10, "x@"), ind(11, "@x.org")},
			links:    []link{{1, 0, 0, MatchNone, 0}, {2, 0, 0, MatchNone, 0}, {3, 0, 0, MatchNone, 0}, {4, 0, 1, MatchNew, 0}},
			new:      []NewContact{{UID: 4, Email: "a@b"}},
			counts:   [4]int{4, 0, 1, 3},
			review:   []string{"invalid-email 1", "invalid-email 2", "invalid-email 3"},
		},
		{
			name:     "an e-mail without @ gets no contact",
			users:    []User{usr(1, "nobody"), usr(2, "nobody")},
			contacts: []Contact{ind(10, "nobody")},
			links:    []link{{1, 0, 0, MatchNone, 0}, {2, 0, 0, MatchNone, 0}},
			counts:   [4]int{2, 0, 0, 2},
			review:   []string{"invalid-email 1", "invalid-email 2"},
			check: func(t *testing.T, m *Matching) {
				if _, _, ok := m.ContactOf(1); ok {
					t.Error("ContactOf(1): an invalid e-mail has no contact")
				}
			},
		},
		{
			name: "supervised: first 5, last 7, e-mail 10, threshold 20",
			users: []User{
				named(usr(1, "ann@x.org"), "ann", "LEE"), // all three: 22
				named(usr(2, "bo@x.org"), "Bo", "Ek"),    // e-mail and first: 15
				named(usr(3, "cy@x.org"), "Cy", "Oz"),    // e-mail and last: 17
				usr(4, "di@x.org"),                       // e-mail only: 10
				named(usr(5, "ed@x.org"), "Ed", "Ng"),    // the second candidate has the names
			},
			contacts: []Contact{
				withNames(ind(10, "ann@x.org"), "Ann", "Lee"),
				withNames(ind(11, "bo@x.org"), "Bo", "Other"),
				withNames(ind(12, "cy@x.org"), "Other", "Oz"),
				withNames(ind(13, "di@x.org"), "Di", "Fu"),
				withNames(ind(14, "ed@x.org"), "Someone", "Else"),
				withNames(ind(15, "", "ed@x.org"), "Ed", "Ng"),
			},
			opt: MatchOptions{Rule: RuleSupervised},
			links: []link{
				{1, 10, 0, RuleSupervised, 22}, {2, 0, 1, MatchNew, 0}, {3, 0, 2, MatchNew, 0},
				{4, 0, 3, MatchNew, 0}, {5, 15, 0, RuleSupervised, 22},
			},
			new: []NewContact{
				{UID: 2, First: "Bo", Last: "Ek", Email: "bo@x.org"},
				{UID: 3, First: "Cy", Last: "Oz", Email: "cy@x.org"},
				{UID: 4, Email: "di@x.org"},
			},
			counts: [4]int{5, 2, 3, 0},
			review: []string{"name-mismatch 2", "name-mismatch 3", "name-mismatch 4"},
		},
		{
			name:     "supervised: a matching contact linked elsewhere",
			users:    []User{named(usr(1, "a@x.org"), "A", "B")},
			contacts: []Contact{linkedTo(withNames(ind(10, "a@x.org"), "A", "B"), 50)},
			opt:      MatchOptions{Rule: RuleSupervised},
			links:    []link{{1, 0, 1, MatchNew, 0}},
			new:      []NewContact{{UID: 1, First: "A", Last: "B", Email: "a@x.org"}},
			counts:   [4]int{1, 0, 1, 0},
			review:   []string{"contact-linked-elsewhere 1"},
		},
		{
			// The postcode-less part of SPEC §2's example: e-mail 15, or first
			// name (3 letters) and last name 5 each, threshold 10. Names alone
			// reach it: the rule's own index, not the e-mail's.
			name: "weighted rule: names without the e-mail, accents aside, CRM-9091, ties",
			users: []User{
				named(usr(1, "jose@home.org"), "JOSE", "NUNEZ"), // names only: contact 10
				named(usr(2, "ann@x.org"), "Ann", "Lee"),        // 11 is linked to user 9: 12
				named(usr(3, "kim@x.org"), "Kimberly", "Ng"),    // 13 and 14 tie at 10: lowest id
				named(usr(4, "zed@x.org"), "Zed", "Q"),          // its only candidate is linked to user 8: new
				usr(5, ""),
				named(usr(6, "bob@x.org"), "", ""), // e-mail alone: 15
			},
			contacts: []Contact{
				withNames(ind(10, "jose@work.org"), "José", "Núñez"),
				linkedTo(withNames(ind(11, "a@y.org"), "Annabel", "Lee"), 9),
				withNames(ind(12, "lee@y.org"), "Ann", "Lee"),
				withNames(ind(13, "k1@y.org"), "Kim", "Ng"),
				withNames(ind(14, "k2@y.org"), "Kimberly", "NG"),
				linkedTo(withNames(ind(15, "z@y.org"), "Zed", "Q"), 8),
				withNames(ind(16, "bob@x.org"), "Robert", "Other"),
				func() Contact { c := withNames(ind(17, "x@y.org"), "Jos", "Nunez"); c.Deleted = true; return c }(),
			},
			opt: MatchOptions{Rule: "names", Dedupe: &Rule{Name: "names", Title: "E-mail or names", Threshold: 10,
				Fields: []RuleField{{FieldEmail, 15, 0}, {FieldFirstName, 5, 3}, {FieldLastName, 5, 0}}}},
			links: []link{
				{1, 10, 0, "names", 10}, {2, 12, 0, "names", 10}, {3, 13, 0, "names", 10},
				{4, 0, 1, MatchNew, 0}, {6, 16, 0, "names", 15},
			},
			new:    []NewContact{{UID: 4, First: "Zed", Last: "Q", Email: "zed@x.org"}},
			counts: [4]int{5, 4, 1, 0},
			review: []string{"contact-linked-elsewhere 4", "no-email 5"},
		},
		{
			name:     "weighted rule needing the e-mail: CRM-9091 passes over to the next",
			users:    []User{named(usr(1, "a@x.org"), "Ann", "Lee")},
			contacts: []Contact{linkedTo(withNames(ind(10, "a@x.org"), "ANN", "LÉE"), 50), withNames(ind(11, "", "a@x.org"), "Ann", "Lee"), withNames(ind(12, "a@x.org"), "Bea", "Lee")},
			opt:      MatchOptions{Rule: RuleSupervised},
			links:    []link{{1, 11, 0, RuleSupervised, 22}},
			counts:   [4]int{1, 1, 0, 0},
		},
		{
			name:   "external identifier prefix",
			users:  []User{named(usr(42, "a@x.org"), "A", "B")},
			opt:    MatchOptions{ExternalIDPrefix: "drupal-"},
			links:  []link{{42, 0, 1, MatchNew, 0}},
			new:    []NewContact{{UID: 42, First: "A", Last: "B", Email: "a@x.org", ExternalID: "drupal-42"}},
			counts: [4]int{1, 0, 1, 0},
		},
		{
			name:     "users in any order are processed in ascending uid",
			users:    []User{usr(30, "a@x.org"), usr(4, "b@x.org"), usr(17, "a@x.org"), usr(2, "b@x.org")},
			contacts: []Contact{ind(10, "a@x.org"), ind(11, "b@x.org")},
			links:    []link{{2, 11, 0, MatchEmail, 10}, {4, 11, 0, MatchShared, 0}, {17, 10, 0, MatchEmail, 10}, {30, 10, 0, MatchShared, 0}},
			counts:   [4]int{4, 2, 0, 2},
			review:   []string{"duplicate-email 30", "duplicate-email 4"},
		},
		{
			name:     "a repeated uid: the first row wins",
			users:    []User{usr(5, "first@x.org"), usr(1, "one@x.org"), usr(5, "second@x.org")},
			contacts: []Contact{ind(10, "second@x.org")},
			links:    []link{{1, 0, 1, MatchNew, 0}, {5, 0, 2, MatchNew, 0}},
			new:      []NewContact{{UID: 1, Email: "one@x.org"}, {UID: 5, Email: "first@x.org"}},
			counts:   [4]int{2, 0, 2, 0},
			review:   []string{"duplicate-user 5"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opt.Rule == "" {
				tc.opt.Rule = RuleUnsupervised
			}
			contacts := append([]Contact(nil), tc.contacts...)
			sort.Slice(contacts, func(i, j int) bool { return contacts[i].ID < contacts[j].ID })
			users := append([]User(nil), tc.users...)
			rev := &Review{}
			m := MatchUsers(users, contacts, tc.opt, rev)
			if !reflect.DeepEqual(users, tc.users) {
				t.Errorf("MatchUsers changed its users argument")
			}
			if got := linksOf(m); !reflect.DeepEqual(got, tc.links) {
				t.Errorf("links:\n got %+v\nwant %+v", got, tc.links)
			}
			if len(m.New) != 0 || len(tc.new) != 0 {
				if !reflect.DeepEqual(m.New, tc.new) {
					t.Errorf("new contacts:\n got %+v\nwant %+v", m.New, tc.new)
				}
			}
			if got := [4]int{m.Checked, m.Found, m.Created, m.Skipped}; got != tc.counts {
				t.Errorf("checked, found, created, skipped = %v, want %v", got, tc.counts)
			}
			if n := m.Found + m.Created + m.Skipped; n != m.Checked {
				t.Errorf("found+created+skipped = %d, checked = %d", n, m.Checked)
			}
			want := tc.review
			if want == nil {
				want = []string{}
			}
			if got := reviewed(rev); !reflect.DeepEqual(got, want) {
				t.Errorf("review:\n got %q\nwant %q", got, want)
			}
			for i, l := range m.Links {
				if got, _ := m.LinkOf(l.UID); got != i {
					t.Errorf("LinkOf(%d) = %d, want %d", l.UID, got, i)
				}
				if i > 0 && m.Links[i-1].UID >= l.UID {
					t.Errorf("links not in ascending uid at %d", i)
				}
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

// TestMatchUsersReviewContact checks the contact ids review items carry.
func TestMatchUsersReviewContact(t *testing.T) {
	rev := &Review{}
	MatchUsers([]User{usr(1, "a@x.org"), usr(2, "a@x.org"), usr(3, "b@x.org")},
		[]Contact{ind(10, "a@x.org"), linkedTo(ind(11, "b@x.org"), 9), linkedTo(ind(12, "", "b@x.org"), 8)},
		MatchOptions{Rule: RuleUnsupervised}, rev)
	got := map[string]int64{}
	for _, it := range rev.Items {
		got[it.Kind] = it.ContactID
		if it.File != "users.csv" || it.Line != int(it.UID)+1 {
			t.Errorf("%s item at %s:%d, want the user's row", it.Kind, it.File, it.Line)
		}
	}
	want := map[string]int64{KindDuplicateEmail: 10, KindContactLinkedElsewhere: 11}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("review contacts = %v, want %v", got, want)
	}
	for _, it := range rev.Items {
		if it.Kind == KindContactLinkedElsewhere && !strings.Contains(it.Detail, "11, 12") {
			t.Errorf("detail %q should name every taken contact", it.Detail)
		}
	}
}

// TestMatchUsersManyTaken: a review item names the first contacts linked
// elsewhere, in CiviCRM's order, and counts the rest, whichever way the
// rule finds them (the e-mail index, or a rule's own index).
func TestMatchUsersManyTaken(t *testing.T) {
	names := &Rule{Name: "names", Threshold: 10, Fields: []RuleField{{FieldEmail, 10, 0}, {FieldFirstName, 5, 0}, {FieldLastName, 5, 0}}}
	var byEmail, byName []Contact
	for id := int64(28); id <= 40; id++ { // 13 contacts
		byEmail = append(byEmail, linkedTo(ind(id, "a@x.org"), 100+id))
		byName = append(byName, linkedTo(withNames(ind(id, fmt.Sprintf("c%d@x.org", id)), "Ann", "Lee"), 100+id))
	}
	byEmail = append(byEmail, linkedTo(ind(50, "b@x.org", "a@x.org"), 150))
	tests := []struct {
		name     string
		opt      MatchOptions
		contacts []Contact
		want     string
	}{
		{"e-mail", MatchOptions{Rule: RuleUnsupervised}, byEmail, "contact 28, 29, 30, 31, 32, 33, 34, 35, 36, 37 and 4 more with this e-mail"},
		{"names", MatchOptions{Dedupe: names}, byName, "contact 28, 29, 30, 31, 32, 33, 34, 35, 36, 37 and 3 more matching by rule names (first_name, last_name: 10)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev := &Review{}
			m := MatchUsers([]User{named(usr(1, "a@x.org"), "Ann", "Lee")}, tt.contacts, tt.opt, rev)
			if m.Created != 1 {
				t.Fatalf("created %d contacts, want 1", m.Created)
			}
			var got []string
			for _, it := range rev.Items {
				got = append(got, it.Detail)
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
				t.Errorf("review %q, want one starting %q", got, tt.want)
			}
		})
	}
}

func TestEmailKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a@x.org", "a@x.org"},
		{"Ann@Example.ORG", "ann@example.org"},
		{"\t a@x.org \r\n", "a@x.org"},
		{"\u00a0a@x.org\u00a0", "a@x.org"},
		{"\u2003a@x.org\u3000", "a@x.org"}, // em space, ideographic space
		{"jos\u00e9@x.org", "jos\u00e9@x.org"},
		{"jose\u0301@x.org", "jos\u00e9@x.org"}, // NFD → NFC
		{"JOS\u00c9@X.ORG", "jos\u00e9@x.org"},
		{"JOSE\u0301@X.ORG", "jos\u00e9@x.org"},
		{"a b@x.org", "a b@x.org"}, // inner space is kept
		{" \t\u00a0", ""},
	}
	for _, tc := range tests {
		if got := EmailKey(tc.in); got != tc.want {
			t.Errorf("EmailKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(appendEmailKey([]byte("x"), tc.in)); got != "x"+tc.want {
			t.Errorf("appendEmailKey(%q) = %q, want %q", tc.in, got, "x"+tc.want)
		}
	}
}

// FuzzAppendEmailKey holds the allocation-free key to EmailKey.
func FuzzAppendEmailKey(f *testing.F) {
	for _, s := range []string{"", " A@B.org\t", "\u00a0a@x.org", "JOSE\u0301@X.ORG", "\x85a@b\v", "\xff@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEmailKey(nil, s)), EmailKey(s); got != want {
			t.Errorf("appendEmailKey(%q) = %q, EmailKey = %q", s, got, want)
		}
	})
}

func BenchmarkEmailKey(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"lower", "someone.else@example.org"},
		{"upper", " Someone.Else@Example.ORG\t"},
		{"unicode", "Jose\u0301.N\u00fa\u00f1ez@example.org"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				EmailKey(bc.in)
			}
		})
	}
}

// benchData makes n users and n contacts: about half the users match a
// contact by e-mail (some by another e-mail, some with different case),
// some are linked, some share an e-mail, the rest are new.
func benchData(n int) ([]User, []Contact) {
	r := rand.New(rand.NewSource(1))
	users := make([]User, n)
	for i := range users {
		uid := int64(i + 1)
		email := fmt.Sprintf("user%d@example.org", r.Intn(n*2))
		if i%7 == 0 {
			email = strings.ToUpper(email)
		}
		users[i] = User{UID: uid, Username: fmt.Sprintf("user%d", uid), Email: email, First: "First", Last: fmt.Sprint("Last", i%100)}
	}
	r.Shuffle(len(users), func(i, j int) { users[i], users[j] = users[j], users[i] })
	contacts := make([]Contact, n)
	for i := range contacts {
		c := Contact{ID: int64(i + 1), Type: "Individual", First: "First", Last: fmt.Sprint("Last", i%100)}
		c.Primary = fmt.Sprintf("user%d@example.org", r.Intn(n*2))
		if i%3 == 0 {
			c.Others = []string{fmt.Sprintf("user%d@example.org", r.Intn(n*2)), "noemail@example.org"}
		}
		if i%50 == 0 {
			c.UFID = int64(r.Intn(n) + 1)
		}
		contacts[i] = c
	}
	return users, contacts
}

// BenchmarkMatchUsers: the reserved rules, and a three-field rule that
// can match without the e-mail (e-mail 10, first name 5, last name 5,
// threshold 10: its own index over every contact), against the
// e-mail-only run (SPEC goal: within 1.5× of it).
func BenchmarkMatchUsers(b *testing.B) {
	threeFields := &Rule{Name: "names", Title: "E-mail, or first and last name", Threshold: 10,
		Fields: []RuleField{{FieldEmail, 10, 0}, {FieldFirstName, 5, 0}, {FieldLastName, 5, 0}}}
	// Names as varied as a real site's, and as few as civisync-gen's
	// (50 first names, 50 last names: a full name has 40 contacts here,
	// 400 at 1M), where a rule that matches by name alone has many
	// candidates for each user.
	for _, names := range []struct {
		name        string
		first, last int64
	}{{"varied", 500, 20000}, {"common", 50, 50}} {
		users, contacts := benchData(100_000)
		for i := range users {
			users[i].First, users[i].Last = fmt.Sprint("First", users[i].UID%names.first), fmt.Sprint("Last", users[i].UID/names.first%names.last)
		}
		for i := range contacts {
			contacts[i].First, contacts[i].Last = fmt.Sprint("First", contacts[i].ID%names.first), fmt.Sprint("Last", contacts[i].ID/names.first%names.last)
		}
		for _, opt := range []MatchOptions{{Rule: RuleUnsupervised}, {Rule: RuleSupervised}, {Rule: "names", Dedupe: threeFields}} {
			b.Run(names.name+"/"+opt.Rule, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					MatchUsers(users, contacts, opt, &Review{})
				}
			})
		}
	}
}

// BenchmarkLikelyDuplicates: the suggestions for the users the
// unsupervised rule gives new contacts (about half), over every contact.
func BenchmarkLikelyDuplicates(b *testing.B) {
	users, contacts := benchData(100_000)
	m := MatchUsers(users, contacts, MatchOptions{Rule: RuleUnsupervised}, &Review{})
	l := oneList(contacts)
	b.ReportAllocs()
	for b.Loop() {
		likelyDuplicates(m, &l, &Review{})
	}
}

// BenchmarkUserKeys numbers the users' e-mail keys (newUserKeys).
func BenchmarkUserKeys(b *testing.B) {
	users, _ := benchData(100_000)
	b.ReportAllocs()
	for b.Loop() {
		newUserKeys(users, &Review{})
	}
}

// BenchmarkProbeRows probes contacts' e-mails against the users' keys in
// batches, as the parsing workers do while sifting.
func BenchmarkProbeRows(b *testing.B) {
	users, contacts := benchData(100_000)
	uk := newUserKeys(users, &Review{})
	rows := make([]contactRow, len(contacts))
	for i := range contacts {
		rows[i].c = contacts[i]
	}
	b.ReportAllocs()
	for b.Loop() {
		for lo := 0; lo < len(rows); lo += batchRows {
			uk.probeRows(rows[lo:min(lo+batchRows, len(rows))])
		}
	}
}
