package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline"
)

// The output files a report is built from (SPEC §5), by base name.
const (
	fileSummary    = pipeline.FileSummary
	fileUsers      = pipeline.FileUserContacts
	fileNew        = pipeline.FileNewContacts
	fileGroups     = pipeline.FileGroups
	fileMembers    = pipeline.FileMembers
	fileAdmins     = pipeline.FileACLAdmins
	fileOGImport   = pipeline.FileOGImport
	fileReview     = pipeline.FileReview
	fileDuplicates = "possible_duplicates"
	// FileName is the report's own name in the output folder.
	FileName = "report.html"

	aclSuffix  = pipeline.ACLSuffix
	aclType    = pipeline.GroupTypeACL
	maxDetails = 1 << 16 // distinct texts kept in a string table; the rest are written out in place
)

// Source says where an output file of a run is: a finished output folder
// (Dir), or the temporary folder of an output set still being written.
type Source func(rel string) string

// Dir is the source of a finished output folder.
func Dir(dir string) Source { return func(rel string) string { return filepath.Join(dir, rel) } }

// summary is what the report takes from summary.json.
type summary struct {
	Checked int    `json:"users_checked"`
	Found   int    `json:"contacts_found"`
	Created int    `json:"contacts_created"`
	Skipped int    `json:"users_skipped"`
	Text    string `json:"summary"`
	Groups  []struct {
		Title string `json:"title"`
		OGID  string `json:"og_id"`
	} `json:"groups"`
	Files []FileStats `json:"files"`
}

// FileStats is one input file's row counts, as summary.json gives them.
type FileStats struct {
	File     string `json:"file"`
	Read     int    `json:"rows_read"`
	Used     int    `json:"rows_used"`
	Reviewed int    `json:"rows_reviewed"`
	Skipped  int    `json:"rows_skipped"`
}

// table is one output table found in the source, with its file name as a
// person sees it (user_contacts.csv or .xlsx).
type table struct {
	name string
	path string
	rows int
}

// data is everything the page shows.
type data struct {
	summary    summary
	hasSummary bool
	tables     map[string]*table // by base name; only those that exist
	matches    []count           // Match column of user_contacts, in the order of the chart
	reviewKind []count
	groups     []*groupRow
	pending    int
	splitDirs  map[string]bool
	review     []byte // JSON: the review items, see report.js
	dups       []byte // JSON: the likely duplicates; nil without the file
}

type count struct {
	Name string
	N    int
}

type groupRow struct {
	Title   string
	OGID    string
	Members int // Added
	Pending int
	Admins  int
	ToAdd   int // user_import_og rows
}

// gather reads the output files, streaming each; the review and
// duplicates tables become JSON as they are read.
func gather(src Source) (*data, error) {
	d := &data{tables: map[string]*table{}, splitDirs: map[string]bool{}}
	js, err := os.ReadFile(src(fileSummary))
	switch {
	case err == nil:
		if err := json.Unmarshal(js, &d.summary); err != nil {
			return nil, &formats.Error{File: src(fileSummary), Err: fmt.Errorf("%w: %w", formats.ErrBadFile, err)}
		}
		d.hasSummary = true
	case !errors.Is(err, os.ErrNotExist):
		return nil, &formats.Error{File: src(fileSummary), Err: fmt.Errorf("%w: %w", formats.ErrBadFile, err)}
	}
	for _, base := range []string{fileUsers, fileNew, fileGroups, fileMembers, fileAdmins, fileOGImport, fileReview, fileDuplicates} {
		for _, ext := range []string{".csv", ".xlsx"} {
			if st, err := os.Stat(src(base + ext)); err == nil && st.Mode().IsRegular() {
				d.tables[base] = &table{name: base + ext, path: src(base + ext)}
				break
			}
		}
	}
	if d.tables[fileUsers] == nil && d.tables[fileReview] == nil && !d.hasSummary {
		return nil, &formats.Error{File: src(""), Err: fmt.Errorf("%w: no civisync outputs here (summary.json, user_contacts.csv, review.csv)", formats.ErrBadFile)}
	}
	for _, dir := range []string{"groups", "acl", "user_import_og", "api4"} {
		if st, err := os.Stat(src(dir)); err == nil && st.IsDir() {
			d.splitDirs[dir] = true
		}
	}

	// The tables are independent: read side by side.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	var members, admins, ogRows *tally
	var groupList []groupRow
	run(d.readMatches)
	run(func() error { return d.count(fileNew) })
	run(func() (err error) { groupList, err = d.readGroups(); return })
	run(func() (err error) { members, err = d.perGroup(fileMembers, "Group Title", "Status"); return })
	run(func() (err error) { admins, err = d.perGroup(fileAdmins, "Group Title", ""); return })
	run(func() (err error) { ogRows, err = d.perGroup(fileOGImport, "Group", ""); return })
	run(d.readReview)
	run(d.readDuplicates)
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	d.joinGroups(groupList, members, admins, ogRows)
	return d, nil
}

// rows streams a table's rows, giving the columns asked for by header
// (case-insensitive; a missing one reads as ""). Cells hold only until the
// next row.
func (d *data) rows(base string, columns []string, each func(cells []string)) error {
	t := d.tables[base]
	if t == nil {
		return nil
	}
	r, err := formats.Open(t.path, formats.Options{ReuseBuffer: func([]string) bool { return true }})
	if err != nil {
		return err
	}
	defer r.Close()
	at := make([]int, len(columns))
	for i, c := range columns {
		at[i] = -1
		for j, h := range r.Header() {
			if strings.EqualFold(strings.TrimSpace(h), c) {
				at[i] = j
				break
			}
		}
	}
	cells := make([]string, len(columns))
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if errors.Is(err, formats.ErrBadRow) {
			continue // an edited file's broken row: the others still count
		}
		if err != nil {
			return err
		}
		t.rows++
		for i, j := range at {
			cells[i] = ""
			if j >= 0 && j < len(rec) {
				cells[i] = rec[j]
			}
		}
		each(cells)
	}
}

func (d *data) count(base string) error { return d.rows(base, nil, func([]string) {}) }

// matchOrder is the chart's order: existing contacts first, then new ones,
// then users without a contact of their own. Rule names go after email.
var matchOrder = map[string]int{"linked": 0, "email": 1, "new": 3, "shared": 4, "none": 5}

func (d *data) readMatches() error {
	var n tally
	err := d.rows(fileUsers, []string{"Match"}, func(c []string) { n.at(c[0])[0]++ })
	for _, name := range n.names {
		d.matches = append(d.matches, count{name, n.at(name)[0]})
	}
	rank := func(s string) int {
		if r, ok := matchOrder[s]; ok {
			return r
		}
		return 2
	}
	sortCounts(d.matches, func(a, b count) bool {
		if rank(a.Name) != rank(b.Name) {
			return rank(a.Name) < rank(b.Name)
		}
		return a.Name < b.Name
	})
	return err
}

func (d *data) readGroups() ([]groupRow, error) {
	var gs []groupRow
	err := d.rows(fileGroups, []string{"Title", "Name", "Group Type", "Source"}, func(c []string) {
		if c[2] == aclType {
			return
		}
		title := c[0]
		if title == "" {
			title = c[1]
		}
		g := groupRow{Title: strings.Clone(title)}
		if i := strings.LastIndex(c[3], ":"); i > 0 {
			if j := strings.LastIndex(c[3][:i], ":"); j >= 0 {
				g.OGID = strings.Clone(c[3][j+1 : i])
			}
		}
		gs = append(gs, g)
	})
	return gs, err
}

// perGroup counts a table's rows by group title: [0] all rows, [1] rows
// whose status column says Pending.
func (d *data) perGroup(base, titleCol, statusCol string) (*tally, error) {
	n := &tally{}
	last, lastAt := "", -1 // a group's rows come together: one lookup per group
	err := d.rows(base, []string{titleCol, statusCol}, func(c []string) {
		title := strings.TrimSuffix(c[0], aclSuffix)
		if lastAt < 0 || title != last {
			n.at(title)
			lastAt = n.index[title]
			last = n.names[lastAt]
		}
		k := &n.counts[lastAt]
		k[0]++
		if strings.EqualFold(c[1], "Pending") {
			k[1]++
		}
	})
	return n, err
}

// tally counts by name. Names come from borrowed cells: a map assignment
// may store the key it is given, so only a copy is ever assigned.
type tally struct {
	index  map[string]int
	names  []string
	counts [][2]int
}

func (t *tally) at(name string) *[2]int {
	i, ok := t.index[name]
	if !ok {
		if t.index == nil {
			t.index = map[string]int{}
		}
		i = len(t.names)
		name = strings.Clone(name)
		t.index[name] = i
		t.names = append(t.names, name)
		t.counts = append(t.counts, [2]int{})
	}
	return &t.counts[i]
}

// joinGroups makes the per-group table: groups.csv's members groups, with
// the rows of the membership files counted under them. user_import_og.csv
// names a group by the OG's own title, which may be longer than the cut
// group name; a title no group has is still shown.
func (d *data) joinGroups(list []groupRow, members, admins, ogRows *tally) {
	index := map[string]*groupRow{}
	add := func(title string) *groupRow {
		if g := index[strings.ToLower(title)]; g != nil {
			return g
		}
		g := &groupRow{Title: title}
		d.groups = append(d.groups, g)
		index[strings.ToLower(title)] = g
		return g
	}
	for i := range list {
		g := list[i]
		if index[strings.ToLower(g.Title)] != nil {
			continue
		}
		p := &g
		d.groups = append(d.groups, p)
		index[strings.ToLower(g.Title)] = p
	}
	for i, title := range members.names {
		g := add(title)
		g.Members, g.Pending = members.counts[i][0]-members.counts[i][1], members.counts[i][1]
		d.pending += g.Pending
	}
	for i, title := range admins.names {
		add(title).Admins = admins.counts[i][0]
	}
	for i, title := range ogRows.names {
		g := index[strings.ToLower(title)]
		if g == nil {
			g = index[strings.ToLower(pipeline.CutName(title))]
		}
		if g == nil {
			g = add(title)
		}
		g.ToAdd += ogRows.counts[i][0]
	}
}

// jsonList writes a JSON array of rows; strings go through a string table
// (texts repeat: a kind, a file, a detail written the same way for
// thousands of rows), numbers are written as numbers.
type jsonList struct {
	buf     []byte
	n       int
	strings map[string]int
	table   []string
	nums    []string // scratch for ref
	tmpl    []byte   // scratch for ref
	// templates: ref keeps texts with numbers as templates (details,
	// not kinds or file names)
	templates bool
}

func (l *jsonList) begin() {
	if l.n > 0 {
		l.buf = append(l.buf, ',')
	}
	l.buf = append(l.buf, '[')
	l.n++
}

func (l *jsonList) end() { l.buf = append(l.buf, ']') }

func (l *jsonList) sep(first bool) {
	if !first {
		l.buf = append(l.buf, ',')
	}
}

// num writes a plain integer cell as a number, anything else as a string.
func (l *jsonList) num(s string) {
	if s != "" && len(s) < 16 && (s == "0" || s[0] != '0') {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			l.buf = append(l.buf, s...)
			return
		}
	}
	l.str(s)
}

func (l *jsonList) str(s string) { l.buf = appendJSONString(l.buf, s) }

// ref writes s as an index into the string table, or in place once the
// table is full. A text with numbers in it (a user id, a line) is kept as
// a template, the numbers replaced by U+0000, and written as
// [template, "n1", "n2" ...]: "contact 9 with this e-mail …" and
// "contact 5 with this e-mail …" share one entry.
func (l *jsonList) ref(s string) {
	if i, ok := l.strings[s]; ok {
		l.buf = strconv.AppendInt(l.buf, int64(i), 10)
		return
	}
	if !l.templates {
		// a kind or a file name: as it is
	} else if tmpl, nums := numberTemplate(l.tmpl[:0], s, l.nums[:0]); len(nums) > 0 {
		l.tmpl, l.nums = tmpl, nums
		i, ok := l.strings[string(tmpl)] // no copy made for a lookup
		if !ok && len(l.table) < maxDetails {
			i, ok = l.intern(string(tmpl)), true
		}
		if ok {
			l.buf = strconv.AppendInt(append(l.buf, '['), int64(i), 10)
			for _, n := range nums {
				l.buf = append(l.buf, ',', '"')
				l.buf = append(l.buf, n...)
				l.buf = append(l.buf, '"')
			}
			l.buf = append(l.buf, ']')
			return
		}
	}
	if len(l.table) >= maxDetails {
		l.str(s)
		return
	}
	l.buf = strconv.AppendInt(l.buf, int64(l.intern(s)), 10)
}

func (l *jsonList) intern(s string) int {
	if l.strings == nil {
		l.strings = map[string]int{}
	}
	s = strings.Clone(s)
	l.strings[s] = len(l.table)
	l.table = append(l.table, s)
	return len(l.table) - 1
}

// numberTemplate appends s to dst with each run of ASCII digits replaced
// by U+0000, and returns the runs; none when s has no digits or a U+0000
// of its own (the template would be ambiguous).
func numberTemplate(dst []byte, s string, nums []string) ([]byte, []string) {
	if strings.IndexAny(s, "0123456789") < 0 || strings.IndexByte(s, 0) >= 0 {
		return dst, nil
	}
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			dst = append(dst, s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		nums = append(nums, s[i:j])
		dst = append(dst, 0)
		i = j
	}
	return dst, nums
}

// done is {"strings":[...],"rows":[...]}.
func (l *jsonList) done() []byte {
	out := []byte(`{"strings":[`)
	for i, s := range l.table {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, s)
	}
	out = append(out, `],"rows":[`...)
	out = append(out, l.buf...)
	return append(out, "]}"...)
}

// appendJSONString writes s as a JSON string safe inside an HTML <script>
// element: < > & and the JavaScript line separators are escaped, as
// encoding/json does.
func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // never fails for a string; invalid UTF-8 becomes U+FFFD
	return append(dst, b...)
}

func (d *data) readReview() error {
	var l jsonList
	var kinds tally
	err := d.rows(fileReview, []string{"Kind", "File", "Line", "User ID", "Contact ID", "Detail"}, func(c []string) {
		kinds.at(c[0])[0]++
		l.begin()
		l.templates = false
		l.ref(c[0])
		l.sep(false)
		l.ref(c[1])
		for _, s := range c[2:5] {
			l.sep(false)
			l.num(s)
		}
		l.sep(false)
		l.templates = true
		l.ref(c[5])
		l.end()
	})
	for _, k := range kinds.names {
		d.reviewKind = append(d.reviewKind, count{k, kinds.at(k)[0]})
	}
	sortCounts(d.reviewKind, func(a, b count) bool {
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Name < b.Name
	})
	d.review = l.done()
	return err
}

func (d *data) readDuplicates() error {
	if d.tables[fileDuplicates] == nil {
		return nil
	}
	l := jsonList{templates: true}
	err := d.rows(fileDuplicates, []string{"User ID", "Contact ID", "Score", "Why"}, func(c []string) {
		l.begin()
		l.num(c[0])
		l.sep(false)
		l.num(c[1])
		l.sep(false)
		l.num(c[2])
		l.sep(false)
		l.ref(c[3])
		l.end()
	})
	d.dups = l.done()
	return err
}

func sortCounts(cs []count, less func(a, b count) bool) {
	sort.SliceStable(cs, func(i, j int) bool { return less(cs[i], cs[j]) })
}
