package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// step is one result of reading a CSV record: its fields and the line
// where it starts, or the error.
type step struct {
	Fields []string
	Line   int
	Err    string
}

func (s step) String() string {
	if s.Err != "" {
		return fmt.Sprintf("error %q", s.Err)
	}
	return fmt.Sprintf("line %d %q", s.Line, s.Fields)
}

func syntaxStep(start, line, col int, unclosed bool) step {
	return step{Err: fmt.Sprintf("start %d line %d col %d unclosed %v", start, line, col, unclosed)}
}

// refRecords is the reference for SPEC §1.1, slow and plain: the whole
// input in memory, split into physical lines (\n, a \r before it or at the
// end cut off), then read one byte at a time by a state machine. A quote
// opens a quoted field only as the field's first byte; "" in it is a quote;
// it closes at a quote followed by the delimiter or the line's end; other
// text after it is an error (in the mysql dialect, a quote). Blank lines
// are skipped; a line break inside quotes is \n; an error throws away the
// rest of its line. NULL and \N as written, quoted or not, are empty,
// except in the first record (the header). mysql: \x is an escape, a \ at a line's end makes
// the line break data (at the input's end it is a \).
func refRecords(data string, comma byte, mysql bool) []step {
	var lines []string
	for data != "" {
		i := strings.IndexByte(data, '\n')
		l := data
		if i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		lines = append(lines, strings.TrimSuffix(l, "\r"))
	}
	unesc := map[byte]byte{'0': 0, 'b': '\b', 'n': '\n', 'r': '\r', 't': '\t', 'Z': 26}
	decode := func(x byte) byte {
		if d, ok := unesc[x]; ok {
			return d
		}
		return x
	}
	const (
		atStart = iota
		unquoted
		inQuotes
		afterQuote // a quote seen inside a quoted field
	)
	var out []step
	header := true
	for ln := 0; ln < len(lines); {
		line := lines[ln]
		ln++
		if line == "" {
			continue
		}
		start := ln
		var fields []string
		var cur, raw []byte // raw: an unquoted field as written
		quoted, escaped := false, false
		end := func() {
			f := string(cur)
			null := string(raw) == "NULL" || string(raw) == `\N`
			if quoted {
				null = !escaped && (f == "NULL" || f == `\N`)
			}
			if !header && null {
				f = ""
			}
			fields = append(fields, f)
		}
		state := atStart
		var bad *step
	record:
		for i := 0; ; {
			eol := i == len(line)
			var ch byte
			if !eol {
				ch = line[i]
			}
			switch state {
			case atStart:
				cur, raw, quoted, escaped = nil, nil, false, false
				state = unquoted
				if !eol && ch == '"' && (!mysql || encloses(line[i+1:], comma)) {
					quoted, state = true, inQuotes
					i++
				}
			case unquoted:
				switch {
				case eol:
					end()
					break record
				case ch == comma:
					end()
					state = atStart
					i++
				case mysql && ch == '\\' && i+1 < len(line):
					cur, raw = append(cur, decode(line[i+1])), append(raw, line[i:i+2]...)
					i += 2
				case mysql && ch == '\\' && ln < len(lines):
					cur, raw = append(cur, '\n'), append(raw, "\\\n"...)
					line, ln, i = lines[ln], ln+1, 0
				default:
					cur, raw = append(cur, ch), append(raw, ch)
					i++
				}
			case inQuotes:
				switch {
				case eol || mysql && ch == '\\' && i+1 == len(line):
					if ln == len(lines) {
						s := syntaxStep(start, ln, 0, true)
						bad = &s
						break record
					}
					cur = append(cur, '\n')
					escaped = escaped || !eol
					line, ln, i = lines[ln], ln+1, 0
				case mysql && ch == '\\':
					cur = append(cur, decode(line[i+1]))
					escaped = true
					i += 2
				case ch == '"':
					state = afterQuote
					i++
				default:
					cur = append(cur, ch)
					i++
				}
			case afterQuote:
				switch {
				case eol:
					end()
					break record
				case ch == '"':
					cur = append(cur, '"')
					state = inQuotes
					i++
				case ch == comma:
					end()
					state = atStart
					i++
				case mysql:
					cur = append(cur, '"')
					state = inQuotes
				default:
					s := syntaxStep(start, ln, i, false)
					bad = &s
					break record
				}
			}
		}
		header = false
		if bad != nil {
			out = append(out, *bad)
			continue
		}
		out = append(out, step{Fields: fields, Line: start})
	}
	return out
}

// encloses: in the mysql dialect a quote opens an enclosed field only if
// the rest of its line closes it (a lone quote before the delimiter or the
// end; "" and \x do not count) or ends in an escaped line break.
func encloses(rest string, comma byte) bool {
	for i := 0; i < len(rest); i++ {
		if rest[i] == '\\' {
			if i == len(rest)-1 {
				return true
			}
			i++
			continue
		}
		if rest[i] != '"' {
			continue
		}
		if i == len(rest)-1 || rest[i+1] == comma {
			return true
		}
		if rest[i+1] == '"' {
			i++
		}
	}
	return false
}

// newTestReader is a reader on data with tb's buffer of size bytes (0: the
// default), its header not yet read.
func newTestReader(data []byte, delim byte, mysql bool, size int) *csvReader {
	tb := newBufReader(bytes.NewReader(data))
	if size > 0 {
		tb = bufio.NewReaderSize(bytes.NewReader(data), size)
	}
	return &csvReader{name: "in.csv", tb: tb, comma: delim, mysql: mysql}
}

// traceRead reads every record with read, as startCSV and Next do: the
// header without NULLs, then the rest. Fields are copied, as a borrowing
// reader writes over them.
func traceRead(r *csvReader, limit int) []step {
	var out []step
	for len(out) <= limit {
		rec, err := r.read()
		if len(out) == 0 {
			r.nulls = true
		}
		if err == io.EOF {
			return out
		}
		var se *syntaxError
		switch {
		case errors.As(err, &se):
			out = append(out, syntaxStep(se.start, se.line, se.col, se.unclosed))
			continue // a syntax error spoils one record
		case err != nil:
			return append(out, step{Err: err.Error()})
		}
		fields := make([]string, len(rec))
		for i, f := range rec {
			fields[i] = strings.Clone(f)
		}
		out = append(out, step{Fields: fields, Line: r.Line()})
	}
	return append(out, step{Err: "too many results"})
}

// diffSteps names the first difference between two traces.
func diffSteps(have, want []step) string {
	for i := 0; i < max(len(have), len(want)); i++ {
		switch {
		case i >= len(have):
			return fmt.Sprintf("result %d: reader ended, reference gives %v", i, want[i])
		case i >= len(want):
			return fmt.Sprintf("result %d: reader gives %v, reference ended", i, have[i])
		case have[i].String() != want[i].String():
			return fmt.Sprintf("result %d:\n reader    %v\n reference %v", i, have[i], want[i])
		}
	}
	return ""
}

// checkSame reads data with the reader (on a buffer of size bytes, copying
// and borrowing) and with refRecords, and fails on the first difference.
func checkSame(t testing.TB, data []byte, delim byte, mysql bool, size int) {
	t.Helper()
	limit := len(data) + 1 // every result but EOF reads at least a byte
	want := refRecords(string(data), delim, mysql)
	for _, lend := range []bool{false, true} {
		r := newTestReader(data, delim, mysql, size)
		r.lend = lend
		if d := diffSteps(traceRead(r, limit), want); d != "" {
			t.Fatalf("delimiter %q, mysql %v, buffer %d, borrowing %v, input %q:\n%s", delim, mysql, size, lend, clip(data), d)
		}
	}
}

// clip shortens long inputs in messages.
func clip(b []byte) string {
	if len(b) > 300 {
		return fmt.Sprintf("%s…(%d bytes)…%s", b[:120], len(b), b[len(b)-120:])
	}
	return string(b)
}

// TestRefRecords pins the reference itself to SPEC §1.1, case by case, so
// that the fuzzer compares the reader with the rules and not with a copy of
// the reader.
func TestRefRecords(t *testing.T) {
	rec := func(line int, f ...string) step { return step{Fields: f, Line: line} }
	tests := []struct {
		name  string
		data  string
		mysql bool
		want  []step
	}{
		{"plain", "a,b\n1,2\n", false, []step{rec(1, "a", "b"), rec(2, "1", "2")}},
		{"quote inside a field is a character", "a,b\n1,x\"y\n", false, []step{rec(1, "a", "b"), rec(2, "1", `x"y`)}},
		{"serialized data", "uid\tdata\n1\ta:1:{s:1:\"k\";s:2:\"v\"\";}\n", false, []step{rec(1, "uid", "data"), rec(2, "1", `a:1:{s:1:"k";s:2:"v"";}`)}},
		{"quoted field", "a,b\n\"x,\"\"y\",z\n", false, []step{rec(1, "a", "b"), rec(2, `x,"y`, "z")}},
		{"multi-line CRLF", "a,b\r\n\"x\r\ny\",z\r\n", false, []step{rec(1, "a", "b"), rec(2, "x\ny", "z")}},
		{"text after closing quote", "a,b\n\"x\"y,1\n2,3\n", false, []step{rec(1, "a", "b"), syntaxStep(2, 2, 3, false), rec(3, "2", "3")}},
		{"unclosed", "a,b\n1,\"x\n2,3\n", false, []step{rec(1, "a", "b"), syntaxStep(2, 3, 0, true)}},
		{"NULL and \\N", "a,b,c,d,e\nNULL,\\N,\"NULL\",\"\\N\",null\n", false, []step{rec(1, "a", "b", "c", "d", "e"), rec(2, "", "", "", "", "null")}},
		{"mysql: NULL decoded from escapes is text", "a\tb\n\"\\NULL\"\t\"\\\\N\"\n", true, []step{rec(1, "a", "b"), rec(2, "NULL", `\N`)}},
		{"NULL header kept", "NULL,b\n1,2\n", false, []step{rec(1, "NULL", "b"), rec(2, "1", "2")}},
		{"blank lines", "\n\r\na,b\n\n1,2\n\n", false, []step{rec(3, "a", "b"), rec(5, "1", "2")}},
		{"mysql escapes", "a\tb\n\\N\tx\\ty\\nz\\\\w\\0\n", true, []step{rec(1, "a", "b"), rec(2, "", "x\ty\nz\\w\x00")}},
		{"mysql escaped line break", "a\tb\n1\tx\\\ny\n2\t3\n", true, []step{rec(1, "a", "b"), rec(2, "1", "x\ny"), rec(4, "2", "3")}},
		{"mysql escaped delimiter", "a\tb\n1\\\t2\t3\n", true, []step{rec(1, "a", "b"), rec(2, "1\t2", "3")}},
		{"mysql quotes are data after text", "a\tb\n\"x\" y\"\tz\n", true, []step{rec(1, "a", "b"), rec(2, `x" y`, "z")}},
		{"mysql \\\\N is not NULL", "a\n\\\\N\n", true, []step{rec(1, "a"), rec(2, `\N`)}},
		{"mysql -B value starting with a quote", "a\tb\n\"Hi\" - me\tx\n2\t3\n", true, []step{rec(1, "a", "b"), rec(2, `"Hi" - me`, "x"), rec(3, "2", "3")}},
		{"mysql backslash at the end", "a\nx\\", true, []step{rec(1, "a"), rec(2, `x\`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			comma := byte(',')
			if strings.Contains(tc.data, "\t") || tc.mysql {
				comma = '\t'
			}
			if d := diffSteps(refRecords(tc.data, comma, tc.mysql), tc.want); d != "" {
				t.Fatal(d)
			}
			checkSame(t, []byte(tc.data), comma, tc.mysql, 0)
		})
	}
}

// TestCSVFastPath compares the reader with the reference on the corners
// of line ends, quoting, blank lines and buffer sizes.
func TestCSVFastPath(t *testing.T) {
	long := strings.Repeat("x", 5000)    // longer than a 4096-byte buffer
	huge := strings.Repeat("y", 300<<10) // longer than the default buffer
	tests := []struct {
		name  string
		data  string
		delim byte
	}{
		{"plain", "a,b\n1,2\n3,4\n", ','},
		{"no final newline", "a,b\n1,2\n3,4", ','},
		{"header without newline", "a,b", ','},
		{"header only", "a,b\n", ','},
		{"empty", "", ','},
		{"blank lines only", "\n\r\n\n", ','},
		{"CR only", "\r", ','},
		{"CRLF", "a,b\r\n1,2\r\n3,4\r\n", ','},
		{"CRLF no final newline", "a,b\r\n1,2\r\n3,4", ','},
		{"final CR at EOF", "a,b\n1,2\r", ','},
		{"final CR CR at EOF", "a,b\n1,2\r\r", ','},
		{"lone CR kept", "a,b\n1\r,2\n3,4\r\r\n\r5,6\n", ','},
		{"CR line at EOF", "a,b\n1,2\n\r", ','},
		{"CR CR line", "a,b\n\r\r\n1,2\n", ','},
		{"blank lines counted", "\n\na,b\n\n1,2\n\r\n\n3,4\n\n", ','},
		{"white space line is a record", "a,b\n \n\t\n1,2\n", ','},
		{"ragged and trailing empty cells", "a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n1,2,3, \n,,\n,,,\n", ','},
		{"BOMs", "\ufeffa,b\n\ufeff1,\ufeff2\n", ','},
		{"NUL and invalid UTF-8", "a,b\n\x00,\xff\xfe\n\xc3,\xa9\n", ','},
		{"NULLs", "a,b\nNULL,\\N\n\"NULL\",\"\\N\"\nNULLS,N\n", ','},
		{"quoted fields", "a,b\n\"x\",y\n1,\"2, \"\"two\"\"\"\n3,4\n", ','},
		{"quoted multi-line", "a,b\n1,2\n\"x\ny\nz\",w\n3,4\n", ','},
		{"quoted multi-line CRLF", "a,b\r\n1,2\r\n\"x\r\ny\r\n\",w\r\n3,4\r\n", ','},
		{"quoted with blank lines inside", "a,b\n\"x\n\n\r\n\",w\n\n3,4\n", ','},
		{"quoted lone CR", "a,b\n\"x\ry\r\",z\r\n3,4\n", ','},
		{"quoted at EOF without newline", "a,b\n1,2\n\"x\",\"y\"", ','},
		{"quoted then CR at EOF", "a,b\n\"x\",\"y\"\r", ','},
		{"bare quote", "a,b\n1,x\"y\n2,3\n", ','},
		{"bare quotes then a quoted field", "a,b\n1\"x\"\"y,\"z\"\n2,3\n", ','},
		{"bare quote CRLF", "a,b\r\n1,x\"y\r\n2,3\r\n", ','},
		{"quote after quoted field", "a,b\n\"x\"y,1\n2,3\n", ','},
		{"quote error on a later line", "a,b\n1,2\n\"x\ny\"z,1\n2,3\n", ','},
		{"bare quote on a later line of the record", "a,b\n\"x\ny\",z\"\n2,3\n", ','},
		{"unclosed quote runs to EOF", "a,b\n1,2\n\"open\n3,4\n\n5,6\n", ','},
		{"unclosed quote then CR at EOF", "a,b\n\"x\n\r", ','},
		{"unclosed quote at EOF", "a,b\n\"", ','},
		{"quote alone", "a,b\n\"\n", ','},
		{"doubled quote alone", "a,b\n\"\"\n1,2\n", ','},
		{"quoted header", "\"a\",\"b\"\n1,2\n", ','},
		{"multi-line quoted header", "\"a\nb\",c\n1,2\n3,4\n", ','},
		{"header after blank lines", "\n\r\n\na,b\n1,2\n", ','},
		{"bad header", "\"a\"b\n1,2\n", ','},
		{"semicolon", "a;b\n1;2,3\n\"x;y\";z\n", ';'},
		{"tab", "a\tb\n1\t2\n\"x\ty\"\tz\n", '\t'},
		{"pipe", "a|b\n1|2\n\"x|y\"|z\n", '|'},
		{"long plain line", "a,b\n1," + long + "\n2,3\n", ','},
		{"long line, no newline", "a,b\n1," + long, ','},
		{"long line, quote at its end", "a,b\n1," + long + "\"\n2,3\n", ','},
		{"long quoted line", "a,b\n\"" + long + "\",1\n2,3\n", ','},
		{"long quoted multi-line", "a,b\n\"" + long + "\n" + long + "\r\n\",1\n2,3\n", ','},
		{"long line CRLF", "a,b\r\n1," + long + "\r\n2,3\r\n", ','},
		{"huge plain line", "a,b\n1," + huge + "\n2,3\n", ','},
		{"huge quoted line", "a,b\n1,\"" + huge + "\"\n2,3\n", ','},
		{"long header", long + ",b\n1,2\n", ','},
		{"mysql-looking", "a\tb\n\\N\tx\\ty\n1\\\n2\t3\\\\\n", '\t'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int{4096, 0} {
				for _, mysql := range []bool{false, true} {
					checkSame(t, []byte(tc.data), tc.delim, mysql, size)
				}
			}
		})
	}
}

// TestCSVFastPathBufferEdges moves lines, quotes and line ends across the
// edge of a 4096-byte buffer.
func TestCSVFastPathBufferEdges(t *testing.T) {
	const size = 4096
	lines := []func(n int) string{
		func(n int) string { return strings.Repeat("a", n) + ",b\n" },
		func(n int) string { return strings.Repeat("a", n) + ",b\r\n" },
		func(n int) string { return "\"" + strings.Repeat("a", n) + "\",b\n" },
		func(n int) string { return strings.Repeat("a", n) + ",\"b\"\n" },
		func(n int) string { return "\"" + strings.Repeat("a", n) + "\nc\",b\n" },
		func(n int) string { return strings.Repeat("a", n) + "\"\n" },
		func(n int) string { return strings.Repeat("a", n) + "\n\n" },
		func(n int) string { return strings.Repeat("a", n) + "\r" },
		func(n int) string { return strings.Repeat("a", n) + "\\\nb\\t,c\n" },
	}
	for i, l := range lines {
		for _, first := range []int{size/2 - 3, size - 10} {
			for n := size - 8; n <= size+8; n++ {
				data := "h,b\n" + strings.Repeat("x", first) + ",b\n" + l(n) + "1,2\n" + l(n)
				checkSame(t, []byte(data), ',', i == len(lines)-1, size)
				if t.Failed() {
					t.Fatalf("line kind %d, first line %d, length %d", i, first, n)
				}
			}
		}
	}
}

// TestCSVFastPathTaken checks that lines are split straight from the
// buffer unless a quote opens a field (or, in the mysql dialect, a
// backslash is there): a quote inside a field does not leave the fast path.
func TestCSVFastPathTaken(t *testing.T) {
	for _, tc := range []struct {
		line  string
		mysql bool
		plain bool
	}{
		{"1,2", false, true}, {"1,x\"y\"", false, true}, {"a:1:{s:1:\"k\";}", false, true},
		{"\"x\",y", false, false}, {"1,\"y\"", false, false}, {"1,\"", false, false},
		{"1,x\\ty", false, true}, {"1,x\\ty", true, false}, {"1,x\"y", true, true},
	} {
		r := &csvReader{comma: ',', mysql: tc.mysql}
		if got := r.plain([]byte(tc.line)); got != tc.plain {
			t.Errorf("plain(%q), mysql %v = %v, want %v", tc.line, tc.mysql, got, tc.plain)
		}
	}
	// A record parsed by readRecord reads no further than its own lines.
	r := newTestReader([]byte("a,b\n\"x\ny\",z\n3,4\n"), ',', false, 0)
	for _, want := range []int{1, 2, 4} {
		if _, err := r.read(); err != nil || r.Line() != want {
			t.Fatalf("line %d, error %v; want line %d", r.Line(), err, want)
		}
	}
}

// TestCSVFastPathOpen compares Open (files and stdin, so decoding and
// sniffing come in) with the reference on the decoded text.
func TestCSVFastPathOpen(t *testing.T) {
	farData, _ := cp1252Far(300 << 10)
	bigData, _ := bigCell()
	for _, tc := range []struct {
		data []byte
		text string // as decoded
	}{
		{farData, strings.ReplaceAll(strings.ReplaceAll(string(farData), "\xe9", "é"), "\x92", "’")},
		{bigData, string(bigData)},
		{[]byte("\xef\xbb\xbf\"uid\",\"name\"\r\n\"1\",\"José\"\r\n2,x\r\n\r\n"), "\"uid\",\"name\"\r\n\"1\",\"José\"\r\n2,x\r\n\r\n"},
		{utf16Bytes(t, "uid\tnote\r\n1\t\"a\r\nb\"\r\n2\tc\r\n", unicode.LittleEndian, unicode.UseBOM), "uid\tnote\r\n1\t\"a\r\nb\"\r\n2\tc\r\n"},
		{usersCSVQuoted(3000, 7), string(usersCSVQuoted(3000, 7))},
	} {
		ref := refRecords(tc.text, byte(SniffDelimiter([]byte(tc.text))), false)
		want := []string{strings.Join(ref[0].Fields, "|")}
		for _, s := range ref[1:] {
			want = append(want, s.String())
		}
		for _, stdin := range []bool{false, true} {
			opt, path := Options{}, "-"
			if stdin {
				opt.Stdin = bytes.NewReader(tc.data)
			} else {
				path = writeFile(t, "in.csv", tc.data)
			}
			r, err := Open(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			have := []string{strings.Join(r.Header(), "|")}
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				have = append(have, step{Fields: rec, Line: r.Line()}.String())
			}
			r.Close()
			if !slices.Equal(have, want) {
				t.Errorf("stdin %v, input %q: %d results, want %d", stdin, clip(tc.data), len(have), len(want))
			}
		}
	}
}

// FuzzCSVFastPath reads arbitrary input through the reader and through
// refRecords: records, lines and errors must be the same. repeat makes
// long inputs, whose lines cross the 4096-byte buffer's edge.
func FuzzCSVFastPath(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\r\n1,2\r\n3,4", "a;b\n\"x;\ny\";z\n\n1;2\r", "a\tb\n1\t\"2\"\"\"\n",
		"a|b\n1|x\"y\n\"open\n2|3\n", "\n\r\n\"a\nb\",c\n1,2,3\n,\n", "a,b\n\"x\"y,1\n\r", "\ufeffa,b\n1,\x00\xff\r\r\n",
		"a\tb\n\\N\tNULL\n1\\\n2\t\"x\\\"\" y\"\n", "a,b\nx\"y,\"z\"\"\"\n",
	} {
		f.Add([]byte(s), byte(0), byte(0))
	}
	f.Add([]byte("a,b\n1,2\r\n\"x\",y\n"), byte(1), byte(200))
	f.Add([]byte("a,b\n\"1\n2\",\"3\"\"\"\n4,5\n"), byte(2), byte(255))
	f.Add([]byte("a\tb\n1\\\n2\t\\N\n"), byte(5), byte(3))
	delims := []byte{',', ';', '\t', '|'}
	f.Fuzz(func(t *testing.T, data []byte, delim, repeat byte) {
		if repeat > 0 && len(data) > 0 {
			n := min(1+int(repeat), (64<<10)/len(data)+1)
			data = bytes.Repeat(data, n)
		}
		checkSame(t, data, delims[int(delim)%len(delims)], delim&4 != 0, 4096)
	})
}

// BenchmarkCSVRecords reads records from memory, without opening and
// decoding a file.
func BenchmarkCSVRecords(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"no-quotes", usersCSVQuoted(100_000, 0)}, {"quotes-1in20", usersCSVQuoted(100_000, 20)},
		{"quotes-every-line", usersCSV(100_000, ",")},
		{"quotes-inside-fields", bytes.ReplaceAll(usersCSVQuoted(100_000, 0), []byte("First"), []byte(`a:1:{s:1:"k";}`))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				r, err := startCSV("in.csv", newBufReader(bytes.NewReader(bc.data)), ',', false)
				if err != nil {
					b.Fatal(err)
				}
				n := countRows(b, r)
				if n != 100_000 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}

// TestBorrow reads a file several times the read buffer with rows borrowing
// it (Options.ReuseBuffer) and with rows copied, quoted records among them: each row, looked at
// before the next is read, is the same.
func TestBorrow(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,note\n")
	for i := 0; i < 30_000; i++ {
		if i%97 == 0 {
			fmt.Fprintf(&b, "%d,\"Name, %d\",\"a\nb\"\n", i, i)
		} else {
			fmt.Fprintf(&b, "%d,name %d,note %d\r\n", i, i, i*i)
		}
	}
	path := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var asked []string
	lent, err := Open(path, Options{ReuseBuffer: func(header []string) bool { asked = header; return true }})
	if err != nil {
		t.Fatal(err)
	}
	defer lent.Close()
	if !slices.Equal(asked, []string{"id", "name", "note"}) {
		t.Fatalf("ReuseBuffer asked with header %q", asked)
	}
	copied, err := Open(path, Options{ReuseBuffer: func([]string) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	var first, firstCopied []string // kept from the first row, which later reads write over
	for n := 0; ; n++ {
		got, gerr := lent.Next()
		want, werr := copied.Next()
		if gerr != nil || werr != nil {
			if gerr != io.EOF || werr != io.EOF {
				t.Fatalf("row %d: errors %v and %v", n, gerr, werr)
			}
			if n != 30_000 {
				t.Fatalf("%d rows, want 30000", n)
			}
			break
		}
		if !slices.Equal(got, want) || lent.Line() != copied.Line() {
			t.Fatalf("row %d: %q at line %d, want %q at line %d", n, got, lent.Line(), want, copied.Line())
		}
		if n == 1 {
			first, firstCopied = slices.Clone(got), slices.Clone(want)
		}
	}
	if first[0] == "1" {
		t.Errorf("a borrowed row still reads the same after the buffer was read over: the rows did not borrow it")
	}
	if firstCopied[0] != "1" {
		t.Errorf("a row of a reader told not to reuse its buffer changed after the buffer was read over")
	}
}
