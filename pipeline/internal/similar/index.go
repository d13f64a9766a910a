package similar

import "slices"

// Index pairs records that share a blocking key: the records of one side
// are added under their keys, the other side's keys are looked up. A key
// held by more than Cap records (a common surname) pairs nothing: it
// tells no one apart.
type Index struct {
	Cap   int
	ids   map[uint64]int32 // key -> its list's number
	lists [][]int32
	// bits has one bit per key hash, set by Freeze: most keys looked up
	// are no one's, and one bit turns them away before the map is read.
	bits []uint64
}

// NewIndex returns an empty index whose keys hold at most limit records.
func NewIndex(limit int) *Index { return &Index{Cap: limit, ids: map[uint64]int32{}} }

// Add files record under key, once.
func (x *Index) Add(key uint64, record int32) {
	id, ok := x.ids[key]
	if !ok {
		id = int32(len(x.lists))
		x.ids[key] = id
		x.lists = append(x.lists, nil)
	}
	l := x.lists[id]
	if len(l) > x.Cap || (len(l) > 0 && l[len(l)-1] == record) {
		return
	}
	x.lists[id] = append(l, record)
}

// Freeze readies the index for lookups, which may then run on several
// goroutines at once; no Add may follow.
func (x *Index) Freeze() {
	n := 64
	for n < 16*len(x.ids) {
		n *= 2
	}
	x.bits = make([]uint64, n/64)
	for k := range x.ids {
		b := k & uint64(n-1)
		x.bits[b/64] |= 1 << (b % 64)
	}
}

// Lookup is the records filed under key, nil when none or too many.
func (x *Index) Lookup(key uint64) []int32 {
	if x.bits != nil {
		b := key & uint64(len(x.bits)*64-1)
		if x.bits[b/64]&(1<<(b%64)) == 0 {
			return nil
		}
	}
	id, ok := x.ids[key]
	if !ok {
		return nil
	}
	if l := x.lists[id]; len(l) <= x.Cap {
		return l
	}
	return nil
}

// Len is the number of keys.
func (x *Index) Len() int { return len(x.ids) }

// Sorted returns ids sorted without repeats, reusing its memory.
func Sorted(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
