package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

func syncCommand() *cli.Command {
	return &cli.Command{
		Name:  "sync",
		Usage: "extract, transform and load in one go: users and OGs in, CiviCRM import files out",
		Description: "Matches every user to a CiviCRM contact as CiviCRM's Synchronize Users to Contacts does, turns\n" +
			"every Organic Group into a members group and an administrators (ACL) group as civicrm_og_sync does,\n" +
			"lists contacts to add to Organic Groups with user_import_og, and writes the outputs into --out\n" +
			"atomically: a failed run leaves the previous outputs as they were.\n\n" + exitCodesHelp,
		Flags: concat(
			[]cli.Flag{&cli.StringFlag{Name: "users", Usage: "CMS users export `FILE` (- for stdin)", Category: "Inputs"}},
			contactFlags(), ogFlags(), dumpFlags(), matchFlags(), readFlags(), outFlags("csv"),
			[]cli.Flag{&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"}}),
		Action: func(c *cli.Context) error {
			cfg, err := buildConfig(c)
			if err != nil {
				return err
			}
			if p := c.String("cpuprofile"); p != "" {
				f, err := os.Create(p)
				if err != nil {
					return usagef("--cpuprofile: %w", err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return usagef("--cpuprofile: %w", err)
				}
				defer pprof.StopCPUProfile()
			}
			return runSync(c, cfg)
		},
	}
}

// runSync runs the three stages and prints the summary.
func runSync(c *cli.Context, cfg *pipeline.Config) error {
	format, err := formats.ParseFormat(c.String("format"))
	if err != nil {
		return usageError{err}
	}
	lo := pipeline.LoadOptions{Split: c.Bool("split"), EscapeFormulas: c.Bool("escape-formulas")}
	b := newBar(c, c.App.ErrWriter)
	if b != nil {
		cfg.Progress, lo.Progress = b, b
	}
	defer b.done()
	res, err := pipeline.Transform(cfg)
	if err != nil {
		return err
	}
	out, err := formats.NewOutputSet(c.String("out"), format, cfg.Inputs())
	if err != nil {
		return err
	}
	defer func() { // a bug must not leave a half-written temporary directory behind
		if r := recover(); r != nil {
			out.Abort()
			panic(r)
		}
	}()
	if err := pipeline.Load(res, out, lo); err != nil {
		out.Abort()
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	b.done()
	if !c.Bool("quiet") {
		fmt.Fprintln(c.App.Writer, pipeline.SummaryText(res))
	}
	return nil
}
