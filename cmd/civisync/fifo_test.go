//go:build unix

package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFIFOInputs: a named pipe (a FIFO, or a shell's <(…)) is read as a
// stream like standard input, in any format it can hold: the outputs are
// those of the same files given by path.
func TestFIFOInputs(t *testing.T) {
	dir := t.TempDir()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(repoRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(read("samples/drupal7/og_membership.csv"))
	zw.Close()
	pipes := []struct {
		flag string
		data []byte
	}{
		{"--users", read("samples/drupal7/users.csv")},
		{"--contacts", read("samples/civicrm/contacts.xlsx")}, // a workbook through a pipe
		{"--memberships", gz.Bytes()},                         // gzip through a pipe
		{"--og-roles", read("samples/drupal7/og_users_roles.csv")},
	}
	args := []string{"sync", "--out", filepath.Join(dir, "piped"), "--quiet",
		"--og-role-names", "samples/drupal7/og_role.csv", "--groups", "samples/drupal7/node.csv"}
	for i, p := range pipes {
		fifo := filepath.Join(dir, "in-"+string(rune('a'+i)))
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
		go func(data []byte) {
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer f.Close()
			f.Write(data)
		}(p.data)
		args = append(args, p.flag, fifo)
	}
	mustRun(t, nil, args...)
	mustRun(t, nil, "sync", "--out", filepath.Join(dir, "files"), "--quiet",
		"--users", "samples/drupal7/users.csv", "--contacts", "samples/civicrm/contacts.xlsx",
		"--memberships", "samples/drupal7/og_membership.csv", "--og-roles", "samples/drupal7/og_users_roles.csv",
		"--og-role-names", "samples/drupal7/og_role.csv", "--groups", "samples/drupal7/node.csv")
	for _, base := range []string{"user_contacts.csv", "new_contacts.csv", "groups.csv", "group_members.csv", "acl_admins.csv", "user_import_og.csv"} {
		piped, _ := os.ReadFile(filepath.Join(dir, "piped", base))
		files, _ := os.ReadFile(filepath.Join(dir, "files", base))
		if len(files) == 0 || !bytes.Equal(piped, files) {
			t.Errorf("%s read through pipes differs from the files' (%d vs %d bytes)", base, len(piped), len(files))
		}
	}
}
