package keyset

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeyFilter: never a false negative, and few false positives.
func TestKeyFilter(t *testing.T) {
	ks := newSet(0) // for its hash
	h := func(s string) uint64 { return ks.Hash([]byte(s)) }
	for _, n := range []int{0, 1, 7, 1000, 100_000} {
		f := NewFilter(n)
		for i := 0; i < n; i++ {
			f.AddSeen(h(fmt.Sprintf("user%d@example.org", i)))
		}
		for i := 0; i < n; i++ {
			if k := fmt.Sprintf("user%d@example.org", i); !f.MayHave(h(k)) {
				t.Fatalf("n=%d: %q added but not found", n, k)
			}
		}
		const probes = 100_000
		fp := 0
		for i := 0; i < probes; i++ {
			if f.MayHave(h(fmt.Sprintf("other%d@example.org", i))) {
				fp++
			}
		}
		if rate := float64(fp) / probes; n > 0 && rate > 0.02 {
			t.Errorf("n=%d: false positive rate %.3f, want under 0.02", n, rate)
		}
	}
}

// TestKeySet holds Set to a map: keys numbered in the order added, found
// again after the slots grew, others not found; keys too long for a slot,
// the empty key, keys that are prefixes of one another.
func TestKeySet(t *testing.T) {
	for _, tc := range []struct{ planned, keys int }{{0, 0}, {0, 1}, {1, 50}, {5_000, 5_000}, {10, 20_000}} {
		t.Run(fmt.Sprintf("planned%d-keys%d", tc.planned, tc.keys), func(t *testing.T) {
			s := newSet(tc.planned)
			want := map[string]int32{}
			key := func(i int) string {
				switch i % 5 {
				case 0:
					return strings.Repeat("a", i%7)
				case 1:
					return fmt.Sprintf("u%d@example.org", i)
				default:
					return fmt.Sprintf("u%d@example.or", i/2)
				}
			}
			for i := 0; i < tc.keys; i++ {
				k := key(i)
				h := s.Hash([]byte(k))
				id, ok := s.Find([]byte(k), h)
				if w, had := want[k]; ok != had || ok && id != w {
					t.Fatalf("find(%q) before adding = %d, %v; want %d, %v", k, id, ok, w, had)
				}
				if !ok {
					want[k] = s.Add([]byte(k), h)
					if want[k] != int32(len(want)-1) {
						t.Fatalf("add(%q) numbered %d, want %d", k, want[k], len(want)-1)
					}
				}
			}
			if s.Len() != len(want) {
				t.Errorf("len %d, want %d", s.Len(), len(want))
			}
			for k, w := range want {
				if id, ok := s.Find([]byte(k), s.Hash([]byte(k))); !ok || id != w {
					t.Errorf("find(%q) = %d, %v; want %d", k, id, ok, w)
				}
			}
			for k, w := range want { // Number finds what was added
				if id := s.Number([]byte(k)); id != w {
					t.Errorf("number(%q) = %d; want %d", k, id, w)
				}
			}
			if id := s.Number([]byte("never added")); id != int32(len(want)) || s.Len() != len(want)+1 {
				t.Errorf("number of a new key = %d, len %d; want %d, %d", id, s.Len(), len(want), len(want)+1)
			}
			for i := 0; i < 1000; i++ {
				k := fmt.Sprintf("absent%d@example.org", i)
				if id, ok := s.Find([]byte(k), s.Hash([]byte(k))); ok {
					t.Fatalf("find(%q) = %d, never added", k, id)
				}
			}
		})
	}
	t.Run("long keys", func(t *testing.T) {
		s := newSet(2)
		long := strings.Repeat("x", 1<<lenBits)
		for i, k := range []string{"a@b", long, long + "@", "c@d"} {
			h := s.Hash([]byte(k))
			if id := s.Add([]byte(k), h); id != int32(i) {
				t.Fatalf("key %d numbered %d", i, id)
			}
		}
		for i, k := range []string{"a@b", long, long + "@", "c@d"} {
			if id, ok := s.Find([]byte(k), s.Hash([]byte(k))); !ok || id != int32(i) {
				t.Errorf("key %d: find = %d, %v", i, id, ok)
			}
		}
		if _, ok := s.Find([]byte(long[1:]), s.Hash([]byte(long[1:]))); ok {
			t.Errorf("a long key never added was found")
		}
	})
}

func newSet(keys int) Set { return New(keys, 0) }
