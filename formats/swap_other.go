//go:build !linux

package formats

// exchange: without renameat2, the two renames of renameAside.
func exchange(newSet, out string) error { return renameAside(newSet, out) }

// mountPoint tells whether dir is on another device than its parent.
func mountPoint(dir string) bool { return devMountPoint(dir) }
