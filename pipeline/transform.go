package pipeline

import (
	"fmt"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/mem"
	"github.com/civisync/civisync/pipeline/internal/par"
)

// Config is one run's inputs and options.
type Config struct {
	Users     Input
	Contacts  ContactInputs
	OG        OGInputs
	Match     MatchOptions
	Overrides formats.Overrides
	Strict    bool
	Progress  Progress // nil: nobody listens
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
	// The OG files are read beside the users and contacts, each file into
	// its own review, and users are matched while the (larger) membership
	// file is still being read.
	// Reviews and file statistics are merged in a fixed order, so the
	// outputs do not depend on timing.
	var (
		uk       *userKeys
		contacts contactList
		grouped  []Contact // the contacts in CiviCRM groups
		og       *OGData
		index    *emailIndex
	)
	xs := [3]*Extractor{}
	errs := [3]error{}
	tick := &ticker{p: cfg.Progress}
	tick.stage("reading", 0)
	for i := range xs {
		xs[i] = &Extractor{Overrides: cfg.Overrides, Strict: cfg.Strict, Review: &Review{}, progress: tick}
	}
	var ogRescue par.Rescue
	ogDone := make(chan struct{})
	go func() {
		defer close(ogDone)
		defer ogRescue.Catch()
		if cfg.HasOG() {
			og, errs[2] = xs[2].ExtractOG(cfg.OG)
		}
	}()
	// Users first, then contacts: only contacts having a user's e-mail key
	// (or a link, or groups) are kept, so a large contacts export is sifted
	// as it is read instead of held whole.
	matchRev := &Review{}
	users, err := xs[0].ExtractUsers(cfg.Users)
	if errs[0] = err; err == nil {
		uk = newUserKeys(users, matchRev)
		sieve := newContactSieve(uk)
		contacts, errs[1] = xs[1].extractContacts(cfg.Contacts, sieve)
		if errs[1] == nil {
			index = sieve.index(&contacts)
			uk.done()
			// The key table is garbage now: collected before matching,
			// its memory serves the links and new contacts instead of
			// fresh pages, which cost more than the collection.
			mem.Collect()
		}
	}
	var m *Matching
	if errs[0] == nil && errs[1] == nil {
		m = matchUsers(uk, &contacts, index, cfg.Match, matchRev)
		grouped = withGroups(&contacts)
		// The contacts and their index, with the users the run's largest
		// tables, die here. A collection now, beside the group sync, brings
		// the heap back down before groups and outputs are built, where
		// waiting would let it grow on from its peak.
		index, uk, contacts = nil, nil, contactList{}
		mem.CollectBeside()
	}
	<-ogDone
	ogRescue.Rethrow()
	tick.stage("grouping", 0)
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	rev := &Review{}
	res := &Result{Review: rev, Match: m}
	for _, x := range xs {
		rev.Items = append(rev.Items, x.Review.Items...)
		res.Stats = append(res.Stats, x.Stats...)
	}
	rev.Items = append(rev.Items, matchRev.Items...)
	if og != nil {
		res.Groups = SyncGroups(og, m, rev)
		res.OGImport = ToOG(grouped, m.Users, m, res.Groups)
	}
	return res, nil
}

// withGroups keeps the contacts that are in some CiviCRM group, the only ones
// the CiviCRM → OG step looks at, so the rest can be freed before groups
// are built.
func withGroups(contacts *contactList) []Contact {
	var kept []Contact
	contacts.each(func(_ int32, c *Contact) {
		if c.inGroups() {
			kept = append(kept, *c)
		}
	})
	return kept
}
