package pipeline

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/civisync/civisync/pipeline/internal/dedupe"
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
	f := k.rule.Fields[slot]
	switch f.Field {
	case FieldPhone:
		return dedupe.DigitsKey(value, f.Length)
	case FieldEmail:
		// As step 3 keys e-mails, cut to the length.
		return dedupe.Prefix(EmailKey(value), f.Length)
	case FieldBirthDate:
		value = isoDate(value)
	}
	k.buf = k.folder.Append(k.buf[:0], value, f.Length)
	return string(k.buf)
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
type ruleIndex struct {
	keys *ruleKeys
	x    *dedupe.Index
	m    *dedupe.Matcher
	uk   []string
	got  []dedupe.Candidate
}

// newRuleIndex indexes n contacts for the keys of the users users yields;
// contact(i) yields contact
// i's values, or nil for a contact no user may match (deleted, not an
// Individual). Contacts' keys are computed on every core.
func newRuleIndex(r *Rule, users func(yield func(valuesOf)), n int, contact func(i int32) valuesOf) *ruleIndex {
	ri := &ruleIndex{keys: newRuleKeys(r)}
	weights := make([]int, len(r.Fields))
	for i, f := range r.Fields {
		weights[i] = f.Weight
	}
	ri.x = dedupe.NewIndex(weights, r.Threshold)
	wanted := make([]map[string]bool, len(r.Fields))
	for slot := range wanted {
		wanted[slot] = map[string]bool{}
	}
	var keys []string
	users(func(u valuesOf) {
		keys = ri.keys.userKeys(u, keys)
		for slot, k := range keys {
			if k != "" {
				wanted[slot][k] = true
			}
		}
	})
	type hit struct {
		slot    int
		contact int32
		key     string
	}
	const chunk = 8192
	hits := make([][]hit, (n+chunk-1)/chunk)
	eachChunk(len(hits), func(c int) {
		keys := newRuleKeys(r)
		for i := int32(c * chunk); i < int32(min(n, (c+1)*chunk)); i++ {
			values := contact(i)
			if values == nil {
				continue
			}
			for slot, f := range r.Fields {
				if len(wanted[slot]) == 0 {
					continue
				}
				values(f.Field, func(v string) {
					if k := keys.key(slot, v); k != "" && wanted[slot][k] {
						hits[c] = append(hits[c], hit{slot, i, k})
					}
				})
			}
		}
	})
	for _, hs := range hits {
		for _, h := range hs {
			ri.x.Add(h.slot, h.contact, h.key)
		}
	}
	ri.x.Build()
	ri.m = ri.x.NewMatcher()
	return ri
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

// candidates lists the contacts the user's values reach, ascending by
// index, with their scores and matched fields.
func (ri *ruleIndex) candidates(user valuesOf) []dedupe.Candidate {
	ri.uk = ri.keys.userKeys(user, ri.uk)
	ri.got = ri.m.Candidates(ri.uk, ri.got[:0])
	return ri.got
}
