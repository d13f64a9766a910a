// Package keyset numbers distinct byte strings (the users' e-mail keys) in
// a table the garbage collector need not scan, with a Bloom filter in front
// that turns away most strings the table does not have with one memory
// access. Lookups take a hash made once by the caller, so that a batch of
// keys can be hashed, warmed (WarmSlot, WarmKey, Filter.Warm) and looked up
// stage by stage, many cache misses in flight at once.
package keyset

import (
	"hash/maphash"

	"github.com/civisync/civisync/pipeline/internal/mem"
)

// Filter is a Bloom filter over keys' hashes. Each key sets 4 bits of one
// 64-bit word, so a test is one access.
type Filter struct {
	words []uint64
}

// NewFilter sizes the filter at about 16 bits a key (or more, for fewer
// keys than planned): about 1 in 200 keys never added get past it.
func NewFilter(keys int) Filter {
	n := 64
	for n < keys/4 {
		n <<= 1
	}
	return Filter{words: make([]uint64, n)}
}

// slot is the word a key's hash picks (its low bits) and the 4 bits set in
// it (6 high bits each).
func (f *Filter) slot(h uint64) (*uint64, uint64) {
	bits := uint64(1)<<(h>>40&63) | uint64(1)<<(h>>46&63) | uint64(1)<<(h>>52&63) | uint64(1)<<(h>>58)
	return &f.words[h&uint64(len(f.words)-1)], bits
}

// AddSeen adds the key hashed h, reporting whether the filter may have had
// it already.
func (f *Filter) AddSeen(h uint64) bool {
	w, bits := f.slot(h)
	seen := *w&bits == bits
	*w |= bits
	return seen
}

// MayHave is false only for a key never added.
func (f *Filter) MayHave(h uint64) bool {
	w, bits := f.slot(h)
	return *w&bits == bits
}

// Warm loads the word the key hashed h tests, and returns it to be kept
// (mem.Keep).
func (f *Filter) Warm(h uint64) uint64 { return f.words[h&uint64(len(f.words)-1)] }

// Set numbers distinct keys: an open-addressing hash table whose slots
// point into one byte arena. It holds no pointers, so the collector skips
// it however many keys it has (a map[string]int32 gives it a string per
// key to mark on every cycle), and a key found costs two cache misses, its
// slot and its bytes.
type Set struct {
	seed  maphash.Seed
	slots []slot // a power of two of them, at most 3/4 used
	text  []byte // the keys, end to end
	n     int32  // keys so far
	long  map[string]int32
}

// slot is a key in Set: its bytes in text, its number, and the high half
// of its hash, so that a probe compares bytes only when these agree.
type slot struct {
	ref uint64 // offset in text << lenBits | length
	tag uint32
	id  int32 // key number + 1; 0: the slot is empty
}

// lenBits bounds the keys a slot holds to 16 MiB; longer ones, never
// e-mail addresses, go to Set.long.
const lenBits = 24

// New makes a set sized for keys keys and bytes bytes of them.
func New(keys, bytes int) Set {
	n := 16
	for n*3 < keys*4 {
		n <<= 1
	}
	slots := make([]slot, n)
	mem.Prefault(slots, func(s *slot) { s.id = 0 }) // slots are read (warmed) before written
	return Set{seed: maphash.MakeSeed(), slots: slots, text: make([]byte, 0, bytes)}
}

// Hash is the hash of key that the other methods take.
func (s *Set) Hash(key []byte) uint64 { return maphash.Bytes(s.seed, key) }

// Len is how many keys s has.
func (s *Set) Len() int { return int(s.n) }

// home is the first slot a key hashed h may be in.
func (s *Set) home(h uint64) uint64 { return h & uint64(len(s.slots)-1) }

// WarmSlot loads the first slot the key hashed h may be in, and returns
// what it holds to be kept (mem.Keep).
func (s *Set) WarmSlot(h uint64) uint64 { return uint64(s.slots[s.home(h)].id) }

// WarmKey loads the first byte of the key in h's home slot, when its tag is
// h's: the bytes Find compares. It returns the byte, to be kept.
func (s *Set) WarmKey(h uint64) uint64 {
	sl := &s.slots[s.home(h)]
	if sl.id == 0 || sl.tag != uint32(h>>32) || sl.ref&(1<<lenBits-1) == 0 {
		return 0
	}
	return uint64(s.text[sl.ref>>lenBits])
}

// Find returns the number of key, hashed h.
func (s *Set) Find(key []byte, h uint64) (int32, bool) {
	if len(key) >= 1<<lenBits {
		id, ok := s.long[string(key)]
		return id, ok
	}
	mask, tag := uint64(len(s.slots)-1), uint32(h>>32)
	for i := s.home(h); ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.id == 0 {
			return 0, false
		}
		if sl.tag == tag && sl.ref&(1<<lenBits-1) == uint64(len(key)) {
			off := sl.ref >> lenBits
			if string(s.text[off:off+uint64(len(key))]) == string(key) {
				return sl.id - 1, true
			}
		}
	}
}

// Number returns key's number, adding key if s lacks it.
func (s *Set) Number(key []byte) int32 {
	h := s.Hash(key)
	if id, ok := s.Find(key, h); ok {
		return id
	}
	return s.Add(key, h)
}

// Add numbers key, hashed h, which s does not have.
func (s *Set) Add(key []byte, h uint64) int32 {
	id := s.n
	s.n++
	if len(key) >= 1<<lenBits {
		if s.long == nil {
			s.long = map[string]int32{}
		}
		s.long[string(key)] = id
		return id
	}
	if (int(s.n)-len(s.long))*4 > len(s.slots)*3 {
		s.grow()
	}
	off := uint64(len(s.text))
	s.text = append(s.text, key...)
	s.put(slot{ref: off<<lenBits | uint64(len(key)), tag: uint32(h >> 32), id: id + 1}, h)
	return id
}

func (s *Set) put(sl slot, h uint64) {
	mask := uint64(len(s.slots) - 1)
	i := s.home(h)
	for s.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = sl
}

// grow doubles the slots; New sizes them for every key planned, so only a
// set used otherwise grows.
func (s *Set) grow() {
	old := s.slots
	s.slots = make([]slot, 2*len(old))
	for _, sl := range old {
		if sl.id != 0 {
			off, n := sl.ref>>lenBits, sl.ref&(1<<lenBits-1)
			s.put(sl, s.Hash(s.text[off:off+n]))
		}
	}
}
