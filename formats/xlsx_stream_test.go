package formats

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeBigXLSX streams n user rows into a workbook, as a large site's
// spreadsheet export would be.
func writeBigXLSX(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "users.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"uid", "name", "mail", "status"}); err != nil {
		tb.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, []any{i, fmt.Sprintf("user%d", i), fmt.Sprintf("user%d@example.org", i), 1}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
	return path
}

// readAllRows reads every row and returns the rows and the largest heap seen.
func readAllRows(tb testing.TB, path string) (rows int, peak uint64) {
	tb.Helper()
	r, err := Open(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var ms runtime.MemStats
	for {
		_, err := r.Next()
		if err == io.EOF {
			return rows, peak
		}
		if err != nil {
			tb.Fatal(err)
		}
		if rows++; rows%20000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
}

// TestReadXLSXStreams reads a sheet 8 times longer than another with about
// the same live heap: rows are streamed, never loaded whole.
func TestReadXLSXStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two large workbooks")
	}
	small, big := writeBigXLSX(t, 25_000), writeBigXLSX(t, 200_000)
	n1, peak1 := readAllRows(t, small)
	n2, peak2 := readAllRows(t, big)
	if n1 != 25_000 || n2 != 200_000 {
		t.Fatalf("read %d and %d rows", n1, n2)
	}
	t.Logf("peak live heap: %d KiB for 25k rows, %d KiB for 200k rows", peak1>>10, peak2>>10)
	// A sheet held whole would need several times the memory; allow noise.
	if peak2 > 2*peak1+8<<20 {
		t.Errorf("heap grew with the sheet: %d MiB for 25k rows, %d MiB for 200k", peak1>>20, peak2>>20)
	}
}

func BenchmarkReadXLSX(b *testing.B) {
	path := writeBigXLSX(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		_, peak := readAllRows(b, path)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}
