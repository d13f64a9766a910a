package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// bar shows each stage's rows and rows per second on standard error. It is
// only made when standard error is a terminal and --quiet is not given, so
// pipes and logs stay clean.
type bar struct {
	w io.Writer
	b *progressbar.ProgressBar
}

func newBar(c interface{ Bool(string) bool }, stderr io.Writer) *bar {
	f, ok := stderr.(*os.File)
	if c.Bool("quiet") || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &bar{w: stderr}
}

func (b *bar) Stage(name string, total int64) {
	b.done()
	if total <= 0 {
		total = -1 // unknown: a spinner with the count and the rate
	}
	b.b = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
}

func (b *bar) Add(n int) {
	if b.b != nil {
		b.b.Add(n)
	}
}

// done clears the current stage's line.
func (b *bar) done() {
	if b != nil && b.b != nil {
		b.b.Finish()
		b.b = nil
	}
}
