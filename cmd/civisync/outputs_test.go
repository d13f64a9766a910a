package main

// End-to-end tests of the output set as one unit: the swap, the lock,
// identity checks against inputs, interrupts and what a killed run leaves.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fewerGroups writes the main run's memberships and group nodes cut down to
// the first group, and returns the main run's arguments over them.
func fewerGroups(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	keep := func(src, dst string, match func(line string) bool) string {
		lines := strings.SplitAfter(string(readSample(t, src)), "\n")
		var b strings.Builder
		for i, l := range lines {
			if i == 0 || match(l) {
				b.WriteString(l)
			}
		}
		p := filepath.Join(dir, dst)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	members := keep(d7Members, "og_membership.csv", func(l string) bool { return strings.Contains(l, `"user","5","node"`) })
	nodes := keep(d7Nodes, "node.csv", func(l string) bool { return strings.HasPrefix(l, `"5",`) })
	args := mainRun()
	args[slices.Index(args, d7Members)] = members
	args[slices.Index(args, d7Nodes)] = nodes
	return args
}

// put writes path, making its folders.
func put(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// outRun is a run into out: its arguments with --out.
func outRun(args []string, out string, more ...string) []string {
	return append(append(slices.Clone(args), "--out", out), more...)
}

// fresh is what a run leaves in a folder of its own.
func fresh(t *testing.T, args ...string) map[string][]byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, nil, append(args, "--out", out)...)
	return readTree(t, out)
}

// paused is a run stopped by CIVISYNC_TEST_HOOK at a point.
type paused struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer  // all of standard error, once read is closed
	read   chan struct{} // closed when standard error is read to its end
}

// startPaused starts a run that stops at point and waits until it is there.
func startPaused(t *testing.T, point string, args ...string) *paused {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CIVISYNC_TEST_HOOK=pause:"+point)
	// A pipe of our own: exec's would be closed by Wait before the last
	// line is read.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p := &paused{cmd: cmd, read: make(chan struct{})}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	br := bufio.NewReader(r)
	line, _ := br.ReadString('\n')
	p.stderr.WriteString(line)
	go func() {
		io.Copy(&p.stderr, br)
		r.Close()
		close(p.read)
	}()
	if want := "civisync: test hook: paused at " + point + "\n"; line != want {
		<-p.read
		t.Fatalf("run did not pause at %s: %s", point, p.stderr.String())
	}
	return p
}

// stop sends sig and returns the exit status, failing if the run has not
// ended 5 seconds later (it would otherwise be paused for ever).
func (p *paused) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.cmd.Wait(); <-p.read; close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after %v", sig)
	}
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return p.cmd.ProcessState.ExitCode()
}

// besideOut lists what is beside out in its parent folder, other than out.
func besideOut(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != filepath.Base(out) {
			names = append(names, e.Name())
		}
	}
	return names
}

// A run killed at any moment leaves the earlier set or the new one, whole;
// the next run removes what it left beside the folder.
func TestKillLeavesOneSet(t *testing.T) {
	earlierArgs := append(mainRun(), "--split")
	newArgs := append(fewerGroups(t), "--split")
	earlier, later := fresh(t, earlierArgs...), fresh(t, newArgs...)
	for _, tc := range []struct {
		point string
		want  map[string][]byte
	}{
		{"open", earlier},
		{"write", earlier},
		{"swap", earlier},
		{"cleanup", later},
	} {
		t.Run(tc.point, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			mustRun(t, nil, outRun(earlierArgs, out)...)
			p := startPaused(t, tc.point, outRun(newArgs, out)...)
			p.stop(t, syscall.SIGKILL)
			compareTrees(t, tc.want, readTree(t, out))
			mustRun(t, nil, outRun(newArgs, out)...)
			compareTrees(t, later, readTree(t, out))
			if left := besideOut(t, out); len(left) > 0 {
				t.Errorf("left beside the output folder after the next run: %q", left)
			}
		})
	}
	// Kills at random moments of whole runs: each leaves one set or the other.
	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, nil, outRun(earlierArgs, out)...)
	start := time.Now()
	mustRun(t, nil, outRun(earlierArgs, out)...)
	took := time.Since(start)
	args := [2][]string{outRun(newArgs, out), outRun(earlierArgs, out)}
	sets := [2]map[string][]byte{later, earlier}
	current := earlier
	for i := range 12 {
		cmd := exec.Command(binary, args[i%2]...)
		cmd.Dir = repoRoot
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(took) * 5 / 4)))
		cmd.Process.Kill()
		cmd.Wait()
		got := readTree(t, out)
		if !treesEqual(got, current) && !treesEqual(got, sets[i%2]) {
			t.Fatalf("kill %d: the output folder is neither the earlier set nor the new one", i)
		}
		current = got
	}
}

func treesEqual(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for n, x := range a {
		if y, ok := b[n]; !ok || !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

// A swap that fails leaves the earlier set, and nothing beside it.
func TestFailedSwapLeavesEarlierSet(t *testing.T) {
	earlierArgs := append(mainRun(), "--split")
	newArgs := append(fewerGroups(t), "--split", "--format", "xlsx")
	t.Run("at the swap", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		mustRun(t, nil, outRun(earlierArgs, out)...)
		earlier := readTree(t, out)
		cmd := exec.Command(binary, outRun(newArgs, out)...)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CIVISYNC_TEST_HOOK=fail:swap")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != exitOutput {
			t.Fatalf("exit %d (%v), want %d; stderr: %s", code, err, exitOutput, stderr.String())
		}
		checkErrorLine(t, stderr.String(), `.*out: cannot write output: test hook: failing at swap`)
		compareTrees(t, earlier, readTree(t, out))
		if left := besideOut(t, out); len(left) > 0 {
			t.Errorf("left beside the output folder: %q", left)
		}
	})
	// Carrying over a folder that is not civisync's stops at a FIFO inside
	// it, after other files of it were linked into the new set.
	t.Run("part-way through carrying over", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		mustRun(t, nil, outRun(earlierArgs, out)...)
		put(t, filepath.Join(out, "mine", "a-notes.txt"), "kept\n")
		earlier := readTree(t, out) // before the FIFO: reading it would wait
		fifo := filepath.Join(out, "mine", "z-pipe")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		r := civisync(t, nil, outRun(newArgs, out)...)
		if r.code != exitOutput {
			t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitOutput, r.stderr)
		}
		checkErrorLine(t, r.stderr, `.*out/mine/z-pipe: cannot write output: not a file or a folder, which civisync did not write.*`)
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO is gone: %v", err)
		}
		os.Remove(fifo)
		compareTrees(t, earlier, readTree(t, out))
		if left := besideOut(t, out); len(left) > 0 {
			t.Errorf("left beside the output folder: %q", left)
		}
	})
}

// A run with fewer groups, or in the other format, leaves exactly what a
// run into an empty folder leaves: no file of the earlier run stays.
// Entries civisync did not write stay, as they were (the same files).
func TestNoStaleOutputs(t *testing.T) {
	fewer := fewerGroups(t)
	for _, tc := range []struct {
		name          string
		earlier, next []string
	}{
		{"fewer groups", append(mainRun(), "--split"), append(fewer, "--split")},
		{"csv after xlsx", append(mainRun(), "--split", "--format", "xlsx"), mainRun()},
		{"xlsx after csv", append(mainRun(), "--split"), append(fewer, "--format", "xlsx")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := fresh(t, tc.next...)
			out := filepath.Join(t.TempDir(), "out")
			mustRun(t, nil, outRun(tc.earlier, out)...)
			put(t, filepath.Join(out, "notes.txt"), "mine\n")
			put(t, filepath.Join(out, "drafts", "plan.csv"), "a,b\n")
			// An older civisync's leftover inside the folder goes too.
			put(t, filepath.Join(out, ".civisync-tmp-123", "user_contacts.csv"), "half")
			notes, _ := os.Stat(filepath.Join(out, "notes.txt"))
			mustRun(t, nil, outRun(tc.next, out)...)
			want["notes.txt"], want["drafts/plan.csv"] = []byte("mine\n"), []byte("a,b\n")
			compareTrees(t, want, readTree(t, out))
			if now, err := os.Stat(filepath.Join(out, "notes.txt")); err != nil || !os.SameFile(notes, now) {
				t.Errorf("notes.txt is not the same file any more")
			}
		})
	}
}

// A second run into a folder another run is writing fails at once with one
// line; once the first has ended, the next run goes ahead.
func TestConcurrentRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, nil, outRun(mainRun(), out)...)
	earlier := readTree(t, out)
	first := startPaused(t, "write", outRun(fewerGroups(t), out, "--split")...)
	// The first run waits for ever: a second run that waited for it would
	// never end.
	r := civisync(t, nil, outRun(mainRun(), out, "--format", "xlsx")...)
	if r.code != exitOutput {
		t.Fatalf("second run: exit %d, want %d; stderr: %s", r.code, exitOutput, r.stderr)
	}
	checkErrorLine(t, r.stderr, fmt.Sprintf(`.*out: cannot write output: another civisync run \(process %d\) is writing into this folder: wait for it to finish, or give another --out`, first.cmd.Process.Pid))
	// Through a symlink to the folder it is the same folder, the same lock.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	if r := civisync(t, nil, outRun(mainRun(), link)...); r.code != exitOutput || !strings.Contains(r.stderr, "another civisync run") {
		t.Errorf("second run through a symlink: exit %d, stderr %s", r.code, r.stderr)
	}
	if code := first.stop(t, syscall.SIGTERM); code != exitSIGTERM {
		t.Errorf("first run: exit %d, want %d", code, exitSIGTERM)
	}
	compareTrees(t, earlier, readTree(t, out))
	mustRun(t, nil, outRun(mainRun(), out, "--format", "xlsx")...)
	// A lock held by a run that was killed is no lock.
	killed := startPaused(t, "write", outRun(mainRun(), out)...)
	killed.stop(t, syscall.SIGKILL)
	mustRun(t, nil, outRun(mainRun(), out)...)
	compareTrees(t, earlier, readTree(t, out))
	if left := besideOut(t, out); len(left) > 0 {
		t.Errorf("left beside the output folder: %q", left)
	}
}

// SIGINT and SIGTERM stop a run at once, wherever it is: its new set is
// removed, the earlier outputs are as they were, one line is printed and
// the exit status is the shell's 130 or 143.
func TestInterrupt(t *testing.T) {
	for _, sig := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGINT, "SIGINT", exitSIGINT}, {syscall.SIGTERM, "SIGTERM", exitSIGTERM}} {
		for _, point := range []string{"open", "write"} {
			t.Run(sig.name+"/"+point, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				mustRun(t, nil, outRun(mainRun(), out, "--split")...)
				earlier := readTree(t, out)
				p := startPaused(t, point, outRun(fewerGroups(t), out, "--format", "xlsx")...)
				if code := p.stop(t, sig.sig); code != sig.code {
					t.Errorf("exit %d, want %d", code, sig.code)
				}
				lines := strings.Split(strings.TrimSuffix(p.stderr.String(), "\n"), "\n")
				want := "civisync: interrupted by " + sig.name + ": this run's outputs were thrown away, earlier outputs are as they were"
				if len(lines) != 2 || lines[1] != want {
					t.Errorf("stderr %q, want the hook's line and %q", lines, want)
				}
				compareTrees(t, earlier, readTree(t, out))
				if left := besideOut(t, out); len(left) > 0 {
					t.Errorf("left beside the output folder: %q", left)
				}
			})
		}
	}
	// extract writes one file beside its final name: an interrupt removes it.
	t.Run("extract", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "users.canonical.csv")
		put(t, out, "earlier\n")
		cmd := exec.Command(binary, "extract", "users", "-", "--out", out)
		cmd.Dir = repoRoot
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		stdin.Write(readSample(t, d7Users)) // and standard input stays open: the run waits for more
		deadline := time.Now().Add(5 * time.Second)
		for len(tmpFiles(t, dir)) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if len(tmpFiles(t, dir)) == 0 {
			t.Fatal("extract made no temporary file")
		}
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != exitSIGINT {
			t.Errorf("exit %d, want %d; stderr: %s", code, exitSIGINT, stderr.String())
		}
		if left := tmpFiles(t, dir); len(left) > 0 {
			t.Errorf("left: %q", left)
		}
		if got, _ := os.ReadFile(out); string(got) != "earlier\n" {
			t.Errorf("earlier output changed: %q", got)
		}
	})
}

func tmpFiles(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

// Outputs are told from inputs by identity: no symlink, hard link or bind
// mount routes an output over an input, and a symlinked output folder is
// written through.
func TestOutputIdentity(t *testing.T) {
	transformed := filepath.Join(t.TempDir(), "t")
	mustRun(t, nil, append(mainRun(), "--out", transformed)...)
	want := readTree(t, transformed)
	t.Run("load into a symlink to its input folder", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Symlink(transformed, link); err != nil {
			t.Fatal(err)
		}
		r := civisync(t, nil, "load", transformed, "--out", link, "--escape-formulas")
		if r.code != exitUsage {
			t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitUsage, r.stderr)
		}
		checkErrorLine(t, r.stderr, `load: --out must differ from the input directory .*/t`)
		compareTrees(t, want, readTree(t, transformed))
	})
	t.Run("load into a bind mount of its input folder", func(t *testing.T) {
		mnt := filepath.Join(t.TempDir(), "mnt")
		os.Mkdir(mnt, 0o755)
		if err := exec.Command("mount", "--bind", transformed, mnt).Run(); err != nil {
			t.Skip("cannot bind mount here:", err)
		}
		defer exec.Command("umount", mnt).Run()
		r := civisync(t, nil, "load", transformed, "--out", mnt, "--escape-formulas")
		if r.code != exitUsage {
			t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitUsage, r.stderr)
		}
		if r := civisync(t, nil, "load", mnt, "--out", transformed); r.code != exitUsage {
			t.Errorf("load MOUNT --out DIR: exit %d, want %d; stderr: %s", r.code, exitUsage, r.stderr)
		}
		// A mount point cannot be swapped: refused before any work.
		r = civisync(t, nil, outRun(mainRun(), mnt)...)
		if r.code != exitOutput {
			t.Fatalf("sync --out MOUNT: exit %d, want %d; stderr: %s", r.code, exitOutput, r.stderr)
		}
		checkErrorLine(t, r.stderr, `.*/mnt: cannot write output: the output folder is a mount point, which cannot be swapped for a new one: give a folder inside it`)
		compareTrees(t, want, readTree(t, transformed))
	})
	t.Run("an output that is a hard link of an input", func(t *testing.T) {
		in := t.TempDir()
		contacts := filepath.Join(in, "contacts.csv")
		os.WriteFile(contacts, readSample(t, contactsCSV), 0o644)
		out := filepath.Join(t.TempDir(), "out")
		os.Mkdir(out, 0o755)
		if err := os.Link(contacts, filepath.Join(out, "new_contacts.csv")); err != nil {
			t.Fatal(err)
		}
		args := mainRun()
		args[slices.Index(args, contactsCSV)] = contacts
		r := civisync(t, nil, outRun(args, out)...)
		if r.code != exitOutput {
			t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitOutput, r.stderr)
		}
		checkErrorLine(t, r.stderr, `.*out/new_contacts.csv: cannot write output: output would overwrite the input .*contacts.csv`)
		if got, _ := os.ReadFile(contacts); !bytes.Equal(got, readSample(t, contactsCSV)) {
			t.Error("the input changed")
		}
	})
	t.Run("an output that is a symlink to an input", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		os.Mkdir(out, 0o755)
		users, _ := filepath.Abs(filepath.Join(repoRoot, d7Users))
		if err := os.Symlink(users, filepath.Join(out, "user_contacts.csv")); err != nil {
			t.Fatal(err)
		}
		r := civisync(t, nil, outRun(mainRun(), out)...)
		if r.code != exitOutput {
			t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitOutput, r.stderr)
		}
		checkErrorLine(t, r.stderr, `.*out/user_contacts.csv: cannot write output: output would overwrite the input samples/drupal7/users.csv`)
	})
	t.Run("an output folder given as a symlink", func(t *testing.T) {
		real := filepath.Join(t.TempDir(), "real")
		link := filepath.Join(t.TempDir(), "link")
		os.Mkdir(real, 0o755)
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		mustRun(t, nil, outRun(mainRun(), link)...)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the symlink %s was replaced", link)
		}
		compareTrees(t, fresh(t, mainRun()...), readTree(t, real))
	})
	t.Run("the working directory", func(t *testing.T) {
		r := civisync(t, nil, outRun(mainRun(), ".")...)
		if r.code != exitOutput {
			t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitOutput, r.stderr)
		}
		checkErrorLine(t, r.stderr, `\.: cannot write output: the output folder holds the working directory: .*`)
	})
}

// Every file and folder of the set is made as any file is (0666 and 0777
// less the umask, here 022): never executable.
func TestOutputModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, format := range []string{"csv", "xlsx"} {
		out := filepath.Join(t.TempDir(), "out")
		mustRun(t, nil, outRun(mainRun(), out, "--split", "--format", format)...)
		filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			want := os.FileMode(0o644)
			if fi.IsDir() {
				want = 0o755 | os.ModeDir
			}
			if fi.Mode() != want {
				t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
			}
			return nil
		})
	}
	dir := t.TempDir()
	mustRun(t, nil, "extract", "users", d7Users, "--out", filepath.Join(dir, "users.csv"))
	if fi, err := os.Stat(filepath.Join(dir, "users.csv")); err != nil || fi.Mode() != 0o644 {
		t.Errorf("extract --out: %v, %v, want mode 0644", fi.Mode(), err)
	}
}
