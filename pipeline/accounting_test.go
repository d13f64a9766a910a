package pipeline

import (
	"fmt"
	"testing"
)

// TestSettleRows: a row with review items counts once, as reviewed, however
// many items name it and whichever stage made them; the rows extraction
// reviewed itself are not counted again; items of other files (outputs,
// canonical files' original exports) and without a line change nothing.
func TestSettleRows(t *testing.T) {
	type counts struct{ read, used, reviewed, skipped int }
	tests := []struct {
		name     string
		extract  counts // users.csv after extraction
		badLines []int  // lines extraction reviewed (and counted)
		items    []ReviewItem
		want     counts
	}{
		{"no items", counts{10, 9, 0, 1}, nil, nil, counts{10, 9, 0, 1}},
		{"later items move used rows", counts{10, 9, 0, 1}, nil,
			[]ReviewItem{{Kind: KindDuplicateEmail, File: "users.csv", Line: 4}, {Kind: KindInvalidEmail, File: "users.csv", Line: 7}},
			counts{10, 7, 2, 1}},
		{"a row with two items counts once", counts{10, 9, 0, 1}, nil,
			[]ReviewItem{{Kind: KindUnknownStatus, File: "users.csv", Line: 4}, {Kind: KindInvalidEmail, File: "users.csv", Line: 4}},
			counts{10, 8, 1, 1}},
		{"rows extraction reviewed are not counted again", counts{10, 8, 1, 1}, []int{3},
			[]ReviewItem{{Kind: KindBadRow, File: "users.csv", Line: 3}, {Kind: KindNoEmail, File: "users.csv", Line: 5}},
			counts{10, 7, 2, 1}},
		{"other files and no line change nothing", counts{10, 9, 0, 1}, nil,
			[]ReviewItem{{Kind: KindFormulaLike, File: "out/user_contacts.csv", Line: 4}, {Kind: KindNoGroupID, File: "users.csv"}, {Kind: KindUnknownUser, File: "og.csv", Line: 4}},
			counts{10, 9, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := &Extractor{Review: &Review{}}
			st := &FileStats{File: "users.csv", Read: tc.extract.read, Used: tc.extract.used, Skipped: tc.extract.skipped}
			x.Stats = append(x.Stats, st)
			for _, l := range tc.badLines {
				x.reviewed(st, l)
			}
			if st.Reviewed != tc.extract.reviewed {
				t.Fatalf("reviewed %d after extraction, want %d", st.Reviewed, tc.extract.reviewed)
			}
			settleRows([]*Extractor{x, {}}, tc.items)
			got := counts{st.Read, st.Used, st.Reviewed, st.Skipped}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.read != got.used+got.reviewed+got.skipped {
				t.Errorf("read %d != used + reviewed + skipped: %s", got.read, fmt.Sprint(got))
			}
		})
	}
}
