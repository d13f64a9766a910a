package formats

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Record is a typed output row that lays itself out as fields, in the order
// of its struct's `csv` tags. It spares the hot write path any reflection.
type Record interface {
	AppendFields(dst []string) []string
}

// HeaderOf returns the `csv` tags of struct type T: the header row of a
// table of T. gocsv reads the same tags back (see ReadCanonical).
func HeaderOf[T any]() []string {
	t := reflect.TypeFor[T]()
	var h []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("csv"), ",")[0]
		if tag != "" && tag != "-" {
			h = append(h, tag)
		}
	}
	return h
}

// TableWriter writes rows of strings to one table.
type TableWriter interface {
	Write(rec []string) error
	Close() error
}

// Format is an output file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat checks --format.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "csv":
		return CSV, nil
	case "xlsx":
		return XLSX, nil
	}
	return "", fmt.Errorf("--format %q: want csv or xlsx", s)
}

type csvTable struct {
	bw   *bufio.Writer
	c    io.Closer
	line []byte // reused
}

// NewCSVTable writes header then rows as UTF-8 CSV with LF line ends, laid
// out by AppendCSV. Close flushes and closes w when it is an io.Closer.
func NewCSVTable(w io.Writer, header []string) (TableWriter, error) {
	t := &csvTable{bw: bufio.NewWriterSize(w, 256<<10)}
	if c, ok := w.(io.Closer); ok {
		t.c = c
	}
	return t, t.Write(header)
}

func (t *csvTable) Write(rec []string) error {
	t.line = AppendCSV(t.line[:0], rec)
	_, err := t.bw.Write(t.line)
	return err
}

func (t *csvTable) WriteLines(p []byte) error {
	_, err := t.bw.Write(p)
	return err
}

func (t *csvTable) Close() error {
	err := t.bw.Flush()
	if t.c != nil {
		if cerr := t.c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// LinesWriter is a TableWriter that also takes rows already laid out as CSV
// lines by AppendCSV, so that they can be laid out elsewhere (in parallel)
// and written in order. The CSV tables of an OutputSet are LinesWriters.
type LinesWriter interface {
	TableWriter
	WriteLines(p []byte) error
}

// AppendCSV appends rec to dst as one CSV line ending in LF, byte for byte
// as encoding/csv's Writer (comma, no CRLF) would write it: a field is
// quoted when it holds a comma, a quote, CR or LF, starts with a Unicode
// space, or is \. ; quotes inside are doubled, CR and LF kept as they are.
// TestAppendCSV and FuzzAppendCSV hold it to encoding/csv.
func AppendCSV(dst []byte, rec []string) []byte {
	for i, f := range rec {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendCSVField(dst, f)
	}
	return append(dst, '\n')
}

// AppendCSVField appends one field of a CSV line, quoted as AppendCSV
// quotes it.
func AppendCSVField(dst []byte, f string) []byte {
	if !csvNeedsQuotes(f) {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	for {
		i := strings.IndexByte(f, '"')
		if i < 0 {
			break
		}
		dst = append(dst, f[:i+1]...)
		dst = append(dst, '"')
		f = f[i+1:]
	}
	dst = append(dst, f...)
	return append(dst, '"')
}

// csvQuote marks the bytes that make encoding/csv quote a field wherever
// they are.
var csvQuote = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// csvNeedsQuotes is encoding/csv's Writer.fieldNeedsQuotes for a comma.
func csvNeedsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` {
		return true
	}
	for i := 0; i < len(f); i++ {
		if csvQuote[f[i]] {
			return true
		}
	}
	if c := f[0]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\v' || c == '\f' // \r, \n: above
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

// xlsxMaxRows is how many rows a worksheet holds (Excel's limit); a
// variable so that tests can make it small, the end-to-end tests through
// CIVISYNC_TEST_XLSX_ROWS (a million-row table is too slow for a test).
var xlsxMaxRows = testXLSXRows(excelize.TotalRows)

func testXLSXRows(rows int) int {
	if n, err := strconv.Atoi(os.Getenv("CIVISYNC_TEST_XLSX_ROWS")); err == nil && n >= 2 && n < rows {
		return n
	}
	return rows
}

type xlsxTable struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	path   string
	header []string
	into   *os.File // the file to save into; nil: create path
	sheets int      // worksheets begun
	row    int      // rows written to the current worksheet
	vals   []any
}

// NewXLSXTable streams rows into a new workbook saved to path on Close.
// Whole numbers become number cells; everything else, including text that
// starts with '=', is stored as a string, never a formula. A table longer
// than a worksheet (1,048,576 rows, the header included) goes on in Sheet2,
// Sheet3 …, each starting with the header again.
func NewXLSXTable(path string, header []string) (TableWriter, error) {
	return newXLSXTable(path, nil, header)
}

// newXLSXTable is NewXLSXTable saving into into, a file already created,
// when it is not nil: an output set's file is made while the set can still
// take files, and an interrupt that throws the set away meanwhile must not
// see it made again when the workbook is saved.
func newXLSXTable(path string, into *os.File, header []string) (*xlsxTable, error) {
	t := &xlsxTable{f: excelize.NewFile(), path: path, into: into, header: slices.Clone(header)}
	if err := t.nextSheet(); err != nil {
		t.f.Close()
		return nil, err
	}
	return t, nil
}

// nextSheet ends the current worksheet, if any, and starts the next with
// the header row.
func (t *xlsxTable) nextSheet() error {
	if t.sw != nil {
		if err := t.sw.Flush(); err != nil {
			return err
		}
	}
	t.sheets++
	name := fmt.Sprintf("Sheet%d", t.sheets)
	if t.sheets > 1 {
		if _, err := t.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := t.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	t.sw, t.row = sw, 0
	return t.write(t.header, false)
}

func (t *xlsxTable) Write(rec []string) error {
	if t.row >= xlsxMaxRows {
		if err := t.nextSheet(); err != nil {
			return err
		}
	}
	return t.write(rec, true)
}

func (t *xlsxTable) write(rec []string, numbers bool) error {
	t.row++
	t.vals = t.vals[:0]
	for _, s := range rec {
		if numbers && isPlainInt(s) {
			n, _ := strconv.ParseInt(s, 10, 64)
			t.vals = append(t.vals, n)
		} else {
			t.vals = append(t.vals, s)
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, t.vals)
}

// isPlainInt: digits only, no leading zero, short enough to stay exact in
// a spreadsheet's float.
func isPlainInt(s string) bool {
	if s == "" || len(s) > 15 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (t *xlsxTable) Close() error {
	err := t.sw.Flush()
	if err == nil {
		err = t.save()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// save writes the workbook to a file created 0644 (excelize's SaveAs
// creates it executable), or into the file the table was given.
func (t *xlsxTable) save() error {
	out := t.into
	if out == nil {
		var err error
		if out, err = os.OpenFile(t.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err != nil {
			return err
		}
	}
	if err := t.f.Write(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
