package pipeline

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The naming rules of SPEC §3, all of them: how an OG's pair of CiviCRM
// groups is named, titled and typed, the Source strings civicrm_og_sync
// gives them (and reads back), the 49-character cut and name collisions.

// CiviCRM group types and the sources civicrm_og_sync gives its groups.
const (
	GroupTypeMailing = "Mailing List"
	GroupTypeACL     = "Access Control"
	ACLSuffix        = ": Administrator"
	maxGroupName     = 49 // civicrm_group.name is 64 long; ": Administrator" takes 15
)

// The Source strings civicrm_og_sync gives an OG's groups, by which it
// finds them again.
func groupSource(gid string) string { return "OG Sync Group :" + gid + ":" }
func aclSource(gid string) string   { return "OG Sync Group ACL :" + gid + ":" }

var sourceGID = regexp.MustCompile(`:(\d+):$`)

// SourceGID reads the OG id back from either Source string.
func SourceGID(source string) (gid string, ok bool) {
	if m := sourceGID.FindStringSubmatch(source); m != nil {
		return m[1], true
	}
	return "", false
}

// CiviGroup is an OG's pair of CiviCRM groups.
type CiviGroup struct {
	GID     string // "" when the OG is known by title only
	OGTitle string // the OG's own title, trimmed
	Name    string // normal group name: the title cut to 49 characters
	title   string // normal group title: see OGModule.GroupTitle
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
	return aclSource(g.GID)
}

// Title is the normal group's title: the OG's whole title for Drupal 6's
// civicrm_og_sync, its name for Drupal 7's (OGModule.GroupTitle). Membership
// rows name the group by it.
func (g *CiviGroup) Title() string {
	if g.title == "" {
		return g.Name
	}
	return g.title
}

// CutName cuts a title to 49 characters, never splitting a character
// (nor a base letter from its combining accent).
func CutName(title string) string {
	title = strings.TrimFunc(title, unicode.IsSpace)
	if utf8.RuneCountInString(title) <= maxGroupName {
		return title
	}
	return strings.TrimRightFunc(cutRunes(title, maxGroupName, unicode.Mn), unicode.IsSpace)
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

// name gives each group its CiviCRM name, title and source, the title as
// module's civicrm_og_sync makes it. A name already taken (CiviCRM compares
// names without regard to case) gets " (<gid>)" on the later group's name
// and title, and so on its ACL group's name.
func (gs *GroupSync) name(module OGModule, rev *Review) {
	taken := map[string]int{}
	for i := range gs.Groups {
		g := &gs.Groups[i]
		g.Name, g.title = CutName(g.OGTitle), module.GroupTitle(g.OGTitle)
		if g.GID != "" {
			g.Source = groupSource(g.GID)
		}
		if prev, clash := taken[strings.ToLower(g.Name)]; clash {
			suffix := g.GID
			if suffix == "" {
				suffix = strconv.Itoa(i + 1)
			}
			old := g.Name
			g.Name = fmt.Sprintf("%s (%s)", g.Name, suffix)
			g.title = fmt.Sprintf("%s (%s)", g.title, suffix)
			rev.Add(KindGroupNameCollision, g.Src, 0, 0, fmt.Sprintf("group %s's name %q is taken by group %s; named %q", g.label(), old, gs.Groups[prev].label(), g.Name))
		}
		taken[strings.ToLower(g.Name)] = i
	}
}

func (g *CiviGroup) label() string {
	if g.GID != "" {
		return g.GID
	}
	return strconv.Quote(g.OGTitle)
}
