// Package dense maps ids to small numbers. CMS user ids are nearly dense,
// so a slice indexed by id does it with one memory access; sparse ids, and
// ids outside the span the index was made for, fall back to a map.
package dense

// Span is a slice of values over the ids lo..hi, by id - lo: one memory
// access per lookup. An id never set holds the zero V.
type Span[V ~int32 | ~int64] struct {
	lo   int64
	vals []V
}

// Dense reports whether n ids between lo and hi (inclusive) fill enough of
// their span for a Span over it: at most perID slots an id, plus some.
func Dense(lo, hi int64, n int, perID int64) bool {
	span := hi - lo + 1
	return span > 0 && span <= perID*int64(n)+1024
}

// NewSpan makes a Span over lo..hi, every value zero.
func NewSpan[V ~int32 | ~int64](lo, hi int64) Span[V] {
	return Span[V]{lo: lo, vals: make([]V, hi-lo+1)}
}

// Len is the number of ids the span holds: 0 for the zero Span.
func (s *Span[V]) Len() int { return len(s.vals) }

// At returns id's value; in is false for an id outside the span.
func (s *Span[V]) At(id int64) (v V, in bool) {
	if d := uint64(id - s.lo); d < uint64(len(s.vals)) {
		return s.vals[d], true
	}
	return 0, false
}

// Put sets id's value; it does nothing and returns false for an id outside
// the span. Goroutines may Put different ids at once.
func (s *Span[V]) Put(id int64, v V) bool {
	if d := uint64(id - s.lo); d < uint64(len(s.vals)) {
		s.vals[d] = v
		return true
	}
	return false
}

// Index maps int64 ids to values of V (non-negative numbers).
type Index[V ~int32 | ~int64] struct {
	span Span[V] // value+1; 0 = absent
	m    map[int64]V
}

// New makes an index for about the ids given (in any order): dense over
// their span when they fill at least about a quarter of it.
func New[V ~int32 | ~int64](ids []int64) Index[V] {
	if len(ids) == 0 {
		return Index[V]{}
	}
	lo, hi := ids[0], ids[0]
	for _, u := range ids {
		lo, hi = min(lo, u), max(hi, u)
	}
	if Dense(lo, hi, len(ids), 4) {
		return Index[V]{span: NewSpan[V](lo, hi)}
	}
	return Index[V]{m: make(map[int64]V, len(ids))}
}

// Set maps id to v (v >= 0).
func (x *Index[V]) Set(id int64, v V) {
	if x.span.Put(id, v+1) {
		return
	}
	if x.m == nil {
		x.m = map[int64]V{}
	}
	x.m[id] = v
}

// Get returns id's value.
func (x *Index[V]) Get(id int64) (V, bool) {
	if v, in := x.span.At(id); in {
		if v != 0 {
			return v - 1, true
		}
		return 0, false
	}
	v, ok := x.m[id]
	return v, ok
}
