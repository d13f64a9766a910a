package pipeline

import (
	"fmt"

	"github.com/civisync/civisync/formats"
)

// Config is one run's inputs and options.
type Config struct {
	Users     Input
	Contacts  ContactInputs
	OG        OGInputs
	Match     MatchOptions
	Overrides formats.Overrides
	Strict    bool
}

// Inputs lists every input path, so no output may replace one.
func (c *Config) Inputs() []string {
	paths := []string{c.Users.Path, c.Contacts.Contacts.Path}
	for _, in := range []*Input{c.Contacts.Emails, c.Contacts.UFMatch, c.Contacts.GroupContacts,
		c.OG.Memberships, c.OG.Roles, c.OG.RoleNames, c.OG.Groups} {
		if in != nil {
			paths = append(paths, in.Path)
		}
	}
	return paths
}

// HasOG reports whether any Organic Groups input was given.
func (c *Config) HasOG() bool {
	return c.OG.Memberships != nil || c.OG.Groups != nil || c.OG.Roles != nil
}

// Transform extracts every input and runs the users-to-contacts sync, the
// OG → CiviCRM groups sync and the CiviCRM → OG listing.
func Transform(cfg *Config) (*Result, error) {
	switch cfg.Match.Rule {
	case "":
		cfg.Match.Rule = RuleUnsupervised
	case RuleUnsupervised, RuleSupervised:
	default:
		return nil, fmt.Errorf("unknown rule %q (want %s or %s)", cfg.Match.Rule, RuleUnsupervised, RuleSupervised)
	}
	rev := &Review{}
	x := &Extractor{Overrides: cfg.Overrides, Strict: cfg.Strict, Review: rev}
	users, err := x.ExtractUsers(cfg.Users)
	if err != nil {
		return nil, err
	}
	contacts, err := x.ExtractContacts(cfg.Contacts)
	if err != nil {
		return nil, err
	}
	var og *OGData
	if cfg.HasOG() {
		if og, err = x.ExtractOG(cfg.OG); err != nil {
			return nil, err
		}
	}
	res := &Result{Review: rev, Stats: x.Stats}
	res.Match = MatchUsers(users, contacts, cfg.Match, rev)
	if og != nil {
		res.Groups = SyncGroups(og, res.Match, rev)
		res.OGImport = ToOG(contacts, users, res.Match, res.Groups)
	}
	return res, nil
}
