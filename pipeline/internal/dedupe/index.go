package dedupe

import (
	"encoding/binary"
	"slices"
)

// Index holds contacts by the keys of each field of a weighted rule
// (CiviCRM's civicrm_dedupe_rule rows: a field and its weight) and finds,
// for one user's keys, the contacts whose weights of matching fields reach
// the threshold. It never looks at every contact: see Matcher.Candidates.
//
// Fields are slots 0..len(weights)-1, as the rule lists them; a field
// listed twice (say first_name whole and first_name cut to 3) is two slots.
type Index struct {
	weights   []int
	threshold int
	n         int32 // contacts: one more than the highest added
	slots     []slotIndex
	// sets are the minimal sets of fields whose weights reach the
	// threshold: a contact can only be a candidate by matching all of one.
	// Each has its own index of contacts by the set's keys together.
	sets []fieldSet
}

// fieldSet is one minimal set of slots and its contacts by the slots'
// key numbers together.
type fieldSet struct {
	slots    []int
	contacts map[string][]int32
}

// slotIndex is one field's keys: key -> key number, and per key number the
// contacts having it, ascending, each once.
type slotIndex struct {
	ids   map[string]int32
	start []int32 // contacts of key k: list[start[k]:start[k+1]]
	list  []int32
	pairs []pair // filled by Add, turned into start/list by Build
}

type pair struct{ key, contact int32 }

// NewIndex makes an index for a rule of these field weights and threshold.
// At most 32 fields.
func NewIndex(weights []int, threshold int) *Index {
	x := &Index{weights: slices.Clone(weights), threshold: threshold, slots: make([]slotIndex, len(weights))}
	for i := range x.slots {
		x.slots[i].ids = map[string]int32{}
	}
	return x
}

// Add records that contact has key in field slot. Empty keys never match
// and are not recorded. Contacts are numbered by the caller, densely.
func (x *Index) Add(slot int, contact int32, key string) {
	if key == "" {
		return
	}
	s := &x.slots[slot]
	id, ok := s.ids[key]
	if !ok {
		id = int32(len(s.ids))
		s.ids[key] = id
	}
	s.pairs = append(s.pairs, pair{id, contact})
	x.n = max(x.n, contact+1)
}

// Build lays the keys out for lookups; call it once, after every Add.
func (x *Index) Build() {
	x.buildSets()
	for i := range x.slots {
		s := &x.slots[i]
		s.start = make([]int32, len(s.ids)+1)
		for _, p := range s.pairs {
			s.start[p.key+1]++
		}
		for k := 1; k < len(s.start); k++ {
			s.start[k] += s.start[k-1]
		}
		s.list = make([]int32, len(s.pairs))
		next := slices.Clone(s.start[:len(s.ids)])
		slices.SortStableFunc(s.pairs, func(a, b pair) int { return int(a.contact) - int(b.contact) })
		for _, p := range s.pairs {
			s.list[next[p.key]] = p.contact
			next[p.key]++
		}
		s.pairs = nil
		// A contact with the same key twice (primary and other e-mail)
		// counts once.
		w := int32(0)
		for k := 0; k < len(s.ids); k++ {
			lo, hi := s.start[k], s.start[k+1]
			s.start[k] = w
			for j := lo; j < hi; j++ {
				if j == lo || s.list[j] != s.list[j-1] {
					s.list[w] = s.list[j]
					w++
				}
			}
		}
		s.start[len(s.ids)] = w
		s.list = s.list[:w:w]
	}
}

// Contacts is the contacts having key in slot, ascending.
func (x *Index) Contacts(slot int, key string) []int32 {
	s := &x.slots[slot]
	id, ok := s.ids[key]
	if !ok || key == "" {
		return nil
	}
	return s.list[s.start[id]:s.start[id+1]]
}

// Candidate is a contact whose matching fields reach the threshold.
type Candidate struct {
	Contact int32
	Score   int
	Matched uint32 // bit i: field slot i matched
}

// Matcher finds candidates in an Index. It holds per-query scratch: give
// each goroutine its own.
type Matcher struct {
	x      *Index
	stamp  []uint32
	cur    uint32
	found  []int32
	fields []probe
	ids    []int32 // per slot: the user's key number, -1 if none
	key    []byte
}

type probe struct {
	slot     int
	contacts []int32
}

// NewMatcher returns a Matcher over x.
func (x *Index) NewMatcher() *Matcher {
	return &Matcher{x: x, stamp: make([]uint32, x.n)}
}

// Candidates appends to dst the contacts whose fields matching keys (one
// key per slot, "" for none) weigh at least the threshold, ascending.
//
// A contact reaches the threshold only by matching every field of some
// minimal set (fields whose weights reach it, and lose it without any one
// of them), so the candidates are the contacts filed under the user's keys
// of each such set together: first name and last name as one key, not
// every contact named Smith. Each candidate's other fields are then
// checked by binary search.
func (m *Matcher) Candidates(keys []string, dst []Candidate) []Candidate {
	x := m.x
	m.fields = m.fields[:0]
	ids := m.ids[:0]
	for slot, k := range keys {
		id := int32(-1)
		if k != "" {
			if v, ok := x.slots[slot].ids[k]; ok {
				id = v
				s := &x.slots[slot]
				m.fields = append(m.fields, probe{slot, s.list[s.start[id]:s.start[id+1]]})
			}
		}
		ids = append(ids, id)
	}
	m.ids = ids
	m.cur++
	if m.cur == 0 { // wrapped: clear the stamps once in four billion queries
		clear(m.stamp)
		m.cur = 1
	}
	m.found = m.found[:0]
	for _, set := range x.sets {
		m.key = m.key[:0]
		complete := true
		for _, slot := range set.slots {
			if ids[slot] < 0 {
				complete = false
				break
			}
			m.key = binary.LittleEndian.AppendUint32(m.key, uint32(ids[slot]))
		}
		if !complete {
			continue
		}
		for _, c := range set.contacts[string(m.key)] {
			if m.stamp[c] != m.cur {
				m.stamp[c] = m.cur
				m.found = append(m.found, c)
			}
		}
	}
	slices.Sort(m.found)
	for _, c := range m.found {
		score, mask := 0, uint32(0)
		for _, f := range m.fields {
			if _, ok := slices.BinarySearch(f.contacts, c); ok {
				score += x.weights[f.slot]
				mask |= 1 << f.slot
			}
		}
		if score >= x.threshold {
			dst = append(dst, Candidate{Contact: c, Score: score, Matched: mask})
		}
	}
	return dst
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
// (every combination, for a field with several values), from the pairs
// Add filed.
func (x *Index) buildSets() {
	byContact := make([][][]int32, x.n) // contact -> slot -> key numbers
	for slot := range x.slots {
		for _, p := range x.slots[slot].pairs {
			ks := byContact[p.contact]
			if ks == nil {
				ks = make([][]int32, len(x.slots))
				byContact[p.contact] = ks
			}
			ks[slot] = append(ks[slot], p.key)
		}
	}
	var key []byte
	for _, set := range minimalSets(x.weights, x.threshold) {
		fs := fieldSet{slots: set, contacts: map[string][]int32{}}
		for c, ks := range byContact {
			if ks == nil {
				continue
			}
			complete := true
			for _, slot := range set {
				complete = complete && len(ks[slot]) > 0
			}
			if !complete {
				continue
			}
			// every combination of the set's keys (usually one)
			var walk func(i int)
			walk = func(i int) {
				if i == len(set) {
					l := fs.contacts[string(key)]
					if len(l) == 0 || l[len(l)-1] != int32(c) {
						fs.contacts[string(key)] = append(l, int32(c))
					}
					return
				}
				for _, k := range ks[set[i]] {
					key = binary.LittleEndian.AppendUint32(key, uint32(k))
					walk(i + 1)
					key = key[:len(key)-4]
				}
			}
			walk(0)
		}
		x.sets = append(x.sets, fs)
	}
}
