package pipeline

import (
	"fmt"
	"os"

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
	for _, in := range []*Input{c.Contacts.Emails, c.Contacts.UFMatch, c.Contacts.GroupContacts, c.Contacts.Groups, c.Contacts.Phones, c.Contacts.Addresses,
		c.OG.Memberships, c.OG.Roles, c.OG.RoleNames, c.OG.Groups, c.OG.OGGroups} {
		if in != nil {
			paths = append(paths, in.Path)
		}
	}
	return paths
}

// HasOG reports whether any Organic Groups input was given.
func (c *Config) HasOG() bool {
	return c.OG.Memberships != nil || c.OG.Groups != nil || c.OG.Roles != nil || c.OG.OGGroups != nil
}

// Result is everything transform produces and load writes.
type Result struct {
	Match *Matching
	// Suggestions are the likely duplicates of users given new contacts
	// (suggest.go); none with MatchOptions.NoSuggestions.
	Suggestions []Suggestion
	Groups      *GroupSync // nil when no OG input was given
	OGImport    []OGImportRow
	Review      *Review
	Stats       []*FileStats
}

// Transform extracts every input and runs the users-to-contacts sync, the
// OG → CiviCRM groups sync and the CiviCRM → OG listing: extract users,
// sift contacts as they are read, match, then groups and the OG import.
// The OG files are read beside the users and contacts, each file into its
// own review, and users are matched while the (larger) membership file is
// still being read. Reviews and file statistics are merged in a fixed
// order, so the outputs do not depend on timing.
func Transform(cfg *Config) (*Result, error) {
	if err := cfg.Match.checkRule(); err != nil {
		return nil, err
	}
	t := newTransform(cfg)
	t.tick.stage("reading", 0)
	og := t.extractOG()
	m, grouped, sugg, err := t.match()
	ogData, ogErr := og()
	t.tick.stage("grouping", 0)
	if err == nil {
		err = ogErr
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Review: &Review{}, Match: m, Suggestions: sugg}
	for _, x := range t.xs {
		res.Review.Items = append(res.Review.Items, x.Review.Items...)
		res.Stats = append(res.Stats, x.Stats...)
	}
	res.Review.Items = append(res.Review.Items, t.matchRev.Items...)
	if ogData != nil {
		res.Groups = SyncGroups(ogData, m, res.Review)
		res.OGImport = ToOG(grouped, m.Users, m, res.Groups)
	}
	settleRows(t.xs[:], res.Review.Items)
	return res, nil
}

// checkRule defaults the rule and refuses one not known: a rule other
// than the reserved ones comes as Dedupe (read by the caller: rule.go).
func (o *MatchOptions) checkRule() error {
	if o.Rule == "" {
		o.Rule = RuleUnsupervised
	}
	if o.Dedupe != nil {
		return o.Dedupe.check()
	}
	r, ok := BuiltinRule(o.Rule)
	if !ok {
		return fmt.Errorf("unknown rule %q (want %s or %s)", o.Rule, RuleUnsupervised, RuleSupervised)
	}
	o.Dedupe = r
	return nil
}

// transform is Transform at work: an extractor per reading goroutine
// (users, contacts, OG), and the matching's review.
type transform struct {
	cfg      *Config
	tick     *ticker
	xs       [3]*Extractor
	matchRev *Review
}

func newTransform(cfg *Config) *transform {
	t := &transform{cfg: cfg, tick: &ticker{p: cfg.Progress}, matchRev: &Review{}}
	for i := range t.xs {
		t.xs[i] = &Extractor{Overrides: cfg.Overrides, Strict: cfg.Strict, Review: &Review{}, progress: t.tick}
	}
	return t
}

// extractOG reads the OG files, if any, on a goroutine of its own; the
// function it returns waits for them.
func (t *transform) extractOG() func() (*OGData, error) {
	type read struct {
		og  *OGData
		err error
	}
	wait := par.Background(func() read {
		if !t.cfg.HasOG() {
			return read{}
		}
		og, err := t.xs[2].ExtractOG(t.cfg.OG)
		return read{og, err}
	})
	return func() (*OGData, error) {
		r := wait()
		return r.og, r.err
	}
}

// match reads the users, then the contacts, and matches them. Only
// contacts having a user's e-mail key (or a link, or groups) are kept, so
// a large contacts export is sifted as it is read instead of held whole;
// every non-deleted Individual is kept when the rule can match without the
// e-mail or likely duplicates are looked for. It returns the contacts in
// CiviCRM groups, all the CiviCRM → OG step needs of them, and the likely
// duplicates.
func (t *transform) match() (*Matching, []Contact, []Suggestion, error) {
	users, err := t.xs[0].ExtractUsers(t.cfg.Users)
	if err != nil {
		return nil, nil, nil, err
	}
	opt := t.cfg.Match
	if err := opt.Dedupe.suppliedBy(t.cfg.Users.Path, t.xs[0].supplied); err != nil {
		return nil, nil, nil, err
	}
	uk := newUserKeys(users, t.matchRev)
	sieve := newContactSieve(uk)
	// Likely duplicates read the contacts again as a stream when they can
	// (a file, no dumps folded in), instead of holding every contact.
	in := t.cfg.Contacts
	stream := !opt.NoSuggestions && rereadable(in.Contacts.Path) && in.Emails == nil && in.UFMatch == nil && in.GroupContacts == nil &&
		in.Phones == nil && in.Addresses == nil
	sieve.individuals = !opt.Dedupe.emailRequired() || (!opt.NoSuggestions && !stream)
	relaxed := func() {}
	if sieve.individuals {
		// Every Individual is held until matching ends: marking them all
		// again at each collection frees little.
		relaxed = mem.Relax()
		defer relaxed() // on an error too; restoring twice is harmless
	}
	contacts, err := t.xs[1].extractContacts(t.cfg.Contacts, sieve)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := opt.Dedupe.suppliedBy(t.cfg.Contacts.Contacts.Path, t.xs[1].supplied); err != nil {
		return nil, nil, nil, err
	}
	index := sieve.index(&contacts)
	uk.done()
	// The key table is garbage now: collected before matching, its memory
	// serves the links and new contacts instead of fresh pages, which cost
	// more than the collection.
	mem.Collect()
	m := matchUsers(uk, &contacts, index, opt, t.matchRev)
	relaxed()
	var sugg []Suggestion
	if !opt.NoSuggestions && !stream {
		sugg = likelyDuplicates(m, &contacts, t.matchRev)
	}
	grouped := withGroups(&contacts)
	if stream {
		// The contacts read are let go first: the stream needs none of them
		// (a rule that matches without the e-mail kept every Individual,
		// and the stream judges them faster than they could be judged
		// held, from their e-mail cells).
		contacts, index, sieve = contactList{}, nil, nil
		mem.Collect()
		if sugg, err = streamDuplicates(m, in, t.cfg.Overrides, t.matchRev); err != nil {
			return nil, nil, nil, err
		}
	}
	// The contacts and their index, with the users the run's largest
	// tables, die here (the caller keeps none of them). A collection now,
	// beside the group sync, brings the heap back down before groups and
	// outputs are built, where waiting would let it grow on from its peak.
	mem.CollectBeside()
	return m, grouped, sugg, nil
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

// rereadable reports whether path is a regular file, which can be read a
// second time (standard input and pipes cannot).
func rereadable(path string) bool {
	if path == "-" {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
