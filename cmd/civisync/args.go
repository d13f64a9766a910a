package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// permuteArgs lets options follow the positional arguments of a command, as
// people write them (`civisync load DIR --format xlsx`, `civisync extract
// users FILE -o -`): urfave/cli v2 stops parsing flags at the first
// argument, so the command's flags (each with its value) are moved before
// its arguments. "--" ends the options; "-" is an argument (standard input).
func permuteArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var cmd *cli.Command
	cmds, i := app.Commands, 1
	for i < len(args) {
		next := find(cmds, args[i])
		if next == nil {
			break
		}
		cmd, cmds = next, next.Subcommands
		i++
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		tv, ok := f.(interface{ TakesValue() bool })
		for _, n := range f.Names() {
			takesValue[n] = ok && tv.TakesValue()
		}
	}
	out := append([]string{}, args[:i]...)
	var positional []string
	rest := args[i:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		switch {
		case a == "--":
			positional = append(positional, rest[j+1:]...)
			j = len(rest)
		case len(a) > 1 && a[0] == '-':
			out = append(out, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] {
				if j+1 == len(rest) { // no value: let the parser say so
					return append(append([]string{}, args[:i]...), a)
				}
				out = append(out, rest[j+1])
				j++
			}
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

func find(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
