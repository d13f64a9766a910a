package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"golang.org/x/term"
)

// Exit status after a signal, as shells report it: 128 + the signal's number.
const (
	exitSIGINT  = 130
	exitSIGTERM = 143
)

// openOutputs takes --out for this run: its lock, and a fresh folder for the
// new outputs, swapped in by Commit. Earlier outputs in other formats or
// from --split are civisync's too: they go when this run succeeds.
func openOutputs(dir string, format formats.Format, inputs []string) (*formats.OutputSet, error) {
	out, err := formats.NewOutputSet(dir, format, inputs)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, base := range []string{pipeline.FileUserContacts, pipeline.FileNewContacts, pipeline.FileGroups,
		pipeline.FileMembers, pipeline.FileACLAdmins, pipeline.FileOGImport, pipeline.FileReview, "possible_duplicates"} {
		names = append(names, base+".csv", base+".xlsx")
	}
	out.Owns(append(names, pipeline.FileSummary, "report.html", "groups", "acl", "user_import_og", pipeline.API4Dir)...)
	return out, nil
}

// sameFolder: a and b are one folder, by identity (a symlink or a bind
// mount of the other), or by path when one is missing.
func sameFolder(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	x, errA := filepath.Abs(a)
	y, errB := filepath.Abs(b)
	return errA == nil && errB == nil && x == y
}

// stopOnSignals makes SIGINT and SIGTERM end the run at once, whatever it
// is doing: the outputs being written are thrown away (their folder
// removed), the earlier outputs stay as they were, one line says so, and
// the exit status is 130 or 143 as a shell would report.
func stopOnSignals(stderr io.Writer) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		name, code := "SIGINT", exitSIGINT
		if sig == syscall.SIGTERM {
			name, code = "SIGTERM", exitSIGTERM
		}
		clear := ""
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			clear = "\r\x1b[K" // over a progress line, not after it
		}
		if formats.AbortAll() > 0 {
			fmt.Fprintf(stderr, clear+"civisync: interrupted by %s: this run's outputs were thrown away, earlier outputs are as they were\n", name)
		} else {
			fmt.Fprintf(stderr, clear+"civisync: interrupted by %s\n", name)
		}
		os.Exit(code)
	}()
}
