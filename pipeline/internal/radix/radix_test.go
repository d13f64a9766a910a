package radix

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 100, 320, 1000, 5000} {
		for _, bits := range []uint{0, 1, 8, 23, 40, 64} {
			a := make([]uint64, n)
			for i := range a {
				a[i] = r.Uint64() >> (64 - bits) // 0 when bits is 0
			}
			if bits == 40 { // a byte all share in the middle
				for i := range a {
					a[i] = a[i]&^(0xff<<16) | 0x5a<<16
				}
			}
			want := slices.Sorted(slices.Values(a))
			if got := Sort(a, make([]uint64, n)); !slices.Equal(got, want) {
				t.Errorf("%d numbers of %d bits: Sort is not sorted", n, bits)
			}
		}
	}
}

// BenchmarkSort: a large group's packed member rows.
func BenchmarkSort(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	a := make([]uint64, 100_000)
	for i := range a {
		a[i] = r.Uint64() >> 30
	}
	work, tmp := make([]uint64, len(a)), make([]uint64, len(a))
	for b.Loop() {
		copy(work, a)
		Sort(work, tmp)
	}
}
