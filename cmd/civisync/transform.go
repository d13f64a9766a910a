package main

import (
	"github.com/urfave/cli/v2"
)

func transformCommand() *cli.Command {
	return &cli.Command{
		Name:  "transform",
		Usage: "match users to contacts and OGs to groups; write the outputs as CSV for `civisync load`",
		Description: "Takes the same inputs as sync (exports, or the canonical files of `civisync extract`; one of them\n" +
			"may be - for standard input) and writes every output as CSV into --out: the canonical form that\n" +
			"`civisync load` reads, and that a pipeline may inspect or edit in between.\n\n" + exitCodesHelp,
		UsageText: transformUsage("transform"),
		Flags: concat(
			usersFlag(), contactFlags(), ogFlags(), groupTableFlags(), dumpFlags(), matchFlags(), ruleFlags(), readFlags(),
			[]cli.Flag{
				&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "civisync-out", Usage: "output `DIR`", Category: "Output"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on success", Category: "Output"},
				noReportFlag(), dryRunFlag(),
			}),
		Action: func(c *cli.Context) error {
			cfg, err := buildConfig(c)
			if err != nil {
				return err
			}
			return runSync(c, cfg)
		},
	}
}
