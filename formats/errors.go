package formats

import (
	"errors"
	"fmt"
)

// Sentinel errors let callers tell what went wrong with errors.Is; the
// position is carried by *Error.
var (
	// ErrMissingColumn: a required field has no column in the header.
	ErrMissingColumn = errors.New("missing required column")
	// ErrBadFile: the file cannot be read as the table it claims to be.
	ErrBadFile = errors.New("unreadable file")
	// ErrBadRow: one row cannot be used; the rest of the file can.
	ErrBadRow = errors.New("bad row")
	// ErrOutput: an output could not be written.
	ErrOutput = errors.New("cannot write output")
)

// Error is a problem at a place in a file. Line and Column are 1-based;
// zero means the whole file (or the whole line) is at fault.
type Error struct {
	File   string
	Line   int
	Column int
	Err    error
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// RowError reports a bad row at file:line(:column), wrapping ErrBadRow.
func RowError(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Column: col,
		Err: fmt.Errorf("%w: %s", ErrBadRow, fmt.Sprintf(format, args...))}
}
