package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/mem"
	"github.com/civisync/civisync/pipeline/internal/par"
	"github.com/civisync/civisync/pipeline/internal/rows"
)

// Input names one input file and how to read it.
type Input struct {
	Path string
	Read formats.Options
}

// FileStats accounts for every row of one input: Read = Used + Reviewed + Skipped.
type FileStats struct {
	File     string `json:"file"`
	Read     int    `json:"rows_read"`
	Used     int    `json:"rows_used"`
	Reviewed int    `json:"rows_reviewed"`
	Skipped  int    `json:"rows_skipped"` // silently left out by the spec: anonymous user, node rows
}

// Extractor reads inputs into the domain. Bad rows go to Review, or end the
// run when Strict is set.
type Extractor struct {
	progress  *ticker
	Overrides formats.Overrides
	Strict    bool
	Review    *Review
	Stats     []*FileStats
	// supplied are the rule fields the last users or contacts file read
	// has columns for (a rule needing others cannot run).
	supplied map[string]bool
	// reviewedLines are, per file, the lines of the rows counted as
	// reviewed (see settleRows).
	reviewedLines map[*FileStats]map[int]bool
}

// table opens an input and binds its header to a schema.
func (x *Extractor) table(in Input, s *formats.Schema) (formats.Reader, *formats.Binding, *FileStats, error) {
	r, err := formats.Open(in.Path, in.Read)
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := s.Bind(in.Path, r.Header(), x.Overrides)
	if err != nil {
		r.Close()
		return nil, nil, nil, err
	}
	st := &FileStats{File: r.Name()} // a dump's table is named: site.sql[users]
	x.Stats = append(x.Stats, st)
	return r, b, st, nil
}

// lendingTable is table for a file whose rows are let go once read, or
// copied where kept: its rows borrow the reader's buffer
// (formats.Options.ReuseBuffer) unless borrowRows is off or the file is
// canonical, as its source_file cells go into reviews. eachInParallel
// copies the cells of such rows (rowStages.copies) by the same test.
func (x *Extractor) lendingTable(in Input, s *formats.Schema) (formats.Reader, *formats.Binding, *FileStats, error) {
	in.Read.ReuseBuffer = func(header []string) bool {
		b, err := s.Bind(in.Path, header, x.Overrides) // table binds it again, and reports err
		return borrowRows && err == nil && b.Col("source_file") < 0
	}
	return x.table(in, s)
}

// each calls fn for every good row; bad rows are reviewed (or fatal when strict).
// A canonical file's source_file and source_line columns point back at the
// original export, so review.csv names the row a person can find.
func (x *Extractor) each(r formats.Reader, b *formats.Binding, st *FileStats, fn func(rec []string, src Src) error) error {
	defer r.Close()
	cFile, cLine := b.Col("source_file"), b.Col("source_line")
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		var parsed error
		if err == nil {
			parsed = fn(rec, rowSrc(rec, r.Name(), r.Line(), cFile, cLine))
		}
		if err := x.rowDone(st, err, parsed); err != nil {
			return err
		}
	}
}

// rowSrc is where a row read at line of file comes from: there, or, in a
// canonical file (source_file and source_line at cFile and cLine), the
// original export's row it names.
func rowSrc(rec []string, file string, line, cFile, cLine int) Src {
	if cFile >= 0 && cLine >= 0 {
		if l, ok := parseID(formats.Cell(rec, cLine)); ok && formats.Cell(rec, cFile) != "" {
			return Src{File: formats.Cell(rec, cFile), Line: int(l)}
		}
	}
	return Src{File: file, Line: line}
}

// The row work of a large file (cleaning cells, parsing ids, looking up
// e-mails) is spread over the cores: eachInParallel hands the rows out in
// batches and applies the results in row order (see package rows).
var (
	batchRows  = 512           // rows a batch holds; tests make it tiny
	rowWorkers = par.Workers() // goroutines parsing batches
)

// eachInParallel is each with fn split in stages: parse, which only reads
// the row and writes *out, runs on rowWorkers goroutines at once; apply
// gets the rows parse made without error in row order, on the caller's
// goroutine, which also reviews bad rows and counts rows as each does: the
// results are those of each (which serves when there is one core),
// whatever the timing.
func eachInParallel[T any](x *Extractor, r formats.Reader, b *formats.Binding, st *FileStats, s rowStages[T]) error {
	if rowWorkers < 2 { // one core: each, with no goroutines to feed
		row := make([]T, 1)
		return x.each(r, b, st, func(rec []string, src Src) error {
			if err := s.parse(rec, src, &row[0]); err != nil {
				return err
			}
			for _, stage := range []func([]T){s.finish, s.prepare} {
				if stage != nil {
					stage(row)
				}
			}
			s.apply(&row[0])
			return nil
		})
	}
	name := r.Name()
	cFile, cLine := b.Col("source_file"), b.Col("source_line")
	lend := s.copies && cFile < 0 && borrowRows // the reader lends: see lendingTable
	return rows.Run(r, rows.Stages[T]{
		Parse: func(rec []string, line int, out *T) error {
			return s.parse(rec, rowSrc(rec, name, line, cFile, cLine), out)
		},
		Finish: s.finish, Prepare: s.prepare, Apply: s.apply,
		Done: func(read, parsed error) error { return x.rowDone(st, read, parsed) },
		Copy: lend, BadRow: formats.ErrBadRow, Workers: rowWorkers, BatchRows: batchRows,
	})
}

// rowDone counts a row read (read is Next's error) and parsed, and reviews
// it if bad; the error it returns ends the file.
func (x *Extractor) rowDone(st *FileStats, read, parsed error) error {
	if read != nil {
		if !errors.Is(read, formats.ErrBadRow) {
			return read
		}
		st.Read++
		return x.badRow(st, read)
	}
	st.Read++
	x.progress.tick()
	if parsed != nil {
		if !errors.Is(parsed, formats.ErrBadRow) {
			return parsed
		}
		return x.badRow(st, parsed)
	}
	return nil
}

// rowStages are the stages of eachInParallel (see rows.Stages).
type rowStages[T any] struct {
	parse   func(rec []string, src Src, out *T) error
	finish  func([]T)
	prepare func([]T)
	apply   func(*T)
	// copies says apply copies every string it keeps (see mem.Text), and
	// that no error or review keeps a cell: then a row's cells are cut from
	// its batch's own bytes, reused batch after batch, instead of a line
	// allocated per row. Not for files whose rows name their source file,
	// as that cell goes into reviews. The file is opened by lendingTable.
	copies bool
}

func (x *Extractor) badRow(st *FileStats, err error) error {
	if x.Strict {
		return err
	}
	var fe *formats.Error
	src, detail := Src{File: st.File}, err.Error()
	if errors.As(err, &fe) {
		src.Line = fe.Line
		detail = strings.TrimPrefix(fe.Err.Error(), formats.ErrBadRow.Error()+": ")
		if fe.Column > 0 {
			detail = fmt.Sprintf("column %d: %s", fe.Column, detail)
		}
	}
	x.reviewed(st, src.Line)
	x.Review.Add(KindBadRow, src, 0, 0, detail)
	return nil
}

// parseID reads a positive integer id; spreadsheets may add ".0".
func parseID(s string) (int64, bool) {
	// Plain digits, the usual cell, need neither trimming nor strconv.
	if len(s) == 0 || len(s) > 18 {
		return parseIDText(s)
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return parseIDText(s)
		}
		n = n*10 + int64(c)
	}
	return n, true
}

// parseIDText is parseID for any other cell.
func parseIDText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

func idError(src Src, b *formats.Binding, field, val string) error {
	return formats.RowError(src.File, src.Line, b.Col(field)+1, "%s %q is not a number", b.HeaderOf(field), val)
}

func truthy(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "y", "true", "t", "x":
		return true, true
	case "", "0", "no", "n", "false", "f":
		return false, true
	}
	return false, false
}

// clean trims the Unicode white space around a cell.
func clean(s string) string {
	// The usual cell has nothing to trim: two byte checks spare the rune loop.
	if s == "" || s[0] < utf8.RuneSelf && !isASCIISpace(s[0]) && s[len(s)-1] < utf8.RuneSelf && !isASCIISpace(s[len(s)-1]) {
		return s
	}
	return strings.TrimFunc(s, unicode.IsSpace)
}

// ExtractUsers reads a users export (Drupal, Backdrop, Joomla, WordPress,
// Views, or civisync's canonical users file).
func (x *Extractor) ExtractUsers(in Input) ([]User, error) {
	r, b, st, err := x.lendingTable(in, &formats.UsersSchema)
	if err != nil {
		return nil, err
	}
	x.supplied = suppliedFields(b)
	cUID, cMail, cUser := b.Col("uid"), b.Col("email"), b.Col("username")
	cFull, cFirst, cLast, cStatus := b.Col("full_name"), b.Col("first_name"), b.Col("last_name"), b.Col("status")
	statusHdr := b.Matched("status")
	more := hasMore(b)
	users := make([]User, 0, formats.RowsHint(r))
	mem.Prefault(users, func(u *User) { u.UID = 0 })
	type userRow struct {
		u         User
		skip      bool   // the anonymous user
		noUID     string // a row with an e-mail but no user id: its e-mail
		badStatus string // the review's detail for a status not understood
	}
	parse := func(rec []string, src Src, out *userRow) error {
		*out = userRow{}
		raw := clean(formats.Cell(rec, cUID))
		uid, ok := int64(0), true
		if raw != "" {
			uid, ok = parseID(raw)
		}
		if !ok {
			return idError(src, b, "uid", raw)
		}
		if uid == 0 {
			// uid 0 is the anonymous user, left out silently; a row with an
			// e-mail but no uid at all is someone, left out for review.
			out.skip = true
			if mail := clean(formats.Cell(rec, cMail)); raw == "" && mail != "" {
				out.noUID, out.u.Src = strings.Clone(mail), src
			}
			return nil
		}
		u := User{UID: uid, Username: clean(formats.Cell(rec, cUser)), Email: clean(formats.Cell(rec, cMail)), Src: src}
		u.First, u.Last = clean(formats.Cell(rec, cFirst)), clean(formats.Cell(rec, cLast))
		if cFirst < 0 && cLast < 0 {
			u.First, u.Last = SplitFullName(formats.Cell(rec, cFull))
		}
		if more {
			u.More = readMore(b, rec)
		}
		if cStatus >= 0 {
			blocked, ok := parseBlocked(statusHdr, formats.Cell(rec, cStatus))
			if !ok {
				out.badStatus = fmt.Sprintf("%s %q not understood; user treated as active", b.HeaderOf("status"), formats.Cell(rec, cStatus))
			}
			u.Blocked = blocked
		}
		out.u = u
		return nil
	}
	var text mem.Text
	err = eachInParallel(x, r, b, st, rowStages[userRow]{parse: parse, copies: true, apply: func(row *userRow) {
		if row.skip {
			if row.noUID != "" {
				x.Review.Add(KindNoUserID, row.u.Src, 0, 0, fmt.Sprintf("%s %q has no %s; no contact is made for it", b.HeaderOf("email"), row.noUID, b.HeaderOf("uid")))
				x.reviewed(st, row.u.Src.Line)
				return
			}
			st.Skipped++
			return
		}
		if row.badStatus != "" {
			x.Review.Add(KindUnknownStatus, row.u.Src, row.u.UID, 0, row.badStatus)
		}
		st.Used++
		u := &row.u
		u.Username, u.Email, u.First, u.Last = text.Copy(u.Username), text.Copy(u.Email), text.Copy(u.First), text.Copy(u.Last)
		u.More = u.More.copyInto(&text)
		u.File = text.File(u.File)
		users = append(users, *u)
	}})
	return users, err
}

// parseBlocked reads a status cell by the header it came under: Drupal's
// status (1 active, 0 blocked), Joomla's block (1 blocked), or active.
func parseBlocked(header, v string) (blocked, ok bool) {
	w := strings.ToLower(strings.TrimSpace(v))
	switch w {
	case "active", "enabled", "activated":
		return false, true
	case "blocked", "disabled", "inactive", "banned":
		return true, true
	}
	t, ok := truthy(w)
	if !ok {
		return false, false
	}
	if w == "" {
		return false, true
	}
	switch header {
	case "block", "blocked":
		return t, true
	default: // status, active
		return !t, true
	}
}

// SplitFullName splits "Mary Ann Smith" into first "Mary Ann", last "Smith".
func SplitFullName(full string) (first, last string) {
	words := strings.Fields(full)
	if len(words) == 0 {
		return "", ""
	}
	return strings.Join(words[:len(words)-1], " "), words[len(words)-1]
}

// ContactInputs are the contact files: an export, or raw table dumps.
type ContactInputs struct {
	Contacts      Input
	Emails        *Input // civicrm_email
	UFMatch       *Input // civicrm_uf_match
	GroupContacts *Input // contact id, group title or id, status
	Groups        *Input // civicrm_group: the titles of GroupContacts' group ids
	// civicrm_phone and civicrm_address, for a dedupe rule comparing
	// phones or addresses (a dump's raw tables).
	Phones, Addresses *Input
}

// ExtractContacts reads the contacts and folds in the optional dumps.
// The result is sorted by contact id.
func (x *Extractor) ExtractContacts(in ContactInputs) ([]Contact, error) {
	l, err := x.extractContacts(in, nil)
	if err != nil {
		return nil, err
	}
	return l.slice(), nil
}

// extractContacts is ExtractContacts keeping only the contacts the sieve
// wants (nil: all), so that a large export is not held whole. A row the
// sieve leaves out still counts as a first occurrence of its id: a later
// row repeating the id loses to it, kept or not. A dump can change any
// contact, so with one every row is kept.
func (x *Extractor) extractContacts(in ContactInputs, sieve contactSifter) (contactList, error) {
	if in.Emails != nil || in.UFMatch != nil || in.GroupContacts != nil || in.Phones != nil || in.Addresses != nil {
		sieve = nil
	}
	r, b, st, err := x.lendingTable(in.Contacts, &formats.ContactsSchema)
	if err != nil {
		return contactList{}, err
	}
	x.supplied = suppliedFields(b)
	if in.Emails != nil {
		x.supplied[FieldEmail] = true
	}
	if in.Phones != nil {
		x.supplied[FieldPhone] = true
	}
	if in.Addresses != nil {
		x.supplied[FieldStreetAddress], x.supplied[FieldCity], x.supplied[FieldPostalCode] = true, true, true
	}
	cols := newContactColumns(b)
	rs := &readContacts{sieve: sieve, st: st, kept: keptContacts{chunk: formats.RowsHint(r)}, order: siftOrder{ordered: true}}
	var probe, warm func([]contactRow)
	if sieve != nil {
		rs.kept.chunk = 0 // most rows may be sifted out
		probe, warm = sieve.probe, sieve.warm
	}
	err = eachInParallel(x, r, b, st, rowStages[contactRow]{parse: cols.parse, finish: probe, prepare: warm, copies: true, apply: rs.apply})
	if err != nil {
		return contactList{}, err
	}
	if sieve != nil && rs.order.ordered {
		// Ids ascended: the contacts are in order and none repeats.
		return rs.kept.list(), nil
	}
	contacts := rs.kept.slice()
	if !rs.order.ordered {
		contacts = x.dropRepeats(st, contacts, rs.order)
	}
	contacts = x.byIDOnce(st, contacts)
	if err := x.foldDumps(in, contacts); err != nil {
		return contactList{}, err
	}
	return oneList(contacts), nil
}

// contactColumns are where a contacts export's fields are.
type contactColumns struct {
	b                                       *formats.Binding
	cID, cType, cFirst, cLast, cMail, cList int
	cDel, cExt, cUF, cGroups                int
	cOthers                                 []int
	more                                    bool // phones, addresses ... (More)
}

func newContactColumns(b *formats.Binding) *contactColumns {
	return &contactColumns{b: b, cID: b.Col("contact_id"), cType: b.Col("contact_type"), cFirst: b.Col("first_name"),
		cLast: b.Col("last_name"), cMail: b.Col("email"), cOthers: b.Multi("other_emails"), cList: b.Col("other_emails_list"),
		cDel: b.Col("is_deleted"), cExt: b.Col("external_identifier"), cUF: b.Col("uf_id"), cGroups: b.Col("groups"), more: hasMore(b)}
}

// parse reads a contacts row.
// otherEmails appends a contacts row's e-mails but the primary one to dst:
// its other e-mail columns, then its ";"-separated list.
func (k *contactColumns) otherEmails(rec []string, dst []string) []string {
	for _, i := range k.cOthers {
		if e := clean(formats.Cell(rec, i)); e != "" {
			dst = append(dst, e)
		}
	}
	for list := formats.Cell(rec, k.cList); list != ""; {
		var e string
		e, list, _ = strings.Cut(list, ";")
		if e = clean(e); e != "" {
			dst = append(dst, e)
		}
	}
	return dst
}

func (k *contactColumns) parse(rec []string, src Src, out *contactRow) error {
	b := k.b
	raw := clean(formats.Cell(rec, k.cID))
	id, ok := parseID(raw)
	if !ok || id == 0 {
		return idError(src, b, "contact_id", raw)
	}
	c := Contact{ID: id, Type: clean(formats.Cell(rec, k.cType)), First: clean(formats.Cell(rec, k.cFirst)),
		Last: clean(formats.Cell(rec, k.cLast)), Primary: clean(formats.Cell(rec, k.cMail)),
		ExternalID: clean(formats.Cell(rec, k.cExt)), Src: src}
	c.Others = k.otherEmails(rec, nil)
	if d, ok := truthy(formats.Cell(rec, k.cDel)); ok {
		c.Deleted = d
	} else {
		return formats.RowError(src.File, src.Line, k.cDel+1, "%s %q is not yes/no", b.HeaderOf("is_deleted"), formats.Cell(rec, k.cDel))
	}
	if v := clean(formats.Cell(rec, k.cUF)); v != "" {
		uf, ok := parseID(v)
		if !ok {
			return idError(src, b, "uf_id", v)
		}
		c.UFID = uf
	}
	if g := formats.Cell(rec, k.cGroups); strings.TrimSpace(g) != "" {
		c.GroupsRaw = g
	}
	if k.more {
		c.More = readMore(b, rec)
	}
	out.c = c
	return nil
}

// contactSifter decides, as a contacts export is read in order, which
// contacts can matter to a run and are kept (contactSieve, sieve.go, is the
// one Transform uses). probe runs on the parsing workers, a batch at a
// time; warm just before a batch is applied; keep on every row, in order.
type contactSifter interface {
	probe(rows []contactRow)
	warm(rows []contactRow)
	keep(c *Contact, hits []keyHit) bool
}

// contactRow is a contacts row read, and when sifting, its e-mails that are
// users' keys.
type contactRow struct {
	c    Contact
	hits []keyHit
}

// readContacts keeps the contacts rows the sieve wants (all with none).
type readContacts struct {
	sieve contactSifter
	st    *FileStats
	kept  keptContacts
	text  mem.Text
	order siftOrder
}

// siftOrder notes, while the sieve drops rows, what finding repeated ids
// needs. While ids ascend (the usual export) no row can repeat an earlier
// one, so a left-out row costs only its id; after the first id out of
// order every row is noted, to find the repeats once all are read.
type siftOrder struct {
	ordered bool
	lastID  int64
	early   []int64 // ids of rows left out while ids ascended, ascending
	preKept int     // contacts kept while ids ascended
	late    []siftedRow
}

func (rs *readContacts) apply(row *contactRow) {
	c := &row.c
	if rs.sieve != nil {
		o := &rs.order
		if o.ordered && c.ID <= o.lastID {
			o.ordered, o.preKept = false, rs.kept.n
		}
		o.lastID = c.ID
		keep := rs.sieve.keep(c, row.hits)
		if !o.ordered {
			at := -1
			if keep {
				at = rs.kept.n
			}
			o.late = append(o.late, siftedRow{c.ID, c.Src, at})
		}
		if !keep {
			if o.ordered {
				o.early = append(o.early, c.ID)
			}
			rs.st.Used++
			return
		}
	}
	keepContact(&rs.text, c)
	rs.kept.add(c)
	rs.st.Used++
}

// byIDOnce sorts contacts by contact id, each id once (the first row
// wins). Exports are usually in id order already, so this is one pass over
// them.
func (x *Extractor) byIDOnce(st *FileStats, contacts []Contact) []Contact {
	if !slices.IsSortedFunc(contacts, func(a, b Contact) int { return cmp.Compare(a.ID, b.ID) }) {
		slices.SortStableFunc(contacts, func(a, b Contact) int { return cmp.Compare(a.ID, b.ID) })
	}
	return slices.CompactFunc(contacts, func(a, b Contact) bool {
		if a.ID != b.ID {
			return false
		}
		x.repeatedContact(st, a.Src, a.ID) // CompactFunc passes the later row first: a is the row dropped
		return true
	})
}

// foldDumps folds the optional table dumps into contacts, sorted by id.
func (x *Extractor) foldDumps(in ContactInputs, contacts []Contact) error {
	byID := func(id int64) (int, bool) {
		return slices.BinarySearchFunc(contacts, id, func(c Contact, id int64) int { return cmp.Compare(c.ID, id) })
	}
	for _, fold := range []struct {
		in *Input
		fn func(Input, []Contact, func(int64) (int, bool)) error
	}{{in.Emails, x.foldEmails}, {in.UFMatch, x.foldUFMatch}, {in.GroupContacts, func(gc Input, cs []Contact, byID func(int64) (int, bool)) error {
		return x.foldGroupContacts(gc, in.Groups, cs, byID)
	}}, {in.Phones, x.foldPhones}, {in.Addresses, x.foldAddresses}} {
		if fold.in != nil {
			if err := fold.fn(*fold.in, contacts, byID); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepContact copies c's strings into text, to be kept.
func keepContact(text *mem.Text, c *Contact) {
	c.Type = contactType(c.Type)
	c.First, c.Last, c.Primary = text.Copy(c.First), text.Copy(c.Last), text.Copy(c.Primary)
	for i, o := range c.Others {
		c.Others[i] = text.Copy(o)
	}
	c.ExternalID, c.GroupsRaw = text.Copy(c.ExternalID), text.Copy(c.GroupsRaw)
	c.More = c.More.copyInto(text)
	c.File = text.File(c.File)
}

// contactType returns CiviCRM's usual contact types as constants, so that a
// contact does not hold on to its line for them.
func contactType(t string) string {
	for _, k := range [...]string{"Individual", "Organization", "Household"} {
		if t == k {
			return k
		}
	}
	return strings.Clone(t)
}

// keptContacts gathers the contacts kept, in order, in chunks that are
// prefaulted as they are started: a slice sized for every row would be
// mostly unwritten when most rows are sifted out (see mem.Prefault).
type keptContacts struct {
	chunks [][]Contact
	chunk  int // the first chunk's size; 0: every chunk 1<<keptShift
	n      int
}

// keptShift sets the size of the sieve's chunks (1<<keptShift contacts);
// tests make it tiny.
var keptShift uint = 12

func (k *keptContacts) add(c *Contact) {
	if len(k.chunks) == 0 || len(k.chunks[len(k.chunks)-1]) == cap(k.chunks[len(k.chunks)-1]) {
		size := 1 << keptShift
		if len(k.chunks) == 0 && k.chunk > 0 {
			size = k.chunk
		}
		k.chunks = append(k.chunks, newContacts(size))
	}
	last := &k.chunks[len(k.chunks)-1]
	*last = append(*last, *c)
	k.n++
}

// slice returns the contacts kept as one slice, taking them out of k.
func (k *keptContacts) slice() []Contact {
	if len(k.chunks) == 1 {
		return k.chunks[0]
	}
	all := newContacts(k.n)
	for i, c := range k.chunks {
		all = append(all, c...)
		k.chunks[i] = nil // free for the collector as soon as copied
	}
	return all
}

// list returns the contacts kept, taking them out of k. Chunks of one size
// are handed on as they are: copying them into one slice would hold every
// contact twice at the run's peak.
func (k *keptContacts) list() contactList {
	if k.chunk > 0 || len(k.chunks) <= 1 {
		return oneList(k.slice())
	}
	l := contactList{chunks: k.chunks, shift: keptShift, n: k.n}
	k.chunks = nil
	return l
}

// contactList is the contacts, in chunks of 1<<shift but for the last.
type contactList struct {
	chunks [][]Contact
	shift  uint
	n      int
}

// oneList is a contactList of one slice.
func oneList(cs []Contact) contactList {
	if len(cs) == 0 {
		return contactList{}
	}
	return contactList{chunks: [][]Contact{cs}, shift: 32, n: len(cs)}
}

// at returns the i-th contact; i < n.
func (l *contactList) at(i int32) *Contact {
	return &l.chunks[uint32(i)>>l.shift][uint32(i)&(1<<l.shift-1)]
}

// each calls f on every contact in order.
func (l *contactList) each(f func(i int32, c *Contact)) {
	i := int32(0)
	for _, ch := range l.chunks {
		for j := range ch {
			f(i, &ch[j])
			i++
		}
	}
}

// slice returns the contacts as one slice (a copy if there are several chunks).
func (l *contactList) slice() []Contact {
	if len(l.chunks) == 1 {
		return l.chunks[0]
	}
	all := make([]Contact, 0, l.n)
	for _, ch := range l.chunks {
		all = append(all, ch...)
	}
	return all
}

func newContacts(n int) []Contact {
	s := make([]Contact, 0, n)
	mem.Prefault(s, func(c *Contact) { c.ID = 0 })
	return s
}

// siftedRow is a contacts row read after ids went out of order.
type siftedRow struct {
	ID  int64
	Src Src
	at  int // index in the kept contacts, -1 if left out
}

// dropRepeats reviews the rows of late that repeat the id of an earlier
// row and takes the kept ones out: the first row of an id wins. Rows before
// late (contacts[:preKept] and early, both ascending) can only come first.
func (x *Extractor) dropRepeats(st *FileStats, contacts []Contact, o siftOrder) []Contact {
	preKept, early, late := o.preKept, o.early, o.late
	seen := make(map[int64]bool, len(late))
	drop := make([]bool, len(contacts))
	for _, r := range late {
		_, before := slices.BinarySearch(early, r.ID)
		if !before {
			_, before = slices.BinarySearchFunc(contacts[:preKept], r.ID, func(c Contact, id int64) int { return cmp.Compare(c.ID, id) })
		}
		if before || seen[r.ID] {
			x.repeatedContact(st, r.Src, r.ID)
			if r.at >= 0 {
				drop[r.at] = true
			}
			continue
		}
		seen[r.ID] = true
	}
	kept := contacts[:0]
	for i, c := range contacts {
		if !drop[i] {
			kept = append(kept, c)
		}
	}
	return kept
}

// repeatedContact reviews a row whose contact id an earlier row has.
func (x *Extractor) repeatedContact(st *FileStats, src Src, id int64) {
	x.Review.Add(KindDuplicateContact, src, 0, id, "contact id appears again; this row is ignored")
	st.Used--
	x.reviewed(st, src.Line)
}

// contactRow resolves the contact id of a dump row, reviewing unknown ones.
func (x *Extractor) contactRow(st *FileStats, b *formats.Binding, rec []string, src Src, contacts []Contact, byID func(int64) (int, bool)) (*Contact, error) {
	raw := clean(formats.Cell(rec, b.Col("contact_id")))
	id, ok := parseID(raw)
	if !ok || id == 0 {
		return nil, idError(src, b, "contact_id", raw)
	}
	i, ok := byID(id)
	if !ok {
		x.Review.Add(KindUnknownContact, src, 0, id, "no contact with this id in the contacts file")
		x.reviewed(st, src.Line)
		return nil, nil
	}
	return &contacts[i], nil
}

func (x *Extractor) foldEmails(in Input, contacts []Contact, byID func(int64) (int, bool)) error {
	r, b, st, err := x.table(in, &formats.EmailsSchema)
	if err != nil {
		return err
	}
	cMail, cPrim, cContact := b.Col("email"), b.Col("is_primary"), b.Col("contact_id")
	return x.each(r, b, st, func(rec []string, src Src) error {
		if v := clean(formats.Cell(rec, cContact)); v == "" || v == "NULL" || v == `\N` {
			// No contact (SQL NULL, however the export wrote it): the e-mail
			// of an event or a location (civicrm_loc_block), no contact's.
			st.Skipped++
			return nil
		}
		c, err := x.contactRow(st, b, rec, src, contacts, byID)
		if c == nil || err != nil {
			return err
		}
		e := clean(formats.Cell(rec, cMail))
		if e == "" {
			st.Skipped++
			return nil
		}
		prim, _ := truthy(formats.Cell(rec, cPrim))
		if prim && c.Primary == "" {
			c.Primary = e
		} else if !strings.EqualFold(e, c.Primary) {
			c.Others = append(c.Others, e)
		}
		st.Used++
		return nil
	})
}

func (x *Extractor) foldUFMatch(in Input, contacts []Contact, byID func(int64) (int, bool)) error {
	r, b, st, err := x.table(in, &formats.UFMatchSchema)
	if err != nil {
		return err
	}
	return x.each(r, b, st, func(rec []string, src Src) error {
		c, err := x.contactRow(st, b, rec, src, contacts, byID)
		if c == nil || err != nil {
			return err
		}
		raw := clean(formats.Cell(rec, b.Col("uf_id")))
		uf, ok := parseID(raw)
		if !ok {
			return idError(src, b, "uf_id", raw)
		}
		if c.UFID != 0 && c.UFID != uf {
			x.Review.Add(KindLinkConflict, src, uf, c.ID, fmt.Sprintf("contact is already linked to user %d; this link is ignored", c.UFID))
			x.reviewed(st, src.Line)
			return nil
		}
		c.UFID = uf
		st.Used++
		return nil
	})
}

func (x *Extractor) foldGroupContacts(in Input, groups *Input, contacts []Contact, byID func(int64) (int, bool)) error {
	r, b, st, err := x.table(in, &formats.GroupContactsSchema)
	if err != nil {
		return err
	}
	cGroup, cGroupID, cStatus := b.Col("group"), b.Col("group_id"), b.Col("status")
	// A raw civicrm_group_contact names groups by id: civicrm_group gives
	// their titles, which is what an OG's CiviCRM group is found by.
	var titles map[int64]string
	if cGroup < 0 {
		if groups == nil {
			r.Close()
			return &formats.Error{File: in.Path, Line: 1, Err: fmt.Errorf("%w: its groups are ids (%s): give --civicrm-groups FILE (civicrm_group: id, name, title) to know them",
				formats.ErrMissingColumn, b.HeaderOf("group_id"))}
		}
		if titles, err = x.extractCiviCRMGroups(*groups); err != nil {
			r.Close()
			return err
		}
	}
	return x.each(r, b, st, func(rec []string, src Src) error {
		c, err := x.contactRow(st, b, rec, src, contacts, byID)
		if c == nil || err != nil {
			return err
		}
		if s := strings.TrimSpace(formats.Cell(rec, cStatus)); s != "" && !strings.EqualFold(s, "Added") {
			st.Skipped++ // only Added counts as being in the group
			return nil
		}
		g := clean(formats.Cell(rec, cGroup))
		if titles != nil {
			raw := clean(formats.Cell(rec, cGroupID))
			id, ok := parseID(raw)
			if !ok || id == 0 {
				return idError(src, b, "group_id", raw)
			}
			if g, ok = titles[id]; !ok {
				x.Review.Add(KindUnknownGroup, src, 0, c.ID, fmt.Sprintf("no CiviCRM group with id %d in %s", id, groups.Path))
				x.reviewed(st, src.Line)
				return nil
			}
		}
		if g != "" {
			c.Groups = append(c.Groups, g)
		}
		st.Used++
		return nil
	})
}

// extractCiviCRMGroups reads civicrm_group: each group id's title.
func (x *Extractor) extractCiviCRMGroups(in Input) (map[int64]string, error) {
	r, b, st, err := x.table(in, &formats.CiviCRMGroupsSchema)
	if err != nil {
		return nil, err
	}
	cID, cTitle, cName := b.Col("group_id"), b.Col("title"), b.Col("name")
	titles := map[int64]string{}
	err = x.each(r, b, st, func(rec []string, src Src) error {
		raw := clean(formats.Cell(rec, cID))
		id, ok := parseID(raw)
		if !ok || id == 0 {
			return idError(src, b, "group_id", raw)
		}
		title := clean(formats.Cell(rec, cTitle))
		if title == "" { // CiviCRM requires a title; an old group may have only its name
			title = clean(formats.Cell(rec, cName))
		}
		titles[id] = title
		st.Used++
		return nil
	})
	return titles, err
}
