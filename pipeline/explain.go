package pipeline

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Explain runs the sync as Transform does and then tells, step by step
// (SPEC §2), how user uid reached its contact: whether it was checked, an
// existing link, a lower user with the same e-mail, every contact the rule
// reaches with its score field by field, those passed over as linked to
// another user (CRM-9091), why the winner won, and for a new contact the
// likely duplicates. The steps are worked out again beside the run and
// checked against the run's own link.
func Explain(cfg *Config, rule *Rule, uid int64, w io.Writer) error {
	res, err := Transform(cfg)
	if err != nil {
		return err
	}
	m := res.Match
	x := &Extractor{Overrides: cfg.Overrides, Review: &Review{}}
	contacts, err := x.ExtractContacts(cfg.Contacts)
	if err != nil {
		return err
	}
	ui, found := slices.BinarySearchFunc(m.Users, uid, func(u User, id int64) int { return cmpInt(u.UID, id) })
	if !found {
		return fmt.Errorf("%s: user %d is not in the users export", cfg.Users.Path, uid)
	}
	e := &explainer{m: m, rule: rule, contacts: contacts, u: &m.Users[ui], uid: uid,
		p: func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }}
	e.p("User %d (%s:%d): e-mail %q, first name %q, last name %q", e.u.UID, e.u.File, e.u.Line, e.u.Email, e.u.First, e.u.Last)
	e.p("Rule %s", rule)
	if !e.checked(cfg.Match.SkipBlocked) {
		return nil
	}
	li, _ := m.LinkOf(uid)
	e.link = m.Links[li]
	defer func() {
		e.p("Result: Match %q, Rule Score %d, %s.", m.MatchOf(&e.link), e.link.Score, describeLink(e.link))
	}()
	if e.existingLink() {
		return nil
	}
	e.key = EmailKey(e.u.Email)
	if e.invalidEmail() || e.sharedEmail() || e.ruleMatch() {
		return nil
	}
	e.newContact()
	return nil
}

// explainer walks one user through SPEC §2's steps, in the order they
// decide, saying what each found.
type explainer struct {
	m        *Matching
	rule     *Rule
	contacts []Contact
	u        *User
	uid      int64
	key      string          // the user's e-mail key
	link     Link            // what the run made of the user
	linkedBy map[int64]int64 // contact id -> the user the export links it to
	p        func(format string, args ...any)
}

// checked is step 1: whether the user is checked at all.
func (e *explainer) checked(skipBlocked bool) bool {
	switch {
	case e.u.UID <= 0:
		e.p("Step 1, who is checked: user 0 is the anonymous user, never checked.")
		return false
	case skipBlocked && e.u.Blocked:
		e.p("Step 1, who is checked: the user is blocked and --skip-blocked leaves it out.")
		return false
	case strings.TrimSpace(e.u.Email) == "":
		e.p("Step 1, who is checked: the user has no e-mail; CiviCRM checks only users with one.")
		return false
	}
	blocked := ""
	if e.u.Blocked {
		blocked = " (blocked users are checked too)"
	}
	e.p("Step 1, who is checked: checked%s.", blocked)
	return true
}

// existingLink is step 2: the export's links (the first contact naming a
// user wins). It reports whether one decided.
func (e *explainer) existingLink() bool {
	e.linkedBy = map[int64]int64{}
	exportLink := map[int64]*Contact{}
	for i := range e.contacts {
		c := &e.contacts[i]
		if c.UFID != 0 {
			if _, dup := exportLink[c.UFID]; !dup {
				exportLink[c.UFID] = c
				e.linkedBy[c.ID] = c.UFID
			}
		}
	}
	if c, ok := exportLink[e.uid]; ok {
		e.p("Step 2, existing link: contact %d (%s:%d) is linked to this user; it is the user's contact.", c.ID, c.File, c.Line)
		return true
	}
	e.p("Step 2, existing link: no contact is linked to user %d.", e.uid)
	return false
}

// invalidEmail is step 7, which decides before the others look.
func (e *explainer) invalidEmail() bool {
	if strings.Contains(e.key, "@") {
		return false
	}
	e.p("Step 7, invalid e-mail: %q has no @; the user gets no contact.", e.u.Email)
	return true
}

// sharedEmail is step 5: the lowest checked user with the same key has
// the contact.
func (e *explainer) sharedEmail() bool {
	for _, l := range e.m.Links {
		if l.UID >= e.uid {
			break
		}
		if l.kind != kindNone && EmailKey(e.m.Users[l.User].Email) == e.key {
			e.p("Step 5, users sharing an e-mail: user %d, lower, has e-mail key %q and the contact; this user shares it.", l.UID, e.key)
			return true
		}
	}
	e.p("Step 5, users sharing an e-mail: no lower user id has e-mail key %q.", e.key)
	return false
}

// explainCandidate is a contact the rule reaches, with how it scored.
type explainCandidate struct {
	choice
	contact int32
}

// ruleMatch is steps 3 and 4: every contact the rule reaches, best first,
// those passed over (CRM-9091) and the winner. It reports whether one won.
func (e *explainer) ruleMatch() bool {
	cands, below, never := e.scoreContacts()
	slices.SortFunc(cands, func(a, b explainCandidate) int { return byPrefer(a.choice, b.choice) })
	e.p("Step 3, candidates: the non-deleted Individuals scoring %d or more, best first (best score, then a primary e-mail, then the lowest contact id): %d.", e.rule.Threshold, len(cands))
	winner := e.pickWinner(cands)
	// Contacts sharing a common surname can be thousands: the first few say
	// enough.
	const shown = 10
	for i, s := range below {
		if i == shown {
			e.p("  … and %d more contacts below the threshold", len(below)-shown)
			break
		}
		e.p("  %s: below the threshold %d", s, e.rule.Threshold)
	}
	for _, s := range never {
		e.p("  %s", s)
	}
	if winner == nil {
		return false
	}
	if c := &e.contacts[winner.contact]; e.link.ContactID != c.ID {
		e.p("Note: the run linked the user otherwise (contact %d): please report this difference.", e.link.ContactID)
	}
	return true
}

// scoreContacts scores every contact under the rule: the candidates, and,
// spelled out, those below the threshold and those never candidates.
func (e *explainer) scoreContacts() (cands []explainCandidate, below, never []string) {
	keys := newRuleKeys(e.rule)
	uk := keys.userKeys(userValues(e.u), nil)
	for i := range e.contacts {
		c := &e.contacts[i]
		score, matched := keys.score(uk, contactValues(c))
		if matched == 0 {
			continue
		}
		scored := fmt.Sprintf("contact %d (%s:%d): %s", c.ID, c.File, c.Line, fieldScores(e.rule, matched, score))
		switch {
		case c.Deleted:
			never = append(never, scored+": in the trash, never a candidate")
		case !c.IsIndividual():
			never = append(never, fmt.Sprintf("%s: an %s, never a candidate", scored, c.Type))
		case score < e.rule.Threshold:
			below = append(below, scored)
		default:
			cands = append(cands, explainCandidate{contact: int32(i), choice: choice{id: c.ID, score: score, fields: matched,
				primary: c.Primary != "" && EmailKey(c.Primary) == e.key && e.rule.Uses(FieldEmail)}})
		}
	}
	return cands, below, never
}

// pickWinner lists the candidates in order: a contact linked to another
// user, by the export or earlier in this run, is passed over (step 4,
// CRM-9091); the first one left wins.
func (e *explainer) pickWinner(cands []explainCandidate) *explainCandidate {
	linkedByRun := map[int64]int64{} // contact id -> a lower user the run linked it to
	for _, l := range e.m.Links {
		if l.UID >= e.uid {
			break
		}
		if l.ContactID != 0 && (l.kind == kindEmail || l.kind == kindRule) {
			linkedByRun[l.ContactID] = l.UID
		}
	}
	var winner *explainCandidate
	for i := range cands {
		cd := &cands[i]
		c := &e.contacts[cd.contact]
		line := fmt.Sprintf("  contact %d (%s:%d): %s", c.ID, c.File, c.Line, fieldScores(e.rule, cd.fields, cd.score))
		if cd.primary {
			line += ", its primary e-mail"
		}
		switch other, byExport := e.linkedBy[c.ID]; {
		case byExport && other != e.uid:
			line += fmt.Sprintf(": linked to user %d by the export, passed over (step 4, CRM-9091)", other)
		case linkedByRun[c.ID] != 0:
			line += fmt.Sprintf(": linked to user %d earlier in this run, passed over (step 4, CRM-9091)", linkedByRun[c.ID])
		case winner == nil:
			winner = cd
			line += ": the winner"
			if i+1 < len(cands) {
				line += " (" + whyWon(cd.choice, cands[i+1].choice) + ")"
			}
		}
		e.p("%s", line)
	}
	return winner
}

// newContact is step 6, with the likely duplicates of the new contact.
func (e *explainer) newContact() {
	e.p("Step 6, no match: the user gets a new Individual contact with its e-mail and names.")
	dups := suggestDuplicates([]dupPerson{dupOfUser(e.u)}, len(e.contacts), func(i int, p *dupPerson) bool {
		c := &e.contacts[i]
		if c.Deleted || !c.IsIndividual() {
			return false
		}
		dupOfContact(c, p)
		return true
	})
	if len(dups) == 0 {
		e.p("Likely duplicates: none.")
	}
	for _, d := range dups {
		e.p("Likely duplicate: contact %d, Score %d: %s.", d.ContactID, d.Score, d.Why)
	}
}

// fieldScores spells a score out field by field: "first_name +5, email +10
// = 15".
func fieldScores(r *Rule, matched uint32, score int) string {
	var parts []string
	for slot, f := range r.Fields {
		if matched&(1<<slot) != 0 {
			parts = append(parts, fmt.Sprintf("%s +%d", f.Field, f.Weight))
		}
	}
	return fmt.Sprintf("%s = %d", strings.Join(parts, ", "), score)
}

// whyWon says what put a ahead of b, the next candidate.
func whyWon(a, b choice) string {
	switch {
	case a.score > b.score:
		return fmt.Sprintf("score %d beats %d", a.score, b.score)
	case a.primary && !b.primary:
		return fmt.Sprintf("same score as contact %d, but the e-mail is its primary one", b.id)
	}
	return fmt.Sprintf("same score as contact %d, and the lower contact id", b.id)
}

// describeLink says where the link leads.
func describeLink(l Link) string {
	switch {
	case l.ContactID != 0:
		return fmt.Sprintf("contact %d", l.ContactID)
	case l.New > 0:
		return fmt.Sprintf("new contact %d of new_contacts.csv", l.New)
	}
	return "no contact"
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
