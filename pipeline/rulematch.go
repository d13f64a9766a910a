package pipeline

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/civisync/civisync/pipeline/internal/dedupe"
	"github.com/civisync/civisync/pipeline/internal/keyset"
)

// valuesOf yields a person's values of one rule field: a contact may have
// several (every e-mail, every phone), a user one.
type valuesOf func(field string, yield func(value string))

// ruleKeys computes the comparison keys of a rule's fields: e-mails as
// step 3 keys them, phones as digits, birth dates as dates, the rest as
// MySQL's utf8mb4_unicode_ci compares (case and accents ignored), each cut
// to the field's length. Not safe for concurrent use.
type ruleKeys struct {
	rule   *Rule
	folder *dedupe.Folder
	buf    []byte
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
	f := k.rule.Fields[slot]
	switch f.Field {
	case FieldPhone, FieldEmail, FieldBirthDate:
		return k.key(slot, value) == key
	}
	k.buf = k.folder.Append(k.buf[:0], value, f.Length)
	return string(k.buf) == key
}

// userKeys fills keys (one per slot) with a person's keys: the first
// non-empty value of each field.
func (k *ruleKeys) userKeys(values valuesOf, keys []string) []string {
	keys = keys[:0]
	for slot, f := range k.rule.Fields {
		key := ""
		values(f.Field, func(v string) {
			if key == "" {
				key = k.key(slot, v)
			}
		})
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
		hit := false
		contact(f.Field, func(v string) {
			if !hit && k.equal(slot, v, keys[slot]) {
				hit = true
			}
		})
		if hit {
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
// are worked out once. The index numbers contacts in the order of their
// ids, so that its lowest number is prefer's lowest contact id
// (dedupe.Pick).
type ruleIndex struct {
	slots int
	x     *dedupe.Index
	m     *dedupe.Matcher
	// users[u*slots+s] is user u's key number in slot s, -1 for none.
	users []int32
	got   []dedupe.Candidate
	// byID[k] is the contact numbered k, rank[i] contact i's number; both
	// nil when the contacts come in id order (as exports list them).
	byID, rank []int32
}

// ruleChunk is how many users or contacts a core takes at a time.
const ruleChunk = 8192

// newRuleIndex indexes n contacts for the keys of nu users; user(u) yields
// user u's values, contact(i) contact i's, or nil for a contact no user
// may match (deleted, not an Individual); id(i) is its contact id. Keys
// are worked out on every core.
func newRuleIndex(r *Rule, nu int, user func(u int) valuesOf, n int, contact func(i int32) valuesOf, id func(i int32) int64) *ruleIndex {
	ri := &ruleIndex{slots: len(r.Fields)}
	ri.numberByID(n, id)
	weights := make([]int, len(r.Fields))
	for i, f := range r.Fields {
		weights[i] = f.Weight
	}
	ri.x = dedupe.NewIndex(weights, r.Threshold)
	sets := ri.numberUsers(r, nu, user)
	type hit struct{ slot, contact, key int32 }
	hits := make([][]hit, (n+ruleChunk-1)/ruleChunk)
	eachChunk(len(hits), func(c int) {
		keys := newRuleKeys(r)
		var buf []byte
		for i := int32(c * ruleChunk); i < int32(min(n, (c+1)*ruleChunk)); i++ {
			values := contact(i)
			if values == nil {
				continue
			}
			for slot, f := range r.Fields {
				set := &sets[slot]
				if set.Len() == 0 {
					continue
				}
				values(f.Field, func(v string) {
					buf = keys.appendKey(buf[:0], slot, v)
					if len(buf) == 0 {
						return
					}
					if k, ok := set.Find(buf, set.Hash(buf)); ok {
						hits[c] = append(hits[c], hit{int32(slot), i, k})
					}
				})
			}
		}
	})
	for _, hs := range hits {
		for _, h := range hs {
			ri.x.Add(int(h.slot), ri.number(h.contact), h.key)
		}
	}
	ri.x.Build()
	ri.m = ri.x.NewMatcher()
	return ri
}

// numberUsers works out every user's keys (on every core) and numbers them
// per field (a field to a core), filling ri.users; it returns each field's
// keys.
func (ri *ruleIndex) numberUsers(r *Rule, nu int, user func(u int) valuesOf) []keyset.Set {
	// Each chunk's keys end to end, user by user and slot by slot; ends
	// marks where each ends.
	type chunkKeys struct {
		text []byte
		ends []int32
	}
	chunks := make([]chunkKeys, (nu+ruleChunk-1)/ruleChunk)
	eachChunk(len(chunks), func(c int) {
		keys := newRuleKeys(r)
		ck := &chunks[c]
		for u := c * ruleChunk; u < min(nu, (c+1)*ruleChunk); u++ {
			values := user(u)
			for slot, f := range r.Fields {
				start := len(ck.text)
				values(f.Field, func(v string) {
					if len(ck.text) == start { // a user's first value of the field
						ck.text = keys.appendKey(ck.text, slot, v)
					}
				})
				ck.ends = append(ck.ends, int32(len(ck.text)))
			}
		}
	})
	ri.users = make([]int32, nu*ri.slots)
	sets := make([]keyset.Set, ri.slots)
	eachChunk(ri.slots, func(slot int) {
		set := keyset.New(1024, 0)
		at := slot // users[at] is this slot's number for the next user
		for _, ck := range chunks {
			for e := slot; e < len(ck.ends); e += ri.slots {
				start := int32(0)
				if e > 0 {
					start = ck.ends[e-1]
				}
				key := ck.text[start:ck.ends[e]]
				k := int32(-1)
				if len(key) > 0 {
					h := set.Hash(key)
					var ok bool
					if k, ok = set.Find(key, h); !ok {
						k = set.Add(key, h)
					}
				}
				ri.users[at] = k
				at += ri.slots
			}
		}
		sets[slot] = set
	})
	return sets
}

// eachChunk runs do(0..n-1) on every core, each chunk once.
func eachChunk(n int, do func(chunk int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= n {
					return
				}
				do(c)
			}
		})
	}
	wg.Wait()
}

// numberByID numbers the contacts by id (see ruleIndex); a contact
// export is usually in id order already, and then nothing is kept.
func (ri *ruleIndex) numberByID(n int, id func(i int32) int64) {
	for i := int32(1); i < int32(n); i++ {
		if id(i) < id(i-1) {
			ri.byID = make([]int32, n)
			for j := range ri.byID {
				ri.byID[j] = int32(j)
			}
			slices.SortStableFunc(ri.byID, func(a, b int32) int { return cmp.Compare(id(a), id(b)) })
			ri.rank = make([]int32, n)
			for k, c := range ri.byID {
				ri.rank[c] = int32(k)
			}
			return
		}
	}
}

// number is contact i's number in the index; contact is the contact
// numbered k.
func (ri *ruleIndex) number(i int32) int32 {
	if ri.rank == nil {
		return i
	}
	return ri.rank[i]
}

func (ri *ruleIndex) contact(k int32) int32 {
	if ri.byID == nil {
		return k
	}
	return ri.byID[k]
}

// keysOf is user u's key numbers, slot by slot.
func (ri *ruleIndex) keysOf(u int32) []int32 {
	return ri.users[int(u)*ri.slots : int(u+1)*ri.slots]
}

// candidates lists the contacts user u's keys reach, with their scores and
// matched fields, in the order of their ids.
func (ri *ruleIndex) candidates(u int32) []dedupe.Candidate {
	ri.got = ri.m.Candidates(ri.keysOf(u), ri.got[:0])
	for i := range ri.got {
		ri.got[i].Contact = ri.contact(ri.got[i].Contact)
	}
	return ri.got
}

// best is the candidate prefer picks for user u among those pick does not pass over
// (dedupe.Matcher.Best); pick is one made by byContact.
func (ri *ruleIndex) best(u int32, pick dedupe.Pick) (dedupe.Candidate, bool) {
	g, ok := ri.m.Best(ri.keysOf(u), pick)
	g.Contact = ri.contact(g.Contact)
	return g, ok
}

// listed is how many candidates user u has, and the first k of them
// in the order CiviCRM lists contacts passed over
// (dedupe.Matcher.Listed).
func (ri *ruleIndex) listed(u int32, k int, pick dedupe.Pick) ([]dedupe.Candidate, int) {
	got, total := ri.m.Listed(ri.keysOf(u), k, pick, ri.got[:0])
	for i := range got {
		got[i].Contact = ri.contact(got[i].Contact)
	}
	ri.got = got
	return got, total
}

// byContact turns pick, whose functions are given contacts as contactList
// numbers them, into one for the index's numbers.
func (ri *ruleIndex) byContact(pick dedupe.Pick) dedupe.Pick {
	if ri.byID != nil {
		skip, primary := pick.Skip, pick.Primary
		pick.Skip = func(k int32) bool { return skip(ri.byID[k]) }
		pick.Primary = func(k int32) bool { return primary(ri.byID[k]) }
	}
	return pick
}
