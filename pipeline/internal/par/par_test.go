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
