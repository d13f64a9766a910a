package pipeline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/par"
	"github.com/civisync/civisync/pipeline/internal/similar"
)

// Likely duplicates (SPEC §2): for every user who gets a new contact,
// existing contacts that are probably the same person under another
// address, each with a Score of 0–100 and the reasons in words. They never
// change a link: a person decides.

// Suggestion is one likely duplicate: a user given a new contact, and an
// existing contact that is probably the same person.
type Suggestion struct {
	UID       int64
	ContactID int64
	Score     int
	Why       string
	Src       // the user's row
}

// Points each signal adds to a suggestion's score (capped at 0 and 100).
// No single name signal reaches SuggestListed by itself: a shared surname or
// first name says little, and even a whole name shared needs a second sign.
const (
	pointsSameMailbox    = 60 // gmail.com = googlemail.com, dots, +tags
	pointsEmailTypo      = 50 // one typo apart, in a local part of 5 or more
	pointsEmailTypoShort = 30 // one typo apart in a short local part: jon@, jan@
	pointsLocalMarked    = 50 // same local part at another domain, 6 or more characters with digits or dots: jsmith1987, jo.smith
	pointsLocalPart      = 40 // same local part at another domain, 6 or more letters: jsmith
	pointsLocalGeneric   = 20 // same short or role local part (info@) at another domain
	pointsLocalSpellName = 15 // a nameless side's local part spells the other's surname
	pointsPhone          = 35
	pointsFullName       = 40
	pointsLastName       = 10
	pointsFirstName      = 5
	pointsOtherFirst     = -15 // same surname, another first name: a relative
	pointsOtherNames     = -30 // nothing of the names alike
	pointsBirthDate      = 20
	pointsOtherBirthDate = -20
	pointsPostalCode     = 10
	pointsCity           = 5
	pointsStreet         = 15

	// SuggestListed is the lowest Score listed.
	SuggestListed = 40
	// suggestPerUser is how many contacts are listed for one user, best first.
	suggestPerUser = 5
	// nameBlockCap: a name key shared by more users than this (a common
	// name) pairs nobody by itself; their e-mails and phones still do.
	nameBlockCap = 16
)

// dupPerson is what suggestions compare of a user or a contact.
type dupPerson struct {
	ID                                  int64 // uid or contact id
	First, Last                         string
	Emails                              []string
	Phones                              []string
	BirthDate, PostalCode, City, Street string
	Src
}

// dupPrepared is a dupPerson with every value turned once into what it is
// compared by.
type dupPrepared struct {
	p            *dupPerson
	first, last  string // folded: plain lower-case letters
	addrs        []similar.Address
	addr1        [1]similar.Address // addrs' first, in place: a user has one
	phones       []string           // last 7 to 9 digits
	phonesRaw    []string           // as written, for Why
	birth        string
	postal, city string
	street       string
	folded       bool // first and last are set
}

// keyKinds says which blocking keys are worth making: none of a kind no
// user has (names, phones) can meet anything.
type keyKinds struct {
	names, phones bool
	typoAddrs     int // how many addresses' one-deletion forms: all a user's, a contact's first
}

func (d *dupPrepared) prepare(p *dupPerson) {
	d.prepareKeys(p, true)
	d.prepareRest()
}

// prepareKeys prepares what the blocking keys need: addresses, phones, and
// with names the names. A contact's other values wait for prepareRest,
// needed only when a key meets some user's.
func (d *dupPrepared) prepareKeys(p *dupPerson, names bool) {
	d.p = p
	d.first, d.last, d.folded = "", "", false
	if names {
		d.first, d.last, d.folded = similar.Fold(p.First), similar.Fold(p.Last), true
	}
	if d.addrs == nil {
		d.addrs = d.addr1[:0]
	}
	d.addrs, d.phones, d.phonesRaw = d.addrs[:0], d.phones[:0], d.phonesRaw[:0]
	for _, e := range p.Emails {
		if a, ok := similar.ParseAddress(EmailKey(e)); ok && !slices.ContainsFunc(d.addrs, func(b similar.Address) bool { return b.Key == a.Key }) {
			d.addrs = append(d.addrs, a)
		}
	}
	for _, ph := range p.Phones {
		if digits := phoneDigits(ph); len(digits) >= 7 && !slices.Contains(d.phones, digits) {
			d.phones = append(d.phones, digits)
			d.phonesRaw = append(d.phonesRaw, strings.TrimSpace(ph))
		}
	}
}

// prepareRest prepares the values only judging compares.
func (d *dupPrepared) prepareRest() {
	p := d.p
	if !d.folded {
		d.first, d.last, d.folded = similar.Fold(p.First), similar.Fold(p.Last), true
	}
	d.birth, d.postal, d.city, d.street = isoDate(p.BirthDate), similar.Fold(p.PostalCode), similar.Fold(p.City), similar.Fold(p.Street)
}

// phoneDigits is a phone's last 9 digits (fewer if it has fewer): country
// and trunk prefixes (+44, 0) fall away.
func phoneDigits(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	if len(b) > 9 {
		b = b[len(b)-9:]
	}
	return string(b)
}

// signal is one reason of a suggestion and the points it adds.
type signal struct {
	points int
	words  string
}

// judge scores a user against a contact: the signals that link them and
// the score they add up to; -1 for a contact with the user's very e-mail,
// which the matching itself passed over and reviewed.
func judge(u, c *dupPrepared, sig []signal, words bool) (int, []signal) {
	sig = sig[:0]
	// The e-mails: only the strongest link counts.
	var best signal
	for _, a := range u.addrs {
		for _, b := range c.addrs {
			var s signal
			switch {
			case a.Key == b.Key:
				// The matching passed this contact over (linked to another
				// user, or too few fields for the rule) and says so in its
				// own review item: not a suggestion.
				return -1, sig
			case a.Mailbox == b.Mailbox:
				s.points = pointsSameMailbox
				if words {
					s.words = fmt.Sprintf("e-mails %s and %s reach the same mailbox", a.Key, b.Key)
				}
			case a.Domain == b.Domain && similar.OneTypo(a.Key, b.Key),
				a.Local == b.Local && similar.OneTypo(a.Domain, b.Domain) && (similar.WellKnown(a.Domain) || similar.WellKnown(b.Domain)):
				// A typo in the domain only of a provider's well-known
				// one (gmial.com): two small domains a letter apart are
				// two domains.
				s.points = pointsEmailTypo
				if words {
					s.words = fmt.Sprintf("e-mails %s and %s are one typo apart", a.Key, b.Key)
				}
				if len(a.Local) < 5 && a.Domain == b.Domain {
					s.points = pointsEmailTypoShort
				}
			case a.Local == b.Local:
				s.points = pointsLocalPart
				if words {
					s.words = fmt.Sprintf("the same e-mail name %q at %s and %s", localOf(a), a.Domain, b.Domain)
				}
				switch {
				case !similar.Distinctive(a.Local):
					s.points = pointsLocalGeneric
					if words {
						s.words += ", a short or shared one"
					}
				case similar.Marked(localOf(a)):
					s.points = pointsLocalMarked
				}
			}
			if s.points > best.points {
				best = s
			}
		}
	}
	if best.points > 0 {
		sig = append(sig, best)
	}
	for i, p := range u.phones {
		if slices.ContainsFunc(c.phones, func(q string) bool { return samePhone(p, q) }) {
			sig = append(sig, signal{pointsPhone, ""})
			if words {
				sig[len(sig)-1].words = fmt.Sprintf("the same phone number (%s)", u.phonesRaw[i])
			}
			break
		}
	}
	sig = judgeNames(u, c, sig, words)
	if u.birth != "" && c.birth != "" {
		if u.birth == c.birth {
			sig = append(sig, signal{pointsBirthDate, say(words, "the same birth date ", u.birth)})
		} else {
			sig = append(sig, signal{pointsOtherBirthDate, ""})
			if words {
				sig[len(sig)-1].words = fmt.Sprintf("other birth dates (%s, %s)", u.birth, c.birth)
			}
		}
	}
	if u.postal != "" && u.postal == c.postal {
		sig = append(sig, signal{pointsPostalCode, say(words, "the same postal code ", u.p.PostalCode)})
	}
	if u.city != "" && u.city == c.city {
		sig = append(sig, signal{pointsCity, say(words, "the same city ", u.p.City)})
	}
	if u.street != "" && u.street == c.street {
		sig = append(sig, signal{pointsStreet, "the same street address"})
	}
	score := 0
	for _, s := range sig {
		score += s.points
	}
	return min(max(score, 0), 100), sig
}

// localOf is the part of an address before the @, as written.
func localOf(a similar.Address) string { return a.Key[:len(a.Key)-len(a.Domain)-1] }

// samePhone compares two phones' last digits: all of the shorter's (7 or
// more), so a national and an international form agree.
func samePhone(a, b string) bool {
	n := min(len(a), len(b))
	return a[len(a)-n:] == b[len(b)-n:]
}

// judgeNames weighs the names: accents, case and punctuation aside, short
// forms (Bob, Robert) alike, and spellings close by Jaro-Winkler.
func judgeNames(u, c *dupPrepared, sig []signal, words bool) []signal {
	lastAlike := u.last != "" && c.last != "" && (u.last == c.last || similar.JaroWinkler(u.last, c.last) >= 0.92)
	firstAlike, firstHow := firstNamesAlike(u.p.First, c.p.First, u.first, c.first, words)
	bothFirst := u.first != "" && c.first != ""
	var s signal
	switch {
	case lastAlike && firstAlike:
		s.points = pointsFullName
		if words {
			uName, cName := fullName(u), fullName(c)
			how := "alike"
			if u.first == c.first && u.last == c.last {
				how = "the same"
				if uName != cName {
					how += " (accents, case and punctuation aside)"
				}
			} else if firstHow != "alike" {
				how = "alike: " + firstHow
			}
			s.words = fmt.Sprintf("names %s and %s %s", uName, cName, how)
		}
	case lastAlike && bothFirst:
		s.points = pointsLastName + pointsOtherFirst
		if words {
			s.words = fmt.Sprintf("the same surname %s but first names %s and %s: perhaps a relative", c.p.Last, u.p.First, c.p.First)
		}
	case lastAlike:
		s = signal{pointsLastName, say(words, "the same surname ", c.p.Last)}
	case firstAlike && u.last != "" && c.last != "":
		s.points = pointsFirstName + pointsOtherNames/2
		if words {
			s.words = fmt.Sprintf("first names alike (%s, %s) but surnames %s and %s", u.p.First, c.p.First, u.p.Last, c.p.Last)
		}
	case firstAlike:
		s.points = pointsFirstName
		if words {
			s.words = fmt.Sprintf("first names alike (%s, %s)", u.p.First, c.p.First)
		}
	case bothFirst && u.last != "" && c.last != "":
		s.points = pointsOtherNames
		if words {
			s.words = fmt.Sprintf("names %s and %s not alike", fullName(u), fullName(c))
		}
	}
	if s.points != 0 {
		sig = append(sig, s)
	}
	// One side has no name: does its e-mail spell the other's surname?
	for _, pair := range [2][2]*dupPrepared{{u, c}, {c, u}} {
		nameless, named := pair[0], pair[1]
		if nameless.last == "" && nameless.first == "" && len(named.last) >= 3 {
			if slices.ContainsFunc(nameless.addrs, func(a similar.Address) bool { return strings.Contains(similar.Fold(a.Local), named.last) }) {
				sig = append(sig, signal{pointsLocalSpellName, say(words, "the e-mail spells the surname ", named.p.Last)})
				break
			}
		}
	}
	return sig
}

// fullName is how a Why names a person.
func fullName(d *dupPrepared) string { return strings.TrimSpace(d.p.First + " " + d.p.Last) }

// say is a signal's words, made only when they are wanted (judge is
// asked for them only of a suggestion that is kept).
func say(words bool, what, value string) string {
	if !words {
		return ""
	}
	return what + value
}

// firstNamesAlike says whether two first names are alike and, asked for
// words, how.
func firstNamesAlike(a, b, fa, fb string, words bool) (bool, string) {
	switch {
	case fa == "" || fb == "":
		return false, ""
	case fa == fb:
		return true, "alike"
	case similar.Nicknames(fa, fb):
		if !words {
			return true, ""
		}
		if len(fa) > len(fb) {
			a, b = b, a
		}
		return true, fmt.Sprintf("%s is a short form of %s", a, b)
	case similar.JaroWinkler(fa, fb) >= 0.9:
		if !words {
			return true, ""
		}
		return true, fmt.Sprintf("%s and %s spelt alike", a, b)
	}
	return false, ""
}

// why spells the signals out, each with its share of the score.
func why(sig []signal, score int) string {
	parts := make([]string, 0, len(sig))
	slices.SortStableFunc(sig, func(a, b signal) int { return cmp.Compare(b.points, a.points) })
	sum := 0
	for _, s := range sig {
		sum += s.points
		if s.points >= 0 {
			parts = append(parts, fmt.Sprintf("%s: +%d", s.words, s.points))
		} else {
			parts = append(parts, fmt.Sprintf("%s: %d", s.words, s.points))
		}
	}
	out := strings.Join(parts, "; ")
	if sum != score {
		out += fmt.Sprintf(" (%d, counted as %d)", sum, score)
	}
	return out
}

// dupFinder holds the users given new contacts by their blocking keys, and
// judges the contacts that share one: the likely duplicates, never all
// pairs. Its lookups may run on several goroutines at once.
type dupFinder struct {
	person     func(u int32, p *dupPerson) // fills p with user u
	prepared   []par.Once[dupPrepared]     // a user's, once some contact meets it
	idx, names *similar.Index
	kinds      keyKinds // the keys a contact's are worth making: what users have
	mu         sync.Mutex
	found      []Suggestion // by the contacts read as a stream (dupStream)
	top        userTops
}

// newDupFinder indexes n users, read through person, which fills p with
// user u (reusing p's slices, or sharing them) and may be called on
// several goroutines at once.
// userTops keeps, per user, the suggestPerUser best suggestions met so far
// in bestSuggestions' order (the higher score, then the lower contact id),
// so that one which cannot be listed is dropped when it is met, before its
// Why is written: a user with a common name meets every contact of that
// name, and keeps five. Users are locked in stripes, each with the tops of
// its users who met a contact: contacts are judged on every core, and few
// users meet any.
type userTops struct {
	at      []int32 // per user: its top's number in its stripe, 0 for none yet
	stripes []topStripe
}

type topStripe struct {
	mu   sync.Mutex
	tops []userTop // tops[0] unused
}

type userTop struct {
	n    int8
	keys [suggestPerUser]uint64 // (100 - score) << 40 | contact id: lower is better
}

func newUserTops(n int) userTops {
	return userTops{at: make([]int32, n), stripes: make([]topStripe, 256)}
}

// keep reports whether contact's suggestion of this score for user u may
// be among the listed ones: true unless suggestPerUser other contacts
// better than it were met. A contact met twice keeps its better score.
func (t *userTops) keep(u int32, score int, contact int64) bool {
	if contact < 0 || contact >= 1<<40 || score < 0 || score > 100 {
		return true // outside the key's range: kept, bestSuggestions decides
	}
	key := uint64(100-score)<<40 | uint64(contact)
	st := &t.stripes[int(u)%len(t.stripes)]
	st.mu.Lock()
	defer st.mu.Unlock()
	if t.at[u] == 0 {
		if len(st.tops) == 0 {
			st.tops = make([]userTop, 1, 64)
		}
		t.at[u] = int32(len(st.tops))
		st.tops = append(st.tops, userTop{})
	}
	top := &st.tops[t.at[u]]
	worst := 0
	for i := range int(top.n) {
		k := top.keys[i]
		if k&(1<<40-1) == uint64(contact) { // the same contact again
			if key < k {
				top.keys[i] = key
			}
			return key < k
		}
		if k > top.keys[worst] {
			worst = i
		}
	}
	if int(top.n) < suggestPerUser {
		top.keys[top.n] = key
		top.n++
		return true
	}
	if key > top.keys[worst] {
		return false
	}
	top.keys[worst] = key
	return true
}

func newDupFinder(n int, person func(u int32, p *dupPerson)) *dupFinder {
	f := &dupFinder{person: person, prepared: make([]par.Once[dupPrepared], n), top: newUserTops(n)}
	// A user's keys are made from its values as a contact's are (every
	// address's typos), once, on every core, and filed from there; a user
	// is taken apart for judging only once some contact meets it: few are.
	k := dupUsersKeys(n, person)
	f.idx = similar.BuildIndex(1<<20, n, func() func(int32, func(uint64)) { return k.addr.each })
	named := 0 // no user with names: none to file
	if k.names {
		named = n
	}
	f.names = similar.BuildIndex(nameBlockCap, named, func() func(int32, func(uint64)) { return k.named.each })
	// A contact's first address is its primary one: only its typos are
	// looked for, which keeps a contact's keys to one address's letters.
	f.kinds = keyKinds{names: f.names.Len() > 0, phones: k.phones, typoAddrs: 1}
	return f
}

// dupUserKeys are the users' keys, the index's twice-read input.
type dupUserKeys struct {
	addr, named   chunked[uint64] // the names' apart, for an index of their own
	phones, names bool            // some user has a phone's key, first and last names
}

const keysChunk = 4096 // records

// dupUsersKeys makes the keys of n users, read through person, on every
// core.
func dupUsersKeys(n int, person func(u int32, p *dupPerson)) dupUserKeys {
	k := dupUserKeys{addr: newChunked[uint64](n, keysChunk), named: newChunked[uint64](n, keysChunk)}
	all := keyKinds{phones: true, typoAddrs: 1 << 30}
	var phones, names par.Flag
	var scratch sync.Pool // a chunk's keys, made before they are copied in at their size
	par.For(k.addr.chunks(), func(c int) {
		var sc dupScratch
		buf, _ := scratch.Get().(*[2][]uint64)
		if buf == nil {
			buf = new([2][]uint64)
		}
		addr, named := buf[0][:0], buf[1][:0]
		for i := c * keysChunk; i < min(n, (c+1)*keysChunk); i++ {
			person(int32(i), &sc.p)
			if probeAddrKeys(&sc.p, all, &sc) {
				phones.Set()
			}
			addr = append(addr, sc.probe...)
			k.addr.ends[i] = int32(len(addr))
			if sc.p.First != "" && sc.p.Last != "" {
				names.Set()
				probeNameKeys(&sc.p, &sc)
				named = append(named, sc.named...)
			}
			k.named.ends[i] = int32(len(named))
		}
		k.addr.vals[c], k.named.vals[c] = slices.Clone(addr), slices.Clone(named)
		buf[0], buf[1] = addr, named
		scratch.Put(buf)
	})
	k.phones, k.names = phones.IsSet(), names.IsSet()
	return k
}

// user is user u prepared for judging, the first time by whichever
// goroutine asks first.
func (f *dupFinder) user(u int32) *dupPrepared {
	return f.prepared[u].Get(func() *dupPrepared {
		p, d := new(dupPerson), new(dupPrepared)
		f.person(u, p)
		d.prepare(p)
		return d
	})
}

// dupScratch is one goroutine's scratch for judging contacts.
type dupScratch struct {
	p     dupPerson
	c     dupPrepared
	hits  []int32
	sig   []signal
	key   []byte   // an e-mail key
	probe []uint64 // the contact's keys, but the names'
	named []uint64 // the names' keys
}

// probeKeys makes the blocking keys (*dupPrepared).keys yields for p
// after prepareKeys, possibly repeated, into sc.probe and, the names',
// sc.named, without allocating for plain-ASCII e-mails and phones: most
// contacts meet no user, and their keys are all the work they cost.
func probeKeys(p *dupPerson, kinds keyKinds, sc *dupScratch) {
	probeAddrKeys(p, kinds, sc)
	sc.named = sc.named[:0]
	if kinds.names {
		probeNameKeys(p, sc)
	}
}

// probeAddrKeys makes the keys of probeKeys but the names', into sc.probe;
// it reports whether p has a phone's key.
func probeAddrKeys(p *dupPerson, kinds keyKinds, sc *dupScratch) (phoned bool) {
	sc.probe = sc.probe[:0]
	typos := kinds.typoAddrs // addresses whose one-deletion forms are wanted, in order
	for _, e := range p.Emails {
		sc.key = appendEmailKey(sc.key[:0], e)
		var ok bool
		if sc.probe, ok = similar.AddressKeys(sc.probe, sc.key, typos > 0); ok && typos > 0 {
			typos--
		}
	}
	if kinds.phones {
		for _, ph := range p.Phones {
			var last7 [7]byte
			n := 0
			for i := len(ph) - 1; i >= 0 && n < 7; i-- {
				if ch := ph[i]; ch >= '0' && ch <= '9' {
					n++
					last7[7-n] = ch
				}
			}
			if n == 7 {
				h := similar.NewHasher()
				h.Byte('p')
				h.End()
				h.Bytes(last7[:])
				h.End()
				sc.probe = append(sc.probe, uint64(h))
				phoned = true
			}
		}
	}
	return phoned
}

// probeNameKeys makes the names' keys of probeKeys into sc.named.
func probeNameKeys(p *dupPerson, sc *dupScratch) {
	sc.named = sc.named[:0]
	if first, last := similar.Fold(p.First), similar.Fold(p.Last); first != "" && last != "" {
		code := similar.Soundex(last)
		similar.FirstNameKeys(first, func(f string) { sc.named = append(sc.named, similar.Hash("n", code, f)) })
	}
}

// judgeContact appends to out the users p (a contact) is a likely
// duplicate of.
func (f *dupFinder) judgeContact(sc *dupScratch, out []Suggestion) []Suggestion {
	probeKeys(&sc.p, f.kinds, sc)
	sc.hits = f.idx.LookupAll(sc.probe, sc.hits[:0])
	sc.hits = f.names.LookupAll(sc.named, sc.hits)
	if len(sc.hits) == 0 {
		return out
	}
	// Few contacts meet a user: only theirs are taken apart for judging.
	c := &sc.c
	c.prepareKeys(&sc.p, f.kinds.names)
	c.prepareRest()
	for _, u := range similar.Sorted(sc.hits) {
		d := f.user(u)
		var score int
		score, sc.sig = judge(d, c, sc.sig, false)
		if score >= SuggestListed && f.top.keep(u, score, sc.p.ID) {
			_, sc.sig = judge(d, c, sc.sig, true) // the words, for the few kept
			out = append(out, Suggestion{UID: d.p.ID, ContactID: sc.p.ID, Score: score, Why: why(sc.sig, score), Src: d.p.Src})
		}
	}
	return out
}

// suggestDuplicates finds, for each of users (those given a new contact),
// the contacts that are likely the same person. contact(i, p) fills p with
// contact i and reports whether a user may be matched to it (a non-deleted
// Individual); n is the number of contacts. Users are indexed by their
// blocking keys and each contact looks its own keys up, so only pairs that
// share a key are compared, never all pairs. Contacts are looked at on
// every core; the result does not depend on it: by user, best score first,
// then contact id.
func suggestDuplicates(users []dupPerson, n int, contact func(i int, p *dupPerson) bool) []Suggestion {
	return findDuplicates(len(users), func(u int32, p *dupPerson) { *p = users[u] }, n, contact)
}

// findDuplicates is suggestDuplicates for nu users read through person
// (see newDupFinder).
func findDuplicates(nu int, person func(u int32, p *dupPerson), n int, contact func(i int, p *dupPerson) bool) []Suggestion {
	if nu == 0 || n == 0 {
		return nil
	}
	f := newDupFinder(nu, person)
	const chunk = 4096
	found := make([][]Suggestion, (n+chunk-1)/chunk)
	par.For(len(found), func(k int) {
		var sc dupScratch
		for i := k * chunk; i < min(n, (k+1)*chunk); i++ {
			sc.p = dupPerson{Emails: sc.p.Emails[:0], Phones: sc.p.Phones[:0]}
			if contact(i, &sc.p) {
				found[k] = f.judgeContact(&sc, found[k])
			}
		}
	})
	var out []Suggestion
	for _, s := range found {
		out = append(out, s...)
	}
	return bestSuggestions(out)
}

// bestSuggestions orders suggestions by user, best score first, then
// contact id, keeping at most suggestPerUser per user and one row per
// contact (a contact repeated in the export).
func bestSuggestions(out []Suggestion) []Suggestion {
	// A pair met twice (a contact's row repeated) keeps its best score.
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.UID, b.UID), cmp.Compare(a.ContactID, b.ContactID), cmp.Compare(b.Score, a.Score), cmp.Compare(a.Why, b.Why))
	})
	out = slices.CompactFunc(out, func(a, b Suggestion) bool { return a.UID == b.UID && a.ContactID == b.ContactID })
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.UID, b.UID), cmp.Compare(b.Score, a.Score), cmp.Compare(a.ContactID, b.ContactID))
	})
	w := 0
	for _, s := range out {
		if w >= suggestPerUser && out[w-suggestPerUser].UID == s.UID {
			continue
		}
		out[w] = s
		w++
	}
	return out[:w]
}

// dupStream reads a contacts export once more as a stream, judging each
// contact on the parsing workers and keeping none: likely duplicates
// without holding every contact through the run. A row is taken apart
// whole only when its e-mails meet some user's key (or names or phones
// are compared too): most rows never are.
type dupStream struct {
	f    *dupFinder
	cols *contactColumns
	full bool // every row taken apart: the keys need names or phones
}

// dupRow is a contacts row as the stream holds it until its batch is
// probed: its cells, borrowed from the batch.
type dupRow struct {
	rec []string
	src Src
}

func (d *dupStream) parse(rec []string, src Src, out *dupRow) error {
	out.rec, out.src = append(out.rec[:0], rec...), src
	return nil
}

// probe judges a batch's rows, on the parsing worker that read them.
func (d *dupStream) probe(rows []dupRow) {
	var sc dupScratch
	var cr contactRow
	var out []Suggestion
	for i := range rows {
		row := &rows[i]
		if !d.full {
			sc.p = dupPerson{Emails: d.emails(row.rec, sc.p.Emails[:0])}
			probeKeys(&sc.p, d.f.kinds, &sc)
			if sc.hits = d.f.idx.LookupAll(sc.probe, sc.hits[:0]); len(sc.hits) == 0 {
				continue
			}
		}
		if d.cols.parse(row.rec, row.src, &cr) != nil { // the first reading reviewed it
			continue
		}
		if c := &cr.c; !c.Deleted && c.IsIndividual() {
			sc.p = dupPerson{Emails: sc.p.Emails[:0], Phones: sc.p.Phones[:0]}
			dupOfContact(c, &sc.p)
			out = d.f.judgeContact(&sc, out)
		}
	}
	if len(out) > 0 {
		d.f.mu.Lock()
		d.f.found = append(d.f.found, out...)
		d.f.mu.Unlock()
	}
}

// emails appends a row's e-mails to dst in dupOfContact's order (the
// primary, then the others), as (*contactColumns).parse cleans them.
func (d *dupStream) emails(rec []string, dst []string) []string {
	if e := clean(formats.Cell(rec, d.cols.cMail)); e != "" {
		dst = append(dst, e)
	}
	return d.cols.otherEmails(rec, dst)
}

// newUsersOf lists the users given new contacts, as suggestions compare
// them: how many, and a function that fills p with the u-th, reusing p's
// slices (see newDupFinder). They are read from m.Users, not copied.
func newUsersOf(m *Matching) (int, func(u int32, p *dupPerson)) {
	var which []int32 // the users' places in m.Users, in order
	for i := range m.Links {
		if l := &m.Links[i]; l.kind == kindNew {
			which = append(which, int32(l.User))
		}
	}
	return len(which), func(u int32, p *dupPerson) { userInto(&m.Users[which[u]], p) }
}

// userInto fills p with dupOfUser(u), reusing p's slices.
func userInto(u *User, p *dupPerson) {
	*p = dupPerson{ID: u.UID, First: u.First, Last: u.Last, Emails: append(p.Emails[:0], u.Email), Phones: p.Phones[:0], Src: u.Src}
	p.addMore(u.More)
}

// streamDuplicates reads the contacts export again to find the likely
// duplicates of the users given new contacts (see dupStream).
func streamDuplicates(m *Matching, in ContactInputs, ov formats.Overrides, rev *Review) ([]Suggestion, error) {
	n, person := newUsersOf(m)
	if n == 0 {
		return nil, nil
	}
	f := newDupFinder(n, person)
	x := &Extractor{Overrides: ov, Review: &Review{}} // the first reading reviewed every row
	r, b, st, err := x.lendingTable(in.Contacts, &formats.ContactsSchema)
	if err != nil {
		return nil, err
	}
	d := &dupStream{f: f, cols: newContactColumns(b), full: f.kinds.names || f.kinds.phones}
	if err := eachInParallel(x, r, b, st, rowStages[dupRow]{parse: d.parse, finish: d.probe, apply: func(*dupRow) {}, copies: true}); err != nil {
		return nil, err
	}
	sugg := bestSuggestions(f.found)
	reviewSuggestions(sugg, rev)
	return sugg, nil
}

func reviewSuggestions(sugg []Suggestion, rev *Review) {
	for _, s := range sugg {
		rev.Add(KindPossibleDuplicate, s.Src, s.UID, s.ContactID, fmt.Sprintf("contact %d may be the same person (Score %d): %s", s.ContactID, s.Score, s.Why))
	}
}

// likelyDuplicates looks for existing contacts that are probably the same
// person as each user given a new contact, and lists each as a
// possible-duplicate review item. Links are left as they are.
func likelyDuplicates(m *Matching, contacts *contactList, rev *Review) []Suggestion {
	nu, person := newUsersOf(m)
	sugg := findDuplicates(nu, person, contacts.n, func(i int, p *dupPerson) bool {
		c := contacts.at(int32(i))
		if c.Deleted || !c.IsIndividual() {
			return false
		}
		dupOfContact(c, p)
		return true
	})
	reviewSuggestions(sugg, rev)
	return sugg
}
