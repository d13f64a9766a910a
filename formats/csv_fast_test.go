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

// step is one result of reading a CSV: a record and Line(), or an error
// (with what encoding/csv read of the record, at the level of read).
type step struct {
	Fields []string
	Line   int
	Err    string
}

func (s step) String() string {
	if s.Err != "" {
		return fmt.Sprintf("line %d %q error %q", s.Line, s.Fields, s.Err)
	}
	return fmt.Sprintf("line %d %q", s.Line, s.Fields)
}

// fastPair starts a reader on data with the fast path (on a buffer of size
// bytes, 0 for the default) and a reference that leaves every record to
// encoding/csv, and checks they agree on the header. A nil reader means
// both refused the header.
func fastPair(t testing.TB, data []byte, delim rune, size int) (fast, ref *csvReader) {
	t.Helper()
	tb := newBufReader(bytes.NewReader(data))
	if size > 0 {
		tb = bufio.NewReaderSize(bytes.NewReader(data), size)
	}
	fast, ferr := startCSV("in.csv", tb, delim)
	ref, rerr := startCSV("in.csv", newBufReader(bytes.NewReader(data)), delim)
	if fmt.Sprint(ferr) != fmt.Sprint(rerr) {
		t.Fatalf("header error: fast path %v, encoding/csv %v", ferr, rerr)
	}
	if ferr != nil {
		return nil, nil
	}
	ref.fast = false
	if !slices.Equal(fast.header, ref.header) {
		t.Fatalf("header: fast path %q, encoding/csv %q", fast.header, ref.header)
	}
	return fast, ref
}

// traceNext reads r to its end with Next, as callers do: bad rows are
// steps, any other error is the last step.
func traceNext(r *csvReader, limit int) []step {
	var out []step
	for len(out) <= limit {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out = append(out, step{Line: r.Line(), Err: err.Error()})
			if !errors.Is(err, ErrBadRow) {
				return out
			}
			continue
		}
		fields := make([]string, len(rec))
		for i, f := range rec {
			fields[i] = strings.Clone(f) // a borrowing reader writes over them
		}
		out = append(out, step{Fields: fields, Line: r.Line()})
	}
	return append(out, step{Err: "too many results"})
}

// traceRead is traceNext one level down, where a parse error still holds
// every position encoding/csv gave (Next drops the column of an unclosed
// quote).
func traceRead(r *csvReader, limit int) []step {
	var out []step
	for len(out) <= limit {
		rec, err := r.read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out = append(out, step{Fields: slices.Clone(rec), Err: err.Error()})
			continue // a parse error spoils one record
		}
		out = append(out, step{Fields: slices.Clone(rec), Line: r.Line()})
	}
	return append(out, step{Err: "too many results"})
}

// diffSteps names the first difference between two traces.
func diffSteps(fast, ref []step) string {
	for i := 0; i < max(len(fast), len(ref)); i++ {
		switch {
		case i >= len(fast):
			return fmt.Sprintf("result %d: fast path ended, encoding/csv gives %v", i, ref[i])
		case i >= len(ref):
			return fmt.Sprintf("result %d: fast path gives %v, encoding/csv ended", i, fast[i])
		case fast[i].String() != ref[i].String():
			return fmt.Sprintf("result %d:\n fast path    %v\n encoding/csv %v", i, fast[i], ref[i])
		}
	}
	return ""
}

// checkSame reads data through the fast path and through encoding/csv
// alone, with Next and with read, and fails on the first difference.
func checkSame(t testing.TB, data []byte, delim rune, size int) {
	t.Helper()
	limit := len(data) + 1 // every result but EOF reads at least a byte
	fast, ref := fastPair(t, data, delim, size)
	if fast == nil {
		return
	}
	if d := diffSteps(traceNext(fast, limit), traceNext(ref, limit)); d != "" {
		t.Fatalf("Next, delimiter %q, buffer %d, input %q:\n%s", delim, size, clip(data), d)
	}
	fast, ref = fastPair(t, data, delim, size)
	if d := diffSteps(traceRead(fast, limit), traceRead(ref, limit)); d != "" {
		t.Fatalf("read, delimiter %q, buffer %d, input %q:\n%s", delim, size, clip(data), d)
	}
	fast, ref = fastPair(t, data, delim, size)
	fast.lend = true // as Options.ReuseBuffer sets it
	if d := diffSteps(traceNext(fast, limit), traceNext(ref, limit)); d != "" {
		t.Fatalf("Next, borrowing, delimiter %q, buffer %d, input %q:\n%s", delim, size, clip(data), d)
	}
}

// clip shortens long inputs in messages.
func clip(b []byte) string {
	if len(b) > 300 {
		return fmt.Sprintf("%s…(%d bytes)…%s", b[:120], len(b), b[len(b)-120:])
	}
	return string(b)
}

func TestCSVReadsThrough(t *testing.T) {
	if !csvReadsThrough() {
		t.Fatal("encoding/csv no longer reads straight from the *bufio.Reader it is given: the CSV fast path is off")
	}
}

// TestCSVFastPath compares the fast path with encoding/csv on the corners
// of line ends, quoting, blank lines and buffer sizes.
func TestCSVFastPath(t *testing.T) {
	long := strings.Repeat("x", 5000)    // longer than a 4096-byte buffer
	huge := strings.Repeat("y", 300<<10) // longer than the default buffer
	tests := []struct {
		name  string
		data  string
		delim rune
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
		{"quoted fields", "a,b\n\"x\",y\n1,\"2, \"\"two\"\"\"\n3,4\n", ','},
		{"quoted multi-line", "a,b\n1,2\n\"x\ny\nz\",w\n3,4\n", ','},
		{"quoted multi-line CRLF", "a,b\r\n1,2\r\n\"x\r\ny\r\n\",w\r\n3,4\r\n", ','},
		{"quoted with blank lines inside", "a,b\n\"x\n\n\r\n\",w\n\n3,4\n", ','},
		{"quoted lone CR", "a,b\n\"x\ry\r\",z\r\n3,4\n", ','},
		{"quoted at EOF without newline", "a,b\n1,2\n\"x\",\"y\"", ','},
		{"quoted then CR at EOF", "a,b\n\"x\",\"y\"\r", ','},
		{"bare quote", "a,b\n1,x\"y\n2,3\n", ','},
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
		{"bad header", "a,b\"\n1,2\n", ','},
		{"semicolon", "a;b\n1;2,3\n\"x;y\";z\n", ';'},
		{"tab", "a\tb\n1\t2\n\"x\ty\"\tz\n", '\t'},
		{"pipe", "a|b\n1|2\n\"x|y\"|z\n", '|'},
		{"space", "a b\n1 2\n\"x y\" z\n", ' '},
		{"non-ASCII delimiter", "a§b\n1§2\n\"x§y\"§z\n", '§'},
		{"quote delimiter", "a\"b\n1\"2\n", '"'},
		{"CR delimiter", "a\rb\n1\r2\n", '\r'},
		{"long plain line", "a,b\n1," + long + "\n2,3\n", ','},
		{"long line, no newline", "a,b\n1," + long, ','},
		{"long line, quote at its end", "a,b\n1," + long + "\"\n2,3\n", ','},
		{"long quoted line", "a,b\n\"" + long + "\",1\n2,3\n", ','},
		{"long quoted multi-line", "a,b\n\"" + long + "\n" + long + "\r\n\",1\n2,3\n", ','},
		{"long line CRLF", "a,b\r\n1," + long + "\r\n2,3\r\n", ','},
		{"huge plain line", "a,b\n1," + huge + "\n2,3\n", ','},
		{"huge quoted line", "a,b\n1,\"" + huge + "\"\n2,3\n", ','},
		{"long header", long + ",b\n1,2\n", ','},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int{4096, 0} {
				checkSame(t, []byte(tc.data), tc.delim, size)
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
	}
	for i, l := range lines {
		for _, first := range []int{size/2 - 3, size - 10} {
			for n := size - 8; n <= size+8; n++ {
				data := "h,b\n" + strings.Repeat("x", first) + ",b\n" + l(n) + "1,2\n" + l(n)
				checkSame(t, []byte(data), ',', size)
				if t.Failed() {
					t.Fatalf("line kind %d, first line %d, length %d", i, first, n)
				}
			}
		}
	}
}

// TestCSVFastPathTaken checks that encoding/csv reads only the lines with a
// quote.
func TestCSVFastPathTaken(t *testing.T) {
	data := "a,b\n1,2\n\"x\",y\n3,4\n"
	r, err := startCSV("in.csv", newBufReader(strings.NewReader(data)), ',')
	if err != nil {
		t.Fatal(err)
	}
	if !r.fast {
		t.Fatal("fast path off")
	}
	want := []int64{4, 4 + 6, 4 + 6} // bytes csv has read after each record: the header, then "x",y too
	for i, w := range want {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if got := r.r.InputOffset(); got != w {
			t.Errorf("after record %d, encoding/csv read %d bytes, want %d", i+1, got, w)
		}
	}
	for _, d := range []rune{'§', '"'} {
		if r, err := startCSV("in.csv", newBufReader(strings.NewReader("a,b\n")), d); err == nil && r.fast {
			t.Errorf("fast path on for delimiter %q", d)
		}
	}
}

// TestCSVFastPathOpen compares the two through Open, files and stdin, so
// decoding and sniffing come in too.
func TestCSVFastPathOpen(t *testing.T) {
	farData, _ := cp1252Far(300 << 10)
	bigData, _ := bigCell()
	for _, data := range [][]byte{
		farData, bigData,
		[]byte("\xef\xbb\xbf\"uid\",\"name\"\r\n\"1\",\"José\"\r\n2,x\r\n\r\n"),
		utf16Bytes(t, "uid\tnote\r\n1\t\"a\r\nb\"\r\n2\tc\r\n", unicode.LittleEndian, unicode.UseBOM),
		usersCSVQuoted(3000, 7),
	} {
		for _, stdin := range []bool{false, true} {
			open := func() *csvReader {
				opt, path := Options{}, "-"
				if stdin {
					opt.Stdin = bytes.NewReader(data)
				} else {
					path = writeFile(t, "in.csv", data)
				}
				r, err := Open(path, opt)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close() })
				return r.(*csvReader)
			}
			fast, ref := open(), open()
			ref.fast = false
			if !fast.fast {
				t.Errorf("fast path off for %q", clip(data))
			}
			limit := len(data) + 1
			if d := diffSteps(traceNext(fast, limit), traceNext(ref, limit)); d != "" {
				t.Errorf("stdin %v, input %q:\n%s", stdin, clip(data), d)
			}
		}
	}
}

// FuzzCSVFastPath reads arbitrary input through the fast path and through
// encoding/csv alone: records, lines and errors must be the same. repeat
// makes long inputs, whose lines cross the 4096-byte buffer's edge.
func FuzzCSVFastPath(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\r\n1,2\r\n3,4", "a;b\n\"x;\ny\";z\n\n1;2\r", "a\tb\n1\t\"2\"\"\"\n",
		"a|b\n1|x\"y\n\"open\n2|3\n", "\n\r\n\"a\nb\",c\n1,2,3\n,\n", "a,b\n\"x\"y,1\n\r", "\ufeffa,b\n1,\x00\xff\r\r\n",
	} {
		f.Add([]byte(s), byte(0), byte(0))
	}
	f.Add([]byte("a,b\n1,2\r\n\"x\",y\n"), byte(1), byte(200))
	f.Add([]byte("a,b\n\"1\n2\",\"3\"\"\"\n4,5\n"), byte(2), byte(255))
	delims := []rune{',', ';', '\t', '|'}
	f.Fuzz(func(t *testing.T, data []byte, delim, repeat byte) {
		if repeat > 0 && len(data) > 0 {
			n := min(1+int(repeat), (64<<10)/len(data)+1)
			data = bytes.Repeat(data, n)
		}
		checkSame(t, data, delims[int(delim)%len(delims)], 4096)
	})
}

// BenchmarkCSVRecords reads records from memory, without opening and
// decoding a file, through the fast path and through encoding/csv alone.
func BenchmarkCSVRecords(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"no-quotes", usersCSVQuoted(100_000, 0)}, {"quotes-1in20", usersCSVQuoted(100_000, 20)},
		{"quotes-every-line", usersCSV(100_000, ",")},
	} {
		for _, fast := range []bool{true, false} {
			name := bc.name + "/fast"
			if !fast {
				name = bc.name + "/csv-only"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(bc.data)))
				for b.Loop() {
					r, err := startCSV("in.csv", newBufReader(bytes.NewReader(bc.data)), ',')
					if err != nil {
						b.Fatal(err)
					}
					r.fast = r.fast && fast
					n := 0
					for {
						_, err := r.Next()
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						n++
					}
					if n != 100_000 {
						b.Fatalf("%d rows", n)
					}
				}
			})
		}
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
