// Package mem holds the memory machinery of a large run: a text arena for
// the cells kept rows hold, prefaulting of large slices, the sink that keeps
// cache-warming loads, and the collections a run asks for between stages.
// The domain code says what it keeps; this package says how it is held.
package mem

import (
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Prefault writes, through set, to enough elements of s[:cap(s)] to touch
// every memory page of it; set must write a word holding no pointer. The
// garbage collector reads every pointer slot of a large slice, written or
// not: on memory never written, that maps the kernel's zero page, and each
// page then takes a second fault when written, one that also flushes the
// TLBs of the other cores, which costs far more than the first. Written
// once at the start, the pages are simply there.
func Prefault[T any](s []T, set func(*T)) {
	s = s[:cap(s)]
	step := max(1, 4096/int(reflect.TypeFor[T]().Size())) // the smallest page size
	for i := 0; i < len(s); i += step {
		set(&s[i])
	}
	if len(s) > 0 {
		set(&s[len(s)-1])
	}
}

// Text copies the cells a kept row needs into large shared blocks: the row
// then holds those bytes instead of its whole line, and the collector finds
// a few large blocks behind many strings. Bytes once handed out as a string
// are never written again: a full block is left to its strings. The zero
// Text is ready to use; one goroutine at a time.
type Text struct {
	block    []byte
	lastFile string
}

// Block is the size of Text's blocks.
const Block = 64 << 10

// Copy returns a copy of s that does not hold on to s's memory.
func (a *Text) Copy(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) > Block/8:
		return strings.Clone(s)
	case cap(a.block)-len(a.block) < len(s):
		a.block = make([]byte, 0, Block)
	}
	a.block = append(a.block, s...)
	b := a.block[len(a.block)-len(s):]
	return unsafe.String(&b[0], len(b))
}

// File copies a row's source file name; rows name the same few files over
// and over, so the last one is reused.
func (a *Text) File(name string) string {
	if name != a.lastFile {
		a.lastFile = strings.Clone(name)
	}
	return a.lastFile
}

// String is the bytes of b as a string, without a copy: b must never be
// written again while the string is in use.
func String(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// sink keeps what the warming loops sum, so that the compiler keeps their
// loads. Atomic: workers warm at the same time.
var sink atomic.Int64

// Keep keeps v, a sum of loads made only to bring memory into the cache,
// so that the compiler does not drop them.
func Keep(v int64) { sink.Store(v) }

// Collect runs a garbage collection now: for a stage that has just let go
// of a large table, so that the next stage reuses its memory instead of
// fresh pages, which cost more than the collection.
func Collect() { runtime.GC() }

// CollectBeside runs a garbage collection on a goroutine of its own,
// beside the work that goes on.
func CollectBeside() { go runtime.GC() }

// Relax lets the heap grow twice as far between collections until the
// function it returns is called: for a stretch where a large live heap (every
// contact held) would be marked again and again for little garbage. A
// collector turned off (GOGC=off) stays off.
func Relax() (restore func()) {
	old := debug.SetGCPercent(-1)
	if old < 0 {
		return func() {}
	}
	debug.SetGCPercent(2 * old)
	return func() { debug.SetGCPercent(old) }
}
