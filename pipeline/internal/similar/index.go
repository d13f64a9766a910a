package similar

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/civisync/civisync/pipeline/internal/par"
)

// Index pairs records that share a blocking key: the records of one side
// are filed under their keys, the other side's keys are looked up. A key
// held by more than Cap records (a common surname) pairs nothing: it
// tells no one apart.
//
// Keys are hashes, spread evenly: the entries are laid out by their top
// bits, a bucket of one or two entries for each value of them, and each
// bucket carries a small filter (three bits a key) that turns most absent
// keys away with the one load that finds the bucket.
type Index struct {
	Cap   int
	shift uint     // 64 - the buckets' bits: a key's bucket is its top bits
	dir   []bucket // one a bucket, and an end mark
	keys  []uint64 // by bucket
	recs  []int32
}

// bucket is where a bucket's entries start in keys and recs, and a filter
// of its keys: the filter shares the bucket's cache line.
type bucket struct {
	start  int32
	filter uint32
}

// filterBits are the three bits of a bucket's filter a key sets: with
// one or two keys a bucket, one absent key in 90 to 350 gets past.
func filterBits(key uint64) uint32 { return 1<<(key&31) | 1<<(key>>5&31) | 1<<(key>>10&31) }

// partBits: the entries are first spread over 1<<partBits parts by their
// top bits, so that the parts can be laid out by bucket on several cores.
const partBits = 10

// BuildIndex files records 0 to n-1 under the keys their keysOf yields;
// a key yielded by more than limit records pairs nothing. newKeysOf makes
// a keysOf for each goroutine that builds (each may keep its own scratch
// in it); every record's keys are asked for twice, and must come the same
// both times: the entries are counted first, then laid out straight where
// they go, with no list of them in between. Lookups may run on several
// goroutines at once.
func BuildIndex(limit, n int, newKeysOf func() func(rec int32, yield func(key uint64))) *Index {
	x := &Index{Cap: limit}
	workers := par.Workers()
	ranges := min(n, 8*workers) // of records, each counted and placed by one goroutine
	if ranges == 0 {
		x.dir = make([]bucket, 3)
		x.shift = 63
		return x
	}
	rangeOf := func(r int) (int, int) { return r * n / ranges, (r + 1) * n / ranges }
	eachRange := func(do func(r int, keysOf func(int32, func(uint64)))) {
		par.Chunks(ranges, min(workers, ranges), 1, func() func(int) {
			keysOf := newKeysOf()
			return func(r int) { do(r, keysOf) }
		})
	}
	// Counted by range and part: count[r][p].
	const parts = 1 << partBits
	count := make([][]int32, ranges)
	eachRange(func(r int, keysOf func(int32, func(uint64))) {
		c := make([]int32, parts)
		lo, hi := rangeOf(r)
		add := func(key uint64) { c[key>>(64-partBits)]++ } // one closure a range, not a record
		for i := lo; i < hi; i++ {
			keysOf(int32(i), add)
		}
		count[r] = c
	})
	total := 0
	for _, c := range count {
		for _, k := range c {
			total += int(k)
		}
	}
	b := max(bits.Len(uint(total))-1, 1) // one or two entries a bucket
	x.shift = uint(64 - b)
	pb := min(b, partBits) // a part holds whole buckets
	if pb < partBits {
		for _, c := range count {
			for p := range 1 << pb {
				sum := int32(0)
				for _, k := range c[p<<(partBits-pb) : (p+1)<<(partBits-pb)] {
					sum += k
				}
				c[p] = sum
			}
		}
	}
	nparts := 1 << pb
	// Where each range's entries of each part go: the parts in order, and
	// in a part the ranges in order, so records keep the order of their
	// numbers within a key.
	partStart := make([]int32, nparts+1)
	pos := int32(0)
	for p := range nparts {
		partStart[p] = pos
		for _, c := range count {
			c[p], pos = pos, pos+c[p]
		}
	}
	partStart[nparts] = pos
	x.keys, x.recs = make([]uint64, total), make([]int32, total)
	eachRange(func(r int, keysOf func(int32, func(uint64))) {
		at := count[r]
		lo, hi := rangeOf(r)
		var rec int32
		file := func(key uint64) {
			p := key >> (64 - pb)
			x.keys[at[p]], x.recs[at[p]] = key, rec
			at[p]++
		}
		for i := lo; i < hi; i++ {
			rec = int32(i)
			keysOf(rec, file)
		}
	})
	count = nil
	// Each part laid out by bucket, keys over Cap left out.
	x.dir = make([]bucket, 1<<b+1)
	partEnd := make([]int32, nparts)
	const chunk = 64 // parts
	par.Chunks(nparts, min(workers, (nparts+chunk-1)/chunk), chunk, func() func(p int) {
		var l layout
		return func(p int) { partEnd[p] = x.layOut(&l, p, pb, partStart[p], partStart[p+1]) }
	})
	// Parts that dropped keys left gaps: the later parts move down.
	gap := int32(0)
	for p := range nparts {
		lo, end := partStart[p], partEnd[p]
		if gap > 0 {
			copy(x.keys[lo-gap:], x.keys[lo:end])
			copy(x.recs[lo-gap:], x.recs[lo:end])
			for bk := p << (b - pb); bk < (p+1)<<(b-pb); bk++ {
				x.dir[bk].start -= gap
			}
		}
		gap += partStart[p+1] - end
	}
	kept := int32(total) - gap
	x.dir[1<<b].start = kept
	x.keys, x.recs = x.keys[:kept:kept], x.recs[:kept:kept]
	return x
}

// layout is one goroutine's scratch for laying parts out.
type layout struct {
	count []int32
	run   []entry
}

type entry struct {
	key uint64
	rec int32
}

// layOut puts part p's entries, keys[lo:hi] in the order filed, in order
// of bucket (stably), leaves out the keys held by more than Cap records,
// and fills the part's buckets in dir. It returns where the part's kept
// entries end.
func (x *Index) layOut(l *layout, p, pb int, lo, hi int32) int32 {
	b := 64 - int(x.shift)
	first, nb := p<<(b-pb), 1<<(b-pb) // the part's buckets
	l.count = slices.Grow(l.count[:0], nb+1)[:nb+1]
	clear(l.count)
	l.run = slices.Grow(l.run[:0], int(hi-lo))[:hi-lo]
	for i := lo; i < hi; i++ {
		l.run[i-lo] = entry{x.keys[i], x.recs[i]}
		l.count[int(x.keys[i]>>x.shift)-first+1]++
	}
	for i := 1; i <= nb; i++ {
		l.count[i] += l.count[i-1]
	}
	for _, e := range l.run { // count[k] walks bucket k's entries
		at := lo + l.count[int(e.key>>x.shift)-first]
		x.keys[at], x.recs[at] = e.key, e.rec
		l.count[int(e.key>>x.shift)-first]++
	}
	// count[k] now ends bucket k; it starts where bucket k-1 ends.
	w := lo
	for k := range nb {
		blo := lo
		if k > 0 {
			blo += l.count[k-1]
		}
		bhi := lo + l.count[k]
		d := &x.dir[first+k]
		d.start = w
		if int(bhi-blo) > x.Cap { // a key here may be over Cap
			sortBucket(x.keys[blo:bhi], x.recs[blo:bhi])
		}
		for i := blo; i < bhi; {
			j := i + 1
			for j < bhi && x.keys[j] == x.keys[i] {
				j++
			}
			if int(bhi-blo) <= x.Cap || int(j-i) <= x.Cap {
				copy(x.keys[w:], x.keys[i:j])
				copy(x.recs[w:], x.recs[i:j])
				w += j - i
				d.filter |= filterBits(x.keys[i])
			}
			i = j
		}
	}
	return w
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

// mayHave reports whether key may be filed; false is sure.
func (x *Index) mayHave(key uint64) bool {
	f := filterBits(key)
	return x.dir[key>>x.shift].filter&f == f
}

// Lookup appends the records filed under key to dst; none when there are
// more than Cap.
func (x *Index) Lookup(key uint64, dst []int32) []int32 {
	if !x.mayHave(key) {
		return dst
	}
	bk := key >> x.shift
	for i, end := x.dir[bk].start, x.dir[bk+1].start; i < end; i++ {
		if x.keys[i] == key {
			dst = append(dst, x.recs[i])
		}
	}
	return dst
}

// mayHaveAny reports whether any of keys may be filed; false is sure.
// The keys' buckets are read all at once, so that their loads overlap:
// most keys of a record are filed nowhere, and most records meet nothing.
func (x *Index) mayHaveAny(keys []uint64) bool {
	some := false
	for _, k := range keys {
		if x.mayHave(k) {
			some = true
		}
	}
	return some
}

// LookupAll appends the records filed under each of keys to dst, after
// mayHaveAny.
func (x *Index) LookupAll(keys []uint64, dst []int32) []int32 {
	if !x.mayHaveAny(keys) {
		return dst
	}
	for _, k := range keys {
		dst = x.Lookup(k, dst)
	}
	return dst
}

// Len is the number of entries filed.
func (x *Index) Len() int { return len(x.keys) }

// Sorted returns ids sorted without repeats, reusing its memory.
func Sorted(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
