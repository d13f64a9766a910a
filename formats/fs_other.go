//go:build !unix

package formats

import "os"

// dirLock: no lock on systems without flock.
type dirLock struct{}

func lockDir(string) (*dirLock, error) { return &dirLock{}, nil }

func (l *dirLock) unlock() {}

func sameDevice(a, b os.FileInfo) bool { return true }
