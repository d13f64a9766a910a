package pipeline

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCutName(t *testing.T) {
	a48 := strings.Repeat("a", 48)
	a49 := strings.Repeat("a", 49)
	tests := []struct{ name, in, want string }{
		{"short", "Choir", "Choir"},
		{"trimmed", " \t\u00a0Choir\u00a0 ", "Choir"},
		{"49 characters kept", a49, a49},
		{"cut to 49", a49 + "bcdef", a49},
		{"49 two-byte characters", strings.Repeat("é", 60), strings.Repeat("é", 49)},
		{"four-byte characters", strings.Repeat("😀", 50), strings.Repeat("😀", 49)},
		{"mixed widths", a48 + "éz", a48 + "é"},
		{"an accent stays with its letter", a48 + "e\u0301xyz", a48},
		{"two accents stay with their letter", strings.Repeat("a", 47) + "e\u0301\u0323xyz", strings.Repeat("a", 47)},
		{"a whole combined letter fits", strings.Repeat("a", 47) + "e\u0301xyz", strings.Repeat("a", 47) + "e\u0301"},
		{"trimmed after the cut", a48 + " bcd", a48},
		{"spaces inside the first 49", "  " + a48 + " bcd", a48},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CutName(tc.in)
			if got != tc.want {
				t.Errorf("CutName(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 49 {
				t.Errorf("CutName(%q) = %q: not valid UTF-8 of at most 49 characters", tc.in, got)
			}
		})
	}
}

// grp renders a group as its Name | Source | ACL name | ACL source.
func grp(g CiviGroup) string {
	return g.Name + " | " + g.Source + " | " + g.ACLName() + " | " + g.ACLSource()
}

// row renders a member as "group contact-or-email status".
func row(gs *GroupSync, mb Member) string {
	who := fmt.Sprint(gs.ContactID(mb))
	if gs.ContactID(mb) == 0 {
		who = gs.Email(mb)
	}
	return fmt.Sprintf("%s %s %s", gs.Groups[mb.Group].Name, who, mb.Status())
}

// aclRows are the ACL-group rows: the admins among the members, Added.
func aclRows(gs *GroupSync) []Member {
	var out []Member
	for _, mb := range gs.Members {
		if mb.Admin {
			mb.Added = true
			out = append(out, mb)
		}
	}
	return out
}

// GroupUser names a user in a group by OG id, for test tables.
type GroupUser struct {
	GID string
	UID int64
}

// tMembership is a membership as a test table writes it: by OG id or title.
type tMembership struct {
	GID, Title string
	UID        int64
	State      State
	Admin      bool
	Src
}

// ogSpec is OGData as a test table writes it; build registers the groups
// the way ExtractOG does (nodes, then roles, then memberships).
type ogSpec struct {
	Groups      []Group
	Memberships []tMembership
	Admins      map[GroupUser]Src
}

func (s ogSpec) build() *OGData {
	d := &OGData{Files: []string{"og.csv"}, byGID: map[int64]int32{}, byTitle: map[string]int32{}}
	gid := func(s string) int64 {
		n, _ := parseID(s)
		return n
	}
	for _, g := range s.Groups {
		i := d.group(gid(g.GID), g.Title, g.Src)
		d.Groups[i].Author, d.Groups[i].Node = g.Author, true
	}
	var admins []GroupUser
	for gu := range s.Admins {
		admins = append(admins, gu)
	}
	sort.Slice(admins, func(i, j int) bool {
		if admins[i].GID != admins[j].GID {
			return lessGID(admins[i].GID, admins[j].GID)
		}
		return admins[i].UID < admins[j].UID
	})
	for _, gu := range admins {
		d.RoleAdmins = append(d.RoleAdmins, RoleAdmin{Group: d.group(gid(gu.GID), "", s.Admins[gu]), UID: gu.UID, Src: s.Admins[gu]})
	}
	for _, m := range s.Memberships {
		g := d.group(gid(m.GID), m.Title, m.Src)
		d.addMembership(m.UID, g, m.State, m.Admin, 0, m.Line)
	}
	return d
}

func ms(gid string, uid int64, st State) tMembership {
	return tMembership{GID: gid, UID: uid, State: st, Src: Src{File: "og.csv", Line: int(uid) + 1}}
}

func admin(m tMembership) tMembership { m.Admin = true; return m }

func byTitle(title string, uid int64, st State) tMembership {
	return tMembership{Title: title, UID: uid, State: st, Src: Src{File: "og.csv", Line: int(uid) + 1}}
}

func TestSyncGroups(t *testing.T) {
	// Users 1..9 have contacts 101..109; user 20 is new (n20@x.org), user 21
	// too (a20@x.org, sorted before n20); user 30 has an invalid e-mail, 31
	// none; 40 shares user 1's e-mail.
	users := []User{usr(20, "n20@x.org"), usr(21, "a20@x.org"), usr(30, "nobody"), usr(31, ""), usr(40, "u1@x.org")}
	var contacts []Contact
	for i := int64(1); i <= 9; i++ {
		users = append(users, usr(i, fmt.Sprintf("u%d@x.org", i)))
		contacts = append(contacts, ind(100+i, fmt.Sprintf("u%d@x.org", i)))
	}
	m := MatchUsers(users, contacts, MatchOptions{Rule: RuleUnsupervised}, &Review{})

	tests := []struct {
		name    string
		og      ogSpec
		groups  []string
		members []string
		admins  []string
		review  []string
		left    map[string]int // by group name
	}{
		{
			name: "normal and ACL groups",
			og: ogSpec{
				Groups:      []Group{{GID: "7", Title: "  Choir  "}, {GID: "8", Title: strings.Repeat("x", 49) + "yz"}},
				Memberships: []tMembership{ms("7", 1, Active)},
			},
			groups: []string{
				"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:",
				strings.Repeat("x", 49) + " | OG Sync Group :8: | " + strings.Repeat("x", 49) + ": Administrator | OG Sync Group ACL :8:",
			},
			members: []string{"Choir 101 Added"},
		},
		{
			name: "colliding names: the later gid gets its id",
			og: ogSpec{
				Groups: []Group{{GID: "12", Title: "Choir"}, {GID: "3", Title: "choir "}, {GID: "5", Title: strings.Repeat("x", 49) + "1"},
					{GID: "40", Title: strings.Repeat("x", 49) + "2"}},
			},
			groups: []string{
				"choir | OG Sync Group :3: | choir: Administrator | OG Sync Group ACL :3:",
				strings.Repeat("x", 49) + " | OG Sync Group :5: | " + strings.Repeat("x", 49) + ": Administrator | OG Sync Group ACL :5:",
				"Choir (12) | OG Sync Group :12: | Choir (12): Administrator | OG Sync Group ACL :12:",
				strings.Repeat("x", 49) + " (40) | OG Sync Group :40: | " + strings.Repeat("x", 49) + " (40): Administrator | OG Sync Group ACL :40:",
			},
			review: []string{"group-name-collision 0", "group-name-collision 0"},
		},
		{
			name: "active is Added, pending Pending, blocked left out",
			og: ogSpec{
				Groups:      []Group{{GID: "7", Title: "Choir"}},
				Memberships: []tMembership{ms("7", 3, Blocked), ms("7", 2, Pending), ms("7", 1, Active)},
			},
			groups:  []string{"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:"},
			members: []string{"Choir 101 Added", "Choir 102 Pending"},
			review:  []string{"blocked-membership 3"},
			left:    map[string]int{"Choir": 1},
		},
		{
			name: "admins: is_admin, the administrator member role, the author",
			og: ogSpec{
				Groups: []Group{{GID: "7", Title: "Choir", Author: 5}, {GID: "8", Title: "Band", Author: 6}},
				Memberships: []tMembership{
					admin(ms("7", 1, Active)), // is_admin
					ms("7", 2, Pending),       // role, pending: Added
					ms("7", 3, Active),        // a plain member
					ms("8", 6, Pending),       // author, pending: Added
					admin(ms("8", 7, Pending)),
				},
				Admins: map[GroupUser]Src{
					{"7", 2}: {}, // with a membership
					{"7", 4}: {}, // with no membership row
				},
			},
			groups: []string{
				"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:",
				"Band | OG Sync Group :8: | Band: Administrator | OG Sync Group ACL :8:",
			},
			members: []string{
				"Choir 101 Added", "Choir 102 Added", "Choir 103 Added", "Choir 104 Added", "Choir 105 Added",
				"Band 106 Added", "Band 107 Added",
			},
			admins: []string{"Choir 101 Added", "Choir 102 Added", "Choir 104 Added", "Choir 105 Added", "Band 106 Added", "Band 107 Added"},
		},
		{
			name: "a blocked admin or author is left out",
			og: ogSpec{
				Groups:      []Group{{GID: "7", Title: "Choir", Author: 5}},
				Memberships: []tMembership{admin(ms("7", 1, Blocked)), ms("7", 5, Blocked), ms("7", 2, Blocked)},
				Admins:      map[GroupUser]Src{{"7", 2}: {}},
			},
			groups: []string{"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:"},
			review: []string{"blocked-membership 1", "blocked-membership 2", "blocked-membership 5"},
			left:   map[string]int{"Choir": 3},
		},
		{
			name: "the same contact twice in a group is one row, Added wins",
			og: ogSpec{
				Groups: []Group{{GID: "7", Title: "Choir"}},
				Memberships: []tMembership{
					ms("7", 2, Pending), ms("7", 2, Active), // the same user twice
					ms("7", 40, Pending), ms("7", 1, Pending), // users sharing contact 101
					ms("7", 3, Pending), ms("7", 3, Pending),
				},
			},
			groups:  []string{"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:"},
			members: []string{"Choir 101 Pending", "Choir 102 Added", "Choir 103 Pending"},
		},
		{
			name: "shared users' memberships go to the shared contact",
			og: ogSpec{
				Groups:      []Group{{GID: "7", Title: "Choir"}},
				Memberships: []tMembership{ms("7", 40, Active), admin(ms("7", 1, Pending))},
			},
			groups:  []string{"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:"},
			members: []string{"Choir 101 Added"},
			admins:  []string{"Choir 101 Added"},
		},
		{
			name: "unknown users and users with no contact are reviewed",
			og: ogSpec{
				Groups:      []Group{{GID: "7", Title: "Choir"}},
				Memberships: []tMembership{ms("7", 999, Active), ms("7", 30, Active), ms("7", 31, Active)},
				Admins:      map[GroupUser]Src{{"7", 998}: {}},
			},
			groups: []string{"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:"},
			review: []string{"no-contact 30", "no-contact 31", "unknown-user 998", "unknown-user 999"},
			left:   map[string]int{"Choir": 4},
		},
		{
			name: "a group without a title is Group <gid>",
			og: ogSpec{
				Groups:      []Group{{GID: "5", Title: ""}, {GID: "6", Title: ""}},
				Memberships: []tMembership{ms("9", 1, Active), ms("9", 2, Active), {GID: "6", Title: "Band", UID: 3, State: Active}},
			},
			groups: []string{
				"Group 5 | OG Sync Group :5: | Group 5: Administrator | OG Sync Group ACL :5:",
				"Band | OG Sync Group :6: | Band: Administrator | OG Sync Group ACL :6:",
				"Group 9 | OG Sync Group :9: | Group 9: Administrator | OG Sync Group ACL :9:",
			},
			members: []string{"Band 103 Added", "Group 9 101 Added", "Group 9 102 Added"},
			review:  []string{"unknown-group 0", "unknown-group 0"},
		},
		{
			name: "a membership naming its group by title",
			og: ogSpec{
				Groups: []Group{{GID: "7", Title: "Choir"}},
				Memberships: []tMembership{
					byTitle("CHOIR", 1, Active), byTitle("Choir", 2, Pending), byTitle("Band", 3, Active),
				},
				Admins: map[GroupUser]Src{{"7", 2}: {}},
			},
			groups: []string{
				"Choir | OG Sync Group :7: | Choir: Administrator | OG Sync Group ACL :7:",
				"Band |  | Band: Administrator | ",
			},
			members: []string{"Choir 101 Added", "Choir 102 Added", "Band 103 Added"},
			admins:  []string{"Choir 102 Added"},
			review:  []string{"no-group-id 0"},
		},
		{
			name: "rows by group id, then contact id, then new contacts in new_contacts order",
			og: ogSpec{
				Groups: []Group{{GID: "10", Title: "Ten"}, {GID: "9", Title: "Nine"}},
				Memberships: []tMembership{
					ms("10", 20, Active), ms("10", 9, Active), ms("10", 21, Active), ms("10", 2, Active),
					ms("9", 20, Pending), ms("9", 4, Active),
				},
			},
			groups: []string{
				"Nine | OG Sync Group :9: | Nine: Administrator | OG Sync Group ACL :9:",
				"Ten | OG Sync Group :10: | Ten: Administrator | OG Sync Group ACL :10:",
			},
			members: []string{"Nine 104 Added", "Nine n20@x.org Pending", "Ten 102 Added", "Ten 109 Added", "Ten n20@x.org Added", "Ten a20@x.org Added"},
		},
	}
	for _, tc := range tests {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d workers", tc.name, workers), func(t *testing.T) {
				withSyncWorkers(t, workers)
				rev := &Review{}
				og := tc.og.build()
				gs := SyncGroups(og, m, rev)
				var groups, members, admins []string
				for _, g := range gs.Groups {
					groups = append(groups, grp(g))
				}
				for _, mb := range gs.Members {
					members = append(members, row(gs, mb))
				}
				for _, mb := range aclRows(gs) {
					admins = append(admins, row(gs, mb))
				}
				if !reflect.DeepEqual(groups, tc.groups) {
					t.Errorf("groups:\n got %q\nwant %q", groups, tc.groups)
				}
				if !reflect.DeepEqual(members, tc.members) {
					t.Errorf("members:\n got %q\nwant %q", members, tc.members)
				}
				if !reflect.DeepEqual(admins, tc.admins) {
					t.Errorf("admins:\n got %q\nwant %q", admins, tc.admins)
				}
				want := tc.review
				if want == nil {
					want = []string{}
				}
				if got := reviewed(rev); !reflect.DeepEqual(got, want) {
					t.Errorf("review:\n got %q\nwant %q", got, want)
				}
				// Counts agree with the rows.
				for gi, c := range gs.Counts {
					n, a := 0, 0
					for _, mb := range gs.Members {
						if int(mb.Group) == gi {
							n++
							if mb.Admin {
								a++
							}
						}
					}
					if c.Members != n || c.Admins != a || c.Added+c.Pending != n || c.Title != gs.Groups[gi].Name {
						t.Errorf("counts of %q = %+v; rows: %d members, %d admins", gs.Groups[gi].Name, c, n, a)
					}
					if c.Left != tc.left[c.Title] {
						t.Errorf("%q left out %d, want %d", c.Title, c.Left, tc.left[c.Title])
					}
				}
				// Every user a membership row or an admin role names is in
				// the OG for SPEC §4, whatever the state; nobody else.
				inOG := make([]map[int64]bool, len(gs.Groups))
				for i := range inOG {
					inOG[i] = map[int64]bool{}
				}
				at := func(ogi int32) int {
					g := og.Groups[ogi]
					for i, cg := range gs.Groups {
						if cg.GID == g.GID && (g.GID != "" || cg.OGTitle == strings.TrimSpace(g.Title)) {
							return i
						}
					}
					t.Fatalf("group %+v not synced", g)
					return -1
				}
				for _, ms := range og.Memberships {
					inOG[at(ms.Group)][ms.UID] = true
				}
				for _, a := range og.admins() {
					inOG[at(a.Group)][a.UID] = true
				}
				gs.listUsers(slices.Repeat([]bool{true}, len(gs.Groups)))
				for g := range gs.Groups {
					for uid := range inOG[g] {
						if !gs.isMember(g, uid) {
							t.Errorf("user %d is not in %q", uid, gs.Groups[g].Name)
						}
					}
					if u := gs.uids[g]; len(u) != len(inOG[g]) || !slices.IsSorted(u) {
						t.Errorf("users of %q = %v, want the %d of %v", gs.Groups[g].Name, u, len(inOG[g]), inOG[g])
					}
				}
			})
		}
	}
}

// Contact ids next to firstNew leave no room to pack rows into numbers:
// rows are sorted as they are, in the same order.
func TestSyncGroupsHugeContactIDs(t *testing.T) {
	const huge = 1<<62 - 1
	users := []User{usr(1, "a@x.org"), usr(2, "b@x.org"), usr(3, "c@x.org"), usr(4, "")}
	contacts := []Contact{ind(5, "c@x.org"), ind(huge, "a@x.org")}
	m := MatchUsers(users, contacts, MatchOptions{Rule: RuleUnsupervised}, &Review{})
	if k := newNumberTable(m, 1); k.packs {
		t.Fatalf("contact %d and %d new: keys pack", int64(huge), len(m.New))
	}
	og := ogSpec{
		Groups: []Group{{GID: "7", Title: "Choir", Author: 2}},
		Memberships: []tMembership{ms("7", 2, Pending), ms("7", 1, Pending), ms("7", 4, Active), ms("7", 3, Blocked),
			ms("7", 3, Active), admin(ms("7", 1, Pending)), ms("7", 9, Active)},
	}.build()
	for _, workers := range []int{1, 3} {
		withSyncWorkers(t, workers)
		rev := &Review{}
		gs := SyncGroups(og, m, rev)
		var members []string
		for _, mb := range gs.Members {
			members = append(members, fmt.Sprintf("%s admin=%v", row(gs, mb), mb.Admin))
		}
		want := []string{"Choir 5 Added admin=false", fmt.Sprintf("Choir %d Added admin=true", int64(huge)), "Choir b@x.org Added admin=true"}
		if !reflect.DeepEqual(members, want) {
			t.Errorf("%d workers: members\n got %q\nwant %q", workers, members, want)
		}
		if got, want := reviewed(rev), []string{"blocked-membership 3", "no-contact 4", "unknown-user 9"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%d workers: review %q, want %q", workers, got, want)
		}
	}
}

// withSyncWorkers makes SyncGroups share its work among n workers, however
// small the input, until the test ends.
func withSyncWorkers(t testing.TB, n int) {
	old := syncWorkers
	syncWorkers = func(int) int { return n }
	t.Cleanup(func() { syncWorkers = old })
}

func TestGroupTypes(t *testing.T) {
	if GroupTypeMailing != "Mailing List" || GroupTypeACL != "Access Control" || ACLSuffix != ": Administrator" {
		t.Errorf("group types %q, %q, suffix %q", GroupTypeMailing, GroupTypeACL, ACLSuffix)
	}
}

func BenchmarkSyncGroups(b *testing.B) {
	const nUsers, nGroups, nMemberships = 100_000, 1_000, 300_000
	users, contacts := benchData(nUsers)
	m := MatchUsers(users, contacts, MatchOptions{Rule: RuleUnsupervised}, &Review{})
	spec := ogSpec{Admins: map[GroupUser]Src{}}
	for g := 1; g <= nGroups; g++ {
		spec.Groups = append(spec.Groups, Group{GID: fmt.Sprint(g), Title: fmt.Sprintf("Group number %d", g%900), Author: int64(g * 7 % nUsers)})
	}
	for i := 0; i < nMemberships; i++ {
		mb := tMembership{GID: fmt.Sprint(i%nGroups + 1), UID: int64(i*7919%nUsers + 1), State: State(i%10/8 + 1)}
		if i%97 == 0 {
			mb.State = Blocked
		}
		mb.Admin = i%50 == 0
		spec.Memberships = append(spec.Memberships, mb)
		if i%200 == 0 {
			spec.Admins[GroupUser{mb.GID, int64(i%nUsers + 1)}] = Src{}
		}
	}
	og := spec.build()
	b.ReportAllocs()
	for b.Loop() {
		SyncGroups(og, m, &Review{})
	}
}
