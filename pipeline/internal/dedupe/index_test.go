package dedupe

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

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
		for c := range contacts {
			contacts[c] = make([][]string, nf)
			for s := range nf {
				for range r.IntN(3) {
					v := val()
					contacts[c][s] = append(contacts[c][s], v)
					x.Add(s, int32(c), v)
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
					want = append(want, Candidate{int32(c), score, mask})
				}
			}
			got := m.Candidates(keys, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d: weights %v threshold %d keys %q: got %v, want %v", round, weights, threshold, keys, got, want)
			}
		}
	}
}

func TestCandidatesRuleElements(t *testing.T) {
	// first_name 5, last_name 7, email 10, threshold 20: CiviCRM's
	// "Name and Email (reserved)".
	x := NewIndex([]int{5, 7, 10}, 20)
	add := func(c int32, first, last string, emails ...string) {
		x.Add(0, c, first)
		x.Add(1, c, last)
		for _, e := range emails {
			x.Add(2, c, e)
		}
	}
	add(0, "ann", "lee", "ann@x")
	add(1, "ann", "lee", "other@x", "ann@x")
	add(2, "bob", "lee", "ann@x")
	add(3, "", "", "ann@x")
	add(4, "ann", "lee", "ann@x", "ann@x") // the same e-mail twice counts once
	x.Build()
	got := x.NewMatcher().Candidates([]string{"ann", "lee", "ann@x"}, nil)
	want := []Candidate{{0, 22, 7}, {1, 22, 7}, {4, 22, 7}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := x.NewMatcher().Candidates([]string{"", "lee", "ann@x"}, nil); len(got) != 0 {
		t.Errorf("empty first name: got %v, want none", got)
	}
}

// BenchmarkCandidatesThreeFields: a three-field rule over 200k contacts
// whose surnames repeat a lot; the e-mail is the field probed.
func BenchmarkCandidatesThreeFields(b *testing.B) {
	const n = 200_000
	x := NewIndex([]int{5, 7, 10}, 20)
	for c := range int32(n) {
		x.Add(0, c, fmt.Sprint("first", c%300))
		x.Add(1, c, fmt.Sprint("last", c%1000))
		x.Add(2, c, fmt.Sprint("user", c, "@example.org"))
	}
	x.Build()
	m := x.NewMatcher()
	keys := make([][]string, 1024)
	for i := range keys {
		c := i * 97
		keys[i] = []string{fmt.Sprint("first", c%300), fmt.Sprint("last", c%1000), fmt.Sprint("user", c, "@example.org")}
	}
	var dst []Candidate
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dst = m.Candidates(keys[i%len(keys)], dst[:0])
	}
}
