package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

const maxUsername = 56 // Drupal allows 60; room for " 99"

// ToOG lists the contacts who are in a CiviCRM group named like an OG's
// normal group but whose person is not in that OG in any state (SPEC §4).
func ToOG(contacts []Contact, users []User, m *Matching, gs *GroupSync) []OGImportRow {
	if len(gs.Groups) == 0 {
		return nil
	}
	// The CiviCRM group titles that stand for each OG.
	groupByTitle := map[string]int{}
	for i, g := range gs.Groups {
		for _, t := range []string{g.Name, g.OGTitle} {
			if _, ok := groupByTitle[foldTitle(t)]; !ok {
				groupByTitle[foldTitle(t)] = i
			}
		}
	}
	// A person's accounts: linked through the sync, or with the same e-mail.
	accountsOfContact := map[int64][]int64{}
	for _, l := range m.Links {
		if l.ContactID != 0 {
			accountsOfContact[l.ContactID] = append(accountsOfContact[l.ContactID], l.UID)
		}
	}
	usersByKey := map[string][]int{}
	usernames := map[string]bool{}
	byUID := make(map[int64]int, len(users))
	for i, u := range users {
		if _, dup := byUID[u.UID]; !dup {
			byUID[u.UID] = i // a repeated uid: the first row wins, as in MatchUsers
		}
		if u.Email != "" {
			k := EmailKey(u.Email)
			usersByKey[k] = append(usersByKey[k], i)
		}
		if u.Username != "" {
			usernames[strings.ToLower(u.Username)] = true
		}
	}

	// Usernames are made in ascending contact id.
	order := make([]int, len(contacts))
	for i := range order {
		order[i] = i
	}
	if !sort.SliceIsSorted(contacts, func(i, j int) bool { return contacts[i].ID < contacts[j].ID }) {
		sort.SliceStable(order, func(i, j int) bool { return contacts[order[i]].ID < contacts[order[j]].ID })
	}
	var rows []OGImportRow
	for _, ci := range order {
		c := &contacts[ci]
		email := c.Primary
		if email == "" && len(c.Others) > 0 {
			email = c.Others[0]
		}
		if !c.IsIndividual() || c.Deleted || email == "" {
			continue
		}
		groups := contactGroups(c, groupByTitle)
		if len(groups) == 0 {
			continue
		}
		accounts := append([]int64(nil), accountsOfContact[c.ID]...)
		if c.UFID != 0 { // linked, though the user may not have been checked (no e-mail, --skip-blocked)
			accounts = append(accounts, c.UFID)
		}
		for _, e := range append([]string{c.Primary}, c.Others...) {
			if e == "" {
				continue
			}
			for _, ui := range usersByKey[EmailKey(e)] {
				accounts = append(accounts, users[ui].UID)
			}
		}
		sort.Slice(accounts, func(i, j int) bool { return accounts[i] < accounts[j] })
		username := ""
		for _, uid := range accounts {
			if ui, ok := byUID[uid]; ok && users[ui].Username != "" {
				username = users[ui].Username
				break
			}
		}
		for _, gi := range groups {
			member := false
			for _, uid := range accounts {
				if gs.memberOf[gi][uid] {
					member = true
					break
				}
			}
			if member {
				continue
			}
			if username == "" {
				username = uniqueUsername(MakeUsername(c.First, c.Last, email), usernames)
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

// MakeUsername builds a Drupal username from First Last: only letters,
// digits, space and . _ - ' @ are kept, spaces collapsed, cut to 56
// characters; with nothing left, the e-mail's local part.
func MakeUsername(first, last, email string) string {
	name := cleanUsername(first + " " + last)
	if name == "" {
		local, _, _ := strings.Cut(strings.TrimSpace(email), "@")
		name = cleanUsername(local)
	}
	if name == "" {
		name = "user"
	}
	return name
}

func cleanUsername(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		case r == '.', r == '_', r == '-', r == '\'', r == '@':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if utf8.RuneCountInString(out) > maxUsername {
		out = strings.TrimSpace(string([]rune(out)[:maxUsername]))
	}
	return out
}

// uniqueUsername appends " 2", " 3" ... until the name is free (Drupal
// compares usernames without regard to case) and takes it.
func uniqueUsername(name string, taken map[string]bool) string {
	cand := name
	for n := 2; taken[strings.ToLower(cand)]; n++ {
		cand = fmt.Sprintf("%s %d", name, n)
	}
	taken[strings.ToLower(cand)] = true
	return cand
}
