// Package dense maps ids to small numbers. CMS user ids are nearly dense,
// so a slice indexed by id does it with one memory access; sparse ids, and
// ids outside the span the index was made for, fall back to a map.
package dense

// Index maps int64 ids to values of V (non-negative numbers).
type Index[V ~int32 | ~int64] struct {
	min   int64
	dense []V // value+1; 0 = absent
	m     map[int64]V
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
	if span := hi - lo + 1; span <= 4*int64(len(ids))+1024 {
		return Index[V]{min: lo, dense: make([]V, span)}
	}
	return Index[V]{m: make(map[int64]V, len(ids))}
}

// Set maps id to v (v >= 0).
func (x *Index[V]) Set(id int64, v V) {
	if d := id - x.min; d >= 0 && d < int64(len(x.dense)) {
		x.dense[d] = v + 1
		return
	}
	if x.m == nil {
		x.m = map[int64]V{}
	}
	x.m[id] = v
}

// Get returns id's value.
func (x *Index[V]) Get(id int64) (V, bool) {
	if d := id - x.min; d >= 0 && d < int64(len(x.dense)) {
		if v := x.dense[d]; v != 0 {
			return v - 1, true
		}
		return 0, false
	}
	v, ok := x.m[id]
	return v, ok
}
