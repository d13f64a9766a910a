package pipeline

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Dedupe rules (--rule).
const (
	// RuleUnsupervised is CiviCRM's "Email (reserved)": email 10, threshold 10.
	RuleUnsupervised = "unsupervised"
	// RuleSupervised is CiviCRM's "Name and Email (reserved)": first name 5,
	// last name 7, email 10, threshold 20.
	RuleSupervised = "supervised"
)

// Rules lists the rules --rule accepts.
var Rules = []string{RuleUnsupervised, RuleSupervised}

// Match kinds: the Match column of user_contacts.csv.
const (
	MatchLinked = "linked" // an existing uf_match link
	MatchEmail  = "email"  // unsupervised rule on e-mail
	MatchNew    = "new"    // a new contact
	MatchShared = "shared" // another user with the same e-mail has the contact
	MatchNone   = "none"   // no contact (invalid e-mail)
)

// MatchOptions steer the users-to-contacts sync.
type MatchOptions struct {
	Rule             string
	SkipBlocked      bool
	ExternalIDPrefix string
}

// Link is one checked user and the contact it ends with: an existing
// contact (ContactID), a new one (New > 0, 1-based into Matching.New), the
// contact of another user (shared), or none.
type Link struct {
	UID       int64
	Username  string
	Email     string
	ContactID int64
	New       int
	Match     string
	Score     int
	Src
}

// NewContact is a contact to create with CiviCRM's Import Contacts.
type NewContact struct {
	UID        int64
	First      string
	Last       string
	Email      string
	ExternalID string
}

// Matching is the outcome of the users-to-contacts sync.
type Matching struct {
	Links   []Link // checked users, ascending uid
	New     []NewContact
	ByUID   map[int64]int  // uid -> index into Links
	Known   map[int64]bool // every uid of the users export
	Checked int            // users with uid > 0 and an e-mail
	Found   int            // users linked to an existing contact
	Created int            // new contacts
	Skipped int            // users given no contact of their own

	newByKey map[string]string
}

// ContactOf says how uid reaches CiviCRM: an existing contact id, or the
// e-mail of a contact to be created. ok is false when the user has none.
func (m *Matching) ContactOf(uid int64) (cid int64, newEmail string, ok bool) {
	i, found := m.ByUID[uid]
	if !found {
		return 0, "", false
	}
	l := m.Links[i]
	switch {
	case l.ContactID != 0:
		return l.ContactID, "", true
	case l.New > 0:
		return 0, m.New[l.New-1].Email, true
	}
	return 0, "", false
}

type candidate struct {
	idx     int32 // into contacts
	primary bool  // the matching e-mail is the contact's primary
}

// MatchUsers links users to contacts as CiviCRM's synchronizeUFMatch does
// (SPEC §2). contacts must be sorted by id.
func MatchUsers(users []User, contacts []Contact, opt MatchOptions, rev *Review) *Matching {
	users = sortUsers(users, rev)
	m := &Matching{ByUID: make(map[int64]int, len(users)), Known: make(map[int64]bool, len(users))}
	for _, u := range users {
		if u.UID > 0 {
			m.Known[u.UID] = true
		}
	}

	// Step 3's index: every e-mail of every non-deleted Individual.
	byKey := make(map[string][]candidate, len(contacts))
	for i := range contacts {
		c := &contacts[i]
		if !c.IsIndividual() || c.Deleted {
			continue
		}
		if c.Primary != "" {
			k := EmailKey(c.Primary)
			byKey[k] = append(byKey[k], candidate{int32(i), true})
		}
		for _, e := range c.Others {
			k := EmailKey(e)
			// This contact's entries are appended together: if it is
			// already a candidate for k, it is the last one.
			if cs := byKey[k]; len(cs) == 0 || cs[len(cs)-1].idx != int32(i) {
				byKey[k] = append(byKey[k], candidate{int32(i), false})
			}
		}
	}
	// Step 2 and step 4's "already linked": the export's uf_match links.
	linkedUser := make(map[int32]int64)  // contact -> the user it is linked to
	contactOfUF := make(map[int64]int32) // uid -> its linked contact
	for i := range contacts {
		c := &contacts[i]
		if c.UFID == 0 {
			continue
		}
		if prev, dup := contactOfUF[c.UFID]; dup {
			rev.Add(KindLinkConflict, c.Src, c.UFID, c.ID, fmt.Sprintf("user is already linked to contact %d; this link is ignored", contacts[prev].ID))
			continue
		}
		contactOfUF[c.UFID] = int32(i)
		linkedUser[int32(i)] = c.UFID
	}

	// Step 1: who is checked. Step 2: existing links. A linked user's e-mail
	// is taken by that user before anyone else's turn, as its uf_name is
	// already in civicrm_uf_match.
	keyOwner := map[string]int{} // e-mail key -> index into m.Links
	type pending struct{ key, first, last string }
	keys := make([]pending, 0, len(users))
	for _, u := range users {
		if u.UID <= 0 {
			continue // the anonymous user
		}
		if opt.SkipBlocked && u.Blocked {
			rev.Add(KindBlockedUser, u.Src, u.UID, 0, "blocked user left out (--skip-blocked)")
			continue
		}
		key := EmailKey(u.Email)
		if key == "" {
			rev.Add(KindNoEmail, u.Src, u.UID, 0, "user has no e-mail; CiviCRM checks only users with one")
			continue
		}
		m.Checked++
		l := Link{UID: u.UID, Username: u.Username, Email: u.Email, Src: u.Src}
		if ci, ok := contactOfUF[u.UID]; ok {
			c := &contacts[ci]
			l.ContactID, l.Match = c.ID, MatchLinked
			m.Found++
			if c.Deleted {
				rev.Add(KindLinkedContactDeleted, u.Src, u.UID, c.ID, "the user's linked contact is in the trash")
			}
			if _, taken := keyOwner[key]; !taken && validEmail(key) {
				keyOwner[key] = len(m.Links)
			}
		}
		m.ByUID[u.UID] = len(m.Links)
		m.Links = append(m.Links, l)
		keys = append(keys, pending{key, u.First, u.Last})
	}

	// Steps 3 to 7 for every user without a link, in ascending uid.
	for i := range m.Links {
		l := &m.Links[i]
		if l.Match == MatchLinked {
			continue
		}
		key, first, last := keys[i].key, keys[i].first, keys[i].last
		if !validEmail(key) { // step 7
			l.Match = MatchNone
			m.Skipped++
			rev.Add(KindInvalidEmail, l.Src, l.UID, 0, fmt.Sprintf("e-mail %q has no @; no contact is made", l.Email))
			continue
		}
		if owner, ok := keyOwner[key]; ok { // step 5
			o := &m.Links[owner]
			l.ContactID, l.New, l.Match = o.ContactID, o.New, MatchShared
			m.Skipped++
			rev.Add(KindDuplicateEmail, l.Src, l.UID, o.ContactID,
				fmt.Sprintf("same e-mail as user %d, who has the contact; this user gets no contact of its own", o.UID))
			continue
		}
		keyOwner[key] = i
		cands := byKey[key]
		sortCandidates(cands, contacts)
		best, score, taken, mismatch := -1, 0, []int64(nil), []int64(nil)
		for _, c := range cands {
			s := ruleScore(opt.Rule, &contacts[c.idx], first, last)
			if s < threshold(opt.Rule) {
				mismatch = append(mismatch, contacts[c.idx].ID)
				continue
			}
			if _, linked := linkedUser[c.idx]; linked { // step 4, CRM-9091
				taken = append(taken, contacts[c.idx].ID)
				continue
			}
			if best < 0 || s > score {
				best, score = int(c.idx), s
			}
			if opt.Rule == RuleUnsupervised {
				break // the order of cands already says which wins
			}
		}
		if best >= 0 { // step 3
			c := &contacts[best]
			l.ContactID, l.Score = c.ID, score
			l.Match = MatchEmail
			if opt.Rule != RuleUnsupervised {
				l.Match = opt.Rule
			}
			linkedUser[int32(best)] = l.UID
			m.Found++
			continue
		}
		// Step 6: a new Individual, named from the export's names only.
		m.New = append(m.New, NewContact{UID: l.UID, First: first, Last: last, Email: l.Email, ExternalID: externalID(opt.ExternalIDPrefix, l.UID)})
		l.New, l.Match = len(m.New), MatchNew
		m.Created++
		if len(taken) > 0 {
			rev.Add(KindContactLinkedElsewhere, l.Src, l.UID, taken[0],
				fmt.Sprintf("contact %s with this e-mail is linked to another user; a new contact is made", joinIDs(taken)))
		}
		if len(mismatch) > 0 && len(taken) == 0 {
			rev.Add(KindNameMismatch, l.Src, l.UID, mismatch[0],
				fmt.Sprintf("contact %s has this e-mail but not the user's first and last name (rule %s); a new contact is made", joinIDs(mismatch), opt.Rule))
		}
	}
	return m
}

// sortUsers returns users by uid without repeated uids (the first row
// wins); the caller's slice is left as it was.
func sortUsers(users []User, rev *Review) []User {
	idx := make([]int, len(users))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(users[a].UID, users[b].UID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	out := make([]User, 0, len(users))
	for k, i := range idx {
		u := users[i]
		if k > 0 && u.UID == users[idx[k-1]].UID {
			rev.Add(KindDuplicateUser, u.Src, u.UID, 0, "user id appears again; this row is ignored")
			continue
		}
		out = append(out, u)
	}
	return out
}

// sortCandidates: the contact whose matching e-mail is its primary first,
// then the lowest contact id.
func sortCandidates(cs []candidate, contacts []Contact) {
	if len(cs) < 2 {
		return
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].primary != cs[j].primary {
			return cs[i].primary
		}
		return contacts[cs[i].idx].ID < contacts[cs[j].idx].ID
	})
}

func threshold(rule string) int {
	if rule == RuleSupervised {
		return 20
	}
	return 10
}

// ruleScore is the dedupe rule's weight sum for a contact that shares the
// user's e-mail.
func ruleScore(rule string, c *Contact, first, last string) int {
	score := 10
	if rule == RuleSupervised {
		if first != "" && strings.EqualFold(first, c.First) {
			score += 5
		}
		if last != "" && strings.EqualFold(last, c.Last) {
			score += 7
		}
	}
	return score
}

func validEmail(key string) bool { return strings.Contains(key, "@") }

func externalID(prefix string, uid int64) string {
	if prefix == "" {
		return ""
	}
	return fmt.Sprintf("%s%d", prefix, uid)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}
