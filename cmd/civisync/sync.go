package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sort"

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
			"lists contacts to add to Organic Groups with user_import_og (one file per OG), writes api4/ JSON for\n" +
			"CiviCRM's command line (cv api4 … --in=json), and writes the outputs into --out\n" +
			"as one set, swapped in at once: a failed or interrupted run leaves the previous outputs as they\n" +
			"were, a successful one leaves exactly its own (files of earlier runs it did not make are gone).\n" +
			"One run at a time per --out: a second one fails at once.\n\n" + exitCodesHelp,
		UsageText: transformUsage("sync"),
		Flags: concat(
			usersFlag(), contactFlags(), ogFlags(), groupTableFlags(), dumpFlags(), matchFlags(), ruleFlags(), readFlags(), outFlags("csv"),
			[]cli.Flag{dryRunFlag(), &cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"}}),
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
	if err := refuseStdout(c); err != nil {
		return err
	}
	format, err := formats.ParseFormat(c.String("format"))
	if err != nil {
		return usageError{err}
	}
	lo := pipeline.LoadOptions{Split: c.Bool("split"), EscapeFormulas: c.Bool("escape-formulas")}
	b, _ := cfg.Progress.(*bar) // made by buildConfig
	if b != nil {
		lo.Progress = b
	}
	defer b.done()
	dryRun := c.Bool("dry-run")
	// The output folder is taken before the long work: a second run into
	// it, or an output that is an input, is refused at once. A dry run
	// writes nothing, so it takes no folder.
	var out *formats.OutputSet
	if !dryRun {
		if out, err = openOutputs(c.String("out"), format, cfg.Inputs()); err != nil {
			return err
		}
		defer out.Abort() // on an error or a panic; nothing once committed
	}
	res, err := pipeline.Transform(cfg)
	if err != nil {
		return err
	}
	b.expectRows("writing", outputRows(res))
	if dryRun {
		b.done()
		printDryRun(c.App.Writer, res)
		return nil
	}
	if err := pipeline.Load(res, out, lo); err != nil {
		return err
	}
	if err := addReport(c, out, b); err != nil {
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

// printDryRun tells what a run would write: the summary and the review
// items by kind.
func printDryRun(w io.Writer, res *pipeline.Result) {
	fmt.Fprintln(w, pipeline.SummaryText(res))
	counts := res.Review.CountByKind()
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "Review items: %d\n", len(res.Review.Items))
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-26s %d\n", k, counts[k])
	}
	fmt.Fprintln(w, "Dry run: nothing was written.")
}

// outputRows is how many rows Load writes: what its writing stage counts.
func outputRows(res *pipeline.Result) int64 {
	n := len(res.Match.Links) + len(res.Match.New) + len(res.Review.Items) + len(res.OGImport)
	if gs := res.Groups; gs != nil {
		n += 2*len(gs.Groups) + len(gs.Members) + gs.Admins
	}
	return int64(n)
}
