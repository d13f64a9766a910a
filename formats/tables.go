package formats

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

// Table is one table WriteTables writes: its file and, with split files,
// one file per group under SplitDir.
type Table struct {
	Base     string // the file's name without extension
	SplitDir string // "" when the table is never split
	Header   []string
	// Rows yields the table's rows; group is an index into
	// TablesOptions.Slugs (-1: none). Rows of one group come together.
	// A row may be reused once yield returns.
	Rows func(yield func(r Record, group int) error) error
	// Formula, when set, guards the table's CSV cells: it hears of every
	// cell a spreadsheet would take for a formula that is written as it is
	// (not escaped), in row order and from one goroutine at a time. XLSX
	// cells are always stored as text: never guarded.
	Formula func(FormulaCell)
}

// FormulaCell is a cell that a spreadsheet would run as a formula.
type FormulaCell struct {
	Line   int // in the table's file, the header being line 1
	Column int // index into the table's Header
	Text   string
}

// TablesOptions steer WriteTables.
type TablesOptions struct {
	Slugs          []string // split file names by group; nil: no split files
	EscapeFormulas bool     // prefix the formula-like cells of guarded tables with '
	// KeepAsIs names the columns whose formula-like cells are never
	// escaped, only reported (an importer would keep the quote); nil: none.
	KeepAsIs func(column string) bool
	// ChunkRows is how many CSV rows are laid out at once, in parallel
	// (0: chunkRows); < 0 writes a row at a time, as XLSX always is.
	ChunkRows int
	Progress  func(n int) // hears of n more rows; called from several goroutines
}

// CellRecord is a Record that also gives its fields as cells, sparing a
// string per id. Its cells must lay out as its fields do.
type CellRecord interface {
	Record
	AppendCells(dst []OutCell) []OutCell
}

// WriteTables writes tables side by side into the set. CSV rows are
// gathered in chunks by each table's goroutine, laid out by a worker per
// core, and written in order; the files are byte for byte those of a row
// at a time. A panic in a table's rows reaches the caller; of the errors,
// the first table's.
func (o *OutputSet) WriteTables(opt TablesOptions, tables ...Table) error {
	w := &tablesWriter{o: o, opt: opt}
	errs := make([]error, len(tables))
	rescued := make([]rescue, len(tables))
	var wg sync.WaitGroup
	if o.format == CSV && opt.ChunkRows >= 0 {
		jobs := make(chan *chunk)
		var workers sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			workers.Go(func() {
				for c := range jobs {
					c.encode(w)
				}
			})
		}
		for i, t := range tables {
			wg.Go(func() { errs[i] = w.writeChunked(t, jobs, &rescued[i]) })
		}
		wg.Wait()
		close(jobs)
		workers.Wait()
	} else {
		for i, t := range tables {
			wg.Go(func() {
				defer rescued[i].catch()
				errs[i] = w.write(t)
			})
		}
		wg.Wait()
	}
	for i := range rescued {
		rescued[i].rethrow()
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// rescue carries a panic out of a goroutine, where it would end the process
// with a stack trace: catch is deferred there, rethrow called by the waiter.
// Since Go 1.21 a panic always recovers as a non-nil value.
type rescue struct{ val any }

func (r *rescue) catch() {
	if v := recover(); v != nil {
		r.val = v
	}
}

func (r *rescue) caught() bool { return r.val != nil }

func (r *rescue) rethrow() {
	if r.caught() {
		panic(r.val)
	}
}

type tablesWriter struct {
	o   *OutputSet
	opt TablesOptions
}

func (w *tablesWriter) progress(n int) {
	if w.opt.Progress != nil && n > 0 {
		w.opt.Progress(n)
	}
}

func (w *tablesWriter) splits(t Table) bool { return w.opt.Slugs != nil && t.SplitDir != "" }

// write writes one table whole and, with split files, one file per group, a
// row at a time.
func (w *tablesWriter) write(t Table) error {
	tw, err := w.o.Table(t.Base, t.Header)
	if err != nil {
		return err
	}
	var part TableWriter
	var buf []string
	cur, line := -1, 1
	guarded := t.Formula != nil && w.o.format == CSV
	err = t.Rows(func(r Record, g int) error {
		buf = r.AppendFields(buf[:0])
		w.progress(1)
		line++
		if guarded {
			for i, s := range buf {
				if s != "" && formulaStart[s[0]] {
					buf[i] = w.defuse(t, FormulaCell{line, i, s}, nil)
				}
			}
		}
		if err := tw.Write(buf); err != nil {
			return err
		}
		if !w.splits(t) || g < 0 {
			return nil
		}
		if g != cur {
			if part != nil {
				if err := part.Close(); err != nil {
					return err
				}
			}
			var err error
			if part, err = w.o.Table(t.SplitDir+"/"+w.opt.Slugs[g], t.Header); err != nil {
				return err
			}
			cur = g
		}
		return part.Write(buf)
	})
	return closeTables(err, part, tw)
}

// formulaStart marks the characters a spreadsheet starts a formula with.
var formulaStart = [256]bool{'=': true, '+': true, '-': true, '@': true}

// defuse takes a formula-like cell of a guarded table: escaped, or told to
// t.Formula at once (found nil) or later, in order (kept in found).
func (w *tablesWriter) defuse(t Table, f FormulaCell, found *[]FormulaCell) string {
	switch {
	case w.opt.EscapeFormulas && (w.opt.KeepAsIs == nil || !w.opt.KeepAsIs(t.Header[f.Column])):
		return "'" + f.Text
	case found != nil:
		*found = append(*found, f)
	default:
		t.Formula(f)
	}
	return f.Text
}

// closeTables closes a split file (nil if none) and its table, keeping the
// first error.
func closeTables(err error, part, tw TableWriter) error {
	if part != nil {
		if cerr := part.Close(); err == nil {
			err = cerr
		}
	}
	if cerr := tw.Close(); err == nil {
		err = cerr
	}
	return err
}

// chunkRows is how many rows a chunk holds: some tens of KiB of CSV.
const chunkRows = 1024

// chunk is a run of a table's rows on their way to the file: gathered by
// the table's producer, laid out as CSV lines by a worker, written by the
// table's writer, then reused.
type chunk struct {
	table   Table
	guarded bool          // look for formula-like cells
	split   bool          // record runs
	found   []FormulaCell // formula-like cells, in row order, lines counted from the chunk's first row
	cells   []OutCell     // every row's cells, back to back
	ends    []int         // where each row's cells end
	groups  []int         // each row's group, when split
	lines   []byte        // the rows as CSV
	runs    []run         // with split: lines by group, in order
	done    chan struct{}
	rescue  rescue
}

// run is a stretch of a chunk's lines whose rows share a group.
type run struct{ group, end int }

// encode lays the chunk's rows out as CSV, looking for formula-like cells.
func (c *chunk) encode(w *tablesWriter) {
	defer close(c.done)
	defer c.rescue.catch()
	c.lines, c.runs, c.found = c.lines[:0], c.runs[:0], c.found[:0]
	if c.guarded {
		// One tight pass over every cell first: the first bytes of many
		// strings are fetched from memory at once, and are at hand below.
		row := 0
		for j := range c.cells {
			if s := c.cells[j].Text; s != "" && formulaStart[s[0]] {
				for j >= c.ends[row] {
					row++
				}
				start := 0
				if row > 0 {
					start = c.ends[row-1]
				}
				c.cells[j].Text = w.defuse(c.table, FormulaCell{row + 1, j - start, s}, &c.found)
			}
		}
	}
	start := 0
	for i, end := range c.ends {
		rec := c.cells[start:end]
		start = end
		c.lines = AppendCSVCells(c.lines, rec)
		if !c.split {
			continue
		}
		if n := len(c.runs); n > 0 && c.runs[n-1].group == c.groups[i] {
			c.runs[n-1].end = len(c.lines)
		} else {
			c.runs = append(c.runs, run{c.groups[i], len(c.lines)})
		}
	}
}

// writeChunked writes one table like write, its rows laid out as CSV by
// the workers reading jobs, in chunks. The table's rows are gathered here,
// and a goroutine writes the chunks in order as they are laid out; a few
// chunks at most are on their way at any time.
func (w *tablesWriter) writeChunked(t Table, jobs chan<- *chunk, rescued *rescue) error {
	rows := w.opt.ChunkRows
	if rows <= 0 {
		rows = chunkRows
	}
	queue := make(chan *chunk, min(2*runtime.GOMAXPROCS(0), 16)) // a few MiB at most
	free := make(chan *chunk, cap(queue)+2)
	var failed atomic.Bool // stop gathering: the writer has failed
	var werr error
	var wrescue rescue
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { // whatever happened, leave nobody waiting
			failed.Store(true)
			for c := range queue {
				<-c.done
			}
		}()
		defer wrescue.catch()
		werr = w.drain(t, queue, free, &failed)
	}()

	var c *chunk
	var scratch []string
	send := func() {
		w.progress(len(c.ends))
		queue <- c
		jobs <- c
		c = nil
	}
	perr := func() (err error) {
		defer close(queue)
		defer rescued.catch()
		err = t.Rows(func(r Record, g int) error {
			if failed.Load() {
				return errStopped
			}
			if c == nil {
				select {
				case c = <-free:
				default:
					c = &chunk{table: t, guarded: t.Formula != nil, split: w.splits(t),
						cells: make([]OutCell, 0, rows*len(t.Header)), ends: make([]int, 0, rows), lines: make([]byte, 0, rows*64)}
				}
				c.done = make(chan struct{})
				c.cells, c.ends, c.groups = c.cells[:0], c.ends[:0], c.groups[:0]
			}
			if cr, ok := r.(CellRecord); ok {
				c.cells = cr.AppendCells(c.cells)
			} else {
				scratch = r.AppendFields(scratch[:0])
				for _, s := range scratch {
					c.cells = append(c.cells, OutCell{Text: s})
				}
			}
			c.ends = append(c.ends, len(c.cells))
			if c.split {
				c.groups = append(c.groups, g)
			}
			if len(c.ends) == rows {
				send()
			}
			return nil
		})
		if c != nil && err == nil {
			send()
		}
		return err
	}()
	<-done
	if !rescued.caught() && wrescue.caught() {
		*rescued = wrescue
	}
	if werr != nil || errors.Is(perr, errStopped) {
		return werr
	}
	return perr
}

// errStopped ends gathering a table's rows once its writer has failed.
var errStopped = errors.New("stopped")

// drain writes the chunks of queue in order into t's file and, with split
// files, into one file per group, handing them back to free. Their
// formula-like cells go to t.Formula, in order.
func (w *tablesWriter) drain(t Table, queue <-chan *chunk, free chan<- *chunk, failed *atomic.Bool) error {
	tw, err := w.o.Table(t.Base, t.Header)
	if err != nil {
		failed.Store(true)
		return err
	}
	lw := tw.(LinesWriter)
	var part LinesWriter
	cur, lines := -1, 1 // the lines written, the header's included
	for c := range queue {
		<-c.done
		if c.rescue.caught() {
			failed.Store(true)
			c.rescue.rethrow()
		}
		for _, f := range c.found {
			f.Line += lines
			t.Formula(f)
		}
		lines += len(c.ends)
		if err == nil {
			err = w.writeChunk(t, c, lw, &part, &cur)
			if err != nil {
				failed.Store(true)
			}
		}
		select {
		case free <- c:
		default:
		}
	}
	return closeTables(err, part, tw)
}

// writeChunk writes one laid-out chunk to the table and its split files.
// A group's split file is opened when its rows start and closed when
// another group's start, as write does.
func (w *tablesWriter) writeChunk(t Table, c *chunk, tw LinesWriter, part *LinesWriter, cur *int) error {
	if err := tw.WriteLines(c.lines); err != nil {
		return err
	}
	start := 0
	for _, r := range c.runs {
		lines := c.lines[start:r.end]
		start = r.end
		if r.group < 0 {
			continue
		}
		if r.group != *cur {
			if *part != nil {
				err := (*part).Close()
				*part = nil
				if err != nil {
					return err
				}
			}
			p, err := w.o.Table(t.SplitDir+"/"+w.opt.Slugs[r.group], t.Header)
			if err != nil {
				return err
			}
			*part, *cur = p.(LinesWriter), r.group
		}
		if err := (*part).WriteLines(lines); err != nil {
			return err
		}
	}
	return nil
}
