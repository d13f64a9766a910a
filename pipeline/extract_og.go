package pipeline

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/dense"
)

// OGInputs are the Organic Groups files.
type OGInputs struct {
	Memberships *Input // friendly export, D6 og_uid or D7 og_membership
	Roles       *Input // D7 og_users_roles
	RoleNames   *Input // D7 og_role
	Groups      *Input // group nodes (id, title, author), or the whole node table
	OGGroups    *Input // D6 og or D7 field_data_group_group: which nodes are groups
	// Module is --og-module: whose civicrm_og_sync titles the groups
	// (OGModuleAuto: the memberships file's Drupal version).
	Module OGModule
}

// OGData is what the OG files say.
type OGData struct {
	// Module is the civicrm_og_sync whose titles the groups get: --og-module,
	// else told from the memberships file (Drupal 7 when there is none).
	Module      OGModule
	Groups      []Group
	Memberships []Membership
	// Files names the files memberships come from: the memberships file,
	// or, for a canonical file, the exports its rows point back at.
	Files      []string
	RoleAdmins []RoleAdmin

	// lines says where the memberships' rows are, a run of memberships
	// from the same file at a time: see addMembership.
	lines []lineRun

	byGID   map[int64]int32
	byTitle map[string]int32 // lower-cased title

	// ogGroups holds the groups --og-groups lists, where each was listed
	// (nil without it: then any gid a row names is a group); ogGroupsFile
	// names that file for reviews.
	ogGroups     map[int64]Src
	ogGroupsFile string
}

// group finds or registers the group a row names by id (0: none) and/or
// title. A title it keeps is copied: the cell may borrow a reader's buffer.
func (d *OGData) group(gid int64, title string, src Src) int32 {
	if gid != 0 {
		if i, ok := d.byGID[gid]; ok {
			if d.Groups[i].Title == "" && title != "" {
				title = strings.Clone(title)
				d.Groups[i].Title = title
				// Rows naming the group by this title alone find it too.
				if _, ok := d.byTitle[strings.ToLower(title)]; !ok {
					d.byTitle[strings.ToLower(title)] = i
				}
			}
			return i
		}
	} else if i, ok := d.byTitle[strings.ToLower(title)]; ok {
		return i
	}
	i := int32(len(d.Groups))
	title = strings.Clone(title)
	g := Group{Title: title, Src: src}
	if gid != 0 {
		g.GID = strconv.FormatInt(gid, 10)
		d.byGID[gid] = i
	}
	d.Groups = append(d.Groups, g)
	if k := strings.ToLower(title); title != "" {
		if _, ok := d.byTitle[k]; !ok {
			d.byTitle[k] = i
		}
	}
	return i
}

// admins lists who is a group administrator besides a membership row's own
// flag: administrator roles, then group node authors.
func (d *OGData) admins() []RoleAdmin {
	out := append([]RoleAdmin(nil), d.RoleAdmins...)
	for i, g := range d.Groups {
		if g.Author != 0 {
			out = append(out, RoleAdmin{Group: int32(i), UID: g.Author, Author: true, Src: g.Src})
		}
	}
	return out
}

// A Membership's bits: the state in bits 0-1, the admin flag in bit 2,
// and in bits 3-31 its row's line less the base of its lineRun, a delta
// below 2^29.
const (
	memberStateMask = 1<<2 - 1
	memberAdmin     = 1 << 2
	memberLineShift = 3
	maxLineDelta    = 1<<(32-memberLineShift) - 1
)

// State is the membership's state.
func (m Membership) State() State { return State(m.bits & memberStateMask) }

// Admin reports whether the row makes the user a group administrator.
func (m Membership) Admin() bool { return m.bits&memberAdmin != 0 }

// lineRun is a run of memberships, OGData.Memberships[at:] up to the next
// run's at, whose rows are in the same file, at lines base to
// base+maxLineDelta.
type lineRun struct {
	at   int
	base int
	file int32 // index into OGData.Files
}

// addMembership appends a membership read from a row at line of file (an
// index into Files).
//
// Every line (any int) comes back exact. A run's base is 2^28 below the
// line that opens it (0 for a line up to 2^28), so rows whose lines lie
// within 2^28 of one another, in whatever order, share a run: an export
// of up to 2^28 lines, or a canonical file pointing back at one, costs a
// single run per file. A longer export opens a run every 2^28 lines or
// so, still a handful. Only a canonical file whose source file changes
// every few rows, or whose lines jump back and forth by more than 2^28,
// costs a run (24 bytes) at each change.
func (d *OGData) addMembership(uid int64, g int32, state State, admin bool, file int32, line int) {
	n := len(d.lines)
	if n == 0 || d.lines[n-1].file != file || line < d.lines[n-1].base || line-d.lines[n-1].base > maxLineDelta {
		d.lines = append(d.lines, lineRun{at: len(d.Memberships), base: line - min(max(line, 0), 1<<28), file: file})
		n++
	}
	bits := uint32(state)&memberStateMask | uint32(line-d.lines[n-1].base)<<memberLineShift
	if admin {
		bits |= memberAdmin
	}
	d.Memberships = append(d.Memberships, Membership{UID: uid, Group: g, bits: bits})
}

// src is where membership i came from.
func (d *OGData) src(i int) Src {
	k := len(d.lines) - 1
	if k > 0 && d.lines[k].at > i {
		k = sort.Search(len(d.lines), func(k int) bool { return d.lines[k].at > i }) - 1
	}
	r := d.lines[k]
	s := Src{Line: r.base + int(d.Memberships[i].bits>>memberLineShift)}
	if int(r.file) < len(d.Files) {
		s.File = d.Files[r.file]
	}
	return s
}

// ExtractOG reads the OG files: group nodes first, so memberships that name
// a group by title find its id. Which nodes are groups: those --og-groups
// lists; else, when the groups file is the whole node table (it has a
// type column), those a membership or a role names, so memberships and
// roles are read first and the node table after them; else every node of
// the groups file.
func (x *Extractor) ExtractOG(in OGInputs) (*OGData, error) {
	d := &OGData{byGID: map[int64]int32{}, byTitle: map[string]int32{}}
	if in.OGGroups != nil {
		if err := x.extractOGGroups(*in.OGGroups, d); err != nil {
			return nil, err
		}
	}
	var nodes *groupNodes
	if in.Groups != nil {
		var err error
		if nodes, err = x.openGroupNodes(*in.Groups); err != nil {
			return nil, err
		}
		defer nodes.close()
	}
	named := nodes != nil && d.ogGroups == nil && nodes.wholeTable()
	if nodes != nil && !named {
		if err := nodes.readNodes(d, false); err != nil {
			return nil, err
		}
	}
	if in.Roles != nil {
		names := map[string]string{}
		if in.RoleNames != nil {
			var err error
			if names, err = x.extractRoleNames(*in.RoleNames); err != nil {
				return nil, err
			}
		}
		if err := x.extractRoles(*in.Roles, names, d); err != nil {
			return nil, err
		}
	}
	if in.Memberships != nil {
		if err := x.extractMemberships(*in.Memberships, d); err != nil {
			return nil, err
		}
	}
	if named {
		if err := nodes.readNodes(d, true); err != nil {
			return nil, err
		}
	}
	d.addListedGroups()
	d.Module = in.Module.Or(d.Module).Or(OGModule7)
	return d, nil
}

func (x *Extractor) extractRoleNames(in Input) (map[string]string, error) {
	r, b, st, err := x.table(in, &formats.OGRoleNamesSchema)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	err = x.each(r, b, st, func(rec []string, src Src) error {
		names[clean(formats.Cell(rec, b.Col("rid")))] = clean(formats.Cell(rec, b.Col("name")))
		st.Used++
		return nil
	})
	return names, err
}

func (x *Extractor) extractRoles(in Input, names map[string]string, d *OGData) error {
	r, b, st, err := x.table(in, &formats.OGRolesSchema)
	if err != nil {
		return err
	}
	cGroupType := b.Col("group_type")
	return x.each(r, b, st, func(rec []string, src Src) error {
		rawU, rawG := clean(formats.Cell(rec, b.Col("uid"))), clean(formats.Cell(rec, b.Col("gid")))
		uid, ok := parseID(rawU)
		if !ok {
			return idError(src, b, "uid", rawU)
		}
		gid, ok := parseID(rawG)
		if !ok {
			return idError(src, b, "gid", rawG)
		}
		if !x.nodeGroup(d, st, formats.Cell(rec, cGroupType), gid, uid, src, "role") {
			return nil
		}
		role := clean(formats.Cell(rec, b.Col("rid")))
		if n, ok := names[role]; ok {
			role = n
		}
		if !isAdminRole(role) {
			st.Skipped++ // other roles do not change what we write
			return nil
		}
		d.RoleAdmins = append(d.RoleAdmins, RoleAdmin{Group: d.group(gid, "", src), UID: uid, Src: src})
		st.Used++
		return nil
	})
}

// isAdminRole: Drupal 7's "administrator member", or any role or list of
// roles in a Views export that names an administrator.
func isAdminRole(role string) bool {
	const admin = "administrator"
	if !isASCII(role) { // lower-casing may turn other letters into these
		return strings.Contains(strings.ToLower(role), admin)
	}
	for i := 0; i+len(admin) <= len(role); i++ {
		j := 0
		for j < len(admin) && role[i+j]|0x20 == admin[j] {
			j++
		}
		if j == len(admin) {
			return true
		}
	}
	return false
}

func (x *Extractor) extractMemberships(in Input, d *OGData) error {
	r, b, st, err := x.lendingTable(in, &formats.MembershipsSchema)
	if err != nil {
		return err
	}
	if b.Col("gid") < 0 && b.Col("group") < 0 {
		r.Close()
		return &formats.Error{File: in.Path, Line: 1, Err: fmt.Errorf("%w for memberships: group (accepts: %s, or a title: %s); found: %s",
			formats.ErrMissingColumn, strings.Join(formats.MembershipsSchema.Fields[0].Headers, ", "),
			strings.Join(formats.MembershipsSchema.Fields[1].Headers, ", "), strings.Join(r.Header(), ", "))}
	}
	d.Module = ogModuleOfMemberships(b.Matched("state"))
	mr := &membershipRows{x: x, d: d, b: b, st: st, groups: newGroupCache(d), states: stateTable(b.Matched("state")),
		files: fileNames{d: d, index: map[string]int32{}, last: -1},
		cGID:  b.Col("gid"), cTitle: b.Col("group"), cUID: b.Col("uid"), cType: b.Col("entity_type"), cGroupType: b.Col("group_type"),
		cRoles: b.Col("roles"), cAdmin: b.Col("is_admin"), cState: b.Col("state")}
	d.Memberships = make([]Membership, 0, formats.RowsHint(r))
	// Rows are let go once read: they borrow the reader's buffer
	// (lendingTable), and what is kept is copied (group titles, by
	// OGData.group; a canonical file's source cell would be kept by
	// reviews, so those copy every row).
	mr.canonical = b.Col("source_file") >= 0
	return x.each(r, b, st, mr.row)
}

// membershipRows reads the rows of a memberships file into OGData.
type membershipRows struct {
	x                                                 *Extractor
	d                                                 *OGData
	b                                                 *formats.Binding
	st                                                *FileStats
	groups                                            *groupCache
	states                                            *states
	files                                             fileNames
	canonical                                         bool
	cGID, cTitle, cUID, cType, cRoles, cAdmin, cState int
	cGroupType                                        int
}

// row reads one row: a user's membership, a group's own row, or a node's
// (left out).
func (mr *membershipRows) row(rec []string, src Src) error {
	d, b := mr.d, mr.b
	if t := formats.Cell(rec, mr.cType); t != "" && t != "user" && !strings.EqualFold(clean(t), "user") {
		mr.st.Skipped++ // group content (nodes), not a membership
		return nil
	}
	rawU := clean(formats.Cell(rec, mr.cUID))
	title := clean(formats.Cell(rec, mr.cTitle))
	rawG := clean(formats.Cell(rec, mr.cGID))
	if rawU == "" && rawG != "" { // a group without a user: the group itself (canonical files write these)
		gid, ok := parseID(rawG)
		if !ok || gid == 0 {
			return idError(src, b, "gid", rawG)
		}
		d.Groups[d.group(gid, title, src)].Node = true
		mr.st.Used++
		return nil
	}
	uid, ok := parseID(rawU)
	if !ok {
		return idError(src, b, "uid", rawU)
	}
	// Most rows are of node groups, and no --og-groups: one comparison.
	if t := formats.Cell(rec, mr.cGroupType); t != "" && t != "node" || d.ogGroups != nil {
		if gid, ok := parseID(rawG); ok && gid != 0 && !mr.x.nodeGroup(d, mr.st, t, gid, uid, src, "membership") {
			return nil
		}
	}
	gi, err := mr.group(rawG, title, uid, src)
	if err != nil {
		return err
	}
	state, admin, err := mr.stateOf(rec, src)
	if err != nil {
		return err
	}
	d.addMembership(uid, gi, state, admin, mr.files.of(src.File), src.Line)
	mr.st.Used++
	return nil
}

// group is the group a membership row names, by id or title; uid's row
// may be the first to name it.
func (mr *membershipRows) group(rawG, title string, uid int64, src Src) (int32, error) {
	var gi int32
	known := len(mr.d.Groups)
	switch {
	case rawG != "":
		gid, ok := parseID(rawG)
		if !ok || gid == 0 {
			return 0, idError(src, mr.b, "gid", rawG)
		}
		gi = mr.groups.byGID(gid, title, src)
	case title != "":
		gi = mr.groups.byTitle(title, src)
	default:
		return 0, formats.RowError(src.File, src.Line, 0, "no group id or title")
	}
	// Only a group this row made can have been named first here (but a
	// canonical file's rows may point back at the same line): the test
	// spares most rows a cache miss on a group.
	if int(gi) >= known || mr.canonical {
		if g := &mr.d.Groups[gi]; !g.Node && g.User == 0 && g.Src == src {
			g.User = uid // this row named the group first
		}
	}
	return gi, nil
}

// stateOf is a membership row's state and whether it makes an admin.
func (mr *membershipRows) stateOf(rec []string, src Src) (state State, admin bool, err error) {
	state = Active
	if v := formats.Cell(rec, mr.cState); v != "" {
		s, ok := mr.states.parse(v)
		if !ok {
			return 0, false, formats.RowError(src.File, src.Line, mr.cState+1, "%s %q is not active, pending or blocked", mr.b.HeaderOf("state"), v)
		}
		state = s
	}
	if mr.cAdmin >= 0 {
		if a, ok := truthy(formats.Cell(rec, mr.cAdmin)); ok && a {
			admin = true
		}
	}
	if mr.cRoles >= 0 && isAdminRole(formats.Cell(rec, mr.cRoles)) {
		admin = true
	}
	return state, admin, nil
}

// fileNames numbers the source files of membership rows. A file has
// millions of rows and names a handful of files: each row finds its own
// through the last one, the map only on a miss.
type fileNames struct {
	d     *OGData
	index map[string]int32
	name  string
	last  int32
}

func (f *fileNames) of(name string) int32 {
	if f.last >= 0 && name == f.name {
		return f.last
	}
	i, ok := f.index[name]
	if !ok {
		name = strings.Clone(name) // a canonical file's cell: not its whole line
		i = int32(len(f.d.Files))
		f.d.Files = append(f.d.Files, name)
		f.index[name] = i
	}
	f.name, f.last = name, i
	return i
}

// borrowRows lets readers lend their buffer (lendingTable) where rows are
// let go or copied out: the membership file, the users and the contacts
// (rowStages.copies); tests turn it off to compare.
var borrowRows = true

// groupCache finds the group a membership row names without a map lookup
// for most rows: group node ids are nearly dense, so a slice indexed by gid
// holds them; titles are remembered as the rows spell them.
type groupCache struct {
	d     *OGData
	slot  dense.Span[int32] // group index + 1; 0: not cached
	built int               // len(d.byGID) when slot was built
	title map[string]int32
}

func newGroupCache(d *OGData) *groupCache {
	c := &groupCache{d: d, title: map[string]int32{}}
	c.build()
	return c
}

// build lays the gids known so far out in slot, unless they are too
// sparse; the map answers then.
func (c *groupCache) build() {
	c.built, c.slot = len(c.d.byGID), dense.Span[int32]{}
	if c.built == 0 {
		return
	}
	lo, hi := int64(math.MaxInt64), int64(0)
	for gid := range c.d.byGID {
		lo, hi = min(lo, gid), max(hi, gid)
	}
	if dense.Dense(lo, hi, c.built, 16) {
		c.slot = dense.NewSpan[int32](lo, hi)
		for gid, i := range c.d.byGID {
			c.slot.Put(gid, i+1)
		}
	}
}

// byGID is OGData.group for a row naming its group by id (and maybe title).
func (c *groupCache) byGID(gid int64, title string, src Src) int32 {
	// A cached group needs no more than its index unless this row is the
	// first to give it a title.
	if v, _ := c.slot.At(gid); v > 0 && (title == "" || c.d.Groups[v-1].Title != "") {
		return v - 1
	}
	i := c.d.group(gid, title, src)
	if !c.slot.Put(gid, i+1) && len(c.d.byGID) >= 2*c.built+16 { // new gids: lay them out again, now and then
		c.build()
	}
	return i
}

// byTitle is OGData.group for a row naming its group by title only. Once a
// title has found its group, OGData.byTitle keeps that answer, so caching
// it by the row's exact spelling saves lower-casing every row.
func (c *groupCache) byTitle(title string, src Src) int32 {
	if i, ok := c.title[title]; ok {
		return i
	}
	i := c.d.group(0, title, src)
	c.title[strings.Clone(title)] = i // title may borrow the reader's buffer
	return i
}

// states reads a file's state cells: a single digit, the usual cell, by
// table, anything else by parseState.
type states struct {
	header string
	digit  [10]State // 0: not a state
}

func stateTable(header string) *states {
	t := &states{header: header}
	for c := range t.digit {
		if s, ok := parseState(header, strconv.Itoa(c)); ok {
			t.digit[c] = s
		}
	}
	return t
}

// parse reads a non-empty cell; a blank one is Active.
func (t *states) parse(v string) (State, bool) {
	if len(v) == 1 && v[0]-'0' <= 9 {
		s := t.digit[v[0]-'0']
		return s, s != 0
	}
	if strings.TrimSpace(v) == "" {
		return Active, true
	}
	return parseState(t.header, v)
}

// parseState reads OG states: D7 state 1/2/3, D6 is_active 1/0, or words.
func parseState(header, v string) (State, bool) {
	w := strings.ToLower(strings.TrimSpace(v))
	if header == "isactive" { // Drupal 6: 1 active, 0 pending
		switch w {
		case "1", "yes", "true":
			return Active, true
		case "0", "no", "false":
			return Pending, true
		case "2", "3":
			return 0, false
		}
	}
	switch w {
	case "1", "active", "approved", "member":
		return Active, true
	case "2", "pending", "requested", "awaiting approval":
		return Pending, true
	case "3", "blocked", "banned", "rejected":
		return Blocked, true
	}
	return 0, false
}
