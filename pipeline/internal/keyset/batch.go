package keyset

import "github.com/civisync/civisync/pipeline/internal/mem"

// Batch holds a batch of keys end to end, each with its hash and a tag of
// the caller's (which row it is of), so that their lookups in a Set are
// made stage by stage: hashes, filter words, slots, then the keys' bytes,
// each stage a tight loop of its own with many cache misses in flight at
// once, where a key at a time would wait on memory for each. The zero
// Batch is ready to use; one goroutine at a time.
type Batch[T any] struct {
	text []byte
	keys []batchKey[T]
}

type batchKey[T any] struct {
	end   int   // the key is text[the previous key's end:end]
	id    int32 // the key's number, -1: none (after Number or Lookup)
	valid bool  // the key may be looked up
	pass  bool  // the filter may have it
	h     uint64
	tag   T
}

// Reset empties the batch, keeping its memory.
func (b *Batch[T]) Reset() { b.text, b.keys = b.text[:0], b.keys[:0] }

// Text is the keys' bytes so far, for the caller to append one more key
// to and hand back to Add.
func (b *Batch[T]) Text() []byte { return b.text }

// Add takes back text, Text with one more key appended, and adds that key
// with tag; only a valid key is ever looked up.
func (b *Batch[T]) Add(text []byte, tag T, valid bool) {
	b.text = text
	b.keys = append(b.keys, batchKey[T]{end: len(text), id: -1, valid: valid, tag: tag})
}

// Len is the number of keys in the batch.
func (b *Batch[T]) Len() int { return len(b.keys) }

// Key is the k-th key's bytes.
func (b *Batch[T]) Key(k int) []byte {
	start := 0
	if k > 0 {
		start = b.keys[k-1].end
	}
	return b.text[start:b.keys[k].end]
}

// Tag is the k-th key's tag.
func (b *Batch[T]) Tag(k int) T { return b.keys[k].tag }

// Valid reports whether the k-th key was added as valid.
func (b *Batch[T]) Valid(k int) bool { return b.keys[k].valid }

// ID is the k-th key's number in the set, after Number or Lookup; ok is
// false for a key the set does not have, or not valid.
func (b *Batch[T]) ID(k int) (id int32, ok bool) { return b.keys[k].id, b.keys[k].id >= 0 }

// hash hashes the valid keys for s.
func (b *Batch[T]) hash(s *Set) {
	for k := range b.keys {
		if b.keys[k].valid {
			b.keys[k].h = s.Hash(b.Key(k))
		}
	}
}

// Number numbers the valid keys in s, in order, adding those it does not
// have: f must hold every key of s, and gets the new ones.
func (b *Batch[T]) Number(s *Set, f *Filter) {
	b.hash(s)
	var sum uint64
	for _, k := range b.keys { // loads alone, so that many are in flight
		if k.valid {
			sum += f.Warm(k.h) + s.WarmSlot(k.h)
		}
	}
	mem.Keep(int64(sum))
	for i := range b.keys {
		if k := &b.keys[i]; k.valid {
			k.id = s.number(b.Key(i), k.h, f)
		}
	}
}

// Lookup finds the valid keys in s, f (holding every key of s) in front.
func (b *Batch[T]) Lookup(s *Set, f *Filter) {
	b.hash(s)
	for k := range b.keys {
		key := &b.keys[k]
		key.pass = key.valid && f.MayHave(key.h)
	}
	var sum uint64
	for _, key := range b.keys {
		if key.pass {
			sum += s.WarmSlot(key.h)
		}
	}
	for _, key := range b.keys { // the bytes of the keys the slots hold, to compare
		if key.pass {
			sum += s.WarmKey(key.h)
		}
	}
	mem.Keep(int64(sum))
	for k := range b.keys {
		if key := &b.keys[k]; key.pass {
			if id, ok := s.Find(b.Key(k), key.h); ok {
				key.id = id
			}
		}
	}
}

// number returns key's number, hashed h, adding key if s lacks it. A key
// the filter f has never seen is new: it goes in without a lookup first.
func (s *Set) number(key []byte, h uint64, f *Filter) int32 {
	id, seen := int32(0), f.AddSeen(h)
	if seen {
		id, seen = s.Find(key, h)
	}
	if !seen {
		id = s.Add(key, h)
	}
	return id
}
