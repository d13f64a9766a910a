package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Config is what to generate. Negative Contacts, Memberships and Groups take
// their defaults (users, 3 × users, users/100 at least 1).
type Config struct {
	Users, Contacts, Memberships, Groups int
	Seed                                 uint64
	Format                               string // csv, xlsx or sql
	Out                                  string
	// UserNames adds first_name and last_name columns to users: the names
	// of the person behind the user's e-mail, as a profile module keeps
	// them. They let a rule that compares names be measured.
	UserNames bool
}

func (c *Config) normalise() error {
	if c.Users < 1 {
		return fmt.Errorf("-users must be at least 1")
	}
	if c.Contacts < 0 {
		c.Contacts = c.Users
	}
	if c.Memberships < 0 {
		c.Memberships = 3 * c.Users
	}
	if c.Groups < 0 {
		c.Groups = max(1, c.Users/100)
	}
	if c.Groups < 1 {
		return fmt.Errorf("-groups must be at least 1")
	}
	if c.Format != "csv" && c.Format != "xlsx" && c.Format != "sql" {
		return fmt.Errorf("-format must be csv, xlsx or sql, not %q", c.Format)
	}
	if c.Out == "" {
		c.Out = "."
	}
	return nil
}

// Stat reports one written file.
type Stat struct {
	File    string
	Rows    int // data rows, header excluded
	Elapsed time.Duration
}

// Headers of the generated files, as the real exports name them.
var (
	usersHeader        = []string{"uid", "name", "mail", "status", "created"}
	contactsHeader     = []string{"Contact ID", "Contact Type", "First Name", "Last Name", "Email", "Home-Email", "Work-Email", "Is Deleted", "User ID"}
	nodeHeader         = []string{"nid", "type", "title", "uid"}
	membershipHeader   = []string{"id", "type", "etid", "entity_type", "gid", "group_type", "state", "created", "field_name"}
	ogUsersRolesHeader = []string{"uid", "rid", "gid", "group_type"}
	ogRoleHeader       = []string{"rid", "gid", "group_type", "group_bundle", "name"}
)

type table struct {
	base    string
	header  []string
	numeric []bool // columns written as numbers in XLSX
	rows    func(g *gen, emit func([]string) error) error
}

func nums(idx ...int) []bool {
	b := make([]bool, 10)
	for _, i := range idx {
		b[i] = true
	}
	return b
}

var tables = []table{
	{"og_membership", membershipHeader, nums(0, 2, 4, 6, 7), (*gen).membershipRows},
	{"contacts", contactsHeader, nums(0, 7, 8), (*gen).contactRows},
	{"users", usersHeader, nums(0, 3, 4), (*gen).userRows},
	{"node", nodeHeader, nums(0, 3), (*gen).nodeRows},
	{"og_users_roles", ogUsersRolesHeader, nums(0, 1, 2), (*gen).ogUsersRolesRows},
	{"og_role", ogRoleHeader, nums(0, 1), (*gen).ogRoleRows},
}

// Generate writes every file into c.Out, concurrently, and returns per-file
// statistics in a fixed order.
func Generate(c Config) ([]Stat, error) {
	if err := c.normalise(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return nil, err
	}
	g := newGen(c)
	stats := make([]Stat, len(tables))
	errs := make([]error, len(tables))
	var wg sync.WaitGroup
	for i, t := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i], errs[i] = g.write(t)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if c.Format == "sql" {
		if err := joinDumps(c.Out); err != nil {
			return nil, err
		}
	}
	return stats, nil
}

func (g *gen) write(t table) (Stat, error) {
	start := time.Now()
	st := Stat{File: t.base + "." + g.cfg.Format}
	w, err := newWriter(g.cfg.Out, t.base, g.cfg.Format, t.numeric)
	if err != nil {
		return st, err
	}
	header := t.header
	if t.base == "users" && g.cfg.UserNames {
		header = append(slices.Clip(header), "first_name", "last_name")
	}
	err = w.Write(header)
	if err == nil {
		err = t.rows(g, func(rec []string) error {
			st.Rows++
			return w.Write(rec)
		})
	}
	if cerr := w.Close(err != nil); err == nil {
		err = cerr
	}
	st.Elapsed = time.Since(start)
	if err != nil {
		return st, fmt.Errorf("%s: %w", st.File, err)
	}
	return st, nil
}

// ---------------------------------------------------------------------------
// Deterministic randomness: every property of a row is a hash of (seed, tag, id),
// so users.csv and contacts.csv agree on a user's email without sharing state.

const (
	tCat = iota + 1
	tTarget
	tPattern
	tDomain
	tFirst
	tLast
	tCase
	tSpace
	tStatus
	tCreated
	tInvalid
	tUname
	tCType
	tDeleted
	tPlace
	tLink
	tAltWork
	tAltHome
	tAltDomain
	tDup
	tDupUser
	tNoEmail
	tAdmins
	tAdminUID
	tAuthor
	tLong
	tPermC
	tPermU
	tPermG
	tPermT
	tMembership
)

func mix(x uint64) uint64 { // splitmix64 finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

type gen struct {
	cfg                 Config
	key                 uint64
	n, nc, nm, ng       uint64
	matched             uint64 // contacts (by permuted slot) that carry a user's email
	linkBP              uint64 // basis points of matched contacts that are already linked
	cperm, uperm, gperm perm
	tperm               perm
	unknownSpan         uint64
}

func newGen(c Config) *gen {
	g := &gen{cfg: c, key: mix(c.Seed ^ 0x6a09e667f3bcc909)}
	g.n, g.nc, g.nm, g.ng = uint64(c.Users), uint64(c.Contacts), uint64(c.Memberships), uint64(c.Groups)
	g.matched = min(g.n*6/10, g.nc)
	if g.matched > 0 {
		g.linkBP = min(10000, 500*g.nc/g.matched) // ~5% of all contacts
	}
	g.cperm = newPerm(g.nc, g.h(tPermC, 0))
	g.uperm = newPerm(g.n, g.h(tPermU, 0))
	g.gperm = newPerm(g.ng, g.h(tPermG, 0))
	g.tperm = newPerm(uint64(titleCombos), g.h(tPermT, 0))
	g.unknownSpan = max(1000, g.n/100)
	return g
}

func (g *gen) h(tag, id uint64) uint64 {
	return mix(mix(id+tag*0x9e3779b97f4a7c15) ^ g.key)
}

// pct is h in [0, m).
func (g *gen) pct(tag, id, m uint64) uint64 { return g.h(tag, id) % m }

// perm is a pseudo-random bijection of [0, n): a 4-round Feistel network over
// the next even power of two, cycle-walked back into range.
type perm struct {
	n, half, mask, key uint64
}

func newPerm(n, key uint64) perm {
	bits := uint64(2)
	for uint64(1)<<bits < n {
		bits++
	}
	if bits%2 == 1 {
		bits++
	}
	return perm{n: n, half: bits / 2, mask: 1<<(bits/2) - 1, key: key}
}

func (p perm) at(i uint64) uint64 {
	if p.n <= 1 {
		return 0
	}
	x := i
	for {
		l, r := x>>p.half, x&p.mask
		for round := uint64(0); round < 4; round++ {
			l, r = r, l^(mix(r^p.key^(round*0x9e3779b97f4a7c15))&p.mask)
		}
		x = l<<p.half | r
		if x < p.n {
			return x
		}
	}
}

// ---------------------------------------------------------------------------
// People and emails.

type name struct{ disp, ascii string }

var firstNames = []name{
	{"John", "john"}, {"Mary", "mary"}, {"James", "james"}, {"Patricia", "patricia"}, {"Robert", "robert"},
	{"Jennifer", "jennifer"}, {"Michael", "michael"}, {"Linda", "linda"}, {"David", "david"}, {"Elizabeth", "elizabeth"},
	{"William", "william"}, {"Susan", "susan"}, {"Richard", "richard"}, {"Sarah", "sarah"}, {"Thomas", "thomas"},
	{"Karen", "karen"}, {"Daniel", "daniel"}, {"Emma", "emma"}, {"Paul", "paul"}, {"Anna", "anna"},
	{"Mark", "mark"}, {"Laura", "laura"}, {"Peter", "peter"}, {"Sophie", "sophie"}, {"Ahmed", "ahmed"},
	{"Fatima", "fatima"}, {"Wei", "wei"}, {"Mei", "mei"}, {"Olga", "olga"}, {"Ivan", "ivan"},
	{"José", "jose"}, {"François", "francois"}, {"Zoë", "zoe"}, {"Chloé", "chloe"}, {"Björn", "bjorn"},
	{"Jürgen", "jurgen"}, {"Søren", "soren"}, {"Łukasz", "lukasz"}, {"Renée", "renee"}, {"Ömer", "omer"},
	{"Inès", "ines"}, {"Noémie", "noemie"}, {"Siobhán", "siobhan"}, {"Mary-Jane", "mary-jane"}, {"Jean-Luc", "jean-luc"},
	{"Priya", "priya"}, {"Kwame", "kwame"}, {"Aiko", "aiko"}, {"Lars", "lars"}, {"Nadia", "nadia"},
}

var lastNames = []name{
	{"Smith", "smith"}, {"Johnson", "johnson"}, {"Williams", "williams"}, {"Brown", "brown"}, {"Jones", "jones"},
	{"Miller", "miller"}, {"Davis", "davis"}, {"Wilson", "wilson"}, {"Taylor", "taylor"}, {"Clark", "clark"},
	{"Lewis", "lewis"}, {"Walker", "walker"}, {"Hall", "hall"}, {"Young", "young"}, {"King", "king"},
	{"Wright", "wright"}, {"Green", "green"}, {"Baker", "baker"}, {"Adams", "adams"}, {"Nelson", "nelson"},
	{"Martin", "martin"}, {"Bernard", "bernard"}, {"Dubois", "dubois"}, {"Schmidt", "schmidt"}, {"Schneider", "schneider"},
	{"Rossi", "rossi"}, {"Bianchi", "bianchi"}, {"Kowalski", "kowalski"}, {"Novak", "novak"}, {"Ivanova", "ivanova"},
	{"Müller", "muller"}, {"García", "garcia"}, {"Núñez", "nunez"}, {"Lefèvre", "lefevre"}, {"Dvořák", "dvorak"},
	{"Nguyễn", "nguyen"}, {"Østergaard", "ostergaard"}, {"Çelik", "celik"}, {"Fernández", "fernandez"}, {"Jäger", "jager"},
	{"O'Brien", "obrien"}, {"Smith-Jones", "smith-jones"}, {"van der Berg", "vanderberg"}, {"de la Cruz", "delacruz"}, {"MacDonald", "macdonald"},
	{"Okafor", "okafor"}, {"Tanaka", "tanaka"}, {"Chen", "chen"}, {"Patel", "patel"}, {"Haddad", "haddad"},
}

var personalDomains = []string{
	"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.de", "web.de",
	"orange.fr", "free.fr", "laposte.net", "yahoo.co.uk", "btinternet.com", "libero.it", "protonmail.com",
}

var workDomains = []string{
	"example.org", "example.com", "acme.example", "riverside-council.example", "university.example.edu",
	"hospital.example.net", "charity.example.org", "coop.example",
}

func (g *gen) person(id uint64) (first, last name) {
	return firstNames[g.pct(tFirst, id, uint64(len(firstNames)))], lastNames[g.pct(tLast, id, uint64(len(lastNames)))]
}

// local builds the local part of an address for person id, numbered num.
func (g *gen) local(b []byte, id, num uint64, pattern uint64) []byte {
	f, l := g.person(id)
	switch pattern % 5 {
	case 0:
		b = append(append(append(b, f.ascii...), '.'), l.ascii...)
	case 1:
		b = append(append(b, f.ascii[0]), l.ascii...)
	case 2:
		b = append(b, f.ascii...)
	case 3:
		b = append(append(append(b, f.ascii...), '_'), l.ascii...)
	default:
		b = append(append(append(b, l.ascii...), '.'), f.ascii...)
	}
	return strconv.AppendUint(b, num, 10)
}

// baseEmail is user uid's address, lower case, before noise.
func (g *gen) baseEmail(uid uint64) string {
	if uid == 1 {
		return "webmaster@example.org"
	}
	b := make([]byte, 0, 48)
	b = g.local(b, uid, uid, g.h(tPattern, uid))
	b = append(b, '@')
	b = append(b, personalDomains[g.pct(tDomain, uid, uint64(len(personalDomains)))]...)
	return string(b)
}

// altEmail is another address of person id, never equal to a user's address:
// on a work domain, or on a personal domain other than the user's own.
func (g *gen) altEmail(id, num uint64, work bool, salt uint64) string {
	b := make([]byte, 0, 48)
	b = g.local(b, id, num, g.h(tPattern, id)+salt)
	b = append(b, '@')
	if work {
		b = append(b, workDomains[g.pct(tAltDomain, id*4+salt, uint64(len(workDomains)))]...)
	} else {
		own := g.pct(tDomain, id, uint64(len(personalDomains)))
		d := (own + 1 + g.pct(tAltDomain, id*4+salt, uint64(len(personalDomains)-1))) % uint64(len(personalDomains))
		b = append(b, personalDomains[d]...)
	}
	return string(b)
}

// caseVariant returns s in one of several letter-case styles.
func caseVariant(s string, mode uint64) string {
	at := strings.IndexByte(s, '@')
	if at < 0 {
		at = len(s)
	}
	b := []byte(s)
	switch mode {
	case 0: // as is (lower case)
	case 1: // John.Smith12@gmail.com
		up := true
		for i := 0; i < at; i++ {
			c := b[i]
			if up && c >= 'a' && c <= 'z' {
				b[i] = c - 32
			}
			up = c == '.' || c == '_' || c == '-'
		}
	case 2: // john.smith12@GMAIL.COM
		for i := at; i < len(b); i++ {
			if b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 32
			}
		}
	case 3: // JOHN.SMITH12@GMAIL.COM
		return strings.ToUpper(s)
	default: // jOhN.smITh12@gmail.com, letters chosen by the bits of mode
		m := mix(mode)
		for i := 0; i < at; i++ {
			if b[i] >= 'a' && b[i] <= 'z' && m&(1<<(i%64)) != 0 {
				b[i] -= 32
			}
		}
	}
	return string(b)
}

// noisyCase picks a case style: ~70% lower case, the rest mixed.
func noisyCase(s string, r uint64, lowerPct uint64) string {
	p := r % 100
	switch {
	case p < lowerPct:
		return s
	case p < lowerPct+(100-lowerPct)/2:
		return caseVariant(s, 1)
	case p < lowerPct+(100-lowerPct)*3/4:
		return caseVariant(s, 2)
	case p < lowerPct+(100-lowerPct)*9/10:
		return caseVariant(s, 3)
	default:
		return caseVariant(s, 4+r>>8)
	}
}

// spaces adds leading/trailing white space to ~bp basis points of addresses.
func spaces(s string, r uint64, bp uint64) string {
	if r%10000 >= bp {
		return s
	}
	switch (r / 10000) % 5 {
	case 0:
		return " " + s
	case 1:
		return s + " "
	case 2:
		return "  " + s + " "
	case 3:
		return s + "\t"
	default:
		return s + "\u00a0" // no-break space, as pasted from a web page
	}
}

const (
	catNormal = iota
	catEmpty
	catInvalid
	catShared
)

// userCat: ~1% empty mail, ~0.5% invalid (no @), ~1% sharing another user's
// address in a different case; uid 1 (the site admin) is always normal.
func (g *gen) userCat(uid uint64) int {
	if uid <= 1 {
		return catNormal
	}
	switch r := g.pct(tCat, uid, 10000); {
	case r < 100:
		return catEmpty
	case r < 150:
		return catInvalid
	case r < 250:
		return catShared
	}
	return catNormal
}

// owner is the user whose address uid carries: the share target for a sharing
// user (always a normal, lower uid), else uid itself.
func (g *gen) owner(uid uint64) uint64 {
	if g.userCat(uid) != catShared {
		return uid
	}
	span := min(uid-1, 5000)
	t := uid - 1 - g.pct(tTarget, uid, span)
	for t > 1 && g.userCat(t) != catNormal {
		t--
	}
	return t
}

// normalMail is the mail column of a normal user.
func (g *gen) normalMail(uid uint64) string {
	return spaces(noisyCase(g.baseEmail(uid), g.h(tCase, uid), 70), g.h(tSpace, uid), 100)
}

func (g *gen) userMail(uid uint64) string {
	switch g.userCat(uid) {
	case catEmpty:
		return ""
	case catInvalid:
		e := g.baseEmail(uid)
		at := strings.IndexByte(e, '@')
		switch g.pct(tInvalid, uid, 3) {
		case 0:
			return e[:at] + "." + e[at+1:] // john.smith12.gmail.com
		case 1:
			return e[:at] + " at " + e[at+1:]
		default:
			return e[:at]
		}
	case catShared:
		t := g.owner(uid)
		theirs := strings.TrimSpace(g.normalMail(t))
		r := g.h(tCase, uid)
		for k := uint64(0); k < 4; k++ {
			if m := caseVariant(g.baseEmail(t), 1+(r+k)%4); m != theirs {
				return m
			}
		}
		return strings.ToUpper(g.baseEmail(t)) // unreachable in practice
	}
	return g.normalMail(uid)
}

func (g *gen) username(uid uint64) string {
	if uid == 1 {
		return "admin"
	}
	f, l := g.person(uid)
	n := strconv.FormatUint(uid, 10)
	switch g.pct(tUname, uid, 5) {
	case 0:
		return f.ascii + "." + l.ascii + n
	case 1:
		return f.ascii[:1] + l.ascii + n
	case 2:
		r, _ := utf8.DecodeRuneInString(l.disp)
		return f.disp + " " + string(r) + n // "José G4821": Drupal allows spaces and accents
	case 3:
		return strings.ToLower(f.disp) + "_" + n
	default:
		return f.disp + l.disp + n
	}
}

const (
	epoch = 1230768000 // 2009-01-01
	span  = 15 * 365 * 86400
)

// ---------------------------------------------------------------------------
// users.csv

func (g *gen) userRows(emit func([]string) error) error {
	rec := make([]string, 5, 7)
	if g.cfg.UserNames {
		rec = rec[:7]
	}
	// The anonymous user, as every Drupal users dump has it.
	rec[0], rec[1], rec[2], rec[3], rec[4] = "0", "", "", "0", "0"
	if err := emit(rec); err != nil {
		return err
	}
	for uid := uint64(1); uid <= g.n; uid++ {
		rec[0] = strconv.FormatUint(uid, 10)
		rec[1] = g.username(uid)
		rec[2] = g.userMail(uid)
		if uid > 1 && g.pct(tStatus, uid, 1000) < 20 {
			rec[3] = "0" // blocked
		} else {
			rec[3] = "1"
		}
		rec[4] = strconv.FormatUint(epoch+uid*span/g.n+g.pct(tCreated, uid, 86400), 10)
		if g.cfg.UserNames {
			f, l := g.person(g.owner(uid))
			rec[5], rec[6] = f.disp, l.disp
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// contacts.csv

func (g *gen) contactRows(emit func([]string) error) error {
	rec := make([]string, 9)
	for i := uint64(0); i < g.nc; i++ {
		cid := i + 1
		for k := range rec {
			rec[k] = ""
		}
		rec[0] = strconv.FormatUint(cid, 10)
		ctype := "Individual"
		switch r := g.pct(tCType, cid, 10000); {
		case r < 120:
			ctype = "Organization"
		case r < 200:
			ctype = "Household"
		}
		rec[1] = ctype
		rec[7] = "0"
		if g.pct(tDeleted, cid, 1000) < 10 {
			rec[7] = "1"
		}
		var personID, num uint64 // whose names, and the number in their addresses
		var userEmail string     // a user's address this contact carries, if any
		var linkUID uint64
		slot := g.cperm.at(i)
		if slot < g.matched {
			uid := g.uperm.at(slot) + 1
			personID = g.owner(uid)
			num = personID
			userEmail = g.baseEmail(personID)
			if ctype == "Individual" && g.pct(tLink, cid, 10000) < g.linkBP {
				linkUID = uid
			}
		} else {
			personID = g.n + cid // a person who has no account
			num = personID
			if g.pct(tDup, cid, 100) < 3 {
				// A duplicate contact: someone's address, possibly again.
				uid := g.pct(tDupUser, cid, g.n) + 1
				personID = g.owner(uid)
				userEmail = g.baseEmail(personID)
			}
		}
		switch ctype {
		case "Individual":
			f, l := g.person(personID)
			rec[2], rec[3] = f.disp, l.disp
			g.individualEmails(rec, cid, personID, num, userEmail)
		case "Organization":
			if userEmail != "" {
				rec[4] = g.contactNoise(userEmail, cid)
			} else {
				rec[4] = "info" + strconv.FormatUint(cid, 10) + "@" + workDomains[g.pct(tAltDomain, cid, uint64(len(workDomains)))]
			}
		case "Household":
			if userEmail != "" {
				rec[4] = g.contactNoise(userEmail, cid)
			} else {
				_, l := g.person(personID)
				rec[4] = "the." + l.ascii + strconv.FormatUint(cid, 10) + "@" + personalDomains[g.pct(tAltDomain, cid, uint64(len(personalDomains)))]
			}
		}
		if linkUID > 0 {
			rec[8] = strconv.FormatUint(linkUID, 10)
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) contactNoise(e string, cid uint64) string {
	return spaces(noisyCase(e, g.h(tCase, g.n+cid), 85), g.h(tSpace, g.n+cid), 50)
}

// individualEmails fills Email (4), Home-Email (5), Work-Email (6). A user's
// address goes to the primary Email ~80% of the time, else only to Work-Email
// (12%) or Home-Email (8%), the primary then being another address.
func (g *gen) individualEmails(rec []string, cid, personID, num uint64, userEmail string) {
	r := g.pct(tPlace, cid, 100)
	if userEmail == "" && r < 5 {
		return // a contact with no email at all
	}
	place := 4
	if userEmail != "" {
		switch {
		case r >= 92:
			place = 5
		case r >= 80:
			place = 6
		}
		rec[place] = g.contactNoise(userEmail, cid)
	}
	if rec[4] == "" {
		rec[4] = g.contactNoise(g.altEmail(personID, num, r%3 == 0, 1), cid)
	}
	if rec[6] == "" && g.pct(tAltWork, cid, 100) < 25 {
		rec[6] = g.altEmail(personID, num, true, 2)
	}
	if rec[5] == "" && g.pct(tAltHome, cid, 100) < 15 {
		rec[5] = g.altEmail(personID, num, false, 3)
	}
}

// ---------------------------------------------------------------------------
// Groups: node.csv, og_users_roles.csv, og_role.csv, og_membership.csv.

const nidBase = 1000000

var (
	titlePlaces = []string{
		"Riverside", "North End", "Old Town", "Lakeside", "Greenwood", "Harbour View", "Hillcrest", "Maple Grove",
		"Westfield", "Eastbrook", "Saint-Étienne", "Montréal", "Zürich", "Malmö", "Córdoba", "Kraków", "São Paulo",
		"Île-de-France", "Ålesund", "Bruxelles-Capitale", "Queen's Park", "Kingsbridge", "Brookside", "Elmwood",
		"Fairview", "Cedar Hill", "Southport", "Ashford", "Millbrook", "Oakridge",
	}
	titleTopics = []string{
		"Community Garden", "Book Club", "Cycling", "Tenants", "Parents", "Climate Action", "Choir", "Chess",
		"Youth Football", "Volunteers", "Food Bank", "Art", "Photography", "Hiking", "Neighbourhood Watch",
		"Seniors", "Language Exchange", "Coding", "Repair Café", "Allotment", "Running", "Birdwatching", "Film",
		"Local History", "Theatre", "Recycling", "Board Games", "Knitting", "Jazz", "Mutual Aid",
	}
	titleKinds = []string{
		"Group", "Club", "Association", "Network", "Circle", "Committee", "Society", "Collective", "Forum",
		"Working Group", "Alliance", "Initiative",
	}
	titleLong = []string{
		" – Regional Coordination, Volunteers and Friends",
		" (Members, Supporters and Partner Organisations)",
		": Planning Committee for the 2024–2026 Programme",
		" — Comité de coordination et bénévoles",
	}
	titleCombos = len(titlePlaces) * len(titleTopics) * len(titleKinds)
)

// title of group k (nid = nidBase+k): unique, ~8% longer than 49 characters
// once a long suffix is added, many with accents.
func (g *gen) title(k uint64) string {
	q, r := k/uint64(titleCombos), k%uint64(titleCombos)
	c := g.tperm.at(r)
	nt, nk := uint64(len(titleTopics)), uint64(len(titleKinds))
	t := titlePlaces[c/(nt*nk)] + " " + titleTopics[c/nk%nt] + " " + titleKinds[c%nk]
	if q > 0 {
		t += " " + strconv.FormatUint(q+1, 10)
	}
	if l := g.pct(tLong, k, 100); l < 8 {
		t += titleLong[l%uint64(len(titleLong))]
	}
	return t
}

// admins of group k: 0 (8%), 1 (80%), 2 (9%) or 3 (3%) users.
func (g *gen) nAdmins(k uint64) uint64 {
	switch r := g.pct(tAdmins, k, 100); {
	case r < 8:
		return 0
	case r < 88:
		return 1
	case r < 97:
		return 2
	}
	return 3
}

func (g *gen) adminUID(k, j uint64) uint64 { return g.pct(tAdminUID, k*4+j, g.n) + 1 }

// author of group k: its first administrator, else any user.
func (g *gen) author(k uint64) uint64 {
	if g.nAdmins(k) > 0 {
		return g.adminUID(k, 0)
	}
	return g.pct(tAuthor, k, g.n) + 1
}

func (g *gen) nodeRows(emit func([]string) error) error {
	rec := make([]string, 4)
	rec[1] = "group"
	for k := uint64(0); k < g.ng; k++ {
		rec[0] = strconv.FormatUint(nidBase+k, 10)
		rec[2] = g.title(k)
		rec[3] = strconv.FormatUint(g.author(k), 10)
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) ogUsersRolesRows(emit func([]string) error) error {
	rec := []string{"", "3", "", "node"}
	for k := uint64(0); k < g.ng; k++ {
		rec[2] = strconv.FormatUint(nidBase+k, 10)
		for j := uint64(0); j < g.nAdmins(k); j++ {
			rec[0] = strconv.FormatUint(g.adminUID(k, j), 10)
			if err := emit(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) ogRoleRows(emit func([]string) error) error {
	for _, rec := range [][]string{
		{"1", "0", "", "", "non-member"},
		{"2", "0", "", "", "member"},
		{"3", "0", "", "", "administrator member"},
	} {
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

// membershipRows writes the admins' own memberships first (as OG makes them
// when a group is created), then random memberships: group popularity is
// skewed (a few large groups, many small), ~0.5% of users unknown, states
// 93% active, 5% pending, 2% blocked, and ~3% extra node (group content) rows.
func (g *gen) membershipRows(emit func([]string) error) error {
	rng := rand.New(rand.NewPCG(g.cfg.Seed, tMembership))
	rec := []string{"", "og_membership_type_default", "", "user", "", "node", "1", "", "og_user_node"}
	id, users := uint64(0), uint64(0)
	put := func() error {
		id++
		rec[0] = strconv.FormatUint(id, 10)
		return emit(rec)
	}
	for k := uint64(0); k < g.ng && users < g.nm; k++ {
		rec[4] = strconv.FormatUint(nidBase+k, 10)
		for j := uint64(0); j < g.nAdmins(k) && users < g.nm; j++ {
			rec[2] = strconv.FormatUint(g.adminUID(k, j), 10)
			rec[7] = strconv.FormatUint(epoch+k*span/g.ng, 10)
			if err := put(); err != nil {
				return err
			}
			users++
		}
	}
	for users < g.nm {
		rec[7] = strconv.FormatUint(epoch+rng.Uint64N(span), 10)
		u := rng.Float64()
		rec[4] = strconv.FormatUint(nidBase+g.gperm.at(uint64(float64(g.ng)*u*u)), 10)
		if rng.Uint64N(1000) < 30 {
			rec[2] = strconv.FormatUint(1+rng.Uint64N(999999), 10)
			rec[3], rec[6], rec[8] = "node", "1", "og_group_ref"
		} else {
			if rng.Uint64N(1000) < 5 {
				rec[2] = strconv.FormatUint(g.n+1+rng.Uint64N(g.unknownSpan), 10)
			} else {
				rec[2] = strconv.FormatUint(1+rng.Uint64N(g.n), 10)
			}
			switch s := rng.Uint64N(100); {
			case s < 93:
				rec[6] = "1"
			case s < 98:
				rec[6] = "2"
			default:
				rec[6] = "3"
			}
			rec[3], rec[8] = "user", "og_user_node"
			users++
		}
		if err := put(); err != nil {
			return err
		}
	}
	return nil
}
