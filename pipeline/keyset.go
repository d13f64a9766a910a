package pipeline

import "hash/maphash"

// keyFilter is a Bloom filter over the users' e-mail keys. Most e-mails of
// a large contacts export are no user's; the filter turns those away with
// one access to a small array where the key set costs a cache miss or
// more. Each key sets 4 bits of one 64-bit word, so a test is one access.
type keyFilter struct {
	words []uint64
}

// newKeyFilter sizes the filter at about 16 bits a key (or more, for fewer
// keys than planned): about 1 in 200 e-mails that are no user's get past it.
func newKeyFilter(keys int) keyFilter {
	n := 64
	for n < keys/4 {
		n <<= 1
	}
	return keyFilter{words: make([]uint64, n)}
}

// slot is the word a key's hash picks (its low bits) and the 4 bits set in
// it (6 high bits each).
func (f *keyFilter) slot(h uint64) (*uint64, uint64) {
	bits := uint64(1)<<(h>>40&63) | uint64(1)<<(h>>46&63) | uint64(1)<<(h>>52&63) | uint64(1)<<(h>>58)
	return &f.words[h&uint64(len(f.words)-1)], bits
}

// addSeen adds the key hashed h, reporting whether the filter may have had
// it already.
func (f *keyFilter) addSeen(h uint64) bool {
	w, bits := f.slot(h)
	seen := *w&bits == bits
	*w |= bits
	return seen
}

// mayHave is false only for a key never added.
func (f *keyFilter) mayHave(h uint64) bool {
	w, bits := f.slot(h)
	return *w&bits == bits
}

// keySet numbers distinct keys: an open-addressing hash table whose slots
// point into one byte arena. It holds no pointers, so the collector skips
// it however many keys it has (a map[string]int32 gives it a string per
// key to mark on every cycle), and a key found costs two cache misses, its
// slot and its bytes.
type keySet struct {
	seed  maphash.Seed
	slots []keySlot // a power of two of them, at most 3/4 used
	text  []byte    // the keys, end to end
	n     int32     // keys so far
	long  map[string]int32
}

// keySlot is a key in keySet: its bytes in text, its number, and the high
// half of its hash, so that a probe compares bytes only when these agree.
type keySlot struct {
	ref uint64 // offset in text << keyLenBits | length
	tag uint32
	id  int32 // key number + 1; 0: the slot is empty
}

// keyLenBits bounds the keys a slot holds to 16 MiB; longer ones, never
// e-mail addresses, go to keySet.long.
const keyLenBits = 24

func newKeySet(keys int) keySet {
	n := 16
	for n*3 < keys*4 {
		n <<= 1
	}
	slots := make([]keySlot, n)
	prefault(slots, func(s *keySlot) { s.id = 0 }) // see prefault: slots are read (warmed) before written
	return keySet{seed: maphash.MakeSeed(), slots: slots}
}

func (s *keySet) hash(key []byte) uint64 { return maphash.Bytes(s.seed, key) }

// len is how many keys s has.
func (s *keySet) len() int { return int(s.n) }

// home is the first slot a key hashed h may be in.
func (s *keySet) home(h uint64) uint64 { return h & uint64(len(s.slots)-1) }

// warm loads the first byte of the key in h's home slot, when its tag is
// h's: the bytes find compares. It returns the byte, to be kept.
func (s *keySet) warm(h uint64) uint64 {
	sl := &s.slots[s.home(h)]
	if sl.id == 0 || sl.tag != uint32(h>>32) || sl.ref&(1<<keyLenBits-1) == 0 {
		return 0
	}
	return uint64(s.text[sl.ref>>keyLenBits])
}

// find returns the number of key, hashed h.
func (s *keySet) find(key []byte, h uint64) (int32, bool) {
	if len(key) >= 1<<keyLenBits {
		id, ok := s.long[string(key)]
		return id, ok
	}
	mask, tag := uint64(len(s.slots)-1), uint32(h>>32)
	for i := s.home(h); ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.id == 0 {
			return 0, false
		}
		if sl.tag == tag && sl.ref&(1<<keyLenBits-1) == uint64(len(key)) {
			off := sl.ref >> keyLenBits
			if string(s.text[off:off+uint64(len(key))]) == string(key) {
				return sl.id - 1, true
			}
		}
	}
}

// add numbers key, hashed h, which s does not have.
func (s *keySet) add(key []byte, h uint64) int32 {
	id := s.n
	s.n++
	if len(key) >= 1<<keyLenBits {
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
	s.put(keySlot{ref: off<<keyLenBits | uint64(len(key)), tag: uint32(h >> 32), id: id + 1}, h)
	return id
}

func (s *keySet) put(sl keySlot, h uint64) {
	mask := uint64(len(s.slots) - 1)
	i := s.home(h)
	for s.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = sl
}

// grow doubles the slots; newKeySet sizes them for every user's key, so
// only a set used otherwise grows.
func (s *keySet) grow() {
	old := s.slots
	s.slots = make([]keySlot, 2*len(old))
	for _, sl := range old {
		if sl.id != 0 {
			off, n := sl.ref>>keyLenBits, sl.ref&(1<<keyLenBits-1)
			s.put(sl, s.hash(s.text[off:off+n]))
		}
	}
}
