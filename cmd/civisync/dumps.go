package main

import (
	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

// dumpFlags take whole database dumps (SPEC §1.3).
func dumpFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "site", Usage: "CMS database dump `FILE` (mysqldump, phpMyAdmin, Adminer or pg_dump; .gz too; - for stdin): users, WordPress usermeta names and the Organic Groups tables are read from it", Category: "Inputs"},
		&cli.StringFlag{Name: "civicrm", Usage: "CiviCRM database dump `FILE`: contacts, e-mails, uf_match, groups and group contacts are read from it", Category: "Inputs"},
		&cli.StringFlag{Name: "table-prefix", Usage: "the site's table `PREFIX` when a dump holds several sites' tables (wp_, wp2_, drupal_)", Category: "Inputs"},
	}
}

// tablePrefixFlag is --table-prefix alone, for extract.
func tablePrefixFlag() []cli.Flag { return dumpFlags()[2:] }

// dumpTable is the table kind an input flag takes from a SQL dump.
func dumpTable(flag string) string {
	switch flag {
	case "users", "contacts", "emails", "memberships", "groups":
		return flag
	case "uf-match":
		return "uf_match"
	case "group-contacts":
		return "group_contacts"
	case "og-roles":
		return "og_roles"
	case "og-role-names":
		return "og_role_names"
	case "og-groups": // SPEC §1.2's --og-groups and --civicrm-groups, when they come
		return "og_groups"
	case "civicrm-groups":
		return "civicrm_groups"
	}
	return ""
}

// siteTables are the inputs a dump of the CMS gives: they take
// --table-prefix.
var siteTables = map[string]bool{"users": true, "memberships": true, "og_roles": true, "og_role_names": true, "groups": true, "og_groups": true}

// dumpInputs fills the inputs --site and --civicrm give, leaving those an
// explicit flag gave. The users table must be in the site dump and the
// contacts table in the CiviCRM dump; the others are read when there.
func dumpInputs(c *cli.Context, ro formats.Options, cfg *pipeline.Config, users, contacts **pipeline.Input) error {
	prefix := c.String("table-prefix")
	if civi := c.String("civicrm"); civi != "" && c.String("site") != "" && civi != c.String("site") {
		// the two dumps are indexed at once; the calls below get the results
		go formats.OpenDump(civi, ro)
	}
	if prefix != "" {
		// explicit per-table flags may name a dump too: they take the prefix
		for _, in := range []*pipeline.Input{*users, cfg.OG.Memberships, cfg.OG.Roles, cfg.OG.RoleNames, cfg.OG.Groups, cfg.OG.OGGroups} {
			if in != nil {
				in.Read.TablePrefix = prefix
			}
		}
	}
	from := func(path, table string) *pipeline.Input {
		o := ro
		o.Table = table
		if siteTables[table] {
			o.TablePrefix = prefix
		}
		return &pipeline.Input{Path: path, Read: o}
	}
	if site := c.String("site"); site != "" {
		if *users == nil {
			*users = from(site, "users")
		}
		o := ro
		o.TablePrefix = prefix
		d, err := formats.OpenDump(site, o)
		if err != nil {
			return err
		}
		if _, err := d.Has("users"); err != nil { // two sites: said of the users first
			return err
		}
		has := func(kind string) (bool, error) { return d.Has(kind) }
		og := cfg.OG.Memberships
		if og == nil {
			ok, err := has("memberships")
			if err != nil {
				return err
			}
			if ok {
				cfg.OG.Memberships = from(site, "memberships")
			}
		}
		if cfg.OG.Memberships != nil { // each table a flag did not give comes from the site
			for _, t := range []struct {
				kind string
				in   **pipeline.Input
			}{{"og_roles", &cfg.OG.Roles}, {"og_role_names", &cfg.OG.RoleNames}, {"groups", &cfg.OG.Groups}, {"og_groups", &cfg.OG.OGGroups}} {
				if *t.in != nil || t.kind == "og_role_names" && cfg.OG.Roles == nil {
					continue // role names serve the roles only
				}
				ok, err := has(t.kind)
				if err != nil {
					return err
				}
				if ok {
					*t.in = from(site, t.kind)
				}
			}
		}
	}
	if civi := c.String("civicrm"); civi != "" {
		if *contacts == nil {
			*contacts = from(civi, "contacts")
		}
		d, err := formats.OpenDump(civi, ro)
		if err != nil {
			return err
		}
		for _, t := range []struct {
			kind string
			in   **pipeline.Input
		}{{"emails", &cfg.Contacts.Emails}, {"uf_match", &cfg.Contacts.UFMatch}, {"group_contacts", &cfg.Contacts.GroupContacts},
			{"phones", &cfg.Contacts.Phones}, {"addresses", &cfg.Contacts.Addresses}} {
			if *t.in != nil {
				continue
			}
			// Phones and addresses only for a rule comparing them.
			if r := cfg.Match.Dedupe; t.kind == "phones" && (r == nil || !r.Uses(pipeline.FieldPhone)) ||
				t.kind == "addresses" && (r == nil || !(r.Uses(pipeline.FieldStreetAddress) || r.Uses(pipeline.FieldCity) || r.Uses(pipeline.FieldPostalCode))) {
				continue
			}
			ok, err := d.Has(t.kind)
			if err != nil {
				return err
			}
			if ok {
				*t.in = from(civi, t.kind)
			}
		}
	}
	return nil
}

// stdinFlags counts the inputs given as - (standard input), which can be
// read by one of them only; --site - gives several tables of one dump, and
// may give the CiviCRM tables too.
func stdinFlags(c *cli.Context) int {
	n := 0
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if _, ok := f.(*cli.StringFlag); !ok || name == "out" || c.String(name) != "-" {
			continue
		}
		if name == "civicrm" && c.String("site") == "-" {
			continue // one dump of both databases
		}
		n++
	}
	return n
}
