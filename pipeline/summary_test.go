package pipeline

import (
	"testing"
)

func TestSummaryText(t *testing.T) {
	tests := []struct {
		name   string
		counts [4]int // checked, found, created, skipped
		groups *GroupSync
		og     int
		want   string
	}{
		{"all zero", [4]int{0, 0, 0, 0}, nil, 0,
			"Checked 0 user records. Found 0 matching contact records. Created 0 new contact records."},
		{"singular", [4]int{1, 1, 1, 0}, nil, 0,
			"Checked one user record. Found one matching contact record. Created one new contact record."},
		{"plural", [4]int{5, 3, 2, 0}, nil, 0,
			"Checked 5 user records. Found 3 matching contact records. Created 2 new contact records."},
		{"the Found sentence also when 0", [4]int{2, 0, 2, 0}, nil, 0,
			"Checked 2 user records. Found 0 matching contact records. Created 2 new contact records."},
		{"one skipped", [4]int{3, 1, 1, 1}, nil, 0,
			"Checked 3 user records. Found one matching contact record. Created one new contact record. Skipped one user record (see review.csv)."},
		{"skipped", [4]int{12, 10, 0, 2}, nil, 0,
			"Checked 12 user records. Found 10 matching contact records. Created 0 new contact records. Skipped 2 user records (see review.csv)."},
		{"groups", [4]int{5, 3, 2, 0}, &GroupSync{Groups: make([]CiviGroup, 5), Members: make([]Member, 15), Admins: 5}, 7,
			"Checked 5 user records. Found 3 matching contact records. Created 2 new contact records.\n" +
				"Synced 5 Organic Groups to CiviCRM groups: 15 group memberships, 5 administrators, 7 contacts to add to Organic Groups."},
		{"one group", [4]int{1, 1, 0, 0}, &GroupSync{Groups: make([]CiviGroup, 1), Members: make([]Member, 1), Admins: 1}, 1,
			"Checked one user record. Found one matching contact record. Created 0 new contact records.\n" +
				"Synced one Organic Group to CiviCRM groups: one group membership, one administrator, one contact to add to an Organic Group."},
		{"groups, none", [4]int{0, 0, 0, 0}, &GroupSync{}, 0,
			"Checked 0 user records. Found 0 matching contact records. Created 0 new contact records.\n" +
				"Synced 0 Organic Groups to CiviCRM groups: 0 group memberships, 0 administrators, 0 contacts to add to Organic Groups."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.counts
			res := &Result{Match: &Matching{Checked: c[0], Found: c[1], Created: c[2], Skipped: c[3]}, Groups: tc.groups,
				OGImport: make([]OGImportRow, tc.og), Review: &Review{}}
			if got := SummaryText(res); got != tc.want {
				t.Errorf("SummaryText:\n got %q\nwant %q", got, tc.want)
			}
			s := NewSummary(res)
			if s.Text != tc.want || s.Checked != c[0] || s.Found != c[1] || s.Created != c[2] || s.Skipped != c[3] {
				t.Errorf("NewSummary = %+v", s)
			}
		})
	}
}

func TestReviewSortedRows(t *testing.T) {
	r := &Review{}
	r.Add(KindNoEmail, Src{File: "u.csv", Line: 9}, 3, 0, "b")
	r.Add(KindBadRow, Src{File: "c.csv", Line: 2}, 0, 0, "x")
	r.Add(KindDuplicateEmail, Src{File: "u.csv", Line: 9}, 3, 10, "a")
	r.Add(KindDuplicateEmail, Src{File: "u.csv", Line: 4}, 2, 10, "a")
	var got []ReviewRow
	for _, it := range r.Sorted() {
		got = append(got, it.Row())
	}
	want := []ReviewRow{
		{KindBadRow, "c.csv", "2", "", "", "x"},
		{KindDuplicateEmail, "u.csv", "4", "2", "10", "a"},
		{KindDuplicateEmail, "u.csv", "9", "3", "10", "a"},
		{KindNoEmail, "u.csv", "9", "3", "", "b"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if f := got[1].AppendFields(nil); len(f) != 6 || f[0] != KindDuplicateEmail || f[4] != "10" {
		t.Errorf("AppendFields = %q", f)
	}
	if r.Items[0].Kind != KindNoEmail {
		t.Error("Sorted changed the items")
	}
	if n := r.CountByKind(); n[KindDuplicateEmail] != 2 || n[KindNoEmail] != 1 || len(n) != 3 {
		t.Errorf("CountByKind = %v", n)
	}
}
