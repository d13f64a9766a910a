package report

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var screenshot = flag.String("screenshot", "", "write a screenshot of the sample run's report to this PNG (samples/report.png)")

// sampleRun is the output folder of the end-to-end golden test for the
// Drupal 7 samples: a real run's files.
const sampleRun = "../../cmd/civisync/testdata/golden/drupal7-main"

func build(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Build(&b, Dir(dir)); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return page
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestNumberTemplate(t *testing.T) {
	for _, tc := range []struct {
		in, tmpl string
		nums     []string
	}{
		{"no numbers here", "no numbers here", nil},
		{"contact 9 with this e-mail", "contact \x00 with this e-mail", []string{"9"}},
		{"group 15's name is taken by group 012", "group \x00's name is taken by group \x00", []string{"15", "012"}},
		{"42", "\x00", []string{"42"}},
		{"a\x00b 7", "a\x00b 7", nil}, // a NUL of its own: kept whole, never ambiguous
	} {
		b, nums := numberTemplate(nil, tc.in, nil)
		tmpl := string(b)
		if nums == nil {
			tmpl = tc.in // nothing appended: the text is kept as it is
		}
		if tmpl != tc.tmpl || fmt.Sprint(nums) != fmt.Sprint(tc.nums) {
			t.Errorf("numberTemplate(%q) = %q %q, want %q %q", tc.in, tmpl, nums, tc.tmpl, tc.nums)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// The page holds what the sample run's files say.
func TestBuildSampleRun(t *testing.T) {
	b, err := os.ReadFile(build(t, sampleRun))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		`Checked 14 user records. Found 7 matching contact records. Created 5 new contact records. Skipped 2 user records (see review.csv).`,
		`content="default-src &#39;none&#39;;`,
		`["Community Garden Volunteers","5",4,1,1,3]`,                       // 4 added, 1 pending, 1 admin, 3 to add to the OG
		`["Saturday Morning Volunteers at the Riverside Café","8",3,0,1,2]`, // user_import_og names it by the whole OG title
		`<td class="file">samples/drupal7/og_membership.csv</td><td class="n">22</td><td class="n">14</td><td class="n">5</td><td class="n">3</td>`, // 5 rows in review.csv
		`<code>new_contacts.csv</code> (5 contacts)`,
		`"duplicates":{"strings":[]`, // the run wrote possible_duplicates.csv, with no rows
		`id="dups-table"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// the match chart: linked 2, email 5, new 5, shared 1, none 1, in that order
	bars := regexp.MustCompile(`data-kind="[^"]*"|class="label">([a-z-]+)</text>\s*<rect[^>]*></rect>\s*<text[^>]*>([0-9,]+) ·`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range bars {
		if m[1] != "" {
			got = append(got, m[1]+"="+m[2])
		}
	}
	want := "linked=2 email=5 new=5 shared=1 none=1 contact-linked-elsewhere=2 no-contact=2 blocked-membership=1 duplicate-email=1 group-name-collision=1 invalid-email=1 no-email=1 unknown-group=1 unknown-user=1"
	if strings.Join(got, " ") != want {
		t.Errorf("chart bars:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// hostile is an output folder whose cells try to break out of the page.
var hostile = map[string]string{
	"review.csv": "Kind,File,Line,User ID,Contact ID,Detail\n" +
		`bad-row,"</script><script>document.title='pwned'</script>.csv",3,,,"<img src=x onerror=""document.title='pwned'""> & </SCRIPT> <!-- ` + "\u2028" + `"` + "\n" +
		"no-email,users.csv,4,7,,user has no e-mail\n",
	"possible_duplicates.csv": "User ID,Contact ID,Score,Why\n7,12,87,\"name alike: <b>Zoë</b> ~ Zoe (60); same local part (27)\"\n",
	"user_contacts.csv":       "User ID,Username,Email,Contact ID,Match,Rule Score\n7,<svg onload=alert(1)>,x@example.org,,new,\n",
	"groups.csv":              "Name,Title,Group Type,Source\n\"<i>Garden</i>\",\"<i>Garden</i>\",Mailing List,OG Sync Group :5:\n",
	"group_members.csv":       "Group Title,Contact ID,Email,Status\n<i>Garden</i>,,x@example.org,Added\n",
}

func TestBuildEscapes(t *testing.T) {
	b, err := os.ReadFile(build(t, writeFiles(t, hostile)))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if n := strings.Count(strings.ToLower(page), "</script"); n != 2 {
		t.Errorf("page has %d </script (want 2: the data and the script)", n)
	}
	for _, bad := range []string{"<img src=x", "<i>Garden", "<b>Zoë", "<!--", "\u2028"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
}

func TestBuildNeedsOutputs(t *testing.T) {
	if err := Build(&bytes.Buffer{}, Dir(t.TempDir())); err == nil || !strings.Contains(err.Error(), "no civisync outputs") {
		t.Errorf("Build of an empty folder: %v", err)
	}
}

// In a browser: the sample run's page draws its tables, logs nothing and
// asks the network for nothing.
func TestBrowserSampleRun(t *testing.T) {
	page := build(t, sampleRun)
	r := render(t, page, "", "1280,2000")
	checkClean(t, r)
	for _, want := range []string{
		`data-ready="true"`,
		`e-mail "kevin.obrien.example.org" has no @; no contact is made`,
		`contact 9 with this e-mail is linked to another user; a new contact is made`, // a template filled in
		`Rows 1–11 of 11 · page 1 of 1`,
		`<td class="title">Community Garden Volunteers</td><td class="id">5</td><td class="n ">4</td><td class="n ">1</td><td class="n ">1</td><td class="n ">3</td>`,
		`<option value="contact-linked-elsewhere">contact-linked-elsewhere (2)</option>`,
	} {
		if !strings.Contains(r.dom, want) {
			t.Errorf("rendered page lacks %s", want)
		}
	}
	if *screenshot != "" {
		render(t, page, *screenshot, "1280,1900")
	}
}

func TestBrowserEscapes(t *testing.T) {
	r := render(t, build(t, writeFiles(t, hostile)), "", "1280,2000")
	checkClean(t, r)
	if strings.Contains(r.dom, "pwned") && !strings.Contains(r.dom, "document.title='pwned'") {
		t.Error("the page ran a review cell")
	}
	for _, want := range []string{`&lt;img src=x onerror="document.title='pwned'"&gt; &amp; &lt;/SCRIPT&gt;`, `&lt;/script&gt;&lt;script&gt;`, `name alike: &lt;b&gt;Zoë&lt;/b&gt; ~ Zoe (60)`, `&lt;i&gt;Garden&lt;/i&gt;`} {
		if !strings.Contains(r.dom, want) {
			t.Errorf("rendered page lacks the text %s", want)
		}
	}
	if !strings.Contains(r.dom, "<title>civisync report</title>") {
		t.Error("the page's title was changed")
	}
}

// The network check sees a request when a page makes one: the
// tests above pass because the page makes none, not because nothing is seen.
func TestBrowserSeesRequests(t *testing.T) {
	page := filepath.Join(t.TempDir(), "leaky.html")
	os.WriteFile(page, []byte(`<!DOCTYPE html><img src="http://civisync-test.invalid/pixel.png"><script>console.error("oops")</script>`), 0o644)
	r := render(t, page, "", "800,600")
	if !strings.Contains(strings.Join(r.requests, " "), "civisync-test.invalid") {
		t.Errorf("requests seen: %q; want the image", r.requests)
	}
	if len(r.console) == 0 {
		t.Error("console.error was not seen")
	}
}

func checkClean(t *testing.T, r rendered) {
	t.Helper()
	if !strings.Contains(r.dom, `data-ready="true"`) {
		t.Error("the page's script did not finish")
	}
	for _, l := range r.console {
		t.Errorf("console: %s", l)
	}
	for _, u := range r.requests {
		t.Errorf("network request: %s", u)
	}
}

// A run with a million review items and a hundred thousand likely
// duplicates: the page stays tens of megabytes and opens with its first
// page drawn.
func TestBrowserMillionReviewItems(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no million-row page")
	}
	chromium(t)
	dir := t.TempDir()
	const items, dups, groups = 1_000_000, 100_000, 10_000
	var b bytes.Buffer
	b.WriteString("Kind,File,Line,User ID,Contact ID,Detail\n")
	for i := 0; i < items; i++ {
		uid := 1000 + i
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "invalid-email,/data/export/users.csv,%d,%d,,\"e-mail \"\"person%d.example.org\"\" has no @; no contact is made\"\n", i+2, uid, uid)
		case 1:
			fmt.Fprintf(&b, "contact-linked-elsewhere,/data/export/users.csv,%d,%d,%d,contact %d with this e-mail is linked to another user; a new contact is made\n", i+2, uid, uid+7, uid+7)
		case 2:
			fmt.Fprintf(&b, "no-contact,/data/export/og_membership.csv,%d,%d,,\"member of group \"\"Volunteers of district %d\"\": the user has no contact (no or invalid e-mail, or left out)\"\n", i+2, uid, i%groups)
		default:
			fmt.Fprintf(&b, "no-email,/data/export/users.csv,%d,%d,,user has no e-mail; CiviCRM checks only users with one\n", i+2, uid)
		}
	}
	os.WriteFile(filepath.Join(dir, "review.csv"), b.Bytes(), 0o644)
	b.Reset()
	b.WriteString("User ID,Contact ID,Score,Why\n")
	for i := 0; i < dups; i++ {
		fmt.Fprintf(&b, "%d,%d,%d,names alike: Maria Garcia ~ María García (%d); same local part at another domain (20)\n", 1000+i, 500000+i, 60+i%40, 40+i%40)
	}
	os.WriteFile(filepath.Join(dir, "possible_duplicates.csv"), b.Bytes(), 0o644)
	b.Reset()
	b.WriteString("Name,Title,Group Type,Source\n")
	for g := 0; g < groups; g++ {
		fmt.Fprintf(&b, "Volunteers of district %d,Volunteers of district %d,Mailing List,OG Sync Group :%d:\n", g, g, g+1)
	}
	os.WriteFile(filepath.Join(dir, "groups.csv"), b.Bytes(), 0o644)

	start := time.Now()
	page := build(t, dir)
	built := time.Since(start)
	st, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	const maxSize = 40 << 20
	if st.Size() > maxSize {
		t.Errorf("page is %d MB; want at most %d MB", st.Size()>>20, maxSize>>20)
	}
	r := render(t, page, "", "1280,2000")
	checkClean(t, r)
	for _, want := range []string{"Rows 1–50 of 1,000,000 · page 1 of 20,000", "Rows 1–50 of 100,000", "Rows 1–50 of 10,000",
		`e-mail "person1000.example.org" has no @`, "contact 1008 with this e-mail is linked to another user",
		`<td class="n ">1000</td>`} { // ids are shown as they are, not as 1,000
		if !strings.Contains(r.dom, want) {
			t.Errorf("rendered page lacks %s", want)
		}
	}
	if n := strings.Count(r.dom, "<tr>"); n > 250 {
		t.Errorf("%d table rows in the DOM: the tables are not paged", n)
	}
	ms := regexp.MustCompile(`data-render-ms="(\d+)"`).FindStringSubmatch(r.dom)
	if ms == nil {
		t.Fatal("no data-render-ms")
	}
	t.Logf("1M review items: page %.1f MB, built in %v; in headless Chromium the script parsed the data and drew the first pages in %s ms; start to DOM dumped %v", float64(st.Size())/(1<<20), built.Round(time.Millisecond), ms[1], r.elapsed.Round(time.Millisecond))
	// Generous: a page that hangs the browser takes minutes, not seconds.
	if r.elapsed > 60*time.Second {
		t.Errorf("Chromium took %v to open the page", r.elapsed)
	}
}

// Filling a template with its numbers gives the text back, whatever it is.
func FuzzNumberTemplate(f *testing.F) {
	for _, s := range []string{"contact 9 with this e-mail", "", "12", "a1b22c333", "é 7 ü", "\x00 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, nums := numberTemplate(nil, s, nil)
		tmpl := string(b)
		if len(nums) == 0 {
			if len(b) != 0 {
				t.Fatalf("no numbers, but %q became %q", s, tmpl)
			}
			return
		}
		var filled strings.Builder
		k := 0
		for i := 0; i < len(tmpl); i++ {
			if tmpl[i] == 0 {
				filled.WriteString(nums[k])
				k++
				continue
			}
			filled.WriteByte(tmpl[i])
		}
		if filled.String() != s || k != len(nums) {
			t.Fatalf("%q: template %q %q gives %q", s, tmpl, nums, filled.String())
		}
	})
}

// Building the page of a run with 100,000 review items.
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	var buf bytes.Buffer
	buf.WriteString("Kind,File,Line,User ID,Contact ID,Detail\n")
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(&buf, "contact-linked-elsewhere,users.csv,%d,%d,%d,contact %d with this e-mail is linked to another user; a new contact is made\n", i+2, i+1, i+7, i+7)
	}
	os.WriteFile(filepath.Join(dir, "review.csv"), buf.Bytes(), 0o644)
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		if err := Build(io.Discard, Dir(dir)); err != nil {
			b.Fatal(err)
		}
	}
}

// Sorting and filtering, driven as a person would (clicks, a choice, typing)
// by a probe script added to a copy of the page without its CSP.
func TestBrowserSortAndFilter(t *testing.T) {
	b, err := os.ReadFile(build(t, sampleRun))
	if err != nil {
		t.Fatal(err)
	}
	page := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(string(b), "")
	probe := `<script>
function rows(id) { return Array.prototype.map.call(document.querySelectorAll(id + ' tbody tr'), function (tr) { return tr.cells[0].textContent; }); }
var out = {};
var gh = document.querySelectorAll('#groups-table th');
gh[2].click(); out.byMembers = rows('#groups-table');           // numbers: largest first
gh[0].click(); out.byTitle = rows('#groups-table');
gh[0].click(); out.byTitleDesc = rows('#groups-table');
var kind = document.getElementById('review-kind');
kind.value = 'no-contact'; kind.dispatchEvent(new Event('change')); out.noContact = rows('#review-table').length;
kind.value = ''; kind.dispatchEvent(new Event('change')); out.all = rows('#review-table').length;
var rh = document.querySelectorAll('#review-table th'); rh[3].click(); out.firstUser = document.querySelector('#review-table tbody tr').cells[3].textContent;
document.body.setAttribute('data-probe', JSON.stringify(out));
</script></body>`
	page = strings.Replace(page, "</body>", probe, 1)
	path := filepath.Join(t.TempDir(), "probe.html")
	os.WriteFile(path, []byte(page), 0o644)
	r := render(t, path, "", "1280,2000")
	m := regexp.MustCompile(`data-probe="([^"]*)"`).FindStringSubmatch(r.dom)
	if m == nil {
		t.Fatalf("the probe did not run: %v", r.console)
	}
	got := strings.ReplaceAll(m[1], "&#34;", `"`)
	got = strings.ReplaceAll(got, "&quot;", `"`)
	for _, want := range []string{
		`"byMembers":["Community Garden Volunteers","Saturday Morning Volunteers at the Riverside Café","Riverside Tenants and Residents Association Commi","Riverside Tenants and Residents Association Commi (15)","Group 99"]`,
		`"byTitle":["Community Garden Volunteers","Group 99","Riverside Tenants and Residents Association Commi","Riverside Tenants and Residents Association Commi (15)","Saturday Morning Volunteers at the Riverside Café"]`,
		`"byTitleDesc":["Saturday Morning Volunteers at the Riverside Café","Riverside Tenants and Residents Association Commi (15)","Riverside Tenants and Residents Association Commi","Group 99","Community Garden Volunteers"]`,
		`"noContact":2`, `"all":11`, `"firstUser":"42"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("probe %s\nlacks %s", got, want)
		}
	}
}
