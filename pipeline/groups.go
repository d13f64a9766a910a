package pipeline

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/civisync/civisync/pipeline/internal/dense"
	"github.com/civisync/civisync/pipeline/internal/par"
	"github.com/civisync/civisync/pipeline/internal/radix"
)

// Statuses of a group membership in CiviCRM.
const (
	StatusAdded   = "Added"
	StatusPending = "Pending"
)

// Member is a contact in an OG's CiviCRM groups. Contact is its contact
// number: the contact id of an existing contact, or firstNew+i for the i-th
// new contact, so that sorting by it puts existing contacts by id first and
// new ones in new_contacts order.
type Member struct {
	Contact int64
	Group   int32 // index into GroupSync.Groups
	Added   bool  // Added, else Pending
	Admin   bool  // also in the ACL group
}

// Status is the membership status in the normal group.
func (mb Member) Status() string {
	if mb.Added {
		return StatusAdded
	}
	return StatusPending
}

// GroupCounts are one group's figures for summary.json.
type GroupCounts struct {
	Title      string `json:"title"`
	Members    int    `json:"members"`
	Added      int    `json:"added"`
	Pending    int    `json:"pending"`
	Admins     int    `json:"admins"`
	Left       int    `json:"left_out"`
	AddToOG    int    `json:"user_import_og"`
	SourceOGID string `json:"og_id,omitempty"`
}

// GroupSync is the outcome of OG → CiviCRM groups (SPEC §3).
type GroupSync struct {
	Groups  []CiviGroup
	Members []Member // by group, then contact number
	Admins  int
	Counts  []GroupCounts

	m *Matching
	// Who the OG files put in each group in any state, whom SPEC §4 never
	// adds again: the users of og's memberships (pos maps og's groups to
	// Groups) and the admins who joined without one. Only §4 asks, and only about
	// the groups some contact is in: ToOG lists those (uids) and lets the
	// memberships go.
	og     *OGData
	pos    []int32
	joined []groupUser
	uids   [][]int64 // sorted; nil for a group not listed
}

type groupUser struct {
	g   int32
	uid int64
}

// ContactID of a member: 0 for a contact still to be created.
func (gs *GroupSync) ContactID(mb Member) int64 {
	if mb.Contact >= firstNew {
		return 0
	}
	return mb.Contact
}

// Email of a member still to be created ("" for an existing contact).
func (gs *GroupSync) Email(mb Member) string {
	if mb.Contact >= firstNew {
		return gs.m.New[mb.Contact-firstNew].Email
	}
	return ""
}

// listUsers lists the users the OG files put in each group need names,
// for isMember, and lets the memberships go: a second call lists none.
func (gs *GroupSync) listUsers(need []bool) {
	each := func(yield func(g int32, uid int64)) {
		if gs.og != nil {
			for _, ms := range gs.og.Memberships {
				if g := gs.pos[ms.Group]; need[g] {
					yield(g, ms.UID)
				}
			}
		}
		for _, j := range gs.joined {
			if need[j.g] {
				yield(j.g, j.uid)
			}
		}
	}
	count := make([]int, len(gs.Groups))
	total := 0
	each(func(g int32, _ int64) { count[g]++; total++ })
	flat := make([]int64, total)
	gs.uids = make([][]int64, len(gs.Groups))
	for g, c := range count {
		gs.uids[g], flat = flat[:0:c], flat[c:]
	}
	each(func(g int32, uid int64) { gs.uids[g] = append(gs.uids[g], uid) })
	for g, u := range gs.uids {
		slices.Sort(u)
		gs.uids[g] = slices.Compact(u)
	}
	gs.letGo()
}

// letGo drops the memberships once SPEC §4 has asked.
func (gs *GroupSync) letGo() { gs.og, gs.pos, gs.joined = nil, nil, nil }

// isMember reports whether the OG files put uid in group g in any state;
// listUsers must have listed g.
func (gs *GroupSync) isMember(g int, uid int64) bool {
	_, ok := slices.BinarySearch(gs.uids[g], uid)
	return ok
}

// SyncGroups turns OGs and their memberships into CiviCRM groups and
// memberships, through the users' contacts in m:
//   - every OG gets a normal and an ACL group, ordered by OG id;
//   - active members are Added, pending ones Pending, blocked ones left out;
//   - admins (is_admin, administrator role, group author) are Added to both;
//   - one row per contact and group, Added winning over Pending.
//
// Each group's rows are laid out together (a counting sort by group): its
// memberships, then room for admins who have no membership row. Memberships
// are placed and resolved, and groups sorted and merged, on every core;
// only admins by role or authorship are taken one by one.
func SyncGroups(og *OGData, m *Matching, rev *Review) *GroupSync {
	gs := &GroupSync{m: m, og: og}
	gs.pos = gs.order(og, rev)
	gs.name(og.Module, rev)
	gs.Counts = make([]GroupCounts, len(gs.Groups))
	s := &groupSync{GroupSync: gs, workers: syncWorkers(len(og.Memberships))}
	s.nums = newNumberTable(m, s.workers)
	s.listAdmins()
	s.layout()
	s.place()
	s.addAdmins(rev)
	s.merge()
	for _, w := range s.work {
		rev.Items = append(rev.Items, w.rev.Items...)
		for g, left := range w.left {
			gs.Counts[g].Left += left
		}
	}
	for i := range gs.Counts {
		gs.Counts[i].Title, gs.Counts[i].SourceOGID = gs.Groups[i].Title(), gs.Groups[i].GID
	}
	return gs
}

// groupSync is SyncGroups at work.
type groupSync struct {
	*GroupSync
	nums    numberTable
	workers int
	work    []*syncWorker

	// Administrators by role or authorship, by group and user, each pair
	// once: group g's are admins[adminsAt[g]:adminsAt[g+1]], their users
	// also in adminUIDs. adminBits[g] has adminBit(uid) set for each, so
	// most memberships need not look.
	admins    []adminRow
	adminsAt  []int
	adminUIDs []int64
	adminBits []uint64

	// Group g's rows are rows[start[g]:start[g+1]]: its memberships (a
	// hole, Contact 0, where one is blocked or has no contact), then its
	// admins without a membership row.
	start []int
	next  []int // group -> where its next admin goes
	rows  []Member
}

// syncWorker is one worker's share of the memberships.
type syncWorker struct {
	lo, hi int   // memberships [lo, hi)
	next   []int // group -> where its next membership goes
	rev    Review
	left   []int // group -> memberships left out
	// By admin: a membership row names the pair; it is blocked.
	member, blocked []bool
	details         map[detailOf]string
}

// adminRow is an administrator by role or authorship.
type adminRow struct {
	g    int32
	uid  int64
	src  Src
	what string
}

// syncWorkers is how many goroutines share the work: one for a small site.
var syncWorkers = func(memberships int) int {
	if memberships < 1<<14 {
		return 1
	}
	return min(par.Workers(), 8)
}

// listAdmins lists administrators by role or authorship by group and
// user; of two rows for the same pair the first (a role before
// authorship) stays.
func (s *groupSync) listAdmins() {
	for _, a := range s.og.admins() {
		what := "administrator"
		if a.Author {
			what = "author"
		}
		s.admins = append(s.admins, adminRow{s.pos[a.Group], a.UID, a.Src, what})
	}
	slices.SortStableFunc(s.admins, func(a, b adminRow) int {
		if c := cmp.Compare(a.g, b.g); c != 0 {
			return c
		}
		return cmp.Compare(a.uid, b.uid)
	})
	s.admins = slices.CompactFunc(s.admins, func(a, b adminRow) bool { return a.g == b.g && a.uid == b.uid })
	s.adminsAt = make([]int, len(s.Groups)+1)
	s.adminUIDs = make([]int64, len(s.admins))
	s.adminBits = make([]uint64, len(s.Groups))
	for i, a := range s.admins {
		s.adminsAt[a.g+1]++
		s.adminUIDs[i] = a.uid
		s.adminBits[a.g] |= adminBit(a.uid)
	}
	for g := range s.Groups {
		s.adminsAt[g+1] += s.adminsAt[g]
	}
}

// adminBit is uid's bit in adminBits: one of 64, picked by a hash.
func adminBit(uid int64) uint64 { return 1 << (uint64(uid) * 0x9e3779b97f4a7c15 >> 58) }

// adminOf is the index in admins of the pair (g, uid), -1 if none.
func (s *groupSync) adminOf(g int32, uid int64) int {
	lo, hi := s.adminsAt[g], s.adminsAt[g+1]
	if i, ok := slices.BinarySearch(s.adminUIDs[lo:hi], uid); ok {
		return lo + i
	}
	return -1
}

// layout counts each group's memberships, every worker its own share, and
// lays the groups out one after the other.
func (s *groupSync) layout() {
	n, total := len(s.Groups), len(s.og.Memberships)
	s.work = make([]*syncWorker, s.workers)
	for i := range s.work {
		s.work[i] = &syncWorker{lo: total * i / s.workers, hi: total * (i + 1) / s.workers, next: make([]int, n), left: make([]int, n),
			member: make([]bool, len(s.admins)), blocked: make([]bool, len(s.admins))}
	}
	s.parallel(func(w *syncWorker) {
		for _, ms := range s.og.Memberships[w.lo:w.hi] {
			w.next[s.pos[ms.Group]]++
		}
	})
	s.start = make([]int, n+1)
	s.next = make([]int, n)
	at := 0
	for g := range n {
		s.start[g] = at
		for _, w := range s.work { // each worker's count becomes where it starts
			c := w.next[g]
			w.next[g] = at
			at += c
		}
		s.next[g] = at
		at += s.adminsAt[g+1] - s.adminsAt[g]
	}
	s.start[n] = at
	s.rows = make([]Member, at)
}

// place puts every membership's contact in its group's rows, unless it is
// blocked or has none (reviewed).
func (s *groupSync) place() {
	s.parallel(func(w *syncWorker) {
		// Contact numbers are looked up a batch at a time: in a loop that does
		// nothing else, many of these scattered reads are under way at once.
		var nums [256]int64
		for lo := w.lo; lo < w.hi; lo += len(nums) {
			batch := s.og.Memberships[lo:min(lo+len(nums), w.hi)]
			s.nums.gather(nums[:len(batch)], batch)
			for i := range batch {
				ms := &batch[i]
				g := s.pos[ms.Group]
				p := w.next[g]
				w.next[g]++
				if s.adminBits[g]&adminBit(ms.UID) != 0 {
					if a := s.adminOf(g, ms.UID); a >= 0 {
						w.member[a] = true
						w.blocked[a] = w.blocked[a] || ms.State() == Blocked
					}
				}
				switch num := nums[i]; {
				case ms.State() == Blocked:
					cid := num // the contact id, if the contact exists
					if cid < 0 || cid >= firstNew {
						cid = 0
					}
					w.rev.Add(KindBlockedMembership, s.og.src(lo+i), ms.UID, cid, w.detail(s, blockedMember, g))
					w.left[g]++
				case num == unknownUser:
					w.rev.Add(KindUnknownUser, s.og.src(lo+i), ms.UID, 0, w.detail(s, unknownMember, g))
					w.left[g]++
				case num == noContact:
					w.rev.Add(KindNoContact, s.og.src(lo+i), ms.UID, 0, w.detail(s, memberWithoutContact, g))
					w.left[g]++
				default:
					s.rows[p] = Member{Contact: num, Group: g, Added: ms.State() == Active || ms.Admin(), Admin: ms.Admin()}
				}
			}
		}
	})
}

// What place reviews, in the words of review.csv's Detail column. Every
// item of a group says the same, so a worker words it once per group.
const (
	blockedMember = iota
	unknownMember
	memberWithoutContact
)

type detailOf struct {
	g    int32
	what int32
}

// detail is the Detail of a review item place makes about group g.
func (w *syncWorker) detail(s *groupSync, what int32, g int32) string {
	d, ok := w.details[detailOf{g, what}]
	if !ok {
		if what == blockedMember {
			d = fmt.Sprintf("blocked in group %q; left out", s.Groups[g].Name)
		} else {
			d = unresolvedDetail(what == unknownMember, "member", s.Groups[g].Name)
		}
		if w.details == nil {
			w.details = map[detailOf]string{}
		}
		w.details[detailOf{g, what}] = d
	}
	return d
}

// addAdmins adds administrators by role or authorship, unless blocked;
// those without a membership row join too (and are in the OG for SPEC §4).
func (s *groupSync) addAdmins(rev *Review) {
	for i, a := range s.admins {
		member, blocked := false, false
		for _, w := range s.work {
			member, blocked = member || w.member[i], blocked || w.blocked[i]
		}
		if blocked {
			continue
		}
		num := s.nums.of(a.uid)
		if !member { // else reviewed with the membership row already
			s.joined = append(s.joined, groupUser{a.g, a.uid})
			if num <= 0 {
				kind := KindNoContact
				if num == unknownUser {
					kind = KindUnknownUser
				}
				rev.Add(kind, a.src, a.uid, 0, unresolvedDetail(num == unknownUser, a.what, s.Groups[a.g].Name))
				s.Counts[a.g].Left++
			}
		}
		if num > 0 {
			s.rows[s.next[a.g]] = Member{Contact: num, Group: a.g, Added: true, Admin: true}
			s.next[a.g]++
		}
	}
}

// merge sorts each group's rows by contact number and merges rows of the same
// contact, Added and Admin winning; then moves the groups' rows together
// into Members.
func (s *groupSync) merge() {
	size := make([]int, len(s.Groups))
	s.eachGroup(func() func(g int) {
		var bufs [2][]uint64
		return func(g int) {
			run := s.rows[s.start[g]:s.start[g+1]]
			var out []Member
			if s.nums.packs {
				out = s.nums.sortPacked(int32(g), run, &bufs)
			} else {
				out = sortMembers(run)
			}
			c := &s.Counts[g]
			for _, mb := range out {
				if mb.Added {
					c.Added++
				} else {
					c.Pending++
				}
				if mb.Admin {
					c.Admins++
				}
			}
			c.Members = len(out)
			size[g] = len(out)
		}
	})
	at := 0
	for g, n := range size {
		at += copy(s.rows[at:], s.rows[s.start[g]:s.start[g]+n])
		s.Admins += s.Counts[g].Admins
	}
	s.Members = s.rows[:at:at]
}

// sortMembers sorts a group's rows by contact number, drops the holes (Contact 0) and
// merges rows of the same contact into the first of them; it returns the
// rows kept, at the start of run.
func sortMembers(run []Member) []Member {
	// Equal numbers are merged whatever their order, so an unstable sort will do.
	slices.SortFunc(run, func(a, b Member) int { return cmp.Compare(a.Contact, b.Contact) })
	i := 0
	for i < len(run) && run[i].Contact == 0 {
		i++
	}
	out := run[:0]
	for i < len(run) {
		mb := run[i]
		for i++; i < len(run) && run[i].Contact == mb.Contact; i++ {
			mb.Added = mb.Added || run[i].Added
			mb.Admin = mb.Admin || run[i].Admin
		}
		out = append(out, mb)
	}
	return out
}

// unresolvedDetail says why a member or admin of a group has no row: the
// users export lacks the user, or the user has no contact.
func unresolvedDetail(unknown bool, what, group string) string {
	if unknown {
		return fmt.Sprintf("%s of group %q: no such user in the users export", what, group)
	}
	return fmt.Sprintf("%s of group %q: the user has no contact (no or invalid e-mail, or left out)", what, group)
}

// parallel runs fn on every worker's share of the memberships.
func (s *groupSync) parallel(fn func(w *syncWorker)) {
	par.Each(len(s.work), func(i int) { fn(s.work[i]) })
}

// eachGroup runs a function for every group on every worker, handing
// groups out a few at a time so that big and small groups even out; each
// worker gets its own function from newFn.
func (s *groupSync) eachGroup(newFn func() func(g int)) {
	par.Chunks(len(s.Groups), s.workers, 16, newFn)
}

// numberTable is Matching.contactNumber laid out by uid, built once per
// sync: one read of 8 bytes per membership instead of an index and a Link,
// and one more for a user with no contact.
type numberTable struct {
	m    *Matching
	nums dense.Span[int64] // empty when uids are too sparse: contactNumber answers
	// A number packs into 62 bits, contact ids first, then new contacts
	// from newBase on: rows sort as plain numbers. packs is false only
	// for contact ids within len(New) of 1<<62.
	packs   bool
	newBase uint64
}

// What numberTable.of says of a user without a contact.
const (
	unknownUser = 0  // not in the users export
	noContact   = -1 // no contact: no or invalid e-mail, or left out
)

func newNumberTable(m *Matching, workers int) numberTable {
	t := numberTable{m: m}
	maxID := make([]int64, workers)
	each := func(n int, fn func(w, lo, hi int)) {
		par.Each(workers, func(w int) { fn(w, n*w/workers, n*(w+1)/workers) })
	}
	if n := len(m.uids); n > 0 && dense.Dense(m.uids[0], m.uids[n-1], n, 4) { // ascending: see Matching
		t.nums = dense.NewSpan[int64](m.uids[0], m.uids[n-1])
		each(n, func(_, lo, hi int) {
			for _, uid := range m.uids[lo:hi] {
				t.nums.Put(uid, noContact)
			}
		})
	}
	each(len(m.Links), func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			l := &m.Links[i]
			maxID[w] = max(maxID[w], l.ContactID)
			if t.nums.Len() > 0 {
				if num, ok := m.contactNumber(l.UID); ok {
					t.nums.Put(l.UID, num)
				}
			}
		}
	})
	t.newBase = uint64(slices.Max(maxID)) + 1
	t.packs = t.newBase+uint64(len(m.New)) <= 1<<62
	return t
}

// of is the contact number of uid, or unknownUser or noContact.
func (t *numberTable) of(uid int64) int64 {
	if num, in := t.nums.At(uid); in {
		return num
	}
	return t.outside(uid)
}

// gather sets nums[i] to the contact number of batch[i]'s user.
func (t *numberTable) gather(nums []int64, batch []Membership) {
	for i := range batch {
		if num, in := t.nums.At(batch[i].UID); in {
			nums[i] = num
		} else {
			nums[i] = t.outside(batch[i].UID)
		}
	}
}

// outside is of for a uid the table does not hold.
func (t *numberTable) outside(uid int64) int64 {
	if t.nums.Len() > 0 {
		return unknownUser
	}
	if num, ok := t.m.contactNumber(uid); ok {
		return num
	}
	if t.m.known(uid) {
		return noContact
	}
	return unknownUser
}

// sortPacked is sortMembers, for group g, through the scratch space
// in bufs: each row packed into one number (contact number, Added, Admin), so rows
// sort as numbers.
func (t *numberTable) sortPacked(g int32, run []Member, bufs *[2][]uint64) []Member {
	buf := bufs[0][:0]
	for _, mb := range run {
		if mb.Contact == 0 {
			continue // a hole
		}
		code := uint64(mb.Contact)
		if mb.Contact >= firstNew {
			code = uint64(mb.Contact-firstNew) + t.newBase
		}
		code <<= 2
		if mb.Added {
			code |= 2
		}
		if mb.Admin {
			code |= 1
		}
		buf = append(buf, code)
	}
	bufs[0] = buf
	if len(buf) < 320 { // where a radix sort starts to win
		slices.Sort(buf)
	} else {
		bufs[1] = slices.Grow(bufs[1][:0], len(buf))[:len(buf)]
		buf = radix.Sort(buf, bufs[1])
	}
	out := run[:0]
	for i := 0; i < len(buf); {
		code, flags := buf[i]>>2, buf[i]&3
		for i++; i < len(buf) && buf[i]>>2 == code; i++ {
			flags |= buf[i] & 3
		}
		num := int64(code)
		if code >= t.newBase {
			num = int64(code-t.newBase) + firstNew
		}
		out = append(out, Member{Contact: num, Group: g, Added: flags&2 != 0, Admin: flags&1 != 0})
	}
	return out
}
