package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestErrors runs the binary on bad calls and bad files (SPEC §7): the exit
// status says what kind of error it is, standard error holds exactly one
// line `civisync: ...` naming the file (and line) at fault, nothing goes to
// standard output, and the output directory of an earlier run, the inputs
// and everything else in the directory are left byte for byte as they were.
func TestErrors(t *testing.T) {
	// Each case gets a directory DIR holding out/ (the outputs of an
	// earlier run) and whatever files setup writes. In args and stderr,
	// DIR stands for that directory; stderr is a regular expression
	// matched against the whole line after "civisync: ".
	cases := []struct {
		name   string
		setup  map[string]string // files to create in DIR
		args   []string
		code   int
		stderr string
		root   bool // skip when running as root (permissions do not apply)
	}{
		// 1: usage errors.
		{name: "unknown flag", args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--bogus", "--out", "DIR/out"},
			code: 1, stderr: `flag provided but not defined: -bogus`},
		{name: "unknown flag after an argument", args: []string{"extract", "users", wpUsers, "--bogus", "-o", "DIR/out/users.csv"},
			code: 1, stderr: `flag provided but not defined: -bogus`},
		{name: "missing --users", args: []string{"sync", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 1, stderr: `--users FILE and --contacts FILE are required .*`},
		{name: "flag without its value", args: []string{"sync", "--contacts", contactsCSV, "--out", "DIR/out", "--users"},
			code: 1, stderr: `flag needs an argument: -users`},
		{name: "unknown command", args: []string{"snyc", "--users", wpUsers, "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 1, stderr: `unknown command "snyc" .*`},
		{name: "unknown extract command", args: []string{"extract", "groups", d7Nodes},
			code: 1, stderr: `unknown command "groups" .*`},
		{name: "bad --format", args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--format", "ods", "--out", "DIR/out"},
			code: 1, stderr: `--format "ods": want csv or xlsx`},
		{name: "bad --rule", args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--rule", "fuzzy-ish", "--out", "DIR/out"},
			code: 1, stderr: `--rule "fuzzy-ish": .*`},
		{name: "unknown --map field", args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--map", "mail=Email", "--out", "DIR/out"},
			code: 1, stderr: `--map: unknown field mail`},
		{name: "unknown config setting", setup: map[string]string{"c.yaml": "users: " + wpUsers + "\ncontact: " + contactsCSV + "\n"},
			args: []string{"sync", "--config", "DIR/c.yaml", "--out", "DIR/out"}, code: 1, stderr: `--config DIR/c.yaml: unknown setting "contact"`},
		{name: "load into its own directory", args: []string{"load", "DIR/out", "--out", "DIR/out"},
			code: 1, stderr: `load: --out must differ from the input directory DIR/out`},

		// 2: bad input files.
		{name: "missing file", args: []string{"sync", "--users", "DIR/nope.csv", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 2, stderr: `DIR/nope.csv: .*no such file or directory`},
		{name: "empty file", setup: map[string]string{"users.csv": ""},
			args: []string{"sync", "--users", "DIR/users.csv", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 2, stderr: `DIR/users.csv: .*empty.*`},
		{name: "missing required column", setup: map[string]string{"users.csv": "uid,name,created\n1,admin,1262304000\n"},
			args: []string{"sync", "--users", "DIR/users.csv", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 2, stderr: `DIR/users.csv:1: missing required column.* email \(accepts: mail, email, e-mail, user_email, email address\).*found: uid, name, created`},
		{name: "missing contact id column", setup: map[string]string{"contacts.csv": "First Name,Email\nMary,mary.smith@example.org\n"},
			args: []string{"sync", "--users", wpUsers, "--contacts", "DIR/contacts.csv", "--out", "DIR/out"},
			code: 2, stderr: `DIR/contacts.csv:1: missing required column.* contact_id \(accepts: contact id, .*\).*found: First Name, Email`},
		{name: "--map names a column the file lacks", args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--map", "users.email=Login Email", "--out", "DIR/out"},
			code: 2, stderr: wpUsers + `: .*Login Email.*`},
		{name: "binary file", setup: map[string]string{"users.csv": "\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00\x03\x00>\x00\x01\x1b[31m\r", 2000)},
			args: []string{"sync", "--users", "DIR/users.csv", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 2, stderr: `DIR/users.csv(:1)?: .*`},
		{name: "CSV renamed .xlsx", setup: map[string]string{"users.xlsx": "uid,mail\n1,a@example.org\n"},
			args: []string{"sync", "--users", "DIR/users.xlsx", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 2, stderr: `DIR/users.xlsx: .*not an XLSX.*`},
		{name: "corrupt XLSX", setup: map[string]string{"contacts.xlsx": "@head:" + contactsXLSX},
			args: []string{"sync", "--users", wpUsers, "--contacts", "DIR/contacts.xlsx", "--out", "DIR/out"},
			code: 2, stderr: `DIR/contacts.xlsx: .*`},
		{name: "--sheet that does not exist", args: []string{"sync", "--users", wpUsers, "--contacts", contactsXLSX, "--sheet", "Members", "--out", "DIR/out"},
			code: 2, stderr: contactsXLSX + `: .*"Members".*contacts.*`},
		{name: "non-numeric uid with --strict", args: []string{"sync", "--users", badRowsUsers, "--contacts", contactsCSV, "--strict", "--out", "DIR/out"},
			code: 2, stderr: badRowsUsers + `:4(:1)?: .*"x3".*`},
		{name: "ragged row with --strict", setup: map[string]string{"users.csv": "uid,mail\n1,a@example.org\n2,b@example.org,extra\n"},
			args: []string{"sync", "--users", "DIR/users.csv", "--contacts", contactsCSV, "--strict", "--out", "DIR/out"},
			code: 2, stderr: `DIR/users.csv:3(:\d+)?: .*`},
		{name: "load of a missing directory", args: []string{"load", "DIR/nope", "--out", "DIR/out"},
			code: 2, stderr: `DIR/nope: .*`},

		// 3: outputs that cannot be written.
		{name: "output directory is a file", setup: map[string]string{"afile": "not a directory\n"},
			args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--out", "DIR/afile"},
			code: 3, stderr: `DIR/afile: .*not a directory`},
		{name: "output directory below a file", setup: map[string]string{"afile": "not a directory\n"},
			args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--out", "DIR/afile/out"},
			code: 3, stderr: `DIR/afile/out: .*not a directory`},
		{name: "output directory not writable", setup: map[string]string{"out/": "0555"},
			args: []string{"sync", "--users", wpUsers, "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 3, stderr: `DIR/out.*: .*permission denied`, root: true},
		{name: "output would overwrite the users input", setup: map[string]string{"out/user_contacts.csv": "@copy:" + wpUsers},
			args: []string{"sync", "--users", "DIR/out/user_contacts.csv", "--contacts", contactsCSV, "--out", "DIR/out"},
			code: 3, stderr: `DIR/out/user_contacts.csv: .*would overwrite the input DIR/out/user_contacts.csv`},
		{name: "output would overwrite the contacts input", setup: map[string]string{"out/review.csv": "@copy:" + contactsCSV},
			args: []string{"sync", "--users", wpUsers, "--contacts", "DIR/out/review.csv", "--out", "DIR/out"},
			code: 3, stderr: `DIR/out/review.csv: .*would overwrite the input DIR/out/review.csv`},
		{name: "extract over its input", setup: map[string]string{"users.csv": "@copy:" + wpUsers},
			args: []string{"extract", "users", "DIR/users.csv", "-o", "DIR/users.csv"},
			code: 3, stderr: `DIR/users.csv: .*would overwrite the input DIR/users.csv`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.root && os.Geteuid() == 0 {
				t.Skip("running as root: permissions do not stop writes")
			}
			dir := t.TempDir()
			mustRun(t, nil, "sync", "-q", "--users", wpUsers, "--contacts", contactsCSV, "--out", filepath.Join(dir, "out"))
			for name, content := range c.setup {
				writeFixture(t, dir, name, content)
			}
			before := readTree(t, dir)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}

			r := civisync(t, nil, args...)

			if r.code != c.code {
				t.Errorf("exit %d, want %d", r.code, c.code)
			}
			checkErrorLine(t, r.stderr, strings.ReplaceAll(c.stderr, "DIR", regexp.QuoteMeta(dir)))
			if r.stdout != "" {
				t.Errorf("standard output: %q, want nothing", r.stdout)
			}
			if c.setup["out/"] != "" {
				os.Chmod(filepath.Join(dir, "out"), 0o755) // so that the tree can be read and removed
			}
			compareTrees(t, before, readTree(t, dir))
		})
	}
}

// writeFixture creates DIR/name: content is the text, or "@copy:FILE" (a
// copy of a sample), or "@head:FILE" (its first 300 bytes: a broken zip).
// A name ending in "/" is a directory whose mode is content (octal).
func writeFixture(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if strings.HasSuffix(name, "/") {
		var mode os.FileMode
		for _, d := range content {
			mode = mode*8 + os.FileMode(d-'0')
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return
	}
	data := []byte(content)
	if from, ok := strings.CutPrefix(content, "@copy:"); ok {
		data = readSample(t, from)
	} else if from, ok := strings.CutPrefix(content, "@head:"); ok {
		data = readSample(t, from)[:300]
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readSample(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkErrorLine: stderr is exactly one line, "civisync: " then text
// matching pattern, and no Go stack trace.
func checkErrorLine(t *testing.T, stderr, pattern string) {
	t.Helper()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") || strings.Contains(stderr, ".go:") {
		t.Errorf("stack trace on standard error:\n%s", stderr)
	}
	line, ok := strings.CutSuffix(stderr, "\n")
	if !ok || strings.Contains(line, "\n") {
		t.Errorf("standard error is not one line:\n%s", stderr)
		return
	}
	for _, r := range line {
		if unicode.IsControl(r) {
			t.Errorf("standard error holds control character %U: %q", r, line)
			break
		}
	}
	if len(line) > 4000 {
		t.Errorf("standard error is %d bytes long", len(line))
	}
	msg, ok := strings.CutPrefix(line, "civisync: ")
	if !ok {
		t.Errorf("standard error %q does not start with \"civisync: \"", line)
		return
	}
	if !regexp.MustCompile(`^(?:` + pattern + `)$`).MatchString(msg) {
		t.Errorf("standard error %q\nwant civisync: %s", line, pattern)
	}
}

// TestBadRowWithoutStrict: a bad row is listed for review with its file and
// line, and the run goes on (exit 0).
func TestBadRowWithoutStrict(t *testing.T) {
	out := t.TempDir()
	r := mustRun(t, nil, "sync", "--users", badRowsUsers, "--contacts", contactsCSV, "--out", out)
	if r.stderr != "" {
		t.Errorf("standard error: %q", r.stderr)
	}
	rows := csvRows(t, "review.csv", outputs(t, out)["review.csv"])
	var bad [][]string
	for _, row := range rows[1:] {
		if row[0] == "bad-row" {
			bad = append(bad, row[:4])
		}
	}
	want := [][]string{
		{"bad-row", badRowsUsers, "4", ""}, // uid x3
		{"bad-row", badRowsUsers, "5", ""}, // five fields
	}
	if strings.Join(flatten(bad), "|") != strings.Join(flatten(want), "|") {
		t.Errorf("bad-row review items (Kind, File, Line, User ID):\n got %q\nwant %q", bad, want)
	}
	if !strings.HasPrefix(r.stdout, "Checked 3 user records.") {
		t.Errorf("summary %q: the good rows are not checked", r.stdout)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
