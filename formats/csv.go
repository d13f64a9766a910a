package formats

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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
	records int // records counted while checking the encoding, 0 if unknown
	name    string
	closer  io.Closer
	header  []string
	line    int

	tb    *bufio.Reader
	comma byte
	// mysql: backslash escapes (\t \n \\ \0 …, a \ before a line break or
	// the delimiter) are decoded, as mysql -B and INTO OUTFILE write them.
	mysql bool
	n     int      // physical lines read so far
	rec   []string // reused
	// lend: fields borrow the reader's buffers (see Options.ReuseBuffer).
	lend bool
	// nulls: a cell that is exactly NULL or \N is empty (not in the header).
	nulls bool

	// Records that need parsing (a quote opening a field, a backslash in the
	// mysql dialect, a line longer than tb's buffer) are decoded into field,
	// ends marking where each field stops; long holds a line longer than
	// tb's buffer.
	field []byte
	ends  []int
	long  []byte
}

// Dialects of --dialect.
const (
	DialectAuto  = ""
	DialectCSV   = "csv"
	DialectMySQL = "mysql"
)

// ValidDialect checks --dialect.
func ValidDialect(d string) error {
	switch strings.ToLower(d) {
	case DialectAuto, "auto", DialectCSV, DialectMySQL:
		return nil
	}
	return fmt.Errorf("unknown dialect %q (use csv or mysql)", d)
}

func newCSVReader(name string, rc io.ReadCloser, seekable bool, opt Options) (Reader, error) {
	br := newBufReader(rc)
	if !seekable {
		br = bufio.NewReaderSize(rc, stdinProbe) // room to Peek the whole probe
	}
	records := 0
	text, err := decode(br, rc, seekable, opt.Encoding, &records)
	if err != nil {
		rc.Close()
		return nil, &Error{File: name, Err: err}
	}
	tb := newBufReader(countBytes(text, name, opt))
	sample, _ := tb.Peek(sniffBytes)
	delim := opt.Delimiter
	if delim == 0 {
		delim = SniffDelimiter(sample)
	}
	mysql := false
	switch strings.ToLower(opt.Dialect) {
	case DialectMySQL:
		mysql = true
	case DialectAuto, "auto":
		mysql = delim == '\t' && looksMySQL(sample)
	}
	c, err := startCSV(name, tb, delim, mysql)
	if err != nil {
		rc.Close()
		return nil, err
	}
	c.closer, c.records = rc, records
	c.lend = opt.ReuseBuffer != nil && opt.ReuseBuffer(c.header)
	return c, nil
}

// looksMySQL reports whether a tab-separated sample carries what mysql -B
// and SELECT … INTO OUTFILE write and a spreadsheet does not: a cell that is
// exactly \N (SQL NULL), or a backslash escape \\ \t \n \0.
func looksMySQL(sample []byte) bool {
	for i := 0; i+1 < len(sample); i++ {
		if sample[i] != '\\' {
			continue
		}
		switch sample[i+1] {
		case '\\', 't', 'n', '0':
			return true
		case 'N':
			before := i == 0 || sample[i-1] == '\t' || sample[i-1] == '\n'
			after := i+2 == len(sample) || sample[i+2] == '\t' || sample[i+2] == '\n' || sample[i+2] == '\r'
			if before && after {
				return true
			}
		}
		i++
	}
	return false
}

// startCSV reads the header row of UTF-8 text from tb. The delimiter is one
// ASCII byte other than a quote, CR or LF.
func startCSV(name string, tb *bufio.Reader, delim rune, mysql bool) (*csvReader, error) {
	if delim <= 0 || delim >= utf8.RuneSelf || delim == '"' || delim == '\r' || delim == '\n' || (mysql && delim == '\\') {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: delimiter %q: want one of , ; TAB |", ErrBadFile, delim)}
	}
	c := &csvReader{name: name, tb: tb, comma: byte(delim), mysql: mysql}
	hdr, err := c.read()
	if err == io.EOF {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: empty file: no header row", ErrBadFile)}
	}
	if se := (*syntaxError)(nil); errors.As(err, &se) {
		// FILE:LINE(:COL) like any other error, the line where the header starts
		return nil, &Error{File: name, Line: se.start, Column: se.column(), Err: fmt.Errorf("%w: header: %s", ErrBadFile, se.what())}
	}
	if err != nil {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: header: %w", ErrBadFile, err)}
	}
	c.header = cleanHeader(hdr)
	c.nulls = true
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

// RowsHint is about how many rows the file has (its records, not its
// physical lines: blank lines and the line breaks inside quoted cells do
// not count), so callers can size their slices once; 0 when unknown.
func (c *csvReader) RowsHint() int { return c.records }

func (c *csvReader) Next() ([]string, error) {
	rec, err := c.read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, RowError(c.name, se.start, se.column(), "%s", se.what())
		}
		var le *lateUTF8Error
		if errors.As(err, &le) {
			return nil, &Error{File: c.name, Line: c.n + 1, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
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

// syntaxError is a record that cannot be read: a quoted field that is never
// closed, or text after a closing quote. start is the record's first line.
type syntaxError struct {
	start, line, col int
	unclosed         bool
}

func (e *syntaxError) what() string {
	if e.unclosed {
		return fmt.Sprintf("the quote opened here is never closed (the reader gave up at line %d, the end of the file); the lines in between are not read", e.line)
	}
	if e.line != e.start {
		return fmt.Sprintf("text after the closing quote of a field, at line %d column %d", e.line, e.col)
	}
	return "text after the closing quote of a field"
}

func (e *syntaxError) Error() string { return e.what() }

// column is the column to report beside the record's first line: none
// when the error is on a later line (what says where).
func (e *syntaxError) column() int {
	if e.line != e.start {
		return 0
	}
	return e.col
}

// read returns the next record and sets c.line to the line where it
// starts. Physical lines end in \n, \r\n, or the end of the input (a \r
// there is dropped); a blank line is skipped. A line that can be split at
// the delimiter as it is (no quote opens a field, no backslash in the mysql
// dialect, short enough for the buffer) is split straight from tb's buffer;
// any other record is parsed by readRecord.
func (c *csvReader) read() ([]string, error) {
	for {
		c.skipBlank()
		line, err := c.peekLine()
		if err == io.EOF && len(line) == 0 {
			return nil, io.EOF
		}
		if err == bufio.ErrBufferFull || (err == nil || err == io.EOF) && !c.plain(line) {
			return c.readRecord()
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		c.tb.Discard(len(line))
		c.n++
		line = trimEOL(line)
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

// skipBlank reads past the blank lines (\n or \r\n alone) at the front of
// the buffer in one go: a file of millions of them costs a pass over its
// bytes, not a call per line.
func (c *csvReader) skipBlank() {
	buf, _ := c.tb.Peek(c.tb.Buffered())
	k := 0
	for k < len(buf) {
		if buf[k] == '\n' {
			c.n++
			k++
		} else if buf[k] == '\r' && k+1 < len(buf) && buf[k+1] == '\n' {
			c.n++
			k += 2
		} else {
			break
		}
	}
	c.tb.Discard(k)
}

// trimEOL cuts a line's \n, then a \r before it (or at the end of input).
func trimEOL(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}

// plain reports whether line splits at the delimiter as it is: no quote
// opens a field (a quote inside a field is an ordinary character), and in
// the mysql dialect no backslash.
func (c *csvReader) plain(line []byte) bool {
	if c.mysql && bytes.IndexByte(line, '\\') >= 0 {
		return false
	}
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], '"')
		if j < 0 {
			return true
		}
		i += j
		if i == 0 || line[i-1] == c.comma {
			return false
		}
		i++
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

// isNull: how phpMyAdmin, mysql -B and INTO OUTFILE write SQL NULL.
func isNull(f string) bool {
	return len(f) == 4 && f == "NULL" || len(f) == 2 && f == `\N`
}

// split cuts s at the delimiter into the reused record: every field is a
// substring of s, one allocation per record at most.
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
	if c.nulls {
		for i, f := range rec {
			if isNull(f) {
				rec[i] = ""
			}
		}
	}
	c.rec = rec
	return rec
}

// nextLine reads the next physical line whole, its line end cut off; ok is
// false at the end of the input. A line longer than tb's buffer is gathered
// in c.long.
func (c *csvReader) nextLine() (line []byte, ok bool, err error) {
	line, err = c.tb.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.tb.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if err == io.EOF {
		if len(line) == 0 {
			return nil, false, nil
		}
		err = nil
	}
	if err != nil {
		return nil, false, err
	}
	c.n++
	return trimEOL(line), true, nil
}

// readRecord parses the record that starts on the next non-blank line, its
// fields decoded into c.field. A quote opens a quoted field only as a
// field's first character; in it, "" is a quote and line breaks are data
// (as \n); it closes at a quote followed by the delimiter or the line's
// end, and anything else after the closing quote makes the record bad (in
// the mysql dialect, as LOAD DATA reads it, such a quote is data). In the
// mysql dialect a backslash escapes the next character, a line break
// included. A bad record is read to the end of the line where it went bad.
func (c *csvReader) readRecord() ([]string, error) {
	var body []byte
	for {
		line, ok, err := c.nextLine()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		if len(line) > 0 {
			body = line
			break
		}
	}
	start := c.n
	c.line = start
	c.field, c.ends = c.field[:0], c.ends[:0]
	pos := 0
	// more reads the next line inside a field; false at the end of input.
	more := func() (bool, error) {
		line, ok, err := c.nextLine()
		if err != nil || !ok {
			return false, err
		}
		body, pos = line, 0
		return true, nil
	}
	// moreQuoted goes on to the next line inside a quoted field, the line
	// break kept as data; the input ending there leaves the quote unclosed.
	moreQuoted := func() error {
		ok, err := more()
		if err != nil {
			return err
		}
		if !ok {
			return &syntaxError{start: start, line: c.n, unclosed: true}
		}
		c.field = append(c.field, '\n')
		return nil
	}
fields:
	for {
		fieldStart := len(c.field)
		if pos < len(body) && body[pos] == '"' && (!c.mysql || c.enclosed(body[pos+1:])) {
			pos++
			escaped := false
			for {
				i := c.indexQuoted(body[pos:])
				if i < 0 { // the line ends inside the quotes
					c.field = append(c.field, body[pos:]...)
					if err := moreQuoted(); err != nil {
						return nil, err
					}
					continue
				}
				c.field = append(c.field, body[pos:pos+i]...)
				pos += i
				if body[pos] == '\\' {
					if pos+1 == len(body) { // an escaped line break
						if err := moreQuoted(); err != nil {
							return nil, err
						}
						escaped = true
						continue
					}
					c.field = append(c.field, unescape(body[pos+1]))
					escaped = true
					pos += 2
					continue
				}
				pos++ // the quote
				switch {
				case pos < len(body) && body[pos] == '"':
					c.field = append(c.field, '"')
					pos++
				case pos == len(body):
					c.endField(fieldStart, escaped)
					break fields
				case body[pos] == c.comma:
					c.endField(fieldStart, escaped)
					pos++
					continue fields
				case c.mysql:
					c.field = append(c.field, '"')
				default:
					return nil, &syntaxError{start: start, line: c.n, col: pos}
				}
			}
		}
		// An unquoted field runs to the delimiter or the line's end.
		if !c.mysql {
			i := bytes.IndexByte(body[pos:], c.comma)
			if i < 0 {
				c.field = append(c.field, body[pos:]...)
				c.endField(fieldStart, false)
				break fields
			}
			c.field = append(c.field, body[pos:pos+i]...)
			c.endField(fieldStart, false)
			pos += i + 1
			continue fields
		}
		if rest := body[pos:]; c.nulls && len(rest) >= 2 && rest[0] == '\\' && rest[1] == 'N' && (len(rest) == 2 || rest[2] == c.comma) {
			c.ends = append(c.ends, len(c.field)) // \N: SQL NULL
			pos += 2
			if pos == len(body) {
				break fields
			}
			pos++
			continue fields
		}
		escaped := false // NULL is a null only as written, not decoded
		for {
			i := indexEither(body[pos:], c.comma, '\\')
			if i < 0 {
				c.field = append(c.field, body[pos:]...)
				c.endField(fieldStart, escaped)
				break fields
			}
			c.field = append(c.field, body[pos:pos+i]...)
			pos += i
			if body[pos] == c.comma {
				c.endField(fieldStart, escaped)
				pos++
				continue fields
			}
			if pos+1 < len(body) {
				c.field = append(c.field, unescape(body[pos+1]))
				escaped = true
				pos += 2
				continue
			}
			// A backslash ends the line: the line break is data, as INTO
			// OUTFILE escapes it; at the end of the input it is a backslash.
			ok, err := more()
			if err != nil {
				return nil, err
			}
			if !ok {
				c.field = append(c.field, '\\')
				c.ends = append(c.ends, len(c.field))
				break fields
			}
			c.field = append(c.field, '\n')
			escaped = true
		}
	}
	var all string
	if c.lend {
		// c.field is only written again by a later call.
		all = unsafe.String(unsafe.SliceData(c.field), len(c.field))
	} else {
		all = string(c.field)
	}
	rec := c.rec[:0]
	from := 0
	for _, to := range c.ends {
		rec = append(rec, all[from:to])
		from = to
	}
	c.rec = rec
	return rec, nil
}

// endField ends the field that starts at from, empty if it is NULL or \N
// as written (quoted or not; a NULL decoded from backslash escapes is text,
// and an unquoted \N in the mysql dialect is caught before it decodes).
func (c *csvReader) endField(from int, escaped bool) {
	if c.nulls && !escaped && isNull(string(c.field[from:])) {
		c.field = c.field[:from]
	}
	c.ends = append(c.ends, len(c.field))
}

// enclosed reports whether, in the mysql dialect, a quote opening a field
// followed by rest encloses it: the field closes on this line (a quote
// followed by the delimiter or the line's end) or goes on past an escaped
// line break. mysql -B and INTO OUTFILE without ENCLOSED BY never enclose,
// and enclosed fields never hold a raw line break, so a value that merely
// starts with a quote is read as it is instead of running on.
func (c *csvReader) enclosed(rest []byte) bool {
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			if i+1 == len(rest) {
				return true
			}
			i++
		case '"':
			if i+1 == len(rest) || rest[i+1] == c.comma {
				return true
			}
			if rest[i+1] == '"' {
				i++
			}
		}
	}
	return false
}

// indexQuoted finds where a quoted field's text stops: a quote, or in the
// mysql dialect a backslash.
func (c *csvReader) indexQuoted(b []byte) int {
	if c.mysql {
		return indexEither(b, '"', '\\')
	}
	return bytes.IndexByte(b, '"')
}

func indexEither(b []byte, x, y byte) int {
	i := bytes.IndexByte(b, x)
	if i < 0 {
		return bytes.IndexByte(b, y)
	}
	if j := bytes.IndexByte(b[:i], y); j >= 0 {
		return j
	}
	return i
}

// unescape decodes MySQL's backslash escape \x: \0 NUL, \b backspace, \n,
// \r, \t, \Z (Ctrl-Z); any other character stands for itself.
func unescape(x byte) byte {
	switch x {
	case '0':
		return 0
	case 'b':
		return '\b'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'Z':
		return 0x1a
	}
	return x
}

func allEmpty(fs []string) bool {
	for _, f := range fs {
		if f != "" {
			return false
		}
	}
	return true
}

// decode returns the input as UTF-8 text. A BOM decides; otherwise a file
// must be valid UTF-8 throughout or it is read as Windows-1252, the
// encoding Excel writes "CSV" in on Western Windows machines (a stream:
// see lateUTF8). A file's records are counted into *records on the way.
func decode(br *bufio.Reader, src io.Reader, seekable bool, enc string, records *int) (io.Reader, error) {
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
	if f, ok := src.(*os.File); !seekable || !ok {
		// A stream is decided by its first MiB: any invalid UTF-8 there
		// makes it Windows-1252; otherwise the rest is checked as it is read.
		sample, _ := br.Peek(stdinProbe)
		if len(sample) == stdinProbe { // more follows: forgive a rune cut off
			sample = sample[:cutIncomplete(sample)]
		}
		if !utf8.Valid(sample) {
			return transform.NewReader(br, charmap.Windows1252.NewDecoder()), nil
		}
		return &lateUTF8{r: br, ascii: isASCII(sample)}, nil
	} else {
		valid, err := isUTF8(br, f, records)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadFile, err)
		}
		if valid {
			return br, nil
		}
	}
	return transform.NewReader(br, charmap.Windows1252.NewDecoder()), nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lateUTF8 reads a stream whose first MiB was valid UTF-8. While all it
// has read is ASCII, which UTF-8 and Windows-1252 read alike, the first
// non-ASCII character decides: valid UTF-8 keeps it UTF-8, anything else
// makes the whole stream Windows-1252 (the same file read by path gives
// the same text). Once UTF-8 holds non-ASCII text, a byte that is not
// UTF-8 is an error that suggests --encoding, never passed on as is.
type lateUTF8 struct {
	r      *bufio.Reader
	ascii  bool      // nothing but ASCII read so far
	cp1252 io.Reader // set once the stream turned out to be Windows-1252
	off    int64     // bytes passed on
}

// lateUTF8Error: a stream that read as UTF-8 has a byte that is not.
type lateUTF8Error struct{ off int64 }

func (e *lateUTF8Error) Error() string {
	return fmt.Sprintf("byte %d is not UTF-8, but the text before it was UTF-8 with non-ASCII characters: the input mixes encodings; give --encoding (e.g. --encoding windows-1252) to read it one way", e.off+1)
}

func (l *lateUTF8) Read(p []byte) (int, error) {
	if l.cp1252 != nil {
		return l.cp1252.Read(p)
	}
	if len(p) < utf8.UTFMax {
		return 0, io.ErrShortBuffer
	}
	buf, err := l.r.Peek(min(len(p), l.r.Size()))
	if len(buf) == 0 {
		return 0, err
	}
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return 0, err
	}
	n := len(buf)
	if err != io.EOF { // more follows: a rune cut off waits for the next read
		n = cutIncomplete(buf)
	}
	buf = buf[:n]
	if l.ascii {
		i := 0
		for i < n && buf[i] < utf8.RuneSelf {
			i++
		}
		if i < n {
			if r, _ := utf8.DecodeRune(buf[i:]); r == utf8.RuneError {
				// The first non-ASCII is not UTF-8: Windows-1252 from here
				// on, as from the start (ASCII reads the same in both).
				l.cp1252 = transform.NewReader(l.r, charmap.Windows1252.NewDecoder())
				if i == 0 {
					return l.cp1252.Read(p)
				}
				l.r.Discard(i)
				l.off += int64(i)
				return copy(p, buf[:i]), nil
			}
			l.ascii = false
		}
	}
	ok := n
	if !l.ascii && !utf8.Valid(buf) {
		ok = 0
		for ok < n {
			r, size := utf8.DecodeRune(buf[ok:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			ok += size
		}
		if ok == 0 {
			return 0, &lateUTF8Error{off: l.off}
		}
	}
	c := copy(p, buf[:ok])
	l.r.Discard(c)
	l.off += int64(c)
	return c, nil
}

func skipUTF8BOM(br *bufio.Reader) {
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
}

// isUTF8 checks a file whole (one fast pass, then rewinds), counting its
// records on the way for RowsHint.
func isUTF8(br *bufio.Reader, f *os.File, records *int) (bool, error) {
	// br has read ahead: scan the file from its start, then rewind.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	valid := true
	var count recordCounter
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
		count.add(chunk[:cut])
		if valid && !utf8.Valid(chunk[:cut]) {
			valid = false // keep counting: the count sizes the caller's slices
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
	*records = count.total()
	return valid, nil
}

// recordCounter counts the records of a CSV as it streams by: the lines
// with something on them, outside quoted fields. It sizes slices, so blank
// lines and the line breaks of a multi-line cell must cost nothing; close
// is enough. A line with an odd number of quotes opens (or closes) a
// quoted field: a stray quote inside a field (O"Brien) makes the count low,
// which costs a slice growing, never memory.
type recordCounter struct {
	n       int
	inQ     bool // in a quoted field
	data    bool // the line so far has something on it
	midLine bool // the last chunk ended inside a line
	quoted  bool // the last line held a quote: the next likely does too
}

func (r *recordCounter) add(b []byte) {
	for len(b) > 0 {
		if !r.inQ && !r.midLine {
			if b[0] == '\n' { // runs of blank lines, a byte at a time
				b = b[1:]
				continue
			}
			if !r.quoted {
				r.bulk(&b)
				if len(b) == 0 {
					return
				}
			}
		}
		i := bytes.IndexByte(b, '\n')
		line := b
		if i >= 0 {
			line = b[:i]
		}
		r.quoted = bytes.IndexByte(line, '"') >= 0
		if r.quoted {
			r.data = true
			if bytes.Count(line, []byte{'"'})%2 == 1 {
				r.inQ = !r.inQ
			}
		} else if len(line) > 1 || len(line) == 1 && line[0] != '\r' {
			r.data = true
		}
		if i < 0 {
			r.midLine = true
			return
		}
		if !r.inQ {
			if r.data {
				r.n++
			}
			r.data = false
		}
		r.midLine = false
		b = b[i+1:]
	}
}

// bulk counts, in one pass, the complete lines at the front of *b (which
// starts a line outside quotes) up to the next quote, when none of them is
// blank or they are 32 bytes long on average (the blank lines among those
// add at most one slot per 32 bytes, and looking for them would cost more
// than the count).
func (r *recordCounter) bulk(b *[]byte) {
	end := len(*b)
	if q := bytes.IndexByte(*b, '"'); q >= 0 {
		end = q
	}
	last := bytes.LastIndexByte((*b)[:end], '\n')
	if last < 0 || (*b)[0] == '\r' {
		return
	}
	span := (*b)[:last+1]
	if nl := bytes.Count(span, []byte{'\n'}); len(span) >= 32*nl || !hasBlankLine(span) {
		r.n += nl
		*b = (*b)[last+1:]
	}
}

// hasBlankLine reports whether b holds "\n\n" or "\n\r\n". bytes.Index
// would call IndexByte at every line break; this looks at 8 bytes at a time,
// in words 6 bytes apart so that every 3 bytes in a row share a word.
func hasBlankLine(b []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	// is has the high bit of each byte of w that equals c.
	is := func(w uint64, c uint64) uint64 {
		x := w ^ (lo * c)
		return ^((x&^hi + ^uint64(hi)&^hi) | x) & hi
	}
	i := 0
	for ; i+8 <= len(b); i += 6 {
		w := binary.LittleEndian.Uint64(b[i:])
		n := is(w, '\n')
		if n == 0 {
			continue
		}
		if n&(n>>8) != 0 || n&(is(w, '\r')>>8)&(n>>16) != 0 {
			return true
		}
	}
	if i > 0 {
		i -= 2 // the last word's last 2 bytes start windows it did not hold
	}
	return bytes.Contains(b[i:], []byte("\n\n")) || bytes.Contains(b[i:], []byte("\n\r\n"))
}

func (r *recordCounter) total() int {
	if r.data && !r.inQ {
		return r.n + 1
	}
	return r.n
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
