package pipeline

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
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
	User      int32 // index into Matching.Users
	New       int32
	ContactID int64
	Match     string
	Score     int
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
	byUID   uidIndex // uid -> index into Links
	Checked int      // users with uid > 0 and an e-mail
	Found   int      // users linked to an existing contact
	Created int      // new contacts
	Skipped int      // users given no contact of their own

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
	i, found := m.byUID.get(uid)
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
	i, ok := m.byUID.get(uid)
	return int(i), ok
}

// uidIndex maps user ids to small numbers. CMS user ids are nearly
// dense, so a slice indexed by uid does it with one memory access; sparse
// ids fall back to a map.
type uidIndex struct {
	min   int64
	dense []int32 // index+1; 0 = absent
	m     map[int64]int32
}

func newUIDIndex(uids []int64) uidIndex {
	if len(uids) == 0 {
		return uidIndex{}
	}
	lo, hi := uids[0], uids[0]
	for _, u := range uids {
		lo, hi = min(lo, u), max(hi, u)
	}
	if span := hi - lo + 1; span <= 4*int64(len(uids))+1024 {
		return uidIndex{min: lo, dense: make([]int32, span)}
	}
	return uidIndex{m: make(map[int64]int32, len(uids))}
}

func (x *uidIndex) set(uid int64, i int32) {
	if x.m != nil {
		x.m[uid] = i
		return
	}
	x.dense[uid-x.min] = i + 1
}

func (x *uidIndex) get(uid int64) (int32, bool) {
	if x.m != nil {
		i, ok := x.m[uid]
		return i, ok
	}
	if d := uid - x.min; d >= 0 && d < int64(len(x.dense)) && x.dense[d] != 0 {
		return x.dense[d] - 1, true
	}
	return 0, false
}

// known reports whether the users export has uid.
func (m *Matching) known(uid int64) bool {
	_, ok := slices.BinarySearch(m.uids, uid)
	return ok
}

// userKeys is the users' side of the e-mail index: the users by uid and
// each one's e-mail key, numbered once per distinct key. Only these keys are
// ever looked up, so a contact whose e-mails are none of them can never be
// matched: contacts can be sifted against userKeys as they are read.
type userKeys struct {
	users  []User           // by uid, each uid once
	ids    map[string]int32 // e-mail key (with an @) -> key number
	filter keyFilter        // the keys of ids
	of     []int32          // per user: key number, or keyNone / keyInvalid
}

const (
	keyNone    = -1 // the user has no e-mail
	keyInvalid = -2 // the e-mail has no @ (step 7)
)

// newUserKeys sorts users by uid (reviewing repeated uids) and numbers their
// e-mail keys. The caller's slice is left as it was.
func newUserKeys(users []User, rev *Review) *userKeys {
	users = sortUsers(users, rev)
	uk := &userKeys{users: users, ids: make(map[string]int32, len(users)), of: make([]int32, len(users))}
	for i := range users {
		key := EmailKey(users[i].Email)
		switch {
		case key == "":
			uk.of[i] = keyNone
		case !validEmail(key):
			uk.of[i] = keyInvalid
		default:
			id, ok := uk.ids[key]
			if !ok {
				id = int32(len(uk.ids))
				uk.ids[key] = id
			}
			uk.of[i] = id
		}
	}
	uk.filter = newKeyFilter(len(uk.ids))
	for key := range uk.ids {
		uk.filter.add(key)
	}
	return uk
}

// lookup returns the number of the e-mail key in b, if it is a user's.
func (uk *userKeys) lookup(b []byte) (int32, bool) {
	if !uk.filter.mayHave(b) {
		return 0, false
	}
	id, ok := uk.ids[string(b)] // no copy: the compiler looks up the bytes
	return id, ok
}

// keyFilter is a Bloom filter over the users' e-mail keys. Most e-mails of
// a large contacts export are no user's; the filter turns those away with
// one access to a small array where the key map costs a cache miss or
// more. Each key sets 4 bits of one 64-bit word, so a test is one access.
type keyFilter struct {
	seed  maphash.Seed
	words []uint64
}

// newKeyFilter sizes the filter at about 16 bits a key: about 1 in 200
// e-mails that are no user's get past it.
func newKeyFilter(keys int) keyFilter {
	n := 64
	for n < keys/4 {
		n <<= 1
	}
	return keyFilter{seed: maphash.MakeSeed(), words: make([]uint64, n)}
}

// slot is the word a hash picks (its low bits) and the 4 bits set in it
// (6 high bits each).
func (f *keyFilter) slot(h uint64) (*uint64, uint64) {
	bits := uint64(1)<<(h>>40&63) | uint64(1)<<(h>>46&63) | uint64(1)<<(h>>52&63) | uint64(1)<<(h>>58)
	return &f.words[h&uint64(len(f.words)-1)], bits
}

func (f *keyFilter) add(key string) {
	w, bits := f.slot(maphash.String(f.seed, key))
	*w |= bits
}

// mayHave is false only for a key never added.
func (f *keyFilter) mayHave(key []byte) bool {
	w, bits := f.slot(maphash.Bytes(f.seed, key))
	return *w&bits == bits
}

// contactSieve decides, contact by contact as they are read in id order,
// which ones matter to a run over the users of uk: possible matches (a
// non-deleted Individual with one of the users' e-mail keys), existing
// uf_match links (which may also conflict with one another), and contacts
// in CiviCRM groups (the CiviCRM → OG step). Nothing else in a contacts
// export can change an output, so the rest is dropped unkept. The e-mail
// index is built on the way, each e-mail looked up once.
type contactSieve struct {
	uk      *userKeys
	ix      *emailIndex
	kept    int32 // contacts kept so far: the next one's index
	lastID  int64
	ordered bool // the kept contacts came in ascending id order
}

func newContactSieve(uk *userKeys) *contactSieve {
	return &contactSieve{uk: uk, ix: newEmptyIndex(uk), ordered: true}
}

// keep reports whether c matters, adding its e-mails to the index if so.
func (s *contactSieve) keep(c *Contact) bool {
	if !s.ix.addContact(s.uk, c, s.kept) && c.UFID == 0 && !c.inGroups() {
		return false
	}
	s.kept++
	s.ordered = s.ordered && c.ID > s.lastID
	s.lastID = c.ID
	return true
}

// index returns the e-mail index of contacts, the sieve's result: the one
// built while sifting when contacts are exactly the rows the sieve kept, in
// the order it kept them (ids ascending, so sorting them changed nothing,
// and none dropped as a repeat); otherwise (a dump folded in, which keeps
// every row unsifted) one built afresh.
func (s *contactSieve) index(contacts []Contact) *emailIndex {
	if s.ordered && int(s.kept) == len(contacts) {
		return s.ix
	}
	return newEmailIndex(contacts, s.uk)
}

// emailIndex lists, per user e-mail key, the contacts having it, and
// remembers which user took each key (step 5) in the same entry. Most keys
// have at most one contact: a key's entry points at its first candidate and
// further ones chain through next.
type emailIndex struct {
	keys  []keyEntry // by key number (userKeys.ids)
	cands []candidate
	buf   []byte // scratch for a key being looked up
}

type keyEntry struct {
	first int32 // first candidate, -1 if none
	last  int32 // last candidate
	owner int32 // the Link that took the key, -1 if none yet
}

type candidate struct {
	contact int32 // index into contacts
	primary bool  // the matching e-mail is the contact's primary
	next    int32 // next candidate of the same key, -1 at the end
}

// newEmailIndex indexes the contacts' e-mails that are users' keys; no user
// can look up any other. contacts must be sorted by id.
func newEmailIndex(contacts []Contact, uk *userKeys) *emailIndex {
	ix := newEmptyIndex(uk)
	for i := range contacts {
		ix.addContact(uk, &contacts[i], int32(i))
	}
	return ix
}

func newEmptyIndex(uk *userKeys) *emailIndex {
	ix := &emailIndex{keys: make([]keyEntry, len(uk.ids)), cands: make([]candidate, 0, len(uk.ids))}
	for i := range ix.keys {
		ix.keys[i] = keyEntry{first: -1, last: -1, owner: -1}
	}
	return ix
}

// addContact adds contact ci's e-mails that are users' keys, reporting
// whether there was one. Only non-deleted Individuals are matched (step 3).
func (ix *emailIndex) addContact(uk *userKeys, c *Contact, ci int32) bool {
	if !c.IsIndividual() || c.Deleted {
		return false
	}
	added := false
	add := func(email string, primary bool) {
		ix.buf = appendEmailKey(ix.buf[:0], email)
		e, ok := uk.lookup(ix.buf)
		if !ok {
			return
		}
		added = true
		k := &ix.keys[e]
		if k.last >= 0 && ix.cands[k.last].contact == ci {
			return // a contact's e-mails are added together: it is already the last
		}
		n := int32(len(ix.cands))
		ix.cands = append(ix.cands, candidate{ci, primary, -1})
		if k.first < 0 {
			k.first = n
		} else {
			ix.cands[k.last].next = n
		}
		k.last = n
	}
	if c.Primary != "" {
		add(c.Primary, true)
	}
	for _, e := range c.Others {
		add(e, false)
	}
	return added
}

// candidates lists the contacts of a key entry: primary matches first, then
// by contact id (contacts are sorted by id, and chains follow that order).
func (ix *emailIndex) candidates(e int32, buf []candidate) []candidate {
	buf = buf[:0]
	for _, primary := range []bool{true, false} {
		for c := ix.keys[e].first; c >= 0; c = ix.cands[c].next {
			if ix.cands[c].primary == primary {
				buf = append(buf, ix.cands[c])
			}
		}
	}
	return buf
}

// MatchUsers links users to contacts as CiviCRM's synchronizeUFMatch does
// (SPEC §2), one user at a time in ascending uid. contacts must be sorted by id.
func MatchUsers(users []User, contacts []Contact, opt MatchOptions, rev *Review) *Matching {
	uk := newUserKeys(users, rev)
	return matchUsers(uk, contacts, newEmailIndex(contacts, uk), opt, rev)
}

// matchUsers is MatchUsers with the users' keys and the e-mail index
// already built (Transform builds them while other files are still being
// read). contacts may leave out contacts that do not matter to uk.
func matchUsers(uk *userKeys, contacts []Contact, byKey *emailIndex, opt MatchOptions, rev *Review) *Matching {
	users := uk.users
	m := &Matching{Users: users, uids: make([]int64, 0, len(users)), Links: make([]Link, 0, len(users))}
	for i := range users {
		if users[i].UID > 0 {
			m.uids = append(m.uids, users[i].UID)
		}
	}
	m.byUID = newUIDIndex(m.uids)
	// The export's uf_match links: step 2, and step 4's "already linked".
	linkedUser := make([]int64, len(contacts)) // contact -> the user it is linked to, 0 if none
	contactOfUF := make(map[int64]int32)       // uid -> its linked contact
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
	threshold := threshold(opt.Rule)
	var cands []candidate
	var taken, mismatch []int64
	for ui := range users {
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
		m.byUID.set(u.UID, li)
		m.Links = append(m.Links, Link{UID: u.UID, User: int32(ui)})
		l := &m.Links[li]

		// Step 2: an existing link.
		if ci, ok := contactOfUF[u.UID]; ok {
			c := &contacts[ci]
			l.ContactID, l.Match = c.ID, MatchLinked
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
			l.Match = MatchNone
			m.Skipped++
			rev.Add(KindInvalidEmail, u.Src, u.UID, 0, fmt.Sprintf("e-mail %q has no @; no contact is made", u.Email))
			continue
		}
		// Step 5: a lower uid with the same e-mail has the contact.
		if owner := byKey.keys[e].owner; owner >= 0 {
			o := &m.Links[owner]
			l.ContactID, l.New, l.Match = o.ContactID, o.New, MatchShared
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
			s := ruleScore(opt.Rule, &contacts[c.contact], u.First, u.Last)
			if s < threshold {
				mismatch = append(mismatch, contacts[c.contact].ID)
				continue
			}
			if linkedUser[c.contact] != 0 { // CRM-9091
				taken = append(taken, contacts[c.contact].ID)
				continue
			}
			if best < 0 || s > score {
				best, score = c.contact, s
			}
		}
		if best >= 0 {
			l.ContactID, l.Score, l.Match = contacts[best].ID, score, MatchEmail
			if opt.Rule != RuleUnsupervised {
				l.Match = opt.Rule
			}
			linkedUser[best] = u.UID
			m.Found++
			continue
		}
		// Step 6: a new Individual, named from the export's names only.
		m.New = append(m.New, NewContact{UID: u.UID, First: u.First, Last: u.Last, Email: u.Email, ExternalID: externalID(opt.ExternalIDPrefix, u.UID)})
		l.New, l.Match = int32(len(m.New)), MatchNew
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
