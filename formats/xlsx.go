package formats

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxReader streams one worksheet with excelize's Rows iterator, so memory
// stays flat however long the sheet is.
type xlsxReader struct {
	name   string
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	row    int // 1-based number of the current row
	line   int
	buf    []string
}

func openXLSX(path string, opt Options) (Reader, error) {
	limit := opt.MaxUnzipSize
	if limit <= 0 {
		limit = DefaultMaxUnzipSize
	}
	if err := checkZip(path, limit); err != nil {
		return nil, err
	}
	// Worksheets over 16 MiB inflate to a temporary file rather than memory.
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, bombError(path, limit)
		}
		return nil, &Error{File: path, Err: fmt.Errorf("%w: not a readable XLSX workbook: %w", ErrBadFile, err)}
	}
	generalAsStored(f)
	sheets := f.GetSheetList()
	sheet := opt.Sheet
	if sheet == "" {
		if len(sheets) == 0 {
			f.Close()
			return nil, &Error{File: path, Err: fmt.Errorf("%w: workbook has no sheets", ErrBadFile)}
		}
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		var nse excelize.ErrSheetNotExist
		if errors.As(err, &nse) {
			return nil, &Error{File: path, Err: fmt.Errorf("%w: no sheet %q (sheets: %s)", ErrBadFile, sheet, strings.Join(sheets, ", "))}
		}
		return nil, &Error{File: path, Err: fmt.Errorf("%w: sheet %q: %w", ErrBadFile, sheet, err)}
	}
	x := &xlsxReader{name: path, f: f, rows: rows}
	hdr, err := x.nextNonEmpty()
	if err == io.EOF {
		x.Close()
		return nil, &Error{File: path, Err: fmt.Errorf("%w: sheet %q is empty: no header row", ErrBadFile, sheet)}
	}
	if err != nil {
		x.Close()
		return nil, err
	}
	x.header = cleanHeader(trimTrailingEmpty(hdr))
	return x, nil
}

// checkZip vets a workbook before excelize opens it. The sizes its entries
// declare must add up to at most limit: a zip bomb is refused before
// anything is inflated, and a declared size too large for an int64 (which
// excelize takes as negative, and panics on) is refused too. Then every
// entry is inflated once, to nowhere, where archive/zip checks it against
// its declared size and CRC-32: excelize drops those errors and would read
// a corrupt entry, or one that understates its size, as a shorter sheet.
// archive/zip stops an entry at its declared size, so this pass inflates at
// most limit bytes.
func checkZip(path string, limit int64) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &Error{File: path, Err: fmt.Errorf("%w: not a readable XLSX workbook: %w", ErrBadFile, err)}
	}
	defer zr.Close()
	left := uint64(limit)
	for _, f := range zr.File {
		if f.UncompressedSize64 > left {
			return bombError(path, limit)
		}
		left -= f.UncompressedSize64
	}
	for _, f := range zr.File {
		if err := inflateEntry(f); err != nil {
			return &Error{File: path, Err: fmt.Errorf("%w: not a readable XLSX workbook: %s: %w", ErrBadFile, f.Name, err)}
		}
	}
	return nil
}

func inflateEntry(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	return err
}

func bombError(path string, limit int64) error {
	return &Error{File: path, Err: fmt.Errorf("%w: workbook inflates to more than %d bytes (zip bomb?); raise --max-xlsx-size if it is genuine", ErrBadFile, limit)}
}

// textFmt is the built-in number format "@" (text): a number shows as stored.
var textFmt = 49

// generalAsStored makes numbers in the General format come back as stored,
// like unstyled cells do. excelize renders General numbers of more than 11
// digits in scientific notation, "1.23456789E+11", dropping digits of an id
// that a person sees whole once the column is wide enough. Only the
// in-memory styles of this read-only workbook are changed.
func generalAsStored(f *excelize.File) {
	f.GetStyle(0) // loads f.Styles; an error leaves the styles as they are
	if f.Styles == nil || f.Styles.CellXfs == nil {
		return
	}
	for i := range f.Styles.CellXfs.Xf {
		if id := f.Styles.CellXfs.Xf[i].NumFmtID; id == nil || *id == 0 {
			f.Styles.CellXfs.Xf[i].NumFmtID = &textFmt
		}
	}
}

func (x *xlsxReader) nextNonEmpty() ([]string, error) {
	for x.rows.Next() {
		x.row++
		cells, err := x.rows.Columns()
		if err != nil {
			return nil, &Error{File: x.name, Line: x.row, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
		}
		if !allEmpty(cells) {
			x.line = x.row
			return cells, nil
		}
	}
	if err := x.rows.Error(); err != nil {
		return nil, &Error{File: x.name, Line: x.row, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	return nil, io.EOF
}

func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

func (x *xlsxReader) Name() string     { return x.name }
func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Line() int        { return x.line }

// Next pads short rows (spreadsheets drop trailing empty cells) and rejects
// rows with values beyond the header.
func (x *xlsxReader) Next() ([]string, error) {
	cells, err := x.nextNonEmpty()
	if err != nil {
		return nil, err
	}
	n := len(x.header)
	if len(cells) > n && !allEmpty(cells[n:]) {
		return nil, RowError(x.name, x.line, n+1, "value beyond the last header column")
	}
	x.buf = append(x.buf[:0], cells[:min(n, len(cells))]...)
	for i, c := range x.buf {
		if isNull(c) { // SQL NULL, as a database export wrote it
			x.buf[i] = ""
		}
	}
	for len(x.buf) < n {
		x.buf = append(x.buf, "")
	}
	return x.buf, nil
}

func (x *xlsxReader) Close() error {
	err := x.rows.Close()
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}
