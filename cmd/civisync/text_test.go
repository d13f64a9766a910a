package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTextExportsEquivalent: the same users as a mysql -B export (tabs,
// backslash escapes, \N) and as a phpMyAdmin CSV with NULL give the same
// outputs as the plain CSV samples; only the file name and, where a cell
// held a line break, the line numbers in review.csv differ.
func TestTextExportsEquivalent(t *testing.T) {
	for _, pair := range [][2]string{
		{"drupal7-main", "drupal7-mysql-batch"},
		{"wordpress", "wordpress-phpmyadmin-null"},
	} {
		t.Run(pair[1], func(t *testing.T) {
			read := func(name string) map[string][]byte {
				files := map[string][]byte{}
				for rel, data := range readTree(t, filepath.Join(goldenDir, name)) {
					switch rel {
					case "args", "summary.json":
					case "review.csv":
						var b bytes.Buffer
						for _, row := range csvRows(t, rel, data) {
							fmt.Fprintf(&b, "%q\n", slices.Delete(row, 1, 3)) // File, Line
						}
						files[rel] = b.Bytes()
					default:
						files[rel] = data
					}
				}
				return files
			}
			compareTrees(t, read(pair[0]), read(pair[1]))
		})
	}
}

// runEnv runs the binary with extra environment variables.
func runEnv(t *testing.T, env []string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

func oneErrorLine(t *testing.T, r result, code int, has string) {
	t.Helper()
	if r.code != code || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "civisync: ") || !strings.Contains(r.stderr, has) {
		t.Errorf("exit %d, stderr %q: want exit %d and one line saying %q", r.code, r.stderr, code, has)
	}
}

// TestTextInputs runs the binary on text exports as databases and
// spreadsheets write them (SPEC §1.1).
func TestTextInputs(t *testing.T) {
	dir := t.TempDir()
	contacts := filepath.Join(dir, "contacts.csv")
	os.WriteFile(contacts, []byte("Contact ID,Contact Type,First Name,Last Name,Email\n7,Individual,Olga,Friend,olga@example.org\n"), 0o644)
	newContacts := func(t *testing.T, out string) [][]string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, "new_contacts.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return csvRows(t, "new_contacts.csv", data)[1:]
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("phpMyAdmin NULL names are no names", func(t *testing.T) {
		users := write("null.csv", `"uid","mail","first_name","last_name"`+"\n"+`"5","ann@example.org",NULL,NULL`+"\n")
		out := filepath.Join(dir, "out-null")
		mustRun(t, nil, "sync", "--users", users, "--contacts", contacts, "--out", out)
		if got := newContacts(t, out); len(got) != 1 || got[0][1] != "" || got[0][2] != "" {
			t.Errorf("new contacts %q: want one with no first or last name", got)
		}
	})
	t.Run("--dialect mysql decodes escapes in a comma file", func(t *testing.T) {
		users := write("esc.csv", "uid,mail,first_name,last_name\n5,ann@example.org,Ann\\, Jr,O\\\\Lee\n")
		out := filepath.Join(dir, "out-esc")
		mustRun(t, nil, "sync", "--users", users, "--contacts", contacts, "--out", out, "--dialect", "mysql")
		if got := newContacts(t, out); len(got) != 1 || got[0][1] != "Ann, Jr" || got[0][2] != `O\Lee` {
			t.Errorf("new contacts %q: want Ann, Jr / O\\Lee", got)
		}
	})
	t.Run("--dialect unknown is a usage error", func(t *testing.T) {
		users := write("u.csv", "uid,mail\n5,ann@example.org\n")
		oneErrorLine(t, civisync(t, nil, "sync", "--users", users, "--contacts", contacts, "--out", filepath.Join(dir, "o"), "--dialect", "oracle"), 1, "--dialect")
	})

	// Standard input: more than the first MiB ASCII, then Windows-1252.
	var late bytes.Buffer
	late.WriteString("uid,mail,first_name,last_name\n")
	for i := 1; late.Len() < 1<<20+200<<10; i++ {
		fmt.Fprintf(&late, "%d,user%d@example.org,First,Last\n", 1000+i, i)
	}
	late.WriteString("5,jose@example.org,Jos\xe9,M\xfcller\n")
	t.Run("stdin turning Windows-1252 after 1 MiB", func(t *testing.T) {
		out := filepath.Join(dir, "out-late")
		mustRun(t, bytes.NewReader(late.Bytes()), "sync", "--users", "-", "--contacts", contacts, "--out", out)
		found := false
		for _, row := range newContacts(t, out) {
			if row[3] == "jose@example.org" {
				found = true
				if row[1] != "José" || row[2] != "Müller" {
					t.Errorf("new contact %q: want José Müller", row)
				}
			}
		}
		if !found {
			t.Error("no new contact for jose@example.org")
		}
	})
	t.Run("stdin mixing UTF-8 and Windows-1252", func(t *testing.T) {
		mixed := bytes.Replace(late.Bytes(), []byte("First"), []byte("Zoë"), 1)
		r := civisync(t, bytes.NewReader(mixed), "sync", "--users", "-", "--contacts", contacts, "--out", filepath.Join(dir, "out-mixed"))
		oneErrorLine(t, r, 2, "--encoding")
		if !strings.Contains(r.stderr, fmt.Sprintf("-:%d:", bytes.Count(mixed, []byte("\n")))) {
			t.Errorf("stderr %q does not name the line of the byte", r.stderr)
		}
	})
}

// TestMemoryCeiling: blank lines cost what their bytes cost, and a run
// that needs more than --max-memory or GOMEMLIMIT ends with one line and
// exit status 2.
func TestMemoryCeiling(t *testing.T) {
	dir := t.TempDir()
	contacts := filepath.Join(dir, "contacts.csv")
	os.WriteFile(contacts, []byte("Contact ID,Contact Type,First Name,Last Name,Email\n7,Individual,Olga,Friend,olga@example.org\n"), 0o644)
	blank := strings.Repeat("\n", 20<<20)
	blanks := filepath.Join(dir, "blank.csv")
	os.WriteFile(blanks, []byte(blank+"uid,mail\n"+blank+"5,ann@example.org\n"+blank+"6,bo@example.org\n"+blank), 0o644)
	r := civisync(t, nil, "sync", "--users", blanks, "--contacts", contacts, "--out", filepath.Join(dir, "out"), "--max-memory", "200MiB")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Checked 2 user records.") {
		t.Errorf("80 MB of blank lines around 2 users under --max-memory 200MiB: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	var many bytes.Buffer
	many.WriteString("uid,mail,first_name,last_name\n")
	for i := 1; i <= 300_000; i++ {
		fmt.Fprintf(&many, "%d,user%d@example.org,First%d,Last%d\n", i, i, i, i)
	}
	users := filepath.Join(dir, "many.csv")
	os.WriteFile(users, many.Bytes(), 0o644)
	args := []string{"sync", "--users", users, "--contacts", contacts, "--out", filepath.Join(dir, "out2")}
	oneErrorLine(t, runEnv(t, nil, nil, append(args, "--max-memory", "24MiB")...), 2, "--max-memory")
	// The stop throws the run's outputs away, as an interrupt does.
	if left, _ := filepath.Glob(filepath.Join(dir, ".civisync-*")); len(left) > 0 {
		t.Errorf("a run stopped at the memory ceiling left %v", left)
	}
	oneErrorLine(t, runEnv(t, []string{"GOMEMLIMIT=24MiB"}, nil, args...), 2, "GOMEMLIMIT")
	if r := runEnv(t, []string{"GOMEMLIMIT=24MiB"}, nil, append(args, "--max-memory", "1GiB")...); r.code != 0 {
		t.Errorf("--max-memory 1GiB over GOMEMLIMIT=24MiB: exit %d %q", r.code, r.stderr)
	}
	oneErrorLine(t, civisync(t, nil, append(args, "--max-memory", "lots")...), 1, "--max-memory")
}
