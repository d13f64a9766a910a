package main

import (
	"os"
	"path/filepath"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/report"
	"github.com/urfave/cli/v2"
)

func noReportFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-report", Usage: "do not write report.html", Category: "Output"}
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write report.html again from an output folder (after edits, or from transform's outputs)",
		UsageText: "civisync report [--out FILE] DIR",
		ArgsUsage: "DIR",
		Description: "Reads summary.json, user_contacts, review, groups, group_members, acl_admins, user_import_og and\n" +
			"possible_duplicates from DIR and writes the page a person opens in a browser, offline, to check the\n" +
			"run before importing: DIR/report.html unless --out names another file.\n\n" + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the page to `FILE` (default: DIR/report.html)", Category: "Output"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("report takes one DIR: an output folder of civisync sync, transform or load")
			}
			dir := c.Args().First()
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return usagef("report: %s is not a folder", dir)
			}
			path := c.String("out")
			if path == "" {
				path = filepath.Join(dir, report.FileName)
			}
			if path == "-" {
				return report.Build(c.App.Writer, report.Dir(dir))
			}
			f, err := formats.CreateAtomic(path, nil)
			if err != nil {
				return err
			}
			if err := report.Build(f, report.Dir(dir)); err != nil {
				f.Abort()
				return err
			}
			if err := f.Commit(); err != nil {
				return err
			}
			return os.Chmod(path, 0o644) // a page to share, like the other outputs
		},
	}
}

// addReport writes report.html into the output set from the files the run
// has just written there, so that it is moved into place with them.
func addReport(c *cli.Context, out *formats.OutputSet, b *bar) error {
	if c.Bool("no-report") {
		return nil
	}
	if b != nil {
		b.Stage("report", 0)
	}
	page, err := report.Bytes(out.Staged)
	if err != nil {
		return err
	}
	return out.File(report.FileName, page)
}
