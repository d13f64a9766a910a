package formats

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// The output sets and files being written, so that an interrupt can throw
// them away before the process exits.
var live struct {
	sync.Mutex
	m map[aborter]bool
}

type aborter interface{ abort() bool }

func register(a aborter) {
	live.Lock()
	if live.m == nil {
		live.m = map[aborter]bool{}
	}
	live.m[a] = true
	live.Unlock()
}

func unregister(a aborter) {
	live.Lock()
	delete(live.m, a)
	live.Unlock()
}

// AbortAll aborts every output set and atomic file still being written,
// for a process about to exit on a signal: their temporary folders and
// files are removed, the earlier outputs stay as they were. Writers still
// running meanwhile can no longer create files in them. It returns how many
// it aborted; an output set that is committing is waited for (the swap is
// one rename), and then counts as committed, not aborted.
func AbortAll() int {
	live.Lock()
	var all []aborter
	for a := range live.m {
		all = append(all, a)
	}
	live.Unlock()
	n := 0
	for _, a := range all {
		if a.abort() {
			n++
		}
	}
	return n
}

// testHook lets the end-to-end tests stop a run at a chosen moment, to kill
// or interrupt it there: CIVISYNC_TEST_HOOK=pause:POINT prints one line and
// waits forever at POINT, fail:POINT makes POINT fail. Points: open (the
// set is ready, nothing read yet), write (the first output file is open),
// swap (the new set is complete, the swap is next), cleanup (swapped, the
// earlier set not yet removed). Unset, it costs one comparison.
func testHook(point string) error {
	if testHookSpec == "" {
		return nil
	}
	what, at, _ := strings.Cut(testHookSpec, ":")
	if at != point {
		return nil
	}
	switch what {
	case "pause":
		fmt.Fprintf(os.Stderr, "civisync: test hook: paused at %s\n", point)
		for {
			time.Sleep(time.Hour)
		}
	case "fail":
		return fmt.Errorf("test hook: failing at %s", point)
	}
	return nil
}

var testHookSpec = os.Getenv("CIVISYNC_TEST_HOOK")

// abandon aborts an output set of this process into the folder real that
// was left neither committed nor aborted (a panic unwound past its owner):
// it would hold the folder's lock against the process itself.
func abandon(real string) {
	live.Lock()
	var old []*OutputSet
	for a := range live.m {
		if o, ok := a.(*OutputSet); ok && o.real == real {
			old = append(old, o)
		}
	}
	live.Unlock()
	for _, o := range old {
		o.mu.Lock()
		o.created = false // the folder is the new set's now
		o.abortLocked()
		o.mu.Unlock()
	}
}
