package rows

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
)

var errBad = errors.New("bad row")

// lines is a Reader over rows of one cell; a cell "bad" is a bad row, a
// cell "end" an error that ends the file.
type lines struct {
	cells  []string
	at     int
	closed bool
}

func (l *lines) Next() ([]string, error) {
	if l.at == len(l.cells) {
		return nil, io.EOF
	}
	l.at++
	switch c := l.cells[l.at-1]; c {
	case "bad":
		return nil, errBad
	case "end":
		return nil, errors.New("unreadable")
	default:
		return []string{c}, nil
	}
}
func (l *lines) Line() int    { return l.at }
func (l *lines) Close() error { l.closed = true; return nil }

// TestRun: whatever the workers and batch size, Done and Apply see every
// row in order, parse errors and bad rows included; an error from Done or
// one that ends the file stops the run; a panic in Parse reaches the caller.
func TestRun(t *testing.T) {
	cells := []string{}
	for i := range 1000 {
		switch {
		case i%97 == 5:
			cells = append(cells, "bad")
		case i%89 == 7:
			cells = append(cells, "x") // not a number: Parse fails
		default:
			cells = append(cells, strconv.Itoa(i))
		}
	}
	for _, workers := range []int{1, 2, 5} {
		for _, batch := range []int{1, 3, 512} {
			for _, copyCells := range []bool{false, true} {
				r := &lines{cells: cells}
				var got []string
				s := Stages[int]{
					Parse: func(rec []string, line int, out *int) error {
						n, err := strconv.Atoi(rec[0])
						*out = n
						return err
					},
					Done: func(read, parsed error) error {
						switch {
						case read != nil:
							got = append(got, "bad")
						case parsed != nil:
							got = append(got, "x")
						}
						return nil
					},
					Apply:  func(n *int) { got = append(got, strconv.Itoa(*n)) },
					Copy:   copyCells,
					BadRow: errBad, Workers: workers, BatchRows: batch,
				}
				if err := Run(r, s); err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(cells) || !r.closed {
					t.Fatalf("workers %d, batch %d: rows out of order or reader left open", workers, batch)
				}
			}
		}
	}
	stop := errors.New("stop")
	for _, tc := range []struct {
		cells []string
		done  func(read, parsed error) error
		want  error
	}{
		{[]string{"1", "end", "2"}, func(read, _ error) error { return read }, nil},
		{[]string{"1", "2", "3"}, func(error, error) error { return stop }, stop},
	} {
		var applied int
		err := Run(&lines{cells: tc.cells}, Stages[int]{
			Parse: func([]string, int, *int) error { return nil }, Done: tc.done,
			Apply: func(*int) { applied++ }, BadRow: errBad, Workers: 2, BatchRows: 1,
		})
		if tc.want != nil && err != tc.want || tc.want == nil && err == nil || applied > 1 {
			t.Errorf("%v: err %v, %d rows applied", tc.cells, err, applied)
		}
	}
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("panic in Parse: recovered %v", v)
		}
	}()
	Run(&lines{cells: []string{"1", "2"}}, Stages[int]{
		Parse: func([]string, int, *int) error { panic("boom") }, Done: func(error, error) error { return nil },
		Apply: func(*int) {}, BadRow: errBad, Workers: 2, BatchRows: 1,
	})
	t.Error("a panic in Parse was lost")
}

// BenchmarkRun: the stage's own cost per row, parsing a number a row.
func BenchmarkRun(b *testing.B) {
	cells := make([]string, 100_000)
	for i := range cells {
		cells[i] = strconv.Itoa(i)
	}
	for b.Loop() {
		sum := 0
		err := Run(&lines{cells: cells}, Stages[int]{
			Parse: func(rec []string, _ int, out *int) error {
				n, err := strconv.Atoi(rec[0])
				*out = n
				return err
			},
			Done:  func(error, error) error { return nil },
			Apply: func(n *int) { sum += *n },
			Copy:  true, BadRow: errBad, Workers: 2, BatchRows: 512,
		})
		if err != nil || sum != len(cells)*(len(cells)-1)/2 {
			b.Fatal(err, sum)
		}
	}
}
