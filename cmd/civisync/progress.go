package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// bar shows each stage of a run on standard error, one line per stage: a
// bar with the percentage, rate and time left. Reading is measured in bytes
// of the input files against their sizes, and names the file being read;
// with standard input or an XLSX input the sizes say nothing, and reading
// counts rows. It is only made when standard error is a terminal and
// --quiet is not given, so pipes and logs stay clean.
//
// The workers only add to counters; a ticker hands them to the bar every
// tick, and the bar's clock starts with the stage, so a rate is always
// measured over a tick or more (the bar's own clock starts at its first
// draw, and its first rate divided the first batch by the microseconds
// since: 381,697,885 rows/s).
type bar struct {
	w    io.Writer
	tick time.Duration

	totalBytes int64 // of all inputs; 0 when reading is counted in rows
	bytes      atomic.Int64
	rows       atomic.Int64
	file       atomic.Value // string: the file bytes were last read from

	// expect: rows a stage will count, known before the pipeline starts it
	// (the rows to write, once the matching is done)
	expect map[string]int64

	mu    sync.Mutex
	stage *stage
}

// silentStages count nothing while they run (the pipeline reports no rows
// while grouping; the report reads back the outputs): a spinner only.
var silentStages = map[string]bool{"grouping": true, "report": true}

// expectRows tells the bar how many rows a stage will count.
func (b *bar) expectRows(stage string, n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.expect == nil {
		b.expect = map[string]int64{}
	}
	b.expect[stage] = n
}

// stage is one stage's line.
type stage struct {
	name  string
	bytes bool  // done is bytes read, else rows
	from  int64 // the counter's value when the stage began
	total int64 // -1: not known
	pb    *progressbar.ProgressBar
	file  string
	stop  chan struct{}
	done  chan struct{}
}

const barTick = 250 * time.Millisecond

func newBar(c interface{ Bool(string) bool }, stderr io.Writer) *bar {
	f, ok := stderr.(*os.File)
	if c.Bool("quiet") || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &bar{w: stderr, tick: barTick}
}

// measure sizes the inputs: reading is counted in bytes when every input is
// a CSV file whose size is known.
func (b *bar) measure(paths []string) {
	var total int64
	for _, p := range paths {
		st, err := os.Stat(p)
		ext := strings.ToLower(filepath.Ext(p))
		if p == "-" || err != nil || !st.Mode().IsRegular() || ext == ".xlsx" || ext == ".xlsm" {
			b.totalBytes = 0
			return
		}
		total += st.Size()
	}
	b.totalBytes = total
}

// read hears the bytes read from a file (formats.Options.Progress).
func (b *bar) read(file string, n int) {
	b.bytes.Add(int64(n))
	if f, _ := b.file.Load().(string); f != file {
		b.file.Store(file)
	}
}

// Add hears n more rows done (pipeline.Progress).
func (b *bar) Add(n int) { b.rows.Add(int64(n)) }

// Stage ends the current stage's line and starts one for the next
// (pipeline.Progress). total is the stage's rows, 0 when not known.
func (b *bar) Stage(name string, total int64) {
	b.done()
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &stage{name: name, stop: make(chan struct{}), done: make(chan struct{})}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-9s", name)),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(0), // the ticker throttles
		progressbar.OptionSpinnerType(14),
	}
	switch {
	case name == "reading" && b.totalBytes > 0:
		s.bytes, s.from = true, b.bytes.Load()
		total = b.totalBytes
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true))
	case silentStages[name]:
		total = -1 // a spinner and the time taken
	default:
		s.from = b.rows.Load()
		if total <= 0 {
			total = b.expect[name]
		}
		if total <= 0 {
			total = -1 // not known: a spinner with the count and the rate
		}
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"))
	}
	s.total = total
	s.pb = progressbar.NewOptions64(total, opts...)
	s.pb.Reset() // starts the bar's clock now, not at its first draw
	b.stage = s
	go b.follow(s)
}

// follow hands the counters to the stage's bar every tick.
func (b *bar) follow(s *stage) {
	defer close(s.done)
	t := time.NewTicker(b.tick)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			b.update(s)
			return
		case <-t.C:
			b.update(s)
		}
	}
}

func (b *bar) update(s *stage) {
	if silentStages[s.name] {
		s.pb.Add64(0) // turns the spinner
		return
	}
	if s.bytes {
		if f, _ := b.file.Load().(string); f != "" && f != s.file {
			s.file = f
			s.pb.Describe(fmt.Sprintf("%-9s %s", s.name, filepath.Base(f)))
		}
		s.pb.Set64(clamp(b.bytes.Load()-s.from, s.total))
		return
	}
	s.pb.Set64(clamp(b.rows.Load()-s.from, s.total))
}

// clamp keeps a count within a known total: decoded text may run longer
// than the file (Windows-1252 into UTF-8), an estimate may fall short.
func clamp(n, total int64) int64 {
	if total > 0 && n > total {
		return total
	}
	return n
}

// done ends the current stage: its line stays, complete, and the next
// output starts on a line of its own.
func (b *bar) done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.stage
	if s == nil {
		return
	}
	b.stage = nil
	close(s.stop)
	<-s.done
	s.pb.Finish()
	fmt.Fprintln(b.w)
}
