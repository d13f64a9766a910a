package pipeline

// Every row of an input is counted once: used, reviewed or skipped. A row
// is reviewed when it has an item in review.csv, whichever stage made it:
// extraction counts its own (bad rows, repeated contacts ...) as it reads;
// the rows that matching and the group sync review later (a user sharing an
// e-mail, a membership of an unknown user) were counted as used, and
// settleRows moves them. Rows are told apart by their line.

// reviewed counts the row at line of st as reviewed.
func (x *Extractor) reviewed(st *FileStats, line int) {
	st.Reviewed++
	if line <= 0 {
		return
	}
	if x.reviewedLines == nil {
		x.reviewedLines = map[*FileStats]map[int]bool{}
	}
	lines := x.reviewedLines[st]
	if lines == nil {
		lines = map[int]bool{}
		x.reviewedLines[st] = lines
	}
	lines[line] = true
}

// settleRows counts as reviewed, each once, the used rows of the
// extractors' files that items name and that extraction did not count as
// reviewed already.
func settleRows(xs []*Extractor, items []ReviewItem) {
	byFile := map[string]*FileStats{}
	lines := map[*FileStats]map[int]bool{}
	for _, x := range xs {
		for _, st := range x.Stats {
			if _, dup := byFile[st.File]; !dup { // a file read twice: the first reading counts
				byFile[st.File] = st
			}
			lines[st] = x.reviewedLines[st]
		}
	}
	var st *FileStats
	file := ""
	for _, it := range items {
		if it.Line <= 0 {
			continue
		}
		if st == nil || it.File != file {
			st, file = byFile[it.File], it.File
			if st == nil {
				continue
			}
		}
		seen := lines[st]
		if seen[it.Line] || st.Used == 0 {
			continue
		}
		if seen == nil {
			seen = map[int]bool{}
			lines[st] = seen
		}
		seen[it.Line] = true
		st.Used--
		st.Reviewed++
	}
}
