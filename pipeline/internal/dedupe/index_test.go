package dedupe

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// numbering numbers each slot's keys, as the index's caller does; "" is
// no key.
type numbering []map[string]int32

func newNumbering(slots int) numbering {
	n := make(numbering, slots)
	for i := range n {
		n[i] = map[string]int32{}
	}
	return n
}

// add files contact's value v of slot in x.
func (n numbering) add(x *Index, slot int, contact int32, v string) {
	if v == "" {
		return
	}
	id, ok := n[slot][v]
	if !ok {
		id = int32(len(n[slot]))
		n[slot][v] = id
	}
	x.Add(slot, contact, id)
}

// keys numbers a user's values: -1 for none, or one no contact has.
func (n numbering) keys(values []string) []int32 {
	ids := make([]int32, len(values))
	for slot, v := range values {
		id, ok := n[slot][v]
		if !ok || v == "" {
			id = -1
		}
		ids[slot] = id
	}
	return ids
}

// TestCandidatesAgainstAllPairs holds the probing shortcut to scoring every
// contact, on random rules and values drawn from small vocabularies (so
// that keys repeat, as surnames do).
func TestCandidatesAgainstAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for round := range 200 {
		nf := 1 + r.IntN(5)
		weights := make([]int, nf)
		sum := 0
		for i := range weights {
			weights[i] = 1 + r.IntN(15)
			sum += weights[i]
		}
		threshold := 1 + r.IntN(sum)
		vocab := 1 + r.IntN(8)
		val := func() string {
			if r.IntN(5) == 0 {
				return ""
			}
			return fmt.Sprint(r.IntN(vocab))
		}
		n := 1 + r.IntN(60)
		contacts := make([][][]string, n) // contact -> slot -> values
		x := NewIndex(weights, threshold)
		num := newNumbering(nf)
		for c := range contacts {
			contacts[c] = make([][]string, nf)
			for s := range nf {
				for range r.IntN(3) {
					v := val()
					contacts[c][s] = append(contacts[c][s], v)
					num.add(x, s, int32(c), v)
				}
			}
		}
		x.Build()
		m := x.NewMatcher()
		for range 20 {
			keys := make([]string, nf)
			for s := range keys {
				keys[s] = val()
			}
			var want []Candidate
			for c := range contacts {
				score, mask := 0, uint32(0)
				for s := range nf {
					if keys[s] != "" && slices.Contains(contacts[c][s], keys[s]) {
						score += weights[s]
						mask |= 1 << s
					}
				}
				if score >= threshold {
					want = append(want, Candidate{Contact: int32(c), Score: score, Matched: mask})
				}
			}
			got := m.Candidates(num.keys(keys), nil)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d: weights %v threshold %d keys %q: got %v, want %v", round, weights, threshold, keys, got, want)
			}
		}
	}
}

// TestBestAgainstAllPairs holds Best, short and long lists alike, to
// weighing every contact and taking the first in Pick's order, while
// contacts are passed over one after another (as users take them).
func TestBestAgainstAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for round := range 400 {
		nf := 1 + r.IntN(4)
		weights := make([]int, nf)
		sum := 0
		for i := range weights {
			weights[i] = 1 + r.IntN(12)
			sum += weights[i]
		}
		threshold := 1 + r.IntN(sum)
		vocab := 1 + r.IntN(4)
		val := func() string {
			if r.IntN(6) == 0 {
				return ""
			}
			return fmt.Sprint(r.IntN(vocab))
		}
		n := 1 + r.IntN(80)
		contacts := make([][][]string, n)
		primary := make([]bool, n)
		x := NewIndex(weights, threshold)
		num := newNumbering(nf)
		x.large = int32(1 + r.IntN(6)) // long lists, most of them
		for c := range contacts {
			primary[c] = r.IntN(3) == 0
			contacts[c] = make([][]string, nf)
			for s := range nf {
				for range r.IntN(3) {
					v := val()
					contacts[c][s] = append(contacts[c][s], v)
					num.add(x, s, int32(c), v)
				}
			}
		}
		x.Build()
		m := x.NewMatcher()
		skipped := make([]bool, n)
		pick := Pick{
			Skip:         func(c int32) bool { return skipped[c] },
			PrimarySlots: uint32(r.IntN(1 << nf)),
			Primary:      func(c int32) bool { return primary[c] },
		}
		for q := range 60 {
			keys := make([]string, nf)
			for s := range keys {
				keys[s] = val()
			}
			var want Candidate
			ok := false
			var all []Candidate // every candidate, skipped or not, for Listed
			for c := range contacts {
				cand := Candidate{Contact: int32(c)}
				for s := range nf {
					if keys[s] != "" && slices.Contains(contacts[c][s], keys[s]) {
						cand.Score += weights[s]
						cand.Matched |= 1 << s
					}
				}
				if cand.Score < threshold {
					continue
				}
				cand.Primary = cand.Matched&pick.PrimarySlots != 0 && primary[c]
				all = append(all, cand)
				if skipped[c] {
					continue
				}
				if !ok || better(cand, want) {
					want, ok = cand, true
				}
			}
			got, gotOK := m.Best(num.keys(keys), pick)
			if got != want || gotOK != ok {
				t.Fatalf("round %d query %d: weights %v threshold %d keys %q: got %v %v, want %v %v", round, q, weights, threshold, keys, got, gotOK, want, ok)
			}
			k := 1 + r.IntN(4)
			listed, total := m.Listed(num.keys(keys), k, pick, nil)
			slices.SortFunc(all, func(a, b Candidate) int {
				switch {
				case listedBefore(a, b):
					return -1
				case listedBefore(b, a):
					return 1
				}
				return 0
			})
			if total != len(all) || !slices.Equal(listed, all[:min(k, len(all))]) {
				t.Fatalf("round %d query %d: keys %q: Listed(%d) gave %v of %d, want %v of %d", round, q, keys, k, listed, total, all[:min(k, len(all))], len(all))
			}
			if ok && r.IntN(2) == 0 {
				skipped[want.Contact] = true // the user takes it
			}
			if r.IntN(4) == 0 {
				skipped[r.IntN(n)] = true // linked already
			}
		}
	}
}

func TestCandidatesRuleElements(t *testing.T) {
	// first_name 5, last_name 7, email 10, threshold 20: CiviCRM's
	// "Name and Email (reserved)".
	x := NewIndex([]int{5, 7, 10}, 20)
	num := newNumbering(3)
	add := func(c int32, first, last string, emails ...string) {
		num.add(x, 0, c, first)
		num.add(x, 1, c, last)
		for _, e := range emails {
			num.add(x, 2, c, e)
		}
	}
	add(0, "ann", "lee", "ann@x")
	add(1, "ann", "lee", "other@x", "ann@x")
	add(2, "bob", "lee", "ann@x")
	add(3, "", "", "ann@x")
	add(4, "ann", "lee", "ann@x", "ann@x") // the same e-mail twice counts once
	x.Build()
	got := x.NewMatcher().Candidates(num.keys([]string{"ann", "lee", "ann@x"}), nil)
	want := []Candidate{{Contact: 0, Score: 22, Matched: 7}, {Contact: 1, Score: 22, Matched: 7}, {Contact: 4, Score: 22, Matched: 7}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := x.NewMatcher().Candidates(num.keys([]string{"", "lee", "ann@x"}), nil); len(got) != 0 {
		t.Errorf("empty first name: got %v, want none", got)
	}
}

// BenchmarkCandidatesThreeFields: a three-field rule over 200k contacts
// whose surnames repeat a lot; the e-mail is the field probed.
func BenchmarkCandidatesThreeFields(b *testing.B) {
	const n = 200_000
	x := NewIndex([]int{5, 7, 10}, 20)
	num := newNumbering(3)
	for c := range int32(n) {
		num.add(x, 0, c, fmt.Sprint("first", c%300))
		num.add(x, 1, c, fmt.Sprint("last", c%1000))
		num.add(x, 2, c, fmt.Sprint("user", c, "@example.org"))
	}
	x.Build()
	m := x.NewMatcher()
	keys := make([][]int32, 1024)
	for i := range keys {
		c := i * 97
		keys[i] = num.keys([]string{fmt.Sprint("first", c%300), fmt.Sprint("last", c%1000), fmt.Sprint("user", c, "@example.org")})
	}
	var dst []Candidate
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dst = m.Candidates(keys[i%len(keys)], dst[:0])
	}
}
