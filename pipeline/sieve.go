package pipeline

import (
	"hash/maphash"
)

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
	// The filter is filled as keys are numbered: a key it has never seen is
	// new, and goes into the map without a lookup first. Most keys are new.
	uk.filter = newKeyFilter(len(users))
	for i := range users {
		key := EmailKey(users[i].Email)
		switch {
		case key == "":
			uk.of[i] = keyNone
		case !validEmail(key):
			uk.of[i] = keyInvalid
		default:
			id, seen := int32(0), uk.filter.addSeen(key)
			if seen {
				id, seen = uk.ids[key]
			}
			if !seen {
				id = int32(len(uk.ids))
				uk.ids[key] = id
			}
			uk.of[i] = id
		}
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

// keyFilter is a Bloom filter over the users' e-mail keys. Most e-mails of
// a large contacts export are no user's; the filter turns those away with
// one access to a small array where the key map costs a cache miss or
// more. Each key sets 4 bits of one 64-bit word, so a test is one access.
type keyFilter struct {
	seed  maphash.Seed
	words []uint64
}

// newKeyFilter sizes the filter at about 16 bits a key (or more, for fewer
// keys than planned): about 1 in 200 e-mails that are no user's get past it.
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

// addSeen adds key, reporting whether the filter may have had it already.
func (f *keyFilter) addSeen(key string) bool {
	w, bits := f.slot(maphash.String(f.seed, key))
	seen := *w&bits == bits
	*w |= bits
	return seen
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
	uk.ids, uk.filter = nil, keyFilter{}
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
	keys  []keyEntry // by key number (userKeys.ids)
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
	ix := &emailIndex{keys: make([]keyEntry, len(uk.ids)), cands: make([]candidate, 0, len(uk.ids))}
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
