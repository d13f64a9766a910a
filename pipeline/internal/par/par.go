// Package par holds the small pieces of parallel work the pipeline's stages
// share: how many workers to run, carrying a goroutine's panic back, a
// shared counter and stop flag, a value made once, and handing out work in
// chunks. It keeps
// runtime and sync/atomic out of the domain code.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is how many goroutines CPU-bound work should run on.
func Workers() int { return runtime.GOMAXPROCS(0) }

// Rescue carries a panic out of a goroutine. A panic in a goroutine of its
// own ends the process with a Go stack trace, out of reach of the command's
// recover (one line, exit status 4). Defer Catch in the goroutine and call
// Rethrow, once it is done, in the goroutine that waits for it.
type Rescue struct {
	val any
	ok  bool
}

// Catch must be deferred directly: recover only works there.
func (r *Rescue) Catch() {
	if v := recover(); v != nil {
		r.val, r.ok = v, true
	}
}

// Caught reports whether a panic was caught.
func (r *Rescue) Caught() bool { return r.ok }

// Rethrow panics again with the value caught, if any.
func (r *Rescue) Rethrow() {
	if r.ok {
		panic(r.val)
	}
}

// Background runs fn in a goroutine of its own; the function it returns
// waits for fn, panics again with fn's panic if it had one, and returns
// what fn returned.
func Background[T any](fn func() T) func() T {
	var v T
	var r Rescue
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.Catch()
		v = fn()
	}()
	return func() T {
		<-done
		r.Rethrow()
		return v
	}
}

// Counter is a count several goroutines add to.
type Counter struct{ n atomic.Int64 }

// Add adds n and returns the new count.
func (c *Counter) Add(n int64) int64 { return c.n.Add(n) }

// Flag is a yes/no several goroutines share; it starts as no.
type Flag struct{ b atomic.Bool }

// Set says yes.
func (f *Flag) Set() { f.b.Store(true) }

// IsSet reports whether Set was called.
func (f *Flag) IsSet() bool { return f.b.Load() }

// Each runs fn(w) for every w in [0, workers) at once, and waits. A panic
// in fn panics again in the caller, once all are done (see Rescue).
func Each(workers int, fn func(w int)) {
	if workers == 1 {
		fn(0)
		return
	}
	rescued := make([]Rescue, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			defer rescued[w].Catch()
			fn(w)
		})
	}
	wg.Wait()
	for i := range rescued {
		rescued[i].Rethrow()
	}
}

// For runs do(i) for every i in [0, n) on every core, each once: for a
// few large pieces of work (chunks of rows, a rule's fields).
func For(n int, do func(i int)) {
	Chunks(n, min(Workers(), max(n, 1)), 1, func() func(int) { return do })
}

// Once holds a value made by whichever goroutine first asks for it.
type Once[T any] struct{ p atomic.Pointer[T] }

// Get returns the value, making it with make if none was made yet; if two
// goroutines make it at once, both get the one kept.
func (o *Once[T]) Get(make func() *T) *T {
	if v := o.p.Load(); v != nil {
		return v
	}
	if v := make(); o.p.CompareAndSwap(nil, v) {
		return v
	}
	return o.p.Load()
}

// Chunks runs a function for every i in [0, n) on workers goroutines,
// handing the numbers out chunk at a time so that large and small items
// even out; each worker gets its own function from newFn.
func Chunks(n, workers, chunk int, newFn func() func(i int)) {
	if workers == 1 {
		fn := newFn()
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	Each(workers, func(int) {
		fn := newFn()
		for {
			lo := int(next.Add(int64(chunk))) - chunk
			if lo >= n {
				return
			}
			for i := lo; i < min(lo+chunk, n); i++ {
				fn(i)
			}
		}
	})
}
