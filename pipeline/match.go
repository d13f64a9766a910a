package pipeline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/civisync/civisync/pipeline/internal/dense"
	"github.com/civisync/civisync/pipeline/internal/mem"
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
// contact of another user (shared), or none. It holds no pointer and is
// kept small: a large site has millions.
type Link struct {
	UID       int64
	ContactID int64
	User      int32 // index into Matching.Users
	New       int32
	Score     int32
	kind      matchKind
}

// Match is the Match column: how the user reached its contact.
func (l Link) Match() string { return matchNames[l.kind] }

// matchKind numbers the Match column's words.
type matchKind uint8

const (
	kindUnset matchKind = iota
	kindLinked
	kindEmail
	kindNew
	kindShared
	kindNone
	kindSupervised
)

var matchNames = [...]string{kindUnset: "", kindLinked: MatchLinked, kindEmail: MatchEmail, kindNew: MatchNew,
	kindShared: MatchShared, kindNone: MatchNone, kindSupervised: RuleSupervised}

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
	byUID   dense.Index[int32] // uid -> index into Links
	Checked int                // users with uid > 0 and an e-mail
	Found   int                // users linked to an existing contact
	Created int                // new contacts
	Skipped int                // users given no contact of their own

	// Users is the users export by uid, each uid once.
	Users []User
	uids  []int64 // every uid of the users export, ascending
}

// ContactOf says how uid reaches CiviCRM: an existing contact id, or the
// e-mail of a contact to be created. ok is false when the user has none.
func (m *Matching) ContactOf(uid int64) (cid int64, newEmail string, ok bool) {
	key, ok := m.keyOf(uid)
	switch {
	case !ok:
		return 0, "", false
	case key >= newKey:
		return 0, m.New[key-newKey].Email, true
	}
	return key, "", true
}

// keyOf is ContactOf as one number: a contact id, or newKey + the index of
// a new contact (see Member).
func (m *Matching) keyOf(uid int64) (int64, bool) {
	i, found := m.byUID.Get(uid)
	if !found {
		return 0, false
	}
	l := &m.Links[i]
	switch {
	case l.ContactID != 0:
		return l.ContactID, true
	case l.New > 0:
		return newKey + int64(l.New-1), true
	}
	return 0, false
}

// LinkOf returns the index in Links of uid's link.
func (m *Matching) LinkOf(uid int64) (int, bool) {
	i, ok := m.byUID.Get(uid)
	return int(i), ok
}

// known reports whether the users export has uid.
func (m *Matching) known(uid int64) bool {
	_, ok := slices.BinarySearch(m.uids, uid)
	return ok
}

// MatchUsers links users to contacts as CiviCRM's synchronizeUFMatch does
// (SPEC §2), one user at a time in ascending uid. contacts must be sorted by id.
func MatchUsers(users []User, contacts []Contact, opt MatchOptions, rev *Review) *Matching {
	uk := newUserKeys(users, rev)
	l := oneList(contacts)
	return matchUsers(uk, &l, newEmailIndex(&l, uk), opt, rev)
}

// matchUsers is MatchUsers with the users' keys and the e-mail index
// already built (Transform builds them while other files are still being
// read). contacts may leave out contacts that do not matter to uk.
func matchUsers(uk *userKeys, contacts *contactList, byKey *emailIndex, opt MatchOptions, rev *Review) *Matching {
	users := uk.users
	m := &Matching{Users: users, uids: make([]int64, 0, len(users)), Links: make([]Link, 0, len(users)),
		New: make([]NewContact, 0, byKey.unmatched())}
	for i := range users {
		if users[i].UID > 0 {
			m.uids = append(m.uids, users[i].UID)
		}
	}
	m.byUID = dense.New[int32](m.uids)
	// The export's uf_match links: step 2, and step 4's "already linked".
	linkedUser := make([]int64, contacts.n) // contact -> the user it is linked to, 0 if none
	contactOfUF := dense.New[int32](m.uids) // uid -> its linked contact
	contacts.each(func(i int32, c *Contact) {
		if c.UFID == 0 {
			return
		}
		if prev, dup := contactOfUF.Get(c.UFID); dup {
			rev.Add(KindLinkConflict, c.Src, c.UFID, c.ID, fmt.Sprintf("user is already linked to contact %d; this link is ignored", contacts.at(prev).ID))
			return
		}
		contactOfUF.Set(c.UFID, i)
		linkedUser[i] = c.UFID
	})
	threshold := threshold(opt.Rule)
	var cands []candidate
	var taken, mismatch []int64
	var warm warmer
	for ui := range users {
		if ui%warmBlock == 0 {
			warm.touch(uk.of[ui:min(ui+warmBlock, len(users))], byKey, contacts, linkedUser)
		}
		u := &users[ui]
		// Step 1: users with an id and an e-mail are checked; blocked ones
		// too, unless told.
		if u.UID <= 0 {
			continue // the anonymous user
		}
		if opt.SkipBlocked && u.Blocked {
			rev.Add(KindBlockedUser, u.Src, u.UID, 0, "blocked user left out (--skip-blocked)")
			continue
		}
		e := uk.of[ui]
		if e == keyNone {
			rev.Add(KindNoEmail, u.Src, u.UID, 0, "user has no e-mail; CiviCRM checks only users with one")
			continue
		}
		m.Checked++
		li := int32(len(m.Links))
		m.byUID.Set(u.UID, li)
		m.Links = append(m.Links, Link{UID: u.UID, User: int32(ui)})
		l := &m.Links[li]

		// Step 2: an existing link.
		if ci, ok := contactOfUF.Get(u.UID); ok {
			c := contacts.at(ci)
			l.ContactID, l.kind = c.ID, kindLinked
			m.Found++
			if c.Deleted {
				rev.Add(KindLinkedContactDeleted, u.Src, u.UID, c.ID, "the user's linked contact is in the trash")
			}
			if e >= 0 {
				if k := &byKey.keys[e]; k.owner < 0 {
					k.owner = li
				}
			}
			continue
		}
		// Step 7: an address without @ gets no contact.
		if e == keyInvalid {
			l.kind = kindNone
			m.Skipped++
			rev.Add(KindInvalidEmail, u.Src, u.UID, 0, fmt.Sprintf("e-mail %q has no @; no contact is made", u.Email))
			continue
		}
		// Step 5: a lower uid with the same e-mail has the contact.
		if owner := byKey.keys[e].owner; owner >= 0 {
			o := &m.Links[owner]
			l.ContactID, l.New, l.kind = o.ContactID, o.New, kindShared
			m.Skipped++
			rev.Add(KindDuplicateEmail, u.Src, u.UID, o.ContactID,
				fmt.Sprintf("same e-mail as user %d, who has the contact; this user gets no contact of its own", o.UID))
			continue
		}
		byKey.keys[e].owner = li
		// Steps 3 and 4: the best candidate not linked to another user.
		cands = byKey.candidates(e, cands)
		best, score := int32(-1), 0
		taken, mismatch = taken[:0], mismatch[:0]
		for _, c := range cands {
			cc := contacts.at(c.contact)
			s := ruleScore(opt.Rule, cc, u.First, u.Last)
			if s < threshold {
				mismatch = append(mismatch, cc.ID)
				continue
			}
			if linkedUser[c.contact] != 0 { // CRM-9091
				taken = append(taken, cc.ID)
				continue
			}
			if best < 0 || s > score {
				best, score = c.contact, s
			}
		}
		if best >= 0 {
			l.ContactID, l.Score, l.kind = contacts.at(best).ID, int32(score), kindEmail
			if opt.Rule == RuleSupervised {
				l.kind = kindSupervised
			}
			linkedUser[best] = u.UID
			m.Found++
			continue
		}
		// Step 6: a new Individual, named from the export's names only.
		m.New = append(m.New, NewContact{UID: u.UID, First: u.First, Last: u.Last, Email: u.Email, ExternalID: externalID(opt.ExternalIDPrefix, u.UID)})
		l.New, l.kind = int32(len(m.New)), kindNew
		m.Created++
		if len(taken) > 0 {
			rev.Add(KindContactLinkedElsewhere, u.Src, u.UID, taken[0],
				fmt.Sprintf("contact %s with this e-mail is linked to another user; a new contact is made", joinIDs(taken)))
		} else if len(mismatch) > 0 {
			rev.Add(KindNameMismatch, u.Src, u.UID, mismatch[0],
				fmt.Sprintf("contact %s has this e-mail but not the user's first and last name (rule %s); a new contact is made", joinIDs(mismatch), opt.Rule))
		}
	}
	return m
}

// warmBlock is how many users warmer looks ahead at.
const warmBlock = 256

// warmer fetches what matching a block of users reads at random: their
// keys' index entries, first candidates and those contacts. One load after
// another, as the match loop makes them, each waits for memory; the same
// loads in tight loops, stage by stage, are in flight together. It changes
// nothing but what is in the cache.
type warmer struct {
	first [warmBlock]int32
	sum   int64
}

func (w *warmer) touch(keys []int32, ix *emailIndex, contacts *contactList, linkedUser []int64) {
	for i, e := range keys {
		w.first[i] = -1
		if e >= 0 {
			w.first[i] = ix.keys[e].first
		}
	}
	for i := range keys {
		if f := w.first[i]; f >= 0 {
			w.first[i] = ix.cands[f].contact
		}
	}
	for i := range keys {
		if c := w.first[i]; c >= 0 {
			cc := contacts.at(c)
			w.sum += cc.ID + linkedUser[c] + int64(len(cc.First))
		}
	}
	mem.Keep(w.sum)
}

// sortUsers returns users by uid without repeated uids (the first row
// wins). The caller's slice is left as it was; an export already in order,
// the usual case, is used as it is.
func sortUsers(users []User, rev *Review) []User {
	sorted := true
	for i := 1; i < len(users) && sorted; i++ {
		sorted = users[i-1].UID < users[i].UID
	}
	if sorted {
		return users
	}
	idx := make([]int32, len(users))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(users[a].UID, users[b].UID) })
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
