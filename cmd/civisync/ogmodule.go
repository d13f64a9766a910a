package main

import (
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

// ogModuleFlag is --og-module: whose civicrm_og_sync the group titles
// follow (SPEC §3). Left out, the memberships file's Drupal version decides.
func ogModuleFlag() cli.Flag {
	return &cli.StringFlag{Name: "og-module", Usage: "civicrm_og_sync `VERSION` whose group titles to follow: 6 (the whole OG title) or 7 (cut to 49 characters); default: the memberships file's Drupal version (og_uid 6, og_membership or a Views export 7)", Category: "Inputs"}
}

// ogModule reads --og-module.
func ogModule(c *cli.Context) (pipeline.OGModule, error) {
	m, err := pipeline.ParseOGModule(c.String("og-module"))
	if err != nil {
		return 0, usageError{err}
	}
	return m, nil
}
