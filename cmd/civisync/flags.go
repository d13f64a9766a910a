package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

// Flag groups shared by the commands.
func readFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "delimiter", Usage: "CSV delimiter `CHAR`: , ; tab or | (default: detected)", Category: "Reading"},
		&cli.StringFlag{Name: "encoding", Usage: "CSV encoding `NAME`: utf-8, utf-16le, utf-16be, windows-1252, latin1 (default: detected)", Category: "Reading"},
		&cli.StringFlag{Name: "sheet", Usage: "XLSX sheet `NAME` to read (default: the first)", Category: "Reading"},
		&cli.Int64Flag{Name: "max-xlsx-size", Value: formats.DefaultMaxUnzipSize, Usage: "refuse an XLSX that inflates to more `BYTES` (zip bombs)", Category: "Reading"},
		&cli.StringSliceFlag{Name: "map", Usage: "recognise a column: `FIELD=HEADER`, or SCHEMA.FIELD=HEADER (repeatable)", Category: "Reading"},
		&cli.StringFlag{Name: "config", Usage: "YAML `FILE` giving any of these flags (command-line flags win)", Category: "Reading"},
		&cli.BoolFlag{Name: "strict", Usage: "make the first bad row an error instead of a review item", Category: "Reading"},
	}, textFlags()...)
}

func contactFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "contacts", Usage: "required: CiviCRM contacts export or civicrm_contact dump (`FILE`, - for stdin)", Category: "Inputs"},
		&cli.StringFlag{Name: "emails", Usage: "civicrm_email dump `FILE` (contact_id, email, is_primary)", Category: "Inputs"},
		&cli.StringFlag{Name: "uf-match", Usage: "civicrm_uf_match dump `FILE` (uf_id, contact_id)", Category: "Inputs"},
		&cli.StringFlag{Name: "group-contacts", Usage: "group membership `FILE` (contact id, group title, status)", Category: "Inputs"},
	}
}

func ogFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "memberships", Usage: "OG memberships `FILE`: Views export, D6 og_uid or D7 og_membership", Category: "Inputs"},
		&cli.StringFlag{Name: "og-roles", Usage: "D7 og_users_roles `FILE` (uid, gid, rid)", Category: "Inputs"},
		&cli.StringFlag{Name: "og-role-names", Usage: "D7 og_role `FILE` (rid, name)", Category: "Inputs"},
		&cli.StringFlag{Name: "groups", Usage: "group nodes `FILE` (nid, title, uid = author)", Category: "Inputs"},
		ogModuleFlag(),
	}
}

func matchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rule", Value: pipeline.RuleUnsupervised, Usage: ruleUsage, Category: "Matching"},
		&cli.BoolFlag{Name: "skip-blocked", Usage: "leave blocked users out (CiviCRM syncs them)", Category: "Matching"},
		&cli.StringFlag{Name: "external-id-prefix", Usage: "give new contacts External Identifier `PREFIX`<uid>", Category: "Matching"},
	}
}

func outFlags(defaultFormat string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "civisync-out", Usage: "output `DIR`", Category: "Output"},
		&cli.StringFlag{Name: "format", Value: defaultFormat, Usage: "output `FORMAT`: csv or xlsx", Category: "Output"},
		&cli.BoolFlag{Name: "split", Usage: "also write one file per group under groups/ and acl/ (user_import_og/ has one file per OG always)", Category: "Output"},
		&cli.BoolFlag{Name: "escape-formulas", Usage: "prefix CSV cells starting with = + - @ with ' so spreadsheets do not run them", Category: "Output"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on success", Category: "Output"},
		noReportFlag(),
	}
}

// usersFlag is the one input every transforming command needs besides
// --contacts.
func usersFlag() []cli.Flag {
	return []cli.Flag{&cli.StringFlag{Name: "users", Usage: "required: CMS users export `FILE` (- for stdin)", Category: "Inputs"}}
}

func dryRunFlag() cli.Flag {
	return &cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "read and match, print the summary and the review counts, write nothing", Category: "Output"}
}

// transformUsage is the usage line of the commands that take the inputs.
func transformUsage(name string) string {
	return "civisync " + name + " --users FILE --contacts FILE [--memberships FILE [--groups FILE] ...] [--out DIR] [options]"
}

func concat(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// applyConfig reads --config: a YAML mapping of flag names to values, with
// `map` as a mapping of FIELD to HEADER. Flags given on the command line win.
func applyConfig(c *cli.Context) error {
	path := c.String("config")
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef("--config: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return usagef("--config %s: %s", path, oneLine(err))
	}
	known := map[string]bool{}
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			known[n] = true
		}
	}
	for key, val := range doc {
		if !known[key] || key == "config" {
			return usagef("--config %s: unknown setting %q", path, key)
		}
		if c.IsSet(key) {
			continue
		}
		var vals []string
		switch v := val.(type) {
		case map[string]any:
			for field, header := range v {
				vals = append(vals, fmt.Sprintf("%s=%v", field, header))
			}
		case []any:
			for _, x := range v {
				vals = append(vals, fmt.Sprint(x))
			}
		default:
			vals = []string{fmt.Sprint(v)}
		}
		for _, s := range vals {
			if err := c.Set(key, s); err != nil {
				return usagef("--config %s: %s: %w", path, key, err)
			}
		}
	}
	return nil
}

// readOptions builds the reading options from the flags.
func readOptions(c *cli.Context) (formats.Options, error) {
	opt := formats.Options{Encoding: c.String("encoding"), Sheet: c.String("sheet"), MaxUnzipSize: c.Int64("max-xlsx-size"), Stdin: c.App.Reader}
	if d := c.String("delimiter"); d != "" {
		switch strings.ToLower(d) {
		case ",", "comma":
			opt.Delimiter = ','
		case ";", "semicolon":
			opt.Delimiter = ';'
		case "tab", "\\t", "\t":
			opt.Delimiter = '\t'
		case "|", "pipe":
			opt.Delimiter = '|'
		default:
			return opt, usagef("--delimiter %q: want , ; tab or |", d)
		}
	}
	if opt.Encoding != "" {
		if err := formats.ValidEncoding(opt.Encoding); err != nil {
			return opt, usagef("--encoding: %w", err)
		}
	}
	return opt, applyTextFlags(c, &opt)
}

func overrides(c *cli.Context) (formats.Overrides, error) {
	ov := formats.Overrides{}
	for _, m := range c.StringSlice("map") {
		f, h, err := formats.ParseOverride(m)
		if err != nil {
			return nil, usageError{err}
		}
		ov[f] = h
	}
	if err := formats.CheckOverrides(ov); err != nil {
		return nil, usageError{err}
	}
	return ov, nil
}

// input makes an Input of a file flag, nil when the flag is empty.
func input(c *cli.Context, name string, ro formats.Options) *pipeline.Input {
	p := c.String(name)
	if p == "" {
		return nil
	}
	ro.Table = dumpTable(name)
	return &pipeline.Input{Path: p, Read: ro}
}

// buildConfig reads the flags every transforming command shares.
func buildConfig(c *cli.Context) (*pipeline.Config, error) {
	if err := applyConfig(c); err != nil {
		return nil, err
	}
	if c.Args().Len() > 0 {
		return nil, usagef("unexpected argument %q (inputs are given with --users, --contacts ...)", c.Args().First())
	}
	ro, err := readOptions(c)
	if err != nil {
		return nil, err
	}
	b := newBar(c, c.App.ErrWriter)
	if b != nil {
		ro.Progress = b.read
	}
	ov, err := overrides(c)
	if err != nil {
		return nil, err
	}
	cfg := &pipeline.Config{Overrides: ov, Strict: c.Bool("strict"),
		Match: pipeline.MatchOptions{Rule: c.String("rule"), SkipBlocked: c.Bool("skip-blocked"), ExternalIDPrefix: c.String("external-id-prefix"),
			NoSuggestions: c.Bool("no-suggestions")}}
	rule, err := resolveRule(c, ro, ov)
	if err != nil {
		return nil, err
	}
	cfg.Match.Dedupe = rule
	users, contacts := input(c, "users", ro), input(c, "contacts", ro)
	cfg.Contacts = pipeline.ContactInputs{Emails: input(c, "emails", ro), UFMatch: input(c, "uf-match", ro), GroupContacts: input(c, "group-contacts", ro),
		Groups: input(c, "civicrm-groups", ro)}
	cfg.OG = pipeline.OGInputs{Memberships: input(c, "memberships", ro), Roles: input(c, "og-roles", ro), RoleNames: input(c, "og-role-names", ro), Groups: input(c, "groups", ro),
		OGGroups: input(c, "og-groups", ro)}
	if err := dumpInputs(c, ro, cfg, &users, &contacts); err != nil {
		return nil, err
	}
	if users == nil || contacts == nil {
		return nil, usagef("--users FILE and --contacts FILE are required (or --site and --civicrm dumps; see civisync %s --help)", c.Command.Name)
	}
	cfg.Users = *users
	cfg.Contacts.Contacts = *contacts
	if cfg.OG.Module, err = ogModule(c); err != nil {
		return nil, err
	}
	if cfg.OG.RoleNames != nil && cfg.OG.Roles == nil {
		return nil, usagef("--og-role-names needs --og-roles")
	}
	if cfg.Contacts.Groups != nil && cfg.Contacts.GroupContacts == nil {
		return nil, usagef("--civicrm-groups needs --group-contacts")
	}
	if stdinFlags(c) > 1 {
		return nil, usagef("only one input can be - (standard input)")
	}
	if b != nil {
		b.measure(cfg.Inputs())
		cfg.Progress = b
	}
	return cfg, nil
}
