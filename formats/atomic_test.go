package formats

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFiles makes each path (slash-separated, under dir) with its content.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listTree lists every file under dir with its content.
func listTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = string(mustRead(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sortedKeys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// Commit leaves exactly the new set, plus what civisync did not write
// (the same files), and nothing beside the folder.
func TestOutputSetReplacesWholeSet(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	writeFiles(t, dir, map[string]string{
		"review.xlsx":        "earlier xlsx",
		"review.csv":         "earlier csv",
		"groups/gone.csv":    "a group that no longer exists",
		"groups/kept.csv":    "earlier",
		"acl/gone.csv":       "owned by name",
		"notes.txt":          "mine",
		"drafts/plan.csv":    "mine too",
		".civisync-tmp-9876": "an older civisync's leftover",
	})
	if err := os.Symlink("notes.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	notes, _ := os.Stat(filepath.Join(dir, "notes.txt"))
	o, err := NewOutputSet(dir, CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Owns("acl")
	for _, base := range []string{"review", "groups/kept"} {
		tw, err := o.Table(base, []string{"A"})
		if err != nil {
			t.Fatal(err)
		}
		tw.Write([]string{"new"})
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"review.csv": "A\nnew\n", "groups/kept.csv": "A\nnew\n", "notes.txt": "mine", "drafts/plan.csv": "mine too", "link": "mine"}
	if got := listTree(t, dir); !slices.Equal(sortedKeys(got), sortedKeys(want)) {
		t.Errorf("files %q, want %q", sortedKeys(got), sortedKeys(want))
	} else {
		for n, w := range want {
			if got[n] != w {
				t.Errorf("%s = %q, want %q", n, got[n], w)
			}
		}
	}
	if now, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil || !os.SameFile(notes, now) {
		t.Error("notes.txt is not the same file")
	}
	if fi, err := os.Lstat(filepath.Join(dir, "link")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was not kept as a symlink")
	}
	if ents, _ := os.ReadDir(root); len(ents) != 1 {
		t.Errorf("beside the folder: %v", ents)
	}
}

// An input that the swap would remove with the earlier set is refused, and
// the earlier set stays.
func TestOutputSetKeepsInputs(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	writeFiles(t, dir, map[string]string{"groups.xlsx": "an earlier output", "groups/a.csv": "x", "mine.csv": "y"})
	for _, in := range []string{"groups.xlsx", "groups/a.csv"} {
		t.Run(in, func(t *testing.T) {
			o, err := NewOutputSet(dir, CSV, []string{filepath.Join(dir, in), filepath.Join(dir, "mine.csv")})
			if err != nil {
				t.Fatal(err)
			}
			if err := o.File("groups.csv", []byte("new")); err != nil {
				t.Fatal(err)
			}
			o.Owns("groups")
			err = o.Commit()
			if !errors.Is(err, ErrOutput) || !strings.Contains(err.Error(), "this input is an earlier output") {
				t.Fatalf("Commit: %v, want the input refused", err)
			}
			if got := listTree(t, dir); len(got) != 3 || got["groups.xlsx"] != "an earlier output" {
				t.Errorf("the earlier set changed: %v", got)
			}
			if ents, _ := os.ReadDir(root); len(ents) != 1 {
				t.Errorf("beside the folder: %v", ents)
			}
		})
	}
}

// The lock fails a second holder at once, naming the first; let go, the
// file is gone and the lock can be taken again.
func TestLockDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".civisync-out.lock")
	l, err := lockDir(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(path); err == nil || !strings.Contains(err.Error(), "another civisync run (process ") {
		t.Fatalf("second lock: %v, want another run named", err)
	}
	l.unlock()
	if exists(path) {
		t.Error("lock file left")
	}
	l, err = lockDir(path)
	if err != nil {
		t.Fatal(err)
	}
	l.unlock()
}

// AbortAll throws away every set and file being written; a set cannot
// make files once aborted, and a committed one is left alone. An output
// folder the aborted run made is removed again.
func TestAbortAll(t *testing.T) {
	root := t.TempDir()
	open := func(name string) *OutputSet {
		o, err := NewOutputSet(filepath.Join(root, name), CSV, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.File("summary.json", []byte("{}")); err != nil {
			t.Fatal(err)
		}
		return o
	}
	a, b, done := open("a"), open("b"), open("done")
	if err := done.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := CreateAtomic(filepath.Join(root, "users.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := AbortAll(); n != 3 {
		t.Errorf("AbortAll aborted %d, want 3", n)
	}
	if _, err := a.Table("late", []string{"A"}); err == nil {
		t.Error("a table was made in an aborted set")
	}
	b.Abort()
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Error("an aborted file committed")
	}
	var names []string
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	// a and b did not exist before: aborted, they are gone again.
	if want := []string{"done"}; !slices.Equal(names, want) {
		t.Errorf("left %q, want %q", names, want)
	}
	if got := listTree(t, root); len(got) != 1 || got["done/summary.json"] != "{}" {
		t.Errorf("files %v, want the committed set only", got)
	}
}

// What a killed run left beside its folder is removed by the next run into
// it, and only that: another folder's whose name starts the same stays.
// An earlier set left aside by renameAside is put back.
func TestStaleLeftovers(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".civisync-tmp-out-123/user_contacts.csv":       "half",
		".civisync-old-out-124/user_contacts.csv":       "earlier",
		".civisync-tmp-out-other-125/user_contacts.csv": "another folder's",
		"out-other/x": "",
	})
	o, err := NewOutputSet(filepath.Join(root, "out"), CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	// "out" was missing: the earlier set aside came back as it.
	if got := string(mustRead(t, filepath.Join(root, "out", "user_contacts.csv"))); got != "earlier" {
		t.Errorf("out/user_contacts.csv = %q, want the earlier set back", got)
	}
	o.Abort()
	var names []string
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{".civisync-tmp-out-other-125", "out", "out-other"}; !slices.Equal(names, want) {
		t.Errorf("left %q, want %q", names, want)
	}
}

// renameAside, the swap where there is no exchange, leaves the new set in
// place and the earlier one where the new set was.
func TestRenameAside(t *testing.T) {
	root := t.TempDir()
	out, staged := filepath.Join(root, "out"), filepath.Join(root, ".civisync-tmp-out-7")
	writeFiles(t, out, map[string]string{"a.csv": "earlier"})
	writeFiles(t, staged, map[string]string{"a.csv": "new"})
	if err := renameAside(staged, out); err != nil {
		t.Fatal(err)
	}
	if a, b := string(mustRead(t, filepath.Join(out, "a.csv"))), string(mustRead(t, filepath.Join(staged, "a.csv"))); a != "new" || b != "earlier" {
		t.Errorf("out has %q, beside %q", a, b)
	}
}
