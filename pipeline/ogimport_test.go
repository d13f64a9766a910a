package pipeline

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func inGroups(c Contact, raw string, exact ...string) Contact {
	c.GroupsRaw, c.Groups = raw, exact
	return c
}

func TestToOG(t *testing.T) {
	groups := []Group{{GID: "7", Title: "Choir"}, {GID: "8", Title: "Friends, Family"}, {GID: "9", Title: strings.Repeat("L", 60)}}
	tests := []struct {
		name     string
		module   OGModule // OGModuleAuto: Drupal 7's titles
		users    []User
		contacts []Contact
		og       []tMembership
		admins   map[GroupUser]Src
		rows     []string // Group | Email | First | Last | Username | Contact ID
	}{
		{
			name: "only non-deleted Individuals with an e-mail",
			contacts: []Contact{
				inGroups(withNames(ind(1, "a@x.org"), "Ann", "Lee"), "Choir"),
				inGroups(Contact{ID: 2, Type: "Organization", Primary: "org@x.org", First: "Org"}, "Choir"),
				inGroups(Contact{ID: 3, Type: "Individual", Primary: "del@x.org", Deleted: true, First: "Del"}, "Choir"),
				inGroups(withNames(ind(4, ""), "No", "Mail"), "Choir"),
				inGroups(withNames(ind(5, "", "other@x.org"), "Oth", "Er"), "Choir"),
				withNames(ind(6, "nogroup@x.org"), "No", "Group"),
			},
			rows: []string{
				"Choir | a@x.org | Ann | Lee | Ann Lee | 1",
				"Choir | other@x.org | Oth | Er | Oth Er | 5",
			},
		},
		{
			name: "group titles from the Groups column and exact groups",
			contacts: []Contact{
				inGroups(withNames(ind(1, "a@x.org"), "A", "One"), "Choir,Friends, Family"),
				inGroups(withNames(ind(2, "b@x.org"), "B", "Two"), "Friends, Family,Other Group, choir"),
				inGroups(withNames(ind(3, "c@x.org"), "C", "Three"), "Friends", "Friends, Family"),
				inGroups(withNames(ind(4, "d@x.org"), "D", "Four"), "Friends,Family"), // another group
				inGroups(withNames(ind(5, "e@x.org"), "E", "Five"), "", strings.Repeat("L", 49)),
				inGroups(withNames(ind(6, "f@x.org"), "F", "Six"), strings.Repeat("L", 60)), // the OG's whole title: not its group's under Drupal 7
			},
			rows: []string{
				"Choir | a@x.org | A | One | A One | 1",
				"Choir | b@x.org | B | Two | B Two | 2",
				"Friends, Family | a@x.org | A | One | A One | 1",
				"Friends, Family | b@x.org | B | Two | B Two | 2",
				"Friends, Family | c@x.org | C | Three | C Three | 3",
				strings.Repeat("L", 60) + " | e@x.org | E | Five | E Five | 5",
			},
		},
		{
			name:   "Drupal 6: the group's title is the OG's whole title, its name the cut one",
			module: OGModule6,
			contacts: []Contact{
				inGroups(withNames(ind(5, "e@x.org"), "E", "Five"), "", strings.Repeat("L", 49)),
				inGroups(withNames(ind(6, "f@x.org"), "F", "Six"), strings.Repeat("L", 60)),
				inGroups(withNames(ind(7, "g@x.org"), "G", "Seven"), strings.Repeat("L", 55)), // neither
			},
			rows: []string{
				strings.Repeat("L", 60) + " | e@x.org | E | Five | E Five | 5",
				strings.Repeat("L", 60) + " | f@x.org | F | Six | F Six | 6",
			},
		},
		{
			name: "an account found through another of the contact's e-mails gives its e-mail and username",
			users: []User{
				{UID: 4, Username: "priya", Email: "Priya@Work.example.org "},
				{UID: 9, Username: "pp-old", Email: "priya@home.example.org"},
				{UID: 12, Username: "rob", Email: "rob@x.org"},
				{UID: 15, Username: "tom", Email: ""},
			},
			contacts: []Contact{
				inGroups(withNames(ind(5, "priya@home.example.org", "priya@work.example.org"), "Priya", "Patel"), "Choir"), // two accounts: lowest uid
				inGroups(withNames(ind(6, "robert@x.org", "ROB@x.org"), "Rob", "Ert"), "Choir"),                            // by an other e-mail
				inGroups(withNames(linkedTo(ind(7, "tom@x.org"), 15), "Tom", "Linked"), "Choir"),                           // linked, account has no e-mail
				inGroups(withNames(linkedTo(ind(8, "nobody@x.org"), 77), "No", "Account"), "Choir"),                        // linked to a user not in the export
			},
			rows: []string{
				"Choir | Priya@Work.example.org | Priya | Patel | priya | 5",
				"Choir | rob@x.org | Rob | Ert | rob | 6",
				"Choir | tom@x.org | Tom | Linked | Tom Linked | 7",
				"Choir | nobody@x.org | No | Account | No Account | 8",
			},
		},
		{
			name:  "a member in any state is never added again",
			users: []User{usr(1, "a@x.org"), usr(2, " B@X.org"), usr(3, "c@x.org"), usr(4, "d-login@x.org"), usr(5, "e@x.org"), usr(6, "")},
			contacts: []Contact{
				inGroups(ind(11, "a@x.org"), "Choir"),                         // active member
				inGroups(ind(12, "b@x.org"), "Choir"),                         // pending member, same e-mail key
				inGroups(ind(13, "", "c@x.org"), "Choir"),                     // blocked member, by another e-mail
				inGroups(linkedTo(ind(14, "d@x.org"), 4), "Choir"),            // linked member, another e-mail
				inGroups(withNames(ind(15, "e@x.org"), "E", "Five"), "Choir"), // member of another OG only
				inGroups(linkedTo(ind(16, "f@x.org"), 6), "Choir"),            // linked, no e-mail: not checked
			},
			og: []tMembership{ms("7", 1, Active), ms("7", 2, Pending), ms("7", 3, Blocked), ms("7", 4, Active), ms("8", 5, Active), ms("7", 6, Blocked)},
			rows: []string{
				"Choir | e@x.org | E | Five | login5 | 15",
			},
		},
		{
			name:  "an administrator by role is in the OG without a membership row; a blocked one too",
			users: []User{usr(1, "a@x.org"), usr(2, "b@x.org"), usr(3, "c@x.org")},
			contacts: []Contact{
				inGroups(ind(11, "a@x.org"), "Choir", "Friends, Family"), // role in Choir only
				inGroups(ind(12, "b@x.org"), "Choir"),                    // blocked, with a role
				inGroups(withNames(ind(13, "c@x.org"), "C", "Three"), "Choir"),
			},
			og:     []tMembership{ms("7", 2, Blocked), ms("9", 3, Active)},
			admins: map[GroupUser]Src{{"7", 1}: {}, {"7", 2}: {}, {"9", 1}: {}},
			rows: []string{
				"Choir | c@x.org | C | Three | login3 | 13",
				"Friends, Family | a@x.org |  |  | login1 | 11",
			},
		},
		{
			name: "usernames: an existing account's, else built and unique",
			users: []User{
				{UID: 1, Username: "annie", Email: " ANN@x.org"},
				{UID: 2, Username: "Bob Ray", Email: "bob.ray@y.org"},
				{UID: 3, Username: "bob ray 2", Email: "bob3@y.org"},
			},
			contacts: []Contact{
				inGroups(withNames(ind(1, "ann@x.org"), "Ann", "Lee"), "Choir"),
				inGroups(withNames(ind(2, "br@x.org"), "Bob", "Ray"), "Choir"),
				inGroups(withNames(ind(3, "br2@x.org"), "BOB", "RAY"), "Choir"),
				inGroups(withNames(ind(4, "jo.doe@x.org"), "", ""), "Choir"),
				inGroups(withNames(ind(5, "jo.doe@y.org"), "<>", "!"), "Choir"),
			},
			rows: []string{
				"Choir | ANN@x.org | Ann | Lee | annie | 1", // the account's own address
				"Choir | br@x.org | Bob | Ray | Bob Ray 3 | 2",
				"Choir | br2@x.org | BOB | RAY | BOB RAY 4 | 3",
				"Choir | jo.doe@x.org |  |  | jo.doe | 4",
				"Choir | jo.doe@y.org | <> | ! | jo.doe 2 | 5", // < > ! dropped: local part
			},
		},
		{
			name: "one username per contact, made in ascending contact id",
			contacts: []Contact{
				inGroups(withNames(ind(9, "z@x.org"), "Ann", "Lee"), "Choir"),
				inGroups(withNames(ind(3, "y@x.org"), "Ann", "Lee"), "Choir,Friends, Family"),
			},
			rows: []string{
				"Choir | y@x.org | Ann | Lee | Ann Lee | 3",
				"Choir | z@x.org | Ann | Lee | Ann Lee 2 | 9",
				"Friends, Family | y@x.org | Ann | Lee | Ann Lee | 3",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rev := &Review{}
			sorted := append([]Contact(nil), tc.contacts...)
			sortContacts(sorted)
			m := MatchUsers(tc.users, sorted, MatchOptions{Rule: RuleUnsupervised}, rev)
			og := ogSpec{Groups: groups, Memberships: tc.og, Admins: tc.admins}.build()
			og.Module = tc.module
			gs := SyncGroups(og, m, rev)
			// ToOG is given the contacts as the test lists them: usernames
			// still go in ascending contact id.
			got := []string{}
			for _, r := range ToOG(tc.contacts, tc.users, m, gs) {
				got = append(got, fmt.Sprintf("%s | %s | %s | %s | %s | %d", gs.Groups[r.Group].OGTitle, r.Email, r.First, r.Last, r.Username, r.ContactID))
			}
			want := tc.rows
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("rows:\n got %q\nwant %q", got, want)
			}
			n := 0
			for _, c := range gs.Counts {
				n += c.AddToOG
			}
			if n != len(want) {
				t.Errorf("counts say %d rows, want %d", n, len(want))
			}
		})
	}
}

func sortContacts(cs []Contact) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].ID < cs[j-1].ID; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func TestToOGNoGroups(t *testing.T) {
	m := MatchUsers(nil, nil, MatchOptions{Rule: RuleUnsupervised}, &Review{})
	if rows := ToOG([]Contact{inGroups(ind(1, "a@x.org"), "Choir")}, nil, m, &GroupSync{}); rows != nil {
		t.Errorf("ToOG without groups = %v", rows)
	}
}
