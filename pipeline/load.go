package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/par"
	"golang.org/x/text/unicode/norm"
)

// Output layouts. Column titles are CiviCRM's field titles, so the import
// wizard maps them by itself.
type (
	UserContactRow struct {
		UserID    string `csv:"User ID"`
		Username  string `csv:"Username"`
		Email     string `csv:"Email"`
		ContactID string `csv:"Contact ID"`
		Match     string `csv:"Match"`
		Score     string `csv:"Rule Score"`
		Fields    string `csv:"Matched Fields"` // the rule's fields that matched
	}
	NewContactRow struct {
		ContactType string `csv:"Contact Type"`
		FirstName   string `csv:"First Name"`
		LastName    string `csv:"Last Name"`
		Email       string `csv:"Email"`
		ExternalID  string `csv:"External Identifier"`
	}
	GroupRow struct {
		Name      string `csv:"Name"`
		Title     string `csv:"Title"`
		GroupType string `csv:"Group Type"`
		Source    string `csv:"Source"`
	}
	MemberRow struct {
		GroupTitle string `csv:"Group Title"`
		ContactID  string `csv:"Contact ID"`
		Email      string `csv:"Email"`
		Status     string `csv:"Status"`
	}
	PossibleDuplicateRow struct {
		UserID    string `csv:"User ID"`
		ContactID string `csv:"Contact ID"`
		Score     string `csv:"Score"`
		Why       string `csv:"Why"`
	}
	OGRow struct {
		Group     string `csv:"Group"`
		Email     string `csv:"Email"`
		FirstName string `csv:"First Name"`
		LastName  string `csv:"Last Name"`
		Username  string `csv:"Username"`
	}
)

func (r UserContactRow) AppendFields(d []string) []string {
	return append(d, r.UserID, r.Username, r.Email, r.ContactID, r.Match, r.Score, r.Fields)
}
func (r NewContactRow) AppendFields(d []string) []string {
	return append(d, r.ContactType, r.FirstName, r.LastName, r.Email, r.ExternalID)
}
func (r GroupRow) AppendFields(d []string) []string {
	return append(d, r.Name, r.Title, r.GroupType, r.Source)
}
func (r MemberRow) AppendFields(d []string) []string {
	return append(d, r.GroupTitle, r.ContactID, r.Email, r.Status)
}
func (r PossibleDuplicateRow) AppendFields(d []string) []string {
	return append(d, r.UserID, r.ContactID, r.Score, r.Why)
}
func (r OGRow) AppendFields(d []string) []string {
	return append(d, r.Group, r.Email, r.FirstName, r.LastName, r.Username)
}

// Output base names.
const (
	FileUserContacts = "user_contacts"
	FileNewContacts  = "new_contacts"
	FileGroups       = "groups"
	FileMembers      = "group_members"
	FileACLAdmins    = "acl_admins"
	FileOGImport     = "user_import_og"
	FileReview       = "review"
	FileDuplicates   = "possible_duplicates"
	FileSummary      = "summary.json"
)

// LoadOptions steer how outputs are written.
type LoadOptions struct {
	Split          bool     // one file per group under groups/, acl/, user_import_og/
	EscapeFormulas bool     // prefix cells a spreadsheet would run with '
	Progress       Progress // nil: nobody listens
}

// rowsFunc yields a table's rows; group is an index into the split slugs
// (-1: none). Rows of one group come together.
type rowsFunc func(yield func(r formats.Record, group int) error) error

// table is one output table.
type table struct {
	base     string
	splitDir string // "" when the table is never split
	header   []string
	rows     rowsFunc
}

// Load writes the result into the output set. Nothing is moved into place
// here: the caller commits the set once everything succeeded.
func Load(res *Result, out *formats.OutputSet, opt LoadOptions) error {
	return (&loader{out: out, opt: opt}).load(res)
}

func (w *loader) load(res *Result) error {
	m, gs := res.Match, res.Groups
	if gs == nil {
		gs = &GroupSync{}
	}
	tables := []table{
		{FileUserContacts, "", formats.HeaderOf[UserContactRow](), userContactRows(m)},
		{FileNewContacts, "", formats.HeaderOf[NewContactRow](), newContactRows(m)},
		{FileGroups, "", formats.HeaderOf[GroupRow](), groupRows(gs)},
		{FileMembers, "groups", formats.HeaderOf[MemberRow](), memberRows(gs, false)},
		{FileACLAdmins, "acl", formats.HeaderOf[MemberRow](), memberRows(gs, true)},
		{FileOGImport, "user_import_og", formats.HeaderOf[OGRow](), ogImportRows(res.OGImport, gs)},
		{FileDuplicates, "", formats.HeaderOf[PossibleDuplicateRow](), duplicateRows(res.Suggestions)},
	}
	w.review = res.Review
	w.slugs = groupSlugs(gs.Groups)
	summary := summarize(res)
	api4 := w.api4(api4Of(res.Match, gs))
	if err := errors.Join(w.writeAll(tables), api4()); err != nil {
		return err
	}
	js, err := summary()
	if err != nil {
		return err
	}
	return w.out.File(FileSummary, js)
}

// userContactRows are user_contacts.csv: every checked user's link.
func userContactRows(m *Matching) rowsFunc {
	return tableRows(m.Links, func(l *Link, row *userLine) int {
		u := &m.Users[l.User]
		*row = userLine{l.UID, u.Username, u.Email, l.ContactID, m.MatchOf(l), int(l.Score), m.FieldsOf(l)}
		return -1
	})
}

// duplicateRows are possible_duplicates.csv: the likely duplicates, by
// user, best first.
func duplicateRows(sugg []Suggestion) rowsFunc {
	return tableRows(sugg, func(s *Suggestion, row *PossibleDuplicateRow) int {
		*row = PossibleDuplicateRow{itoa0(s.UID), itoa0(s.ContactID), strconv.Itoa(s.Score), s.Why}
		return -1
	})
}

// newContactRows are new_contacts.csv, for CiviCRM's Import Contacts.
func newContactRows(m *Matching) rowsFunc {
	return tableRows(m.New, func(n *NewContact, row *NewContactRow) int {
		*row = NewContactRow{"Individual", n.First, n.Last, n.Email, n.ExternalID}
		return -1
	})
}

// tableRows yields a row per item, each filled by fill, which returns the
// row's group (-1: none). The row is reused: boxing a fresh row per line
// would allocate.
func tableRows[T, R any, P interface {
	*R
	formats.Record
}](items []T, fill func(*T, P) int) rowsFunc {
	return func(yield func(formats.Record, int) error) error {
		var row R
		for i := range items {
			g := fill(&items[i], &row)
			if err := yield(P(&row), g); err != nil {
				return err
			}
		}
		return nil
	}
}

// groupRows are groups.csv: each OG's normal group, then its ACL group.
func groupRows(gs *GroupSync) rowsFunc {
	return func(yield func(formats.Record, int) error) error {
		var row GroupRow
		for i := range gs.Groups {
			g := &gs.Groups[i]
			row = GroupRow{g.Name, g.Title(), GroupTypeMailing, g.Source}
			if err := yield(&row, -1); err != nil {
				return err
			}
			acl := g.ACLName()
			row = GroupRow{acl, acl, GroupTypeACL, g.ACLSource()}
			if err := yield(&row, -1); err != nil {
				return err
			}
		}
		return nil
	}
}

// memberRows are group_members.csv, or with acl acl_admins.csv: the
// admins, Added to the ACL groups.
func memberRows(gs *GroupSync, acl bool) rowsFunc {
	return func(yield func(formats.Record, int) error) error {
		members := gs.Members
		var row memberLine
		aclGroup, aclName := int32(-1), ""
		// The new contacts' e-mails are scattered in memory: fetched a
		// block at a time in a tight loop, many are on their way at once.
		var emails [256]string
		for len(members) > 0 {
			block := members[:min(len(emails), len(members))]
			members = members[len(block):]
			for k, mb := range block {
				if !acl || mb.Admin {
					emails[k] = gs.Email(mb)
				}
			}
			for k, mb := range block {
				title, status := gs.Groups[mb.Group].Title(), mb.Status()
				if acl {
					if !mb.Admin {
						continue
					}
					if mb.Group != aclGroup {
						aclGroup, aclName = mb.Group, gs.Groups[mb.Group].ACLName()
					}
					title, status = aclName, StatusAdded
				}
				row = memberLine{title, gs.ContactID(mb), emails[k], status}
				if err := yield(&row, int(mb.Group)); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// ogImportRows are user_import_og.csv, by group.
func ogImportRows(rows []OGImportRow, gs *GroupSync) rowsFunc {
	return tableRows(rows, func(r *OGImportRow, row *OGRow) int {
		*row = OGRow{gs.Groups[r.Group].OGTitle, r.Email, r.First, r.Last, r.Username}
		return r.Group
	})
}

// summarize makes summary.json in the background, while the tables are
// written, from the review items there are now; the function it returns
// waits for it, and makes it again if writing added review items.
func summarize(res *Result) func() ([]byte, error) {
	marshal := func(res *Result) ([]byte, error) {
		js, err := json.MarshalIndent(NewSummary(res), "", "  ")
		return append(js, '\n'), err
	}
	n := len(res.Review.Items)
	now := *res
	now.Review = &Review{Items: res.Review.Items[:n:n]} // items added meanwhile go past n
	type marshalled struct {
		js  []byte
		err error
	}
	wait := par.Background(func() marshalled {
		js, err := marshal(&now)
		return marshalled{js, err}
	})
	return func() ([]byte, error) {
		m := wait()
		if len(res.Review.Items) != n {
			return marshal(res)
		}
		return m.js, m.err
	}
}

type loader struct {
	tick   *ticker
	out    *formats.OutputSet
	opt    LoadOptions
	review *Review
	slugs  []string
	rows   int // rows per chunk; 0: the default; < 0: no chunks, a row at a time (tests compare the two)
}

// writeAll writes the tables and review.csv side by side. Writing the
// tables may find formula-like cells to review, seldom: then review.csv is
// written again, their items merged in table order, so the file does not
// depend on timing. Its items are sorted meanwhile.
func (w *loader) writeAll(tables []table) error {
	w.tick = &ticker{p: w.opt.Progress}
	w.tick.stage("writing", 0)
	sorted := w.sortReview()
	review := func(items func() []ReviewItem) table {
		return table{FileReview, "", formats.HeaderOf[ReviewRow](), func(yield func(formats.Record, int) error) error {
			items := items()
			for i := range items {
				if err := yield((*reviewLine)(&items[i]), -1); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	found, err := w.writeTables(tables, review(sorted))
	if err != nil || len(found) == 0 {
		return err
	}
	sorted() // done with the items: they may grow
	w.review.Items = append(w.review.Items, found...)
	items := w.review.Sorted()
	_, err = w.writeTables(nil, review(func() []ReviewItem { return items }))
	return err
}

// sortReview sorts the review items in the background; the function it
// returns waits for them. Nobody may add items meanwhile.
func (w *loader) sortReview() func() []ReviewItem {
	return par.Background(func() []ReviewItem { return w.review.Sorted() })
}

// writeTables writes tables, their formula-like cells looked for (guarded),
// and plain tables side by side. It returns the review items of the
// guarded tables, in table order.
func (w *loader) writeTables(guarded []table, plain ...table) ([]ReviewItem, error) {
	all := append(guarded[:len(guarded):len(guarded)], plain...)
	found := make([]Review, len(guarded))
	tables := make([]formats.Table, len(all))
	for i, t := range all {
		tables[i] = formats.Table{Base: t.base, Header: t.header, Rows: t.rows}
		if w.splits(t) {
			tables[i].SplitDir = t.splitDir
		}
		if i < len(guarded) {
			tables[i].Formula = func(f formats.FormulaCell) { w.formulaLike(t, f, &found[i]) }
		}
	}
	opt := formats.TablesOptions{Slugs: w.slugs, EscapeFormulas: w.opt.EscapeFormulas, KeepAsIs: keptAsIs,
		ChunkRows: w.rows, Progress: w.tick.add}
	if err := w.out.WriteTables(opt, tables...); err != nil {
		return nil, err
	}
	var items []ReviewItem
	for i := range found {
		items = append(items, found[i].Items...)
	}
	return items, nil
}

// formulaLike reports a cell that a spreadsheet would run as a formula,
// left as it is: once per cell (a cell also copied into a --split file is
// the same cell), with its line and column. E-mails and ids are never
// escaped: an importer would store the quote as part of the address or
// the id, so they are reported either way.
func (w *loader) formulaLike(t table, f formats.FormulaCell, found *Review) {
	col := t.header[f.Column]
	src := Src{File: w.out.Path(t.base + ".csv"), Line: f.Line}
	if keptAsIs(col) {
		found.Add(KindFormulaLike, src, 0, 0, fmt.Sprintf("%s %q would run as a formula in a spreadsheet; an e-mail or id is never escaped (an import would keep the quote): check it", col, f.Text))
		return
	}
	found.Add(KindFormulaLike, src, 0, 0, fmt.Sprintf("%s %q would run as a formula in a spreadsheet (use --escape-formulas)", col, f.Text))
}

// keptAsIs reports whether an output column holds e-mails or ids, which
// --escape-formulas leaves as they are.
func keptAsIs(col string) bool {
	return col == "Email" || col == "External Identifier" || strings.HasSuffix(col, " ID")
}

// splits reports whether t is also written one file per group: with
// --split, and user_import_og always, since user_import adds every row of
// one import to the same OGs (SPEC §4).
func (w *loader) splits(t table) bool {
	return t.splitDir != "" && (w.opt.Split || t.base == FileOGImport)
}

// userLine is a row of user_contacts.csv, memberLine one of
// group_members.csv and acl_admins.csv, reviewLine one of review.csv: the
// rows of the big tables, their ids kept as numbers.
type (
	userLine struct {
		uid       int64
		username  string
		email     string
		contactID int64
		match     string
		score     int
		fields    string
	}
	memberLine struct {
		title     string
		contactID int64
		email     string
		status    string
	}
	reviewLine ReviewItem
)

func (r *userLine) AppendFields(d []string) []string {
	score := ""
	if r.score > 0 {
		score = strconv.Itoa(r.score)
	}
	return UserContactRow{itoa0(r.uid), r.username, r.email, itoa0(r.contactID), r.match, score, r.fields}.AppendFields(d)
}

func (r *userLine) AppendCells(d []formats.OutCell) []formats.OutCell {
	return append(d, formats.IDCell(r.uid), formats.OutCell{Text: r.username}, formats.OutCell{Text: r.email}, formats.IDCell(r.contactID), formats.OutCell{Text: r.match}, formats.OutCell{ID: int64(max(r.score, 0))}, formats.OutCell{Text: r.fields})
}

func (r *memberLine) AppendFields(d []string) []string {
	return MemberRow{r.title, itoa0(r.contactID), r.email, r.status}.AppendFields(d)
}

func (r *memberLine) AppendCells(d []formats.OutCell) []formats.OutCell {
	return append(d, formats.OutCell{Text: r.title}, formats.IDCell(r.contactID), formats.OutCell{Text: r.email}, formats.OutCell{Text: r.status})
}

func (r *reviewLine) AppendFields(d []string) []string { return ReviewItem(*r).Row().AppendFields(d) }

func (r *reviewLine) AppendCells(d []formats.OutCell) []formats.OutCell {
	return append(d, formats.OutCell{Text: r.Kind}, formats.OutCell{Text: r.File}, formats.IDCell(int64(r.Line)), formats.IDCell(r.UID), formats.IDCell(r.ContactID), formats.OutCell{Text: r.Detail})
}

// add reports n rows done at once: to the listener, as n ticks would.
func (t *ticker) add(n int) {
	if t == nil || t.p == nil || n == 0 {
		return
	}
	after := t.n.Add(int64(n))
	if k := after/tickEvery - (after-int64(n))/tickEvery; k > 0 {
		t.p.Add(int(k * tickEvery))
	}
}

// groupSlugs names split files: lower-case ASCII words joined by '-',
// accents dropped; a clash or an empty slug gets the OG id.
func groupSlugs(groups []CiviGroup) []string {
	out := make([]string, len(groups))
	used := map[string]bool{}
	for i := range groups {
		g := &groups[i]
		s := Slug(g.Title()) // SPEC §5: a slug of the title (Drupal 6: the whole OG title)
		if s == "" || used[s] {
			id := g.GID
			if id == "" {
				id = strconv.Itoa(i + 1)
			}
			if s == "" {
				s = "group-" + id
			} else {
				s += "-" + id
			}
		}
		used[s] = true
		out[i] = s
	}
	return out
}

// Slug makes a filesystem-safe file name from a title.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	return s
}
