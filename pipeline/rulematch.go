package pipeline

import (
	"strings"
	"time"

	"github.com/civisync/civisync/pipeline/internal/dedupe"
	"github.com/civisync/civisync/pipeline/internal/keyset"
	"github.com/civisync/civisync/pipeline/internal/par"
)

// valuesOf is a person's values of rule fields (a *User, a *Contact): a
// contact may have several of one field (every e-mail, every phone), a
// user one. appendValues appends them to dst.
type valuesOf interface {
	appendValues(dst []string, field string) []string
}

// ruleKeys computes the comparison keys of a rule's fields: e-mails as
// step 3 keys them, phones as digits, birth dates as dates, the rest as
// MySQL's utf8mb4_unicode_ci compares (case and accents ignored), each cut
// to the field's length. Not safe for concurrent use.
type ruleKeys struct {
	rule   *Rule
	folder *dedupe.Folder
	buf    []byte
	vals   []string
}

func newRuleKeys(r *Rule) *ruleKeys { return &ruleKeys{rule: r, folder: dedupe.NewFolder()} }

// key is the comparison key of value for the rule's field slot; "" never
// matches.
func (k *ruleKeys) key(slot int, value string) string {
	k.buf = k.appendKey(k.buf[:0], slot, value)
	return string(k.buf)
}

// appendKey appends key(slot, value) to dst.
func (k *ruleKeys) appendKey(dst []byte, slot int, value string) []byte {
	f := k.rule.Fields[slot]
	switch f.Field {
	case FieldPhone:
		return append(dst, dedupe.DigitsKey(value, f.Length)...)
	case FieldEmail:
		// As step 3 keys e-mails, cut to the length.
		start := len(dst)
		dst = appendEmailKey(dst, value)
		if f.Length > 0 {
			dst = dst[:start+len(dedupe.Prefix(string(dst[start:]), f.Length))]
		}
		return dst
	case FieldBirthDate:
		value = isoDate(value)
	}
	return k.folder.Append(dst, value, f.Length)
}

// equal reports whether value's key for slot is key, without keeping the
// value's key: a contact's values are compared once each.
func (k *ruleKeys) equal(slot int, value, key string) bool {
	k.buf = k.appendKey(k.buf[:0], slot, value)
	return string(k.buf) == key
}

// anyEqual reports whether one of values has key for slot.
func (k *ruleKeys) anyEqual(slot int, values []string, key string) bool {
	for _, v := range values {
		if k.equal(slot, v, key) {
			return true
		}
	}
	return false
}

// userKeys fills keys (one per slot) with a person's keys: the first
// non-empty value of each field.
func (k *ruleKeys) userKeys(values valuesOf, keys []string) []string {
	keys = keys[:0]
	for slot, f := range k.rule.Fields {
		key := ""
		k.vals = values.appendValues(k.vals[:0], f.Field)
		for _, v := range k.vals {
			if key = k.key(slot, v); key != "" {
				break
			}
		}
		keys = append(keys, key)
	}
	return keys
}

// score weighs one contact against a user's keys: the sum of the weights
// of the fields where one of the contact's values equals the user's, and
// which fields those are (bit i: slot i).
func (k *ruleKeys) score(keys []string, contact valuesOf) (score int, matched uint32) {
	for slot, f := range k.rule.Fields {
		if keys[slot] == "" {
			continue
		}
		k.vals = contact.appendValues(k.vals[:0], f.Field)
		if k.anyEqual(slot, k.vals, keys[slot]) {
			score += f.Weight
			matched |= 1 << slot
		}
	}
	return score, matched
}

// matchedFields names the fields of matched: "first_name, email".
func (r *Rule) matchedFields(matched uint32) string {
	var names []string
	for slot, f := range r.Fields {
		if matched&(1<<slot) != 0 {
			names = append(names, f.Field)
		}
	}
	return strings.Join(names, ", ")
}

// allFields is every slot's bit.
func (r *Rule) allFields() uint32 { return 1<<len(r.Fields) - 1 }

// emailRequired reports whether no contact can reach the threshold without
// its e-mail matching: then a rule's candidates are among the e-mail
// index's, and only they need weighing.
func (r *Rule) emailRequired() bool {
	rest := 0
	for _, f := range r.Fields {
		if f.Field != FieldEmail || f.Length != 0 {
			rest += f.Weight
		}
	}
	return rest < r.Threshold
}

// dateLayouts are the ways exports write a birth date.
var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05", "20060102", "2006/01/02", "01/02/2006", "1/2/2006", "January 2, 2006", "Jan 2, 2006", "2 January 2006"}

// isoDate is a date as MySQL shows a DATE (1980-01-31), so that a length
// of 4 compares years; text that is no date is compared as it is.
func isoDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || s[0] < '0' && s[0] > '9' && !strings.ContainsAny(s, "0123456789") {
		return s
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}

// byPrefer orders choices as prefer picks among them, best first.
func byPrefer(a, b choice) int {
	switch {
	case prefer(a, b):
		return -1
	case prefer(b, a):
		return 1
	}
	return 0
}

// ruleIndex finds a weighted rule's candidates among every contact, for
// rules that can match without the e-mail: each field's keys index the
// contacts (see dedupe.Index). Only the keys some user has are indexed: no
// other can ever be looked up, and a field no user gives (names, in a
// users table without them) costs nothing.
//
// Keys are numbered once, per field, from the users' (in keyset.Sets,
// which hold no pointers); each user's numbers are kept, so a user's keys
// are worked out once. An e-mail field compared whole takes step 3's
// numbers and contacts (emailKeys) instead of working them out again.
// Contacts are numbered as contactList numbers them, by id, so the index's
// lowest number is prefer's lowest contact id (dedupe.Pick).
type ruleIndex struct {
	slots int
	x     *dedupe.Index
	m     *dedupe.Matcher
	// users[u*slots+s] is user u's key number in slot s, -1 for none.
	users []int32
	// primary[c] is the e-mail key number of contact c's primary e-mail,
	// -1 if it is no user's (with emailKeys only).
	primary []int32
	got     []dedupe.Candidate
}

// emailKeys are the e-mail keys step 3 has already: each user's key
// number, negative for none (userKeys.of), and each key's contacts
// (emailIndex).
type emailKeys struct {
	of    []int32
	index *emailIndex
}

// ruleChunk is how many users or contacts a core takes at a time.
const ruleChunk = 8192

// newRuleIndex indexes n contacts, sorted by id, for the keys of nu users;
// user(u) gives user u's values, contact(i) contact i's, or nil for a
// contact no user may match (deleted, not an Individual); emails, if not
// nil, gives the e-mail keys. Keys are worked out on every core.
func newRuleIndex(r *Rule, nu int, user func(u int) valuesOf, n int, contact func(i int32) valuesOf, emails *emailKeys) *ruleIndex {
	ri := &ruleIndex{slots: len(r.Fields)}
	weights := make([]int, len(r.Fields))
	given := make([]bool, len(r.Fields)) // slots emails gives
	for i, f := range r.Fields {
		weights[i] = f.Weight
		given[i] = emails != nil && f.Field == FieldEmail && f.Length == 0
	}
	ri.x = dedupe.NewIndex(weights, r.Threshold)
	sets := ri.numberUsers(r, nu, user, given)
	type hit struct{ contact, key int32 }
	hits := make([][][]hit, (n+ruleChunk-1)/ruleChunk) // chunk -> slot -> hits
	par.For(len(hits), func(c int) {
		keys := newRuleKeys(r)
		var buf []byte
		var vals []string
		hits[c] = make([][]hit, len(r.Fields))
		for i := int32(c * ruleChunk); i < int32(min(n, (c+1)*ruleChunk)); i++ {
			values := contact(i)
			if values == nil {
				continue
			}
			for slot, f := range r.Fields {
				set := &sets[slot]
				if given[slot] || set.Len() == 0 {
					continue
				}
				vals = values.appendValues(vals[:0], f.Field)
				for _, v := range vals {
					buf = keys.appendKey(buf[:0], slot, v)
					if len(buf) == 0 {
						continue
					}
					if k, ok := set.Find(buf, set.Hash(buf)); ok {
						hits[c][slot] = append(hits[c][slot], hit{i, k})
					}
				}
			}
		}
	})
	// Each slot filled on a core of its own, and the e-mails' primary keys
	// beside them.
	par.For(len(r.Fields)+1, func(slot int) {
		switch {
		case slot == len(r.Fields):
			if emails != nil {
				ri.primary = primaryKeys(emails.index, n)
			}
		case given[slot]:
			ri.addEmails(slot, emails, nu)
		default:
			for _, hs := range hits {
				for _, h := range hs[slot] {
					ri.x.Add(slot, h.contact, h.key)
				}
			}
		}
	})
	ri.x.Build()
	ri.m = ri.x.NewMatcher()
	return ri
}

// addEmails files the contacts of each e-mail key under slot, whose keys
// emails gives, and the users' keys.
func (ri *ruleIndex) addEmails(slot int, emails *emailKeys, nu int) {
	for u := range nu {
		ri.users[u*ri.slots+slot] = max(emails.of[u], -1)
	}
	ix := emails.index
	for e := range ix.keys {
		for c := ix.keys[e].first; c >= 0; c = ix.cands[c].next {
			ri.x.Add(slot, ix.cands[c].contact, int32(e))
		}
	}
}

// primaryKeys is each of n contacts' primary e-mail key, -1 if it is no
// user's.
func primaryKeys(ix *emailIndex, n int) []int32 {
	primary := make([]int32, n)
	for i := range primary {
		primary[i] = -1
	}
	for e := range ix.keys {
		for c := ix.keys[e].first; c >= 0; c = ix.cands[c].next {
			if ix.cands[c].primary {
				primary[ix.cands[c].contact] = int32(e)
			}
		}
	}
	return primary
}

// numberUsers works out every user's keys (on every core) and numbers them
// per field (a field to a core), filling ri.users; it returns each field's
// keys.
func (ri *ruleIndex) numberUsers(r *Rule, nu int, user func(u int) valuesOf, given []bool) []keyset.Set {
	// Each user's key of each slot is a record: user u's of slot s is
	// record u*slots+s.
	keys := newChunked[byte](nu*ri.slots, ruleChunk*ri.slots)
	par.For(keys.chunks(), func(c int) {
		rk := newRuleKeys(r)
		var text []byte
		var vals []string
		for u := c * ruleChunk; u < min(nu, (c+1)*ruleChunk); u++ {
			values := user(u)
			for slot, f := range r.Fields {
				if start := len(text); !given[slot] {
					vals = values.appendValues(vals[:0], f.Field)
					for _, v := range vals { // the first value with a key
						if text = rk.appendKey(text, slot, v); len(text) > start {
							break
						}
					}
				}
				keys.ends[u*ri.slots+slot] = int32(len(text))
			}
		}
		keys.vals[c] = text
	})
	ri.users = make([]int32, nu*ri.slots)
	sets := make([]keyset.Set, ri.slots)
	par.For(ri.slots, func(slot int) {
		set := keyset.New(1024, 0)
		for u := range nu {
			k := int32(-1)
			if key := keys.of(u*ri.slots + slot); len(key) > 0 {
				k = set.Number(key)
			}
			ri.users[u*ri.slots+slot] = k
		}
		sets[slot] = set
	})
	return sets
}

// keysOf is user u's key numbers, slot by slot.
func (ri *ruleIndex) keysOf(u int32) []int32 {
	return ri.users[int(u)*ri.slots : int(u+1)*ri.slots]
}

// best is the candidate prefer picks for user u among those pick does not
// pass over (dedupe.Matcher.Best), Contact -1 if none.
func (ri *ruleIndex) best(u int32, pick dedupe.Pick) dedupe.Candidate {
	return orNone(ri.m.Best(ri.keysOf(u), pick))
}

// orNone is g, or Contact -1 when there is none.
func orNone(g dedupe.Candidate, ok bool) dedupe.Candidate {
	if !ok {
		g.Contact = -1
	}
	return g
}

// ahead works out every user's best candidate on every core, as if no
// user of this run took any: pickFor(u) is the dedupe.Pick for user u,
// whose Skip must pass over only what is passed over for the whole run
// (contacts linked already). Users take contacts one after another, in uid
// order, so a winner worked out ahead may be taken by the time its user
// comes; but taking only removes candidates, so a winner not taken is
// still the winner (see matcher.ruleMatch). A user with no winner has
// Contact -1. runs[u] is user u's dedupe.Run: its next winner when this
// one is taken, found without looking again.
func (ri *ruleIndex) ahead(nu int, pickFor func() func(u int32) dedupe.Pick) (best []dedupe.Candidate, runs []dedupe.Run) {
	best, runs = make([]dedupe.Candidate, nu), make([]dedupe.Run, nu)
	par.Chunks(nu, par.Workers(), 1024, func() func(int) {
		m := ri.x.NewMatcher()
		pick := pickFor()
		return func(u int) {
			g, ok, run := m.BestRun(ri.keysOf(int32(u)), pick(int32(u)))
			best[u], runs[u] = orNone(g, ok), run
		}
	})
	return best, runs
}

// firstFree is what best gives for a user whose dedupe.Run is run: the
// run's first contact pick does not pass over, Contact -1 if none.
func (ri *ruleIndex) firstFree(run dedupe.Run, pick dedupe.Pick) dedupe.Candidate {
	return orNone(ri.m.FirstFree(run, pick.Skip))
}

// listed is how many candidates user u has, and the first k of them
// in the order CiviCRM lists contacts passed over
// (dedupe.Matcher.Listed).
func (ri *ruleIndex) listed(u int32, k int, pick dedupe.Pick) ([]dedupe.Candidate, int) {
	got, total := ri.m.Listed(ri.keysOf(u), k, pick, ri.got[:0])
	ri.got = got
	return got, total
}
