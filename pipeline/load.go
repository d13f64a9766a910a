package pipeline

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/civisync/civisync/formats"
	"golang.org/x/text/unicode/norm"
)

// Result is everything transform produces and load writes.
type Result struct {
	Match    *Matching
	Groups   *GroupSync // nil when no OG input was given
	OGImport []OGImportRow
	Review   *Review
	Stats    []*FileStats
}

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
	OGRow struct {
		Group     string `csv:"Group"`
		Email     string `csv:"Email"`
		FirstName string `csv:"First Name"`
		LastName  string `csv:"Last Name"`
		Username  string `csv:"Username"`
	}
)

func (r UserContactRow) AppendFields(d []string) []string {
	return append(d, r.UserID, r.Username, r.Email, r.ContactID, r.Match, r.Score)
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
	m, gs := res.Match, res.Groups
	if gs == nil {
		gs = &GroupSync{}
	}
	memberRows := func(acl bool) rowsFunc {
		return func(yield func(formats.Record, int) error) error {
			var row MemberRow // reused: boxing a fresh row per line would allocate
			for _, mb := range gs.Members {
				title, status := gs.Groups[mb.Group].Name, mb.Status()
				if acl {
					if !mb.Admin {
						continue
					}
					title, status = gs.Groups[mb.Group].ACLName(), StatusAdded
				}
				row = MemberRow{title, itoa0(gs.ContactID(mb)), gs.Email(mb), status}
				if err := yield(&row, int(mb.Group)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	tables := []table{
		{FileUserContacts, "", formats.HeaderOf[UserContactRow](), func(yield func(formats.Record, int) error) error {
			var row UserContactRow
			for _, l := range m.Links {
				score := ""
				if l.Score > 0 {
					score = strconv.Itoa(l.Score)
				}
				u := &m.Users[l.User]
				row = UserContactRow{itoa0(l.UID), u.Username, u.Email, itoa0(l.ContactID), l.Match, score}
				if err := yield(&row, -1); err != nil {
					return err
				}
			}
			return nil
		}},
		{FileNewContacts, "", formats.HeaderOf[NewContactRow](), func(yield func(formats.Record, int) error) error {
			var row NewContactRow
			for _, n := range m.New {
				row = NewContactRow{"Individual", n.First, n.Last, n.Email, n.ExternalID}
				if err := yield(&row, -1); err != nil {
					return err
				}
			}
			return nil
		}},
		{FileGroups, "", formats.HeaderOf[GroupRow](), func(yield func(formats.Record, int) error) error {
			for i := range gs.Groups {
				g := &gs.Groups[i]
				if err := yield(GroupRow{g.Name, g.Name, GroupTypeMailing, g.Source}, -1); err != nil {
					return err
				}
				if err := yield(GroupRow{g.ACLName(), g.ACLName(), GroupTypeACL, g.ACLSource()}, -1); err != nil {
					return err
				}
			}
			return nil
		}},
		{FileMembers, "groups", formats.HeaderOf[MemberRow](), memberRows(false)},
		{FileACLAdmins, "acl", formats.HeaderOf[MemberRow](), memberRows(true)},
		{FileOGImport, "user_import_og", formats.HeaderOf[OGRow](), func(yield func(formats.Record, int) error) error {
			for _, r := range res.OGImport {
				if err := yield(OGRow{gs.Groups[r.Group].OGTitle, r.Email, r.First, r.Last, r.Username}, r.Group); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	w := &loader{out: out, opt: opt, review: res.Review, slugs: groupSlugs(gs.Groups)}
	if err := w.writeAll(tables); err != nil {
		return err
	}
	js, err := json.MarshalIndent(NewSummary(res), "", "  ")
	if err != nil {
		return err
	}
	return out.File(FileSummary, append(js, '\n'))
}

type loader struct {
	tick   *ticker
	out    *formats.OutputSet
	opt    LoadOptions
	review *Review
	slugs  []string
}

// writeAll writes the tables side by side, then review.csv: writing the
// others may have found formula-like cells to review. Their review items are
// merged in table order, so the file does not depend on timing.
func (w *loader) writeAll(tables []table) error {
	w.tick = &ticker{p: w.opt.Progress}
	w.tick.stage("writing", 0)
	errs := make([]error, len(tables))
	found := make([]Review, len(tables))
	rescued := make([]rescue, len(tables))
	var wg sync.WaitGroup
	for i, t := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer rescued[i].catch()
			errs[i] = w.write(t, &found[i])
		}()
	}
	wg.Wait()
	for i := range rescued {
		rescued[i].rethrow()
	}
	for i, err := range errs {
		if err != nil {
			return err
		}
		w.review.Items = append(w.review.Items, found[i].Items...)
	}
	return w.write(table{FileReview, "", formats.HeaderOf[ReviewRow](), func(yield func(formats.Record, int) error) error {
		for _, it := range w.review.Sorted() {
			if err := yield(it.Row(), -1); err != nil {
				return err
			}
		}
		return nil
	}}, nil)
}

// write writes one table whole and, with --split, one file per group.
// Formula-like cells are reported to found.
func (w *loader) write(t table, found *Review) error {
	tw, err := w.out.Table(t.base, t.header)
	if err != nil {
		return err
	}
	var part formats.TableWriter
	var buf []string
	cur := -1
	err = t.rows(func(r formats.Record, g int) error {
		buf = r.AppendFields(buf[:0])
		w.tick.tick()
		w.guard(t.base, buf, found)
		if err := tw.Write(buf); err != nil {
			return err
		}
		if !w.opt.Split || t.splitDir == "" || g < 0 {
			return nil
		}
		if g != cur {
			if part != nil {
				if err := part.Close(); err != nil {
					return err
				}
			}
			var err error
			if part, err = w.out.Table(t.splitDir+"/"+w.slugs[g], t.header); err != nil {
				return err
			}
			cur = g
		}
		return part.Write(buf)
	})
	if part != nil {
		if cerr := part.Close(); err == nil {
			err = cerr
		}
	}
	if cerr := tw.Close(); err == nil {
		err = cerr
	}
	return err
}

// guard lists (or defuses) cells a spreadsheet would take for a formula.
// XLSX cells are always stored as text, so only CSV needs it.
func (w *loader) guard(base string, rec []string, found *Review) {
	if w.out.Format() != formats.CSV || found == nil {
		return
	}
	for i, s := range rec {
		if s == "" || !strings.ContainsRune("=+-@", rune(s[0])) {
			continue
		}
		if w.opt.EscapeFormulas {
			rec[i] = "'" + s
			continue
		}
		found.Add(KindFormulaLike, Src{File: w.out.Path(base + ".csv")}, 0, 0,
			fmt.Sprintf("cell %q would run as a formula in a spreadsheet (use --escape-formulas)", s))
	}
}

// groupSlugs names split files: lower-case ASCII words joined by '-',
// accents dropped; a clash or an empty slug gets the OG id.
func groupSlugs(groups []CiviGroup) []string {
	out := make([]string, len(groups))
	used := map[string]bool{}
	for i, g := range groups {
		s := Slug(g.Name)
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
