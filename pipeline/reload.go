package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/civisync/civisync/formats"
)

// readTable reads one CSV output of an earlier transform. A missing file
// is an empty table.
func readTable[T any](dir, base string) ([]T, error) {
	return formats.ReadCSVTable[T](filepath.Join(dir, base+".csv"))
}

// LoadDir rewrites the CSV outputs of `civisync transform` in dir into out:
// as XLSX, split per group, or with formulas escaped. Rows are written as
// they are in dir, edits included.
func LoadDir(dir string, out *formats.OutputSet, opt LoadOptions) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return &formats.Error{File: dir, Err: fmt.Errorf("%w: not a directory of transform outputs", formats.ErrBadFile)}
	}
	var o outputs
	if err := o.read(dir); err != nil {
		return err
	}
	gi := newGroupIndex(o.groups) // the normal groups give the split files their names
	tables := []table{
		{FileUserContacts, "", formats.HeaderOf[UserContactRow](), plainRows(records(o.users))},
		{FileNewContacts, "", formats.HeaderOf[NewContactRow](), plainRows(records(o.newContacts))},
		{FileGroups, "", formats.HeaderOf[GroupRow](), plainRows(records(o.groups))},
		{FileMembers, "groups", formats.HeaderOf[MemberRow](), gi.rows(records(o.members), memberTitles(o.members))},
		{FileACLAdmins, "acl", formats.HeaderOf[MemberRow](), gi.rows(records(o.admins), memberTitles(o.admins))},
		{FileOGImport, "user_import_og", formats.HeaderOf[OGRow](), gi.rows(records(o.ogRows), ogTitles(o.ogRows))},
		{FileDuplicates, "", formats.HeaderOf[PossibleDuplicateRow](), plainRows(records(o.duplicates))},
	}
	w := &loader{out: out, opt: opt, review: reviewOf(o.review), slugs: groupSlugs(gi.civi)}
	api4 := w.api4(o.api4())
	if err := errors.Join(w.writeAll(tables), api4()); err != nil {
		return err
	}
	if js, err := os.ReadFile(filepath.Join(dir, FileSummary)); err == nil {
		return out.File(FileSummary, recountReview(js, w.review))
	}
	return nil
}

// recountReview gives transform's summary.json the review counts of the
// review.csv written now: formula-like cells were looked for again, in
// what this load wrote. A summary that does not read as one is kept as is.
func recountReview(js []byte, rev *Review) []byte {
	var s Summary
	if json.Unmarshal(js, &s) != nil {
		return js
	}
	s.Review = rev.CountByKind()
	if s.Totals == nil {
		s.Totals = map[string]int{}
	}
	s.Totals["review_items"] = len(rev.Items)
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return js
	}
	return append(out, '\n')
}

// outputs are the CSV outputs of an earlier transform.
type outputs struct {
	users           []UserContactRow
	newContacts     []NewContactRow
	groups          []GroupRow
	members, admins []MemberRow
	ogRows          []OGRow
	duplicates      []PossibleDuplicateRow
	review          []ReviewRow
}

func (o *outputs) read(dir string) error {
	var err error
	read := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	read(func() (e error) { o.users, e = readTable[UserContactRow](dir, FileUserContacts); return })
	read(func() (e error) { o.newContacts, e = readTable[NewContactRow](dir, FileNewContacts); return })
	read(func() (e error) { o.groups, e = readTable[GroupRow](dir, FileGroups); return })
	read(func() (e error) { o.members, e = readTable[MemberRow](dir, FileMembers); return })
	read(func() (e error) { o.admins, e = readTable[MemberRow](dir, FileACLAdmins); return })
	read(func() (e error) { o.ogRows, e = readTable[OGRow](dir, FileOGImport); return })
	read(func() (e error) { o.review, e = readTable[ReviewRow](dir, FileReview); return })
	// Outputs of a transform before likely duplicates have none.
	if _, statErr := os.Stat(filepath.Join(dir, FileDuplicates+".csv")); statErr == nil {
		read(func() (e error) { o.duplicates, e = readTable[PossibleDuplicateRow](dir, FileDuplicates); return })
	}
	return err
}

// api4 yields the outputs, as read back, for the api4 files. Memberships
// name their group by title: groups.csv gives its name.
func (o *outputs) api4() api4Rows {
	names := api4GroupNames{}
	for _, g := range o.groups {
		names.add(g)
	}
	members := func(rows []MemberRow, yield func(string, int64, string) error) error {
		for _, r := range rows {
			if rec, ok := names.groupContact(r); ok {
				if err := yield(rec.Group, rec.Contact, rec.Status); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return api4Rows{
		groups:   func(yield func(GroupRow) error) error { return eachRow(o.groups, yield) },
		contacts: func(yield func(NewContactRow) error) error { return eachRow(o.newContacts, yield) },
		members: func(yield func(string, int64, string) error) error {
			if err := members(o.members, yield); err != nil {
				return err
			}
			return members(o.admins, yield)
		},
		users: func(yield func(int64, string, int64, string) error) error {
			for _, r := range o.users {
				if rec, ok := api4UFMatchOf(r); ok {
					if err := yield(rec.UFID, rec.UFName, rec.Contact, r.Match); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}

func eachRow[T any](rows []T, yield func(T) error) error {
	for _, r := range rows {
		if err := yield(r); err != nil {
			return err
		}
	}
	return nil
}

// groupIndex finds the group a row's title names, among the normal groups
// of groups.csv and those only rows name.
type groupIndex struct {
	civi  []CiviGroup
	index map[string]int // lower-cased name -> civi
}

func newGroupIndex(groups []GroupRow) *groupIndex {
	gi := &groupIndex{index: map[string]int{}}
	for _, g := range groups {
		if g.GroupType == GroupTypeACL {
			continue
		}
		cg := CiviGroup{Name: g.Name, OGTitle: g.Title, title: g.Title}
		cg.GID, _ = SourceGID(g.Source)
		gi.index[strings.ToLower(g.Name)] = len(gi.civi)
		if _, ok := gi.index[strings.ToLower(g.Title)]; !ok { // Drupal 6: the whole title
			gi.index[strings.ToLower(g.Title)] = len(gi.civi)
		}
		gi.civi = append(gi.civi, cg)
	}
	return gi
}

// of is the group a normal or ACL group's title names.
func (gi *groupIndex) of(title string) int {
	title = strings.TrimSuffix(title, ACLSuffix)
	for _, t := range []string{title, CutName(title)} {
		if i, ok := gi.index[strings.ToLower(t)]; ok {
			return i
		}
	}
	gi.index[strings.ToLower(title)] = len(gi.civi) // a group groups.csv lacks
	gi.civi = append(gi.civi, CiviGroup{Name: title, OGTitle: title})
	return len(gi.civi) - 1
}

// rows yields rows by the group their titles name. A split file is written
// in one go, so an edited file's rows are brought together by group.
func (gi *groupIndex) rows(rows []formats.Record, titles []string) rowsFunc {
	g := make([]int, len(titles))
	order := make([]int, len(titles))
	for i, t := range titles {
		g[i], order[i] = gi.of(t), i
	}
	sort.SliceStable(order, func(a, b int) bool { return g[order[a]] < g[order[b]] })
	return func(yield func(formats.Record, int) error) error {
		for _, i := range order {
			if err := yield(rows[i], g[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// plainRows yields rows that belong to no group.
func plainRows(rows []formats.Record) rowsFunc {
	return func(yield func(formats.Record, int) error) error {
		for _, r := range rows {
			if err := yield(r, -1); err != nil {
				return err
			}
		}
		return nil
	}
}

func memberTitles(rows []MemberRow) []string {
	titles := make([]string, len(rows))
	for i, r := range rows {
		titles[i] = r.GroupTitle
	}
	return titles
}

func ogTitles(rows []OGRow) []string {
	titles := make([]string, len(rows))
	for i, r := range rows {
		titles[i] = r.Group
	}
	return titles
}

// reviewOf is review.csv's rows as review items.
func reviewOf(rows []ReviewRow) *Review {
	rev := &Review{}
	for _, r := range rows {
		if r.Kind == KindFormulaLike {
			continue // looked for again in what is written now
		}
		line, _ := parseID(r.Line)
		uid, _ := parseID(r.UserID)
		cid, _ := parseID(r.ContactID)
		rev.Items = append(rev.Items, ReviewItem{r.Kind, r.File, int(line), uid, cid, r.Detail})
	}
	return rev
}

func records[T formats.Record](rows []T) []formats.Record {
	out := make([]formats.Record, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out
}
