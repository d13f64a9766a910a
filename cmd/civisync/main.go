// Command civisync gives every CMS user a CiviCRM contact and every Drupal
// Organic Group a pair of CiviCRM groups, offline, from exported files.
//
// Exit status: 0 success, 1 usage error, 2 input data error, 3 output error,
// 4 internal error (a bug), 130/143 stopped by SIGINT/SIGTERM.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"unicode"

	"github.com/civisync/civisync/formats"
	"github.com/urfave/cli/v2"
)

// Exit codes, documented in the README and in every command's help.
const (
	exitOK     = 0
	exitUsage  = 1
	exitInput  = 2
	exitOutput = 3
	// exitInternal: civisync itself failed (a panic). Not an answer about
	// the data: a bug to report.
	exitInternal = 4
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The heap holds a few big, long-lived tables; collecting at 1.4x
		// rather than 2x the live heap keeps the peak lower, and on a large
		// run fewer fresh pages cost less than the extra collections.
		// (Measured at 1M users: 30 costs more time for no less memory.)
		debug.SetGCPercent(40)
	}
	stopOnSignals(os.Stderr)
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	// A bug must not greet the user with a Go stack trace either: one line,
	// and its own exit status so a script never takes it for bad data.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "civisync: internal error (a bug, please report it): %s\n", oneLine(fmt.Errorf("%v", r)))
			code = exitInternal
		}
	}()
	app := newApp(stdin, stdout, stderr)
	if !completing(args) { // the shell's completion request must reach urfave/cli as it is
		args = permuteArgs(app, args)
	}
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
// A binary file read as CSV puts its bytes in the message (the headers
// found): control characters are escaped and the line is cut to a length a
// terminal or a log can take.
func oneLine(err error) string {
	const maxBytes = 2000
	var b strings.Builder
	for i, f := range strings.Fields(err.Error()) {
		if i > 0 {
			b.WriteByte(' ')
		}
		for _, r := range f {
			if b.Len() >= maxBytes {
				b.WriteString(" …")
				return b.String()
			}
			if unicode.IsControl(r) {
				fmt.Fprintf(&b, "\\x%02x", r)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

const exitCodesHelp = `EXIT STATUS:
   0 success, 1 usage error, 2 input data error, 3 output error, 4 internal error (a bug),
   130/143 stopped by SIGINT/SIGTERM (this run's outputs thrown away, earlier ones kept)`

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "civisync",
		Usage: "CMS users and Organic Groups to CiviCRM contacts and groups, offline, from exported files",
		Description: "Reads CSV/XLSX exports of Drupal, Backdrop, Joomla or WordPress users and Drupal Organic Group\n" +
			"memberships, matches the users to an exported CiviCRM contacts file the way CiviCRM does, and writes\n" +
			"files ready for CiviCRM's import wizard and for Drupal's user_import_og.\n\n" + exitCodesHelp,
		UsageText: "civisync COMMAND [options]\n" +
			"civisync sync --users FILE --contacts FILE [--memberships FILE] [--groups FILE] [--out DIR]\n" +
			"civisync COMMAND --help",
		Version:              version(),
		EnableBashCompletion: true,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		Commands: []*cli.Command{
			syncCommand(),
			extractCommand(),
			transformCommand(),
			loadCommand(),
			reportCommand(),
			completionCommand(),
		},
		// Errors are printed once, as one line, by run.
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError:    onUsageError,
		HideHelpCommand: true,
		Action:          unknownCommand(cli.ShowAppHelp),
	}
	app.CommandNotFound = func(c *cli.Context, name string) {}
	// urfave/cli prints the help and returns a plain error for a bad flag of
	// a command unless the command has its own handler: give every command
	// ours, so a bad flag is one line and exit status 1. Every flag also
	// reads CIVISYNC_<NAME>.
	var setup func([]*cli.Command)
	setup = func(cmds []*cli.Command) {
		for _, c := range cmds {
			c.OnUsageError = onUsageError
			withEnvVars(c.Flags)
			c.HideHelpCommand = true // "help" is handled by unknownCommand; not offered to completion
			if len(c.Subcommands) > 0 && c.Action == nil {
				c.Action = unknownCommand(cli.ShowSubcommandHelp)
			}
			setup(c.Subcommands)
		}
	}
	setup(app.Commands)
	return app
}

func onUsageError(_ *cli.Context, err error, _ bool) error { return usageError{err} }

// unknownCommand runs when no (sub)command matched: without arguments (or
// with "help") it shows the help; anything else is a usage error, not a
// silent success.
func unknownCommand(help cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		name := c.Args().First()
		switch {
		case name == "":
			return help(c)
		case name == "help" && c.Args().Len() > 1:
			topic := c.Args().Get(1)
			if sub := c.Command.Command(topic); sub != nil && !sub.Hidden {
				return cli.ShowCommandHelp(c, topic)
			}
			return usagef("no help for %q: not a command (want %s)", topic, strings.Join(commandNames(c), ", "))
		case name == "help":
			return help(c)
		}
		return usagef("unknown command %q (want %s; see --help)", name, strings.Join(commandNames(c), ", "))
	}
}

func commandNames(c *cli.Context) []string {
	var names []string
	for _, sub := range c.Command.Subcommands {
		if !sub.Hidden && sub.Name != "help" {
			names = append(names, sub.Name)
		}
	}
	return names
}
