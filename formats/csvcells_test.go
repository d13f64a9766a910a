package formats

import (
	"strconv"
	"testing"
)

// TestAppendCSVCells: cells lay out as AppendCSV lays out their text, ids
// as their digits and 0 as the empty cell.
func TestAppendCSVCells(t *testing.T) {
	for _, tc := range []struct {
		cells []OutCell
		want  []string
	}{
		{nil, nil},
		{[]OutCell{{Text: "a"}, IDCell(12), IDCell(0), IDCell(-3)}, []string{"a", "12", "", "-3"}},
		{[]OutCell{{Text: "x,y"}, {Text: `q"t`}, {Text: "l\nm"}, {Text: ""}}, []string{"x,y", `q"t`, "l\nm", ""}},
		{[]OutCell{IDCell(1 << 62)}, []string{strconv.FormatInt(1<<62, 10)}},
	} {
		if got, want := string(AppendCSVCells(nil, tc.cells)), string(AppendCSV(nil, tc.want)); got != want {
			t.Errorf("AppendCSVCells(%v) = %q, want %q", tc.cells, got, want)
		}
	}
}
