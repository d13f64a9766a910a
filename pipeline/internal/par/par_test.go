package par

import "testing"

// TestChunks: every item is handed to exactly one worker, whatever the
// workers and chunk size.
func TestChunks(t *testing.T) {
	for _, workers := range []int{1, 2, 7} {
		for _, n := range []int{0, 1, 15, 16, 17, 1000} {
			seen := make([]Counter, n)
			Chunks(n, workers, 16, func() func(int) { return func(i int) { seen[i].Add(1) } })
			for i := range seen {
				if c := seen[i].Add(0); c != 1 {
					t.Fatalf("workers %d, n %d: item %d handed out %d times", workers, n, i, c)
				}
			}
		}
	}
}

// TestRescue: a goroutine's panic is carried back to the one that waits.
func TestRescue(t *testing.T) {
	var r Rescue
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.Catch()
		panic("boom")
	}()
	<-done
	if !r.Caught() {
		t.Fatal("panic not caught")
	}
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("rethrown %v", v)
		}
	}()
	r.Rethrow()
}

func TestBackground(t *testing.T) {
	release := make(chan struct{})
	wait := Background(func() int { <-release; return 42 })
	close(release)
	if got := wait(); got != 42 {
		t.Errorf("Background returned %d, want 42", got)
	}
	wait = Background(func() int { panic("boom") })
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("rethrown %v", v)
		}
	}()
	wait()
	t.Error("the panic was not rethrown")
}

// TestEachRethrows: a worker's panic reaches the caller of Each (and so of
// Chunks and For), after every worker is done, instead of ending the
// process.
func TestEachRethrows(t *testing.T) {
	var done Counter
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("rethrown %v", v)
		}
		if n := done.Add(0); n != 3 {
			t.Errorf("%d of 3 other workers done before the panic came back", n)
		}
	}()
	Each(4, func(w int) {
		if w == 2 {
			panic("boom")
		}
		done.Add(1)
	})
	t.Error("the panic was not rethrown")
}

// TestFor: every i is done once.
func TestFor(t *testing.T) {
	for _, n := range []int{0, 1, 5, 100} {
		seen := make([]Counter, n)
		For(n, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if c := seen[i].Add(0); c != 1 {
				t.Fatalf("n %d: %d done %d times", n, i, c)
			}
		}
	}
}

// TestOnce: goroutines asking at once all get the one value kept.
func TestOnce(t *testing.T) {
	var o Once[int]
	got := make([]*int, 8)
	Each(8, func(w int) { got[w] = o.Get(func() *int { v := w; return &v }) })
	for _, p := range got {
		if p != got[0] {
			t.Fatalf("values %v: not one", got)
		}
	}
	if o.Get(func() *int { t.Error("made again"); return nil }) != got[0] {
		t.Error("a later Get gave another value")
	}
}
