package dedupe

import (
	"encoding/binary"
	"slices"

	"github.com/civisync/civisync/pipeline/internal/keyset"
	"github.com/civisync/civisync/pipeline/internal/par"
)

// Index holds contacts by the keys of each field of a weighted rule
// (CiviCRM's civicrm_dedupe_rule rows: a field and its weight) and finds,
// for one user's keys, the contacts whose weights of matching fields reach
// the threshold. It never looks at every contact: see Matcher.gather.
//
// Fields are slots 0..len(weights)-1, as the rule lists them; a field
// listed twice (say first_name whole and first_name cut to 3) is two slots.
// Keys are numbered by the caller, per slot (the users' keys, say): the
// index holds numbers only, and no pointer for the collector to follow.
type Index struct {
	weights   []int
	threshold int
	n         int32 // contacts: one more than the highest added
	slots     []slotIndex
	// sets are the minimal sets of fields whose weights reach the
	// threshold: a contact can only be a candidate by matching all of one.
	// Each has its own index of contacts by the set's keys together.
	sets []fieldSet
	// byContact is each slot's key numbers by contact: a candidate is
	// weighed by looking at its own keys.
	byContact []contactKeys
	// large is the size from which Best scans a list rather than weighing
	// every contact on it.
	large int32
}

// fieldSet is one minimal set of slots and its contacts by the slots'
// key numbers together: group g is list[start[g]:start[g+1]], ascending.
type fieldSet struct {
	slots []int
	ids   keyset.Set // the set's key numbers together -> group
	start []int32
	list  []int32
}

// group is where the user's contacts of set are in its list: those with
// the user's keys of every field of it; ok is false if the user lacks one.
func (m *Matcher) group(set *fieldSet) (lo, hi int32, ok bool) {
	if len(set.slots) == 1 { // the field's own index
		k := m.ids[set.slots[0]]
		if k < 0 {
			return 0, 0, false
		}
		return set.start[k], set.start[k+1], true
	}
	m.key = m.key[:0]
	for _, slot := range set.slots {
		if m.ids[slot] < 0 {
			return 0, 0, false
		}
		m.key = binary.LittleEndian.AppendUint32(m.key, uint32(m.ids[slot]))
	}
	g, found := set.ids.Find(m.key, set.ids.Hash(m.key))
	if !found {
		return 0, 0, false
	}
	return set.start[g], set.start[g+1], true
}

// slotIndex is one field's contacts by key number, ascending, each once.
type slotIndex struct {
	keys  int32   // one more than the highest key number
	n     int32   // one more than the highest contact
	start []int32 // contacts of key k: list[start[k]:start[k+1]]
	list  []int32
	pairs []pair // filled by Add, turned into start/list by Build
}

type pair struct{ key, contact int32 }

// NewIndex makes an index for a rule of these field weights and threshold.
// At most 32 fields.
func NewIndex(weights []int, threshold int) *Index {
	return &Index{weights: slices.Clone(weights), threshold: threshold, slots: make([]slotIndex, len(weights)), large: 32}
}

// Add records that contact has key number key (≥ 0) in field slot.
// Contacts are numbered by the caller, densely. Adds to different slots
// may run at once.
func (x *Index) Add(slot int, contact, key int32) {
	s := &x.slots[slot]
	s.keys = max(s.keys, key+1)
	s.pairs = append(s.pairs, pair{key, contact})
	s.n = max(s.n, contact+1)
}

// Build lays the keys out for lookups; call it once, after every Add.
func (x *Index) Build() {
	for i := range x.slots {
		x.n = max(x.n, x.slots[i].n)
	}
	byContact := make([]contactKeys, len(x.slots))
	par.For(len(x.slots), func(i int) {
		s := &x.slots[i]
		ck := layByContact(s.pairs, x.n)
		s.pairs = nil
		s.start, s.list = layOut(int(s.keys), func(file func(key, contact int32)) {
			for c := range x.n {
				for _, k := range ck.of(c) {
					file(k, c)
				}
			}
		})
		byContact[i] = ck
	})
	x.byContact = byContact
	x.buildSets(byContact)
}

// Contacts is the contacts having key number key in slot, ascending.
func (x *Index) Contacts(slot int, key int32) []int32 {
	s := &x.slots[slot]
	if key < 0 || key >= s.keys {
		return nil
	}
	return s.list[s.start[key]:s.start[key+1]]
}

// Candidate is a contact whose matching fields reach the threshold.
type Candidate struct {
	Contact int32
	Score   int
	Matched uint32 // bit i: field slot i matched
	Primary bool   // set by Best: see Pick.Primary
}

// Matcher finds candidates in an Index. It holds per-query scratch: give
// each goroutine its own.
type Matcher struct {
	x       *Index
	stamp   []uint32
	cur     uint32
	found   []int32
	fields  []probe
	ids     []int32 // per slot: the user's key number, -1 if none or no contact has it
	key     []byte
	primary []int32 // Listed's primary candidates
	// free[set][p] > p: the contacts at positions p..free[set][p]-1 of the
	// set's list are all passed over for good (see Pick.Skip); 0: not known.
	free [][]int32
}

type probe struct {
	slot     int
	contacts []int32
}

// NewMatcher returns a Matcher over x.
func (x *Index) NewMatcher() *Matcher {
	return &Matcher{x: x, stamp: make([]uint32, x.n)}
}

// gather puts the candidates of keys (one key number per slot, -1 for
// none) in m.found, each once, unordered.
//
// A contact reaches the threshold only by matching every field of some
// minimal set (fields whose weights reach it, and lose it without any one
// of them), so the candidates are the contacts filed under the user's keys
// of each such set together: first name and last name as one key, not
// every contact named Smith.
func (m *Matcher) gather(keys []int32) {
	m.probe(keys)
	m.found = m.found[:0]
	for i := range m.x.sets {
		set := &m.x.sets[i]
		lo, hi, ok := m.group(set)
		if !ok {
			continue
		}
		for _, c := range set.list[lo:hi] {
			if m.stamp[c] != m.cur {
				m.stamp[c] = m.cur
				m.found = append(m.found, c)
			}
		}
	}
}

// probe starts a query: each slot's list for the user's key, and a fresh
// stamp.
func (m *Matcher) probe(keys []int32) {
	m.fields = m.fields[:0]
	ids := m.ids[:0]
	for slot, k := range keys {
		if l := m.x.Contacts(slot, k); len(l) > 0 {
			m.fields = append(m.fields, probe{slot, l})
		} else {
			k = -1
		}
		ids = append(ids, k)
	}
	m.ids = ids
	m.cur++
	if m.cur == 0 { // wrapped: clear the stamps once in four billion queries
		clear(m.stamp)
		m.cur = 1
	}
}

// weigh scores contact c against the probed keys, by c's own keys of each
// field (one, usually): no list is searched.
func (m *Matcher) weigh(c int32) Candidate {
	cand := Candidate{Contact: c}
	for _, f := range m.fields {
		if slices.Contains(m.x.byContact[f.slot].of(c), m.ids[f.slot]) {
			cand.Score += m.x.weights[f.slot]
			cand.Matched |= 1 << f.slot
		}
	}
	return cand
}

// Listed returns how many candidates keys have, and appends to dst the
// first k of them in the order CiviCRM lists contacts passed over: a
// primary one first (see Pick), then by contact number; each weighed.
// Skip is not asked: a caller lists the candidates when none was free.
// Candidates are the contacts of the user's sets' groups: each matches
// every field of a set that reaches the threshold, so none is weighed to
// be counted.
func (m *Matcher) Listed(keys []int32, k int, p Pick, dst []Candidate) ([]Candidate, int) {
	m.gather(keys)
	// The primary ones are among the candidates on the primary fields'
	// lists: a short list is walked, a long one (longer than the
	// candidates) asked of each candidate.
	m.primary = m.primary[:0]
	long := false
	for _, f := range m.fields {
		if p.PrimarySlots&(1<<f.slot) == 0 {
			continue
		}
		if len(f.contacts) > len(m.found) {
			long = true
			continue
		}
		for _, c := range f.contacts {
			if m.stamp[c] == m.cur && p.Primary(c) {
				m.primary = append(m.primary, c)
			}
		}
	}
	slices.Sort(m.primary)
	start := len(dst)
	for _, c := range m.found {
		_, primary := slices.BinarySearch(m.primary, c)
		cand := Candidate{Contact: c, Primary: primary}
		if !cand.Primary && long {
			cand.Primary = m.primaryOnLongList(c, p)
		}
		// Keep the first k, in order, by insertion: k is small.
		listed := dst[start:]
		at := len(listed)
		for at > 0 && listedBefore(cand, listed[at-1]) {
			at--
		}
		if at >= k {
			continue
		}
		if len(listed) < k {
			dst = append(dst, Candidate{})
			listed = dst[start:]
		}
		copy(listed[at+1:], listed[at:len(listed)-1])
		listed[at] = cand
	}
	for i := start; i < len(dst); i++ {
		primary := dst[i].Primary
		dst[i] = m.weigh(dst[i].Contact)
		dst[i].Primary = primary
	}
	return dst, len(m.found)
}

// primaryOnLongList is whether candidate c is primary through a primary
// field's list that Listed did not walk (longer than the candidates).
func (m *Matcher) primaryOnLongList(c int32, p Pick) bool {
	for _, f := range m.fields {
		if p.PrimarySlots&(1<<f.slot) != 0 && len(f.contacts) > len(m.found) && slices.Contains(m.x.byContact[f.slot].of(c), m.ids[f.slot]) {
			return p.Primary(c)
		}
	}
	return false
}

// listedBefore is Listed's order: a primary one, then the lower number.
func listedBefore(a, b Candidate) bool {
	if a.Primary != b.Primary {
		return a.Primary
	}
	return a.Contact < b.Contact
}

// minimalSets lists the sets of slots whose weights reach the threshold
// and lose it without any one of them.
func minimalSets(weights []int, threshold int) [][]int {
	var sets [][]int
	n := len(weights)
	if n > 16 {
		n = 16 // a rule of more fields than this is unheard of; the rest only add to scores
	}
	for mask := 1; mask < 1<<n; mask++ {
		sum, least := 0, int(^uint(0)>>1)
		for i := range n {
			if mask&(1<<i) != 0 {
				sum += weights[i]
				least = min(least, weights[i])
			}
		}
		if sum >= threshold && sum-least < threshold {
			var set []int
			for i := range n {
				if mask&(1<<i) != 0 {
					set = append(set, i)
				}
			}
			sets = append(sets, set)
		}
	}
	return sets
}

// buildSets indexes every contact by each minimal set's keys together
// (every combination, for a field with several values), from each slot's
// keys laid out by contact.
func (x *Index) buildSets(byContact []contactKeys) {
	sets := minimalSets(x.weights, x.threshold)
	x.sets = make([]fieldSet, len(sets))
	par.For(len(sets), func(i int) { x.sets[i] = x.buildSet(sets[i], byContact) })
}

// buildSet indexes the contacts by set's keys together. A set of one
// field is that field's index.
func (x *Index) buildSet(set []int, byContact []contactKeys) fieldSet {
	if len(set) == 1 {
		s := &x.slots[set[0]]
		return fieldSet{slots: set, start: s.start, list: s.list}
	}
	fs := fieldSet{slots: set, ids: keyset.New(1024, 0)}
	var key []byte
	at := make([]int, len(set))
	var groups []pair // (group, contact), contacts ascending
	for c := range x.n {
		complete := true
		for _, slot := range set {
			complete = complete && byContact[slot].has(c)
		}
		if !complete {
			continue
		}
		// every combination of the set's keys (usually one), counted
		// through like an odometer
		clear(at)
		for {
			key = key[:0]
			for i, slot := range set {
				key = binary.LittleEndian.AppendUint32(key, uint32(byContact[slot].of(c)[at[i]]))
			}
			groups = append(groups, pair{fs.ids.Number(key), c})
			i := len(set) - 1
			for ; i >= 0; i-- {
				if at[i]++; at[i] < len(byContact[set[i]].of(c)) {
					break
				}
				at[i] = 0
			}
			if i < 0 {
				break
			}
		}
	}
	fs.start, fs.list = layOut(fs.ids.Len(), func(file func(key, contact int32)) {
		for _, p := range groups {
			file(p.key, p.contact)
		}
	})
	return fs
}

// contactKeys is one slot's key numbers by contact: contact c's are
// keys[start[c]:start[c+1]].
type contactKeys struct {
	start []int32
	keys  []int32
}

func (ck contactKeys) has(c int32) bool   { return ck.start[c+1] > ck.start[c] }
func (ck contactKeys) of(c int32) []int32 { return ck.keys[ck.start[c]:ck.start[c+1]] }

// layByContact lays pairs out by contact, by a counting sort.
func layByContact(pairs []pair, n int32) contactKeys {
	ck := contactKeys{start: make([]int32, n+1), keys: make([]int32, len(pairs))}
	for _, p := range pairs {
		ck.start[p.contact+1]++
	}
	for c := int32(1); c <= n; c++ {
		ck.start[c] += ck.start[c-1]
	}
	next := slices.Clone(ck.start[:n])
	for _, p := range pairs {
		ck.keys[next[p.contact]] = p.key
		next[p.contact]++
	}
	return ck
}

// layOut lays the (key, contact) pairs each files, contacts ascending, out
// by key: key k's contacts are list[start[k]:start[k+1]], ascending, each
// once. each is called twice: to count, then to place.
func layOut(keys int, each func(file func(key, contact int32))) (start, list []int32) {
	start = make([]int32, keys+1)
	each(func(k, _ int32) { start[k+1]++ })
	for k := 1; k <= keys; k++ {
		start[k] += start[k-1]
	}
	list = make([]int32, start[keys])
	next := slices.Clone(start[:keys])
	each(func(k, c int32) {
		list[next[k]] = c
		next[k]++
	})
	// A contact filed twice under one key (two e-mails with one key)
	// counts once.
	w := int32(0)
	for k := range keys {
		lo, hi := start[k], start[k+1]
		start[k] = w
		for j := lo; j < hi; j++ {
			if j == lo || list[j] != list[j-1] {
				list[w] = list[j]
				w++
			}
		}
	}
	start[keys] = w
	return start, list[:w:w]
}

// Pick says how Best chooses among candidates: the highest score, then a
// primary one, then the lowest contact number (CiviCRM's order, when
// contacts are numbered by id).
type Pick struct {
	// Skip passes a contact over (CRM-9091: linked to another user). Once
	// it says true for a contact it must say so for good: Best remembers.
	Skip func(contact int32) bool
	// PrimarySlots are the slots (bit i: slot i) through which a
	// candidate can be primary; Primary says whether it is, asked only of
	// a candidate that matched one of them.
	PrimarySlots uint32
	Primary      func(contact int32) bool
}

// Best returns the candidate p prefers among those p.Skip does not pass
// over, and false if there is none: the first candidate in p's order,
// without weighing every candidate. A contact on a short list (a field's
// key, or a set's keys together, shared by few contacts) is weighed; a
// long list (a common full name) is walked in contact order only until
// nothing further on it can win: its contacts on no short list can match
// only the fields whose lists are long, so the first one not passed over
// that matches all of those wins over the rest.
func (m *Matcher) Best(keys []int32, p Pick) (Candidate, bool) {
	best, found, _ := m.BestRun(keys, p)
	return best, found
}

// Run is where a user's candidates are when all those not passed over are
// the contacts of one long group, and score alike (a common full name, and
// nothing else of the user's on a short list): the first of them not
// passed over wins, and FirstFree finds it without weighing any.
type Run struct {
	set, lo, hi int32 // set -1: no Run
	score       int
	matched     uint32
}

// Valid reports whether r is a Run (BestRun gives an invalid one to a user
// without).
func (r Run) Valid() bool { return r.set >= 0 }

// BestRun is Best, and the user's Run, if it has one: as further contacts
// are passed over, FirstFree(run) is then what Best would give.
func (m *Matcher) BestRun(keys []int32, p Pick) (Candidate, bool, Run) {
	x := m.x
	run := Run{set: -1}
	m.probe(keys)
	var best Candidate
	found := false
	consider := func(c int32) {
		if m.stamp[c] == m.cur {
			return
		}
		m.stamp[c] = m.cur
		if p.Skip(c) {
			return
		}
		cand := m.weigh(c)
		if cand.Score < x.threshold {
			return
		}
		if cand.Matched&p.PrimarySlots != 0 {
			cand.Primary = p.Primary(c)
		}
		if !found || better(cand, best) {
			best, found = cand, true
		}
	}
	// Short lists: every contact on them is weighed. ceiling is what a
	// contact on none of them can score at most: the weights of the fields
	// whose lists are long; primary, whether it can be primary.
	ceiling, primary := 0, false
	for _, f := range m.fields {
		if int32(len(f.contacts)) < x.large {
			for _, c := range f.contacts {
				consider(c)
			}
		} else {
			ceiling += x.weights[f.slot]
			primary = primary || p.PrimarySlots&(1<<f.slot) != 0
		}
	}
	// A contact not weighed yet, in any group, is on long lists only: it
	// scores ceiling at most, and can be primary only if primary. beaten(c)
	// says whether the best so far wins over any such contact numbered c or
	// more.
	beaten := func(c int32) bool {
		if !found || best.Score < ceiling {
			return false
		}
		// At a tie, c can be primary only if primary; then the lower
		// contact number.
		return best.Score > ceiling || best.Primary && !primary || (best.Primary || !primary) && best.Contact < c
	}
	// When it wins over all of them, no group is looked up (the usual
	// case: a user's e-mail and names found one contact).
	if beaten(-1) {
		return best, true, run
	}
	var long [][3]int32 // (set, start, end) of the long groups
	for si := range x.sets {
		set := &x.sets[si]
		lo, hi, ok := m.group(set)
		if !ok {
			continue
		}
		if hi-lo < x.large {
			for _, c := range set.list[lo:hi] {
				consider(c)
			}
		} else {
			long = append(long, [3]int32{int32(si), lo, hi})
		}
	}
	if !found && len(long) == 1 && !primary {
		if set := &x.sets[long[0][0]]; x.weightOf(set) == ceiling {
			run = Run{set: long[0][0], lo: long[0][1], hi: long[0][2], score: ceiling}
			for _, slot := range set.slots {
				run.matched |= 1 << slot
			}
		}
	}
	// Each long group is walked in contact order, past those passed over
	// for good, until the best so far beats anything further on.
	for _, g := range long {
		si, hi := int(g[0]), g[2]
		list := x.sets[si].list
		for at := m.unskipped(si, g[1], hi, p.Skip); at < hi && !beaten(list[at]); at = m.unskipped(si, at+1, hi, p.Skip) {
			consider(list[at])
		}
	}
	return best, found, run
}

// weightOf is the sum of set's fields' weights.
func (x *Index) weightOf(set *fieldSet) int {
	w := 0
	for _, slot := range set.slots {
		w += x.weights[slot]
	}
	return w
}

// FirstFree is the winner of a user whose Run is run: the first contact of
// its group skip does not pass over; false if none is left.
func (m *Matcher) FirstFree(run Run, skip func(int32) bool) (Candidate, bool) {
	if !run.Valid() {
		return Candidate{}, false
	}
	at := m.unskipped(int(run.set), run.lo, run.hi, skip)
	if at >= run.hi {
		return Candidate{}, false
	}
	return Candidate{Contact: m.x.sets[run.set].list[at], Score: run.score, Matched: run.matched}, true
}

// better reports whether a wins over b in Pick's order.
func better(a, b Candidate) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Primary != b.Primary {
		return a.Primary
	}
	return a.Contact < b.Contact
}

// unskipped returns the first position from at (before hi) of set si's
// list whose contact skip does not pass over, hi if none. Positions found
// skipped are remembered (skip is for good), and the jumps shortened, so
// that walking a group past its taken contacts costs about once in all.
func (m *Matcher) unskipped(si int, at, hi int32, skip func(int32) bool) int32 {
	if m.free == nil {
		m.free = make([][]int32, len(m.x.sets))
	}
	free := m.free[si]
	if free == nil {
		free = make([]int32, len(m.x.sets[si].list))
		m.free[si] = free
	}
	list := m.x.sets[si].list
	p := at
	for p < hi {
		if free[p] > p {
			p = free[p]
			continue
		}
		if !skip(list[p]) {
			break
		}
		free[p] = p + 1
		p++
	}
	for q := at; q < p; {
		next := free[q]
		free[q] = p
		q = next
	}
	return p
}
