package report

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium is the browser the page is checked in. Without it the browser
// tests are skipped, except in CI (CI=true), where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must run the browser tests (.ci/run installs it: apt-get install chromium)")
	}
	t.Skip("chromium is not installed: the page is not checked in a browser (apt-get install chromium)")
	return ""
}

// rendered is what a headless Chromium made of a page.
type rendered struct {
	dom      string        // the DOM after the page's script ran
	console  []string      // console messages: errors, CSP violations, anything logged
	requests []string      // URLs the page asked the network for
	elapsed  time.Duration // from start to the DOM dumped
}

// browserNoise is what Chromium itself fetches in the background, with
// every flag against it: not the page's doing.
var browserNoise = regexp.MustCompile(`(^|\.)(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)$`)

var consoleLine = regexp.MustCompile(`:CONSOLE[:(]`)

// render opens page in headless Chromium and returns the DOM once its
// script ran, the console messages and the network requests (from
// Chromium's net log). With shot, it takes a screenshot there instead.
func render(t *testing.T, page string, shot string, size string) rendered {
	t.Helper()
	bin := chromium(t)
	tmp := t.TempDir()
	netlog := filepath.Join(tmp, "net.json")
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir=" + filepath.Join(tmp, "profile"), "--enable-logging=stderr", "--v=0",
		"--log-net-log=" + netlog, "--hide-scrollbars", "--window-size=" + size}
	if shot != "" {
		args = append(args, "--screenshot="+shot)
	} else {
		args = append(args, "--dump-dom")
	}
	args = append(args, (&url.URL{Scheme: "file", Path: abs}).String())
	cmd := exec.Command(bin, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	r := rendered{dom: stdout.String(), elapsed: time.Since(start)}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if consoleLine.MatchString(l) {
			r.console = append(r.console, l)
		}
	}
	r.requests = netRequests(t, netlog)
	return r
}

// netRequests lists the URLs of a net log's requests that left the
// machine: not file:, data: or chrome:, and not Chromium's own.
func netRequests(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("net log: %v", err)
	}
	var log struct {
		Events []struct {
			Params struct {
				URL string `json:"url"`
			} `json:"params"`
		} `json:"events"`
	}
	// Chromium may stop before closing the JSON: close it.
	s := strings.TrimSpace(string(b))
	if !strings.HasSuffix(s, "}") {
		s = strings.TrimSuffix(s, ",") + "]}"
	}
	if err := json.Unmarshal([]byte(s), &log); err != nil {
		t.Fatalf("net log: %v", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range log.Events {
		u, err := url.Parse(e.Params.URL)
		if e.Params.URL == "" || err != nil || seen[e.Params.URL] {
			continue
		}
		seen[e.Params.URL] = true
		switch u.Scheme {
		case "file", "data", "chrome", "about", "blob":
			continue
		}
		if browserNoise.MatchString(u.Hostname()) {
			continue
		}
		out = append(out, e.Params.URL)
	}
	return out
}
