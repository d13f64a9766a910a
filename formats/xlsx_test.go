package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheet is one worksheet of a test workbook: cells by 1-based row number,
// from column A. Rows not listed are absent from the sheet XML.
type sheet struct {
	name string
	rows map[int][]any
}

// bold marks a cell to carry a style (bold font, number format General),
// as cells in real exports usually do: excelize formats such cells through
// their number format, where an unstyled cell comes back as stored.
type bold struct{ v any }

// makeXLSX writes a workbook with excelize and returns its path.
func makeXLSX(t testing.TB, name string, sheets ...sheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, cells := range s.rows {
			for c, v := range cells {
				ref, _ := excelize.CoordinatesToCellName(c+1, r)
				if b, ok := v.(bold); ok {
					v = b.v
					if err := f.SetCellStyle(s.name, ref, ref, style); err != nil {
						t.Fatal(err)
					}
				}
				if err := f.SetCellValue(s.name, ref, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// rawXLSX writes a minimal workbook by hand, for cell XML excelize would
// never write itself ("1234.0", "1.234E3") and for zip bombs: sheetData is
// the XML inside <sheetData>, followed by pad bytes of white space that
// deflate to almost nothing. Style 1 has number format General (0), style
// 2 none at all, style 3 "0.00".
func rawXLSX(t testing.TB, name, sheetData string, pad int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := buildXLSX(out, []byte(sheetData), pad); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// buildXLSX writes rawXLSX's workbook to w.
func buildXLSX(w io.Writer, sheetData []byte, pad int) error {
	const main = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rels = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rels + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook ` + main + ` xmlns:r="` + rels + `"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rels + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + rels + `/styles" Target="styles.xml"/></Relationships>`},
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet ` + main + `><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf fontId="1" fillId="0" borderId="0" xfId="0"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`},
	}
	zw := zip.NewWriter(w)
	for _, part := range parts {
		pw, err := zw.Create(part.name)
		if err != nil {
			return err
		}
		pw.Write([]byte(part.body))
	}
	sw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	fmt.Fprintf(sw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet %s><sheetData>`, main)
	sw.Write(sheetData)
	spaces := bytes.Repeat([]byte(" "), 64<<10)
	for n := 0; n < pad; n += len(spaces) {
		sw.Write(spaces[:min(len(spaces), pad-n)])
	}
	sw.Write([]byte(`</sheetData></worksheet>`))
	return zw.Close()
}

// inline is an inline-string cell at ref.
func inline(ref, s string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, s)
}

func TestReadXLSX(t *testing.T) {
	twoSheets := func(t *testing.T) string {
		return makeXLSX(t, "two.xlsx",
			sheet{"Zeta", map[int][]any{1: {"uid", "mail"}, 2: {1, "a@example.org"}}},
			sheet{"Alpha", map[int][]any{1: {"id", "title"}, 2: {9, "Board"}}})
	}
	// A uid column holding numbers stored every way excelize writes them.
	numbers := func(t *testing.T) string {
		return makeXLSX(t, "numbers.xlsx", sheet{"Users", map[int][]any{
			1: {"uid", "what"},
			2: {1234, "int"}, 3: {1234.0, "float"}, 4: {int64(12345678901), "11 digits"},
			5: {12345678901.0, "11 digits float"}, 6: {0, "zero"}, 7: {0.0, "zero float"},
			8: {bold{1234}, "styled"}, 9: {bold{int64(12345678901)}, "styled 11 digits"},
			10: {bold{int64(123456789012)}, "styled 12 digits"}, 11: {bold{123456789012345.0}, "styled 15 digits"},
			12: {bold{0}, "styled zero"}, 13: {-42, "negative"}, 14: {1.5, "fraction"},
			15: {"007", "text with a leading zero"}, 16: {"=1+1", "text like a formula"}, 17: {"1E3", "text like a number"},
			18: {bold{"007"}, "styled text"}, 19: {bold{"O’Brien"}, "styled name"}, 20: {bold{true}, "styled boolean"},
		}})
	}
	numbersWant := []got{
		row(2, "1234", "int"), row(3, "1234", "float"), row(4, "12345678901", "11 digits"),
		row(5, "12345678901", "11 digits float"), row(6, "0", "zero"), row(7, "0", "zero float"),
		row(8, "1234", "styled"), row(9, "12345678901", "styled 11 digits"),
		row(10, "123456789012", "styled 12 digits"), row(11, "123456789012345", "styled 15 digits"),
		row(12, "0", "styled zero"), row(13, "-42", "negative"), row(14, "1.5", "fraction"),
		row(15, "007", "text with a leading zero"), row(16, "=1+1", "text like a formula"), row(17, "1E3", "text like a number"),
		row(18, "007", "styled text"), row(19, "O’Brien", "styled name"), row(20, "TRUE", "styled boolean"),
	}
	// Numbers as other writers store them, under every kind of style.
	rawNumbers := func(t *testing.T) string {
		return rawXLSX(t, "raw.xlsx", `<row r="1">`+inline("A1", "uid")+inline("B1", "what")+`</row>`+
			`<row r="2"><c r="A2"><v>1234.0</v></c>`+inline("B2", "1234.0")+`</row>`+
			`<row r="3"><c r="A3" t="n"><v>1.234E3</v></c>`+inline("B3", "1.234E3")+`</row>`+
			`<row r="4"><c r="A4" s="1"><v>1.234E3</v></c>`+inline("B4", "General")+`</row>`+
			`<row r="5"><c r="A5" s="1"><v>123456789012</v></c>`+inline("B5", "General 12 digits")+`</row>`+
			`<row r="6"><c r="A6" s="2"><v>123456789012</v></c>`+inline("B6", "no numFmtId")+`</row>`+
			`<row r="7"><c r="A7" s="1"><v>0</v></c>`+inline("B7", "General zero")+`</row>`+
			`<row r="8"><c r="A8" s="3"><v>1234</v></c>`+inline("B8", "0.00")+`</row>`, 0)
	}
	rawWant := []got{
		row(2, "1234", "1234.0"), row(3, "1234", "1.234E3"), row(4, "1234", "General"),
		row(5, "123456789012", "General 12 digits"), row(6, "123456789012", "no numFmtId"),
		row(7, "0", "General zero"), row(8, "1234.00", "0.00"),
	}
	ragged := func(t *testing.T) string {
		return makeXLSX(t, "ragged.xlsx", sheet{"Users", map[int][]any{
			1:  {" uid ", "\ufeffMail", "name", "", ""}, // trailing empty header cells
			2:  {"", "", ""},                            // an empty row
			3:  {1, "a@example.org"},                    // short: padded
			10: {2, "b@example.org", "B", ""},           // after a gap; trailing empty cell
			11: {3, "c@example.org", "C", "", "extra"},  // a value beyond the header
			12: {4, "d@example.org", "D"},
		}})
	}
	csvBytes := []byte("uid,mail\n1,a@example.org\n")
	junk := append([]byte("PK\x03\x04"), randBytes(4096)...)

	tests := []struct {
		name   string
		build  func(t *testing.T) string
		opt    Options
		header []string
		rows   []got
		err    error
		errHas []string
	}{
		{name: "first sheet by default", build: twoSheets,
			header: []string{"uid", "mail"}, rows: []got{row(2, "1", "a@example.org")}},
		{name: "named sheet", build: twoSheets, opt: Options{Sheet: "Alpha"},
			header: []string{"id", "title"}, rows: []got{row(2, "9", "Board")}},
		{name: "missing sheet names the sheets", build: twoSheets, opt: Options{Sheet: "Nope"},
			err: ErrBadFile, errHas: []string{`"Nope"`, "Zeta, Alpha"}},
		{name: "numbers as a person sees them", build: numbers, header: []string{"uid", "what"}, rows: numbersWant},
		{name: "numbers stored by other writers", build: rawNumbers, header: []string{"uid", "what"}, rows: rawWant},
		{name: "empty rows, gaps, short rows, trailing cells", build: ragged,
			header: []string{"uid", "Mail", "name"},
			rows: []got{row(3, "1", "a@example.org", ""), row(10, "2", "b@example.org", "B"), bad(11),
				row(12, "4", "d@example.org", "D")}},
		{name: "NULL and \\N are empty", build: func(t *testing.T) string {
			return makeXLSX(t, "null.xlsx", sheet{"S", map[int][]any{1: {"uid", "first", "last"}, 2: {5, "NULL", `\N`}, 3: {6, "Null", "NULLS"}}})
		}, header: []string{"uid", "first", "last"}, rows: []got{row(2, "5", "", ""), row(3, "6", "Null", "NULLS")}},
		{name: "header below empty rows", build: func(t *testing.T) string {
			return makeXLSX(t, "low.xlsx", sheet{"S", map[int][]any{3: {"uid"}, 4: {7}, 6: {8}}})
		}, header: []string{"uid"}, rows: []got{row(4, "7"), row(6, "8")}},
		{name: "header only", build: func(t *testing.T) string {
			return makeXLSX(t, "h.xlsx", sheet{"S", map[int][]any{1: {"uid", "mail"}}})
		}, header: []string{"uid", "mail"}},
		{name: "empty sheet", build: func(t *testing.T) string {
			return makeXLSX(t, "e.xlsx", sheet{"S", nil})
		}, err: ErrBadFile, errHas: []string{"empty"}},
		{name: "workbook named .csv is read as XLSX", build: func(t *testing.T) string {
			p := makeXLSX(t, "w.xlsx", sheet{"S", map[int][]any{1: {"uid"}, 2: {5}}})
			q := strings.TrimSuffix(p, ".xlsx") + ".csv"
			if err := os.Rename(p, q); err != nil {
				t.Fatal(err)
			}
			return q
		}, header: []string{"uid"}, rows: []got{row(2, "5")}},
		{name: "CSV renamed .xlsx", build: func(t *testing.T) string { return writeFile(t, "users.xlsx", csvBytes) },
			err: ErrBadFile, errHas: []string{"not an XLSX"}},
		{name: "empty .xlsx", build: func(t *testing.T) string { return writeFile(t, "users.xlsx", nil) },
			err: ErrBadFile, errHas: []string{"not an XLSX"}},
		{name: "random bytes with a zip signature", build: func(t *testing.T) string { return writeFile(t, "junk.xlsx", junk) },
			err: ErrBadFile},
		{name: "random bytes with a zip signature named .csv", build: func(t *testing.T) string { return writeFile(t, "junk.csv", junk) },
			err: ErrBadFile},
		{name: "zip that is no workbook", build: func(t *testing.T) string {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("hello.txt")
			w.Write([]byte("hello"))
			zw.Close()
			return writeFile(t, "hello.xlsx", b.Bytes())
		}, err: ErrBadFile},
		{name: "zip bomb refused", build: func(t *testing.T) string {
			return rawXLSX(t, "bomb.xlsx", `<row r="1">`+inline("A1", "uid")+`</row>`, 8<<20)
		}, opt: Options{MaxUnzipSize: 1 << 20}, err: ErrBadFile, errHas: []string{"zip bomb"}},
		{name: "same file under the default cap", build: func(t *testing.T) string {
			return rawXLSX(t, "bomb.xlsx", `<row r="1">`+inline("A1", "uid")+`</row><row r="2"><c r="A2"><v>3</v></c></row>`, 8<<20)
		}, header: []string{"uid"}, rows: []got{row(2, "3")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.build(t)
			r, err := Open(path, tc.opt)
			if tc.err != nil {
				if err == nil {
					r.Close()
					t.Fatalf("Open succeeded, want an error wrapping %v", tc.err)
				}
				var fe *Error
				if !errors.Is(err, tc.err) || !errors.As(err, &fe) || fe.File != path {
					t.Errorf("Open error %q: want an *Error for %s wrapping %v", err, path, tc.err)
				}
				for _, s := range tc.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Open error %q does not say %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer r.Close()
			if !reflect.DeepEqual(r.Header(), tc.header) {
				t.Errorf("Header() = %q, want %q", r.Header(), tc.header)
			}
			gotRows := readAll(t, r, len(tc.rows)+10)
			for _, g := range gotRows {
				if !g.Bad && len(g.Fields) != len(tc.header) {
					t.Errorf("row at line %d has %d cells, want %d (padded)", g.Line, len(g.Fields), len(tc.header))
				}
			}
			if !reflect.DeepEqual(gotRows, tc.rows) {
				t.Errorf("rows differ:\n%s", diffRows(gotRows, tc.rows))
			}
		})
	}
}

// randBytes is deterministic junk.
func randBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func FuzzReadXLSX(f *testing.F) {
	good, err := os.ReadFile(makeXLSX(f, "good.xlsx", sheet{"Users", map[int][]any{
		1: {"uid", "mail", "name"}, 2: {1, "a@example.org", "Ann"}, 3: {bold{int64(123456789012)}, "b@example.org"}, 5: {3, "", "", "x"},
	}}))
	if err != nil {
		f.Fatal(err)
	}
	raw, err := os.ReadFile(rawXLSX(f, "raw.xlsx", `<row r="1">`+inline("A1", "uid")+`</row><row r="2"><c r="A2" s="1"><v>1.234E3</v></c></row>`, 0))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][]byte{good, raw, nil, []byte("uid,mail\n1,a\n"), []byte("PK\x03\x04"), append([]byte("PK\x03\x04"), randBytes(64)...)} {
		f.Add(s, false)
	}
	// With wrap, data is the inside of <sheetData> in a valid workbook, so
	// mutations reach excelize's row parser instead of failing the zip CRC.
	for _, s := range []string{
		`<row r="1">` + inline("A1", "uid") + inline("B1", "mail") + `</row><row r="2"><c r="A2" s="1"><v>123456789012</v></c><c r="B2" t="inlineStr"><is><t>a@example.org</t></is></c></row>`,
		`<row r="1"><c r="A1" t="inlineStr"><is><t>uid</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1.234E3</v></c></row>`,
		`<row><c t="s"><v>7</v></c><c t="b"><v>1</v></c><c t="d"><v>2024-01-02T03:04:05Z</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>1+1</f><v>2</v></c></row>`,
		`<row r="3"><c r="C3" s="3"><v>-0.5</v></c></row><row r="2"><c r="A2" s="99"><v>x</v></c></row>`,
	} {
		f.Add([]byte(s), true)
	}
	path := filepath.Join(f.TempDir(), "in.xlsx") // a worker runs one input at a time
	f.Fuzz(func(t *testing.T, data []byte, wrap bool) {
		if wrap {
			var b bytes.Buffer
			if err := buildXLSX(&b, data, 0); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path, Options{MaxUnzipSize: 4 << 20})
		if err != nil {
			if !errors.Is(err, ErrBadFile) {
				t.Fatalf("Open error %v does not wrap ErrBadFile", err)
			}
			return
		}
		defer r.Close()
		for range 4 << 20 {
			rec, err := r.Next()
			if err != nil && !errors.Is(err, ErrBadRow) {
				return // EOF, or a file error ending the file
			}
			if len(rec) > len(r.Header()) {
				t.Fatalf("row of %d cells, header of %d", len(rec), len(r.Header()))
			}
		}
		t.Fatal("no end to the rows")
	})
}
