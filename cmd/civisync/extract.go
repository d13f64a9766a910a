package main

import (
	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:  "extract",
		Usage: "read one export into civisync's canonical CSV (for pipelines that chain stages)",
		Description: "Each subcommand reads an export in any recognised layout and writes canonical CSV to --out\n" +
			"(default: standard output). Bad rows are reported on standard error. The canonical files are\n" +
			"inputs like any other, so `civisync transform` and `civisync sync` read them back.\n\n" + exitCodesHelp,
		Subcommands: []*cli.Command{
			{
				Name: "users", Usage: "users export → uid,username,email,first_name,last_name,blocked,source_file,source_line",
				ArgsUsage: "FILE",
				Flags:     concat(readFlags(), canonicalOut(), tablePrefixFlag()),
				Action: func(c *cli.Context) error {
					return extractTo(c, formats.HeaderOf[pipeline.CanonicalUser](), func(x *pipeline.Extractor, in pipeline.Input, tw formats.TableWriter) error {
						users, err := x.ExtractUsers(in)
						if err != nil {
							return err
						}
						return pipeline.WriteCanonicalUsers(tw, users)
					})
				},
			},
			{
				Name: "contacts", Usage: "CiviCRM contacts (+ raw dumps) → contact_id,contact_type,first_name,last_name,email,other_emails,...",
				ArgsUsage: "FILE",
				Flags: concat(readFlags(), canonicalOut(), []cli.Flag{
					&cli.StringFlag{Name: "emails", Usage: "civicrm_email dump `FILE`"},
					&cli.StringFlag{Name: "uf-match", Usage: "civicrm_uf_match dump `FILE`"},
					&cli.StringFlag{Name: "group-contacts", Usage: "group membership `FILE`"},
					&cli.StringFlag{Name: "civicrm-groups", Usage: "civicrm_group `FILE` for a raw civicrm_group_contact"},
				}),
				Action: func(c *cli.Context) error {
					return extractTo(c, formats.HeaderOf[pipeline.CanonicalContact](), func(x *pipeline.Extractor, in pipeline.Input, tw formats.TableWriter) error {
						ro := in.Read
						contacts, err := x.ExtractContacts(pipeline.ContactInputs{Contacts: in, Emails: input(c, "emails", ro), UFMatch: input(c, "uf-match", ro), GroupContacts: input(c, "group-contacts", ro), Groups: input(c, "civicrm-groups", ro)})
						if err != nil {
							return err
						}
						return pipeline.WriteCanonicalContacts(tw, contacts)
					})
				},
			},
			{
				Name: "memberships", Usage: "OG memberships (+ roles, group nodes) → gid,group,uid,state,is_admin,source_file,source_line",
				ArgsUsage: "FILE",
				Flags: concat(readFlags(), canonicalOut(), []cli.Flag{
					&cli.StringFlag{Name: "og-roles", Usage: "D7 og_users_roles `FILE`"},
					&cli.StringFlag{Name: "og-role-names", Usage: "D7 og_role `FILE`"},
					&cli.StringFlag{Name: "groups", Usage: "group nodes `FILE` (titles and authors)"},
					&cli.StringFlag{Name: "og-groups", Usage: "D6 og or D7 field_data_group_group `FILE`: which nodes are groups"},
				}, tablePrefixFlag()),
				Action: func(c *cli.Context) error {
					return extractTo(c, formats.HeaderOf[pipeline.CanonicalMembership](), func(x *pipeline.Extractor, in pipeline.Input, tw formats.TableWriter) error {
						ro := in.Read
						og, err := x.ExtractOG(pipeline.OGInputs{Memberships: &in, Roles: input(c, "og-roles", ro), RoleNames: input(c, "og-role-names", ro), Groups: input(c, "groups", ro), OGGroups: input(c, "og-groups", ro)})
						if err != nil {
							return err
						}
						return pipeline.WriteCanonicalMemberships(tw, og)
					})
				},
			},
		},
	}
}

func canonicalOut() []cli.Flag {
	return []cli.Flag{&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "-", Usage: "canonical CSV `FILE` (- for standard output)"}}
}

// extractTo runs one extraction into a canonical CSV file, written
// atomically (a temporary file renamed into place) unless it is stdout.
func extractTo(c *cli.Context, header []string, fn func(*pipeline.Extractor, pipeline.Input, formats.TableWriter) error) error {
	if err := applyConfig(c); err != nil {
		return err
	}
	if c.Args().Len() != 1 {
		return usagef("extract %s takes one FILE (- for standard input)", c.Command.Name)
	}
	ro, err := readOptions(c)
	if err != nil {
		return err
	}
	ov, err := overrides(c)
	if err != nil {
		return err
	}
	rev := &pipeline.Review{}
	x := &pipeline.Extractor{Overrides: ov, Strict: c.Bool("strict"), Review: rev}
	in := pipeline.Input{Path: c.Args().First(), Read: ro}
	in.Read.Table, in.Read.TablePrefix = c.Command.Name, c.String("table-prefix") // when FILE is a SQL dump
	out := c.String("out")
	f, err := formats.CreateAtomic(out, []string{in.Path, c.String("emails"), c.String("uf-match"), c.String("group-contacts"), c.String("og-roles"), c.String("og-role-names"), c.String("groups"), c.String("og-groups"), c.String("civicrm-groups")})
	if err != nil {
		return err
	}
	if out == "-" {
		f.Writer = c.App.Writer
	}
	tw, err := formats.NewCSVTable(f, header)
	if err == nil {
		err = fn(x, in, tw)
	}
	if err == nil {
		// Only now is the table flushed: on standard output, a failed
		// extraction must not leave a header a pipeline would take for an
		// empty file.
		err = tw.Close()
	}
	if err != nil {
		f.Abort()
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	for _, it := range rev.Sorted() {
		r := it.Row()
		c.App.ErrWriter.Write([]byte("civisync: " + r.File + ":" + r.Line + ": " + r.Kind + ": " + r.Detail + "\n"))
	}
	return nil
}
