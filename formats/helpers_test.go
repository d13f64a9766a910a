package formats

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// got is one result of Reader.Next: a row at a line, or a bad row.
type got struct {
	Line   int
	Fields []string // nil for a bad row
	Bad    bool     // an error wrapping ErrBadRow
}

// row and bad build expected results.
func row(line int, fields ...string) got { return got{Line: line, Fields: fields} }
func bad(line int) got                   { return got{Line: line, Bad: true} }

// countRows reads r to its end and counts its rows; any error fails the
// benchmark or test. It is the read loop the reader benchmarks time.
func countRows(t testing.TB, r interface{ Next() ([]string, error) }) int {
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// readAll drains r. Bad rows are recorded with the line their *Error
// carries and reading goes on; any other error fails the test. It gives up
// after limit results, so a reader that never reaches EOF fails rather than
// hangs.
func readAll(t testing.TB, r Reader, limit int) []got {
	t.Helper()
	var out []got
	for len(out) <= limit {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var fe *Error
			if !errors.Is(err, ErrBadRow) || !errors.As(err, &fe) {
				t.Fatalf("Next after %d results: %v (want a row, io.EOF or an *Error wrapping ErrBadRow)", len(out), err)
			}
			if fe.File != r.Name() {
				t.Errorf("bad row error names file %q, want %q", fe.File, r.Name())
			}
			out = append(out, got{Line: fe.Line, Bad: true})
			continue
		}
		if len(rec) > len(r.Header()) {
			t.Fatalf("row at line %d has %d fields, the header %d", r.Line(), len(rec), len(r.Header()))
		}
		out = append(out, got{Line: r.Line(), Fields: slices.Clone(rec)})
	}
	t.Fatalf("more than %d results: the reader does not reach EOF", limit)
	return nil
}

// writeFile writes data to name in a fresh temporary directory.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
