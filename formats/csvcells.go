package formats

import "strconv"

// OutCell is one field of a row on its way to a CSV line: text, or an id
// (> 0) kept as a number, which spares a string per id in a large table.
// An id can neither need quotes nor look like a formula.
type OutCell struct {
	Text string
	ID   int64
}

// IDCell is n as a cell: 0 is the empty cell, a negative number its digits.
func IDCell(n int64) OutCell {
	if n < 0 {
		return OutCell{Text: strconv.FormatInt(n, 10)}
	}
	return OutCell{ID: n}
}

// AppendCSVCells is AppendCSV for cells.
func AppendCSVCells(dst []byte, rec []OutCell) []byte {
	for i, c := range rec {
		if i > 0 {
			dst = append(dst, ',')
		}
		if c.ID > 0 {
			dst = strconv.AppendInt(dst, c.ID, 10)
		} else {
			dst = AppendCSVField(dst, c.Text)
		}
	}
	return append(dst, '\n')
}
