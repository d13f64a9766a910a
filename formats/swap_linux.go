package formats

import (
	"errors"
	"path/filepath"

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

// mountPoint tells whether dir is mounted on its own (a bind mount too):
// a mount point cannot be renamed, so it cannot be swapped.
func mountPoint(dir string) bool {
	var a, b unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, dir, 0, unix.STATX_MNT_ID, &a) != nil ||
		unix.Statx(unix.AT_FDCWD, filepath.Dir(dir), 0, unix.STATX_MNT_ID, &b) != nil ||
		a.Mask&b.Mask&unix.STATX_MNT_ID == 0 {
		return devMountPoint(dir)
	}
	return a.Mnt_id != b.Mnt_id
}
