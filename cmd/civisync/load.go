package main

import (
	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

func loadCommand() *cli.Command {
	return &cli.Command{
		Name:      "load",
		Usage:     "write the CSV outputs of `civisync transform` as final files (XLSX, split per group, formulas escaped)",
		ArgsUsage: "DIR",
		UsageText: "civisync load [--out DIR] [--format csv|xlsx] [--split] [options] DIR",
		Description: "Reads user_contacts, new_contacts, groups, group_members, acl_admins, user_import_og and review\n" +
			"from DIR (edits included) and writes them into --out, atomically.\n\n" + exitCodesHelp,
		Flags: outFlags("csv"),
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("load takes one DIR: the --out of civisync transform")
			}
			format, err := formats.ParseFormat(c.String("format"))
			if err != nil {
				return usageError{err}
			}
			if err := refuseStdout(c); err != nil {
				return err
			}
			dir := c.Args().First()
			if samePath(dir, c.String("out")) {
				return usagef("load: --out must differ from the input directory %s", dir)
			}
			out, err := formats.NewOutputSet(c.String("out"), format, nil)
			if err != nil {
				return err
			}
			defer func() { // a bug must not leave a half-written temporary directory behind
				if r := recover(); r != nil {
					out.Abort()
					panic(r)
				}
			}()
			lo := pipeline.LoadOptions{Split: c.Bool("split"), EscapeFormulas: c.Bool("escape-formulas")}
			b := newBar(c, c.App.ErrWriter)
			if b != nil {
				lo.Progress = b
			}
			defer b.done()
			if err := pipeline.LoadDir(dir, out, lo); err != nil {
				out.Abort()
				return err
			}
			if err := addReport(c, out, b); err != nil {
				out.Abort()
				return err
			}
			return out.Commit()
		},
	}
}
