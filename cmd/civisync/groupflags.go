package main

import "github.com/urfave/cli/v2"

// groupTableFlags are the tables that tell groups apart: which nodes are
// Organic Groups, and the titles of a raw civicrm_group_contact's group ids.
func groupTableFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "og-groups", Usage: "which nodes are Organic Groups: D6 og or D7 field_data_group_group `FILE`", Category: "Inputs"},
		&cli.StringFlag{Name: "civicrm-groups", Usage: "civicrm_group `FILE` (id, name, title) naming the group ids of a raw civicrm_group_contact", Category: "Inputs"},
	}
}
