package main

import (
	"path/filepath"

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
			"from DIR (edits included) and writes them into --out, atomically, with api4/ made from them.\n\n" + exitCodesHelp,
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
			if sameFolder(dir, c.String("out")) {
				return usagef("load: --out must differ from the input directory %s", dir)
			}
			var inputs []string
			for _, base := range []string{pipeline.FileUserContacts, pipeline.FileNewContacts, pipeline.FileGroups,
				pipeline.FileMembers, pipeline.FileACLAdmins, pipeline.FileOGImport, pipeline.FileReview} {
				inputs = append(inputs, filepath.Join(dir, base+".csv"))
			}
			out, err := openOutputs(c.String("out"), format, inputs)
			if err != nil {
				return err
			}
			defer out.Abort() // on an error or a panic; nothing once committed
			lo := pipeline.LoadOptions{Split: c.Bool("split"), EscapeFormulas: c.Bool("escape-formulas")}
			b := newBar(c, c.App.ErrWriter)
			if b != nil {
				lo.Progress = b
			}
			defer b.done()
			if err := pipeline.LoadDir(dir, out, lo); err != nil {
				return err
			}
			if err := addReport(c, out, b); err != nil {
				return err
			}
			return out.Commit()
		},
	}
}
