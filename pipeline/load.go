package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
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
		*row = userLine{l.UID, u.Username, u.Email, l.ContactID, l.Match(), int(l.Score)}
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
	var js []byte
	var err error
	var r par.Rescue
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.Catch()
		js, err = marshal(&now)
	}()
	return func() ([]byte, error) {
		<-done
		r.Rethrow()
		if len(res.Review.Items) != n {
			return marshal(res)
		}
		return js, err
	}
}

type loader struct {
	tick   *ticker
	out    *formats.OutputSet
	opt    LoadOptions
	review *Review
	slugs  []string
	rows   int // rows per chunk; 0: chunkRows; < 0: no chunks, a row at a time (tests compare the two)
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
	var items []ReviewItem
	var r par.Rescue
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.Catch()
		items = w.review.Sorted()
	}()
	return func() []ReviewItem {
		<-done
		r.Rethrow()
		return items
	}
}

// writeTables writes tables, their formula-like cells looked for (guarded),
// and plain tables side by side. It returns the review items of the
// guarded tables, in table order.
func (w *loader) writeTables(guarded []table, plain ...table) ([]ReviewItem, error) {
	all := append(guarded[:len(guarded):len(guarded)], plain...)
	errs := make([]error, len(all))
	found := make([]Review, len(all))
	rescued := make([]par.Rescue, len(all))
	finding := func(i int) *Review {
		if i < len(guarded) {
			return &found[i]
		}
		return nil
	}
	var wg sync.WaitGroup
	if w.out.Format() == formats.CSV && w.rows >= 0 {
		jobs := make(chan *chunk)
		var workers sync.WaitGroup
		for range par.Workers() {
			workers.Go(func() {
				for c := range jobs {
					c.encode(w)
				}
			})
		}
		for i, t := range all {
			wg.Go(func() { errs[i] = w.writeChunked(t, finding(i), jobs, &rescued[i]) })
		}
		wg.Wait()
		close(jobs)
		workers.Wait()
	} else {
		for i, t := range all {
			wg.Go(func() {
				defer rescued[i].Catch()
				errs[i] = w.write(t, finding(i))
			})
		}
		wg.Wait()
	}
	for i := range rescued {
		rescued[i].Rethrow()
	}
	var items []ReviewItem
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		items = append(items, found[i].Items...)
	}
	return items, nil
}

// write writes one table whole and, with --split, one file per group, a row
// at a time. Formula-like cells are reported to found.
func (w *loader) write(t table, found *Review) error {
	tw, err := w.out.Table(t.base, t.header)
	if err != nil {
		return err
	}
	var part formats.TableWriter
	var buf []string
	cur, line := -1, 1
	err = t.rows(func(r formats.Record, g int) error {
		buf = r.AppendFields(buf[:0])
		w.tick.add(1)
		line++
		w.guard(t, line, buf, found)
		if err := tw.Write(buf); err != nil {
			return err
		}
		if !w.splits(t) || g < 0 {
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
	return closeTables(err, part, tw)
}

// closeTables closes a split file (nil if none) and its table, keeping the
// first error.
func closeTables(err error, part, tw formats.TableWriter) error {
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

// splits reports whether t is also written one file per group: with
// --split, and user_import_og always, since user_import adds every row of
// one import to the same OGs (SPEC §4).
func (w *loader) splits(t table) bool {
	return t.splitDir != "" && (w.opt.Split || t.base == FileOGImport)
}

// chunkRows is how many rows a chunk holds: some tens of KiB of CSV.
const chunkRows = 1024

// chunk is a run of a table's rows on their way to the file: gathered by
// the table's producer, laid out as CSV lines by a worker, written by the
// table's writer, then reused.
type chunk struct {
	base    string            // the table's
	header  []string          // the table's
	guarded bool              // look for formula-like cells
	split   bool              // record runs
	found   Review            // formula-like cells, in row order
	cells   []formats.OutCell // every row's cells, back to back
	ends    []int             // where each row's cells end
	groups  []int             // each row's group, when split
	lines   []byte            // the rows as CSV
	runs    []run             // with split: lines by group, in order
	done    chan struct{}
	rescue  par.Rescue
}

// run is a stretch of a chunk's lines whose rows share a group.
type run struct{ group, end int }

// encode lays the chunk's rows out as CSV, looking for formula-like cells.
func (c *chunk) encode(w *loader) {
	defer close(c.done)
	defer c.rescue.Catch()
	c.lines, c.runs, c.found.Items = c.lines[:0], c.runs[:0], c.found.Items[:0]
	if c.guarded {
		// One tight pass over every cell first: the first bytes of many
		// strings are fetched from memory at once, and are at hand below.
		// A cell's line is counted from the chunk's first row (see drain).
		row := 0
		for j := range c.cells {
			if s := c.cells[j].Text; s != "" && formulaStart[s[0]] {
				for j >= c.ends[row] {
					row++
				}
				start := 0
				if row > 0 {
					start = c.ends[row-1]
				}
				c.cells[j].Text = w.defuse(c.base, c.header[j-start], s, row+1, &c.found)
			}
		}
	}
	start := 0
	for i, end := range c.ends {
		rec := c.cells[start:end]
		start = end
		c.lines = formats.AppendCSVCells(c.lines, rec)
		if !c.split {
			continue
		}
		if n := len(c.runs); n > 0 && c.runs[n-1].group == c.groups[i] {
			c.runs[n-1].end = len(c.lines)
		} else {
			c.runs = append(c.runs, run{c.groups[i], len(c.lines)})
		}
	}
}

// writeChunked writes one table like write, its rows laid out as CSV by
// the workers reading jobs, in chunks. The table's rows are gathered here,
// and a goroutine writes the chunks in order as they are laid out; a few
// chunks at most are on their way at any time.
func (w *loader) writeChunked(t table, found *Review, jobs chan<- *chunk, rescued *par.Rescue) error {
	rows := w.rows
	if rows <= 0 {
		rows = chunkRows
	}
	queue := make(chan *chunk, min(2*par.Workers(), 16)) // a few MiB at most
	free := make(chan *chunk, cap(queue)+2)
	var failed par.Flag // stop gathering: the writer has failed
	var werr error
	var wrescue par.Rescue
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { // whatever happened, leave nobody waiting
			failed.Set()
			for c := range queue {
				<-c.done
			}
		}()
		defer wrescue.Catch()
		werr = w.drain(t, found, queue, free, &failed)
	}()

	var c *chunk
	var scratch []string
	send := func() {
		w.tick.add(len(c.ends))
		queue <- c
		jobs <- c
		c = nil
	}
	perr := func() (err error) {
		defer close(queue)
		defer rescued.Catch()
		err = t.rows(func(r formats.Record, g int) error {
			if failed.IsSet() {
				return errStopped
			}
			if c == nil {
				select {
				case c = <-free:
				default:
					c = &chunk{base: t.base, header: t.header, guarded: found != nil, split: w.splits(t),
						cells: make([]formats.OutCell, 0, rows*len(t.header)), ends: make([]int, 0, rows), lines: make([]byte, 0, rows*64)}
				}
				c.done = make(chan struct{})
				c.cells, c.ends, c.groups = c.cells[:0], c.ends[:0], c.groups[:0]
			}
			if cr, ok := r.(cellRecord); ok {
				c.cells = cr.appendCells(c.cells)
			} else {
				scratch = r.AppendFields(scratch[:0])
				for _, s := range scratch {
					c.cells = append(c.cells, formats.OutCell{Text: s})
				}
			}
			c.ends = append(c.ends, len(c.cells))
			if c.split {
				c.groups = append(c.groups, g)
			}
			if len(c.ends) == rows {
				send()
			}
			return nil
		})
		if c != nil && err == nil {
			send()
		}
		return err
	}()
	<-done
	if !rescued.Caught() && wrescue.Caught() {
		*rescued = wrescue
	}
	if werr != nil || errors.Is(perr, errStopped) {
		return werr
	}
	return perr
}

// errStopped ends gathering a table's rows once its writer has failed.
var errStopped = errors.New("stopped")

// drain writes the chunks of queue in order into t's file and, with
// --split, into one file per group, handing them back to free. Their
// formula-like cells go to found, in order.
func (w *loader) drain(t table, found *Review, queue <-chan *chunk, free chan<- *chunk, failed *par.Flag) error {
	tw, err := w.out.Table(t.base, t.header)
	if err != nil {
		failed.Set()
		return err
	}
	lw := tw.(formats.LinesWriter)
	var part formats.LinesWriter
	cur, lines := -1, 1 // the lines written, the header's included
	for c := range queue {
		<-c.done
		if c.rescue.Caught() {
			failed.Set()
			c.rescue.Rethrow()
		}
		if found != nil {
			for _, it := range c.found.Items {
				it.Line += lines
				found.Items = append(found.Items, it)
			}
		}
		lines += len(c.ends)
		if err == nil {
			err = w.writeChunk(t, c, lw, &part, &cur)
			if err != nil {
				failed.Set()
			}
		}
		select {
		case free <- c:
		default:
		}
	}
	return closeTables(err, part, tw)
}

// writeChunk writes one laid-out chunk to the table and its split files.
// A group's split file is opened when its rows start and closed when
// another group's start, as write does.
func (w *loader) writeChunk(t table, c *chunk, tw formats.LinesWriter, part *formats.LinesWriter, cur *int) error {
	if err := tw.WriteLines(c.lines); err != nil {
		return err
	}
	start := 0
	for _, r := range c.runs {
		lines := c.lines[start:r.end]
		start = r.end
		if r.group < 0 {
			continue
		}
		if r.group != *cur {
			if *part != nil {
				err := (*part).Close()
				*part = nil
				if err != nil {
					return err
				}
			}
			p, err := w.out.Table(t.splitDir+"/"+w.slugs[r.group], t.header)
			if err != nil {
				return err
			}
			*part, *cur = p.(formats.LinesWriter), r.group
		}
		if err := (*part).WriteLines(lines); err != nil {
			return err
		}
	}
	return nil
}

// formulaStart marks the characters a spreadsheet starts a formula with.
var formulaStart = [256]bool{'=': true, '+': true, '-': true, '@': true}

// guard lists (or defuses) the cells of row rec, at line of table t, that
// a spreadsheet would take for a formula; found is nil for tables it need
// not look at. XLSX cells are always stored as text, so only CSV needs it.
func (w *loader) guard(t table, line int, rec []string, found *Review) {
	if found == nil || w.out.Format() != formats.CSV {
		return
	}
	for i, s := range rec {
		if s != "" && formulaStart[s[0]] {
			rec[i] = w.defuse(t.base, t.header[i], s, line, found)
		}
	}
}

// defuse takes a formula-like cell of table base, in column col at line:
// escaped with --escape-formulas, else reported to found as it is, once
// (a cell also copied into a --split file is the same cell). E-mails and
// ids are never escaped: an importer would store the quote as part of the
// address or the id, so they are reported either way.
func (w *loader) defuse(base, col, s string, line int, found *Review) string {
	src := Src{File: w.out.Path(base + ".csv"), Line: line}
	if keptAsIs(col) {
		found.Add(KindFormulaLike, src, 0, 0, fmt.Sprintf("%s %q would run as a formula in a spreadsheet; an e-mail or id is never escaped (an import would keep the quote): check it", col, s))
		return s
	}
	if w.opt.EscapeFormulas {
		return "'" + s
	}
	found.Add(KindFormulaLike, src, 0, 0, fmt.Sprintf("%s %q would run as a formula in a spreadsheet (use --escape-formulas)", col, s))
	return s
}

// keptAsIs reports whether an output column holds e-mails or ids, which
// --escape-formulas leaves as they are.
func keptAsIs(col string) bool {
	return col == "Email" || col == "External Identifier" || strings.HasSuffix(col, " ID")
}

// cellRecord is a Record that also gives its fields as cells. The cells
// must lay out as its fields do (TestLoadChunked).
type cellRecord interface {
	formats.Record
	appendCells(dst []formats.OutCell) []formats.OutCell
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
	return UserContactRow{itoa0(r.uid), r.username, r.email, itoa0(r.contactID), r.match, score}.AppendFields(d)
}

func (r *userLine) appendCells(d []formats.OutCell) []formats.OutCell {
	return append(d, formats.IDCell(r.uid), formats.OutCell{Text: r.username}, formats.OutCell{Text: r.email}, formats.IDCell(r.contactID), formats.OutCell{Text: r.match}, formats.OutCell{ID: int64(max(r.score, 0))})
}

func (r *memberLine) AppendFields(d []string) []string {
	return MemberRow{r.title, itoa0(r.contactID), r.email, r.status}.AppendFields(d)
}

func (r *memberLine) appendCells(d []formats.OutCell) []formats.OutCell {
	return append(d, formats.OutCell{Text: r.title}, formats.IDCell(r.contactID), formats.OutCell{Text: r.email}, formats.OutCell{Text: r.status})
}

func (r *reviewLine) AppendFields(d []string) []string { return ReviewItem(*r).Row().AppendFields(d) }

func (r *reviewLine) appendCells(d []formats.OutCell) []formats.OutCell {
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
