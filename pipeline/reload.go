package pipeline

import (
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
	users, err := readTable[UserContactRow](dir, FileUserContacts)
	if err != nil {
		return err
	}
	newContacts, err := readTable[NewContactRow](dir, FileNewContacts)
	if err != nil {
		return err
	}
	groups, err := readTable[GroupRow](dir, FileGroups)
	if err != nil {
		return err
	}
	members, err := readTable[MemberRow](dir, FileMembers)
	if err != nil {
		return err
	}
	admins, err := readTable[MemberRow](dir, FileACLAdmins)
	if err != nil {
		return err
	}
	ogRows, err := readTable[OGRow](dir, FileOGImport)
	if err != nil {
		return err
	}
	reviewRows, err := readTable[ReviewRow](dir, FileReview)
	if err != nil {
		return err
	}
	// The normal groups give the split files their names.
	var civi []CiviGroup
	index := map[string]int{}
	for _, g := range groups {
		if g.GroupType == GroupTypeACL {
			continue
		}
		cg := CiviGroup{Name: g.Name, OGTitle: g.Title}
		cg.GID, _ = SourceGID(g.Source)
		index[strings.ToLower(g.Name)] = len(civi)
		civi = append(civi, cg)
	}
	groupOf := func(title string) int {
		title = strings.TrimSuffix(title, ACLSuffix)
		for _, t := range []string{title, CutName(title)} {
			if i, ok := index[strings.ToLower(t)]; ok {
				return i
			}
		}
		index[strings.ToLower(title)] = len(civi) // a group groups.csv lacks
		civi = append(civi, CiviGroup{Name: title, OGTitle: title})
		return len(civi) - 1
	}
	plain := func(rows []formats.Record) rowsFunc {
		return func(yield func(formats.Record, int) error) error {
			for _, r := range rows {
				if err := yield(r, -1); err != nil {
					return err
				}
			}
			return nil
		}
	}
	grouped := func(rows []formats.Record, titles []string) rowsFunc {
		gi := make([]int, len(titles))
		order := make([]int, len(titles))
		for i, t := range titles {
			gi[i], order[i] = groupOf(t), i
		}
		// a split file is written in one go, so an edited file's rows are
		// brought together by group
		sort.SliceStable(order, func(a, b int) bool { return gi[order[a]] < gi[order[b]] })
		return func(yield func(formats.Record, int) error) error {
			for _, i := range order {
				if err := yield(rows[i], gi[i]); err != nil {
					return err
				}
			}
			return nil
		}
	}
	memberRecords := func(rows []MemberRow) ([]formats.Record, []string) {
		recs, titles := make([]formats.Record, len(rows)), make([]string, len(rows))
		for i, r := range rows {
			recs[i], titles[i] = r, r.GroupTitle
		}
		return recs, titles
	}
	mRecs, mTitles := memberRecords(members)
	aRecs, aTitles := memberRecords(admins)
	oRecs, oTitles := make([]formats.Record, len(ogRows)), make([]string, len(ogRows))
	for i, r := range ogRows {
		oRecs[i], oTitles[i] = r, r.Group
	}
	tables := []table{
		{FileUserContacts, "", formats.HeaderOf[UserContactRow](), plain(records(users))},
		{FileNewContacts, "", formats.HeaderOf[NewContactRow](), plain(records(newContacts))},
		{FileGroups, "", formats.HeaderOf[GroupRow](), plain(records(groups))},
		{FileMembers, "groups", formats.HeaderOf[MemberRow](), grouped(mRecs, mTitles)},
		{FileACLAdmins, "acl", formats.HeaderOf[MemberRow](), grouped(aRecs, aTitles)},
		{FileOGImport, "user_import_og", formats.HeaderOf[OGRow](), grouped(oRecs, oTitles)},
	}
	rev := &Review{}
	for _, r := range reviewRows {
		line, _ := parseID(r.Line)
		uid, _ := parseID(r.UserID)
		cid, _ := parseID(r.ContactID)
		rev.Items = append(rev.Items, ReviewItem{r.Kind, r.File, int(line), uid, cid, r.Detail})
	}
	w := &loader{out: out, opt: opt, review: rev}
	w.slugs = groupSlugs(civi)
	if err := w.writeAll(tables); err != nil {
		return err
	}
	if js, err := os.ReadFile(filepath.Join(dir, FileSummary)); err == nil {
		return out.File(FileSummary, js)
	}
	return nil
}

func records[T formats.Record](rows []T) []formats.Record {
	out := make([]formats.Record, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out
}
