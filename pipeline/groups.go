package pipeline

import (
	"fmt"
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

// Member is a contact in a CiviCRM group: by id when it exists, by e-mail
// when the import will create it.
type Member struct {
	Group     int // index into GroupSync.Groups
	ContactID int64
	Email     string
	Status    string
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
	Members []Member // normal groups, by group then contact
	Admins  []Member // ACL groups
	Counts  []GroupCounts
	// memberOf: every (group, uid) the OG files mention in any state, for §4.
	memberOf map[int]map[int64]bool
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

type memberKey struct {
	cid   int64
	email string // e-mail key of a new contact
}

// SyncGroups turns OGs and their memberships into CiviCRM groups and
// memberships, through the users' contacts in m.
func SyncGroups(og *OGData, m *Matching, rev *Review) *GroupSync {
	gs := &GroupSync{memberOf: map[int]map[int64]bool{}}
	byGID := map[string]int{}
	byTitle := map[string]int{}
	add := func(g CiviGroup) int {
		gs.Groups = append(gs.Groups, g)
		i := len(gs.Groups) - 1
		if g.GID != "" {
			byGID[g.GID] = i
		}
		if _, ok := byTitle[strings.ToLower(g.OGTitle)]; !ok && g.OGTitle != "" {
			byTitle[strings.ToLower(g.OGTitle)] = i
		}
		return i
	}
	for _, g := range og.Groups {
		add(CiviGroup{GID: g.GID, OGTitle: g.Title, Src: g.Src})
	}
	// Resolve each membership's group, creating groups the node file lacks.
	groupOf := make([]int, len(og.Memberships))
	for i, ms := range og.Memberships {
		gi, ok := -1, false
		if ms.GID != "" {
			gi, ok = byGID[ms.GID]
			if ok && gs.Groups[gi].OGTitle == "" && ms.Title != "" {
				gs.Groups[gi].OGTitle = ms.Title // a group node without a title
				if _, taken := byTitle[strings.ToLower(ms.Title)]; !taken {
					byTitle[strings.ToLower(ms.Title)] = gi
				}
			}
			if !ok {
				title := ms.Title
				if title == "" {
					title = "Group " + ms.GID
					rev.Add(KindUnknownGroup, ms.Src, ms.UID, 0, fmt.Sprintf("group %s has no known title; named %q (give --groups)", ms.GID, title))
				}
				gi = add(CiviGroup{GID: ms.GID, OGTitle: title, Src: ms.Src})
			}
		} else {
			gi, ok = byTitle[strings.ToLower(ms.Title)]
			if !ok {
				rev.Add(KindNoGroupID, ms.Src, ms.UID, 0, fmt.Sprintf("group %q has no OG id; its Source is left empty (give --groups to find it)", ms.Title))
				gi = add(CiviGroup{OGTitle: ms.Title, Src: ms.Src})
			}
		}
		groupOf[i] = gi
	}
	for i := range gs.Groups {
		if g := &gs.Groups[i]; g.OGTitle == "" && g.GID != "" { // a group node without a title
			g.OGTitle = "Group " + g.GID
			rev.Add(KindUnknownGroup, g.Src, 0, 0, fmt.Sprintf("group %s has no title; named %q", g.GID, g.OGTitle))
		}
	}
	order := gs.sortGroups()
	for i := range groupOf {
		groupOf[i] = order[groupOf[i]]
	}
	gs.name(rev)
	byGID = map[string]int{}
	for i, g := range gs.Groups {
		if g.GID != "" {
			byGID[g.GID] = i
		}
	}

	type slot struct {
		status string
		admin  bool
	}
	members := make([]map[memberKey]*slot, len(gs.Groups))
	blocked := map[GroupUser]bool{}
	for i := range members {
		members[i] = map[memberKey]*slot{}
		gs.memberOf[i] = map[int64]bool{}
	}
	gs.Counts = make([]GroupCounts, len(gs.Groups))
	place := func(gi int, uid int64, status string, admin bool, src Src, what string) {
		g := &gs.Groups[gi]
		if !m.Known[uid] {
			rev.Add(KindUnknownUser, src, uid, 0, fmt.Sprintf("%s of group %q: no such user in the users export", what, g.Name))
			gs.Counts[gi].Left++
			return
		}
		cid, email, ok := m.ContactOf(uid)
		if !ok {
			rev.Add(KindNoContact, src, uid, 0, fmt.Sprintf("%s of group %q: the user has no contact (no or invalid e-mail, or left out)", what, g.Name))
			gs.Counts[gi].Left++
			return
		}
		k := memberKey{cid: cid}
		if cid == 0 {
			k.email = EmailKey(email)
		}
		s := members[gi][k]
		if s == nil {
			s = &slot{status: status}
			members[gi][k] = s
		}
		if status == StatusAdded {
			s.status = StatusAdded // Added wins over Pending
		}
		s.admin = s.admin || admin
	}
	for i, ms := range og.Memberships {
		gi := groupOf[i]
		gs.memberOf[gi][ms.UID] = true
		if ms.State == Blocked {
			blocked[GroupUser{gs.Groups[gi].key(), ms.UID}] = true
			cid, _, _ := m.ContactOf(ms.UID)
			rev.Add(KindBlockedMembership, ms.Src, ms.UID, cid, fmt.Sprintf("blocked in group %q; left out", gs.Groups[gi].Name))
			gs.Counts[gi].Left++
			continue
		}
		_, roleAdmin := og.Admins[GroupUser{gs.Groups[gi].GID, ms.UID}] // the resolved gid: ms may name its group by title
		admin := ms.Admin || roleAdmin
		status := StatusAdded
		if ms.State == Pending && !admin {
			status = StatusPending
		}
		place(gi, ms.UID, status, admin, ms.Src, "member")
	}
	// Admins who have no membership row: og_users_roles and group authors.
	var extra []GroupUser
	for gu := range og.Admins {
		extra = append(extra, gu)
	}
	sort.Slice(extra, func(i, j int) bool {
		if extra[i].GID != extra[j].GID {
			return lessGID(extra[i].GID, extra[j].GID)
		}
		return extra[i].UID < extra[j].UID
	})
	for _, gu := range extra {
		if gi, ok := byGID[gu.GID]; ok && !gs.memberOf[gi][gu.UID] {
			gs.memberOf[gi][gu.UID] = true
			place(gi, gu.UID, StatusAdded, true, og.Admins[gu], "administrator")
		}
	}
	for _, g := range og.Groups {
		if g.Author == 0 {
			continue
		}
		gi, ok := byGID[g.GID]
		if !ok || blocked[GroupUser{g.GID, g.Author}] {
			continue
		}
		if gs.memberOf[gi][g.Author] {
			// already placed as a member: make them admin
			if cid, email, ok := m.ContactOf(g.Author); ok {
				k := memberKey{cid: cid}
				if cid == 0 {
					k.email = EmailKey(email)
				}
				if s := members[gi][k]; s != nil {
					s.admin, s.status = true, StatusAdded
				}
			}
			continue
		}
		gs.memberOf[gi][g.Author] = true
		place(gi, g.Author, StatusAdded, true, g.Src, "author")
	}
	// Rows: groups in order; existing contacts by id, then new ones by e-mail.
	for gi := range gs.Groups {
		keys := make([]memberKey, 0, len(members[gi]))
		for k := range members[gi] {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := keys[i], keys[j]
			if (a.cid == 0) != (b.cid == 0) {
				return a.cid != 0
			}
			if a.cid != b.cid {
				return a.cid < b.cid
			}
			return a.email < b.email
		})
		c := &gs.Counts[gi]
		c.Title, c.SourceOGID = gs.Groups[gi].Name, gs.Groups[gi].GID
		for _, k := range keys {
			s := members[gi][k]
			email := ""
			if k.cid == 0 {
				email = m.newEmail(k.email)
			}
			gs.Members = append(gs.Members, Member{Group: gi, ContactID: k.cid, Email: email, Status: s.status})
			c.Members++
			if s.status == StatusAdded {
				c.Added++
			} else {
				c.Pending++
			}
			if s.admin {
				gs.Admins = append(gs.Admins, Member{Group: gi, ContactID: k.cid, Email: email, Status: StatusAdded})
				c.Admins++
			}
		}
	}
	return gs
}

func (g *CiviGroup) key() string {
	if g.GID != "" {
		return g.GID
	}
	return "title:" + g.OGTitle
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

// sortGroups orders groups by OG id, title-only groups last by title, and
// returns old index -> new index.
func (gs *GroupSync) sortGroups() []int {
	idx := make([]int, len(gs.Groups))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := gs.Groups[idx[i]], gs.Groups[idx[j]]
		if (a.GID == "") != (b.GID == "") {
			return a.GID != ""
		}
		if a.GID != b.GID {
			return lessGID(a.GID, b.GID)
		}
		return a.OGTitle < b.OGTitle
	})
	sorted := make([]CiviGroup, len(gs.Groups))
	order := make([]int, len(gs.Groups))
	for newI, oldI := range idx {
		sorted[newI] = gs.Groups[oldI]
		order[oldI] = newI
	}
	gs.Groups = sorted
	return order
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

// newEmail finds the e-mail, as written, of the new contact with key k.
func (m *Matching) newEmail(k string) string {
	if m.newByKey == nil {
		m.newByKey = make(map[string]string, len(m.New))
		for _, n := range m.New {
			m.newByKey[EmailKey(n.Email)] = n.Email
		}
	}
	return m.newByKey[k]
}
