package pipeline

import "github.com/civisync/civisync/pipeline/internal/par"

// Progress hears how far a run has got, for a progress bar. Stage starts a
// stage (total 0: not known); Add reports n more rows done. Add may be
// called from several goroutines at once.
type Progress interface {
	Stage(name string, total int64)
	Add(n int)
}

// ticker batches row counts so a listener hears every few thousand rows,
// not every row.
type ticker struct {
	p Progress
	n par.Counter
}

const tickEvery = 8192

func (t *ticker) tick() {
	if t == nil || t.p == nil {
		return
	}
	if t.n.Add(1)%tickEvery == 0 {
		t.p.Add(tickEvery)
	}
}

func (t *ticker) stage(name string, total int64) {
	if t != nil && t.p != nil {
		t.p.Stage(name, total)
	}
}
