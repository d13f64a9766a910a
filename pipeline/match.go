package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/civisync/civisync/pipeline/internal/dedupe"
	"github.com/civisync/civisync/pipeline/internal/dense"
)

// This file is CiviCRM's synchronizeUFMatch (SPEC §2) as a rule sheet.
// For each user, in ascending uid, matcher.user runs the steps in the
// order they decide:
//
//	checked       step 1: who is checked
//	existingLink  step 2: the export's uf_match link
//	invalidEmail  step 7: an e-mail without @ gets no contact
//	sharedEmail   step 5: a lower uid with the same e-mail key has the contact
//	emailMatch    steps 3 and 4, the e-mail step: contacts sharing the key,
//	              scored by the dedupe rule (rule.go: weights, threshold),
//	              the best by prefer, passing over those linked elsewhere;
//	              ruleMatch for a rule that can match without the e-mail
//	newContact    step 6: a new Individual
//
// The e-mail key is EmailKey (model.go); which of a contact's e-mails are
// compared is Contact.matchEmails (sieve.go).

// Dedupe rules (--rule).
const (
	// RuleUnsupervised is CiviCRM's "Email (reserved)": email 10, threshold 10.
	RuleUnsupervised = "unsupervised"
	// RuleSupervised is CiviCRM's "Name and Email (reserved)": first name 5,
	// last name 7, email 10, threshold 20.
	RuleSupervised = "supervised"
)

// Rules lists the rules --rule accepts.
var Rules = []string{RuleUnsupervised, RuleSupervised}

// Match kinds: the Match column of user_contacts.csv.
const (
	MatchLinked = "linked" // an existing uf_match link
	MatchEmail  = "email"  // unsupervised rule on e-mail
	MatchNew    = "new"    // a new contact
	MatchShared = "shared" // another user with the same e-mail has the contact
	MatchNone   = "none"   // no contact (invalid e-mail)
)

// MatchOptions steer the users-to-contacts sync.
type MatchOptions struct {
	Rule string // --rule as given
	// Dedupe is the rule (rule.go); nil: the reserved rule Rule names.
	Dedupe           *Rule
	SkipBlocked      bool
	ExternalIDPrefix string
	NoSuggestions    bool // no likely duplicates (suggest.go)
}

// Link is one checked user and the contact it ends with: an existing
// contact (ContactID), a new one (New > 0, 1-based into Matching.New), the
// contact of another user (shared), or none. It holds no pointer and is
// kept small: a large site has millions.
type Link struct {
	UID       int64
	ContactID int64
	User      int32 // index into Matching.Users
	New       int32
	Score     int32
	Fields    uint32 // the rule's fields that matched: bit i, Rule.Fields[i]
	kind      matchKind
}

// MatchOf is l's Match column: how the user reached its contact; a rule
// other than the reserved unsupervised one by its name.
func (m *Matching) MatchOf(l *Link) string {
	if l.kind == kindRule {
		return m.Rule.Name
	}
	return matchNames[l.kind]
}

// FieldsOf names the rule's fields that matched for l: "first_name,
// last_name, email".
func (m *Matching) FieldsOf(l *Link) string {
	if l.Fields == 0 {
		return ""
	}
	return m.Rule.matchedFields(l.Fields)
}

// matchKind numbers the Match column's words.
type matchKind uint8

const (
	kindUnset matchKind = iota
	kindLinked
	kindEmail
	kindNew
	kindShared
	kindNone
	kindRule // a rule other than the reserved unsupervised: Matching.Rule's name
)

var matchNames = [...]string{kindUnset: "", kindLinked: MatchLinked, kindEmail: MatchEmail, kindNew: MatchNew,
	kindShared: MatchShared, kindNone: MatchNone}

// NewContact is a contact to create with CiviCRM's Import Contacts.
type NewContact struct {
	UID        int64
	First      string
	Last       string
	Email      string
	ExternalID string
}

// Matching is the outcome of the users-to-contacts sync.
type Matching struct {
	Links   []Link // checked users, ascending uid
	New     []NewContact
	byUID   dense.Index[int32] // uid -> index into Links
	Checked int                // users with uid > 0 and an e-mail
	Found   int                // users linked to an existing contact
	Created int                // new contacts
	Skipped int                // users given no contact of their own

	// Rule is the dedupe rule users were matched with.
	Rule *Rule
	// Users is the users export by uid, each uid once.
	Users []User
	uids  []int64 // every uid of the users export, ascending
}

// ContactOf says how uid reaches CiviCRM: an existing contact id, or the
// e-mail of a contact to be created. ok is false when the user has none.
func (m *Matching) ContactOf(uid int64) (cid int64, newEmail string, ok bool) {
	num, ok := m.contactNumber(uid)
	switch {
	case !ok:
		return 0, "", false
	case num >= firstNew:
		return 0, m.New[num-firstNew].Email, true
	}
	return num, "", true
}

// firstNew is the contact number of the first new contact: a contact is
// numbered by its id, or, not yet made, by firstNew + its index in New.
const firstNew = int64(1) << 62

// contactNumber is ContactOf as one number: a contact id, or firstNew +
// the index of a new contact (see Member).
func (m *Matching) contactNumber(uid int64) (int64, bool) {
	i, found := m.byUID.Get(uid)
	if !found {
		return 0, false
	}
	l := &m.Links[i]
	switch {
	case l.ContactID != 0:
		return l.ContactID, true
	case l.New > 0:
		return firstNew + int64(l.New-1), true
	}
	return 0, false
}

// LinkOf returns the index in Links of uid's link.
func (m *Matching) LinkOf(uid int64) (int, bool) {
	i, ok := m.byUID.Get(uid)
	return int(i), ok
}

// known reports whether the users export has uid.
func (m *Matching) known(uid int64) bool {
	_, ok := slices.BinarySearch(m.uids, uid)
	return ok
}

// MatchUsers links users to contacts as CiviCRM's synchronizeUFMatch does
// (SPEC §2), one user at a time in ascending uid. contacts must be sorted by id.
func MatchUsers(users []User, contacts []Contact, opt MatchOptions, rev *Review) *Matching {
	uk := newUserKeys(users, rev)
	l := oneList(contacts)
	return matchUsers(uk, &l, newEmailIndex(&l, uk), opt, rev)
}

// matchUsers is MatchUsers with the users' keys and the e-mail index
// already built (Transform builds them while other files are still being
// read). contacts may leave out contacts that do not matter to uk.
func matchUsers(uk *userKeys, contacts *contactList, byKey *emailIndex, opt MatchOptions, rev *Review) *Matching {
	mt := newMatcher(uk, contacts, byKey, opt, rev)
	var warm warmer
	for ui := range uk.users {
		if ui%warmBlock == 0 {
			warm.touch(uk.of[ui:min(ui+warmBlock, len(uk.users))], byKey, contacts, mt.linkedUser)
		}
		mt.user(ui)
	}
	return mt.m
}

// user runs SPEC §2 for one user: the first step that decides ends it.
func (mt *matcher) user(ui int) {
	u, e := &mt.uk.users[ui], mt.uk.of[ui]
	if !mt.checked(u, e) {
		return
	}
	l := mt.link(u, ui)
	switch {
	case mt.existingLink(u, e, l):
	case mt.invalidEmail(u, e, l):
	case mt.sharedEmail(u, e, l):
	case mt.emailMatch(u, e, l):
	default:
		mt.newContact(u, l)
	}
}

// Step 1: users with an id and an e-mail are checked; blocked ones too,
// unless told.
func (mt *matcher) checked(u *User, e int32) bool {
	switch {
	case u.UID <= 0:
		return false // the anonymous user
	case mt.opt.SkipBlocked && u.Blocked:
		mt.rev.Add(KindBlockedUser, u.Src, u.UID, 0, "blocked user left out (--skip-blocked)")
		return false
	case e == keyNone:
		mt.rev.Add(KindNoEmail, u.Src, u.UID, 0, "user has no e-mail; CiviCRM checks only users with one")
		return false
	}
	mt.m.Checked++
	return true
}

// Step 2: a contact linked to the user (uf_match) is the user's contact.
func (mt *matcher) existingLink(u *User, e int32, l *Link) bool {
	ci, ok := mt.contactOfUF.Get(u.UID)
	if !ok {
		return false
	}
	c := mt.contacts.at(ci)
	l.ContactID, l.kind = c.ID, kindLinked
	mt.m.Found++
	if c.Deleted {
		mt.rev.Add(KindLinkedContactDeleted, u.Src, u.UID, c.ID, "the user's linked contact is in the trash")
	}
	if e >= 0 {
		mt.byKey.claim(e, mt.at) // for step 5, unless a lower uid has it
	}
	return true
}

// Step 7: an address without @, or with nothing before or after it, gets
// no contact.
func (mt *matcher) invalidEmail(u *User, e int32, l *Link) bool {
	if e != keyInvalid {
		return false
	}
	l.kind = kindNone
	mt.m.Skipped++
	why := "has no @"
	if strings.Contains(u.Email, "@") {
		why = "needs text on both sides of @"
	}
	mt.rev.Add(KindInvalidEmail, u.Src, u.UID, 0, fmt.Sprintf("e-mail %q %s; no contact is made", u.Email, why))
	return true
}

// Step 5: a lower uid with the same e-mail key has the contact; else this
// user takes the key.
func (mt *matcher) sharedEmail(u *User, e int32, l *Link) bool {
	owner := mt.byKey.claim(e, mt.at)
	if owner < 0 {
		return false
	}
	o := &mt.m.Links[owner]
	l.ContactID, l.New, l.kind = o.ContactID, o.New, kindShared
	mt.m.Skipped++
	mt.rev.Add(KindDuplicateEmail, u.Src, u.UID, o.ContactID,
		fmt.Sprintf("same e-mail as user %d, who has the contact; this user gets no contact of its own", o.UID))
	return true
}

// Steps 3 and 4, the e-mail step: of the non-deleted Individuals having
// the user's e-mail key among their e-mails, scored by the rule, the
// preferred one (see prefer) not linked to another user (CRM-9091). A
// rule that can match without the e-mail looks in its own index instead
// (ruleMatch).
func (mt *matcher) emailMatch(u *User, e int32, l *Link) bool {
	if mt.index != nil {
		return mt.ruleMatch(u, l)
	}
	mt.cands = mt.byKey.candidates(e, mt.cands)
	mt.taken, mt.mismatch, mt.takenMore = mt.taken[:0], mt.mismatch[:0], 0
	if !mt.emailOnly && len(mt.cands) > 0 {
		mt.keys = mt.ruleKeys.userKeys(userValues(u), mt.keys)
	}
	best, bestAt := choice{}, int32(-1)
	for _, c := range mt.cands {
		cc := mt.contacts.at(c.contact)
		ch := choice{score: mt.emailWeight, fields: mt.emailFields, primary: c.primary, id: cc.ID}
		if !mt.emailOnly {
			ch.score, ch.fields = mt.ruleKeys.score(mt.keys, contactValues(cc))
		}
		switch {
		case ch.score < mt.rule.Threshold:
			mt.mismatch = append(mt.mismatch, ch)
		case mt.linkedUser[c.contact] != 0: // CRM-9091
			mt.taken = append(mt.taken, ch)
		case bestAt < 0 || prefer(ch, best):
			best, bestAt = ch, c.contact
		}
	}
	return mt.take(u, l, best, bestAt)
}

// ruleMatch is steps 3 and 4 for a rule that can match without the
// e-mail: the candidates are every non-deleted Individual whose matching
// fields reach the threshold (ruleIndex). Only when none is free are they
// all listed, for newContact's review item.
func (mt *matcher) ruleMatch(u *User, l *Link) bool {
	mt.taken, mt.mismatch, mt.takenMore = mt.taken[:0], mt.mismatch[:0], 0
	mt.ruleKey = mt.uk.of[l.User]
	g := mt.ahead[l.User]
	if g.Contact >= 0 && mt.linkedUser[g.Contact] != 0 { // taken since: look again
		if run := mt.runs[l.User]; run.Valid() {
			g = mt.index.firstFree(run, mt.pick)
		} else {
			g = mt.index.best(l.User, mt.pick)
		}
	}
	if g.Contact >= 0 {
		return mt.take(u, l, mt.choiceOf(g), g.Contact)
	}
	// Every candidate is linked elsewhere (CRM-9091): the first few are
	// named for review.
	listed, total := mt.index.listed(l.User, maxListed, mt.pick)
	for _, g := range listed {
		mt.taken = append(mt.taken, mt.choiceOf(g))
	}
	mt.takenMore = total - len(listed)
	return false
}

// choiceOf is a candidate of the rule's index as the e-mail step has one.
func (mt *matcher) choiceOf(g dedupe.Candidate) choice {
	return choice{score: g.Score, fields: g.Matched, primary: g.Primary, id: mt.contacts.at(g.Contact).ID}
}

// maxListed is how many contacts passed over a review item names; the
// rest are counted ("and 12 more").
const maxListed = 10

// rulePick is the dedupe.Pick for the user whose e-mail key is *key:
// contacts linked to a user are passed over (CRM-9091), and a contact is
// primary when its primary e-mail's key is the user's.
func (mt *matcher) rulePick(key *int32) dedupe.Pick {
	return dedupe.Pick{
		Skip:         func(i int32) bool { return mt.linkedUser[i] != 0 },
		PrimarySlots: mt.emailSlots,
		Primary:      func(i int32) bool { return *key >= 0 && mt.index.primary[i] == *key },
	}
}

// ruleAhead works out every user's rule winner on every core before the
// users are matched in order (ruleIndex.ahead).
func (mt *matcher) ruleAhead() {
	mt.ahead, mt.runs = mt.index.ahead(len(mt.uk.users), func() func(u int32) dedupe.Pick {
		key := new(int32)
		pick := mt.rulePick(key)
		return func(u int32) dedupe.Pick {
			*key = mt.uk.of[u]
			return pick
		}
	})
}

// take links the user to the chosen candidate, if there is one.
func (mt *matcher) take(u *User, l *Link, best choice, bestAt int32) bool {
	if bestAt < 0 {
		return false
	}
	l.ContactID, l.Score, l.Fields, l.kind = best.id, int32(best.score), best.fields, mt.kind
	mt.linkedUser[bestAt] = u.UID
	mt.m.Found++
	return true
}

// choice is a candidate contact of the e-mail step.
type choice struct {
	score   int    // the rule's score
	fields  uint32 // the rule's fields that matched
	primary bool   // the e-mail matched is the contact's primary
	id      int64  // contact id
}

// prefer reports whether candidate a wins over b: the higher rule score,
// then the one whose matching e-mail is its primary, then the lowest
// contact id (SPEC §2 step 3).
func prefer(a, b choice) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.primary != b.primary {
		return a.primary
	}
	return a.id < b.id
}

// Step 6: a new Individual, named from the export's names only; why an
// e-mail's contacts were passed over is listed for review.
func (mt *matcher) newContact(u *User, l *Link) {
	m := mt.m
	m.New = append(m.New, NewContact{UID: u.UID, First: u.First, Last: u.Last, Email: u.Email, ExternalID: externalID(mt.opt.ExternalIDPrefix, u.UID)})
	l.New, l.kind = int32(len(m.New)), kindNew
	m.Created++
	r := mt.rule
	if taken := byPreference(mt.taken); len(taken) > 0 {
		ids := joinIDs(taken, mt.takenMore)
		what := "with this e-mail"
		if !r.EmailOnly() {
			what = fmt.Sprintf("matching by rule %s (%s: %d)", r.Name, r.matchedFields(taken[0].fields), taken[0].score)
		}
		mt.rev.Add(KindContactLinkedElsewhere, u.Src, u.UID, taken[0].id,
			fmt.Sprintf("contact %s %s is linked to another user; a new contact is made", ids, what))
	} else if mismatch := byPreference(mt.mismatch); len(mismatch) > 0 {
		mt.rev.Add(KindNameMismatch, u.Src, u.UID, mismatch[0].id,
			fmt.Sprintf("contact %s has this e-mail but scores %d of the %d rule %s needs (matched: %s; not: %s); a new contact is made",
				joinIDs(mismatch, 0), mismatch[0].score, r.Threshold, r.Name, r.matchedFields(mismatch[0].fields), r.matchedFields(r.allFields()&^mismatch[0].fields)))
	}
}

// byPreference orders contacts passed over as prefer would at equal
// scores: the order CiviCRM lists them in.
func byPreference(cs []choice) []choice {
	if len(cs) > 1 {
		slices.SortStableFunc(cs, func(a, b choice) int {
			a.score, b.score = 0, 0
			return byPrefer(a, b)
		})
	}
	return cs
}

// matcher is matchUsers at work.
type matcher struct {
	m           *Matching
	uk          *userKeys
	contacts    *contactList
	byKey       *emailIndex
	opt         MatchOptions
	rule        *Rule
	kind        matchKind // how a contact the rule found is named: email, or the rule's name
	rev         *Review
	contactOfUF dense.Index[int32] // uid -> its linked contact (step 2)
	linkedUser  []int64            // contact -> the user it is linked to (step 4), 0 if none
	at          int32              // the index in Links of the user being matched
	// The rule's comparisons. An e-mail-only rule (the reserved
	// unsupervised one) weighs nothing: every candidate has the e-mail.
	emailOnly   bool
	emailWeight int
	emailFields uint32
	emailSlots  uint32 // the rule's e-mail fields
	ruleKeys    *ruleKeys
	index       *ruleIndex // for a rule that can match without the e-mail
	pick        dedupe.Pick
	ahead       []dedupe.Candidate // each user's winner worked out ahead (ruleAhead)
	runs        []dedupe.Run       // and where its next one is, when that is simple
	ruleKey     int32              // the e-mail key number of the user ruleMatch is matching
	// Scratch of the e-mail step, reused user after user.
	cands           []candidate
	taken, mismatch []choice
	takenMore       int // candidates linked elsewhere beyond those in taken
	keys            []string
}

func newMatcher(uk *userKeys, contacts *contactList, byKey *emailIndex, opt MatchOptions, rev *Review) *matcher {
	users := uk.users
	m := &Matching{Users: users, uids: make([]int64, 0, len(users)), Links: make([]Link, 0, len(users)),
		New: make([]NewContact, 0, byKey.unmatched())}
	for i := range users {
		if users[i].UID > 0 {
			m.uids = append(m.uids, users[i].UID)
		}
	}
	m.byUID = dense.New[int32](m.uids)
	rule := opt.Dedupe
	if rule == nil {
		rule, _ = BuiltinRule(opt.Rule)
	}
	m.Rule = rule
	mt := &matcher{m: m, uk: uk, contacts: contacts, byKey: byKey, opt: opt, rule: rule, rev: rev,
		contactOfUF: dense.New[int32](m.uids), linkedUser: make([]int64, contacts.n),
		emailOnly: rule.EmailOnly(), ruleKeys: newRuleKeys(rule), kind: kindRule}
	if rule.Name == MatchEmail && rule.EmailOnly() {
		mt.kind = kindEmail
	}
	if mt.emailOnly {
		mt.emailWeight, mt.emailFields = rule.Fields[0].Weight, 1
	}
	for slot, f := range rule.Fields {
		if f.Field == FieldEmail {
			mt.emailSlots |= 1 << slot
		}
	}
	if !rule.emailRequired() {
		mt.index = newRuleIndex(rule, len(users), func(u int) valuesOf { return userValues(&users[u]) }, contacts.n, func(i int32) valuesOf {
			c := contacts.at(i)
			if c.Deleted || !c.IsIndividual() {
				return nil
			}
			return contactValues(c)
		}, &emailKeys{uk.of, byKey})
		mt.pick = mt.rulePick(&mt.ruleKey)
	}
	mt.readLinks()
	if mt.index != nil {
		mt.ruleAhead()
	}
	return mt
}

// readLinks reads the export's uf_match links: step 2's links, and step
// 4's "already linked". Of two links to one user the first stays.
func (mt *matcher) readLinks() {
	mt.contacts.each(func(i int32, c *Contact) {
		if c.UFID == 0 {
			return
		}
		if prev, dup := mt.contactOfUF.Get(c.UFID); dup {
			mt.rev.Add(KindLinkConflict, c.Src, c.UFID, c.ID, fmt.Sprintf("user is already linked to contact %d; this link is ignored", mt.contacts.at(prev).ID))
			return
		}
		mt.contactOfUF.Set(c.UFID, i)
		mt.linkedUser[i] = c.UFID
	})
}

// link adds a checked user's Link, to be filled by the step that decides.
func (mt *matcher) link(u *User, ui int) *Link {
	m := mt.m
	mt.at = int32(len(m.Links))
	m.byUID.Set(u.UID, mt.at)
	m.Links = append(m.Links, Link{UID: u.UID, User: int32(ui)})
	return &m.Links[mt.at]
}

func externalID(prefix string, uid int64) string {
	if prefix == "" {
		return ""
	}
	return fmt.Sprintf("%s%d", prefix, uid)
}

// joinIDs names contacts: "12, 15, 19", at most maxListed of them, and
// how many more there are ("and 4 more") with the more not in cs.
func joinIDs(cs []choice, more int) string {
	if len(cs) > maxListed {
		cs, more = cs[:maxListed], more+len(cs)-maxListed
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = fmt.Sprint(c.id)
	}
	if more > 0 {
		return fmt.Sprintf("%s and %d more", strings.Join(s, ", "), more)
	}
	return strings.Join(s, ", ")
}
