package formats

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// dumpIndex is what one pass over a dump learnt: its tables, where their
// data is, and where (if anywhere) the dump is cut off.
type dumpIndex struct {
	file    string
	src     *dumpSource
	tables  map[string]*dumpTable // by lower-case name
	order   []*dumpTable          // as first seen
	cutLine int                   // the dump ends inside a statement starting here; 0 if not
	cutIn   string                // ... of this table, if known
}

// dumpSource reopens a dump at an offset: a file is seeked, a gzip file
// inflated again up to there, standard input read back from its spool.
type dumpSource struct {
	path  string
	gz    bool
	spool *os.File
}

func (s *dumpSource) open(off int64) (io.Reader, io.Closer, error) {
	if s.spool != nil {
		return io.NewSectionReader(s.spool, off, 1<<62), io.NopCloser(nil), nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, unwrapPathError(err)
	}
	if !s.gz {
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			f.Close()
			return nil, nil, err
		}
		return f, f, nil
	}
	z, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := io.CopyN(io.Discard, z, off); err != nil {
		f.Close()
		return nil, nil, err
	}
	return z, f, nil
}

// buildDumpIndex scans a whole dump once. Values are passed over, never
// decoded; CREATE TABLE and SET statements are read.
func buildDumpIndex(file string, r io.Reader, src *dumpSource) (*dumpIndex, error) {
	idx := &dumpIndex{file: file, src: src, tables: map[string]*dumpTable{}}
	l := newSQLLexer(r, 0, 1, dumpState{})
	if l.fill(512) || l.end > 0 {
		head := l.buf[:min(l.end, 512)]
		l.st.mysqldump = bytes.Contains(head, []byte("-- MySQL dump ")) || bytes.Contains(head, []byte("-- MariaDB dump "))
	}
	table := func(name string) *dumpTable {
		k := strings.ToLower(name)
		t := idx.tables[k]
		if t == nil {
			t = &dumpTable{name: name}
			idx.tables[k] = t
			idx.order = append(idx.order, t)
		}
		return t
	}
	var last *dumpTable // the table of the last data statement
	statements := 0
	for {
		st := l.st
		h, ok, cut := l.readHead()
		if !ok {
			break
		}
		if statements == 0 && !h.passed && h.kind != stmtInsert && strings.HasPrefix(h.word, "PGDMP") {
			return nil, &Error{File: file, Err: fmt.Errorf("%w: a pg_dump archive in its custom format, not SQL: make a plain dump (pg_dump without -Fc), or turn this one into SQL with pg_restore -f site.sql FILE", ErrBadFile)}
		}
		if statements == 0 && !h.passed && !stmtWords[strings.ToUpper(h.word)] && h.kind != stmtInsert {
			return nil, &Error{File: file, Line: h.line, Err: fmt.Errorf("%w: not a SQL dump (it does not start with SQL statements such as CREATE TABLE, INSERT or SET)", ErrBadFile)}
		}
		statements++
		if cut {
			idx.cutLine = h.line
			if h.kind == stmtCreate || h.table != "" {
				idx.cutIn = h.table
				table(h.table).cut = true
			}
			break
		}
		switch h.kind {
		case stmtCreate:
			t := table(h.table)
			t.cols, t.latin1 = h.cols, h.latin1
		case stmtInsert, stmtCopy:
			t := table(h.table)
			if t.insertCols == nil && len(h.cols) > 0 {
				t.insertCols = h.cols
			}
			if last != t || len(t.segs) == 0 {
				t.segs = append(t.segs, dumpSeg{off: h.off, line: h.line, st: st})
			}
			last = t
			var done bool
			if h.kind == stmtInsert && l.st.mysqldump && l.st.delim == ";" {
				done = l.skipValueLines(&t.rows)
			} else if h.kind == stmtInsert {
				done = l.skipValues(&t.rows)
			} else {
				done = l.skipCopy(&t.rows)
			}
			if !done {
				idx.cutLine, idx.cutIn, t.cut = h.line, t.name, true
				t.segs[len(t.segs)-1].end = l.offset()
				goto end
			}
			t.segs[len(t.segs)-1].end = l.offset()
		default:
			if !h.passed && !l.skipStatement(nil, 0) {
				idx.cutLine = h.line
				goto end
			}
		}
	}
end:
	if l.rerr != nil {
		return nil, &Error{File: file, Err: fmt.Errorf("%w: %w", ErrBadFile, l.rerr)}
	}
	if len(idx.order) == 0 {
		if idx.cutLine > 0 {
			return nil, &Error{File: file, Line: idx.cutLine, Err: fmt.Errorf("%w: not a readable SQL dump: it ends inside a statement and holds no table before that", ErrBadFile)}
		}
		return nil, &Error{File: file, Err: fmt.Errorf("%w: a SQL dump with no tables (no CREATE TABLE, INSERT or COPY)", ErrBadFile)}
	}
	return idx, nil
}

// The kinds of table civisync takes from a dump, by Options.Table. A table
// is of a kind when its name is one of the kind's, after any prefix that
// ends in "_" (drupal_users, jos_users, wp2_users), and it has the columns
// the kind needs: the schema binds (nil: no schema) and every column of
// cols is there. So shortcut_set_users is no users table and term_node no
// node table.
type dumpForm struct {
	base   string
	schema *Schema
	cols   []string
}

var dumpKinds = map[string][]dumpForm{
	"users":          {{base: "users", schema: &UsersSchema}, {base: "users_field_data", schema: &UsersSchema}},
	"usermeta":       {{base: "usermeta", cols: []string{"user_id", "meta_key", "meta_value"}}},
	"memberships":    {{base: "og_membership", schema: &MembershipsSchema, cols: []string{"gid", "etid", "entity_type"}}, {base: "og_uid", schema: &MembershipsSchema, cols: []string{"nid", "uid"}}},
	"og_roles":       {{base: "og_users_roles", schema: &OGRolesSchema}},
	"og_role_names":  {{base: "og_role", schema: &OGRoleNamesSchema}},
	"groups":         {{base: "node", schema: &GroupsSchema, cols: []string{"nid", "title"}}},
	"og_groups":      {{base: "og", cols: []string{"nid"}}, {base: "field_data_group_group", cols: []string{"entity_id", "group_group_value"}}},
	"contacts":       {{base: "civicrm_contact", schema: &ContactsSchema}},
	"emails":         {{base: "civicrm_email", schema: &EmailsSchema}},
	"uf_match":       {{base: "civicrm_uf_match", schema: &UFMatchSchema}},
	"group_contacts": {{base: "civicrm_group_contact", cols: []string{"group_id", "contact_id", "status"}}},
	"civicrm_groups": {{base: "civicrm_group", cols: []string{"id", "title"}}},
	// asked for by later stages: dedupe rules read from the site, phones, addresses
	"dedupe_rule_groups": {{base: "civicrm_dedupe_rule_group", cols: []string{"id", "contact_type", "threshold"}}},
	"dedupe_rules":       {{base: "civicrm_dedupe_rule", cols: []string{"dedupe_rule_group_id", "rule_table", "rule_field"}}},
	"phones":             {{base: "civicrm_phone", cols: []string{"contact_id", "phone"}}},
	"addresses":          {{base: "civicrm_address", cols: []string{"contact_id"}}},
}

// DumpKinds lists the table kinds Options.Table may name.
func DumpKinds() []string {
	var k []string
	for n := range dumpKinds {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// kindName is how messages name a kind: by its tables.
func kindName(kind string) string {
	f := dumpKinds[kind]
	if kind == "users" || len(f) == 0 {
		return kind
	}
	names := make([]string, len(f))
	for i := range f {
		names[i] = f[i].base
	}
	return strings.Join(names, " or ")
}

// fits reports whether t is a table of form f, and the prefix before its
// base name.
func (f *dumpForm) fits(t *dumpTable) (prefix string, ok bool) {
	cut := len(t.name) - len(f.base)
	if cut < 0 || !asciiEqualFold(t.name[cut:], f.base) {
		return "", false
	}
	prefix = t.name[:cut]
	if prefix != "" && !strings.HasSuffix(prefix, "_") {
		return "", false
	}
	h := t.header()
	if len(h) == 0 {
		return prefix, true // judged by name alone; its columns are unknown
	}
	if f.schema != nil {
		if _, err := f.schema.Bind("", h, nil); err != nil {
			return "", false
		}
	}
	for _, c := range f.cols {
		if !hasColumn(h, c) {
			return "", false
		}
	}
	return prefix, true
}

// asciiEqualFold compares a name with an ASCII base name, ignoring ASCII
// case only (Unicode folding could change a name's length).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func hasColumn(h []string, c string) bool {
	for _, x := range h {
		if strings.EqualFold(x, c) {
			return true
		}
	}
	return false
}

// find picks the table of kind: the one that fits, or among several the
// one with prefix. It returns nil and no error when there is none.
func (idx *dumpIndex) find(kind, prefix string) (*dumpTable, string, error) {
	forms, ok := dumpKinds[kind]
	if !ok {
		return nil, "", &Error{File: idx.file, Err: fmt.Errorf("%w: no table kind %q in a dump (known: %s)", ErrBadFile, kind, strings.Join(DumpKinds(), ", "))}
	}
	type cand struct {
		t      *dumpTable
		prefix string
	}
	var cands []cand
	for _, t := range idx.order {
		for i := range forms {
			if p, ok := forms[i].fits(t); ok {
				cands = append(cands, cand{t, p})
				break
			}
		}
	}
	if strings.HasPrefix(forms[0].base, "civicrm_") && len(cands) > 1 {
		// CiviCRM's tables carry no site prefix; its logging copies
		// (log_civicrm_contact ...) are no tables of their kind.
		var plain []cand
		for _, c := range cands {
			if c.prefix == "" {
				plain = append(plain, c)
			}
		}
		if len(plain) > 0 {
			cands = plain
		}
	}
	if prefix != "" {
		var picked []cand
		for _, c := range cands {
			if strings.EqualFold(c.prefix, prefix) {
				picked = append(picked, c)
			}
		}
		if len(picked) > 0 || len(cands) > 1 {
			cands = picked
		}
	}
	switch len(cands) {
	case 0:
		return nil, "", nil
	case 1:
		c := cands[0]
		if len(c.t.header()) == 0 {
			return nil, "", &Error{File: idx.file, Err: fmt.Errorf("%w: table %s has no CREATE TABLE and its INSERTs no column list, so its columns are unknown (dump it with its CREATE TABLE, or with mysqldump --complete-insert)", ErrBadFile, c.t.name)}
		}
		return c.t, c.prefix, nil
	}
	var names []string
	for _, c := range cands {
		names = append(names, c.t.name)
	}
	return nil, "", &Error{File: idx.file, Err: fmt.Errorf("%w: %s holds several %s tables: %s; pick one with --table-prefix (e.g. --table-prefix %s)", ErrBadFile, idx.file, kindName(kind), strings.Join(names, ", "), cands[1].prefix)}
}

// tablesSeen lists the dump's tables for a message.
func (idx *dumpIndex) tablesSeen() string {
	var names []string
	for i, t := range idx.order {
		if i == 40 {
			names = append(names, fmt.Sprintf("… (%d more)", len(idx.order)-40))
			break
		}
		names = append(names, t.name)
	}
	return strings.Join(names, ", ")
}

// Dump is an indexed SQL dump, for asking which tables it holds.
type Dump struct {
	idx *dumpIndex
	opt Options
}

// Has reports whether the dump holds a table of kind (with opt's prefix).
// A dump cut off before such a table could come is an error: whether it
// has one is not known.
func (d *Dump) Has(kind string) (bool, error) {
	t, _, err := d.idx.find(kind, d.opt.TablePrefix)
	if err != nil {
		return false, err
	}
	if t == nil && d.idx.cutLine > 0 {
		return false, d.idx.cutError()
	}
	return t != nil, nil
}

func (idx *dumpIndex) cutError() error {
	in := ""
	if idx.cutIn != "" {
		in = " (table " + idx.cutIn + ")"
	}
	return &Error{File: idx.file, Line: idx.cutLine, Err: fmt.Errorf("%w: the dump ends in the middle of a statement%s: it was cut off (an interrupted dump or copy?)", ErrBadFile, in)}
}

// OpenDump indexes the SQL dump at path ("-": standard input), so its
// tables can be asked for; it is an error if the file is not a SQL dump.
func OpenDump(path string, opt Options) (*Dump, error) {
	idx, err := loadDump(path, opt)
	if err != nil {
		return nil, err
	}
	return &Dump{idx: idx, opt: opt}, nil
}

// dumpCache keeps each dump's index for the run: the tables of one dump are
// read by several inputs, often at once, and each finds its data through
// the index instead of scanning the dump again.
var dumpCache = struct {
	sync.Mutex
	m map[any]*dumpEntry
}{m: map[any]*dumpEntry{}}

type dumpEntry struct {
	once sync.Once
	idx  *dumpIndex
	err  error
	// standard input that is not a dump, sniffed: read once, by one input
	plain    io.Reader
	plainZip bool
	taken    bool
}

type fileKey struct {
	path  string
	size  int64
	mtime int64
}

func entryFor(key any) *dumpEntry {
	dumpCache.Lock()
	defer dumpCache.Unlock()
	e := dumpCache.m[key]
	if e == nil {
		e = &dumpEntry{}
		dumpCache.m[key] = e
	}
	return e
}

// loadDump indexes the dump at path ("-": standard input) once per run.
func loadDump(path string, opt Options) (*dumpIndex, error) {
	if isStream(path) {
		e := streamEntry(path, opt)
		if e.err != nil {
			return nil, e.err
		}
		if e.idx == nil {
			return nil, &Error{File: path, Err: fmt.Errorf("%w: %s is not a SQL dump", ErrBadFile, streamName(path))}
		}
		return e.idx, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, unwrapPathError(err))}
	}
	e := entryFor(fileKey{path, st.Size(), st.ModTime().UnixNano()})
	e.once.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			e.err = &Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadFile, unwrapPathError(err))}
			return
		}
		defer f.Close()
		br := bufio.NewReaderSize(f, 64<<10)
		head, _ := br.Peek(2)
		src := &dumpSource{path: path}
		var r io.Reader = br
		if bytes.Equal(head, gzipMagic) {
			z, err := gzip.NewReader(br)
			if err != nil {
				e.err = &Error{File: path, Err: fmt.Errorf("%w: not a readable gzip file: %w", ErrBadFile, err)}
				return
			}
			src.gz, r = true, z
		}
		e.idx, e.err = buildDumpIndex(path, r, src)
	})
	return e.idx, e.err
}

var gzipMagic = []byte{0x1f, 0x8b}

// streamEntry reads a stream's first bytes once — standard input ("-"),
// or a pipe given by name (a FIFO, a shell's <(…)) — and when they are a
// SQL dump (plain or gzip) spools and indexes the whole of it, so every
// table can be read back from the spool. A stream can be read only once,
// so every input naming it shares this entry.
func streamEntry(name string, opt Options) *dumpEntry {
	var key any = streamKey(name)
	open := func() (io.Reader, error) { return os.Open(name) }
	if name == "-" {
		in := opt.Stdin
		if in == nil {
			in = os.Stdin
		}
		key, open = in, func() (io.Reader, error) { return in, nil }
	}
	e := entryFor(key)
	e.once.Do(func() {
		in, err := open()
		if err != nil {
			e.err = &Error{File: name, Err: fmt.Errorf("%w: %w", ErrBadFile, unwrapPathError(err))}
			return
		}
		br := bufio.NewReaderSize(in, 64<<10)
		head, _ := br.Peek(4)
		var r io.Reader = br
		switch {
		case bytes.Equal(head, zipMagic):
			e.plain, e.plainZip = br, true
			return
		case bytes.HasPrefix(head, gzipMagic):
			z, err := gzip.NewReader(br)
			if err != nil {
				e.err = &Error{File: name, Err: fmt.Errorf("%w: not a readable gzip stream: %w", ErrBadFile, err)}
				return
			}
			zb := bufio.NewReaderSize(z, 64<<10)
			r = zb
			if h, _ := zb.Peek(sniffBytes); !LooksLikeSQL(h) {
				e.plain = zb
				return
			}
		default:
			if h, _ := br.Peek(sniffBytes); !LooksLikeSQL(h) {
				e.plain = br
				return
			}
		}
		spool, err := os.CreateTemp("", "civisync-stdin-*.sql")
		if err != nil {
			e.err = &Error{File: name, Err: fmt.Errorf("%w: cannot keep the dump read from %s: %w", ErrBadFile, name, err)}
			return
		}
		os.Remove(spool.Name()) // the open file lives on until the process ends
		w := bufio.NewWriterSize(spool, 256<<10)
		e.idx, e.err = buildDumpIndex(name, io.TeeReader(r, w), &dumpSource{spool: spool})
		if err := w.Flush(); err != nil && e.err == nil {
			e.idx, e.err = nil, &Error{File: name, Err: fmt.Errorf("%w: cannot keep the dump read from %s: %w", ErrBadFile, name, err)}
		}
	})
	return e
}

// streamKey keys a named pipe's entry apart from regular files' keys.
type streamKey string

// isStream reports whether path is read as a stream: standard input, or a
// file that is neither regular nor a directory (a FIFO, <(…), a device),
// which cannot be sought back to its start.
func isStream(path string) bool {
	if path == "-" {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && !st.Mode().IsRegular() && !st.IsDir()
}

// LooksLikeSQL reports whether head, a file's first bytes, starts like a
// SQL dump: after any comments, a statement word and a space.
func LooksLikeSQL(head []byte) bool {
	l := newSQLLexer(bytes.NewReader(head), 0, 1, dumpState{})
	l.skipBlank()
	if l.peek(0) == '\\' { // psql's \restrict, \connect
		return true
	}
	w := strings.ToUpper(l.word())
	if !stmtWords[w] {
		return false
	}
	c := l.peek(0)
	return isSpace(c) || c == 0 && len(head) < sniffBytes || c == ';' || c == '/' || c == '*'
}

// openDumpTable opens the table of kind opt.Table in the indexed dump.
func openDumpTable(idx *dumpIndex, opt Options) (Reader, error) {
	if opt.Table == "" {
		return nil, &Error{File: idx.file, Err: fmt.Errorf("%w: a SQL dump, but which of its tables to read is not known here", ErrBadFile)}
	}
	t, prefix, err := idx.find(opt.Table, opt.TablePrefix)
	if err != nil {
		return nil, err
	}
	if t == nil {
		msg := fmt.Sprintf("no %s table found in %s", kindName(opt.Table), idx.file)
		if idx.cutLine > 0 {
			msg += fmt.Sprintf(" (it is cut off at line %d)", idx.cutLine)
		}
		return nil, &Error{File: idx.file, Err: fmt.Errorf("%w: %s; tables seen: %s", ErrBadFile, msg, idx.tablesSeen())}
	}
	if t.cut {
		return nil, &Error{File: idx.file, Line: idx.cutLine, Err: fmt.Errorf("%w: the dump ends in the middle of a statement of table %s: it was cut off (an interrupted dump or copy?)", ErrBadFile, t.name)}
	}
	d := newDumpReader(idx, t, opt)
	switch opt.Table {
	case "users":
		if meta := idx.tables[strings.ToLower(prefix+"usermeta")]; meta != nil && !hasColumn(t.header(), "first_name") {
			if err := d.joinUsermeta(idx, meta, opt); err != nil {
				return nil, err
			}
		}
	case "group_contacts":
		if g, _, err := idx.find("civicrm_groups", ""); err == nil && g != nil {
			if err := d.joinGroupTitles(idx, g, opt); err != nil {
				return nil, err
			}
		}
	}
	d.lend = opt.ReuseBuffer != nil && opt.ReuseBuffer(d.header)
	return d, nil
}

func newDumpReader(idx *dumpIndex, t *dumpTable, opt Options) *dumpReader {
	d := &dumpReader{name: idx.file + "[" + t.name + "]", file: idx.file, t: t, src: idx.src}
	d.header = cleanHeader(t.header())
	switch strings.ToLower(strings.NewReplacer("-", "", "_", "", " ", "").Replace(opt.Encoding)) {
	case "utf8":
		d.forced = encUTF8
	case "windows1252", "cp1252", "win1252", "latin1", "iso88591":
		d.forced = encLatin1
	}
	return d
}

// segEncoding is the string encoding a segment's state and the table's
// charset give, unless --encoding set it.
func (d *dumpReader) segEncoding(st dumpState) cellEncoding {
	if d.forced != encAuto {
		return d.forced
	}
	if st.latin1 || !st.names && d.t.latin1 {
		return encLatin1
	}
	return encAuto
}

// dumpJoin adds columns to each row from a map keyed by one of its cells:
// the names WordPress keeps in usermeta, the titles of CiviCRM groups.
type dumpJoin struct {
	key  int // the column holding the key
	vals map[string][]string
	n    int // columns added
}

func (j *dumpJoin) fill(row []string, n int) {
	add := j.vals[row[j.key]]
	for i := 0; i < j.n; i++ {
		if i < len(add) {
			row[n+i] = add[i]
		} else {
			row[n+i] = ""
		}
	}
}

// The columns joinUsermeta and joinGroupTitles read, in lower case.
var (
	usermetaColumns   = []string{"user_id", "meta_key", "meta_value"}
	groupTitleColumns = []string{"id", "title"}
)

// lastColumn is the index of h's last column named name (in any case), or
// -1 when there is none.
func lastColumn(h []string, name string) int {
	key := -1
	for i, c := range h {
		if strings.EqualFold(c, name) {
			key = i
		}
	}
	return key
}

// pickCells sets cells[k] to row's value in the column named names[k] (in
// lower case; the last such column wins), leaving a cell whose column is
// missing alone.
func pickCells(h, row, names, cells []string) {
	for i, c := range h {
		lc := strings.ToLower(c)
		for k, n := range names {
			if lc == n {
				cells[k] = row[i]
			}
		}
	}
}

// readDumpTable reads every row of table t, calling fn with each.
func readDumpTable(idx *dumpIndex, t *dumpTable, opt Options, fn func(h, row []string)) error {
	r := newDumpReader(idx, t, opt)
	defer r.Close()
	for {
		row, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if isBadRow(err) {
				continue
			}
			return err
		}
		fn(r.header, row)
	}
}

func isBadRow(err error) bool { return errors.Is(err, ErrBadRow) }

// joinUsermeta gives WordPress users the first_name and last_name their
// <prefix>usermeta rows hold.
func (d *dumpReader) joinUsermeta(idx *dumpIndex, meta *dumpTable, opt Options) error {
	key := lastColumn(d.header, "ID")
	if key < 0 || !hasColumn(meta.header(), "user_id") || !hasColumn(meta.header(), "meta_key") || !hasColumn(meta.header(), "meta_value") {
		return nil
	}
	vals := map[string][]string{}
	err := readDumpTable(idx, meta, opt, func(h, row []string) {
		var cells [3]string
		pickCells(h, row, usermetaColumns, cells[:])
		uid, k, v := cells[0], cells[1], cells[2]
		slot := -1
		switch k {
		case "first_name":
			slot = 0
		case "last_name":
			slot = 1
		}
		if slot < 0 {
			return
		}
		names := vals[uid]
		if names == nil {
			names = make([]string, 2)
			vals[strings.Clone(uid)] = names
		}
		names[slot] = strings.Clone(v)
	})
	if err != nil {
		return err
	}
	d.join = &dumpJoin{key: key, vals: vals, n: 2}
	d.header = append(d.header[:len(d.header):len(d.header)], "first_name", "last_name")
	return nil
}

// joinGroupTitles gives civicrm_group_contact rows the title of their group.
func (d *dumpReader) joinGroupTitles(idx *dumpIndex, g *dumpTable, opt Options) error {
	key := lastColumn(d.header, "group_id")
	if key < 0 {
		return nil
	}
	vals := map[string][]string{}
	err := readDumpTable(idx, g, opt, func(h, row []string) {
		var cells [2]string
		pickCells(h, row, groupTitleColumns, cells[:])
		id, title := cells[0], cells[1]
		vals[strings.Clone(id)] = []string{strings.Clone(title)}
	})
	if err != nil {
		return err
	}
	d.join = &dumpJoin{key: key, vals: vals, n: 1}
	d.header = append(d.header[:len(d.header):len(d.header)], "group_title")
	return nil
}
