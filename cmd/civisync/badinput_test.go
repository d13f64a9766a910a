package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civisync/civisync/pipeline"
	"github.com/xuri/excelize/v2"
)

// TestBadInput runs the binary on the bad files of the issue "Bad input,
// faults and safety", point 3 (SPEC §7), the cases TestErrors does not
// already hold. Every case runs in a directory DIR holding out/, the
// outputs of an earlier good run, and the case's input files. A failing
// run must exit with the status given, print one line `civisync: ...` on
// standard error and nothing on standard output, and leave DIR byte for
// byte as it was (earlier outputs and inputs alike). A run that succeeds
// must print nothing on standard error, replace out/ with exactly the
// outputs (no temporary file left), account for every row it read in
// summary.json, and pass the case's own check.
func TestBadInput(t *testing.T) {
	big := strings.Repeat("x", 8<<20) // an 8 MiB cell
	bigCSV := "uid,name,mail,data,first_name,last_name\n" +
		"1,big,big@example.org," + big + ",Bo," + big + "\n" +
		"2,small,small@example.org,a:0:{},Cy,Dee\n"

	// Seeded random bytes, with and without a zip signature.
	noise := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(3, 7))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	noise[0] = 'x' // no zip signature by chance
	zipNoise := append([]byte("PK\x03\x04"), noise[4:]...)

	// A genuine workbook of 10,000 users that inflates to about 2 MiB.
	rows := [][]string{{"uid", "mail", "first_name", "last_name"}}
	for i := 1; i <= 10000; i++ {
		rows = append(rows, []string{strconv.Itoa(i), fmt.Sprintf("user%05d@example.org", i), "First" + strconv.Itoa(i), "Last" + strconv.Itoa(i)})
	}
	genuine := rawXLSX(t, sheetXML(rows))
	if n := inflatedSize(t, genuine); n < 1500000 || n > 3<<20 {
		t.Fatalf("the genuine workbook inflates to %d bytes, want about 2 MiB", n)
	}

	const bombGiB = 5 // above the default --max-xlsx-size of 1 GiB
	bomb := bombXLSX(t, bombGiB<<10, 0)
	lyingBomb := bombXLSX(t, bombGiB<<10, 64<<10) // says 64 KiB, holds 5 GiB
	hugeDeclared := bombXLSX(t, 1, math.MaxUint64)

	usersRows := [][]string{{"uid", "mail", "first_name", "last_name"}, {"5", "ann@example.org", "Ann", "Lee"}}
	emptyFirst := excelizeXLSX(t, [][]string{}, usersRows) // Sheet1 empty, data on Users

	sync := func(users string, extra ...string) []string {
		return append([]string{"sync", "--users", "DIR/" + users, "--contacts", "DIR/contacts.csv", "--out", "DIR/out"}, extra...)
	}
	const summary0 = "Checked 0 user records. Found 0 matching contact records. Created 0 new contact records.\n"

	cases := []struct {
		name   string
		files  map[string][]byte // written into DIR; contacts.csv defaults to contactsFile
		args   []string          // DIR stands for the case's directory
		code   int
		stderr string                                   // the error line after "civisync: ", a regular expression; "" on success
		within time.Duration                            // the run must take less (default 20 s)
		check  func(t *testing.T, out string, r result) // after a successful run
	}{
		// Header only: a valid file with no rows.
		{name: "header-only CSV users and contacts",
			files: map[string][]byte{"users.csv": []byte("uid,name,mail,status\n"), "contacts.csv": []byte("Contact ID,Contact Type,First Name,Last Name,Email\n")},
			args:  sync("users.csv"), check: headerOnly(summary0, "csv")},
		{name: "header-only CSV with CRLF and BOM, memberships too, XLSX outputs",
			files: map[string][]byte{"users.csv": []byte("\uFEFFuid,mail\r\n"), "contacts.csv": []byte("\uFEFFContact ID,Email\r\n"), "og.csv": []byte("gid,etid,entity_type,state\r\n")},
			args:  append(sync("users.csv", "--memberships", "DIR/og.csv", "--format", "xlsx"), "--out", "DIR/xout"), // out/ holds CSV files
			check: headerOnly(summary0+"Synced 0 Organic Groups to CiviCRM groups: 0 group memberships, 0 administrators, 0 contacts to add to Organic Groups.\n", "xlsx")},
		{name: "header-only XLSX users and contacts",
			files: map[string][]byte{
				"users.xlsx":    excelizeXLSX(t, [][]string{{"uid", "name", "mail", "status"}}),
				"contacts.xlsx": excelizeXLSX(t, [][]string{{"Contact ID", "Contact Type", "First Name", "Last Name", "Email"}})},
			args:  []string{"sync", "--users", "DIR/users.xlsx", "--contacts", "DIR/contacts.xlsx", "--out", "DIR/out"},
			check: headerOnly(summary0, "csv")},

		// Empty files beyond TestErrors' empty users.csv.
		{name: "empty contacts file", files: map[string][]byte{"contacts.csv": nil, "users.csv": []byte(wpUsersHead)},
			args: sync("users.csv"), code: 2, stderr: `DIR/contacts.csv: .*empty file.*`},
		{name: "a BOM and nothing else", files: map[string][]byte{"users.csv": []byte("\uFEFF")},
			args: sync("users.csv"), code: 2, stderr: `DIR/users.csv: .*empty file.*`},
		{name: "blank lines only", files: map[string][]byte{"users.csv": []byte("\n\r\n\n")},
			args: sync("users.csv"), code: 2, stderr: `DIR/users.csv: .*empty file.*`},
		{name: "empty .xlsx", files: map[string][]byte{"users.xlsx": nil},
			args: sync("users.xlsx"), code: 2, stderr: `DIR/users.xlsx: .*not an XLSX.*`},

		// Random bytes.
		{name: "random bytes as .csv", files: map[string][]byte{"users.csv": noise},
			args: sync("users.csv"), code: 2, stderr: `DIR/users.csv(:\d+)*: (unreadable file|missing required column).*`},
		{name: "random bytes as .xlsx", files: map[string][]byte{"users.xlsx": noise},
			args: sync("users.xlsx"), code: 2, stderr: `DIR/users.xlsx: .*not an XLSX workbook.*`},
		{name: "random bytes after a zip signature as .xlsx", files: map[string][]byte{"users.xlsx": zipNoise},
			args: sync("users.xlsx"), code: 2, stderr: `DIR/users.xlsx: .*not a readable XLSX workbook.*`},
		{name: "random bytes after a zip signature as .csv", files: map[string][]byte{"users.csv": zipNoise},
			args: sync("users.csv"), code: 2, stderr: `DIR/users.csv: .*not a readable XLSX workbook.*`},
		{name: "UTF-16 without a BOM (a NUL every other byte)", files: map[string][]byte{"users.csv": utf16LE("uid,mail\n5,ann@example.org\n")},
			args: sync("users.csv"), code: 2, stderr: `DIR/users.csv:1: missing required column.*found: u\\x00i\\x00d\\x00.*`},

		// NUL bytes and huge cells are data like any other.
		{name: "NUL bytes inside fields",
			files: map[string][]byte{"users.csv": []byte("uid,name,mail,first_name,last_name\n9,nu\x00ll,nul@example.org,An\x00n,Lee\n")},
			args:  sync("users.csv"),
			check: func(t *testing.T, out string, r result) {
				wantSummary(t, r, "Checked one user record. Found 0 matching contact records. Created one new contact record.\n")
				wantRows(t, out, "new_contacts.csv", [][]string{{"Individual", "An\x00n", "Lee", "nul@example.org", ""}})
				wantRows(t, out, "user_contacts.csv", [][]string{{"9", "nu\x00ll", "nul@example.org", "", "new", "", ""}})
			}},
		{name: "8 MiB cells in a data column and a name",
			files: map[string][]byte{"users.csv": []byte(bigCSV)},
			args:  sync("users.csv"),
			check: func(t *testing.T, out string, r result) {
				wantSummary(t, r, "Checked 2 user records. Found 0 matching contact records. Created 2 new contact records.\n")
				wantRows(t, out, "new_contacts.csv", [][]string{
					{"Individual", "Bo", big, "big@example.org", ""},
					{"Individual", "Cy", "Dee", "small@example.org", ""}})
			}},
		{name: "8 MiB cell in an XLSX",
			files: map[string][]byte{"users.xlsx": rawXLSX(t, sheetXML([][]string{{"uid", "mail", "first_name", "last_name"}, {"1", "big@example.org", "Bo", big}}))},
			args:  sync("users.xlsx"),
			check: func(t *testing.T, out string, r result) {
				wantSummary(t, r, "Checked one user record. Found 0 matching contact records. Created one new contact record.\n")
				wantRows(t, out, "new_contacts.csv", [][]string{{"Individual", "Bo", big, "big@example.org", ""}})
			}},

		// Not UTF-8 and no BOM: Windows-1252.
		{name: "invalid UTF-8 read as Windows-1252",
			files: map[string][]byte{"users.csv": []byte("uid,mail,first_name,last_name\n5,rene@example.org,Ren\xe9e,M\xfcller \x80\n")},
			args:  sync("users.csv"),
			check: func(t *testing.T, out string, r result) {
				wantRows(t, out, "new_contacts.csv", [][]string{{"Individual", "Renée", "Müller €", "rene@example.org", ""}})
			}},

		// Unbalanced quotes: the row where the quote opens is a bad row; the run goes on.
		{name: "quote inside an unquoted field is a character", files: map[string][]byte{"users.csv": []byte(quoteBare)},
			args: sync("users.csv"), check: badRows(3)},
		{name: "stray quote in a quoted field", files: map[string][]byte{"users.csv": []byte(quoteInQuoted)},
			args: sync("users.csv"), check: badRows(2, "DIR/users.csv:3")},
		{name: "unclosed quote to the end of the file", files: map[string][]byte{"users.csv": []byte(quoteUnclosed)},
			args: sync("users.csv"), check: badRows(1, "DIR/users.csv:3")},
		{name: "unclosed quote up to a later quote", files: map[string][]byte{"users.csv": []byte(quoteUnclosedThenQuote)},
			args: sync("users.csv"), check: badRows(2, "DIR/users.csv:3")},
		{name: "quote inside an unquoted field with --strict", files: map[string][]byte{"users.csv": []byte(quoteBare)},
			args: sync("users.csv", "--strict"), check: badRows(3)},
		{name: "stray quote in a quoted field with --strict", files: map[string][]byte{"users.csv": []byte(quoteInQuoted)},
			args: sync("users.csv", "--strict"), code: 2, stderr: `DIR/users.csv:3(:\d+)?: bad row: .*quote.*`},
		{name: "unclosed quote with --strict", files: map[string][]byte{"users.csv": []byte(quoteUnclosed)},
			args: sync("users.csv", "--strict"), code: 2, stderr: `DIR/users.csv:3(:\d+)?: bad row: .*quote.*never closed.*`},
		{name: "unclosed quote in the contacts with --strict", files: map[string][]byte{"users.csv": []byte(wpUsersHead), "contacts.csv": []byte(contactsFile + "8,Individual,\"Bo,Ray,bo@example.org\n")},
			args: sync("users.csv", "--strict"), code: 2, stderr: `DIR/contacts.csv:3(:\d+)?: bad row: .*quote.*`},
		{name: "unclosed quote in the header", files: map[string][]byte{"users.csv": []byte("uid,\"mail\n5,ann@example.org\n")},
			args: sync("users.csv"), code: 2, stderr: `DIR/users.csv:1: unreadable file: header: .*quote.*never closed.*line 2.*`},

		// Ragged rows and ids that are not numbers, in every kind of file.
		{name: "ragged rows and non-numeric ids without --strict",
			files: map[string][]byte{"users.csv": []byte(raggedUsers), "contacts.csv": []byte(raggedContacts), "og.csv": []byte(raggedMembers)},
			args:  sync("users.csv", "--memberships", "DIR/og.csv"),
			check: func(t *testing.T, out string, r result) {
				badRows(2, "DIR/users.csv:3", "DIR/users.csv:4", "DIR/users.csv:5", "DIR/users.csv:7", "DIR/contacts.csv:3", "DIR/og.csv:3", "DIR/og.csv:4")(t, out, r)
				s := readSummary(t, out)
				want := map[string][4]int{ // read, used, reviewed, skipped
					// og.csv line 2 names group 1, which has no title (unknown-group): reviewed too.
					"users.csv": {7, 2, 4, 1}, "contacts.csv": {2, 1, 1, 0}, "og.csv": {3, 0, 3, 0}}
				for _, f := range s.Files {
					w, ok := want[filepath.Base(f.File)]
					if got := [4]int{f.Read, f.Used, f.Reviewed, f.Skipped}; !ok || got != w {
						t.Errorf("summary.json %s: rows read, used, reviewed, skipped %v, want %v", f.File, got, w)
					}
				}
				if len(s.Files) != len(want) {
					t.Errorf("summary.json lists %d files, want %d", len(s.Files), len(want))
				}
				wantSummary(t, r, "Checked 2 user records. Found one matching contact record. Created one new contact record.\n"+
					"Synced one Organic Group to CiviCRM groups: one group membership, 0 administrators, 0 contacts to add to Organic Groups.\n")
			}},
		{name: "non-numeric contact id with --strict", files: map[string][]byte{"users.csv": []byte(raggedUsers), "contacts.csv": []byte(raggedContacts)},
			args: sync("users.csv", "--strict"), code: 2, stderr: `DIR/(users|contacts).csv:3(:\d+)?: bad row: .*"(x3|C8)".*`},
		{name: "non-numeric gid with --strict", files: map[string][]byte{"users.csv": []byte(wpUsersHead), "og.csv": []byte(raggedMembers)},
			args: sync("users.csv", "--memberships", "DIR/og.csv", "--strict"), code: 2, stderr: `DIR/og.csv:3(:\d+)?: bad row: .*"g2".*`},
		{name: "ragged row in an XLSX with --strict", files: map[string][]byte{"users.xlsx": rawXLSX(t, sheetXML([][]string{{"uid", "mail"}, {"5", "ann@example.org"}, {"6", "bob@example.org", "extra"}}))},
			args: sync("users.xlsx", "--strict"), code: 2, stderr: `DIR/users.xlsx:3(:\d+)?: bad row: .*`},

		// Zip bombs: refused from the sizes the zip declares, before
		// anything is inflated (inflating 5 GiB takes well over 5 s), and
		// never read past what they declare: a zip that understates a size
		// is corrupt, not a shorter sheet.
		{name: "zip bomb: a sheet of 5 GiB", files: map[string][]byte{"users.xlsx": bomb},
			args: sync("users.xlsx"), code: 2, within: time.Minute,
			stderr: `DIR/users.xlsx: .*more than 1073741824 bytes.*--max-xlsx-size.*`},
		{name: "zip bomb read by extract to standard output", files: map[string][]byte{"users.xlsx": bomb},
			args: []string{"extract", "users", "DIR/users.xlsx"}, code: 2, within: time.Minute,
			stderr: `DIR/users.xlsx: .*more than 1073741824 bytes.*--max-xlsx-size.*`},
		{name: "zip bomb under a raised --max-xlsx-size that is still too low", files: map[string][]byte{"users.xlsx": bomb},
			args: sync("users.xlsx", "--max-xlsx-size", strconv.Itoa(bombGiB<<30)), code: 2, within: time.Minute,
			stderr: `DIR/users.xlsx: .*more than 5368709120 bytes.*--max-xlsx-size.*`},
		{name: "zip bomb that understates its size", files: map[string][]byte{"users.xlsx": lyingBomb},
			args: sync("users.xlsx"), code: 2, within: time.Minute,
			stderr: `DIR/users.xlsx: .*not a readable XLSX workbook.*`},
		{name: "zip entry declaring 2^64-1 bytes", files: map[string][]byte{"users.xlsx": hugeDeclared},
			args: sync("users.xlsx"), code: 2, within: time.Minute,
			stderr: `DIR/users.xlsx: .*more than 1073741824 bytes.*--max-xlsx-size.*`},
		{name: "genuine 2 MiB workbook over --max-xlsx-size 1000000", files: map[string][]byte{"users.xlsx": genuine},
			args: sync("users.xlsx", "--max-xlsx-size", "1000000"), code: 2,
			stderr: `DIR/users.xlsx: .*more than 1000000 bytes.*--max-xlsx-size.*`},
		{name: "genuine 2 MiB workbook under the default limit", files: map[string][]byte{"users.xlsx": genuine},
			args: sync("users.xlsx"),
			check: func(t *testing.T, out string, r result) {
				wantSummary(t, r, "Checked 10000 user records. Found 0 matching contact records. Created 10000 new contact records.\n")
			}},

		// Sheets.
		{name: "XLSX whose first sheet is empty", files: map[string][]byte{"users.xlsx": emptyFirst},
			args: sync("users.xlsx"), code: 2, stderr: `DIR/users.xlsx: .*sheet "Sheet1" is empty: no header row`},
		{name: "XLSX whose first sheet is empty, --sheet names the other", files: map[string][]byte{"users.xlsx": emptyFirst},
			args: sync("users.xlsx", "--sheet", "Users"),
			check: func(t *testing.T, out string, r result) {
				wantRows(t, out, "new_contacts.csv", [][]string{{"Individual", "Ann", "Lee", "ann@example.org", ""}})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			mustRun(t, nil, "sync", "-q", "--users", wpUsers, "--contacts", contactsCSV, "--out", out)
			files := map[string][]byte{"contacts.csv": []byte(contactsFile)}
			for name, data := range c.files {
				files[name] = data
			}
			for name, data := range files {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := readTree(t, dir)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}

			start := time.Now()
			r := civisync(t, nil, args...)
			took := time.Since(start)

			within := c.within
			if within == 0 {
				within = 20 * time.Second // only a hang fails
			}
			if took > within {
				t.Errorf("took %v, want under %v", took.Round(time.Millisecond), within)
			}
			if r.code != c.code {
				t.Errorf("exit %d, want %d\nstderr: %.500s", r.code, c.code, r.stderr)
			}
			if c.code != 0 {
				t.Logf("exit %d in %v: %.300s", r.code, took.Round(time.Millisecond), strings.ReplaceAll(r.stderr, dir, "DIR"))
				checkErrorLine(t, r.stderr, strings.ReplaceAll(c.stderr, "DIR", regexp.QuoteMeta(dir)))
				if r.stdout != "" {
					t.Errorf("standard output: %.200q, want nothing", r.stdout)
				}
				compareTrees(t, before, readTree(t, dir))
				return
			}
			if r.stderr != "" {
				t.Errorf("standard error: %.500q, want nothing", r.stderr)
			}
			for name, data := range files { // inputs are never changed
				if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, data) {
					t.Errorf("input %s changed (%v)", name, err)
				}
			}
			for i, a := range args[:len(args)-1] {
				if a == "--out" {
					out = args[i+1] // the last --out wins
				}
			}
			checkOutputSet(t, out)
			s := readSummary(t, out)
			for _, f := range s.Files {
				if f.Read != f.Used+f.Reviewed+f.Skipped {
					t.Errorf("summary.json %s: rows_read %d != rows_used %d + rows_reviewed %d + rows_skipped %d", f.File, f.Read, f.Used, f.Reviewed, f.Skipped)
				}
			}
			c.check(t, out, r)
		})
	}
}

// contactsFile is the contacts input of every case unless it gives its own:
// one Individual, Olga Friend, contact 7.
const contactsFile = "Contact ID,Contact Type,First Name,Last Name,Email\n7,Individual,Olga,Friend,olga@example.org\n"

// wpUsersHead is a good users file of one row.
const wpUsersHead = "uid,mail,first_name,last_name\n5,ann@example.org,Ann,Lee\n"

// Unbalanced quotes; in each the quote opens on line 3.
const (
	quoteBare = "uid,mail,first_name,last_name\n" +
		"1,ann@example.org,Ann,Lee\n" +
		"2,bob@example.org,Bo\"b,Ray\n" +
		"3,cy@example.org,Cy,Dee\n"
	quoteInQuoted = "uid,mail,first_name,last_name\n" +
		"1,ann@example.org,Ann,Lee\n" +
		"2,bob@example.org,\"Bo\"b\",Ray\n" +
		"3,cy@example.org,Cy,Dee\n"
	quoteUnclosed = "uid,mail,first_name,last_name\n" +
		"1,ann@example.org,Ann,Lee\n" +
		"2,bob@example.org,\"Bob,Ray\n" +
		"3,cy@example.org,Cy,Dee\n"
	quoteUnclosedThenQuote = "uid,mail,first_name,last_name\n" +
		"1,ann@example.org,Ann,Lee\n" +
		"2,bob@example.org,\"Bob,Ray\n" +
		"3,cy@example.org,Cy,Dee\n" +
		"4,dee@example.org,\"Dee\",Ray\n" +
		"5,eve@example.org,Eve,Ray\n"
)

// Ragged rows and ids that are not numbers. Users: line 3 uid x3, line 4
// one field too many, line 5 two too few, line 6 the anonymous user
// (skipped), line 7 uid 12abc. Contacts: line 3 id C8. Memberships: line
// 3 gid g2, line 4 a field too many.
const (
	raggedUsers = "uid,mail,first_name,last_name\n" +
		"1,ann@example.org,Ann,Lee\n" +
		"x3,bob@example.org,Bob,Ray\n" +
		"4,cy@example.org,Cy,Dee,extra\n" +
		"5,dee@example.org\n" +
		"0,,,\n" +
		"12abc,eve@example.org,Eve,Ray\n" +
		"6,olga@example.org,Olga,Friend\n"
	raggedContacts = contactsFile + "C8,Individual,Carl,Eight,carl@example.org\n"
	raggedMembers  = "gid,etid,entity_type,state\n" +
		"1,1,user,1\n" +
		"g2,6,user,1\n" +
		"1,6,user,1,9\n"
)

// outputHeaders are the column titles of every output (SPEC §5).
var outputHeaders = map[string][]string{
	"user_contacts":  {"User ID", "Username", "Email", "Contact ID", "Match", "Rule Score", "Matched Fields"},
	"new_contacts":   {"Contact Type", "First Name", "Last Name", "Email", "External Identifier"},
	"groups":         {"Name", "Title", "Group Type", "Source"},
	"group_members":  {"Group Title", "Contact ID", "Email", "Status"},
	"acl_admins":     {"Group Title", "Contact ID", "Email", "Status"},
	"user_import_og": {"Group", "Email", "First Name", "Last Name", "Username"},
	"review":         {"Kind", "File", "Line", "User ID", "Contact ID", "Detail"},
	// written even when empty, with its header
	"possible_duplicates": {"User ID", "Contact ID", "Score", "Why"},
}

// checkOutputSet: out holds summary.json and one CSV or XLSX file of every
// output, each starting with its header row, and nothing else.
func checkOutputSet(t *testing.T, out string) {
	t.Helper()
	got := outputs(t, out)
	var names []string
	for name, data := range got {
		if dir, file, ok := strings.Cut(name, "/"); ok && dir == pipeline.API4Dir {
			if err := pipeline.CheckAPI4File(file, data); err != nil {
				t.Error(err)
			}
		} else if !ok {
			names = append(names, name)
		} else if dir != pipeline.FileOGImport { // one file per OG, always written
			names = append(names, name)
		}
		if name == "summary.json" {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(name, ".csv"), ".xlsx")
		if dir, _, ok := strings.Cut(base, "/"); ok && dir == pipeline.FileOGImport {
			base = dir
		}
		want, ok := outputHeaders[base]
		if !ok {
			continue
		}
		if rows := csvRows(t, name, data); len(rows) == 0 || !slices.Equal(rows[0], want) {
			t.Errorf("%s: header %q, want %q", name, first(rows), want)
		}
	}
	slices.Sort(names)
	ext := ".csv"
	if _, ok := got["review.xlsx.csv"]; ok {
		ext = ".xlsx.csv"
	}
	var want []string
	for base := range outputHeaders {
		want = append(want, base+ext)
	}
	want = append(want, "summary.json")
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("output files %q, want %q", names, want)
	}
}

func first(rows [][]string) []string {
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// badInputSummary is what these tests read of summary.json.
type badInputSummary struct {
	Checked int            `json:"users_checked"`
	Found   int            `json:"contacts_found"`
	Created int            `json:"contacts_created"`
	Skipped int            `json:"users_skipped"`
	Text    string         `json:"summary"`
	Review  map[string]int `json:"review"`
	Totals  map[string]int `json:"totals"`
	Files   []struct {
		File     string `json:"file"`
		Read     int    `json:"rows_read"`
		Used     int    `json:"rows_used"`
		Reviewed int    `json:"rows_reviewed"`
		Skipped  int    `json:"rows_skipped"`
	} `json:"files"`
}

func readSummary(t *testing.T, out string) badInputSummary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s badInputSummary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	return s
}

func wantSummary(t *testing.T, r result, want string) {
	t.Helper()
	if r.stdout != want {
		t.Errorf("standard output %q, want %q", r.stdout, want)
	}
}

// wantRows: the data rows (header left out) of an output file.
func wantRows(t *testing.T, out, name string, want [][]string) {
	t.Helper()
	rows := csvRows(t, name, outputs(t, out)[name])
	if len(rows) == 0 {
		t.Fatalf("%s: no header row", name)
	}
	got := rows[1:]
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d: %.300q", name, len(got), len(want), got)
		return
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("%s row %d: %.300q, want %.300q", name, i+2, got[i], want[i])
		}
	}
}

// headerOnly checks a run on inputs without rows: the summary says 0 of
// everything, and every output is its header row alone.
func headerOnly(stdout, format string) func(t *testing.T, out string, r result) {
	return func(t *testing.T, out string, r result) {
		wantSummary(t, r, stdout)
		for name, data := range outputs(t, out) {
			if strings.HasPrefix(name, pipeline.API4Dir+"/") {
				if !strings.Contains(string(data), `"records":[`+"\n]}") {
					t.Errorf("%s: records, want none: %.300s", name, data)
				}
				continue
			}
			if name == "summary.json" {
				continue
			}
			if rows := csvRows(t, name, data); len(rows) != 1 {
				t.Errorf("%s: %d rows, want the header alone", name, len(rows))
			}
			if format == "xlsx" && !strings.HasSuffix(name, ".xlsx.csv") {
				t.Errorf("%s: want XLSX outputs", name)
			}
		}
		s := readSummary(t, out)
		if s.Checked != 0 || s.Found != 0 || s.Created != 0 || s.Skipped != 0 || len(s.Review) != 0 {
			t.Errorf("summary.json: checked %d, found %d, created %d, skipped %d, review %v: want all 0", s.Checked, s.Found, s.Created, s.Skipped, s.Review)
		}
		for k, n := range s.Totals {
			if n != 0 {
				t.Errorf("summary.json: totals.%s = %d, want 0", k, n)
			}
		}
		if s.Text+"\n" != stdout {
			t.Errorf("summary.json: summary %q, want %q", s.Text, stdout)
		}
		for _, f := range s.Files {
			if f.Read != 0 {
				t.Errorf("summary.json: %s: rows_read %d, want 0", f.File, f.Read)
			}
		}
	}
}

// badRows checks that review.csv lists exactly the bad rows given (as
// "DIR/file:line", in any order), each with a detail, and that the run went
// on: summary.json counts checked users and len(want) bad rows.
func badRows(checked int, want ...string) func(t *testing.T, out string, r result) {
	return func(t *testing.T, out string, r result) {
		t.Helper()
		dir := filepath.Dir(out)
		var got []string
		for _, row := range csvRows(t, "review.csv", outputs(t, out)["review.csv"])[1:] {
			if row[0] != "bad-row" {
				continue
			}
			got = append(got, strings.Replace(row[1], dir, "DIR", 1)+":"+row[2])
			if row[5] == "" {
				t.Errorf("bad-row %s:%s has no detail", row[1], row[2])
			}
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("bad-row review items %q, want %q", got, want)
		}
		s := readSummary(t, out)
		if s.Checked != checked {
			t.Errorf("summary.json: users_checked %d, want %d", s.Checked, checked)
		}
		if s.Review["bad-row"] != len(want) {
			t.Errorf("summary.json: review.bad-row %d, want %d", s.Review["bad-row"], len(want))
		}
	}
}

func utf16LE(s string) []byte {
	var b []byte
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

// excelizeXLSX saves a workbook made by excelize, one sheet per table:
// "Sheet1" first, then "Users", "Sheet3"... (a nil or empty table leaves
// its sheet empty).
func excelizeXLSX(t *testing.T, sheets ...[][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, rows := range sheets {
		name := "Sheet1"
		if i > 0 {
			name = "Users"
			if i > 1 {
				name = fmt.Sprintf("Sheet%d", i+1)
			}
			if _, err := f.NewSheet(name); err != nil {
				t.Fatal(err)
			}
		}
		for r, row := range rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
			}
			if err := f.SetSheetRow(name, fmt.Sprintf("A%d", r+1), &cells); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sheetXML is a <sheetData> of inline strings (excelize cuts a cell to
// 32,767 characters when it writes one; a workbook from elsewhere need not).
func sheetXML(rows [][]string) []byte {
	var b bytes.Buffer
	for r, row := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, r+1)
		for c, v := range row {
			fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>`, 'A'+c, r+1)
			xmlEscape(&b, v)
			b.WriteString(`</t></is></c>`)
		}
		b.WriteString(`</row>`)
	}
	return b.Bytes()
}

func xmlEscape(b *bytes.Buffer, s string) {
	b.WriteString(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s))
}

const (
	ssmlNS = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	relsNS = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
)

var (
	sheetHead = []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<worksheet xmlns="` + ssmlNS + `"><sheetData>`)
	sheetTail = []byte(`</sheetData></worksheet>`)
)

// workbookParts writes every part of a one-sheet workbook ("Users") but
// the sheet itself, xl/worksheets/sheet1.xml.
func workbookParts(zw *zip.Writer) error {
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relsNS + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="` + ssmlNS + `" xmlns:r="` + relsNS + `"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relsNS + `/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	}
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return err
		}
	}
	return nil
}

// rawXLSX is a minimal workbook written by hand whose one sheet holds
// sheetData.
func rawXLSX(t *testing.T, sheetData []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	if err := workbookParts(zw); err != nil {
		t.Fatal(err)
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][]byte{sheetHead, sheetData, sheetTail} {
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inflatedSize is the sum of the sizes a zip declares for its entries.
func inflatedSize(t *testing.T, data []byte) int64 {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, f := range zr.File {
		n += int64(f.UncompressedSize64)
	}
	return n
}

// bombXLSX is a workbook whose sheet really inflates to mib MiB: a header
// row and one user, then white space, made of one deflated MiB of spaces
// repeated, so it is built in milliseconds and is about mib KiB long. Its
// CRC-32 is right (computed without inflating, from CRC-32 being affine in
// its starting value). The entry declares its true size, or declared
// when that is not 0: a zip that lies about it.
func bombXLSX(t *testing.T, mib int, declared uint64) []byte {
	t.Helper()
	head := append(append([]byte{}, sheetHead...), sheetXML(usersRowsForBomb)...)
	chunk := bytes.Repeat([]byte{' '}, 1<<20)

	// Deflate: head and the first MiB, then each further MiB (a block that
	// only refers back to spaces, so it can be repeated), then the tail.
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	take := func() []byte { b := bytes.Clone(buf.Bytes()); buf.Reset(); return b }
	fw.Write(head)
	fw.Write(chunk)
	fw.Flush()
	start := take()
	fw.Write(chunk)
	fw.Flush()
	again := take()
	fw.Write(sheetTail)
	fw.Close()
	end := take()

	// crc32.Update(c, p) = A·c ⊕ Update(0, p) over GF(2): find A's columns
	// once, then apply the map once per repeated MiB.
	tab := crc32.IEEETable
	k := crc32.Update(0, tab, chunk)
	var cols [32]uint32
	for i := range cols {
		cols[i] = crc32.Update(1<<i, tab, chunk) ^ k
	}
	crc := crc32.Update(crc32.Update(0, tab, head), tab, chunk)
	for range mib - 1 {
		next := k
		for i := range cols {
			if crc&(1<<i) != 0 {
				next ^= cols[i]
			}
		}
		crc = next
	}
	crc = crc32.Update(crc, tab, sheetTail)

	size := uint64(len(head)) + uint64(mib)<<20 + uint64(len(sheetTail))
	if declared != 0 {
		size = declared
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	if err := workbookParts(zw); err != nil {
		t.Fatal(err)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(len(start)+len(end)) + uint64(mib-1)*uint64(len(again)),
		UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(start)
	for range mib - 1 {
		w.Write(again)
	}
	w.Write(end)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var usersRowsForBomb = [][]string{{"uid", "mail"}, {"5", "ann@example.org"}}
