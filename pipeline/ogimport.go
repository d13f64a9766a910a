package pipeline

import (
	"slices"
	"sort"
	"strings"
	"unicode"
)

// OGImportRow is one contact to add to one Organic Group with user_import_og.
type OGImportRow struct {
	Group     int // index into GroupSync.Groups
	Email     string
	First     string
	Last      string
	Username  string
	ContactID int64
}

// ToOG lists the contacts who are in a CiviCRM group named like an OG's
// normal group but whose person is not in that OG in any state (SPEC §4).
// A person's accounts are the users linked to the contact and the users
// with any of its e-mails; where there is one, the row carries its e-mail
// and username, since user_import finds existing accounts by e-mail.
// Otherwise it carries the contact's e-mail and the username user_import
// would make (UserImportUsername), unique among the site's and the run's,
// made in ascending contact id.
func ToOG(contacts []Contact, users []User, m *Matching, gs *GroupSync) []OGImportRow {
	defer gs.letGo() // nothing asks after this
	if len(gs.Groups) == 0 {
		return nil
	}
	if m.Users != nil {
		users = m.Users // by uid, each uid once, as matched
	}
	want := wantedContacts(contacts, gs)
	if len(want) == 0 {
		return nil
	}
	need := make([]bool, len(gs.Groups))
	for _, w := range want {
		for _, gi := range w.groups {
			need[gi] = true
		}
	}
	gs.listUsers(need)
	acc := newAccounts(want, m, users)
	var rows []OGImportRow
	for _, w := range want {
		c, accounts := w.c, acc.of(w)
		email, username := w.email, ""
		account := acc.found(accounts)
		if account != nil {
			email, username = strings.TrimFunc(account.Email, unicode.IsSpace), account.Username
		}
		for _, gi := range w.groups {
			if slices.ContainsFunc(accounts, func(uid int64) bool { return gs.isMember(gi, uid) }) {
				continue
			}
			if account == nil && username == "" {
				username = acc.taken().Take(UserImportUsername(c.First, c.Last, w.email))
			}
			rows = append(rows, OGImportRow{Group: gi, Email: email, First: c.First, Last: c.Last, Username: username, ContactID: c.ID})
			gs.Counts[gi].AddToOG++
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Group != rows[j].Group {
			return rows[i].Group < rows[j].Group
		}
		return rows[i].ContactID < rows[j].ContactID
	})
	return rows
}

// wanted is a contact in CiviCRM groups named like OGs.
type wanted struct {
	c      *Contact
	email  string   // the primary e-mail, or the first other one
	keys   []string // the contact's e-mail keys
	groups []int
}

// wantedContacts finds the contacts that matter to ToOG, the Individuals
// with an e-mail in a group named like an OG, in ascending contact id (the
// order usernames are made in): a site whose contacts are in no such
// group costs one pass.
func wantedContacts(contacts []Contact, gs *GroupSync) []wanted {
	order := make([]int, len(contacts))
	for i := range order {
		order[i] = i
	}
	if !sort.SliceIsSorted(contacts, func(i, j int) bool { return contacts[i].ID < contacts[j].ID }) {
		sort.SliceStable(order, func(i, j int) bool { return contacts[order[i]].ID < contacts[order[j]].ID })
	}
	// The CiviCRM groups that stand for each OG: its normal group's title
	// and name.
	groupByTitle := map[string]int{}
	for i := range gs.Groups {
		g := &gs.Groups[i]
		for _, t := range []string{g.Title(), g.Name} {
			if _, ok := groupByTitle[foldTitle(t)]; !ok {
				groupByTitle[foldTitle(t)] = i
			}
		}
	}
	var want []wanted
	for _, ci := range order {
		c := &contacts[ci]
		emails := c.emails()
		if !c.IsIndividual() || c.Deleted || len(emails) == 0 || !c.inGroups() {
			continue
		}
		if groups := contactGroups(c, groupByTitle); len(groups) > 0 {
			w := wanted{c: c, email: strings.TrimFunc(emails[0], unicode.IsSpace), groups: groups}
			for _, e := range emails {
				w.keys = append(w.keys, EmailKey(e))
			}
			want = append(want, w)
		}
	}
	return want
}

// accounts finds a wanted contact's user accounts: linked through the
// sync, or with the same e-mail.
type accounts struct {
	users     []User // by uid
	ofContact map[int64][]int64
	byKey     map[string][]int64
	usernames Usernames // every username taken, gathered when first needed
}

func newAccounts(want []wanted, m *Matching, users []User) *accounts {
	wantID, wantKey := map[int64]bool{}, map[string]bool{}
	for _, w := range want {
		wantID[w.c.ID] = true
		for _, k := range w.keys {
			wantKey[k] = true
		}
	}
	a := &accounts{users: users, ofContact: map[int64][]int64{}, byKey: map[string][]int64{}}
	for _, l := range m.Links {
		if l.ContactID != 0 && wantID[l.ContactID] {
			a.ofContact[l.ContactID] = append(a.ofContact[l.ContactID], l.UID)
		}
	}
	for _, u := range users {
		if u.Email != "" {
			if k := EmailKey(u.Email); wantKey[k] {
				a.byKey[k] = append(a.byKey[k], u.UID)
			}
		}
	}
	return a
}

// of lists w's accounts, ascending, each once.
func (a *accounts) of(w wanted) []int64 {
	c := w.c
	accounts := append([]int64(nil), a.ofContact[c.ID]...)
	if c.UFID != 0 { // linked, though the user may not have been checked (no e-mail, --skip-blocked)
		accounts = append(accounts, c.UFID)
	}
	for _, k := range w.keys {
		accounts = append(accounts, a.byKey[k]...)
	}
	slices.Sort(accounts)
	return slices.Compact(accounts)
}

// found is the account user_import will find for the person: the lowest
// uid of accounts that the users export gives an e-mail; nil if none.
func (a *accounts) found(accounts []int64) *User {
	for _, uid := range accounts {
		i := sort.Search(len(a.users), func(i int) bool { return a.users[i].UID >= uid })
		if i < len(a.users) && a.users[i].UID == uid && strings.TrimFunc(a.users[i].Email, unicode.IsSpace) != "" {
			return &a.users[i]
		}
	}
	return nil
}

// taken is every username taken on the site and, as they are made, in the run.
func (a *accounts) taken() Usernames {
	if a.usernames == nil {
		a.usernames = make(Usernames, len(a.users))
		for _, u := range a.users {
			a.usernames.Reserve(u.Username)
		}
	}
	return a.usernames
}

func foldTitle(t string) string {
	return strings.ToLower(strings.TrimFunc(t, unicode.IsSpace))
}

// contactGroups finds which OGs a contact's groups stand for. The Groups
// column is comma-separated but a title may hold a comma, so the longest run
// of pieces that names a known group wins.
func contactGroups(c *Contact, groupByTitle map[string]int) []int {
	seen := map[int]bool{}
	var out []int
	addTitle := func(t string) bool {
		gi, ok := groupByTitle[foldTitle(t)]
		if ok && !seen[gi] {
			seen[gi] = true
			out = append(out, gi)
		}
		return ok
	}
	for _, t := range c.Groups {
		addTitle(t)
	}
	if c.GroupsRaw != "" {
		pieces := strings.Split(c.GroupsRaw, ",")
		for i := 0; i < len(pieces); {
			took := 1
			for j := len(pieces); j > i+1; j-- {
				if _, ok := groupByTitle[foldTitle(strings.Join(pieces[i:j], ","))]; ok {
					took = j - i
					break
				}
			}
			addTitle(strings.Join(pieces[i:i+took], ","))
			i += took
		}
	}
	sort.Ints(out)
	return out
}
