package pipeline

// A slow, obviously-correct reference of SPEC §2 (users → contacts) and §3
// (Organic Groups → CiviCRM groups), held against Transform on seeded,
// mid-size, noisy exports written to real files. The reference reads the
// generator's own rows (not what extraction made of them) and works with
// plain loops over slices: no indexes, no buckets, no sorted chains. It
// shares with production only EmailKey, CutName and the exported types.

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/civisync/civisync/formats"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// ---------------------------------------------------------------------------
// The generated exports, cell by cell, as the files hold them.

type rUser struct {
	UID, Name, Mail, First, Last, Full, Status string
}

type rContact struct {
	ID                  int64
	Type, First, Last   string
	Primary, Home, Work string
	Deleted             string
	UFID                int64 // 0: empty cell
}

type rNode struct {
	GID    int64
	Title  string
	Author string
}

type rRole struct {
	UID, GID int64
	RID      string
}

type rMember struct {
	GID, Title, UID, Type, State, IsAdmin, Roles string
}

type world struct {
	fullName  bool // the users file has display_name, not first/last name
	users     []rUser
	contacts  []rContact
	nodes     []rNode
	roleNames [][2]string
	roles     []rRole
	members   []rMember
}

type genConfig struct {
	seed                                   uint64
	users, contacts, groups, memberships   int
	sparse                                 bool // user ids far apart (the uid index's map)
	fullName                               bool
	sharedUsers, contactMail, invalid, nil float64
}

var (
	firstNames = []string{"Mary", "José", "Ann", "Kevin", "Zoë", "Li", "Sam", "Priya", "Ngozi", "Tom", "Chris", "Søren", "Mary Ann", "Jean-Luc"}
	lastNames  = []string{"Smith", "Müller", "Brown", "O'Brien", "Patel", "Lee", "Okafor", "Baker", "García", "Nguyen", "van der Berg"}
	domains    = []string{"example.org", "example.com", "exämple.net", "mail.example.co.uk"}
	spaces     = []string{" ", "\t", "\u00a0", "\u2003", "\u00a0\t"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// noisy writes an address the way people and exports mangle it: another
// case, decomposed accents, white space around.
func noisy(r *rand.Rand, addr string) string {
	switch x := r.Float64(); {
	case x < 0.25:
		addr = strings.ToUpper(addr)
	case x < 0.45:
		addr = strings.ToUpper(addr[:1]) + addr[1:]
	}
	if r.Float64() < 0.15 {
		addr = norm.NFD.String(addr)
	}
	if r.Float64() < 0.2 {
		addr = pick(r, spaces) + addr
	}
	if r.Float64() < 0.2 {
		addr += pick(r, spaces)
	}
	return addr
}

func caseOf(r *rand.Rand, s string) string {
	switch r.IntN(4) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToLower(s)
	}
	return s
}

func generate(cfg genConfig) *world {
	r := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x5eed))
	w := &world{fullName: cfg.fullName}
	fresh := 0
	freshAddr := func(first, last string) string {
		fresh++
		local := strings.ToLower(strings.ReplaceAll(first+"."+last, " ", ""))
		return fmt.Sprintf("%s%d@%s", local, fresh, pick(r, domains))
	}

	// User ids first: contacts link to them.
	uids := make([]int64, cfg.users)
	next := int64(0)
	for i := range uids {
		if cfg.sparse {
			next += 1 + r.Int64N(5000)
		} else {
			next += 1 + r.Int64N(2)
		}
		uids[i] = next
	}
	unknownUID := func() int64 { return next + 1_000_000 + r.Int64N(1000) }

	// Contacts: ascending ids with gaps, 1-3 e-mails, some shared.
	var bases []string // every contact address, unmangled
	id := int64(0)
	for i := 0; i < cfg.contacts; i++ {
		id += 1 + r.Int64N(3)
		c := rContact{ID: id, First: pick(r, firstNames), Last: pick(r, lastNames)}
		switch x := r.Float64(); {
		case x < 0.04:
			c.Type, c.First = "Individual", ""
		case x < 0.06:
			c.Type, c.Last = "Individual", ""
		case x < 0.80:
			c.Type = "Individual"
		case x < 0.85:
			c.Type = "individual"
		case x < 0.93:
			c.Type = "Organization"
			c.First, c.Last = "", ""
		default:
			c.Type = "Household"
			c.First, c.Last = "", ""
		}
		switch x := r.Float64(); {
		case x < 0.03:
			c.Deleted = "1"
		case x < 0.05:
			c.Deleted = "yes"
		case x < 0.06:
			c.Deleted = "TRUE"
		case x < 0.5:
			c.Deleted = "0"
		case x < 0.6:
			c.Deleted = "no"
		}
		n := 1 + r.IntN(3)
		addrs := make([]string, n)
		for k := range addrs {
			if len(bases) > 0 && r.Float64() < 0.12 {
				addrs[k] = pick(r, bases) // another contact's address
			} else if k > 0 && r.Float64() < 0.05 {
				addrs[k] = addrs[0] // the same address twice
			} else {
				addrs[k] = freshAddr(c.First+"x", c.Last+"y")
			}
			bases = append(bases, addrs[k])
		}
		if r.Float64() < 0.1 { // no primary: the address is only a location one
			addrs = append([]string{""}, addrs...)
		}
		mangle := func(s string) string {
			if s == "" {
				return ""
			}
			return noisy(r, s)
		}
		c.Primary = mangle(addrs[0])
		if len(addrs) > 1 {
			c.Home = mangle(addrs[1])
		}
		if len(addrs) > 2 {
			c.Work = mangle(addrs[2])
		}
		switch x := r.Float64(); {
		case x < 0.08:
			c.UFID = pick(r, uids)
		case x < 0.10:
			c.UFID = unknownUID()
		case x < 0.105 && i > 0: // two contacts claim one user
			for j := i - 1; j >= 0; j-- {
				if w.contacts[j].UFID != 0 {
					c.UFID = w.contacts[j].UFID
					break
				}
			}
		}
		w.contacts = append(w.contacts, c)
	}
	// Exports are mostly in id order; a few rows are not, and a few ids repeat.
	for k := 0; k < cfg.contacts/200; k++ {
		i, j := r.IntN(len(w.contacts)), r.IntN(len(w.contacts))
		w.contacts[i], w.contacts[j] = w.contacts[j], w.contacts[i]
	}
	for k := 0; k < 3; k++ {
		dup := w.contacts[r.IntN(len(w.contacts))]
		dup.Primary, dup.UFID = freshAddr("dup", "contact"), 0
		w.contacts = append(w.contacts, dup)
	}

	// Users.
	var userBases []string
	for i, uid := range uids {
		u := rUser{UID: strconv.FormatInt(uid, 10), Name: fmt.Sprintf("login%d", uid), Status: pick(r, []string{"1", "1", "1", "0"})}
		first, last := pick(r, firstNames), pick(r, lastNames)
		var base string
		empty := false
		switch x := r.Float64(); {
		case x < cfg.contactMail: // a contact's address, often with its names
			c := pick(r, w.contacts)
			base = trimSpace(pick(r, []string{c.Primary, c.Home, c.Work, c.Primary}))
			if r.Float64() < 0.6 {
				first, last = caseOf(r, c.First), caseOf(r, c.Last)
			}
		case x < cfg.contactMail+cfg.sharedUsers && len(userBases) > 0: // another user's
			base = pick(r, userBases)
		case x < cfg.contactMail+cfg.sharedUsers+cfg.invalid:
			base = pick(r, []string{"nobody", "mary at example.org", "kevin.obrien.example.org", "n/a"})
		case x < cfg.contactMail+cfg.sharedUsers+cfg.invalid+cfg.nil:
			empty = true
		}
		if base == "" && !empty {
			base = freshAddr(first, last)
		}
		if empty {
			u.Mail = pick(r, []string{"", " ", "\u00a0"})
		} else {
			userBases = append(userBases, base)
			u.Mail = noisy(r, base)
		}
		if r.Float64() < 0.15 {
			first = ""
		}
		if r.Float64() < 0.15 {
			last = ""
		}
		u.First, u.Last = first, last
		u.Full = strings.TrimSpace(first + " " + last)
		if i%997 == 5 {
			u.First, u.Last, u.Full = "", "", ""
		}
		w.users = append(w.users, u)
	}
	for k := 0; k < cfg.users/100; k++ {
		i, j := r.IntN(len(w.users)), r.IntN(len(w.users))
		w.users[i], w.users[j] = w.users[j], w.users[i]
	}
	for k := 0; k < 3; k++ { // the same uid again: the first row wins
		dup := w.users[r.IntN(len(w.users))]
		dup.Mail = freshAddr("dup", "user")
		w.users = append(w.users, dup)
	}
	w.users = append(w.users, rUser{UID: "0", Mail: "anonymous@example.org"}, rUser{UID: "", Mail: "nobody@example.org"},
		rUser{UID: "abc", Mail: "bad@example.org"})
	r.Shuffle(len(w.users)-len(w.users)*9/10, func(i, j int) {
		off := len(w.users) * 9 / 10
		w.users[off+i], w.users[off+j] = w.users[off+j], w.users[off+i]
	})

	// Groups: gids in 1..400; most have a node row, some have none, two no
	// title, four collide once cut or case-folded.
	perm := r.Perm(400)
	gids := make([]int64, cfg.groups)
	for i := range gids {
		gids[i] = int64(perm[i] + 1)
	}
	long := "Riverside Tenants and Residents Association Committee"
	titles := map[int64]string{}
	nodes := cfg.groups - 4
	for i := 0; i < nodes; i++ {
		t := fmt.Sprintf("%s %s Group %d", pick(r, []string{"Riverside", "Café", "Community", "Saturday"}), pick(r, lastNames), i)
		switch i {
		case 0, 1:
			t = pick(r, []string{"", " "})
		case 2:
			t = long + " North"
		case 3:
			t = long + " South"
		case 4:
			t = "Choir"
		case 5:
			t = " CHOIR\u00a0"
		case 6:
			t = "  Saturday Morning Volunteers at the Riverside Café and more"
		}
		titles[gids[i]] = t
		n := rNode{GID: gids[i], Title: t}
		switch x := r.Float64(); {
		case x < 0.6:
			n.Author = strconv.FormatInt(pick(r, uids), 10)
		case x < 0.7:
			n.Author = strconv.FormatInt(unknownUID(), 10)
		}
		w.nodes = append(w.nodes, n)
	}
	r.Shuffle(len(w.nodes), func(i, j int) { w.nodes[i], w.nodes[j] = w.nodes[j], w.nodes[i] })

	w.roleNames = [][2]string{{"1", "non-member"}, {"2", "member"}, {"3", "administrator member"}}
	for k := 0; k < cfg.groups*4; k++ {
		g := gids[r.IntN(len(gids)-2)] // the last two groups: only their role rows name them
		if k < 4 {
			g = gids[len(gids)-2+k%2]
		}
		uid := pick(r, uids)
		if r.Float64() < 0.05 {
			uid = unknownUID()
		}
		rid := pick(r, []string{"3", "3", "2"})
		if k < 2 {
			rid = "3"
		}
		w.roles = append(w.roles, rRole{UID: uid, GID: g, RID: rid})
	}

	// Memberships (Drupal 7 og_membership plus the friendly columns).
	onlyTitles := []string{"Book Club", "  Walking Group"}
	var rows []rMember
	for k := 0; k < cfg.memberships; k++ {
		m := rMember{GID: strconv.FormatInt(gids[r.IntN(len(gids)-2)], 10), UID: strconv.FormatInt(pick(r, uids), 10)}
		m.Type = pick(r, []string{"user", "user", "user", "", "User"})
		switch x := r.Float64(); {
		case x < 0.70:
			m.State = pick(r, []string{"1", "1", "active", "Active"})
		case x < 0.83:
			m.State = pick(r, []string{"2", "pending"})
		case x < 0.93:
			m.State = pick(r, []string{"3", "blocked"})
		default:
			m.State = ""
		}
		if r.Float64() < 0.04 {
			m.IsAdmin = "1"
		} else {
			m.IsAdmin = pick(r, []string{"0", ""})
		}
		switch x := r.Float64(); {
		case x < 0.03:
			m.Roles = "administrator member"
		case x < 0.33:
			m.Roles = "member"
		}
		switch x := r.Float64(); {
		case x < 0.04: // group content
			m.Type, m.UID, m.State = "node", strconv.Itoa(5000+k), "1"
		case x < 0.06: // by title only: the group node's title, or one nothing else names
			m.GID = ""
			if r.IntN(2) == 0 {
				m.Title = onlyTitles[r.IntN(2)]
			} else {
				m.Title = caseOf(r, titles[gids[7+r.IntN(nodes-7)]])
			}
		case x < 0.065:
			m.UID = "u" + m.UID // a bad row
		case x < 0.12:
			m.UID = strconv.FormatInt(unknownUID(), 10)
		case x < 0.18 && len(rows) > 0: // the same person again, in another state
			prev := rows[r.IntN(len(rows))]
			m.GID, m.Title, m.UID = prev.GID, prev.Title, prev.UID
		}
		rows = append(rows, m)
	}
	// Administrators by role or authorship who are also blocked, pending or
	// active members.
	for k := 0; k < len(w.roles)/3; k++ {
		ro := w.roles[r.IntN(len(w.roles))]
		m := rMember{GID: strconv.FormatInt(ro.GID, 10), UID: strconv.FormatInt(ro.UID, 10), Type: "user", State: pick(r, []string{"3", "2", "1"})}
		rows = append(rows, m)
	}
	for _, n := range w.nodes {
		if n.Author != "" && r.IntN(2) == 0 {
			rows = append(rows, rMember{GID: strconv.FormatInt(n.GID, 10), UID: n.Author, Type: "user", State: pick(r, []string{"3", "2", "1"})})
		}
	}
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	// Memberships naming groups no node row has.
	for k := 0; k < 10; k++ {
		if m := &rows[r.IntN(len(rows))]; m.GID != "" {
			m.GID = strconv.FormatInt(gids[nodes+k%2], 10)
		}
	}
	// Rows of a Views export with both the group id and its title: they
	// give a title to a group whose node has none, or that has no node.
	for i := range rows {
		switch rows[i].GID {
		case strconv.FormatInt(gids[1], 10):
			if r.IntN(2) == 0 {
				rows[i].Title = "Garden Club"
			}
		case strconv.FormatInt(gids[nodes], 10):
			if r.IntN(2) == 0 {
				rows[i].Title = " Knitting Circle "
			}
		}
	}
	// Once a row has given that title, rows naming the group by title alone
	// find it.
	for _, title := range []string{"Garden Club", " Knitting Circle "} {
		first := slices.IndexFunc(rows, func(m rMember) bool { return m.GID != "" && m.Title == title })
		for k := 0; first >= 0 && k < 20; k++ {
			if m := &rows[first+1+r.IntN(len(rows)-first-1)]; m.Type != "node" {
				m.GID, m.Title = "", caseOf(r, title)
			}
		}
	}
	w.members = rows
	return w
}

// write puts the exports into dir and returns the run's config.
func (w *world) write(t testing.TB, dir string) *Config {
	t.Helper()
	put := func(name string, header []string, rows [][]string) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		cw := csv.NewWriter(f)
		cw.Write(header)
		cw.WriteAll(rows)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var rows [][]string
	for _, u := range w.users {
		if w.fullName {
			rows = append(rows, []string{u.UID, u.Name, u.Mail, u.Full, u.Status})
		} else {
			rows = append(rows, []string{u.UID, u.Name, u.Mail, u.First, u.Last, u.Status})
		}
	}
	usersHeader := []string{"uid", "name", "mail", "first_name", "last_name", "status"}
	if w.fullName {
		usersHeader = []string{"ID", "user_login", "user_email", "display_name", "Status"}
	}
	cfg := &Config{Users: Input{Path: put("users.csv", usersHeader, rows)}}
	rows = nil
	for _, c := range w.contacts {
		uf := ""
		if c.UFID != 0 {
			uf = strconv.FormatInt(c.UFID, 10)
		}
		rows = append(rows, []string{strconv.FormatInt(c.ID, 10), c.Type, c.First, c.Last, c.Primary, c.Home, c.Work, c.Deleted, uf})
	}
	cfg.Contacts.Contacts = Input{Path: put("contacts.csv", []string{"Contact ID", "Contact Type", "First Name", "Last Name", "Email", "Home-Email", "Work-Email", "Is Deleted", "User ID"}, rows)}
	rows = nil
	for _, n := range w.nodes {
		rows = append(rows, []string{strconv.FormatInt(n.GID, 10), n.Title, n.Author})
	}
	cfg.OG.Groups = &Input{Path: put("node.csv", []string{"nid", "title", "uid"}, rows)}
	rows = nil
	for _, rn := range w.roleNames {
		rows = append(rows, rn[:])
	}
	cfg.OG.RoleNames = &Input{Path: put("og_role.csv", []string{"rid", "name"}, rows)}
	rows = nil
	for _, ro := range w.roles {
		rows = append(rows, []string{strconv.FormatInt(ro.UID, 10), strconv.FormatInt(ro.GID, 10), ro.RID})
	}
	cfg.OG.Roles = &Input{Path: put("og_users_roles.csv", []string{"uid", "gid", "rid"}, rows)}
	rows = nil
	for _, m := range w.members {
		rows = append(rows, []string{m.GID, m.Title, m.UID, m.Type, m.State, m.IsAdmin, m.Roles})
	}
	cfg.OG.Memberships = &Input{Path: put("og_membership.csv", []string{"gid", "group", "uid", "entity_type", "state", "is_admin", "roles"}, rows)}
	return cfg
}

// ---------------------------------------------------------------------------
// What a run must give, in a form both sides are put into.

type refLink struct {
	UID       int64
	ContactID int64
	New       int // 1-based into the new contacts
	Match     string
	Score     int
	Fields    string // the rule's fields that matched
}

// refSameName compares names as MySQL's utf8mb4_unicode_ci does: the
// collator itself, case, accents and width ignored, trailing spaces too.
func refSameName(a, b string) bool {
	c := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)
	return c.CompareString(strings.TrimRight(a, " "), strings.TrimRight(b, " ")) == 0
}

type refReview struct {
	Kind      string
	File      string // base name
	Line      int
	UID       int64
	ContactID int64
}

func (r refReview) String() string {
	return fmt.Sprintf("%s %s:%d uid=%d cid=%d", r.Kind, r.File, r.Line, r.UID, r.ContactID)
}

type refGroup struct {
	GID, Name, Source, ACLName, ACLSource string
}

type refMember struct {
	GID, Group string // the OG id and the group's name
	ContactID  int64
	New        int // 1-based into the new contacts, when ContactID is 0
	Status     string
	Admin      bool
}

type refCounts struct {
	Members, Added, Pending, Admins, Left int
}

type outcome struct {
	Links                            []refLink
	New                              []NewContact
	Checked, Found, Created, Skipped int
	Review                           []refReview // sorted
	Groups                           []refGroup
	Members                          []refMember
	Counts                           []refCounts
	// Files are the rows (without header) of the CSV files Load writes.
	Files map[string][][]string
}

// outputFiles are the tables compared row by row.
var outputFiles = []string{FileUserContacts, FileNewContacts, FileGroups, FileMembers, FileACLAdmins}

// ---------------------------------------------------------------------------
// The reference.

func trimSpace(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// key is SPEC §2's e-mail key, spelt out (production's EmailKey has an
// ASCII fast path).
func key(s string) string { return strings.ToLower(norm.NFC.String(trimSpace(s))) }

func digits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

type refUser struct {
	UID                          int64
	Username, Email, First, Last string
	Line                         int
}

type refContact struct {
	ID          int64
	Individual  bool
	Deleted     bool
	First, Last string
	Primary     string   // key
	Others      []string // keys
	UFID        int64    // the link, 0 when none or ignored
	Line        int
}

func reference(w *world, opt MatchOptions) outcome {
	var out outcome
	review := func(kind, file string, line int, uid, cid int64) {
		out.Review = append(out.Review, refReview{kind, file, line, uid, cid})
	}

	// Users: rows in file order; the first row of a uid wins; then by uid.
	var users []refUser
	for i, ru := range w.users {
		line := i + 2
		raw := trimSpace(ru.UID)
		if raw == "" {
			if trimSpace(ru.Mail) != "" { // someone without a uid: reviewed, not silently dropped
				review(KindNoUserID, "users.csv", line, 0, 0)
			}
			continue
		}
		uid, ok := digits(raw)
		if !ok {
			review(KindBadRow, "users.csv", line, 0, 0)
			continue
		}
		if uid == 0 {
			continue
		}
		dup := false
		for _, u := range users {
			if u.UID == uid {
				dup = true
			}
		}
		if dup {
			review(KindDuplicateUser, "users.csv", line, uid, 0)
			continue
		}
		u := refUser{UID: uid, Username: trimSpace(ru.Name), Email: trimSpace(ru.Mail), First: trimSpace(ru.First), Last: trimSpace(ru.Last), Line: line}
		if w.fullName {
			words := strings.Fields(ru.Full)
			u.First, u.Last = "", ""
			if len(words) > 0 {
				u.First, u.Last = strings.Join(words[:len(words)-1], " "), words[len(words)-1]
			}
		}
		users = append(users, u)
	}
	sort.SliceStable(users, func(i, j int) bool { return users[i].UID < users[j].UID })
	known := func(uid int64) bool {
		for _, u := range users {
			if u.UID == uid {
				return true
			}
		}
		return false
	}

	// Contacts: the first row of an id wins; then by id.
	var contacts []refContact
	for i, rc := range w.contacts {
		line := i + 2
		dup := false
		for _, c := range contacts {
			if c.ID == rc.ID {
				dup = true
			}
		}
		if dup {
			review(KindDuplicateContact, "contacts.csv", line, 0, rc.ID)
			continue
		}
		c := refContact{ID: rc.ID, Individual: strings.EqualFold(rc.Type, "Individual"), First: rc.First, Last: rc.Last, UFID: rc.UFID, Line: line}
		switch strings.ToLower(rc.Deleted) {
		case "1", "yes", "true":
			c.Deleted = true
		}
		if p := trimSpace(rc.Primary); p != "" {
			c.Primary = key(p)
		}
		for _, o := range []string{rc.Home, rc.Work} {
			if o = trimSpace(o); o != "" {
				c.Others = append(c.Others, key(o))
			}
		}
		contacts = append(contacts, c)
	}
	sort.SliceStable(contacts, func(i, j int) bool { return contacts[i].ID < contacts[j].ID })
	// Two contacts linked to one user: the lower contact id keeps the link.
	for i := range contacts {
		for j := 0; j < i; j++ {
			if contacts[i].UFID != 0 && contacts[j].UFID == contacts[i].UFID {
				review(KindLinkConflict, "contacts.csv", contacts[i].Line, contacts[i].UFID, contacts[i].ID)
				contacts[i].UFID = 0
				break
			}
		}
	}
	linkedTo := make([]int64, len(contacts)) // contact -> user, by export or by this run
	for i, c := range contacts {
		linkedTo[i] = c.UFID
	}

	// §2, one user at a time in ascending uid.
	threshold := 10
	if opt.Rule == RuleSupervised {
		threshold = 20
	}
	var keys []string // keys[i] is the e-mail key of out.Links[i]
	for _, u := range users {
		key := key(u.Email)
		if key == "" {
			review(KindNoEmail, "users.csv", u.Line, u.UID, 0)
			continue
		}
		out.Checked++
		l := refLink{UID: u.UID}
		add := func() {
			out.Links = append(out.Links, l)
			keys = append(keys, key)
		}
		// Step 2: the existing link comes first.
		if ci := func() int {
			for i, c := range contacts {
				if c.UFID == u.UID {
					return i
				}
			}
			return -1
		}(); ci >= 0 {
			l.ContactID, l.Match = contacts[ci].ID, MatchLinked
			out.Found++
			if contacts[ci].Deleted {
				review(KindLinkedContactDeleted, "users.csv", u.Line, u.UID, contacts[ci].ID)
			}
			add()
			continue
		}
		// Step 7: no @, no contact.
		if at := strings.Index(key, "@"); at <= 0 || strings.HasSuffix(key, "@") {
			l.Match = MatchNone
			out.Skipped++
			review(KindInvalidEmail, "users.csv", u.Line, u.UID, 0)
			add()
			continue
		}
		// Step 5: an earlier user took this e-mail.
		owner := -1
		for i := range out.Links {
			if keys[i] == key {
				owner = i
				break
			}
		}
		if owner >= 0 {
			o := out.Links[owner]
			l.ContactID, l.New, l.Match = o.ContactID, o.New, MatchShared
			out.Skipped++
			review(KindDuplicateEmail, "users.csv", u.Line, u.UID, o.ContactID)
			add()
			continue
		}
		// Step 3: every non-deleted Individual with the key among its
		// e-mails; primary matches first, each by contact id.
		var cands []int
		for _, primary := range []bool{true, false} {
			for i, c := range contacts {
				if !c.Individual || c.Deleted {
					continue
				}
				isPrimary := c.Primary == key
				isOther := false
				for _, o := range c.Others {
					if o == key {
						isOther = true
					}
				}
				if (primary && isPrimary) || (!primary && !isPrimary && isOther) {
					cands = append(cands, i)
				}
			}
		}
		// Step 4 and the rule: the first candidate the rule accepts and no
		// other user has.
		var taken, mismatch []int64
		best, score := -1, 0
		for _, i := range cands {
			c := contacts[i]
			s := 10
			if opt.Rule == RuleSupervised {
				if strings.TrimSpace(u.First) != "" && refSameName(u.First, c.First) {
					s += 5
				}
				if strings.TrimSpace(u.Last) != "" && refSameName(u.Last, c.Last) {
					s += 7
				}
			}
			switch {
			case s < threshold:
				mismatch = append(mismatch, c.ID)
			case linkedTo[i] != 0:
				taken = append(taken, c.ID)
			case best < 0:
				best, score = i, s
			}
		}
		if best >= 0 {
			l.ContactID, l.Score, l.Match, l.Fields = contacts[best].ID, score, MatchEmail, "email"
			if opt.Rule == RuleSupervised {
				l.Match, l.Fields = RuleSupervised, "first_name, last_name, email"
			}
			linkedTo[best] = u.UID
			out.Found++
			add()
			continue
		}
		// Step 6: a new contact.
		nc := NewContact{UID: u.UID, First: u.First, Last: u.Last, Email: u.Email}
		if opt.ExternalIDPrefix != "" {
			nc.ExternalID = opt.ExternalIDPrefix + strconv.FormatInt(u.UID, 10)
		}
		out.New = append(out.New, nc)
		l.New, l.Match = len(out.New), MatchNew
		out.Created++
		switch {
		case len(taken) > 0:
			review(KindContactLinkedElsewhere, "users.csv", u.Line, u.UID, taken[0])
		case len(mismatch) > 0:
			review(KindNameMismatch, "users.csv", u.Line, u.UID, mismatch[0])
		}
		add()
	}
	// contactOf: a contact id, or a new contact's number.
	contactOf := func(uid int64) (cid int64, newN int, ok bool) {
		for _, l := range out.Links {
			if l.UID == uid {
				return l.ContactID, l.New, l.ContactID != 0 || l.New > 0
			}
		}
		return 0, 0, false
	}

	// §3. The groups, registered as the files name them: group nodes, then
	// administrator role rows, then membership rows.
	type og struct {
		gid    int64 // 0: known by title only
		title  string
		author int64
		file   string
		line   int
		user   int64 // the membership row that first named the group
	}
	var groups []og
	byGID := func(gid int64) int {
		for i, g := range groups {
			if g.gid != 0 && g.gid == gid {
				return i
			}
		}
		return -1
	}
	// Titles find groups (case-insensitively): the first group registered
	// with that title.
	type titled struct {
		fold string
		g    int
	}
	var titles []titled
	byTitle := func(t string) int {
		for _, x := range titles {
			if x.fold == strings.ToLower(t) {
				return x.g
			}
		}
		return -1
	}
	// A group takes the first title a row gives it.
	entitle := func(g int, title string) {
		if groups[g].title != "" || title == "" {
			return
		}
		groups[g].title = title
		if byTitle(title) < 0 {
			titles = append(titles, titled{strings.ToLower(title), g})
		}
	}
	register := func(g og) int {
		title := g.title
		g.title = ""
		groups = append(groups, g)
		entitle(len(groups)-1, title)
		return len(groups) - 1
	}
	for i, n := range w.nodes {
		g := og{gid: n.GID, title: trimSpace(n.Title), file: "node.csv", line: i + 2}
		if a, ok := digits(trimSpace(n.Author)); ok {
			g.author = a
		}
		register(g)
	}
	roleName := map[string]string{}
	for _, rn := range w.roleNames {
		roleName[rn[0]] = rn[1]
	}
	type roleAdmin struct {
		g    int
		uid  int64
		line int
	}
	var roleAdmins []roleAdmin
	for i, ro := range w.roles {
		if !strings.Contains(strings.ToLower(roleName[ro.RID]), "administrator") {
			continue
		}
		g := byGID(ro.GID)
		if g < 0 {
			g = register(og{gid: ro.GID, file: "og_users_roles.csv", line: i + 2})
		}
		roleAdmins = append(roleAdmins, roleAdmin{g, ro.UID, i + 2})
	}
	type membership struct {
		g     int
		uid   int64
		line  int
		state State
		admin bool
	}
	var memberships []membership
	for i, rm := range w.members {
		line := i + 2
		if t := strings.ToLower(trimSpace(rm.Type)); t != "" && t != "user" {
			continue
		}
		uid, ok := digits(trimSpace(rm.UID))
		if !ok {
			review(KindBadRow, "og_membership.csv", line, 0, 0)
			continue
		}
		title := trimSpace(rm.Title)
		var g int
		if gid, ok := digits(rm.GID); ok {
			if g = byGID(gid); g < 0 {
				g = register(og{gid: gid, title: title, file: "og_membership.csv", line: line, user: uid})
			} else {
				entitle(g, title)
			}
		} else if g = byTitle(title); g < 0 {
			g = register(og{title: title, file: "og_membership.csv", line: line, user: uid})
		}
		m := membership{g: g, uid: uid, line: line}
		switch strings.ToLower(rm.State) {
		case "", "1", "active":
			m.state = Active
		case "2", "pending":
			m.state = Pending
		case "3", "blocked":
			m.state = Blocked
		default:
			panic("state " + rm.State)
		}
		m.admin = rm.IsAdmin == "1" || strings.Contains(strings.ToLower(rm.Roles), "administrator")
		memberships = append(memberships, m)
	}

	// By OG id; groups known by title only last, by title.
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := groups[order[a]], groups[order[b]]
		if (x.gid == 0) != (y.gid == 0) {
			return x.gid != 0
		}
		if x.gid != y.gid {
			return x.gid < y.gid
		}
		return x.title < y.title
	})
	var names []string
	for pos, gi := range order {
		g := groups[gi]
		title := g.title
		rg := refGroup{}
		if g.gid != 0 {
			rg.GID = strconv.FormatInt(g.gid, 10)
			rg.Source, rg.ACLSource = "OG Sync Group :"+rg.GID+":", "OG Sync Group ACL :"+rg.GID+":"
			if title == "" {
				title = "Group " + rg.GID
				review(KindUnknownGroup, g.file, g.line, g.user, 0)
			}
		} else {
			review(KindNoGroupID, g.file, g.line, g.user, 0)
		}
		name := CutName(title)
		for _, prev := range names {
			if strings.EqualFold(prev, name) {
				suffix := rg.GID
				if suffix == "" {
					suffix = strconv.Itoa(pos + 1)
				}
				name += " (" + suffix + ")"
				review(KindGroupNameCollision, g.file, g.line, 0, 0)
				break
			}
		}
		names = append(names, name)
		rg.Name, rg.ACLName = name, name+ACLSuffix
		out.Groups = append(out.Groups, rg)
	}

	for pos, gi := range order {
		g, rg := groups[gi], out.Groups[pos]
		var cnt refCounts
		var rows []refMember
		put := func(cid int64, newN int, added, admin bool) {
			for k := range rows {
				if rows[k].ContactID == cid && rows[k].New == newN {
					if added {
						rows[k].Status = StatusAdded
					}
					rows[k].Admin = rows[k].Admin || admin
					return
				}
			}
			st := StatusPending
			if added {
				st = StatusAdded
			}
			rows = append(rows, refMember{GID: rg.GID, Group: rg.Name, ContactID: cid, New: newN, Status: st, Admin: admin})
		}
		lack := func(uid int64, file string, line int) {
			if known(uid) {
				review(KindNoContact, file, line, uid, 0)
			} else {
				review(KindUnknownUser, file, line, uid, 0)
			}
			cnt.Left++
		}
		isMember := func(uid int64) bool {
			for _, m := range memberships {
				if m.g == gi && m.uid == uid {
					return true
				}
			}
			return false
		}
		isBlocked := func(uid int64) bool {
			for _, m := range memberships {
				if m.g == gi && m.uid == uid && m.state == Blocked {
					return true
				}
			}
			return false
		}
		// Member rows: active Added, pending Pending (an admin Added),
		// blocked left out.
		for _, m := range memberships {
			if m.g != gi {
				continue
			}
			if m.state == Blocked {
				cid, _, _ := contactOf(m.uid)
				review(KindBlockedMembership, "og_membership.csv", m.line, m.uid, cid)
				cnt.Left++
				continue
			}
			cid, newN, ok := contactOf(m.uid)
			if !ok {
				lack(m.uid, "og_membership.csv", m.line)
				continue
			}
			put(cid, newN, m.state == Active || m.admin, m.admin)
		}
		// Admins by role or authorship, each once; a blocked one is left out.
		type adm struct {
			uid        int64
			file       string
			line       int
			fromAuthor bool
		}
		var admins []adm
		for _, ra := range roleAdmins {
			if ra.g == gi {
				admins = append(admins, adm{ra.uid, "og_users_roles.csv", ra.line, false})
			}
		}
		if g.author != 0 {
			admins = append(admins, adm{g.author, g.file, g.line, true})
		}
		var seen []int64
		for _, a := range admins {
			done := false
			for _, s := range seen {
				if s == a.uid {
					done = true
				}
			}
			if done || isBlocked(a.uid) {
				continue
			}
			seen = append(seen, a.uid)
			cid, newN, ok := contactOf(a.uid)
			switch {
			case ok:
				put(cid, newN, true, true)
			case !isMember(a.uid): // a member row was reviewed already
				lack(a.uid, a.file, a.line)
			}
		}
		// Existing contacts by id, then new contacts in new-contacts order.
		sort.SliceStable(rows, func(a, b int) bool {
			x, y := rows[a], rows[b]
			if (x.New > 0) != (y.New > 0) {
				return x.New == 0
			}
			if x.New > 0 {
				return x.New < y.New
			}
			return x.ContactID < y.ContactID
		})
		for _, row := range rows {
			cnt.Members++
			if row.Status == StatusAdded {
				cnt.Added++
			} else {
				cnt.Pending++
			}
			if row.Admin {
				cnt.Admins++
			}
		}
		out.Members = append(out.Members, rows...)
		out.Counts = append(out.Counts, cnt)
	}
	sortReview(out.Review)

	// The files: what load must write for all this.
	out.Files = map[string][][]string{}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	for _, l := range out.Links {
		var u refUser
		for _, x := range users {
			if x.UID == l.UID {
				u = x
			}
		}
		score := ""
		if l.Score > 0 {
			score = strconv.Itoa(l.Score)
		}
		out.Files[FileUserContacts] = append(out.Files[FileUserContacts], []string{id(l.UID), u.Username, u.Email, id(l.ContactID), l.Match, score, l.Fields})
	}
	for _, n := range out.New {
		out.Files[FileNewContacts] = append(out.Files[FileNewContacts], []string{"Individual", n.First, n.Last, n.Email, n.ExternalID})
	}
	for _, g := range out.Groups {
		out.Files[FileGroups] = append(out.Files[FileGroups], []string{g.Name, g.Name, GroupTypeMailing, g.Source},
			[]string{g.ACLName, g.ACLName, GroupTypeACL, g.ACLSource})
	}
	for _, mb := range out.Members {
		email := ""
		if mb.New > 0 {
			email = out.New[mb.New-1].Email
		}
		out.Files[FileMembers] = append(out.Files[FileMembers], []string{mb.Group, id(mb.ContactID), email, mb.Status})
		if mb.Admin {
			out.Files[FileACLAdmins] = append(out.Files[FileACLAdmins], []string{mb.Group + ACLSuffix, id(mb.ContactID), email, StatusAdded})
		}
	}
	return out
}

// readOutputs reads back the CSV files Load wrote into dir.
func readOutputs(t *testing.T, dir string) map[string][][]string {
	t.Helper()
	files := map[string][][]string{}
	for _, base := range outputFiles {
		f, err := os.Open(filepath.Join(dir, base+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if len(rows) > 1 {
			files[base] = rows[1:]
		}
	}
	return files
}

func sortReview(r []refReview) {
	sort.Slice(r, func(i, j int) bool { return r[i].String() < r[j].String() })
}

// observe puts production's result into the reference's form.
func observe(res *Result) outcome {
	var out outcome
	m := res.Match
	for _, l := range m.Links {
		out.Links = append(out.Links, refLink{l.UID, l.ContactID, int(l.New), m.MatchOf(&l), int(l.Score), m.FieldsOf(&l)})
	}
	out.New = m.New
	out.Checked, out.Found, out.Created, out.Skipped = m.Checked, m.Found, m.Created, m.Skipped
	for _, it := range res.Review.Items {
		out.Review = append(out.Review, refReview{it.Kind, filepath.Base(it.File), it.Line, it.UID, it.ContactID})
	}
	sortReview(out.Review)
	gs := res.Groups
	for _, g := range gs.Groups {
		out.Groups = append(out.Groups, refGroup{g.GID, g.Name, g.Source, g.ACLName(), g.ACLSource()})
	}
	for _, mb := range gs.Members {
		g := gs.Groups[mb.Group]
		row := refMember{GID: g.GID, Group: g.Name, ContactID: gs.ContactID(mb), Status: mb.Status(), Admin: mb.Admin}
		if row.ContactID == 0 {
			row.New = int(mb.Contact-firstNew) + 1
			if e := gs.Email(mb); e != m.New[row.New-1].Email {
				panic("member e-mail " + e)
			}
		}
		out.Members = append(out.Members, row)
	}
	for _, c := range gs.Counts {
		out.Counts = append(out.Counts, refCounts{c.Members, c.Added, c.Pending, c.Admins, c.Left})
	}
	return out
}

// diff reports how two outcomes differ, a few lines per part.
func diff(t *testing.T, got, want outcome) {
	t.Helper()
	if got.Checked != want.Checked || got.Found != want.Found || got.Created != want.Created || got.Skipped != want.Skipped {
		t.Errorf("counts: got checked %d found %d created %d skipped %d, want %d %d %d %d",
			got.Checked, got.Found, got.Created, got.Skipped, want.Checked, want.Found, want.Created, want.Skipped)
	}
	same := func(name string, n, m int, eq func(i int) bool, show func(i int) (string, string)) {
		t.Helper()
		bad := 0
		for i := 0; i < max(n, m) && bad < 8; i++ {
			if i < n && i < m && eq(i) {
				continue
			}
			bad++
			g, w := "(none)", "(none)"
			if i < n || i < m {
				g, w = show(i)
			}
			t.Errorf("%s[%d]:\n  got  %s\n  want %s", name, i, g, w)
		}
		if n != m {
			t.Errorf("%s: got %d, want %d", name, n, m)
		}
	}
	at := func(s any, i int) string {
		v := reflect.ValueOf(s)
		if i < v.Len() {
			return fmt.Sprintf("%+v", v.Index(i).Interface())
		}
		return "(none)"
	}
	part := func(name string, g, w any) {
		t.Helper()
		gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
		same(name, gv.Len(), wv.Len(), func(i int) bool {
			return reflect.DeepEqual(gv.Index(i).Interface(), wv.Index(i).Interface())
		}, func(i int) (string, string) { return at(g, i), at(w, i) })
	}
	part("links", got.Links, want.Links)
	part("new contacts", got.New, want.New)
	// Review items as multisets: what one side has and the other lacks.
	count := map[refReview]int{}
	for _, it := range got.Review {
		count[it]++
	}
	for _, it := range want.Review {
		count[it]--
	}
	var extra, missing []string
	for it, n := range count {
		for ; n > 0; n-- {
			extra = append(extra, it.String())
		}
		for ; n < 0; n++ {
			missing = append(missing, it.String())
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	if len(extra)+len(missing) > 0 {
		t.Errorf("review: %d items only production has, %d only the reference has:\n  extra   %s\n  missing %s",
			len(extra), len(missing), strings.Join(extra[:min(len(extra), 8)], "\n          "), strings.Join(missing[:min(len(missing), 8)], "\n          "))
	}
	part("groups", got.Groups, want.Groups)
	part("members", got.Members, want.Members)
	part("group counts", got.Counts, want.Counts)
	for _, base := range outputFiles {
		part(base+".csv", got.Files[base], want.Files[base])
	}
}

// runWorld writes w's exports, runs Transform and Load on them with opt,
// and returns what they produced in the reference's form.
func runWorld(t *testing.T, w *world, opt MatchOptions) outcome {
	t.Helper()
	dir := t.TempDir()
	cfg := w.write(t, dir)
	cfg.Match = opt
	res, err := Transform(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := observe(res)
	out, err := formats.NewOutputSet(filepath.Join(dir, "out"), formats.CSV, cfg.Inputs())
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(res, out, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	got.Files = readOutputs(t, out.Dir())
	return got
}

// TestReference holds Transform (extraction, MatchUsers, SyncGroups) to the
// reference on seeded random exports, for both rules.
func TestReference(t *testing.T) {
	base := genConfig{users: 3000, contacts: 3000, groups: 30, memberships: 9000,
		contactMail: 0.33, sharedUsers: 0.08, invalid: 0.04, nil: 0.04}
	type run struct {
		name string
		cfg  genConfig
	}
	var runs []run
	for _, seed := range []uint64{1, 2, 3, 4} {
		c := base
		c.seed = seed
		c.sparse = seed == 2
		c.fullName = seed == 3
		runs = append(runs, run{fmt.Sprintf("seed%d", seed), c})
	}
	small := base
	small.seed, small.users, small.contacts, small.memberships, small.groups = 5, 200, 150, 600, 12
	small.contactMail, small.sharedUsers = 0.5, 0.2 // crowded: many shared e-mails and taken contacts
	runs = append(runs, run{"crowded", small})
	if testing.Short() {
		runs = runs[:2]
	}
	kinds := map[string]int{}
	matches := map[string]int{}
	for _, r := range runs {
		w := generate(r.cfg)
		for _, rule := range Rules {
			for _, prefix := range []string{"", "drupal-"} {
				if prefix != "" && rule == RuleSupervised {
					continue
				}
				t.Run(r.name+"/"+rule+"/"+prefix, func(t *testing.T) {
					opt := MatchOptions{Rule: rule, ExternalIDPrefix: prefix, NoSuggestions: true} // likely duplicates: suggest_test.go
					got := runWorld(t, w, opt)
					want := reference(w, opt)
					diff(t, got, want)
					for _, it := range want.Review {
						kinds[it.Kind]++
					}
					for _, l := range want.Links {
						matches[l.Match]++
					}
				})
			}
		}
	}
	// The data must reach every case the reference knows.
	for _, k := range []string{KindNoEmail, KindInvalidEmail, KindDuplicateEmail, KindContactLinkedElsewhere,
		KindNameMismatch, KindLinkedContactDeleted, KindLinkConflict, KindDuplicateUser, KindDuplicateContact,
		KindBadRow, KindUnknownUser, KindNoContact, KindBlockedMembership, KindUnknownGroup, KindGroupNameCollision, KindNoGroupID} {
		if kinds[k] == 0 {
			t.Errorf("no %s item in any run: the generator misses a case", k)
		}
	}
	for _, k := range []string{MatchLinked, MatchEmail, MatchNew, MatchShared, MatchNone, RuleSupervised} {
		if matches[k] == 0 {
			t.Errorf("no %s link in any run: the generator misses a case", k)
		}
	}
	t.Logf("review kinds: %v", kinds)
	t.Logf("matches: %v", matches)
}
