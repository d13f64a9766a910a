//go:build !linux

package formats

// exchange: without renameat2, the two renames of renameAside.
func exchange(newSet, out string) error { return renameAside(newSet, out) }
