package similar

import (
	"cmp"
	"math/bits"
	"slices"
)

// Index pairs records that share a blocking key: the records of one side
// are added under their keys, the other side's keys are looked up. A key
// held by more than Cap records (a common surname) pairs nothing: it
// tells no one apart.
//
// Keys are hashes, spread evenly: Freeze lays the entries out by their top
// bits in one counting pass, so a lookup reads one bucket of about one
// entry, and a bit per key hash turns most keys away before that.
type Index struct {
	Cap     int
	pending []entry
	shift   uint     // 64 - the directory's bits
	start   []int32  // bucket b's entries: keys[start[b]:start[b+1]]
	keys    []uint64 // by bucket
	recs    []int32
	bits    []uint64 // one bit per key hash
}

type entry struct {
	key uint64
	rec int32
}

// NewIndex returns an empty index whose keys hold at most limit records.
func NewIndex(limit int) *Index { return &Index{Cap: limit} }

// Add files record under key.
func (x *Index) Add(key uint64, record int32) {
	x.pending = append(x.pending, entry{key, record})
}

// Grow makes room for n more Adds.
func (x *Index) Grow(n int) { x.pending = slices.Grow(x.pending, n) }

// Freeze readies the index for lookups, which may then run on several
// goroutines at once; no Add may follow. Keys held by more than Cap
// records are dropped here, so no bucket is long.
func (x *Index) Freeze() {
	n := len(x.pending)
	b := max(bits.Len(uint(n))-2, 1) // two to four entries a bucket
	x.shift = uint(64 - b)
	start := make([]int32, 1<<b+1, 1<<b+2) // room for the end mark below
	for _, e := range x.pending {
		start[e.key>>x.shift+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	// Laid out by bucket straight into the keys and records: no third copy
	// of the entries at the peak. Each bucket fills from its end, the
	// entries taken last first, so start[b] ends at the bucket's first
	// entry and the records keep the order added.
	keys, recs := make([]uint64, n), make([]int32, n)
	for i := len(x.pending) - 1; i >= 0; i-- {
		e := x.pending[i]
		b := e.key>>x.shift + 1
		start[b]--
		keys[start[b]], recs[start[b]] = e.key, e.rec
	}
	start = append(start[1:], int32(n)) // bucket b's entries: start[b]:start[b+1]
	x.pending = nil
	// Keys over Cap left out, the rest moved down in place; a bucket that
	// may hold one is put in key order first (records stay in the order
	// added). Lookup reads a bucket whole, in any order.
	w := int32(0)
	for bk := 0; bk < len(start)-1; bk++ {
		lo, hi := start[bk], start[bk+1]
		start[bk] = w
		if int(hi-lo) <= x.Cap { // no key here can be over Cap: as it is
			if w != lo {
				copy(keys[w:], keys[lo:hi])
				copy(recs[w:], recs[lo:hi])
			}
			w += hi - lo
			continue
		}
		sortBucket(keys[lo:hi], recs[lo:hi])
		for i := lo; i < hi; {
			j := i + 1
			for j < hi && keys[j] == keys[i] {
				j++
			}
			if int(j-i) <= x.Cap {
				copy(keys[w:], keys[i:j])
				copy(recs[w:], recs[i:j])
				w += j - i
			}
			i = j
		}
	}
	start[len(start)-1] = w
	x.start, x.keys, x.recs = start, keys[:w:w], recs[:w:w]
	m := 64
	for m < 16*len(x.keys) {
		m *= 2
	}
	x.bits = make([]uint64, m/64)
	for _, k := range x.keys {
		k &= uint64(m - 1)
		x.bits[k/64] |= 1 << (k % 64)
	}
}

// sortBucket sorts a bucket's keys, and its records with them, stably:
// by insertion, as a bucket holds about one entry, unless it is long.
func sortBucket(keys []uint64, recs []int32) {
	if len(keys) > 32 {
		run := make([]entry, len(keys))
		for i := range run {
			run[i] = entry{keys[i], recs[i]}
		}
		slices.SortStableFunc(run, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
		for i, e := range run {
			keys[i], recs[i] = e.key, e.rec
		}
		return
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
			recs[j], recs[j-1] = recs[j-1], recs[j]
		}
	}
}

// Lookup appends the records filed under key to dst; none when there are
// more than Cap.
func (x *Index) Lookup(key uint64, dst []int32) []int32 {
	if len(x.bits) == 0 {
		return dst
	}
	k := key & uint64(len(x.bits)*64-1)
	if x.bits[k/64]&(1<<(k%64)) == 0 {
		return dst
	}
	b := key >> x.shift
	for i := x.start[b]; i < x.start[b+1]; i++ {
		if x.keys[i] == key {
			dst = append(dst, x.recs[i])
		}
	}
	return dst
}

// Sorted returns ids sorted without repeats, reusing its memory.
func Sorted(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
