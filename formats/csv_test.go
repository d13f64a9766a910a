package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// errAny stands for "some error" where Open returns no sentinel.
var errAny = errors.New("any error")

func utf16Bytes(t testing.TB, s string, order unicode.Endianness, bom unicode.BOMPolicy) []byte {
	t.Helper()
	b, err := unicode.UTF16(order, bom).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cp1252Far is a Windows-1252 file whose only non-ASCII byte (é, 0xE9) sits
// in the last row, well past the sniffer's 64 KiB (and, for stdin, past a
// 256 KiB read buffer).
func cp1252Far(size int) ([]byte, []got) {
	var b bytes.Buffer
	b.WriteString("uid;name;mail\r\n")
	var rows []got
	for i := 1; b.Len() < size; i++ {
		uid := fmt.Sprint(i)
		fmt.Fprintf(&b, "%s;User %s;u%s@example.org\r\n", uid, uid, uid)
		rows = append(rows, row(i+1, uid, "User "+uid, "u"+uid+"@example.org"))
	}
	n := len(rows) + 1
	fmt.Fprintf(&b, "%d;Jos\xe9 O\x92Brien;jose@example.org\r\n", n)
	rows = append(rows, row(n+1, fmt.Sprint(n), "José O’Brien", "jose@example.org"))
	return b.Bytes(), rows
}

// utf8At is a valid UTF-8 file with "é" starting at byte offset at, to put
// a multi-byte rune on (and just before) the UTF-8 scanner's 1 MiB chunk
// boundary.
func utf8At(at int) ([]byte, []got) {
	head := "uid,name\n1,"
	pad := strings.Repeat("a", at-len(head))
	data := head + pad + "é\n2,Zoë\n"
	return []byte(data), []got{row(2, "1", pad+"é"), row(3, "2", "Zoë")}
}

// bigCell is a file whose second row holds a multi-megabyte quoted cell
// with delimiters, doubled quotes and newlines in it.
func bigCell() ([]byte, []got) {
	const chunk = `lorem, ipsum ""q"" ` + "\n"
	const n = 200_000
	raw := strings.Repeat(chunk, n)
	data := "uid,note,mail\n1,\"" + raw + "\",a@example.org\n2,small,b@example.org\n"
	want := strings.ReplaceAll(raw, `""`, `"`)
	return []byte(data), []got{row(2, "1", want, "a@example.org"), row(3+n, "2", "small", "b@example.org")}
}

func TestReadCSV(t *testing.T) {
	farData, farRows := cp1252Far(200 << 10)
	farStdin, farStdinRows := cp1252Far(600 << 10)
	farStdin2, farStdin2Rows := cp1252Far(1<<20 + 300<<10)
	bndEnd, bndEndRows := utf8At(1<<20 - 2)     // é ends exactly at 1 MiB
	bndSplit, bndSplitRows := utf8At(1<<20 - 1) // é straddles 1 MiB
	bigData, bigRows := bigCell()

	users := []string{"uid", "mail", "name"}
	tests := []struct {
		name   string
		file   string // base name, "in.csv" if empty; "-" reads data from Options.Stdin
		data   []byte
		opt    Options
		header []string
		rows   []got
		err    error  // from Open
		errHas string // in Open's error message
	}{
		// Delimiters.
		{name: "comma", data: []byte("uid,mail,name\n1,ann@example.org,Ann\n2,bob@example.org,Bob\n"),
			header: users, rows: []got{row(2, "1", "ann@example.org", "Ann"), row(3, "2", "bob@example.org", "Bob")}},
		{name: "semicolon with comma in quotes", data: []byte("uid;name;mail\n1;\"Smith, John\";john@example.org\n2;\"Doe, Jane\";jane@example.org\n"),
			header: []string{"uid", "name", "mail"},
			rows:   []got{row(2, "1", "Smith, John", "john@example.org"), row(3, "2", "Doe, Jane", "jane@example.org")}},
		{name: "quoted commas outnumber semicolons", data: []byte("\"name, first, last\";uid;mail\n\"Smith, John, Q\";1;j@example.org\n"),
			header: []string{"name, first, last", "uid", "mail"}, rows: []got{row(2, "Smith, John, Q", "1", "j@example.org")}},
		{name: "tab", file: "in.tsv", data: []byte("uid\tmail\tname\n1\tann@example.org\tSmith, Ann\n"),
			header: users, rows: []got{row(2, "1", "ann@example.org", "Smith, Ann")}},
		{name: "pipe", file: "in.txt", data: []byte("uid|mail|name\n1|ann@example.org|Ann; Smith\n"),
			header: users, rows: []got{row(2, "1", "ann@example.org", "Ann; Smith")}},
		{name: "single column", data: []byte("uid\n1\n2\n"),
			header: []string{"uid"}, rows: []got{row(2, "1"), row(3, "2")}},
		{name: "tie goes to comma", data: []byte("uid,mail;name\n1,a@example.org;Ann\n"),
			header: []string{"uid", "mail;name"}, rows: []got{row(2, "1", "a@example.org;Ann")}},
		{name: "delimiter override", data: []byte("uid,mail;name\n1,a@example.org;Ann\n"), opt: Options{Delimiter: ';'},
			header: []string{"uid,mail", "name"}, rows: []got{row(2, "1,a@example.org", "Ann")}},
		{name: "delimiter override tab", data: []byte("uid,x\tmail\n1,y\ta@example.org\n"), opt: Options{Delimiter: '\t'},
			header: []string{"uid,x", "mail"}, rows: []got{row(2, "1,y", "a@example.org")}},

		// Encodings.
		{name: "UTF-8 without BOM", data: []byte("uid,name\n1,José Müller\n2,O’Brien\n"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José Müller"), row(3, "2", "O’Brien")}},
		{name: "UTF-8 with BOM", data: []byte("\xef\xbb\xbfuid,name\n1,José\n"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José")}},
		{name: "UTF-8 BOM then quoted header", data: []byte("\xef\xbb\xbf\"uid\",\"name\"\r\n\"1\",\"José\"\r\n"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José")}},
		{name: "UTF-8 ending in a multi-byte rune", data: []byte("uid,name\n1,José"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José")}},
		{name: "UTF-8 rune ending at the 1 MiB scan chunk", data: bndEnd, header: []string{"uid", "name"}, rows: bndEndRows},
		{name: "UTF-8 rune across the 1 MiB scan chunk", data: bndSplit, header: []string{"uid", "name"}, rows: bndSplitRows},
		{name: "UTF-16LE with BOM (Excel Unicode Text)", file: "in.txt",
			data:   utf16Bytes(t, "uid\tmail\tname\r\n1\tj@example.org\tJosé\r\n2\to@example.org\tO’Brien 😀\r\n", unicode.LittleEndian, unicode.UseBOM),
			header: users, rows: []got{row(2, "1", "j@example.org", "José"), row(3, "2", "o@example.org", "O’Brien 😀")}},
		{name: "UTF-16BE with BOM",
			data:   utf16Bytes(t, "uid;name\r\n1;Zoë\r\n", unicode.BigEndian, unicode.UseBOM),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "Zoë")}},
		{name: "Windows-1252 without BOM", data: []byte("uid;name\r\n1;Jos\xe9\r\n2;O\x92Brien\r\n"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José"), row(3, "2", "O’Brien")}},
		{name: "Windows-1252 byte far beyond 64 KiB", data: farData,
			header: []string{"uid", "name", "mail"}, rows: farRows},
		{name: "Windows-1252 on stdin", file: "-", data: []byte("uid;name\r\n1;Jos\xe9\r\n"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José")}},
		{name: "Windows-1252 on stdin beyond 256 KiB", file: "-", data: farStdin,
			header: []string{"uid", "name", "mail"}, rows: farStdinRows},
		{name: "Windows-1252 on stdin beyond 1 MiB of ASCII", file: "-", data: farStdin2,
			header: []string{"uid", "name", "mail"}, rows: farStdin2Rows},
		{name: "encoding override windows-1252", data: []byte("uid,name\n1,Jos\xc3\xa9\n"), opt: Options{Encoding: "windows-1252"},
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "JosÃ©")}},
		{name: "encoding override latin1", data: []byte("uid,name\n1,Jos\xe9 O\x92Brien\n"), opt: Options{Encoding: "Latin-1"},
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José O\u0092Brien")}},
		{name: "encoding override utf-16le without BOM", opt: Options{Encoding: "UTF-16LE"},
			data:   utf16Bytes(t, "uid,name\r\n1,José\r\n", unicode.LittleEndian, unicode.IgnoreBOM),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José")}},
		{name: "encoding override utf-8 drops BOM", data: []byte("\xef\xbb\xbfuid,name\n1,José\n"), opt: Options{Encoding: "utf8"},
			header: []string{"uid", "name"}, rows: []got{row(2, "1", "José")}},
		{name: "unknown encoding", data: []byte("uid\n1\n"), opt: Options{Encoding: "klingon"}, err: errAny, errHas: "unknown encoding"},

		// Quoting and line ends.
		{name: "quoted fields LF", data: []byte("uid,note,mail\n1,\"a, b\",x@example.org\n2,\"she said \"\"hi\"\"\",y@example.org\n3,\"line1\nline2\nline3\",z@example.org\n4,plain,w@example.org\n"),
			header: []string{"uid", "note", "mail"},
			rows: []got{row(2, "1", "a, b", "x@example.org"), row(3, "2", `she said "hi"`, "y@example.org"),
				row(4, "3", "line1\nline2\nline3", "z@example.org"), row(7, "4", "plain", "w@example.org")}},
		{name: "quoted fields CRLF", data: []byte("uid,note,mail\r\n1,\"a, b\",x@example.org\r\n2,\"she said \"\"hi\"\"\",y@example.org\r\n3,\"line1\r\nline2\r\nline3\",z@example.org\r\n4,plain,w@example.org\r\n"),
			header: []string{"uid", "note", "mail"},
			rows: []got{row(2, "1", "a, b", "x@example.org"), row(3, "2", `she said "hi"`, "y@example.org"),
				row(4, "3", "line1\nline2\nline3", "z@example.org"), row(7, "4", "plain", "w@example.org")}},
		{name: "quote inside an unquoted field is a character", data: []byte("uid,name\n1,O\"Brien\n2,x\n"),
			header: []string{"uid", "name"}, rows: []got{row(2, "1", `O"Brien`), row(3, "2", "x")}},
		{name: "Drupal serialized data, tab-separated", file: "users.tsv",
			data:   []byte("uid\tmail\tdata\n1\ta@example.org\ta:2:{s:7:\"contact\";i:1;s:4:\"mode\";s:1:\"0\";}\n"),
			header: []string{"uid", "mail", "data"}, rows: []got{row(2, "1", "a@example.org", `a:2:{s:7:"contact";i:1;s:4:"mode";s:1:"0";}`)}},
		{name: "Joomla JSON params, tab-separated", file: "users.tsv", data: []byte("id\temail\tparams\n7\tj@example.org\t{\"admin_language\":\"\",\"editor\":\"\"}\n"),
			header: []string{"id", "email", "params"}, rows: []got{row(2, "7", "j@example.org", `{"admin_language":"","editor":""}`)}},
		{name: "text after a closing quote is a bad row, reading goes on", data: []byte("uid,name\n1,\"O\"Brien\n2,x\n"),
			header: []string{"uid", "name"}, rows: []got{bad(2), row(3, "2", "x")}},
		{name: "NULL and \\N are empty, quoted or not", data: []byte("uid,first,last,mail\n1,NULL,\\N,\"NULL\"\n2,Null,NULLS,\"\\N\"\n"),
			header: []string{"uid", "first", "last", "mail"}, rows: []got{row(2, "1", "", "", ""), row(3, "2", "Null", "NULLS", "")}},
		{name: "phpMyAdmin CSV with NULL", data: []byte("\"uid\",\"name\",\"mail\"\n\"1\",NULL,\"a@example.org\"\n"),
			header: []string{"uid", "name", "mail"}, rows: []got{row(2, "1", "", "a@example.org")}},
		{name: "mysql -B detected by \\N", file: "users.tsv", data: []byte("uid\tname\tsignature\n1\tann\t\\N\n2\tbob\tline1\\nline2\\tx\\\\y\n"),
			header: []string{"uid", "name", "signature"}, rows: []got{row(2, "1", "ann", ""), row(3, "2", "bob", "line1\nline2\tx\\y")}},
		{name: "INTO OUTFILE escaped line break and tab", file: "users.tsv", data: []byte("uid\tnote\n1\ta\\\nb\\\tc\n2\t\\N\n"),
			header: []string{"uid", "note"}, rows: []got{row(2, "1", "a\nb\tc"), row(4, "2", "")}},
		{name: "tab file without escapes keeps backslashes", file: "in.tsv", data: []byte("uid\tpath\n1\tC:\\Users\n"),
			header: []string{"uid", "path"}, rows: []got{row(2, "1", `C:\Users`)}},
		{name: "dialect csv keeps backslashes", file: "in.tsv", opt: Options{Dialect: "csv"}, data: []byte("uid\tpath\n1\tx\\ny\n2\t\\N\n"),
			header: []string{"uid", "path"}, rows: []got{row(2, "1", `x\ny`), row(3, "2", "")}},
		{name: "dialect mysql on a comma file", opt: Options{Dialect: "mysql"}, data: []byte("uid,note\n1,\"a\\\"b\",x\\,y\n"),
			header: []string{"uid", "note"}, rows: []got{bad(2)}},
		{name: "dialect mysql enclosed", opt: Options{Dialect: "mysql"}, data: []byte("uid,note\n1,\"a\\\"b, c\"\n2,\\N\n"),
			header: []string{"uid", "note"}, rows: []got{row(2, "1", `a"b, c`), row(3, "2", "")}},
		{name: "empty lines skipped", data: []byte("uid,mail\n\n1,a@example.org\n\n\n2,b@example.org\n\n"),
			header: []string{"uid", "mail"}, rows: []got{row(3, "1", "a@example.org"), row(6, "2", "b@example.org")}},
		{name: "empty lines skipped CRLF", data: []byte("\r\nuid,mail\r\n\r\n1,a@example.org\r\n\r\n"),
			header: []string{"uid", "mail"}, rows: []got{row(4, "1", "a@example.org")}},

		// Bad rows, trailing cells, headers.
		{name: "ragged rows are bad rows, reading goes on", data: []byte("uid,mail,name\n1,a@example.org,A\n2,b@example.org\n3,c@example.org,C,extra\n4,d@example.org,D\n"),
			header: users, rows: []got{row(2, "1", "a@example.org", "A"), bad(3), bad(4), row(5, "4", "d@example.org", "D")}},
		{name: "ragged row after a multi-line record", data: []byte("uid,note\n1,\"x\ny\"\n2\n3,z\n"),
			header: []string{"uid", "note"}, rows: []got{row(2, "1", "x\ny"), bad(4), row(5, "3", "z")}},
		{name: "trailing empty cells tolerated", data: []byte("uid,mail\n1,a@example.org,,\n2,b@example.org,\n3,c@example.org, \n"),
			header: []string{"uid", "mail"}, rows: []got{row(2, "1", "a@example.org"), row(3, "2", "b@example.org"), bad(4)}},
		{name: "header cells trimmed, BOM stripped", data: []byte("\xef\xbb\xbf uid ,\tMail\t, Display Name \n1,a@example.org,Ann\n"),
			header: []string{"uid", "Mail", "Display Name"}, rows: []got{row(2, "1", "a@example.org", "Ann")}},
		{name: "second BOM stripped from header", data: []byte("\xef\xbb\xbf\xef\xbb\xbfuid,mail\n1,a@example.org\n"),
			header: []string{"uid", "mail"}, rows: []got{row(2, "1", "a@example.org")}},
		{name: "empty file", data: nil, err: ErrBadFile, errHas: "empty"},
		{name: "BOM only", data: []byte("\xef\xbb\xbf"), err: ErrBadFile, errHas: "empty"},
		{name: "blank lines only", data: []byte("\n\r\n\n"), err: ErrBadFile, errHas: "empty"},
		{name: "empty stdin", file: "-", data: nil, err: ErrBadFile, errHas: "empty"},
		{name: "header only", data: []byte("uid,mail\n"), header: []string{"uid", "mail"}},
		{name: "header only without newline", data: []byte("uid,mail"), header: []string{"uid", "mail"}},
		{name: "stdin", file: "-", data: []byte("uid;mail\n1;a@example.org\n"),
			header: []string{"uid", "mail"}, rows: []got{row(2, "1", "a@example.org")}},

		// Hostile input.
		{name: "NUL bytes survive", data: []byte("uid,note\n1,a\x00b\n2,\x00\n"),
			header: []string{"uid", "note"}, rows: []got{row(2, "1", "a\x00b"), row(3, "2", "\x00")}},
		{name: "multi-megabyte cell", data: bigData, header: []string{"uid", "note", "mail"}, rows: bigRows},
		{name: "unbalanced quote is a bad row where it opens", data: []byte("uid,note\n1,\"open\n2,b\n3,c\n"),
			header: []string{"uid", "note"}, rows: []got{bad(2)}},
		{name: "unbalanced quote ragged", data: []byte("uid,note,mail\n1,\"open\n2,b,c\n"),
			header: []string{"uid", "note", "mail"}, rows: []got{bad(2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, opt := tc.file, tc.opt
			if path == "-" {
				opt.Stdin = bytes.NewReader(tc.data)
			} else {
				if path == "" {
					path = "in.csv"
				}
				path = writeFile(t, path, tc.data)
			}
			r, err := Open(path, opt)
			if tc.err != nil {
				if err == nil {
					r.Close()
					t.Fatalf("Open succeeded, want an error wrapping %v", tc.err)
				}
				if tc.err != errAny && !errors.Is(err, tc.err) {
					t.Errorf("Open error %q does not wrap %v", err, tc.err)
				}
				if !strings.Contains(err.Error(), tc.errHas) || !strings.Contains(err.Error(), path) {
					t.Errorf("Open error %q: want it to name %q and say %q", err, path, tc.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer r.Close()
			if r.Name() != path {
				t.Errorf("Name() = %q, want %q", r.Name(), path)
			}
			if !reflect.DeepEqual(r.Header(), tc.header) {
				t.Errorf("Header() = %q, want %q", r.Header(), tc.header)
			}
			gotRows := readAll(t, r, len(tc.rows)+10)
			if !reflect.DeepEqual(gotRows, tc.rows) {
				t.Errorf("rows differ:\n%s", diffRows(gotRows, tc.rows))
			}
		})
	}
}

// diffRows describes the first difference between two row lists, with
// long cells shortened.
func diffRows(have, want []got) string {
	short := func(g got) string {
		fs := make([]string, len(g.Fields))
		for i, f := range g.Fields {
			if len(f) > 60 {
				f = fmt.Sprintf("%s…(%d bytes)…%s", f[:25], len(f), f[len(f)-25:])
			}
			fs[i] = fmt.Sprintf("%q", f)
		}
		return fmt.Sprintf("line %d bad=%v [%s]", g.Line, g.Bad, strings.Join(fs, " "))
	}
	for i := 0; i < max(len(have), len(want)); i++ {
		switch {
		case i >= len(have):
			return fmt.Sprintf("result %d: missing, want %s (got %d results, want %d)", i, short(want[i]), len(have), len(want))
		case i >= len(want):
			return fmt.Sprintf("result %d: got extra %s (got %d results, want %d)", i, short(have[i]), len(have), len(want))
		case !reflect.DeepEqual(have[i], want[i]):
			return fmt.Sprintf("result %d:\n got  %s\n want %s", i, short(have[i]), short(want[i]))
		}
	}
	return "no difference"
}

// TestReadCSVLineAfterBadRow checks Line() follows the bad row, so a
// caller that logs r.Line() next to the error names the same line.
func TestReadCSVLineAfterBadRow(t *testing.T) {
	p := writeFile(t, "in.csv", []byte("uid,mail\n1,a\n\n2\n3,c\n"))
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := []struct {
		line int
		bad  bool
	}{{2, false}, {4, true}, {5, false}}
	for _, w := range want {
		_, err := r.Next()
		if (err != nil) != w.bad || r.Line() != w.line {
			t.Errorf("Next: err=%v Line()=%d, want bad=%v line %d", err, r.Line(), w.bad, w.line)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next at end = %v, want io.EOF", err)
	}
}

// TestOpenErrors covers what Open refuses before reading a row.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"missing file", filepath.Join(dir, "nope.csv")},
		{"directory", dir},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(tc.path, Options{})
			if err == nil {
				r.Close()
				t.Fatal("Open succeeded")
			}
			var fe *Error
			if !errors.Is(err, ErrBadFile) || !errors.As(err, &fe) || fe.File != tc.path {
				t.Errorf("Open error %#v: want *Error for %s wrapping ErrBadFile", err, tc.path)
			}
		})
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name   string
		sample string
		want   rune
	}{
		{"empty", "", ','},
		{"no delimiter", "uid\n1\n", ','},
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"semicolon", "a;b;c\n1;2;3\n", ';'},
		{"tab", "a\tb\tc\n1\t2\t3\n", '\t'},
		{"pipe", "a|b|c\n1|2|3\n", '|'},
		{"one line, no newline", "a;b;c", ';'},
		{"comma inside quotes", "uid;name\n1;\"Smith, John\"\n2;\"Doe, Jane, Q\"\n", ';'},
		{"quoted header commas", "\"a,b,c\";uid\n\"d,e,f\";1\n", ';'},
		{"newline inside quotes", "uid;note\n1;\"a,\nb,\nc,\"\n2;x\n", ';'},
		{"consistent beats wide", "a,b,c,d;e\n1;2\n3;4\n5,6;7\n", ';'},
		{"cut last line ignored", "a;b;c\n1;2;3\n4;5,6,7,8,9", ';'},
		{"CRLF", "a|b\r\n1|2\r\n", '|'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SniffDelimiter([]byte(tc.sample)); got != tc.want {
				t.Errorf("SniffDelimiter(%q) = %q, want %q", tc.sample, got, tc.want)
			}
		})
	}
}

func FuzzSniffDelimiter(f *testing.F) {
	for _, s := range []string{
		"", "\n", "\"", "uid,mail\n1,a\n", "uid;name\n1;\"Smith, John\"\n", "a\tb\n1\t2\n", "a|b\n1|2\n",
		"\"a,b,c\";uid\n\"d,e,f\";1\n", "\"unbalanced,\n1,2\n", "\xef\xbb\xbfa;b\r\n1;2\r\n", strings.Repeat("a,b;c\n", 100),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, sample []byte) {
		if d := SniffDelimiter(sample); !slices.Contains([]rune{',', '\t', ';', '|'}, d) {
			t.Fatalf("SniffDelimiter(%q) = %q", sample, d)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	seeds := [][]byte{
		nil,
		[]byte("uid,mail\n1,a@example.org\n"),
		[]byte("uid;name;mail\r\n1;\"Smith, John\";j@example.org\r\n2;\"a\"\"b\";x\r\n"),
		[]byte("uid\tnote\n1\t\"multi\nline\"\n2\n3\tc\td\n"),
		[]byte("\xef\xbb\xbf uid |mail\n1|a,,,\n"),
		[]byte("uid;name\r\n1;Jos\xe9 O\x92Brien\r\n"),
		[]byte("\xff\xfeu\x00i\x00d\x00\t\x00x\x00\r\x00\n\x001\x00\t\x002\x00"),
		[]byte("\xfe\xff\x00u\x00i\x00d\x00\n\x001"),
		[]byte("uid,note\n1,\"open\n2,b\n"),
		[]byte("uid,note\n1,a\x00b\n"),
		[]byte("\n\n\r\n"),
		[]byte("PK\x03\x04 not a zip"),
	}
	for _, s := range seeds {
		f.Add(s, byte(0), false)
	}
	f.Add([]byte("a;b\n1;2\n"), byte(';'), true)
	f.Add([]byte("a|b\n1|2\n"), byte('|'), false)
	file := filepath.Join(f.TempDir(), "in.csv") // a worker runs one input at a time
	f.Fuzz(func(t *testing.T, data []byte, delim byte, stdin bool) {
		opt := Options{}
		if slices.Contains([]byte{',', '\t', ';', '|'}, delim) {
			opt.Delimiter = rune(delim)
		}
		path := "-"
		if stdin {
			opt.Stdin = bytes.NewReader(data)
		} else {
			path = file
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := Open(path, opt)
		if err != nil {
			if !errors.Is(err, ErrBadFile) {
				t.Fatalf("Open error %v does not wrap ErrBadFile", err)
			}
			return
		}
		defer r.Close()
		// Every result but EOF consumes at least one byte of input.
		readAll(t, r, len(data)+1)
	})
}

// usersCSV generates n user rows like a Drupal users export.
func usersCSV(n int, delim string) []byte {
	var b bytes.Buffer
	b.WriteString(strings.ReplaceAll("uid,name,mail,status,created,first_name,last_name\n", ",", delim))
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d%s\"user%d\"%suser%d@example.org%s1%s17000%05d%sFirst%d%s\"Läst, %d\"\n",
			i, delim, i, delim, i, delim, delim, i%100000, delim, i, delim, i)
	}
	return b.Bytes()
}

// usersCSVQuoted is like usersCSV but quotes only every quoteEvery-th row
// (none when 0), as real exports do: most lines hold no quote at all.
func usersCSVQuoted(n, quoteEvery int) []byte {
	var b bytes.Buffer
	b.WriteString("uid,name,mail,status,created,first_name,last_name\n")
	for i := 1; i <= n; i++ {
		last := fmt.Sprintf("Läst%d", i)
		if quoteEvery > 0 && i%quoteEvery == 0 {
			last = fmt.Sprintf("\"Läst, \"\"%d\"\"\"", i)
		}
		fmt.Fprintf(&b, "%d,user%d,user%d@example.org,1,17000%05d,First%d,%s\n", i, i, i, i%100000, i, last)
	}
	return b.Bytes()
}

func BenchmarkReadCSV(b *testing.B) {
	utf8 := usersCSV(100_000, ",")
	cp1252 := bytes.ReplaceAll(usersCSV(100_000, ";"), []byte("ä"), []byte{0xe4})
	utf16 := utf16Bytes(b, string(usersCSV(100_000, "\t")), unicode.LittleEndian, unicode.UseBOM)
	noQuotes, someQuotes := usersCSVQuoted(100_000, 0), usersCSVQuoted(100_000, 20)
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"utf8-comma", utf8}, {"cp1252-semicolon", cp1252}, {"utf16le-tab", utf16},
		{"utf8-no-quotes", noQuotes}, {"utf8-quotes-1in20", someQuotes},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := writeFile(b, "users.csv", bc.data)
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				r, err := Open(p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				n := countRows(b, r)
				r.Close()
				if n != 100_000 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}

func BenchmarkSniffDelimiter(b *testing.B) {
	sample := usersCSV(2000, ";")[:sniffBytes]
	b.SetBytes(int64(len(sample)))
	for b.Loop() {
		if SniffDelimiter(sample) != ';' {
			b.Fatal("wrong delimiter")
		}
	}
}

func TestCutIncomplete(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"José", 5},              // ends in a whole 2-byte rune
		{"Jos\xc3", 3},           // a lead byte alone
		{"a\xe2\x80", 1},         // 2 of 3 bytes
		{"a\xe2\x80\x99", 4},     // ’ whole
		{"a\xf0\x9f\x98", 1},     // 3 of 4 bytes
		{"Jos\xe9", 3},           // Windows-1252 é looks like a 3-byte lead: left for the next read
		{"Jos\xe9\r\n", 6},       // ...but not when more follows
		{"a\x80\x80\x80\x80", 5}, // stray continuation bytes stay, to fail validation
		{"a\xff", 2},
	}
	for _, tc := range tests {
		if got := cutIncomplete([]byte(tc.in)); got != tc.want {
			t.Errorf("cutIncomplete(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// TestStdinMixedEncodings: a stream whose first MiB is UTF-8 with accents
// and which turns to Windows-1252 later stops with an error that names the
// line and suggests --encoding, instead of passing the bytes on.
func TestStdinMixedEncodings(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("uid,name\n")
	i := 1
	for ; b.Len() < 1<<20+100<<10; i++ {
		fmt.Fprintf(&b, "%d,Zoë %d\n", i, i)
	}
	fmt.Fprintf(&b, "%d,Jos\xe9\n", i)
	r, err := Open("-", Options{Stdin: bytes.NewReader(b.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for n := 1; ; n++ {
		rec, err := r.Next()
		if err == io.EOF {
			t.Fatal("read to the end: the Windows-1252 byte went by unnoticed")
		}
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || !errors.Is(err, ErrBadFile) || fe.Line != i+1 || !strings.Contains(err.Error(), "--encoding") {
				t.Fatalf("error %v: want an *Error at line %d wrapping ErrBadFile that suggests --encoding", err, i+1)
			}
			return
		}
		if !utf8.ValidString(rec[1]) {
			t.Fatalf("row %d: invalid UTF-8 %q passed on", n, rec[1])
		}
	}
}

// TestRowsHint: the hint counts records, not physical lines, so blank lines
// and the line breaks of a multi-line cell reserve nothing.
func TestRowsHint(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want int
	}{
		{"plain", "a,b\n1,2\n3,4\n", 3},
		{"no final newline", "a,b\n1,2", 2},
		{"blank lines", strings.Repeat("\n", 1000) + "a,b\n" + strings.Repeat("\r\n", 1000) + "1,2\n" + strings.Repeat("\n", 5000), 2},
		{"multi-line cell", "a,b\n1,\"" + strings.Repeat("x\n\n", 5000) + "\"\n2,3\n", 3},
		{"doubled quotes in a multi-line cell", "a,b\n1,\"x\"\"\ny\"\"\"\n2,3\n", 3},
		{"quotes inside fields", "a\tb\n1\ta:1:{s:1:\"k\";}\n2\t{\"x\":1}\n3\t4\n", 4},
		{"a stray quote counts low, never high", "a\tb\n1\tO\"Brien\n2\tx\n3\t4\n", 1},
		{"CRLF and a quoted CRLF", "a,b\r\n\r\n1,\"x\r\ny\"\r\n2,3\r\n", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(writeFile(t, "in.csv", []byte(tc.data)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := RowsHint(r); got != tc.want {
				t.Errorf("RowsHint = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestCSVSyntaxErrors: the one-line messages of records that cannot be read
// name the record's first line, and the column where it is on that line.
func TestCSVSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"text after closing quote", "a,b\n1,\"x\"y\n", `in.csv:2:5: bad row: text after the closing quote of a field`},
		{"on a later line", "a,b\n1,\"x\ny\"z\n", `in.csv:2: bad row: text after the closing quote of a field, at line 3 column 2`},
		{"never closed", "a,b\n1,\"x\n2,3\n", `in.csv:2: bad row: the quote opened here is never closed (the reader gave up at line 3, the end of the file); the lines in between are not read`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "in.csv", []byte(tc.data))
			r, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.Next()
			if !errors.Is(err, ErrBadRow) || strings.TrimPrefix(err.Error(), filepath.Dir(path)+"/") != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
}

// BenchmarkCountRecords is the record count that sizes the callers' slices,
// taken while a file is checked for UTF-8, beside the line count it
// replaced.
func BenchmarkCountRecords(b *testing.B) {
	for _, quoteEvery := range []int{0, 20, 1} {
		data := usersCSVQuoted(100_000, quoteEvery)
		if quoteEvery == 1 {
			data = usersCSV(100_000, ",")
		}
		b.Run(fmt.Sprintf("quotes-1in%d/records", quoteEvery), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var c recordCounter
				c.add(data)
				if c.total() != 100_001 {
					b.Fatal(c.total())
				}
			}
		})
		b.Run(fmt.Sprintf("quotes-1in%d/lines", quoteEvery), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if bytes.Count(data, []byte{'\n'}) != 100_001 {
					b.Fatal()
				}
			}
		})
	}
}

func TestHasBlankLine(t *testing.T) {
	for n := 0; n < 40; n++ {
		for _, pat := range []string{"\n\n", "\n\r\n", "\n", "\r\n", "\n\r", "\nx\n"} {
			for at := 0; at+len(pat) <= n+len(pat); at++ {
				b := []byte(strings.Repeat("a", at) + pat + strings.Repeat("b", n-at))
				want := bytes.Contains(b, []byte("\n\n")) || bytes.Contains(b, []byte("\n\r\n"))
				if got := hasBlankLine(b); got != want {
					t.Fatalf("hasBlankLine(%q) = %v", b, got)
				}
			}
		}
	}
}

// TestLateUTF8 reads streams through a small buffer, so that runes straddle
// its edge: ASCII then Windows-1252 decodes as Windows-1252 throughout,
// ASCII then UTF-8 stays UTF-8, UTF-8 then a stray byte is an error at
// that byte.
func TestLateUTF8(t *testing.T) {
	ascii := strings.Repeat("abcdefg\n", 5)
	for _, tc := range []struct {
		name, in, want string
		errAt          int64 // 1-based byte of the error, 0 for none
	}{
		{"ASCII", ascii, ascii, 0},
		{"ASCII then Windows-1252", ascii + "Jos\xe9 O\x92B\n", ascii + "José O’B\n", 0},
		{"Windows-1252 at the end", ascii + "\xe9", ascii + "é", 0},
		{"ASCII then UTF-8", ascii + "José Zoë 😀\n", ascii + "José Zoë 😀\n", 0},
		{"UTF-8 then Windows-1252", ascii + "Zoë\nJos\xe9\n", "", int64(len(ascii) + len("Zoë\nJos") + 1)},
		{"UTF-8 cut at the end", ascii + "Zoë\xc3", "", int64(len(ascii) + len("Zoë") + 1)},
	} {
		for pad := 0; pad < 8; pad++ { // moves every rune across the buffer's edge
			in := strings.Repeat("x", pad) + tc.in
			l := &lateUTF8{r: bufio.NewReaderSize(strings.NewReader(in), 16), ascii: true}
			got, err := io.ReadAll(l)
			var le *lateUTF8Error
			switch {
			case tc.errAt == 0 && err != nil:
				t.Errorf("%s, pad %d: %v", tc.name, pad, err)
			case tc.errAt == 0 && string(got) != strings.Repeat("x", pad)+tc.want:
				t.Errorf("%s, pad %d: %q", tc.name, pad, got)
			case tc.errAt > 0 && (!errors.As(err, &le) || le.off+1 != tc.errAt+int64(pad) || !utf8.Valid(got)):
				t.Errorf("%s, pad %d: %q, %v: want an error at byte %d", tc.name, pad, got, err, tc.errAt+int64(pad))
			}
		}
	}
}
