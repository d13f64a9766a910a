package pipeline

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CiviCRM group types and the sources civicrm_og_sync gives its groups.
const (
	GroupTypeMailing = "Mailing List"
	GroupTypeACL     = "Access Control"
	ACLSuffix        = ": Administrator"
	maxGroupName     = 49 // civicrm_group.name is 64 long; ": Administrator" takes 15
)

// Statuses of a group membership in CiviCRM.
const (
	StatusAdded   = "Added"
	StatusPending = "Pending"
)

// CiviGroup is an OG's pair of CiviCRM groups.
type CiviGroup struct {
	GID     string // "" when the OG is known by title only
	OGTitle string // the OG's own title, trimmed
	Name    string // normal group name = title
	Source  string
	Src
}

// ACLName is the administrators' group name (= its title).
func (g *CiviGroup) ACLName() string { return g.Name + ACLSuffix }

// ACLSource is the administrators' group source.
func (g *CiviGroup) ACLSource() string {
	if g.GID == "" {
		return ""
	}
	return "OG Sync Group ACL :" + g.GID + ":"
}

// Member is a contact in an OG's CiviCRM groups. Key is the contact id of
// an existing contact, or newKey+i for the i-th new contact, so that sorting
// by key puts existing contacts by id first and new ones in new_contacts order.
type Member struct {
	Key   int64
	Group int32 // index into GroupSync.Groups
	Added bool  // Added, else Pending
	Admin bool  // also in the ACL group
}

const newKey = int64(1) << 62

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
	Members []Member // by group, then Key
	Admins  int
	Counts  []GroupCounts

	m *Matching
	// uids[g] lists, sorted, every user the OG files put in group g in any
	// state: SPEC §4 never adds them again.
	uids [][]int64
}

// ContactID of a member: 0 for a contact still to be created.
func (gs *GroupSync) ContactID(mb Member) int64 {
	if mb.Key >= newKey {
		return 0
	}
	return mb.Key
}

// Email of a member still to be created ("" for an existing contact).
func (gs *GroupSync) Email(mb Member) string {
	if mb.Key >= newKey {
		return gs.m.New[mb.Key-newKey].Email
	}
	return ""
}

// isMember reports whether the OG files put uid in group g in any state.
func (gs *GroupSync) isMember(g int, uid int64) bool {
	_, ok := slices.BinarySearch(gs.uids[g], uid)
	return ok
}

// CutName cuts a title to 49 characters, never splitting a character
// (nor a base letter from its combining accent).
func CutName(title string) string {
	title = strings.TrimFunc(title, unicode.IsSpace)
	if utf8.RuneCountInString(title) <= maxGroupName {
		return title
	}
	n, cut := 0, len(title)
	for i := range title {
		if n == maxGroupName {
			cut = i
			break
		}
		n++
	}
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(title[cut:])
		if !unicode.Is(unicode.Mn, r) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(title[:cut])
		cut -= size
	}
	return strings.TrimRightFunc(title[:cut], unicode.IsSpace)
}

// SyncGroups turns OGs and their memberships into CiviCRM groups and
// memberships, through the users' contacts in m:
//   - every OG gets a normal and an ACL group, ordered by OG id;
//   - active members are Added, pending ones Pending, blocked ones left out;
//   - admins (is_admin, administrator role, group author) are Added to both;
//   - one row per contact and group, Added winning over Pending.
func SyncGroups(og *OGData, m *Matching, rev *Review) *GroupSync {
	gs := &GroupSync{m: m}
	pos := gs.order(og, rev)
	gs.name(rev)
	gs.Counts = make([]GroupCounts, len(gs.Groups))

	type pair struct {
		g   int32
		uid int64
	}
	blocked := map[pair]bool{}
	entries := make([]Member, 0, len(og.Memberships)+len(og.RoleAdmins)+len(og.Groups))
	for _, ms := range og.Memberships {
		g := pos[ms.Group]
		if ms.State == Blocked {
			blocked[pair{g, ms.UID}] = true
			cid, _, _ := m.ContactOf(ms.UID)
			rev.Add(KindBlockedMembership, og.src(ms), ms.UID, cid, fmt.Sprintf("blocked in group %q; left out", gs.Groups[g].Name))
			gs.Counts[g].Left++
			continue
		}
		if key, ok := gs.resolve(ms.UID, g, og, ms, "member", rev); ok {
			entries = append(entries, Member{Key: key, Group: g, Added: ms.State == Active || ms.Admin, Admin: ms.Admin})
		}
	}
	gs.uids = bucketUIDs(len(gs.Groups), len(og.Memberships), func(yield func(g int32, uid int64)) {
		for _, ms := range og.Memberships {
			yield(pos[ms.Group], ms.UID)
		}
	})

	// Admins by role or authorship; those without a membership row join too.
	type extra struct {
		pair
		src  Src
		what string
	}
	var extras []extra
	for _, a := range og.admins() {
		what := "administrator"
		if a.Author {
			what = "author"
		}
		extras = append(extras, extra{pair{pos[a.Group], a.UID}, a.Src, what})
	}
	sort.SliceStable(extras, func(i, j int) bool {
		if extras[i].g != extras[j].g {
			return extras[i].g < extras[j].g
		}
		return extras[i].uid < extras[j].uid
	})
	added := map[pair]bool{}
	for _, e := range extras {
		if blocked[e.pair] || added[e.pair] {
			continue
		}
		added[e.pair] = true
		var key int64
		var ok bool
		if gs.isMember(int(e.g), e.uid) {
			key, ok = m.keyOf(e.uid) // reviewed with the membership row already
		} else {
			key, ok = gs.resolveAt(e.uid, e.g, e.src, e.what, rev)
			gs.uids[e.g] = insertSorted(gs.uids[e.g], e.uid)
		}
		if ok {
			entries = append(entries, Member{Key: key, Group: e.g, Added: true, Admin: true})
		}
	}

	// One row per contact and group: sort each group's entries by key and merge.
	byGroup := bucketMembers(len(gs.Groups), entries)
	gs.Members = byGroup[:0]
	for start := 0; start < len(byGroup); {
		end := start
		for end < len(byGroup) && byGroup[end].Group == byGroup[start].Group {
			end++
		}
		run := byGroup[start:end]
		// Equal keys are merged whatever their order, so an unstable sort will do.
		slices.SortFunc(run, func(a, b Member) int { return cmp.Compare(a.Key, b.Key) })
		for i := 0; i < len(run); {
			mb := run[i]
			for i++; i < len(run) && run[i].Key == mb.Key; i++ {
				mb.Added = mb.Added || run[i].Added
				mb.Admin = mb.Admin || run[i].Admin
			}
			gs.Members = append(gs.Members, mb)
			c := &gs.Counts[mb.Group]
			c.Members++
			if mb.Added {
				c.Added++
			} else {
				c.Pending++
			}
			if mb.Admin {
				c.Admins++
				gs.Admins++
			}
		}
		start = end
	}
	for i := range gs.Counts {
		gs.Counts[i].Title, gs.Counts[i].SourceOGID = gs.Groups[i].Name, gs.Groups[i].GID
	}
	return gs
}

// resolve finds the contact a member reaches CiviCRM by, reviewing a user
// the users export lacks, or one who has no contact.
func (gs *GroupSync) resolve(uid int64, g int32, og *OGData, ms Membership, what string, rev *Review) (int64, bool) {
	if key, ok := gs.m.keyOf(uid); ok {
		return key, true // the common case: no Src to build
	}
	return gs.resolveAt(uid, g, og.src(ms), what, rev)
}

func (gs *GroupSync) resolveAt(uid int64, g int32, src Src, what string, rev *Review) (int64, bool) {
	key, ok := gs.m.keyOf(uid)
	if ok {
		return key, true
	}
	name := gs.Groups[g].Name
	if !gs.m.known(uid) {
		rev.Add(KindUnknownUser, src, uid, 0, fmt.Sprintf("%s of group %q: no such user in the users export", what, name))
	} else {
		rev.Add(KindNoContact, src, uid, 0, fmt.Sprintf("%s of group %q: the user has no contact (no or invalid e-mail, or left out)", what, name))
	}
	gs.Counts[g].Left++
	return 0, false
}

// bucketMembers orders entries by group, keeping their order within a group
// (a counting sort: one pass to count, one to place).
func bucketMembers(groups int, entries []Member) []Member {
	start := make([]int, groups+1)
	for _, e := range entries {
		start[e.Group+1]++
	}
	for i := 1; i <= groups; i++ {
		start[i] += start[i-1]
	}
	out := make([]Member, len(entries))
	for _, e := range entries {
		out[start[e.Group]] = e
		start[e.Group]++
	}
	return out
}

// bucketUIDs collects each group's users, sorted and unique.
func bucketUIDs(groups, n int, each func(yield func(g int32, uid int64))) [][]int64 {
	count := make([]int, groups)
	each(func(g int32, _ int64) { count[g]++ })
	flat := make([]int64, n)
	out := make([][]int64, groups)
	off := 0
	for g, c := range count {
		out[g] = flat[off : off : off+c]
		off += c
	}
	each(func(g int32, uid int64) { out[g] = append(out[g], uid) })
	for g := range out {
		slices.Sort(out[g])
		out[g] = slices.Compact(out[g])
	}
	return out
}

func insertSorted(s []int64, v int64) []int64 {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(slices.Clip(s), i, v)
}

// lessGID orders group ids numerically.
func lessGID(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

// order lays the groups out by OG id, title-only groups last by title, and
// returns OGData index -> GroupSync index.
func (gs *GroupSync) order(og *OGData, rev *Review) []int32 {
	idx := make([]int, len(og.Groups))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := og.Groups[idx[i]], og.Groups[idx[j]]
		if (a.GID == "") != (b.GID == "") {
			return a.GID != ""
		}
		if a.GID != b.GID {
			return lessGID(a.GID, b.GID)
		}
		return a.Title < b.Title
	})
	pos := make([]int32, len(og.Groups))
	gs.Groups = make([]CiviGroup, len(og.Groups))
	for newI, oldI := range idx {
		g := og.Groups[oldI]
		cg := CiviGroup{GID: g.GID, OGTitle: strings.TrimFunc(g.Title, unicode.IsSpace), Src: g.Src}
		switch {
		case g.GID != "" && cg.OGTitle == "":
			cg.OGTitle = "Group " + g.GID
			rev.Add(KindUnknownGroup, g.Src, g.User, 0, fmt.Sprintf("group %s has no known title; named %q (give --groups)", g.GID, cg.OGTitle))
		case g.GID == "":
			rev.Add(KindNoGroupID, g.Src, g.User, 0, fmt.Sprintf("group %q has no OG id; its Source is left empty (give --groups to find it)", g.Title))
		}
		gs.Groups[newI] = cg
		pos[oldI] = int32(newI)
	}
	return pos
}

// name gives each group its CiviCRM name and source; a name already taken
// (CiviCRM compares names without regard to case) gets " (<gid>)".
func (gs *GroupSync) name(rev *Review) {
	taken := map[string]int{}
	for i := range gs.Groups {
		g := &gs.Groups[i]
		g.Name = CutName(g.OGTitle)
		if g.GID != "" {
			g.Source = "OG Sync Group :" + g.GID + ":"
		}
		if prev, clash := taken[strings.ToLower(g.Name)]; clash {
			suffix := g.GID
			if suffix == "" {
				suffix = strconv.Itoa(i + 1)
			}
			old := g.Name
			g.Name = fmt.Sprintf("%s (%s)", g.Name, suffix)
			rev.Add(KindGroupNameCollision, g.Src, 0, 0, fmt.Sprintf("group %s's name %q is taken by group %s; named %q", g.key(), old, gs.Groups[prev].key(), g.Name))
		}
		taken[strings.ToLower(g.Name)] = i
	}
}

func (g *CiviGroup) key() string {
	if g.GID != "" {
		return g.GID
	}
	return strconv.Quote(g.OGTitle)
}
