package formats

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// asidePrefix names where renameAside puts the earlier set for a moment:
// ".civisync-old-BASE-NUMBER" beside the output folder.
func asidePrefix(base string) string { return ".civisync-old-" + base + "-" }

// renameAside swaps without an exchange: the output folder is renamed
// aside, then the new set renamed in its place, then the earlier set moved
// to newSet. Between the first two renames the output folder is missing;
// a crash there leaves the earlier set aside, and the next run puts it
// back (restoreAside) before anything else.
func renameAside(newSet, out string) error {
	aside := filepath.Join(filepath.Dir(out), asidePrefix(filepath.Base(out))+strings.TrimPrefix(filepath.Base(newSet), stagingPrefix(filepath.Base(out))))
	if err := os.Rename(out, aside); err != nil {
		return err
	}
	if err := os.Rename(newSet, out); err != nil {
		os.Rename(aside, out)
		return err
	}
	return os.Rename(aside, newSet)
}

// restoreAside puts back an earlier set that renameAside left aside when a
// crash came before the new set took its place.
func restoreAside(out string) {
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		return
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	prefix := asidePrefix(filepath.Base(out))
	for _, e := range entries {
		if n, ok := strings.CutPrefix(e.Name(), prefix); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			if os.Rename(filepath.Join(filepath.Dir(out), e.Name()), out) == nil {
				return
			}
		}
	}
}

// removeTree removes a set's folder. Its files are unlinked by several
// workers at once: on a busy disk each unlink of a large file waits on the
// file system, and an earlier --split set at 1M users has ~20,000 of them
// (measured: 9.3 s one by one, 2.2 s with 8 workers).
func removeTree(dir string) {
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) > 64 {
		work := make(chan string, 256)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for f := range work {
					os.Remove(f)
				}
			}()
		}
		for _, f := range files {
			work <- f
		}
		close(work)
		wg.Wait()
	}
	os.RemoveAll(dir)
}

// syncAll flushes the set's files, then its folders, to the disk; it
// returns the first that failed. The files are synced by several workers at
// once rather than each as it is closed: concurrent syncs share the file
// system's journal commits (measured on the 1M --split set, 19,851 files:
// 1.4 s at the end, against about 10 s more wall time when each writer
// synced its own file).
func syncAll(dir string, files []string, dirs map[string]bool) (string, error) {
	work := make(chan string, 256)
	var mu sync.Mutex
	var failed string
	var first error
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rel := range work {
				if err := syncPath(filepath.Join(dir, rel)); err != nil {
					mu.Lock()
					if first == nil {
						failed, first = rel, err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, rel := range files {
		work <- rel
	}
	close(work)
	wg.Wait()
	if first != nil {
		return failed, first
	}
	for d := range dirs {
		if err := syncPath(d); err != nil {
			rel, _ := filepath.Rel(dir, d)
			return rel, err
		}
	}
	return "", nil
}

// devMountPoint: dir is on another device than its parent.
func devMountPoint(dir string) bool {
	a, errA := os.Stat(dir)
	b, errB := os.Stat(filepath.Dir(dir))
	return errA == nil && errB == nil && !sameDevice(a, b)
}
