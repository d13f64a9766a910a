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
