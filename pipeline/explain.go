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
	u := &m.Users[ui]
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("User %d (%s:%d): e-mail %q, first name %q, last name %q", u.UID, u.File, u.Line, u.Email, u.First, u.Last)
	p("Rule %s", rule)

	// Step 1.
	switch {
	case u.UID <= 0:
		p("Step 1, who is checked: user 0 is the anonymous user, never checked.")
		return nil
	case cfg.Match.SkipBlocked && u.Blocked:
		p("Step 1, who is checked: the user is blocked and --skip-blocked leaves it out.")
		return nil
	case strings.TrimSpace(u.Email) == "":
		p("Step 1, who is checked: the user has no e-mail; CiviCRM checks only users with one.")
		return nil
	}
	blocked := ""
	if u.Blocked {
		blocked = " (blocked users are checked too)"
	}
	p("Step 1, who is checked: checked%s.", blocked)
	li, _ := m.LinkOf(uid)
	link := m.Links[li]
	defer func() {
		p("Result: Match %q, Rule Score %d, %s.", m.MatchOf(&link), link.Score, describeLink(link))
	}()

	// Step 2: the export's links (the first contact naming a user wins).
	linkedBy := map[int64]int64{} // contact id -> user linked by the export
	exportLink := map[int64]*Contact{}
	for i := range contacts {
		c := &contacts[i]
		if c.UFID != 0 {
			if _, dup := exportLink[c.UFID]; !dup {
				exportLink[c.UFID] = c
				linkedBy[c.ID] = c.UFID
			}
		}
	}
	if c, ok := exportLink[uid]; ok {
		p("Step 2, existing link: contact %d (%s:%d) is linked to this user; it is the user's contact.", c.ID, c.File, c.Line)
		return nil
	}
	p("Step 2, existing link: no contact is linked to user %d.", uid)

	// Step 7.
	key := EmailKey(u.Email)
	if !strings.Contains(key, "@") {
		p("Step 7, invalid e-mail: %q has no @; the user gets no contact.", u.Email)
		return nil
	}
	// Step 5: the lowest checked user with the same key has the contact.
	for _, l := range m.Links {
		if l.UID >= uid {
			break
		}
		if l.kind != kindNone && EmailKey(m.Users[l.User].Email) == key {
			p("Step 5, users sharing an e-mail: user %d, lower, has e-mail key %q and the contact; this user shares it.", l.UID, key)
			return nil
		}
	}
	p("Step 5, users sharing an e-mail: no lower user id has e-mail key %q.", key)

	// Step 3: every contact the rule reaches.
	linkedByRun := map[int64]int64{} // contact id -> a lower user the run linked it to
	for _, l := range m.Links {
		if l.UID >= uid {
			break
		}
		if l.ContactID != 0 && (l.kind == kindEmail || l.kind == kindRule) {
			linkedByRun[l.ContactID] = l.UID
		}
	}
	keys := newRuleKeys(rule)
	uk := keys.userKeys(userValues(u), nil)
	type candidate struct {
		choice
		contact int32
	}
	var cands []candidate
	var below, never []string
	for i := range contacts {
		c := &contacts[i]
		score, matched := keys.score(uk, contactValues(c))
		if matched == 0 {
			continue
		}
		scored := fmt.Sprintf("contact %d (%s:%d): %s", c.ID, c.File, c.Line, fieldScores(rule, matched, score))
		switch {
		case c.Deleted:
			never = append(never, scored+": in the trash, never a candidate")
		case !c.IsIndividual():
			never = append(never, fmt.Sprintf("%s: an %s, never a candidate", scored, c.Type))
		case score < rule.Threshold:
			below = append(below, scored)
		default:
			cands = append(cands, candidate{contact: int32(i), choice: choice{id: c.ID, score: score, fields: matched,
				primary: c.Primary != "" && EmailKey(c.Primary) == key && rule.Uses(FieldEmail)}})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int { return byPrefer(a.choice, b.choice) })
	p("Step 3, candidates: the non-deleted Individuals scoring %d or more, best first (best score, then a primary e-mail, then the lowest contact id): %d.", rule.Threshold, len(cands))
	var winner *candidate
	for i := range cands {
		cd := &cands[i]
		c := &contacts[cd.contact]
		line := fmt.Sprintf("  contact %d (%s:%d): %s", c.ID, c.File, c.Line, fieldScores(rule, cd.fields, cd.score))
		if cd.primary {
			line += ", its primary e-mail"
		}
		switch other, byExport := linkedBy[c.ID]; {
		case byExport && other != uid:
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
		p("%s", line)
	}
	// Contacts sharing a common surname can be thousands: the first few say
	// enough.
	const shown = 10
	for i, s := range below {
		if i == shown {
			p("  … and %d more contacts below the threshold", len(below)-shown)
			break
		}
		p("  %s: below the threshold %d", s, rule.Threshold)
	}
	for _, s := range never {
		p("  %s", s)
	}
	if winner != nil {
		c := &contacts[winner.contact]
		if link.ContactID != c.ID {
			p("Note: the run linked the user otherwise (contact %d): please report this difference.", link.ContactID)
		}
		return nil
	}
	// Step 6.
	p("Step 6, no match: the user gets a new Individual contact with its e-mail and names.")
	dups := suggestDuplicates([]dupPerson{dupOfUser(u)}, len(contacts), func(i int, p *dupPerson) bool {
		c := &contacts[i]
		if c.Deleted || !c.IsIndividual() {
			return false
		}
		dupOfContact(c, p)
		return true
	})
	if len(dups) == 0 {
		p("Likely duplicates: none.")
	}
	for _, d := range dups {
		p("Likely duplicate: contact %d, Score %d: %s.", d.ContactID, d.Score, d.Why)
	}
	return nil
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
