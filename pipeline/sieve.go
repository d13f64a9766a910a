package pipeline

import (
	"bytes"
	"cmp"
	"slices"
	"sync"

	"github.com/civisync/civisync/pipeline/internal/keyset"
	"github.com/civisync/civisync/pipeline/internal/mem"
)

// userKeys is the users' side of the e-mail index: the users by uid and
// each one's e-mail key, numbered once per distinct key. Only these keys are
// ever looked up, so a contact whose e-mails are none of them can never be
// matched: contacts can be sifted against userKeys as they are read.
type userKeys struct {
	users  []User        // by uid, each uid once
	keys   keyset.Set    // e-mail key (with an @) -> key number
	filter keyset.Filter // the keys of keys
	of     []int32       // per user: key number, or keyNone / keyInvalid
}

const (
	keyNone    = -1 // the user has no e-mail
	keyInvalid = -2 // the e-mail has no @ (step 7)
)

// newUserKeys sorts users by uid (reviewing repeated uids) and numbers their
// e-mail keys. The caller's slice is left as it was.
func newUserKeys(users []User, rev *Review) *userKeys {
	users = sortUsers(users, rev)
	size := 0
	for i := range users {
		size += len(users[i].Email)
	}
	// Keys are no longer than the e-mails, but for NFC's rare growth. The
	// filter is filled as keys are numbered: a key it has never seen is
	// new, and goes into the set without a lookup first. Most keys are new.
	uk := &userKeys{users: users, keys: keyset.New(len(users), size), filter: keyset.NewFilter(len(users)),
		of: make([]int32, len(users))}
	// Users go a block at a time, their keys numbered in uid order (see
	// keyset.Batch).
	kb := &emailBatch{}
	for lo := 0; lo < len(users); lo += warmBlock {
		block := users[lo:min(lo+warmBlock, len(users))]
		kb.Reset()
		for i := range block {
			kb.add(emailOf{row: int32(i)}, block[i].Email)
		}
		kb.Number(&uk.keys, &uk.filter)
		for i := range kb.Len() {
			id, _ := kb.ID(i)
			switch {
			case len(kb.Key(i)) == 0:
				id = keyNone
			case !kb.Valid(i):
				id = keyInvalid
			}
			uk.of[lo+i] = id
		}
	}
	return uk
}

// emailBatch holds the e-mail keys of a batch of rows, to be looked up
// together.
type emailBatch struct{ keyset.Batch[emailOf] }

// emailOf says which e-mail of a batch's rows a key is.
type emailOf struct {
	row     int32 // the row in the batch
	primary bool  // the row's primary e-mail
}

// add adds the key of email; only a key with text on both sides of an @
// (step 7) is a user's.
func (kb *emailBatch) add(of emailOf, email string) {
	text := kb.Text()
	start := len(text)
	text = appendEmailKey(text, email)
	k := text[start:]
	kb.Add(text, of, len(k) > 2 && k[0] != '@' && k[len(k)-1] != '@' && bytes.IndexByte(k, '@') > 0)
}

// lookup returns the number of the e-mail key in b, if it is a user's.
func (uk *userKeys) lookup(b []byte) (int32, bool) {
	h := uk.keys.Hash(b)
	if !uk.filter.MayHave(h) {
		return 0, false
	}
	return uk.keys.Find(b, h)
}

// keyHit is one of a contact's e-mails that is a user's key.
type keyHit struct {
	key     int32 // the key's number
	primary bool  // the e-mail is the contact's primary
}

// probe appends to hits c's e-mails that are users' keys, primary first.
// Only non-deleted Individuals are matched (step 3). It only reads uk, so
// several goroutines may probe at once.
func (uk *userKeys) probe(c *Contact, hits []keyHit) []keyHit {
	var scratch [64]byte // the usual key fits: no allocation
	c.matchEmails(func(email string, primary bool) {
		if e, ok := uk.lookup(appendEmailKey(scratch[:0], email)); ok {
			hits = append(hits, keyHit{e, primary})
		}
	})
	return hits
}

// matchEmails calls f with each of c's e-mails that step 3 compares, the
// primary first: none unless c is a non-deleted Individual.
func (c *Contact) matchEmails(f func(email string, primary bool)) {
	if !c.IsIndividual() || c.Deleted {
		return
	}
	if c.Primary != "" {
		f(c.Primary, true)
	}
	for _, email := range c.Others {
		f(email, false)
	}
}

// probeRows sets each row's hits as probe would. A row's lookups wait on
// memory one after another; a batch's, stage by stage in loops of their
// own (keys and hashes, filter words, slots, then the set), are in flight
// together. Several goroutines may probe at once.
func (uk *userKeys) probeRows(rows []contactRow) {
	kb := probeScratch.Get().(*emailBatch)
	defer probeScratch.Put(kb)
	kb.Reset()
	for i := range rows {
		rows[i].hits = rows[i].hits[:0]
		rows[i].c.matchEmails(func(email string, primary bool) { kb.add(emailOf{int32(i), primary}, email) })
	}
	kb.Lookup(&uk.keys, &uk.filter)
	for k := range kb.Len() {
		if e, ok := kb.ID(k); ok {
			of := kb.Tag(k)
			rows[of.row].hits = append(rows[of.row].hits, keyHit{e, of.primary})
		}
	}
}

var probeScratch = sync.Pool{New: func() any { return new(emailBatch) }}

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
	// individuals keeps every non-deleted Individual too: a rule that can
	// match without the e-mail, or likely duplicates, may need any of them.
	individuals bool
}

func newContactSieve(uk *userKeys) *contactSieve {
	return &contactSieve{uk: uk, ix: newEmptyIndex(uk), ordered: true}
}

// keep reports whether c matters, adding it to the index if so; hits are
// its e-mails that are users' keys (uk.probeRows).
func (s *contactSieve) keep(c *Contact, hits []keyHit) bool {
	if len(hits) == 0 && c.UFID == 0 && !c.inGroups() && !(s.individuals && !c.Deleted && c.IsIndividual()) {
		return false
	}
	s.ix.addHits(s.kept, hits)
	s.kept++
	s.ordered = s.ordered && c.ID > s.lastID
	s.lastID = c.ID
	return true
}

// probe sets the hits of a batch of rows (see userKeys.probeRows).
func (s *contactSieve) probe(rows []contactRow) { s.uk.probeRows(rows) }

// warm loads the index entries a batch of rows will update.
func (s *contactSieve) warm(rows []contactRow) { s.ix.warm(rows) }

// done drops what only sifting needs, the key table and its filter, so
// the collector can take them before users are matched.
func (uk *userKeys) done() {
	uk.keys, uk.filter = keyset.Set{}, keyset.Filter{}
}

// index returns the e-mail index of contacts, the sieve's result: the one
// built while sifting when contacts are exactly the rows the sieve kept, in
// the order it kept them (ids ascending, so sorting them changed nothing,
// and none dropped as a repeat); otherwise (a dump folded in, which keeps
// every row unsifted) one built afresh.
func (s *contactSieve) index(contacts *contactList) *emailIndex {
	if s.ordered && int(s.kept) == contacts.n {
		return s.ix
	}
	return newEmailIndex(contacts, s.uk)
}

// emailIndex lists, per user e-mail key, the contacts having it, and
// remembers which user took each key (step 5) in the same entry. Most keys
// have at most one contact: a key's entry points at its first candidate and
// further ones chain through next.
type emailIndex struct {
	keys  []keyEntry // by key number (userKeys.keys)
	cands []candidate
	hits  []keyHit  // scratch for a contact being added
	chain mem.Chain // scratch for warm
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
func newEmailIndex(contacts *contactList, uk *userKeys) *emailIndex {
	ix := newEmptyIndex(uk)
	contacts.each(func(i int32, c *Contact) { ix.addContact(uk, c, i) })
	return ix
}

func newEmptyIndex(uk *userKeys) *emailIndex {
	ix := &emailIndex{keys: make([]keyEntry, uk.keys.Len()), cands: make([]candidate, 0, uk.keys.Len())}
	for i := range ix.keys {
		ix.keys[i] = keyEntry{first: -1, last: -1, owner: -1}
	}
	return ix
}

// addContact adds contact ci's e-mails that are users' keys.
func (ix *emailIndex) addContact(uk *userKeys, c *Contact, ci int32) {
	ix.hits = uk.probe(c, ix.hits[:0])
	ix.addHits(ci, ix.hits)
}

// addHits adds contact ci under the keys of its e-mails hits.
func (ix *emailIndex) addHits(ci int32, hits []keyHit) {
	for _, h := range hits {
		k := &ix.keys[h.key]
		if k.last >= 0 && ix.cands[k.last].contact == ci {
			continue // a contact's e-mails are added together: it is already the last
		}
		n := int32(len(ix.cands))
		ix.cands = append(ix.cands, candidate{ci, h.primary, -1})
		if k.first < 0 {
			k.first = n
		} else {
			ix.cands[k.last].next = n
		}
		k.last = n
	}
}

// warm loads the entries of the keys rows hit, before the rows are added
// one by one: so that their cache misses overlap (see warmer).
func (ix *emailIndex) warm(rows []contactRow) {
	ix.chain.Start()
	for i := range rows {
		for _, h := range rows[i].hits {
			ix.chain.Add(h.key)
		}
	}
	ix.chain.Step(func(e int32) int32 { return ix.keys[e].last })
	ix.chain.End(func(last int32) int64 { return int64(ix.cands[last].contact) })
}

// unmatched counts the keys no contact has: about how many new contacts
// a run makes (each key's first user gets one), to size them once.
func (ix *emailIndex) unmatched() int {
	n := 0
	for i := range ix.keys {
		if ix.keys[i].first < 0 {
			n++
		}
	}
	return n
}

// claim gives key e to the Link at li, unless one has it already: it
// returns the Link that has it, -1 if none had.
func (ix *emailIndex) claim(e, li int32) int32 {
	k := &ix.keys[e]
	owner := k.owner
	if owner < 0 {
		k.owner = li
	}
	return owner
}

// candidates lists the contacts of a key entry, by contact id (contacts
// are sorted by id, and chains follow that order).
func (ix *emailIndex) candidates(e int32, buf []candidate) []candidate {
	buf = buf[:0]
	for c := ix.keys[e].first; c >= 0; c = ix.cands[c].next {
		buf = append(buf, ix.cands[c])
	}
	return buf
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

// warmBlock is how many users warmer looks ahead at.
const warmBlock = 256

// warmer fetches what matching a block of users reads at random: their
// keys' index entries, first candidates and those contacts (mem.Chain).
type warmer struct{ chain mem.Chain }

func (w *warmer) touch(keys []int32, ix *emailIndex, contacts *contactList, linkedUser []int64) {
	w.chain.Start(keys...) // keyNone, keyInvalid: nothing to fetch
	w.chain.Step(func(e int32) int32 { return ix.keys[e].first })
	w.chain.Step(func(cand int32) int32 { return ix.cands[cand].contact })
	w.chain.End(func(c int32) int64 {
		cc := contacts.at(c)
		return cc.ID + linkedUser[c] + int64(len(cc.First))
	})
}
