package formats

import (
	"bytes"
	"strings"
)

// The statements of a dump that matter, told apart by their first words.
type stmtKind int

const (
	stmtOther  stmtKind = iota
	stmtInsert          // INSERT/REPLACE ... VALUES: the lexer is after VALUES
	stmtCopy            // COPY ... FROM stdin;: the lexer is at the first data line
	stmtCreate          // CREATE TABLE: cols and latin1 filled in, statement passed
)

type stmtHead struct {
	kind   stmtKind
	table  string
	cols   []string // INSERT or COPY column list, or CREATE TABLE's columns
	latin1 bool     // CREATE TABLE ... DEFAULT CHARSET=latin1
	off    int64
	line   int
	passed bool   // the whole statement has been read
	word   string // the first word of a statement of no interest
}

// stmtWords are the words a dump's statements start with; the first
// statement of a file must be one of them, so a file that is not SQL is
// refused at once instead of scanned to its end.
var stmtWords = map[string]bool{
	"SET": true, "CREATE": true, "DROP": true, "INSERT": true, "REPLACE": true, "LOCK": true,
	"UNLOCK": true, "USE": true, "BEGIN": true, "START": true, "COMMIT": true, "COPY": true,
	"ALTER": true, "SELECT": true, "DELIMITER": true, "GRANT": true, "COMMENT": true,
	"REVOKE": true, "TRUNCATE": true, "DELETE": true, "UPDATE": true, "ROLLBACK": true,
	"SAVEPOINT": true, "RELEASE": true, "ANALYZE": true, "VACUUM": true, "WITH": true,
	"DO": true, "REINDEX": true, "CALL": true, "FLUSH": true, "RENAME": true,
	"PRAGMA": true, "END": true, "DECLARE": true, "SHOW": true, "LOAD": true,
}

// readHead reads the start of the next statement: for INSERT and COPY up
// to their data, for CREATE TABLE and SET all of it (applying SET), and for
// any other statement nothing: the caller passes it with skipStatement.
// ok is false at the end of the dump; cut when it ends inside the head.
func (l *sqlLexer) readHead() (h stmtHead, ok, cut bool) {
	l.skipBlank()
	if !l.fill(1) {
		return h, false, false
	}
	h.off, h.line = l.offset(), l.lineNow()
	if l.buf[l.pos] == '\\' { // a psql meta-command: \connect, \restrict ...
		l.skipLine()
		h.passed = true
		return h, true, false
	}
	w := strings.ToUpper(l.word())
	switch w {
	case "INSERT", "REPLACE":
		for {
			l.skipBlank()
			n := l.peek(0)
			if n == '`' || n == '"' || n == '[' {
				break
			}
			save := l.pos
			k := strings.ToUpper(l.word())
			if k == "LOW_PRIORITY" || k == "DELAYED" || k == "HIGH_PRIORITY" || k == "IGNORE" || k == "INTO" {
				continue
			}
			l.pos = save
			break
		}
		h.table, h.cols = l.tableAndColumns()
		if k := strings.ToUpper(l.word()); k == "VALUES" || k == "VALUE" {
			h.kind = stmtInsert
		}
	case "COPY":
		l.skipBlank()
		h.table, h.cols = l.tableAndColumns()
		var rest []byte
		if !l.skipStatement(&rest, 256) {
			return h, true, true
		}
		f := strings.Fields(strings.ToUpper(string(rest)))
		if len(f) >= 2 && f[0] == "FROM" && f[1] == "STDIN" {
			h.kind = stmtCopy
			l.skipLine() // the data starts on the next line
		}
		h.passed = true
		return h, true, false
	case "CREATE":
		text := []byte("CREATE ")
		if !l.skipStatement(&text, 4<<20) {
			return h, true, true
		}
		h.table, h.cols, h.latin1 = parseCreateTable(text)
		if h.table != "" {
			h.kind = stmtCreate
		}
		h.passed = true
		return h, true, false
	case "SET", "SELECT":
		text := []byte(w + " ")
		if !l.skipStatement(&text, 4096) {
			return h, true, true
		}
		l.applySet(string(text))
		h.passed = true
		return h, true, false
	case "PRAGMA": // SQLite's .dump (Drupal 7 on SQLite): standard strings, no backslash escapes
		l.st.std = true
		if !l.skipStatement(nil, 0) {
			return h, true, true
		}
		h.passed = true
		return h, true, false
	case "DELIMITER":
		l.skipBlank()
		d := l.word()
		if d == "" {
			for l.fill(1) && !isSpace(l.buf[l.pos]) {
				d += string(l.buf[l.pos])
				l.pos++
			}
		}
		if d != "" {
			l.st.delim = d
		}
		l.skipLine()
		h.passed = true
		return h, true, false
	}
	h.word = w
	return h, true, false
}

// tableAndColumns reads a table's name and, if a parenthesised list
// follows, its column names (INSERT INTO t (a, b), COPY t (a, b)), and the
// blanks after each.
func (l *sqlLexer) tableAndColumns() (table string, cols []string) {
	table = l.qualifiedName()
	l.skipBlank()
	if l.peek(0) == '(' {
		cols = l.nameList()
		l.skipBlank()
	}
	return table, cols
}

// nameList reads a parenthesised list of column names.
func (l *sqlLexer) nameList() []string {
	l.pos++ // (
	var cols []string
	for {
		l.skipBlank()
		switch l.peek(0) {
		case ')':
			l.pos++
			return cols
		case ',':
			l.pos++
			continue
		case 0:
			return cols
		}
		at := l.offset()
		n := l.name()
		if n == "" { // not a name list after all
			if l.offset() == at {
				l.pos++
			}
			continue
		}
		cols = append(cols, n)
	}
}

// applySet takes what SET (and pg_dump's set_config) statements say about
// the text that follows.
func (l *sqlLexer) applySet(text string) {
	u := strings.ToUpper(text)
	f := strings.FieldsFunc(u, func(r rune) bool {
		return r == ' ' || r == '=' || r == '\'' || r == '\n' || r == '\t' || r == ';' || r == '*' || r == '/' || r == '\r'
	})
	for i := 0; i+1 < len(f); i++ {
		switch f[i] {
		case "NAMES": // character_set_client alone is set around CREATE TABLE only, and restored
			l.st.names, l.st.latin1 = true, isLatin1(f[i+1])
		case "CHARACTER":
			if f[i+1] == "SET" && i+2 < len(f) {
				l.st.names, l.st.latin1 = true, isLatin1(f[i+2])
			}
		case "CLIENT_ENCODING":
			l.st.pg, l.st.names, l.st.latin1 = true, true, isLatin1(f[i+1])
		case "STANDARD_CONFORMING_STRINGS":
			l.st.pg, l.st.std = true, f[i+1] == "ON"
		}
	}
	if strings.Contains(u, "PG_CATALOG.") || strings.Contains(u, "SEARCH_PATH") {
		l.st.pg = true
	}
}

func isLatin1(cs string) bool {
	cs = strings.Trim(strings.ToUpper(cs), "`\"'")
	switch cs {
	case "LATIN1", "WIN1252", "WINDOWS1252", "CP1252", "ISO88591", "ISO_8859_1", "LATIN-1", "SQL_ASCII":
		return cs != "SQL_ASCII"
	}
	return false
}

// sqlToken is one token of a statement's text: a word, a quoted name or
// string, or one punctuation byte.
type sqlToken struct {
	text   string
	quoted byte // ` " ' or 0
}

func sqlTokens(b []byte) []sqlToken {
	var out []sqlToken
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case isSpace(c):
			i++
		case c == '-' && i+1 < len(b) && b[i+1] == '-':
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				return out
			}
			i += j
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			j := bytes.Index(b[i+2:], []byte("*/"))
			if j < 0 {
				return out
			}
			i += j + 4
		case c == '`' || c == '"' || c == '\'':
			j := i + 1
			var s []byte
			for j < len(b) {
				if b[j] == '\\' && c == '\'' && j+1 < len(b) {
					s = append(s, b[j+1])
					j += 2
					continue
				}
				if b[j] == c {
					if j+1 < len(b) && b[j+1] == c {
						s = append(s, c)
						j += 2
						continue
					}
					break
				}
				s = append(s, b[j])
				j++
			}
			out = append(out, sqlToken{text: string(s), quoted: c})
			i = j + 1
		case isIdent(c):
			j := i
			for j < len(b) && isIdent(b[j]) {
				j++
			}
			out = append(out, sqlToken{text: string(b[i:j])})
			i = j
		default:
			out = append(out, sqlToken{text: string(c)})
			i++
		}
	}
	return out
}

// notColumn are the words that open a CREATE TABLE entry that is not a
// column (keys, constraints).
var notColumn = map[string]bool{"KEY": true, "PRIMARY": true, "UNIQUE": true, "INDEX": true,
	"CONSTRAINT": true, "FOREIGN": true, "FULLTEXT": true, "SPATIAL": true, "CHECK": true,
	"EXCLUDE": true, "LIKE": true, "PERIOD": true}

// parseCreateTable reads a CREATE TABLE statement's table, columns and
// default character set; table is "" for any other CREATE.
func parseCreateTable(text []byte) (table string, cols []string, latin1 bool) {
	t := sqlTokens(text)
	i := 0
	for i < len(t) && !(t[i].quoted == 0 && strings.EqualFold(t[i].text, "TABLE")) {
		if t[i].text == "(" || t[i].quoted != 0 {
			return "", nil, false
		}
		i++
	}
	i++
	for i+2 < len(t) && t[i].quoted == 0 && (strings.EqualFold(t[i].text, "IF") || strings.EqualFold(t[i].text, "NOT") || strings.EqualFold(t[i].text, "EXISTS")) {
		i++
	}
	if i >= len(t) {
		return "", nil, false
	}
	table = t[i].text
	i++
	for i+1 < len(t) && t[i].text == "." && t[i].quoted == 0 {
		table = t[i+1].text
		i += 2
	}
	if i >= len(t) || t[i].text != "(" {
		return table, nil, false
	}
	depth, start := 0, true
	for i++; i < len(t); i++ {
		tk := t[i]
		if tk.quoted == 0 {
			switch tk.text {
			case "(":
				depth++
				continue
			case ")":
				if depth == 0 {
					i++
					goto options
				}
				depth--
				continue
			case ",":
				if depth == 0 {
					start = true
					continue
				}
			}
		}
		if start && depth == 0 {
			if tk.quoted == '`' || tk.quoted == '"' || tk.quoted == 0 && isIdent(tk.text[0]) && !notColumn[strings.ToUpper(tk.text)] {
				cols = append(cols, tk.text)
			}
		}
		start = false
	}
options:
	for ; i+1 < len(t); i++ {
		w := strings.ToUpper(t[i].text)
		if t[i].quoted != 0 || (w != "CHARSET" && w != "CHARACTER") {
			continue
		}
		j := i + 1
		if w == "CHARACTER" && strings.EqualFold(t[j].text, "SET") {
			j++
		}
		if j < len(t) && t[j].text == "=" {
			j++
		}
		if j < len(t) {
			latin1 = isLatin1(t[j].text)
		}
	}
	return table, cols, latin1
}
