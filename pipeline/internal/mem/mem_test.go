package mem

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestTextArena: copies read as the strings copied, across block boundaries
// and for cells too large for a block, and stay so as more is copied.
func TestTextArena(t *testing.T) {
	var a Text
	var want, got []string
	for i := 0; i < 20_000; i++ {
		s := strings.Repeat(string(rune('a'+i%26)), i%97)
		if i%5000 == 0 {
			s = strings.Repeat("x", Block) // its own allocation
		}
		want = append(want, s)
		got = append(got, a.Copy(s))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("copy %d reads %q, want %q", i, got[i], want[i])
		}
	}
	if f := a.File("users.csv"); f != "users.csv" || a.File("users.csv") != f || a.File("other.csv") != "other.csv" {
		t.Errorf("file names: %q", f)
	}
}

func TestRelax(t *testing.T) {
	old := debug.SetGCPercent(40)
	defer debug.SetGCPercent(old)
	restore := Relax()
	if got := debug.SetGCPercent(80); got != 80 {
		t.Errorf("relaxed: GC percent %d, want 80", got)
	}
	restore()
	if got := debug.SetGCPercent(40); got != 40 {
		t.Errorf("restored: GC percent %d, want 40", got)
	}
	debug.SetGCPercent(-1)
	Relax()()
	if got := debug.SetGCPercent(40); got != -1 {
		t.Errorf("collector off: GC percent %d after Relax, want off", got)
	}
}
