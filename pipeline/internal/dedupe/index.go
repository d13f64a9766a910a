package dedupe

import (
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
	score  []int32
	mask   []uint32
	cur    uint32
	found  []int32
	fields []probe
}

type probe struct {
	slot     int
	contacts []int32
}

// NewMatcher returns a Matcher over x.
func (x *Index) NewMatcher() *Matcher {
	return &Matcher{x: x, stamp: make([]uint32, x.n), score: make([]int32, x.n), mask: make([]uint32, x.n)}
}

// Candidates appends to dst the contacts whose fields matching keys (one
// key per slot, "" for none) weigh at least the threshold, ascending.
//
// A contact can only reach the threshold through fields whose weights sum
// to it, so the fields left unprobed must weigh less than the threshold
// together: the fields with the most contacts for these keys (a common
// surname) are left out while they can be, the others' contacts are the
// candidates, and a candidate's unprobed fields are then checked by binary
// search. No contact outside the probed fields' lists can score enough.
func (m *Matcher) Candidates(keys []string, dst []Candidate) []Candidate {
	x := m.x
	m.fields = m.fields[:0]
	total := 0
	for slot, k := range keys {
		if c := x.Contacts(slot, k); len(c) > 0 {
			m.fields = append(m.fields, probe{slot, c})
			total += x.weights[slot]
		}
	}
	if total < x.threshold {
		return dst
	}
	slices.SortStableFunc(m.fields, func(a, b probe) int { return len(b.contacts) - len(a.contacts) })
	skipped, firstProbed := 0, len(m.fields)
	for i, f := range m.fields {
		if skipped+x.weights[f.slot] >= x.threshold {
			firstProbed = i
			break
		}
		skipped += x.weights[f.slot]
	}
	m.cur++
	if m.cur == 0 { // wrapped: clear the stamps once in four billion queries
		clear(m.stamp)
		m.cur = 1
	}
	m.found = m.found[:0]
	for _, f := range m.fields[firstProbed:] {
		w := int32(x.weights[f.slot])
		for _, c := range f.contacts {
			if m.stamp[c] != m.cur {
				m.stamp[c], m.score[c], m.mask[c] = m.cur, 0, 0
				m.found = append(m.found, c)
			}
			m.score[c] += w
			m.mask[c] |= 1 << f.slot
		}
	}
	slices.Sort(m.found)
	for _, c := range m.found {
		score, mask := int(m.score[c]), m.mask[c]
		for _, f := range m.fields[:firstProbed] {
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
