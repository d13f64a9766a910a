package pipeline

// chunked holds records' values of varying number (their keys), made a
// chunk of records at a time on several goroutines and read back by
// record: each chunk's values end to end, and where each record's end.
type chunked[T any] struct {
	per  int     // records a chunk
	vals [][]T   // by chunk
	ends []int32 // by record: where its values end in its chunk's
}

// newChunked makes room for n records, per a chunk.
func newChunked[T any](n, per int) chunked[T] {
	return chunked[T]{per: per, vals: make([][]T, (n+per-1)/per), ends: make([]int32, n)}
}

// chunks is how many chunks there are; chunk c holds records
// [c*per, (c+1)*per).
func (c *chunked[T]) chunks() int { return len(c.vals) }

// of is record i's values.
func (c *chunked[T]) of(i int) []T {
	start := int32(0)
	if i%c.per > 0 {
		start = c.ends[i-1]
	}
	return c.vals[i/c.per][start:c.ends[i]]
}

// each yields record i's values one by one.
func (c *chunked[T]) each(i int32, yield func(T)) {
	for _, v := range c.of(int(i)) {
		yield(v)
	}
}
