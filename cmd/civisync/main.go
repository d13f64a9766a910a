// Command civisync gives every CMS user a CiviCRM contact and every Drupal
// Organic Group a pair of CiviCRM groups, offline, from exported files.
//
// Exit status: 0 success, 1 usage error, 2 input data error, 3 output error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/civisync/civisync/formats"
	"github.com/urfave/cli/v2"
)

// Exit codes, documented in the README and in every command's help.
const (
	exitOK     = 0
	exitUsage  = 1
	exitInput  = 2
	exitOutput = 3
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "civisync: %s\n", oneLine(err))
	return exitCode(err)
}

// usageError marks a mistake in how civisync was called.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitCode maps an error to the exit status, in one place.
func exitCode(err error) int {
	var u usageError
	switch {
	case errors.As(err, &u):
		return exitUsage
	case errors.Is(err, formats.ErrOutput):
		return exitOutput
	default:
		return exitInput
	}
}

// oneLine keeps an error to one line, whatever the data inside it holds.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ")), " ")
}

const exitCodesHelp = `EXIT STATUS:
   0 success, 1 usage error, 2 input data error, 3 output error`

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "civisync",
		Usage: "CMS users and Organic Groups to CiviCRM contacts and groups, offline, from exported files",
		Description: "Reads CSV/XLSX exports of Drupal, Backdrop, Joomla or WordPress users and Drupal Organic Group\n" +
			"memberships, matches the users to an exported CiviCRM contacts file the way CiviCRM does, and writes\n" +
			"files ready for CiviCRM's import wizard and for Drupal's user_import_og.\n\n" + exitCodesHelp,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			syncCommand(),
			extractCommand(),
			transformCommand(),
			loadCommand(),
		},
		// Errors are printed once, as one line, by run.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		HideHelpCommand: true,
	}
	app.CommandNotFound = func(c *cli.Context, name string) {}
	return app
}
