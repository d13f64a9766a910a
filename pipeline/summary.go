package pipeline

import (
	"fmt"
	"strings"
)

// Summary is summary.json.
type Summary struct {
	Checked int            `json:"users_checked"`
	Found   int            `json:"contacts_found"`
	Created int            `json:"contacts_created"`
	Skipped int            `json:"users_skipped"`
	Text    string         `json:"summary"`
	Review  map[string]int `json:"review"`
	Groups  []GroupCounts  `json:"groups"`
	Files   []*FileStats   `json:"files"`
	Totals  map[string]int `json:"totals"`
}

// NewSummary counts a result.
func NewSummary(res *Result) Summary {
	m := res.Match
	s := Summary{Checked: m.Checked, Found: m.Found, Created: m.Created, Skipped: m.Skipped,
		Text: SummaryText(res), Review: res.Review.CountByKind(), Groups: []GroupCounts{}, Files: res.Stats,
		Totals: map[string]int{"new_contacts": len(m.New), "user_contacts": len(m.Links), "review_items": len(res.Review.Items)}}
	if res.Groups != nil {
		s.Groups = res.Groups.Counts
		s.Totals["groups"] = len(res.Groups.Groups)
		s.Totals["group_members"] = len(res.Groups.Members)
		s.Totals["acl_admins"] = res.Groups.Admins
		s.Totals["user_import_og"] = len(res.OGImport)
	}
	if s.Files == nil {
		s.Files = []*FileStats{}
	}
	return s
}

// plural is CiviCRM's ts() with count and plural: "one" for 1.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

// SummaryText is the summary in CiviCRM's words, plus the users skipped and,
// when groups were synced, a groups line.
func SummaryText(res *Result) string {
	m := res.Match
	parts := []string{
		plural(m.Checked, "Checked one user record.", "Checked %d user records."),
		plural(m.Found, "Found one matching contact record.", "Found %d matching contact records."),
		plural(m.Created, "Created one new contact record.", "Created %d new contact records."),
	}
	if m.Skipped > 0 {
		parts = append(parts, plural(m.Skipped, "Skipped one user record (see review.csv).", "Skipped %d user records (see review.csv)."))
	}
	text := strings.Join(parts, " ")
	if gs := res.Groups; gs != nil {
		text += "\n" + fmt.Sprintf("%s %s, %s, %s.",
			plural(len(gs.Groups), "Synced one Organic Group to CiviCRM groups:", "Synced %d Organic Groups to CiviCRM groups:"),
			plural(len(gs.Members), "one group membership", "%d group memberships"),
			plural(gs.Admins, "one administrator", "%d administrators"),
			plural(len(res.OGImport), "one contact to add to an Organic Group", "%d contacts to add to Organic Groups"))
	}
	return text
}
