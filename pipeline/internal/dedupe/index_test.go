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

// site is a random rule and contacts whose values come from small
// vocabularies (so that keys repeat, as surnames do), indexed.
type site struct {
	weights   []int
	threshold int
	contacts  [][][]string // contact -> slot -> values
	x         *Index
	num       numbering
	val       func() string // a value, "" one time in five
}

// randomSite makes a site of up to fields fields, weights up to weight,
// vocab values a field and n contacts; large is the index's long-list
// size (0: its own).
func randomSite(r *rand.Rand, fields, weight, vocab, n int, large int32) *site {
	nf := 1 + r.IntN(fields)
	st := &site{weights: make([]int, nf), num: newNumbering(nf)}
	sum := 0
	for i := range st.weights {
		st.weights[i] = 1 + r.IntN(weight)
		sum += st.weights[i]
	}
	st.threshold = 1 + r.IntN(sum)
	v := 1 + r.IntN(vocab)
	st.val = func() string {
		if r.IntN(5) == 0 {
			return ""
		}
		return fmt.Sprint(r.IntN(v))
	}
	st.x = NewIndex(st.weights, st.threshold)
	if large > 0 {
		st.x.large = large
	}
	st.contacts = make([][][]string, 1+r.IntN(n))
	for c := range st.contacts {
		st.contacts[c] = make([][]string, nf)
		for s := range nf {
			for range r.IntN(3) {
				v := st.val()
				st.contacts[c][s] = append(st.contacts[c][s], v)
				st.num.add(st.x, s, int32(c), v)
			}
		}
	}
	st.x.Build()
	return st
}

// query is random keys, one a field.
func (st *site) query() []string {
	keys := make([]string, len(st.weights))
	for s := range keys {
		keys[s] = st.val()
	}
	return keys
}

// weigh scores contact c against keys by every value it has.
func (st *site) weigh(c int, keys []string) Candidate {
	cand := Candidate{Contact: int32(c)}
	for s := range keys {
		if keys[s] != "" && slices.Contains(st.contacts[c][s], keys[s]) {
			cand.Score += st.weights[s]
			cand.Matched |= 1 << s
		}
	}
	return cand
}

// TestCandidatesAgainstAllPairs holds the probing shortcut to scoring every
// contact, on random rules and values: Listed, asked for them all, lists
// every contact that reaches the threshold, by number.
func TestCandidatesAgainstAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for round := range 200 {
		st := randomSite(r, 5, 15, 8, 60, 0)
		m := st.x.NewMatcher()
		for range 20 {
			keys := st.query()
			var want []Candidate
			for c := range st.contacts {
				if cand := st.weigh(c, keys); cand.Score >= st.threshold {
					want = append(want, cand)
				}
			}
			got, total := m.Listed(st.num.keys(keys), len(st.contacts), Pick{}, nil)
			if !slices.Equal(got, want) || total != len(want) {
				t.Fatalf("round %d: weights %v threshold %d keys %q: got %v, want %v", round, st.weights, st.threshold, keys, got, want)
			}
		}
	}
}

// TestBestAgainstAllPairs holds Best, short and long lists alike, to
// weighing every contact and taking the first in Pick's order, while
// contacts are passed over one after another (as users take them); and
// Listed to listing them all.
func TestBestAgainstAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	runs := 0
	for round := range 400 {
		st := randomSite(r, 4, 12, 4, 80, int32(1+r.IntN(6))) // long lists, most of them
		n := len(st.contacts)
		primary := make([]bool, n)
		for c := range primary {
			primary[c] = r.IntN(3) == 0
		}
		m := st.x.NewMatcher()
		skipped := make([]bool, n)
		pick := Pick{
			Skip:         func(c int32) bool { return skipped[c] },
			PrimarySlots: uint32(r.IntN(1 << len(st.weights))),
			Primary:      func(c int32) bool { return primary[c] },
		}
		for q := range 60 {
			keys := st.query()
			var want Candidate
			ok := false
			var all []Candidate // every candidate, skipped or not, for Listed
			for c := range st.contacts {
				cand := st.weigh(c, keys)
				if cand.Score < st.threshold {
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
			got, gotOK, run := m.BestRun(st.num.keys(keys), pick)
			if got != want || gotOK != ok {
				t.Fatalf("round %d query %d: weights %v threshold %d keys %q: got %v %v, want %v %v", round, q, st.weights, st.threshold, keys, got, gotOK, want, ok)
			}
			if run.set >= 0 {
				// Contacts passed over since: FirstFree gives what Best
				// gives then.
				for range r.IntN(4) {
					skipped[r.IntN(n)] = true
				}
				if ok && r.IntN(2) == 0 {
					skipped[want.Contact] = true
				}
				runs++
				again, againOK := m.Best(st.num.keys(keys), pick)
				first, firstOK := m.FirstFree(run, pick.Skip)
				if first != again || firstOK != againOK {
					t.Fatalf("round %d query %d: keys %q: FirstFree gave %v %v, Best %v %v", round, q, keys, first, firstOK, again, againOK)
				}
				continue
			}
			k := 1 + r.IntN(4)
			listed, total := m.Listed(st.num.keys(keys), k, pick, nil)
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
	if runs < 100 {
		t.Errorf("only %d queries had a Run", runs)
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
	got, _ := x.NewMatcher().Listed(num.keys([]string{"ann", "lee", "ann@x"}), 5, Pick{}, nil)
	want := []Candidate{{Contact: 0, Score: 22, Matched: 7}, {Contact: 1, Score: 22, Matched: 7}, {Contact: 4, Score: 22, Matched: 7}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, n := x.NewMatcher().Listed(num.keys([]string{"", "lee", "ann@x"}), 5, Pick{}, nil); len(got) != 0 || n != 0 {
		t.Errorf("empty first name: got %v, want none", got)
	}
}

// BenchmarkCandidatesThreeFields: a three-field rule over 200k contacts
// whose surnames repeat a lot; the e-mail is the field probed.
// BenchmarkBestThreeFields: a user's winner under CiviCRM's "Name and
// Email (reserved)" among 200,000 contacts.
func BenchmarkBestThreeFields(b *testing.B) {
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
	pick := Pick{Skip: func(int32) bool { return false }}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := m.Best(keys[i%len(keys)], pick); !ok {
			b.Fatal("no winner")
		}
	}
}
