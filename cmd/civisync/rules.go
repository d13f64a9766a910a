package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
	"github.com/urfave/cli/v2"
)

// ruleFlags are the dedupe rule's sources (SPEC §2, "The site's own
// rules") and the likely-duplicates switch.
func ruleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "dedupe-rules", Usage: "civicrm_dedupe_rule_group export or dump `FILE` (for --rule site|NAME)", Category: "Matching"},
		&cli.StringFlag{Name: "dedupe-rule-fields", Usage: "civicrm_dedupe_rule export or dump `FILE` (for --rule site|NAME)", Category: "Matching"},
		&cli.BoolFlag{Name: "no-suggestions", Usage: "do not look for likely duplicates of users given new contacts", Category: "Matching"},
	}
}

// ruleUsage is --rule's help.
const ruleUsage = "dedupe rule `NAME`: unsupervised (CiviCRM \"Email (reserved)\"), supervised (\"Name and Email (reserved)\"), " +
	"site (the site's Individual Unsupervised rule, from --dedupe-rules and --dedupe-rule-fields), a rule group's NAME or title, or a rule FILE.yaml"

// resolveRule turns --rule into a rule: a reserved one, a rule file, or a
// rule group of the site's own tables.
func resolveRule(c *cli.Context, ro formats.Options, ov formats.Overrides) (*pipeline.Rule, error) {
	word := strings.TrimSpace(c.String("rule"))
	if r, ok := pipeline.BuiltinRule(word); ok {
		return r, nil
	}
	ext := strings.ToLower(filepath.Ext(word))
	if ext == ".yaml" || ext == ".yml" {
		return pipeline.LoadRuleFile(word)
	}
	if _, err := os.Stat(word); err == nil && strings.ContainsAny(word, `/\.`) {
		return pipeline.LoadRuleFile(word)
	}
	groups, fields := c.String("dedupe-rules"), c.String("dedupe-rule-fields")
	if civi := c.String("civicrm"); (groups == "" || fields == "") && civi != "" && civi != "-" {
		// The CiviCRM dump's own civicrm_dedupe_rule_group and
		// civicrm_dedupe_rule (SPEC §1.3).
		site, err := siteRulesOfDump(civi, ro, ov)
		if err != nil {
			return nil, err
		}
		return site.Rule(word)
	}
	if groups == "" || fields == "" {
		return nil, usagef("--rule %q: want unsupervised, supervised, a rule FILE.yaml, or site or a rule group's name with --dedupe-rules FILE and --dedupe-rule-fields FILE (or a --civicrm dump holding them)", word)
	}
	site, err := pipeline.ReadSiteRules(groups, fields, ro, ov)
	if err != nil {
		return nil, err
	}
	return site.Rule(word)
}

// siteRulesOfDump reads the rule tables from a CiviCRM dump.
func siteRulesOfDump(path string, ro formats.Options, ov formats.Overrides) (*pipeline.SiteRules, error) {
	gro, fro := ro, ro
	gro.Table, fro.Table = "dedupe_rule_groups", "dedupe_rules"
	g, err := formats.Open(path, gro)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	f, err := formats.Open(path, fro)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return pipeline.ReadSiteRuleTables(g, f, ov)
}
