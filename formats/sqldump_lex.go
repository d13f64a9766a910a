package formats

import (
	"bytes"
	"io"
)

// sqlLexer reads a SQL dump through a buffer of its own, so tokens are cut
// straight from the bytes read and lines are counted only where asked
// (bytes.Count over what was passed, never byte by byte).
type sqlLexer struct {
	r        io.Reader
	buf      []byte
	pos, end int
	base     int64 // offset of buf[0] in the dump
	line     int   // the line of buf[lpos]
	lpos     int
	eof      bool
	rerr     error // a read error other than io.EOF
	cond     int   // open /*!NNNNN conditional comments, whose text is read as SQL
	st       dumpState
}

// dumpState is what earlier statements tell about later ones.
type dumpState struct {
	latin1 bool   // SET NAMES latin1 (MySQL) or client_encoding LATIN1/WIN1252 (PostgreSQL)
	names  bool   // a SET NAMES or client_encoding was seen: it rules over table charsets
	pg     bool   // PostgreSQL: -- comments anywhere, $$ quoting
	std    bool   // standard_conforming_strings: no backslash escapes in '...'
	delim  string // the statement delimiter (DELIMITER ;; in trigger sections)
	// mysqldump: the dump says it was made by mysqldump or mariadb-dump,
	// which write no line break inside a string (see skipValueLines)
	mysqldump bool
}

const lexBufSize = 256 << 10

func newSQLLexer(r io.Reader, off int64, line int, st dumpState) *sqlLexer {
	if st.delim == "" {
		st.delim = ";"
	}
	return &sqlLexer{r: r, buf: make([]byte, lexBufSize), base: off, line: line, st: st}
}

// fill makes at least n bytes available at pos, unless the dump ends first.
func (l *sqlLexer) fill(n int) bool {
	return l.end-l.pos >= n || l.fillSlow(n)
}

func (l *sqlLexer) fillSlow(n int) bool {
	for l.end-l.pos < n {
		if l.eof {
			return false
		}
		if l.pos > 0 && (l.end == len(l.buf) || l.pos >= len(l.buf)/2) {
			l.line += bytes.Count(l.buf[l.lpos:l.pos], nl)
			copy(l.buf, l.buf[l.pos:l.end])
			l.base += int64(l.pos)
			l.end -= l.pos
			l.pos, l.lpos = 0, 0
		}
		if l.end == len(l.buf) {
			nb := make([]byte, 2*len(l.buf))
			copy(nb, l.buf[:l.end])
			l.buf = nb
		}
		m, err := l.r.Read(l.buf[l.end:])
		l.end += m
		if err != nil {
			l.eof = true
			if err != io.EOF {
				l.rerr = err
			}
		}
	}
	return true
}

var nl = []byte{'\n'}

// lineNow is the 1-based line at pos.
func (l *sqlLexer) lineNow() int {
	l.line += bytes.Count(l.buf[l.lpos:l.pos], nl)
	l.lpos = l.pos
	return l.line
}

func (l *sqlLexer) offset() int64 { return l.base + int64(l.pos) }

// peek is the byte at pos+i, or 0 at the end of the dump.
func (l *sqlLexer) peek(i int) byte {
	if l.pos+i < l.end {
		return l.buf[l.pos+i]
	}
	return l.peekSlow(i)
}

func (l *sqlLexer) peekSlow(i int) byte {
	if !l.fillSlow(i + 1) {
		return 0
	}
	return l.buf[l.pos+i]
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

// skipBlank passes white space and comments. The text of a MySQL
// conditional comment (/*!40101 SET NAMES utf8 */) is SQL the server runs:
// only its markers are passed.
func (l *sqlLexer) skipBlank() {
	for l.fill(1) {
		c := l.buf[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == 0xEF && l.offset() == 0 && l.peek(1) == 0xBB && l.peek(2) == 0xBF: // a BOM an editor added
			l.pos += 3
		case c == '#' && !l.st.pg:
			l.skipLine()
		case c == '-' && l.peek(1) == '-' && (l.st.pg || isSpace(l.peek(2)) || l.peek(2) == 0 || l.peek(2) == '-'):
			l.skipLine()
		case c == '/' && l.peek(1) == '*':
			if l.peek(2) == '!' {
				l.pos += 3
				for l.fill(1) && l.buf[l.pos] >= '0' && l.buf[l.pos] <= '9' {
					l.pos++
				}
				l.cond++
				continue
			}
			l.pos += 2
			for {
				if !l.fill(2) {
					l.pos = l.end
					return
				}
				i := bytes.Index(l.buf[l.pos:l.end], []byte("*/"))
				if i >= 0 {
					l.pos += i + 2
					break
				}
				l.pos = l.end - 1
			}
		case c == '*' && l.cond > 0 && l.peek(1) == '/':
			l.pos += 2
			l.cond--
		default:
			return
		}
	}
}

// skipLine passes the rest of the line, its newline included.
func (l *sqlLexer) skipLine() {
	for l.fill(1) {
		i := bytes.IndexByte(l.buf[l.pos:l.end], '\n')
		if i >= 0 {
			l.pos += i + 1
			return
		}
		l.pos = l.end
	}
}

// word reads an identifier or keyword (unquoted), "" if none is here.
func (l *sqlLexer) word() string {
	n := 0
	for l.fill(n+1) && isIdent(l.buf[l.pos+n]) {
		n++
	}
	w := string(l.buf[l.pos : l.pos+n])
	l.pos += n
	return w
}

// name reads an identifier, quoted with ` or " or not, "" if none is here.
func (l *sqlLexer) name() string {
	q := l.peek(0)
	if q != '`' && q != '"' && q != '[' {
		return l.word()
	}
	if q == '[' {
		q = ']'
	}
	l.pos++
	var b []byte
	for l.fill(1) {
		c := l.buf[l.pos]
		l.pos++
		if c == q {
			if l.peek(0) == q { // doubled: a quote in the name
				l.pos++
				b = append(b, q)
				continue
			}
			return string(b)
		}
		b = append(b, c)
	}
	return string(b)
}

// qualifiedName reads db.table or schema.table and keeps the table.
func (l *sqlLexer) qualifiedName() string {
	n := l.name()
	for l.peek(0) == '.' {
		l.pos++
		n = l.name()
	}
	return n
}

// atDelim reports whether the statement delimiter is at pos.
func (l *sqlLexer) atDelim() bool {
	d := l.st.delim
	if !l.fill(len(d)) {
		return false
	}
	return string(l.buf[l.pos:l.pos+len(d)]) == d
}

// skipStatement passes the rest of a statement and its delimiter, through
// quotes and comments. keep, when not nil, collects its text (up to max
// bytes). It returns false when the dump ends first.
func (l *sqlLexer) skipStatement(keep *[]byte, max int) bool {
	d0 := l.st.delim[0]
	for {
		if !l.fill(1) {
			return false
		}
		c := l.buf[l.pos]
		switch {
		case c == d0 && l.atDelim():
			l.pos += len(l.st.delim)
			return true
		case c == '\'' || c == '"' || c == '`':
			if !l.skipQuoted(c, c == '\'' && !l.st.std || c == '"' && !l.st.pg, keep, max) {
				return false
			}
		case c == '$' && l.st.pg:
			if !l.skipDollar(keep, max) {
				return false
			}
		case c == '-' || c == '#' || c == '/' || c == '*' && l.cond > 0:
			before := l.offset()
			l.skipBlank()
			if l.offset() == before {
				l.keep(keep, max, 1)
			} else if keep != nil && len(*keep) < max {
				*keep = append(*keep, ' ')
			}
		default:
			i := l.pos + 1
			for i < l.end && !stmtSpecial[l.buf[i]] && l.buf[i] != d0 {
				i++
			}
			l.keep(keep, max, i-l.pos)
		}
	}
}

var stmtSpecial = func() (t [256]bool) {
	for _, c := range []byte("'\"`$-#/*;") {
		t[c] = true
	}
	return
}()

// keep passes n bytes, collecting them into keep.
func (l *sqlLexer) keep(keep *[]byte, max, n int) {
	if keep != nil && len(*keep) < max {
		*keep = append(*keep, l.buf[l.pos:l.pos+n]...)
	}
	l.pos += n
}

// skipQuoted passes a quoted string or name opened at pos.
func (l *sqlLexer) skipQuoted(q byte, backslash bool, keep *[]byte, max int) bool {
	l.keep(keep, max, 1)
	for {
		if !l.fill(1) {
			return false
		}
		b := l.buf[l.pos:l.end]
		i := bytes.IndexByte(b, q)
		if i < 0 {
			i = len(b)
		}
		if backslash {
			if j := bytes.IndexByte(b[:i], '\\'); j >= 0 {
				if !l.fill(j + 2) {
					return false
				}
				l.keep(keep, max, j+2)
				continue
			}
		}
		if i == len(b) {
			l.keep(keep, max, i)
			continue
		}
		l.keep(keep, max, i+1)
		if l.peek(0) != q { // closed, unless doubled
			return true
		}
		l.keep(keep, max, 1)
	}
}

// skipDollar passes a PostgreSQL $tag$ ... $tag$ string, or a lone $.
func (l *sqlLexer) skipDollar(keep *[]byte, max int) bool {
	n := 1
	for l.fill(n+1) && (isIdent(l.buf[l.pos+n]) && l.buf[l.pos+n] != '$') {
		n++
	}
	if !l.fill(n+1) || l.buf[l.pos+n] != '$' {
		l.keep(keep, max, 1)
		return true
	}
	tag := string(l.buf[l.pos : l.pos+n+1])
	l.keep(keep, max, n+1)
	for {
		if !l.fill(len(tag)) {
			return false
		}
		i := bytes.Index(l.buf[l.pos:l.end], []byte(tag))
		if i >= 0 {
			l.keep(keep, max, i+len(tag))
			return true
		}
		l.keep(keep, max, l.end-l.pos-len(tag)+1)
	}
}

// skipValues passes the tuples of an INSERT (from after VALUES to its
// delimiter) without decoding them: a scan for quotes and the delimiter,
// straight over the buffer. It counts the tuples (each opens with a
// parenthesis at depth 0).
func (l *sqlLexer) skipValues(rows *int) bool {
	d0 := l.st.delim[0]
	esc := !l.st.std
	depth, n := 0, 0
	defer func() { *rows += n }()
	need := 1
	for {
		if !l.fill(need) {
			return false
		}
		need = 1
		b := l.buf[l.pos:l.end]
		i := 0
	scan:
		for i < len(b) {
			c := b[i]
			if !valueSpecial[c] && c != d0 {
				i++
				continue
			}
			switch c {
			case '\'', '"':
				j := i + 1
				for {
					for j < len(b) && b[j] != c && b[j] != '\\' {
						j++
					}
					if j+1 >= len(b) { // the string goes on past the buffer
						need = len(b) - i + 1
						break scan
					}
					if b[j] == '\\' {
						if esc {
							j += 2
						} else {
							j++
						}
						continue
					}
					if b[j+1] == c { // doubled
						j += 2
						continue
					}
					break
				}
				i = j + 1
			case '(':
				if depth == 0 {
					n++
				}
				depth++
				i++
			case ')':
				depth--
				i++
			default:
				l.pos += i
				if l.atDelim() {
					l.pos += len(l.st.delim)
					return true
				}
				l.pos++
				i = 0
				b = l.buf[l.pos:l.end]
			}
		}
		l.pos += i
	}
}

// skipValueLines is skipValues for a dump made by mysqldump (or
// mariadb-dump), which escapes every newline and carriage return inside a
// string: each line break is outside strings, so a line ending in ; ends
// the statement, and a line is passed with one IndexByte. Tuples are
// counted as the openings of lines and the "),(" between tuples.
func (l *sqlLexer) skipValueLines(rows *int) bool {
	for {
		if !l.fill(1) {
			return false
		}
		b := l.buf[l.pos:l.end]
		i := bytes.IndexByte(b, '\n')
		if i < 0 && len(b) >= 1<<20 { // a long line: passed a buffer at a time, not held whole
			*rows += bytes.Count(b, tupleSep)
			l.pos += len(b) - 2 // the last bytes may end the statement
			continue
		}
		if i < 0 {
			if !l.fill(len(b) + 1) { // a line longer than the buffer, or the last one
				if l.end-l.pos > 0 && l.buf[l.end-1] == ';' {
					l.pos = l.end
					return true
				}
				return false
			}
			continue
		}
		line := b[:i]
		if bytes.IndexByte(line, '(') >= 0 {
			*rows += 1 + bytes.Count(line, tupleSep)
		}
		l.pos += i + 1
		line = bytes.TrimRight(line, "\r \t")
		if len(line) > 0 && line[len(line)-1] == ';' {
			return true
		}
	}
}

var tupleSep = []byte("),(")

var valueSpecial = func() (t [256]bool) {
	for _, c := range []byte("'\"();") {
		t[c] = true
	}
	return
}()

// skipCopy passes the data lines of a COPY ... FROM stdin, up to and
// including the line \. that ends them, counting the rows.
func (l *sqlLexer) skipCopy(rows *int) bool {
	for {
		if !l.fill(1) {
			return false
		}
		if l.buf[l.pos] == '\\' && l.peek(1) == '.' {
			if c := l.peek(2); c == 0 || c == '\n' || c == '\r' {
				l.skipLine()
				return true
			}
		}
		l.skipLine()
		*rows++
	}
}
