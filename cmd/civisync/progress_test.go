package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer the bar's ticker may write to while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lastLine is what a terminal shows of the bar's current line.
func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	l := lines[len(lines)-1]
	if i := strings.LastIndex(l, "\r"); i >= 0 {
		l = l[i+1:]
	}
	return strings.TrimSpace(l)
}

func testBar() (*bar, *syncBuffer) {
	w := &syncBuffer{}
	return &bar{w: w, tick: 20 * time.Millisecond}, w
}

func TestBarMeasure(t *testing.T) {
	dir := t.TempDir()
	a, b, x := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.xlsx")
	os.WriteFile(a, make([]byte, 300), 0o644)
	os.WriteFile(b, make([]byte, 700), 0o644)
	os.WriteFile(x, make([]byte, 50), 0o644)
	for _, tc := range []struct {
		paths []string
		want  int64
	}{
		{[]string{a, b}, 1000},
		{[]string{a, "-"}, 0},                      // standard input: rows
		{[]string{a, x}, 0},                        // XLSX: its size says nothing of its rows
		{[]string{a, filepath.Join(dir, "no")}, 0}, // missing: the run will say so
	} {
		bar, _ := testBar()
		bar.measure(tc.paths)
		if bar.totalBytes != tc.want {
			t.Errorf("measure(%v) = %d, want %d", tc.paths, bar.totalBytes, tc.want)
		}
	}
}

// Reading shows the file being read and the share of all the inputs'
// bytes read; each stage ends on a line of its own.
func TestBarReadingBytes(t *testing.T) {
	b, w := testBar()
	b.totalBytes = 1000
	b.Stage("reading", 0)
	b.read("/data/users.csv", 250)
	b.read("/data/users.csv", 250)
	waitFor(t, w, "50%")
	if l := lastLine(w.String()); !strings.HasPrefix(l, "reading   users.csv  50%") {
		t.Errorf("line %q", l)
	}
	b.read("/data/og_membership.csv", 600) // more than the sizes: held at 100%
	b.Stage("grouping", 0)
	out := w.String()
	if !strings.Contains(out, "og_membership.csv 100%") || !strings.Contains(out, "\n") {
		t.Errorf("reading did not end complete on its own line:\n%q", out)
	}
	b.done()
	if !strings.HasSuffix(w.String(), "\n") || !strings.Contains(w.String(), "grouping") {
		t.Errorf("grouping's line: %q", w.String())
	}
}

var rate = regexp.MustCompile(`(\d+) rows/s`)

// The first rate is measured over a tick at least, from the start of the
// stage: never the first batch over the microseconds since the bar drew
// itself (which read 381,697,885 rows/s).
func TestBarFirstRate(t *testing.T) {
	b, w := testBar()
	b.Stage("writing", 0)
	b.Add(8192)
	waitFor(t, w, "rows/s")
	m := rate.FindStringSubmatch(w.String())
	n, _ := strconv.Atoi(m[1])
	if max := int(8192 / b.tick.Seconds()); n > max {
		t.Errorf("first rate %d rows/s; 8192 rows in a tick or more is at most %d", n, max)
	}
	b.done()
}

// Writing has a bar when the rows to write are known.
func TestBarExpectedRows(t *testing.T) {
	b, w := testBar()
	b.expectRows("writing", 400)
	b.Stage("writing", 0)
	b.Add(100)
	waitFor(t, w, "25%")
	b.done()
}

func TestBarSilentOffTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if newBar(flagSet{}, f) != nil || newBar(flagSet{}, &bytes.Buffer{}) != nil {
		t.Error("a bar on a file")
	}
	var nilBar *bar
	nilBar.done() // a run without a bar ends like one with
}

type flagSet map[string]bool

func (f flagSet) Bool(name string) bool { return f[name] }

func waitFor(t *testing.T, w *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(w.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %q", s, w.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// On a terminal (a pseudo-terminal made by script(1)) a run draws a line
// per stage; with --quiet it draws nothing.
func TestBarOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to make a terminal")
	}
	for _, quiet := range []bool{false, true} {
		args := append(mainRun(), "--out", t.TempDir())
		if quiet {
			args = append(args, "--quiet")
		}
		cmd := exec.Command(script, "-qec", binary+" "+strings.Join(args, " "), "/dev/null")
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		text := string(out)
		drawn := strings.Contains(text, "reading ") && strings.Contains(text, "100%") && strings.Contains(text, "writing ")
		if quiet && text != "" {
			t.Errorf("--quiet on a terminal printed %q", text)
		}
		if !quiet && !drawn {
			t.Errorf("no progress lines on a terminal:\n%q", text)
		}
	}
}
