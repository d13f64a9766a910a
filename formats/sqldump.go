package formats

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// A SQL dump (mysqldump, phpMyAdmin, Adminer, pg_dump's plain format) is
// read in two steps. An index pass (dumpIndex, sqldump_index.go) scans the
// whole dump once, without decoding any value, and remembers where each
// table's CREATE TABLE and data statements are. A dumpReader then reads one
// table's data statements only, decoding their values into rows: the same
// Reader the CSV and XLSX readers give.

// dumpTable is what the index knows of one table.
type dumpTable struct {
	name       string
	cols       []string // from CREATE TABLE
	insertCols []string // from the first INSERT or COPY with a column list
	latin1     bool     // DEFAULT CHARSET=latin1
	segs       []dumpSeg
	rows       int  // tuples or COPY lines counted by the index pass
	cut        bool // the dump ends inside one of its statements
}

// dumpSeg is a run of statements holding one table's data: from off (at
// line, with the dump's state there) to end.
type dumpSeg struct {
	off, end int64
	line     int
	st       dumpState
}

// header is the table's columns: CREATE TABLE's, else the column list of
// its first INSERT or COPY.
func (t *dumpTable) header() []string {
	if len(t.cols) > 0 {
		return t.cols
	}
	return t.insertCols
}

// dumpReader streams the rows of one table of a dump.
type dumpReader struct {
	name   string // file[table]
	file   string
	t      *dumpTable
	header []string
	src    *dumpSource
	seg    int
	l      *sqlLexer
	closer io.Closer
	mode   int          // readBetween, readValues, readCopy
	perm   []int        // a statement's column i is header column perm[i]; nil: same order
	enc    cellEncoding // how this segment's strings are decoded
	forced cellEncoding // --encoding, if given
	line   int
	row    []string
	vals   []int // ends of the values in text
	text   []byte
	cells  []string
	spans  []span
	join   *dumpJoin
	lend   bool
}

const (
	readBetween = iota
	readValues
	readCopy
)

// cellEncoding says how a dump's string bytes become text.
type cellEncoding int

const (
	encAuto   cellEncoding = iota // UTF-8; a value that is not valid UTF-8 is Windows-1252
	encLatin1                     // every value is Windows-1252 (SET NAMES latin1, latin1 tables)
	encUTF8                       // --encoding utf-8: bytes as they are
)

func (d *dumpReader) Name() string     { return d.name }
func (d *dumpReader) Header() []string { return d.header }
func (d *dumpReader) Line() int        { return d.line }
func (d *dumpReader) RowsHint() int    { return d.t.rows }

func (d *dumpReader) Close() error {
	if d.closer != nil {
		err := d.closer.Close()
		d.closer = nil
		return err
	}
	return nil
}

// cutError is the error for a dump that ends inside a statement.
func (d *dumpReader) cutError() error {
	return &Error{File: d.file, Line: d.l.lineNow(), Err: fmt.Errorf("%w: the dump ends in the middle of a statement of table %s: it was cut off (an interrupted dump or copy?)", ErrBadFile, d.t.name)}
}

func (d *dumpReader) Next() ([]string, error) {
	for {
		switch d.mode {
		case readBetween:
			if d.l == nil || d.l.offset() >= d.t.segs[d.seg].end {
				if d.l != nil {
					d.closer.Close()
					d.closer, d.l = nil, nil
					d.seg++
				}
				if d.seg >= len(d.t.segs) {
					return nil, io.EOF
				}
				if err := d.openSeg(); err != nil {
					return nil, err
				}
			}
			h, ok, cut := d.l.readHead()
			if d.l.rerr != nil {
				return nil, &Error{File: d.file, Err: fmt.Errorf("%w: %w", ErrBadFile, d.l.rerr)}
			}
			if cut {
				return nil, d.cutError()
			}
			if !ok { // the dump ends here, between statements
				d.Close()
				d.l, d.seg = nil, len(d.t.segs)
				return nil, io.EOF
			}
			mine := strings.EqualFold(h.table, d.t.name)
			switch {
			case h.kind == stmtInsert && mine:
				d.setPerm(h.cols)
				d.mode = readValues
			case h.kind == stmtCopy && mine:
				d.setPerm(h.cols)
				d.mode = readCopy
			case h.kind == stmtInsert:
				var n int
				if !d.l.skipValues(&n) {
					return nil, d.cutError()
				}
			case h.kind == stmtCopy:
				var n int
				if !d.l.skipCopy(&n) {
					return nil, d.cutError()
				}
			case !h.passed && h.kind != stmtInsert && h.kind != stmtCopy:
				if !d.l.skipStatement(nil, 0) {
					return nil, d.cutError()
				}
			}
		case readValues:
			l := d.l
			l.skipBlank()
			switch c := l.peek(0); {
			case c == '(':
				d.line = l.lineNow()
				row, err := d.tuple()
				if err != nil && err != errBadTuple && !errors.Is(err, ErrBadRow) {
					return nil, err
				}
				l.skipBlank()
				switch {
				case l.peek(0) == ',':
					l.pos++
				case l.atDelim():
					l.pos += len(l.st.delim)
					d.mode = readBetween
				case !l.fill(1):
					return nil, d.cutError()
				default: // ON DUPLICATE KEY UPDATE ...
					if !l.skipStatement(nil, 0) {
						return nil, d.cutError()
					}
					d.mode = readBetween
				}
				if err == errBadTuple {
					return nil, RowError(d.name, d.line, 0, "a row of the INSERT into %s cannot be read (not a list of values)", d.t.name)
				}
				if err != nil {
					return nil, err
				}
				if row == nil {
					continue
				}
				return row, nil
			case c == 0 && !l.fill(1): // the end, not a NUL byte
				return nil, d.cutError()
			case l.atDelim():
				l.pos += len(l.st.delim)
				d.mode = readBetween
			default:
				d.line = l.lineNow()
				if !l.skipStatement(nil, 0) {
					return nil, d.cutError()
				}
				d.mode = readBetween
				return nil, RowError(d.name, d.line, 0, "an INSERT into %s has something other than rows of values", d.t.name)
			}
		case readCopy:
			l := d.l
			if !l.fill(1) {
				return nil, d.cutError()
			}
			d.line = l.lineNow()
			if l.buf[l.pos] == '\\' && l.peek(1) == '.' {
				if c := l.peek(2); c == 0 || c == '\n' || c == '\r' {
					l.skipLine()
					d.mode = readBetween
					continue
				}
			}
			row, err := d.copyLine()
			if err != nil {
				return nil, err
			}
			if row != nil {
				return row, nil
			}
		}
	}
}

func (d *dumpReader) openSeg() error {
	s := d.t.segs[d.seg]
	r, c, err := d.src.open(s.off)
	if err != nil {
		return &Error{File: d.file, Err: fmt.Errorf("%w: %w", ErrBadFile, err)}
	}
	d.closer = c
	d.l = newSQLLexer(r, s.off, s.line, s.st)
	d.enc = d.segEncoding(s.st)
	return nil
}

// setPerm maps a statement's column list onto the header.
func (d *dumpReader) setPerm(cols []string) {
	d.perm = nil
	if len(cols) == 0 || equalFoldAll(cols, d.t.header()) {
		return
	}
	d.perm = make([]int, len(cols))
	for i, c := range cols {
		d.perm[i] = -1
		for j, h := range d.t.header() {
			if strings.EqualFold(c, h) {
				d.perm[i] = j
				break
			}
		}
	}
}

func equalFoldAll(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// errBadTuple: a tuple that is not a list of values; the lexer is past it.
var errBadTuple = fmt.Errorf("bad tuple")

// tuple reads one parenthesised row of values into d.text and d.vals and
// makes the row; nil for a row left to the caller's error.
func (d *dumpReader) tuple() ([]string, error) {
	l := d.l
	if l.end-l.pos < 1<<16 {
		l.fill(1 << 16) // as far as the dump goes: most tuples then lie whole in the buffer
	}
	if d.tupleFast() {
		return d.placeRow(d.cells, "values")
	}
	l.pos++ // (
	d.text, d.vals = d.text[:0], d.vals[:0]
	for {
		for l.fill(1) && isSpace(l.buf[l.pos]) {
			l.pos++
		}
		if l.peek(0) == ')' && len(d.vals) == 0 {
			l.pos++
			break
		}
		ok, err := d.value()
		if err != nil {
			return nil, err
		}
		if !ok {
			if !d.skipTuple() {
				return nil, d.cutError()
			}
			return nil, errBadTuple
		}
		for l.fill(1) && isSpace(l.buf[l.pos]) {
			l.pos++
		}
		c := l.peek(0)
		if c == ',' {
			l.pos++
			continue
		}
		if c == ')' {
			l.pos++
			break
		}
		if c == 0 && !l.fill(1) {
			return nil, d.cutError()
		}
		if !d.skipTuple() {
			return nil, d.cutError()
		}
		return nil, errBadTuple
	}
	return d.makeRow("values")
}

// tupleFast reads a tuple of plain quoted strings, numbers and NULLs that
// lies whole in the buffer, straight from it: a value without escapes is
// cut from the buffer itself (copied once per row, or not at all when rows
// borrow the buffer). It reports false, having moved nothing, for anything
// else (literals with a prefix, casts, text to convert from
// Windows-1252, a tuple cut by the buffer's end): tuple's slower path reads
// those.
func (d *dumpReader) tupleFast() bool {
	l := d.l
	if d.enc == encLatin1 {
		return false
	}
	b := l.buf[l.pos:l.end]
	esc, pg := !l.st.std, l.st.pg
	text, spans := d.text[:0], d.spans[:0]
	i := 1 // past (
	for {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '\'':
			i++
			j := i
			for j < len(b) && b[j] != '\'' && b[j] != '\\' {
				j++
			}
			if j+1 >= len(b) {
				return false
			}
			if b[j] == '\'' && b[j+1] != '\'' { // no escapes: the value is in the buffer
				spans = append(spans, span{i, j, false})
				i = j + 1
				break
			}
			start := len(text)
			for {
				text = append(text, b[i:j]...)
				if j+1 >= len(b) {
					return false
				}
				if b[j] == '\\' {
					if !esc {
						text = append(text, '\\')
						i = j + 1
					} else {
						switch e := b[j+1]; e {
						case 'n':
							text = append(text, '\n')
						case 't':
							text = append(text, '\t')
						case 'r':
							text = append(text, '\r')
						case '0':
							if pg {
								return false
							}
							text = append(text, 0)
						case '\'', '"', '\\':
							text = append(text, e)
						default:
							return false // the rarer escapes: the slow path knows them
						}
						i = j + 2
					}
				} else if b[j+1] == '\'' { // doubled
					text = append(text, '\'')
					i = j + 2
				} else {
					i = j + 1
					break
				}
				j = i
				for j < len(b) && b[j] != '\'' && b[j] != '\\' {
					j++
				}
			}
			spans = append(spans, span{start, len(text), true})
		case bareChar[c] && c != '_':
			j := i
			for j < len(b) && bareChar[b[j]] {
				j++
			}
			if j >= len(b) || b[j] == '\'' || c == '0' && j > i+1 && (b[i+1]|0x20 == 'x' || b[i+1] == 'b') {
				return false
			}
			w := b[i:j]
			switch {
			case len(w) == 4 && (w[0]|0x20) == 'n' && (w[1]|0x20) == 'u' && (w[2]|0x20) == 'l' && (w[3]|0x20) == 'l':
				spans = append(spans, span{0, 0, true})
			case c > '9' && !(c == '-' || c == '+' || c == '.'):
				return false // TRUE, FALSE and other words: the slow path
			default:
				spans = append(spans, span{i, j, false})
			}
			i = j
		default:
			return false
		}
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return false
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] != ')' {
			return false
		}
		i++
		break
	}
	// Values that are not UTF-8 are Windows-1252 (or --encoding says):
	// the slow path converts them.
	if d.enc == encAuto && (!utf8.Valid(b[:i]) || !utf8.Valid(text)) {
		return false
	}
	var bs, ts string
	if d.lend {
		bs, ts = unsafeString(b[:i]), unsafeString(text)
	} else {
		bs, ts = string(b[:i]), string(text)
	}
	cells := d.cells[:0]
	for _, sp := range spans {
		if sp.inText {
			cells = append(cells, ts[sp.start:sp.end])
		} else {
			cells = append(cells, bs[sp.start:sp.end])
		}
	}
	d.cells, d.text, d.spans, d.vals = cells, text, spans, d.vals[:0]
	l.pos += i
	return true
}

// span is where tupleFast found a value: in the buffer or in d.text.
type span struct {
	start, end int
	inText     bool
}

// skipTuple passes the rest of a tuple that cannot be read, up to its
// closing parenthesis; false when the dump ends first.
func (d *dumpReader) skipTuple() bool {
	l := d.l
	depth := 0
	for l.fill(1) {
		c := l.buf[l.pos]
		switch {
		case c == '\'' || c == '"':
			if !l.skipQuoted(c, !l.st.std, nil, 0) {
				return false
			}
			continue
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				l.pos++
				return true
			}
			depth--
		case c == l.st.delim[0] && l.atDelim():
			return true
		}
		l.pos++
	}
	return false
}

// makeRow turns the values read into d.text (ending at d.vals) into the
// row, in header order.
func (d *dumpReader) makeRow(what string) ([]string, error) {
	var s string
	if d.lend {
		s = unsafeString(d.text)
	} else {
		s = string(d.text)
	}
	cells, start := d.cells[:0], 0
	for _, end := range d.vals {
		cells = append(cells, s[start:end])
		start = end
	}
	d.cells = cells
	return d.placeRow(cells, what)
}

// placeRow puts a statement's values into the row, in header order.
func (d *dumpReader) placeRow(cells []string, what string) ([]string, error) {
	h := d.header
	n := len(d.t.header())
	if d.perm == nil && len(cells) != n || d.perm != nil && len(cells) != len(d.perm) {
		want := n
		if d.perm != nil {
			want = len(d.perm)
		}
		return nil, RowError(d.name, d.line, 0, "%d %s, the table has %d columns", len(cells), what, want)
	}
	if cap(d.row) < len(h) {
		d.row = make([]string, len(h))
	}
	row := d.row[:len(h)]
	if d.perm == nil {
		copy(row, cells)
	} else {
		clear(row)
		for i, v := range cells {
			if j := d.perm[i]; j >= 0 {
				row[j] = v
			}
		}
	}
	if d.join != nil {
		d.join.fill(row, n)
	}
	return row, nil
}

// value reads one value at pos into d.text; false when it is not a value.
func (d *dumpReader) value() (bool, error) {
	l := d.l
	if !l.fill(1) {
		return false, d.cutError()
	}
	c := l.buf[l.pos]
	enc := d.enc
	switch {
	case c == '\'' || c == '"':
		return d.str(c, !l.st.std, enc)
	case c == '_' || (c == 'N' || c == 'n') && l.peek(1) == '\'':
		cs := strings.ToLower(l.word())
		l.skipBlank()
		switch cs {
		case "_binary":
			enc = encUTF8 // bytes as they are, never converted
		case "_latin1", "_cp1252":
			enc = encLatin1
		case "n":
		default:
			if d.enc != encLatin1 || strings.HasPrefix(cs, "_utf8") {
				enc = encAuto
			}
		}
		c = l.peek(0)
		switch {
		case c == '\'' || c == '"':
			return d.str(c, !l.st.std, enc)
		case c == '0' && (l.peek(1) == 'x' || l.peek(1) == 'X'):
			l.pos += 2
			return d.hex(0)
		case (c == 'x' || c == 'X') && l.peek(1) == '\'':
			l.pos += 2
			return d.hex('\'')
		}
		return false, nil
	case (c == 'E' || c == 'e') && l.peek(1) == '\'':
		l.pos++
		return d.str('\'', true, enc)
	case (c == 'X' || c == 'x') && l.peek(1) == '\'':
		l.pos += 2
		return d.hex('\'')
	case c == '0' && (l.peek(1) == 'x' || l.peek(1) == 'X'):
		l.pos += 2
		return d.hex(0)
	case (c == 'B' || c == 'b') && l.peek(1) == '\'' || c == '0' && l.peek(1) == 'b':
		l.pos += 2
		return d.bits(c == '0')
	}
	// a number, NULL, TRUE/FALSE or another bare word
	l.fill(64) // as far as the dump goes: bare words are short
	n := 0
	for l.pos+n < l.end && bareChar[l.buf[l.pos+n]] {
		n++
	}
	for l.pos+n == l.end && l.fill(n+1) && bareChar[l.buf[l.pos+n]] {
		n++
	}
	if n == 0 {
		return false, nil
	}
	w := l.buf[l.pos : l.pos+n]
	switch {
	case len(w) == 4 && strings.EqualFold(string(w), "NULL"):
	case len(w) == 4 && strings.EqualFold(string(w), "TRUE"):
		d.text = append(d.text, '1')
	case len(w) == 5 && strings.EqualFold(string(w), "FALSE"):
		d.text = append(d.text, '0')
	default:
		d.text = append(d.text, w...)
	}
	l.pos += n
	d.vals = append(d.vals, len(d.text))
	d.cast()
	return true, nil
}

var bareChar = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isIdent(byte(c)) || c == '-' || c == '+' || c == '.'
	}
	return
}()

// cast passes a PostgreSQL ::type after a value.
func (d *dumpReader) cast() {
	l := d.l
	for l.peek(0) == ':' && l.peek(1) == ':' {
		l.pos += 2
		l.qualifiedName()
		for l.peek(0) == '[' && l.peek(1) == ']' {
			l.pos += 2
		}
	}
}

// str reads a quoted string; backslash escapes are MySQL's (and
// PostgreSQL's E'...'), a doubled quote is a quote.
func (d *dumpReader) str(q byte, backslash bool, enc cellEncoding) (bool, error) {
	l := d.l
	l.pos++
	start := len(d.text)
	for {
		if !l.fill(1) {
			return false, d.cutError()
		}
		b := l.buf[l.pos:l.end]
		i := 0
		for i < len(b) && b[i] != q && b[i] != '\\' {
			i++
		}
		d.text = append(d.text, b[:i]...)
		l.pos += i
		if i == len(b) {
			continue
		}
		if b[i] == q {
			l.pos++
			if l.peek(0) == q { // doubled
				d.text = append(d.text, q)
				l.pos++
				continue
			}
			break
		}
		// a backslash
		if !backslash {
			d.text = append(d.text, '\\')
			l.pos++
			continue
		}
		if !l.fill(2) {
			return false, d.cutError()
		}
		e := l.buf[l.pos+1]
		l.pos += 2
		switch e {
		case '0':
			if l.st.pg {
				d.pgOctal(e)
				continue
			}
			d.text = append(d.text, 0)
		case 'b', 'f', 'n', 'r', 't':
			d.text = append(d.text, controlEscape[e])
		case 'Z':
			d.text = append(d.text, 0x1A)
		case '%', '_': // MySQL keeps the backslash: they are LIKE escapes
			d.text = append(d.text, '\\', e)
		case 'x':
			if l.st.pg {
				d.pgHex()
				continue
			}
			d.text = append(d.text, e)
		default:
			if l.st.pg && e >= '1' && e <= '7' {
				d.pgOctal(e)
				continue
			}
			d.text = append(d.text, e)
		}
	}
	d.text = convert(d.text, start, enc)
	d.vals = append(d.vals, len(d.text))
	d.cast()
	return true, nil
}

// controlEscape is what \b, \f, \n, \r and \t stand for, in MySQL's
// strings and in PostgreSQL's E'...' strings and COPY text alike.
var controlEscape = [256]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// pgOctal finishes a PostgreSQL \ooo escape whose first digit was read.
func (d *dumpReader) pgOctal(first byte) {
	v := int(first - '0')
	for k := 0; k < 2; k++ {
		c := d.l.peek(0)
		if c < '0' || c > '7' {
			break
		}
		v = v*8 + int(c-'0')
		d.l.pos++
	}
	d.text = append(d.text, byte(v))
}

// pgHex finishes a PostgreSQL \xHH escape.
func (d *dumpReader) pgHex() {
	v, n := 0, 0
	for n < 2 {
		h, ok := unhex(d.l.peek(0))
		if !ok {
			break
		}
		v = v*16 + h
		d.l.pos++
		n++
	}
	if n == 0 {
		d.text = append(d.text, 'x')
		return
	}
	d.text = append(d.text, byte(v))
}

func unhex(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// hex reads hex digits (up to the closing quote, when q is not 0) as
// bytes, taken as they are: binary data, never converted as text.
func (d *dumpReader) hex(q byte) (bool, error) {
	l := d.l
	odd, hi := false, 0
	for {
		c := l.peek(0)
		h, ok := unhex(c)
		if !ok {
			break
		}
		l.pos++
		if odd {
			d.text = append(d.text, byte(hi*16+h))
		} else {
			hi = h
		}
		odd = !odd
	}
	if odd { // an odd count: the first digit stood alone
		return false, nil
	}
	if q != 0 {
		if l.peek(0) != q {
			return false, nil
		}
		l.pos++
	}
	d.vals = append(d.vals, len(d.text))
	return true, nil
}

// bits reads a bit literal (b'101' or 0b101) as its decimal value.
func (d *dumpReader) bits(bare bool) (bool, error) {
	l := d.l
	var v uint64
	for c := l.peek(0); c == '0' || c == '1'; c = l.peek(0) {
		v = v<<1 | uint64(c-'0')
		l.pos++
	}
	if !bare {
		if l.peek(0) != '\'' {
			return false, nil
		}
		l.pos++
	}
	d.text = fmt.Appendf(d.text, "%d", v)
	d.vals = append(d.vals, len(d.text))
	return true, nil
}

// copyLine reads one line of COPY data: tab-separated, \N for NULL,
// backslash escapes.
func (d *dumpReader) copyLine() ([]string, error) {
	l := d.l
	d.text, d.vals = d.text[:0], d.vals[:0]
	start, null := 0, false
	for {
		if !l.fill(1) {
			return nil, d.cutError()
		}
		b := l.buf[l.pos:l.end]
		i := 0
		for i < len(b) && b[i] != '\t' && b[i] != '\n' && b[i] != '\\' && b[i] != '\r' {
			i++
		}
		d.text = append(d.text, b[:i]...)
		l.pos += i
		if i == len(b) {
			continue
		}
		c := b[i]
		l.pos++
		switch c {
		case '\t', '\n':
			if null {
				d.text = d.text[:start]
			} else {
				d.text = convert(d.text, start, d.enc)
			}
			d.vals = append(d.vals, len(d.text))
			start, null = len(d.text), false
			if c == '\n' {
				return d.makeRow("fields")
			}
		case '\r':
			if l.peek(0) != '\n' {
				d.text = append(d.text, '\r')
			}
		case '\\':
			if !l.fill(1) {
				return nil, d.cutError()
			}
			e := l.buf[l.pos]
			l.pos++
			switch e {
			case 'N':
				null = len(d.text) == start
			case 'b', 'f', 'n', 'r', 't':
				d.text = append(d.text, controlEscape[e])
			case 'v':
				d.text = append(d.text, '\v')
			case 'x':
				d.pgHex()
			default:
				if e >= '0' && e <= '7' {
					d.pgOctal(e)
				} else {
					d.text = append(d.text, e)
				}
			}
		}
	}
}

// convert makes text[start:] UTF-8 as enc says.
func convert(text []byte, start int, enc cellEncoding) []byte {
	v := text[start:]
	ascii := true
	for _, c := range v {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii || enc == encUTF8 || enc == encAuto && utf8.Valid(v) {
		return text
	}
	var tmp [256]byte
	cp := append(tmp[:0], v...)
	text = text[:start]
	for _, c := range cp {
		if c < 0x80 {
			text = append(text, c)
			continue
		}
		text = utf8.AppendRune(text, charmap.Windows1252.DecodeByte(c))
	}
	return text
}
