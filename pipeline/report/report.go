// Package report builds report.html: one self-contained page that shows a
// person what a run did, from the files in its output folder (SPEC §5).
//
// The page needs nothing from the network: its style and script are inline
// and a Content-Security-Policy of default-src 'none' (with the hashes of
// those two) forbids every request. The summary, the charts (inline SVG),
// the per-file counts and the import steps are written as HTML; the tables
// that can hold millions of rows (review items, likely duplicates, groups)
// are embedded once as JSON and drawn a page at a time by the script.
package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed assets/report.html.tmpl
var pageTemplate string

//go:embed assets/report.css
var pageStyle string

//go:embed assets/report.js
var pageScript string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"num": thousands,
}).Parse(pageTemplate))

// csp allows the page's own inline style and script, by hash, and nothing
// else: no request of any kind can leave the page.
var csp = "default-src 'none'; img-src data:; style-src '" + hash(pageStyle) + "'; script-src '" + hash(pageScript) + "'; base-uri 'none'; form-action 'none'"

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// Build writes report.html for the outputs found in src.
func Build(w io.Writer, src Source) error {
	d, err := gather(src)
	if err != nil {
		return err
	}
	return page.Execute(w, d.view())
}

// Bytes is Build into memory, for an output set's File.
func Bytes(src Source) ([]byte, error) {
	var b bytes.Buffer
	if err := Build(&b, src); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// view is what the template sees.
type view struct {
	CSP         string
	Style       template.CSS
	Script      template.JS
	Data        template.JS
	Summary     []string
	Tiles       tiles
	HasSummary  bool
	Files       []FileStats
	MatchChart  chart
	ReviewChart chart
	Reviews     int
	Groups      int
	Duplicates  bool
	Steps       []step
}

// pageData is the JSON the script reads; the tables are already JSON.
func (d *data) pageData() []byte {
	var b bytes.Buffer
	b.WriteString(`{"review":`)
	b.Write(d.review)
	b.WriteString(`,"duplicates":`)
	if d.dups == nil {
		b.WriteString("null")
	} else {
		b.Write(d.dups)
	}
	b.WriteString(`,"groups":[`)
	for i, g := range d.groups {
		if i > 0 {
			b.WriteByte(',')
		}
		var row []byte
		row = appendJSONString(append(row, '['), g.Title)
		row = appendJSONString(append(row, ','), g.OGID)
		row = fmt.Appendf(row, ",%d,%d,%d,%d]", g.Members, g.Pending, g.Admins, g.ToAdd)
		b.Write(row)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func (d *data) view() view {
	v := view{CSP: csp, Style: template.CSS(pageStyle), Script: template.JS(pageScript),
		Data:       template.JS(d.pageData()), // every string in it is escaped by appendJSONString: no </script> can occur
		HasSummary: d.hasSummary, Files: d.summary.Files, Groups: len(d.groups), Duplicates: d.dups != nil}
	if t := d.tables[fileReview]; t != nil {
		v.Reviews = t.rows
	}
	v.Tiles = d.tiles()
	if d.hasSummary && d.summary.Text != "" {
		v.Summary = strings.Split(d.summary.Text, "\n")
	} else {
		v.Summary = []string{d.summaryFromMatches()}
	}
	v.MatchChart = newChart("How users reached their contacts", d.matches, matchColor, matchHelp)
	v.MatchChart.ID = "match-chart"
	v.ReviewChart = newChart("Review items by kind", d.reviewKind, func(string) string { return "#b45309" }, nil)
	v.ReviewChart.ID, v.ReviewChart.Kinds = "review-chart", true
	v.Steps = d.steps()
	return v
}

type tiles struct{ Checked, Found, Created, Skipped int }

// tiles are the summary's counts: summary.json's, or counted from
// user_contacts' Match column when the folder has no summary.json.
func (d *data) tiles() tiles {
	if d.hasSummary {
		s := d.summary
		return tiles{s.Checked, s.Found, s.Created, s.Skipped}
	}
	var t tiles
	for _, m := range d.matches {
		t.Checked += m.N
		switch m.Name {
		case "new":
			t.Created += m.N
		case "shared", "none":
			t.Skipped += m.N
		default:
			t.Found += m.N
		}
	}
	return t
}

// summaryFromMatches is CiviCRM's summary from user_contacts alone, for a
// folder without summary.json.
func (d *data) summaryFromMatches() string {
	t := d.tiles()
	checked, found, created, skipped := t.Checked, t.Found, t.Created, t.Skipped
	s := plural(checked, "Checked one user record.", "Checked %s user records.") + " " +
		plural(found, "Found one matching contact record.", "Found %s matching contact records.") + " " +
		plural(created, "Created one new contact record.", "Created %s new contact records.")
	if skipped > 0 {
		s += " " + plural(skipped, "Skipped one user record (see review.csv).", "Skipped %s user records (see review.csv).")
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, fmt.Sprint(n))
}

// thousands writes 1234567 as 1,234,567.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// chart is a horizontal bar chart drawn as inline SVG.
type chart struct {
	ID     string
	Kinds  bool // bars are review kinds: a click filters the review table
	Title  string
	Bars   []bar
	Height int
	Total  int
}

type bar struct {
	Label, Help, Color string
	N                  int
	Y, W               int
	Pct                string
}

const (
	chartBarH   = 26
	chartBarMax = 240 // px of the longest bar
)

func newChart(title string, cs []count, color func(string) string, help func(string) string) chart {
	c := chart{Title: title}
	max := 0
	for _, x := range cs {
		c.Total += x.N
		if x.N > max {
			max = x.N
		}
	}
	for i, x := range cs {
		b := bar{Label: x.Name, Color: color(x.Name), N: x.N, Y: i * chartBarH}
		if x.Name == "" {
			b.Label = "(empty)"
		}
		if help != nil {
			b.Help = help(x.Name)
		}
		if max > 0 {
			b.W = max1(x.N * chartBarMax / max)
		}
		if c.Total > 0 {
			b.Pct = fmt.Sprintf("%.1f%%", 100*float64(x.N)/float64(c.Total))
		}
		c.Bars = append(c.Bars, b)
	}
	c.Height = len(cs) * chartBarH
	return c
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

func matchColor(kind string) string {
	switch kind {
	case "linked":
		return "#15803d"
	case "email":
		return "#0e7490"
	case "new":
		return "#7c3aed"
	case "shared":
		return "#b45309"
	case "none":
		return "#b91c1c"
	}
	return "#1d4ed8" // a dedupe rule
}

func matchHelp(kind string) string {
	switch kind {
	case "linked":
		return "an existing link (uf_match)"
	case "email":
		return "matched by e-mail"
	case "new":
		return "a new contact"
	case "shared":
		return "shares another user's contact"
	case "none":
		return "no contact (invalid e-mail)"
	}
	return "matched by the rule " + kind
}
