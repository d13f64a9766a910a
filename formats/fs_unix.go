//go:build unix

package formats

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// dirLock is an output folder's lock: a file beside the folder, held with
// flock for the run. The kernel releases it when the process ends, however
// it ends.
type dirLock struct {
	f    *os.File
	path string
}

// lockDir takes the lock at path, or fails at once if another run holds it.
func lockDir(path string) (*dirLock, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			pid := make([]byte, 32)
			n, _ := f.ReadAt(pid, 0)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				who := "another civisync run"
				if p, err := strconv.Atoi(strings.TrimSpace(string(pid[:n]))); err == nil {
					who += " (process " + strconv.Itoa(p) + ")"
				}
				return nil, fmt.Errorf("%s is writing into this folder: wait for it to finish, or give another --out", who)
			}
			return nil, err
		}
		// The run that held the lock removes the file as it lets go: a lock
		// taken on a file no longer at path locks nothing.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			f.Close()
			continue
		}
		f.Truncate(0)
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		return &dirLock{f: f, path: path}, nil
	}
}

// unlock removes the lock file, then lets go of it.
func (l *dirLock) unlock() {
	if l == nil || l.f == nil {
		return
	}
	os.Remove(l.path)
	l.f.Close()
	l.f = nil
}

func sameDevice(a, b os.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return !ok1 || !ok2 || sa.Dev == sb.Dev
}
