package dense

import (
	"slices"
	"testing"
)

// TestIndex: dense and sparse uids, and uids outside the span the index
// was made for (a contact linked to a user the export does not have).
func TestIndex(t *testing.T) {
	for _, tc := range []struct {
		name string
		uids []int64
	}{
		{"none", nil},
		{"dense", []int64{5, 6, 7, 9, 12}},
		{"sparse", []int64{1, 1 << 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := New[int32](tc.uids)
			want := map[int64]int32{}
			for i, uid := range append(slices.Clone(tc.uids), 1, 4, 13, -3, 1<<50, 8) {
				x.Set(uid, int32(i))
				want[uid] = int32(i)
			}
			for uid := int64(-5); uid < 20; uid++ {
				got, ok := x.Get(uid)
				if w, had := want[uid]; ok != had || got != w {
					t.Errorf("get(%d) = %d, %v; want %d, %v", uid, got, ok, w, had)
				}
			}
			for _, uid := range []int64{1 << 40, 1 << 50, 1<<50 + 1} {
				got, ok := x.Get(uid)
				if w, had := want[uid]; ok != had || got != w {
					t.Errorf("get(%d) = %d, %v; want %d, %v", uid, got, ok, w, had)
				}
			}
		})
	}
}

// BenchmarkGet: lookups of nearly dense uids, as matching makes them.
func BenchmarkGet(b *testing.B) {
	uids := make([]int64, 1<<20)
	for i := range uids {
		uids[i] = int64(i*5/4 + 1)
	}
	x := New[int32](uids)
	for i, u := range uids {
		x.Set(u, int32(i))
	}
	var sum int32
	for b.Loop() {
		for _, u := range uids {
			v, _ := x.Get(u)
			sum += v
		}
	}
	_ = sum
}

// TestSpan: values by id inside the span, none outside (extreme ids too).
func TestSpan(t *testing.T) {
	s := NewSpan[int64](10, 14)
	for _, tc := range []struct {
		id int64
		in bool
	}{{9, false}, {10, true}, {14, true}, {15, false}, {-1 << 63, false}, {1<<63 - 1, false}} {
		if got := s.Put(tc.id, tc.id*2); got != tc.in {
			t.Errorf("put(%d) = %v, want %v", tc.id, got, tc.in)
		}
		v, in := s.At(tc.id)
		if in != tc.in || in && v != tc.id*2 || !in && v != 0 {
			t.Errorf("at(%d) = %d, %v", tc.id, v, in)
		}
	}
	if v, in := s.At(12); !in || v != 0 {
		t.Errorf("at(12), never set = %d, %v; want 0, true", v, in)
	}
	var empty Span[int32]
	if _, in := empty.At(0); in || empty.Len() != 0 {
		t.Error("the zero Span holds an id")
	}
	if !Dense(1, 1024+4*10, 10, 4) || Dense(1, 1026+4*10, 10, 4) || Dense(1<<62, -1<<62, 10, 4) {
		t.Error("Dense draws the line in the wrong place")
	}
}
