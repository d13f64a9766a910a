package formats

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps the new set's folder and the output folder in one step
// (renameat2 RENAME_EXCHANGE): before it the output folder holds the earlier
// set, after it the new one, and the earlier set is at newSet. A file
// system that cannot exchange takes the two renames of renameAside.
func exchange(newSet, out string) error {
	err := unix.Renameat2(unix.AT_FDCWD, newSet, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return renameAside(newSet, out)
	}
	return err
}
