package keyset

import (
	"fmt"
	"testing"
)

// TestBatch: numbering a batch gives what adding the keys one by one
// gives (repeats and invalid keys among them), and looking a batch up
// finds the keys the set has, each with its tag.
func TestBatch(t *testing.T) {
	keys := []string{"a@x", "b@x", "a@x", "", "nope", "c@x", "b@x"}
	s, f := New(4, 64), NewFilter(4)
	var b Batch[int]
	for i, k := range keys {
		b.Add(append(b.Text(), k...), i*10, k != "" && k != "nope")
	}
	b.Number(&s, &f)
	want := map[string]int32{"a@x": 0, "b@x": 1, "c@x": 2}
	for k := range b.Len() {
		id, ok := b.ID(k)
		w, valid := want[keys[k]]
		if string(b.Key(k)) != keys[k] || b.Tag(k) != k*10 || b.Valid(k) != valid || ok != valid || valid && id != w {
			t.Errorf("key %d: %q tag %d valid %v id %d, %v", k, b.Key(k), b.Tag(k), b.Valid(k), id, ok)
		}
	}
	if s.Len() != 3 {
		t.Fatalf("%d keys numbered, want 3", s.Len())
	}
	b.Reset()
	probe := []string{"c@x", "zz@x", "a@x", "nope"}
	for i := range 300 { // more than fits in one slot's neighbourhood
		probe = append(probe, fmt.Sprintf("other%d@x", i))
	}
	for i, k := range probe {
		b.Add(append(b.Text(), k...), i, true)
	}
	b.Lookup(&s, &f)
	for k := range b.Len() {
		id, ok := b.ID(k)
		w, has := want[probe[k]]
		if ok != has || has && id != w || b.Tag(k) != k {
			t.Errorf("lookup %q = %d, %v; want %d, %v", probe[k], id, ok, w, has)
		}
	}
}
