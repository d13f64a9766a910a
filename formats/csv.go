package formats

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffBytes is how much decoded text the delimiter sniffer looks at.
const sniffBytes = 64 << 10

// stdinProbe is how much of a non-seekable input is checked for UTF-8
// validity before falling back to Windows-1252.
const stdinProbe = 1 << 20

type csvReader struct {
	lines  int // newlines counted while checking the encoding, 0 if unknown
	name   string
	closer io.Closer
	r      *csv.Reader
	header []string
	line   int

	// fast: records on lines without a quote are split here, straight from
	// tb, and encoding/csv reads the others from the same buffer; false
	// leaves every record to encoding/csv (tests compare the two).
	fast  bool
	tb    *bufio.Reader
	comma byte
	n     int      // lines read so far, by either parser
	rec   []string // reused by the fast path
	// lend: the fast path's fields borrow tb's buffer (see
	// Options.ReuseBuffer).
	lend bool
}

// csvReadsThrough reports whether a csv.Reader reads straight from the
// *bufio.Reader it is given (bufio.NewReader returns it as is), leaving
// what follows the record it read in that buffer: the fast path relies on
// it and is off otherwise. TestCSVReadsThrough fails if Go changes it.
var csvReadsThrough = sync.OnceValue(func() bool {
	br := bufio.NewReaderSize(strings.NewReader("a\nb\n"), 4096)
	_, err := csv.NewReader(br).Read()
	return err == nil && br.Buffered() == len("b\n")
})

func newCSVReader(name string, rc io.ReadCloser, seekable bool, opt Options) (Reader, error) {
	br := newBufReader(rc)
	if !seekable {
		br = bufio.NewReaderSize(rc, stdinProbe) // room to Peek the whole probe
	}
	lines := 0
	text, err := decode(br, rc, seekable, opt.Encoding, &lines)
	if err != nil {
		rc.Close()
		return nil, &Error{File: name, Err: err}
	}
	tb := newBufReader(countBytes(text, name, opt))
	delim := opt.Delimiter
	if delim == 0 {
		sample, _ := tb.Peek(sniffBytes)
		delim = SniffDelimiter(sample)
	}
	c, err := startCSV(name, tb, delim)
	if err != nil {
		rc.Close()
		return nil, err
	}
	c.closer, c.lines = rc, lines
	c.lend = opt.ReuseBuffer != nil && opt.ReuseBuffer(c.header)
	return c, nil
}

// startCSV reads the header row of UTF-8 text from tb, whose buffer must
// hold at least 4096 bytes for the fast path to share it with encoding/csv.
func startCSV(name string, tb *bufio.Reader, delim rune) (*csvReader, error) {
	cr := csv.NewReader(tb)
	cr.Comma = delim
	// Quotes are read strictly: a stray or unclosed quote makes a bad row that
	// review.csv names, where lenient parsing would silently swallow the rest
	// of the file into one field.
	cr.LazyQuotes = false
	cr.FieldsPerRecord = -1 // ragged rows are reported per row, not as a file error
	cr.ReuseRecord = true
	c := &csvReader{name: name, r: cr, tb: tb, comma: byte(delim)}
	c.fast = delim < utf8.RuneSelf && delim != 0 && delim != '"' && delim != '\r' && delim != '\n' &&
		tb.Size() >= 4096 && csvReadsThrough()
	hdr, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: empty file: no header row", ErrBadFile)}
	}
	if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
		// FILE:LINE(:COL) like any other error, the line where the header starts
		e := &Error{File: name, Line: pe.StartLine, Err: fmt.Errorf("%w: header: %w", ErrBadFile, pe.Err)}
		if pe.Line == pe.StartLine {
			e.Column = pe.Column
		} else {
			e.Err = fmt.Errorf("%w: header: %w: the quote opened here is never closed (the parser gave up at line %d)", ErrBadFile, pe.Err, pe.Line)
		}
		return nil, e
	}
	if err != nil {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: header: %w", ErrBadFile, err)}
	}
	c.n = c.lastLine(hdr)
	c.header = cleanHeader(hdr)
	return c, nil
}

// cleanHeader copies the header (the reader reuses its slice), dropping a
// BOM and surrounding white space from each title.
func cleanHeader(h []string) []string {
	out := make([]string, len(h))
	for i, s := range h {
		out[i] = strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))
	}
	return out
}

func (c *csvReader) Name() string     { return c.name }
func (c *csvReader) Header() []string { return c.header }
func (c *csvReader) Line() int        { return c.line }
func (c *csvReader) Close() error     { return c.closer.Close() }

// RowsHint is about how many rows the file has (its line count), so
// callers can size their slices once; 0 when unknown.
func (c *csvReader) RowsHint() int { return c.lines }

func (c *csvReader) Next() ([]string, error) {
	rec, err := c.read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.line = pe.StartLine
			if pe.Line != pe.StartLine { // a quote left open runs on to where the parser gave up
				return nil, RowError(c.name, pe.StartLine, 0, "%v: the quote opened here is never closed (the parser gave up at line %d); the lines in between are not read", pe.Err, pe.Line)
			}
			return nil, RowError(c.name, pe.Line, pe.Column, "%v", pe.Err)
		}
		return nil, &Error{File: c.name, Line: c.line, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	if len(rec) != len(c.header) {
		if len(rec) > len(c.header) && allEmpty(rec[len(c.header):]) {
			return rec[:len(c.header)], nil // trailing empty cells, as spreadsheets write them
		}
		return nil, RowError(c.name, c.line, 0, "%d fields, the header has %d", len(rec), len(c.header))
	}
	return rec, nil
}

// read returns the next record, as encoding/csv would, and sets c.line to
// the line where it starts; a *csv.ParseError counts lines from the top of
// the file.
//
// The fast path reads physical lines from tb itself. A line without a
// quote is a record of fields split at the delimiter, once its line end
// (\n, \r\n, or a \r at the end of the file) is cut off; an empty line is
// skipped. A line with a quote, or too long to fit the buffer, is left
// unread for encoding/csv, which reads it (and any lines a quoted field
// runs on to) from tb and stops at the end of the record.
func (c *csvReader) read() ([]string, error) {
	if !c.fast {
		rec, err := c.r.Read()
		if err == nil {
			c.line, _ = c.r.FieldPos(0)
		}
		return rec, err
	}
	for {
		line, err := c.peekLine()
		if err == io.EOF && len(line) == 0 {
			return nil, io.EOF
		}
		if err == bufio.ErrBufferFull || bytes.IndexByte(line, '"') >= 0 {
			return c.readCSV()
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		c.tb.Discard(len(line))
		c.n++
		if err == nil { // the line ends in \n, as the last one may not
			line = line[:len(line)-1]
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) == 0 {
			continue
		}
		c.line = c.n
		if c.lend {
			// The buffer is only written again when a later call reads on.
			return c.split(unsafe.String(&line[0], len(line))), nil
		}
		return c.split(string(line)), nil
	}
}

// peekLine returns the next line in tb, its \n included, without reading
// it; at the end of the input, the rest (maybe nothing) and io.EOF. A line
// longer than the buffer gives bufio.ErrBufferFull.
func (c *csvReader) peekLine() ([]byte, error) {
	var err error
	for seen := 0; ; {
		buf, _ := c.tb.Peek(c.tb.Buffered())
		if i := bytes.IndexByte(buf[seen:], '\n'); i >= 0 {
			return buf[:seen+i+1], nil
		}
		if err != nil {
			return buf, err
		}
		seen = len(buf)
		// Read more, sliding what is buffered to the front; a full buffer
		// gives bufio.ErrBufferFull.
		_, err = c.tb.Peek(seen + 1)
	}
}

// split cuts s at the delimiter into the reused record: every field is a
// substring of s, one allocation per record as encoding/csv makes.
func (c *csvReader) split(s string) []string {
	rec := c.rec[:0]
	for {
		i := strings.IndexByte(s, c.comma)
		if i < 0 {
			break
		}
		rec = append(rec, s[:i])
		s = s[i+1:]
	}
	rec = append(rec, s)
	c.rec = rec
	return rec
}

// readCSV has encoding/csv read the record that starts on the next line.
// Its line numbers count only the lines it read itself: they become lines
// of the file by their distance from the record's first line, which is
// never blank, so csv skips none.
func (c *csvReader) readCSV() ([]string, error) {
	start := c.n + 1
	rec, err := c.r.Read()
	if err == nil {
		first, _ := c.r.FieldPos(0)
		c.line, c.n = start, start+c.lastLine(rec)-first
		return rec, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// csv read the line of the error to its end; an unclosed quote
		// ran to the end of the file.
		c.n = start + pe.Line - pe.StartLine
		return rec, &csv.ParseError{StartLine: start, Line: c.n, Column: pe.Column, Err: pe.Err}
	}
	return rec, err
}

// lastLine is the line, in encoding/csv's count, where the record it has
// just read ends: where its last field starts, and on by the line breaks
// inside that field.
func (c *csvReader) lastLine(rec []string) int {
	line, _ := c.r.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n")
}

func allEmpty(fs []string) bool {
	for _, f := range fs {
		if f != "" {
			return false
		}
	}
	return true
}

// decode returns the input as UTF-8 text. A BOM decides; otherwise the
// whole input must be valid UTF-8 or it is read as Windows-1252, the
// encoding Excel writes "CSV" in on Western Windows machines.
func decode(br *bufio.Reader, src io.Reader, seekable bool, enc string, lines *int) (io.Reader, error) {
	if enc != "" {
		e, err := lookupEncoding(enc)
		if err != nil {
			return nil, err
		}
		if e == nil {
			skipUTF8BOM(br)
			return br, nil
		}
		return transform.NewReader(br, unicode.BOMOverride(e.NewDecoder())), nil
	}
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), nil
	}
	valid, err := isUTF8(br, src, seekable, lines)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadFile, err)
	}
	if valid {
		return br, nil
	}
	return transform.NewReader(br, charmap.Windows1252.NewDecoder()), nil
}

func skipUTF8BOM(br *bufio.Reader) {
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
}

// isUTF8 checks a seekable file whole (one fast pass, then rewinds) and a
// stream by its first MiB.
func isUTF8(br *bufio.Reader, src io.Reader, seekable bool, lines *int) (bool, error) {
	f, ok := src.(*os.File)
	if !seekable || !ok {
		sample, _ := br.Peek(stdinProbe)
		if len(sample) == stdinProbe { // more follows: forgive a rune cut off
			sample = sample[:cutIncomplete(sample)]
		}
		return utf8.Valid(sample), nil
	}
	// br has read ahead: scan the file from its start, then rewind.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	valid := true
	buf := make([]byte, 1<<20)
	carry := 0
	for {
		n, err := f.Read(buf[carry:])
		chunk := buf[:carry+n]
		// A rune cut by the chunk's end waits for the next chunk.
		cut := len(chunk)
		if err != io.EOF {
			cut = cutIncomplete(chunk)
		}
		*lines += bytes.Count(chunk[:cut], []byte{'\n'})
		if valid && !utf8.Valid(chunk[:cut]) {
			valid = false // keep counting lines: they size the caller's slices
		}
		carry = copy(buf, chunk[cut:])
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, err
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	br.Reset(f)
	return valid, nil
}

// cutIncomplete is len(b) less the bytes of a rune cut off at its end:
// only a rune's lead byte and too few continuation bytes are left for the
// next read; a complete rune, or an invalid byte, stays.
func cutIncomplete(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// lookupEncoding maps --encoding names; nil means UTF-8 as is.
func lookupEncoding(name string) (encoding.Encoding, error) {
	switch strings.ToLower(strings.NewReplacer("-", "", "_", "", " ", "").Replace(name)) {
	case "utf8":
		return nil, nil
	case "utf16", "utf16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), nil
	case "utf16be":
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM), nil
	case "windows1252", "cp1252", "win1252":
		return charmap.Windows1252, nil
	case "latin1", "iso88591":
		return charmap.ISO8859_1, nil
	case "iso885915", "latin9":
		return charmap.ISO8859_15, nil
	}
	return nil, fmt.Errorf("unknown encoding %q (use utf-8, utf-16le, utf-16be, windows-1252, latin1)", name)
}

// ValidEncoding reports whether --encoding names an encoding we read.
func ValidEncoding(name string) error {
	_, err := lookupEncoding(name)
	return err
}

var delimiters = []rune{',', '\t', ';', '|'}

// SniffDelimiter picks the delimiter among , TAB ; | that splits the first
// lines of sample into the most consistent, widest rows. Quoted text is
// skipped, so a comma inside "Smith, John" does not count.
func SniffDelimiter(sample []byte) rune {
	lines := splitLogicalLines(sample, 50)
	if len(lines) == 0 {
		return ','
	}
	best, bestScore := ',', -1.0
	for _, d := range delimiters {
		n0 := countOutsideQuotes(lines[0], byte(d))
		if n0 == 0 {
			continue
		}
		same := 0
		for _, l := range lines {
			if countOutsideQuotes(l, byte(d)) == n0 {
				same++
			}
		}
		score := float64(same)/float64(len(lines))*1000 + float64(n0)
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// splitLogicalLines splits at newlines outside quotes; the last, possibly
// cut, line is dropped when there is more than one.
func splitLogicalLines(b []byte, max int) [][]byte {
	var out [][]byte
	inQ := false
	start := 0
	for i := 0; i < len(b) && len(out) < max; i++ {
		switch b[i] {
		case '"':
			inQ = !inQ
		case '\n':
			if !inQ {
				line := bytes.TrimRight(b[start:i], "\r")
				if len(bytes.TrimSpace(line)) > 0 {
					out = append(out, line)
				}
				start = i + 1
			}
		}
	}
	if len(out) == 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}

func countOutsideQuotes(line []byte, d byte) int {
	n := 0
	inQ := false
	for _, c := range line {
		if c == '"' {
			inQ = !inQ
		} else if c == d && !inQ {
			n++
		}
	}
	return n
}
