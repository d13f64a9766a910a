package formats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/gocarina/gocsv"
)

// ReadCSVTable reads a CSV file civisync wrote (a header of T's csv tags,
// in any order, then rows) into typed rows with gocsv's pull loop. A
// missing file is an empty table; a column of T the header lacks is
// ErrMissingColumn.
func ReadCSVTable[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	um, err := gocsv.NewUnmarshaller(r, new(T))
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{File: path, Line: 1, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	want := HeaderOf[T]()
	if missing := missingHeaders(um.Headers, want); len(missing) > 0 {
		return nil, &Error{File: path, Line: 1, Err: fmt.Errorf("%w: %s (want %s)", ErrMissingColumn, strings.Join(missing, ", "), strings.Join(want, ", "))}
	}
	var rows []T
	for {
		v, err := um.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			line, _ := r.FieldPos(0)
			return nil, &Error{File: path, Line: line, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
		}
		rows = append(rows, *v.(*T))
	}
}

func missingHeaders(have, want []string) []string {
	got := map[string]bool{}
	for _, h := range have {
		got[h] = true
	}
	var missing []string
	for _, w := range want {
		if !got[w] {
			missing = append(missing, w)
		}
	}
	return missing
}
