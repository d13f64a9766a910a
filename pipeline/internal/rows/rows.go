// Package rows runs the row work of a large file on several cores: a
// reader goroutine fills batches of rows, workers parse them, and the
// caller's goroutine takes the results in row order. Whatever the timing,
// the caller sees what one loop over the rows would have given it; memory
// stays bounded, as only a few batches are in flight at a time.
package rows

import (
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/civisync/civisync/pipeline/internal/mem"
	"github.com/civisync/civisync/pipeline/internal/par"
)

// Reader is a table read row by row (formats.Reader is one).
type Reader interface {
	// Next returns the next row's cells, or io.EOF. The slice is reused by
	// the next call; its strings are not, unless the reader lends its
	// buffer (see Stages.Copy).
	Next() ([]string, error)
	Line() int // the line the row last returned starts on
	Close() error
}

// Stages is the work on each row.
type Stages[T any] struct {
	// Parse only reads the row and writes *out (a slot reused from batch to
	// batch, so it may keep scratch space there). It runs on several
	// goroutines at once.
	Parse func(rec []string, line int, out *T) error
	// Finish, if not nil, is called by the worker with each batch's rows
	// once parsed (failed ones too, which Apply never sees).
	Finish func([]T)
	// Prepare, if not nil, is called with the rows of each batch just
	// before they are applied.
	Prepare func([]T)
	// Done is called for every row in row order, on the caller's goroutine,
	// with Next's error (read) or else Parse's (parsed); a non-nil result
	// ends the run with that error.
	Done func(read, parsed error) error
	// Apply gets the rows read and parsed without error, in row order, on
	// the caller's goroutine, after Done.
	Apply func(*T)
	// Copy says the reader lends its buffer: the cells of a row are copied
	// into its batch's own bytes, reused batch after batch.
	Copy bool
	// BadRow is the error (as errors.Is tells) of a row Next could not read
	// that does not end the file.
	BadRow error
	// Workers is how many goroutines parse; BatchRows how many rows a
	// batch holds.
	Workers, BatchRows int
}

// batch is a run of rows read from a file and, once a worker is done with
// it, what Parse made of them.
type batch[T any] struct {
	cells      []string // the rows' cells, one row after another
	text       []byte   // the cells' bytes, with Copy
	rows       []row
	out        []T // Parse's result, per row
	done       chan struct{}
	par.Rescue     // a panic in Parse, at rows[parsed]
	parsed     int // rows parsed before a panic
}

type row struct {
	end  int   // the row's cells end at cells[end]
	line int   // the reader's Line
	read error // Next's error: a bad row, or one that ends the file
	err  error // Parse's error
}

// Run runs s on every row of r, then closes r.
func Run[T any](r Reader, s Stages[T]) error {
	inFlight := 2*s.Workers + 2
	free := make(chan *batch[T], inFlight)
	for range inFlight {
		free <- &batch[T]{done: make(chan struct{}, 1)}
	}
	// Each channel has room for every batch there is, so sending to one
	// never blocks.
	work, order := make(chan *batch[T], inFlight), make(chan *batch[T], inFlight)
	quit := make(chan struct{})
	var (
		wg     sync.WaitGroup
		reader par.Rescue
	)
	wg.Go(func() {
		defer close(order)
		defer close(work)
		defer reader.Catch()
		defer r.Close()
		s.read(r, free, quit, work, order)
	})
	for range s.Workers {
		wg.Go(func() {
			for bt := range work {
				s.parse(bt)
			}
		})
	}
	err, panicked := s.apply(order, free)
	close(quit)
	wg.Wait() // the reader is closed, and no goroutine holds a batch
	if panicked != nil {
		panicked.Rethrow()
	}
	reader.Rethrow()
	return err
}

// read fills free batches with rows and sends them to work and order,
// until the file ends, a read error ends it, or quit.
func (s *Stages[T]) read(r Reader, free <-chan *batch[T], quit <-chan struct{}, work, order chan<- *batch[T]) {
	for {
		var bt *batch[T]
		select {
		case bt = <-free:
		case <-quit:
			return
		}
		bt.cells, bt.rows, bt.text = bt.cells[:0], bt.rows[:0], bt.text[:0]
		end := false
		for len(bt.rows) < s.BatchRows && !end {
			rec, err := r.Next()
			if err == io.EOF {
				end = true
				break
			}
			if s.Copy {
				// Growing the bytes leaves the cells cut so far where they
				// are, never written again until the batch is.
				for _, f := range rec {
					bt.text = append(bt.text, f...)
					bt.cells = append(bt.cells, mem.String(bt.text[len(bt.text)-len(f):]))
				}
			} else {
				bt.cells = append(bt.cells, rec...) // rec is reused by Next; its strings are not
			}
			bt.rows = append(bt.rows, row{end: len(bt.cells), line: r.Line(), read: err})
			end = err != nil && !errors.Is(err, s.BadRow)
		}
		if len(bt.rows) == 0 {
			return
		}
		work <- bt
		order <- bt
		if end {
			return
		}
	}
}

// parse runs Parse and Finish on a batch.
func (s *Stages[T]) parse(bt *batch[T]) {
	defer func() { bt.done <- struct{}{} }()
	defer bt.Catch()
	bt.out = slices.Grow(bt.out[:0], len(bt.rows))[:len(bt.rows)]
	start := 0
	for i := range bt.rows {
		bt.parsed = i
		row := &bt.rows[i]
		rec := bt.cells[start:row.end:row.end]
		start = row.end
		if row.read != nil {
			continue
		}
		row.err = s.Parse(rec, row.line, &bt.out[i])
	}
	if s.Finish != nil {
		s.Finish(bt.out) // rows that failed too: Apply never sees them
	}
	bt.parsed = len(bt.rows)
}

// apply takes the batches in order, hands each row to Done and Apply, and
// gives the batches back to free; it stops at the first error or panic.
func (s *Stages[T]) apply(order <-chan *batch[T], free chan<- *batch[T]) (error, *par.Rescue) {
	for bt := range order {
		<-bt.done
		if s.Prepare != nil {
			s.Prepare(bt.out[:bt.parsed])
		}
		for i := range bt.rows[:bt.parsed] {
			row := &bt.rows[i]
			if err := s.Done(row.read, row.err); err != nil {
				return err, nil
			}
			if row.read == nil && row.err == nil {
				s.Apply(&bt.out[i])
			}
		}
		if bt.Caught() {
			return nil, &bt.Rescue
		}
		free <- bt
	}
	return nil, nil
}
