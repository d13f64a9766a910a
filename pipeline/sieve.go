package pipeline

import (
	"bytes"
	"sync"
)

// userKeys is the users' side of the e-mail index: the users by uid and
// each one's e-mail key, numbered once per distinct key. Only these keys are
// ever looked up, so a contact whose e-mails are none of them can never be
// matched: contacts can be sifted against userKeys as they are read.
type userKeys struct {
	users  []User    // by uid, each uid once
	keys   keySet    // e-mail key (with an @) -> key number
	filter keyFilter // the keys of keys
	of     []int32   // per user: key number, or keyNone / keyInvalid
}

const (
	keyNone    = -1 // the user has no e-mail
	keyInvalid = -2 // the e-mail has no @ (step 7)
)

// newUserKeys sorts users by uid (reviewing repeated uids) and numbers their
// e-mail keys. The caller's slice is left as it was.
func newUserKeys(users []User, rev *Review) *userKeys {
	users = sortUsers(users, rev)
	uk := &userKeys{users: users, keys: newKeySet(len(users)), of: make([]int32, len(users))}
	// The filter is filled as keys are numbered: a key it has never seen is
	// new, and goes into the set without a lookup first. Most keys are new.
	uk.filter = newKeyFilter(len(users))
	size := 0
	for i := range users {
		size += len(users[i].Email)
	}
	uk.keys.text = make([]byte, 0, size) // keys are no longer than the e-mails, but for NFC's rare growth
	// Users go a block at a time: their keys and hashes first, with the
	// filter words and slots they will need fetched together (see warmer),
	// then numbered in uid order.
	var b keyBlock
	for lo := 0; lo < len(users); lo += warmBlock {
		block := users[lo:min(lo+warmBlock, len(users))]
		b.load(block, uk)
		for i := range block {
			key := b.key(i)
			switch {
			case len(key) == 0:
				uk.of[lo+i] = keyNone
			case !b.valid[i]:
				uk.of[lo+i] = keyInvalid
			default:
				h := b.hash[i]
				id, seen := int32(0), uk.filter.addSeen(h)
				if seen {
					id, seen = uk.keys.find(key, h)
				}
				if !seen {
					id = uk.keys.add(key, h)
				}
				uk.of[lo+i] = id
			}
		}
	}
	return uk
}

// keyBlock holds the e-mail keys of a block of users and their hashes.
type keyBlock struct {
	text  []byte
	end   [warmBlock]int // key i is text[end[i-1]:end[i]]
	valid [warmBlock]bool
	hash  [warmBlock]uint64 // of a valid key
	sum   uint64
}

func (b *keyBlock) load(users []User, uk *userKeys) {
	b.text = b.text[:0]
	for i := range users {
		b.text = appendEmailKey(b.text, users[i].Email)
		b.end[i] = len(b.text)
		key := b.key(i)
		b.valid[i] = bytes.IndexByte(key, '@') >= 0 // validEmail
		if b.valid[i] {
			b.hash[i] = uk.keys.hash(key)
		}
	}
	for i := range users { // loads alone, so that many are in flight
		if h := b.hash[i]; b.valid[i] {
			b.sum += uk.filter.words[h&uint64(len(uk.filter.words)-1)] + uint64(uk.keys.slots[uk.keys.home(h)].id)
		}
	}
	warmSink.Store(int64(b.sum))
}

func (b *keyBlock) key(i int) []byte {
	start := 0
	if i > 0 {
		start = b.end[i-1]
	}
	return b.text[start:b.end[i]]
}

// lookup returns the number of the e-mail key in b, if it is a user's.
func (uk *userKeys) lookup(b []byte) (int32, bool) {
	h := uk.keys.hash(b)
	if !uk.filter.mayHave(h) {
		return 0, false
	}
	return uk.keys.find(b, h)
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
	if !c.IsIndividual() || c.Deleted {
		return hits
	}
	var scratch [64]byte // the usual key fits: no allocation
	if c.Primary != "" {
		if e, ok := uk.lookup(appendEmailKey(scratch[:0], c.Primary)); ok {
			hits = append(hits, keyHit{e, true})
		}
	}
	for _, email := range c.Others {
		if e, ok := uk.lookup(appendEmailKey(scratch[:0], email)); ok {
			hits = append(hits, keyHit{e, false})
		}
	}
	return hits
}

// contactRow is a contacts row read, and when sifting, its e-mails that are
// users' keys.
type contactRow struct {
	c    Contact
	hits []keyHit
}

// probeRows sets each row's hits as probe would. A row's lookups wait on
// memory one after another; a batch's, stage by stage in loops of their
// own (keys and hashes, filter words, slots, then the set), are in flight
// together. Several goroutines may probe at once.
func (uk *userKeys) probeRows(rows []contactRow) {
	pb := probeScratch.Get().(*probeBatch)
	defer probeScratch.Put(pb)
	pb.text, pb.keys = pb.text[:0], pb.keys[:0]
	for i := range rows {
		c := &rows[i].c
		rows[i].hits = rows[i].hits[:0]
		if !c.IsIndividual() || c.Deleted {
			continue
		}
		if c.Primary != "" {
			pb.add(int32(i), c.Primary, true)
		}
		for _, email := range c.Others {
			pb.add(int32(i), email, false)
		}
	}
	start := 0
	for k := range pb.keys {
		key := &pb.keys[k]
		key.h = uk.keys.hash(pb.text[start:key.end])
		start = key.end
	}
	for k := range pb.keys {
		pb.keys[k].pass = uk.filter.mayHave(pb.keys[k].h)
	}
	var sum uint64
	for k := range pb.keys {
		if pb.keys[k].pass {
			sum += uint64(uk.keys.slots[uk.keys.home(pb.keys[k].h)].id)
		}
	}
	for k := range pb.keys { // the bytes of the keys the slots hold, to compare
		if key := &pb.keys[k]; key.pass {
			sum += uk.keys.warm(key.h)
		}
	}
	warmSink.Store(int64(sum))
	start = 0
	for k := range pb.keys {
		key := &pb.keys[k]
		if key.pass {
			if e, ok := uk.keys.find(pb.text[start:key.end], key.h); ok {
				rows[key.row].hits = append(rows[key.row].hits, keyHit{e, key.primary})
			}
		}
		start = key.end
	}
}

// probeBatch is probeRows' scratch: the e-mail keys of a batch, end to end.
type probeBatch struct {
	text []byte
	keys []probeKey
}

type probeKey struct {
	row     int32
	end     int // the key is text[previous end:end]
	h       uint64
	primary bool
	pass    bool // the filter may have it
}

func (pb *probeBatch) add(row int32, email string, primary bool) {
	pb.text = appendEmailKey(pb.text, email)
	pb.keys = append(pb.keys, probeKey{row: row, end: len(pb.text), primary: primary})
}

var probeScratch = sync.Pool{New: func() any { return new(probeBatch) }}

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

// keep reports whether c matters, adding it to the index if so; hits are
// its e-mails that are users' keys (uk.probe).
func (s *contactSieve) keep(c *Contact, hits []keyHit) bool {
	if len(hits) == 0 && c.UFID == 0 && !c.inGroups() {
		return false
	}
	s.ix.addHits(s.kept, hits)
	s.kept++
	s.ordered = s.ordered && c.ID > s.lastID
	s.lastID = c.ID
	return true
}

// done drops what only sifting needs, the key map and its filter, so the
// collector can take them while users are matched.
func (uk *userKeys) done() {
	uk.keys, uk.filter = keySet{}, keyFilter{}
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
	hits  []keyHit // scratch for a contact being added
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
	ix := &emailIndex{keys: make([]keyEntry, uk.keys.len()), cands: make([]candidate, 0, uk.keys.len())}
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
	var sum int32
	for i := range rows {
		for _, h := range rows[i].hits {
			sum += ix.keys[h.key].last
		}
	}
	for i := range rows {
		for _, h := range rows[i].hits {
			if last := ix.keys[h.key].last; last >= 0 {
				sum += ix.cands[last].contact
			}
		}
	}
	warmSink.Store(int64(sum))
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
