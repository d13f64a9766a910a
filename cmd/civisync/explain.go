package main

import (
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:  "explain",
		Usage: "tell how one user reached its contact: each matching step, the candidates and their scores",
		Description: "Takes the same inputs as sync and --uid N, runs the matching, and prints for that user each step of\n" +
			"CiviCRM's Synchronize Users to Contacts it went through: whether it was checked, an existing link, a\n" +
			"lower user with the same e-mail, every contact the dedupe rule reaches with its score field by field,\n" +
			"those passed over as linked to another user (CRM-9091), why the winner won, and for a user given a new\n" +
			"contact its likely duplicates. Nothing is written. Inputs are read twice: none may be - (standard input).\n\n" + exitCodesHelp,
		Flags: concat(
			[]cli.Flag{
				&cli.StringFlag{Name: "users", Usage: "CMS users export `FILE`", Category: "Inputs"},
				&cli.Int64Flag{Name: "uid", Usage: "the user `N` to explain", Category: "Inputs"},
			},
			contactFlags(), ogFlags(), matchFlags(), ruleFlags(), readFlags()),
		Action: func(c *cli.Context) error {
			if !c.IsSet("uid") {
				return usagef("--uid N is required (see civisync explain --help)")
			}
			cfg, err := buildConfig(c)
			if err != nil {
				return err
			}
			for _, p := range cfg.Inputs() {
				if p == "-" {
					return usagef("explain reads its inputs twice: give files, not - (standard input)")
				}
			}
			return pipeline.Explain(cfg, cfg.Match.Dedupe, c.Int64("uid"), c.App.Writer)
		},
	}
}
