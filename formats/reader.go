// Package formats reads and writes tables: CSV (any common delimiter and
// encoding) and XLSX, streamed row by row, with headers recognised by
// synonym and outputs written atomically.
package formats

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
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
	// Dialect of a text file: "" detects (backslash escapes in a
	// tab-separated file that carries them), "csv", or "mysql" (mysql -B,
	// SELECT … INTO OUTFILE: backslash escapes decoded).
	Dialect string
	// MaxUnzipSize caps the inflated size of an XLSX, against zip bombs.
	MaxUnzipSize int64
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// Progress, when set, hears how many bytes of a CSV file's text have
	// been read (for a progress bar); it may be called from several
	// goroutines at once.
	Progress func(file string, n int)
	// Table is the kind of table wanted when the file is a SQL dump (users,
	// contacts, memberships ...: see DumpKinds); other formats ignore it.
	Table string
	// TablePrefix picks among several tables of a kind in a dump
	// (wp_users, wp2_users).
	TablePrefix string
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

// Open opens a table for reading. A file is read as XLSX when its name
// ends in .xlsx/.xlsm or it starts like a zip; as a SQL dump (the table
// opt.Table) when its name ends in .sql or it starts like one; gzip (.gz or
// its magic bytes) is inflated as it is read. "-" is standard input, told
// apart by its first bytes: CSV, XLSX, a SQL dump or gzip.
func Open(path string, opt Options) (Reader, error) {
	if isStream(path) {
		return openStream(path, opt)
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
	head = head[:n]
	name := strings.ToLower(path)
	ext := filepath.Ext(name)
	if ext == ".xlsx" || ext == ".xlsm" || bytes.Equal(head, zipMagic) {
		f.Close()
		if !bytes.Equal(head, zipMagic) {
			return nil, &Error{File: path, Err: fmt.Errorf("%w: not an XLSX workbook (no zip signature; is it a CSV renamed .xlsx?)", ErrBadFile)}
		}
		return openXLSX(path, opt)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	gz := bytes.HasPrefix(head, gzipMagic)
	if ext == ".gz" && !gz {
		f.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("%w: not a gzip file (no gzip signature)", ErrBadFile)}
	}
	var text io.Reader = f
	var zr *gzip.Reader
	if gz {
		zr, err = gzip.NewReader(newBufReader(f))
		if err != nil {
			f.Close()
			return nil, &Error{File: path, Err: fmt.Errorf("%w: not a readable gzip file: %w", ErrBadFile, err)}
		}
		text = zr
		name = strings.TrimSuffix(name, ".gz")
	}
	br := bufio.NewReaderSize(text, sniffBytes)
	sample, _ := br.Peek(sniffBytes)
	if gz && bytes.Equal(sample[:min(len(sample), 4)], zipMagic) {
		f.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("%w: an XLSX inside gzip: unzip it first (an XLSX is compressed already)", ErrBadFile)}
	}
	if filepath.Ext(name) == ".sql" || LooksLikeSQL(sample) {
		f.Close()
		idx, err := loadDump(path, opt)
		if err != nil {
			return nil, err
		}
		return openDumpTable(idx, opt)
	}
	if !gz {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
		}
		return newCSVReader(path, f, true, opt)
	}
	return newCSVReader(path, readCloser{br, f}, false, opt)
}

// readCloser reads from one reader and closes another (a file under gzip).
type readCloser struct {
	io.Reader
	io.Closer
}

// openStream reads standard input or a named pipe as what its first bytes
// say it is.
func openStream(path string, opt Options) (Reader, error) {
	e := streamEntry(path, opt)
	if e.err != nil {
		return nil, e.err
	}
	if e.idx != nil {
		return openDumpTable(e.idx, opt)
	}
	dumpCache.Lock()
	taken := e.taken
	e.taken = true
	dumpCache.Unlock()
	if taken {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %s is read once, and it is not a SQL dump whose tables could be read again", ErrBadFile, streamName(path))}
	}
	if e.plainZip {
		return openStreamXLSX(path, e.plain, opt)
	}
	return newCSVReader(path, io.NopCloser(e.plain), false, opt)
}

// streamName says what a stream is, for messages.
func streamName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return "the pipe " + path
}

// openStreamXLSX keeps a workbook read from a stream in a temporary file,
// since a zip is read from its end.
func openStreamXLSX(path string, in io.Reader, opt Options) (Reader, error) {
	tmp, err := os.CreateTemp("", "civisync-stdin-*.xlsx")
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: cannot keep the workbook read from %s: %w", ErrBadFile, streamName(path), err)}
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: cannot keep the workbook read from %s: %w", ErrBadFile, streamName(path), err)}
	}
	r, err := openXLSX(tmp.Name(), opt)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			fe.File = path
		}
		return nil, err
	}
	r.(*xlsxReader).name = path
	return r, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// newBufReader is shared so every format reads with the same buffer size.
func newBufReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 256<<10) }
