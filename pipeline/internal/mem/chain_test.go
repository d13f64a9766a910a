package mem

import "testing"

// TestChain: each chain follows its links stage by stage, a negative link
// ending it, and the last loads are made for the chains still going.
func TestChain(t *testing.T) {
	next := []int32{1, 2, -1, 0}
	var c Chain
	c.Start(0, -1, 3, 2)
	c.Add(1)
	c.Step(func(i int32) int32 { return next[i] })
	var loaded []int32
	c.End(func(i int32) int64 { loaded = append(loaded, i); return int64(i) })
	if want := []int32{1, 0, 2}; len(loaded) != len(want) || loaded[0] != want[0] || loaded[1] != want[1] || loaded[2] != want[2] {
		t.Errorf("last loads at %v, want %v", loaded, want)
	}
	c.Start()
	c.End(func(int32) int64 { t.Error("a load with no chain"); return 0 })
}
