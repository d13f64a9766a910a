package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	r := mustRun(t, nil, "--version")
	if !strings.HasPrefix(r.stdout, "civisync version ") || strings.Contains(r.stdout, "unknown") {
		t.Errorf("--version: %q", r.stdout)
	}
}

func TestHelpAndUnknownCommands(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  []string // in stdout (exit 0) or stderr
	}{
		{[]string{"help", "bogus"}, exitUsage, []string{`no help for "bogus"`}},
		{[]string{"bogus"}, exitUsage, []string{`unknown command "bogus"`}},
		{[]string{"extract", "bogus"}, exitUsage, []string{`unknown command "bogus"`}},
		{[]string{"help", "sync"}, exitOK, []string{"civisync sync --users FILE --contacts FILE"}},
		{[]string{"sync", "--help"}, exitOK, []string{
			"USAGE:\n   civisync sync --users FILE --contacts FILE [--memberships FILE",
			"--users FILE           required: CMS users export",
			"--rule NAME", "--delimiter CHAR", "--encoding NAME", "--format FORMAT", "--out DIR, -o DIR",
			"[$CIVISYNC_USERS]", "[$CIVISYNC_RULE]", "--dry-run, -n", "--no-report"}},
		{[]string{"--help"}, exitOK, []string{"report", "completion", "--version"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := civisync(t, nil, tc.args...)
			text := r.stdout
			if tc.code != exitOK {
				text = r.stderr
			}
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			for _, want := range tc.out {
				if !strings.Contains(text, want) {
					t.Errorf("output lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func TestOutToStdoutRefused(t *testing.T) {
	for _, args := range [][]string{append(mainRun(), "--out", "-"), {"load", "cmd/civisync/testdata/golden/drupal7-main", "--out", "-"}} {
		r := civisync(t, nil, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--out -: the outputs are a folder of files") {
			t.Errorf("%s: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, "-")); err == nil {
			t.Fatalf("%s made a folder named -", args[0])
		}
	}
}

func TestDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := mustRun(t, nil, append(mainRun(), "--dry-run", "--out", out)...)
	for _, want := range []string{
		"Checked 14 user records. Found 7 matching contact records. Created 5 new contact records. Skipped 2 user records (see review.csv).\n",
		"Review items: 11\n", "  contact-linked-elsewhere   2\n", "  unknown-user               1\n", "Dry run: nothing was written.\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--dry-run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("--dry-run made the output folder")
	}
}

func TestEnvironmentVariables(t *testing.T) {
	out := t.TempDir()
	r := civisyncEnv(t, []string{"CIVISYNC_USERS=" + d7Users, "CIVISYNC_CONTACTS=" + contactsCSV, "CIVISYNC_OUT=" + out, "CIVISYNC_QUIET=true", "CIVISYNC_NO_REPORT=1"}, nil, "sync")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "user_contacts.csv")); err != nil {
		t.Error("CIVISYNC_OUT was not followed")
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err == nil {
		t.Error("CIVISYNC_NO_REPORT was not followed")
	}
	// the command line wins over the environment
	r = civisyncEnv(t, []string{"CIVISYNC_RULE=bogus"}, nil, append(mainRun(), "--rule", "supervised", "--dry-run")...)
	if r.code != 0 {
		t.Errorf("--rule did not win over CIVISYNC_RULE: exit %d %s", r.code, r.stderr)
	}
	r = civisyncEnv(t, []string{"CIVISYNC_RULE=bogus"}, nil, append(mainRun(), "--dry-run")...)
	if r.code != exitUsage || !strings.Contains(r.stderr, `--rule "bogus"`) {
		t.Errorf("CIVISYNC_RULE was not read: exit %d %s", r.code, r.stderr)
	}
	// and the environment over the config file
	config := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(config, []byte("rule: bogus\n"), 0o644)
	r = civisyncEnv(t, []string{"CIVISYNC_RULE=supervised"}, nil, append(mainRun(), "--config", config, "--dry-run")...)
	if r.code != 0 {
		t.Errorf("CIVISYNC_RULE did not win over --config: exit %d %s", r.code, r.stderr)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -o bashdefault -o default -F _civisync_complete civisync", "zsh": "#compdef civisync", "fish": "complete -c civisync"} {
		r := mustRun(t, nil, "completion", shell)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("completion %s lacks %q", shell, want)
		}
	}
	if r := civisync(t, nil, "completion", "tcsh"); r.code != exitUsage {
		t.Errorf("completion tcsh: exit %d", r.code)
	}
	// what the scripts ask civisync for
	if r := mustRun(t, nil, "--generate-bash-completion"); !strings.Contains(r.stdout, "sync\n") || !strings.Contains(r.stdout, "report\n") {
		t.Errorf("commands offered: %q", r.stdout)
	}
	if r := mustRun(t, nil, "load", "somewhere", "--generate-bash-completion"); r.stdout != "" {
		t.Errorf("completing load's DIR ran load or offered %q (the shell completes file names)", r.stdout)
	}
	// bash itself, through the script
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for line, want := range map[string]string{"civisync sy": "sync", "civisync sync --us": "--users", "civisync extract ": "users contacts memberships"} {
		words := strings.Fields(line)
		cword := len(words) - 1
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
			cword++
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		script := "source <(civisync completion bash)\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + string(rune('0'+cword)) + "\n_civisync_complete\necho \"${COMPREPLY[*]}\""
		cmd := exec.Command(bash, "-c", script)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("bash completes %q to %q (%v), want %q", line, strings.TrimSpace(string(out)), err, want)
		}
	}
}
