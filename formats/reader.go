// Package formats reads and writes tables: CSV (any common delimiter and
// encoding) and XLSX, streamed row by row, with headers recognised by
// synonym and outputs written atomically.
package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Reader streams the rows of one table. Next returns io.EOF at the end; an
// error wrapping ErrBadRow describes one unusable row and reading may go on;
// any other error ends the file.
type Reader interface {
	// Name is the file name as the user gave it, for messages.
	Name() string
	// Header is the header row, BOM and surrounding spaces removed.
	Header() []string
	// Next returns the next data row. The slice is reused by the next call.
	Next() ([]string, error)
	// Line is the 1-based line (CSV) or row (XLSX) where the last row began.
	Line() int
	Close() error
}

// RowsHint is about how many rows r holds, or 0 when the reader cannot
// tell cheaply; it lets callers allocate once for a big file.
func RowsHint(r Reader) int {
	if h, ok := r.(interface{ RowsHint() int }); ok {
		return h.RowsHint()
	}
	return 0
}

// Options tune how files are read. The zero value sniffs everything.
type Options struct {
	Delimiter rune   // 0: detect among , ; TAB |
	Encoding  string // "": detect (UTF-8, UTF-16 with BOM, else Windows-1252)
	Sheet     string // XLSX sheet; "": the first
	// MaxUnzipSize caps the inflated size of an XLSX, against zip bombs.
	MaxUnzipSize int64
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// Progress, when set, hears how many bytes of a CSV file's text have
	// been read (for a progress bar); it may be called from several
	// goroutines at once.
	Progress func(file string, n int)
	// ReuseBuffer, when set, is asked once, with the header, whether the
	// rows' strings may borrow the reader's read buffer where they can,
	// sparing a copy of every line (as encoding/csv's Reader.ReuseRecord
	// spares a slice): a row's strings then hold only until the next call
	// to Next, and the caller copies (strings.Clone) any it keeps. For a
	// file whose rows are read and let go, like a membership table's
	// millions of ids; the header lets a caller keep the copies for a file
	// whose cells it keeps. CSV only: XLSX cells are always copies.
	ReuseBuffer func(header []string) bool
}

// DefaultMaxUnzipSize is the default cap on an XLSX's inflated size.
const DefaultMaxUnzipSize = 1 << 30

var zipMagic = []byte("PK\x03\x04")

// Open opens a table for reading. "-" is CSV on standard input. A file is
// read as XLSX when its name ends in .xlsx/.xlsm or it starts like a zip.
func Open(path string, opt Options) (Reader, error) {
	if path == "-" {
		in := opt.Stdin
		if in == nil {
			in = os.Stdin
		}
		return newCSVReader("-", io.NopCloser(in), false, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, unwrapPathError(err))}
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		f.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("%w: is a directory", ErrBadFile)}
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xlsx" || ext == ".xlsm" || bytes.Equal(head[:n], zipMagic) {
		f.Close()
		if !bytes.Equal(head[:n], zipMagic) {
			return nil, &Error{File: path, Err: fmt.Errorf("%w: not an XLSX workbook (no zip signature; is it a CSV renamed .xlsx?)", ErrBadFile)}
		}
		return openXLSX(path, opt)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	return newCSVReader(path, f, true, opt)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// newBufReader is shared so every format reads with the same buffer size.
func newBufReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 256<<10) }
