package formats

import (
	"os"
	"path/filepath"
	"strings"
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
