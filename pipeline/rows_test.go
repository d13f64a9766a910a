package pipeline

import (
	"bytes"
	"testing"

	"github.com/civisync/civisync/formats"
	"github.com/gocarina/gocsv"
)

// The hot write path lays rows out by hand (AppendFields) to spare
// reflection; gocsv, reading the same `csv` tags, is the reference it must
// match byte for byte, so a field added to a struct but not to its
// AppendFields (or in another order) fails here.
func TestRowsMatchGocsv(t *testing.T) {
	tricky := "a, \"quoted\"\nline"
	check := func(name string, rows any, recs []formats.Record, header []string) {
		t.Helper()
		want, err := gocsv.MarshalString(rows)
		if err != nil {
			t.Fatalf("%s: gocsv: %v", name, err)
		}
		var buf bytes.Buffer
		tw, err := formats.NewCSVTable(&buf, header)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := tw.Write(r.AppendFields(nil)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("%s:\n got %q\nwant %q", name, buf.String(), want)
		}
	}
	uc := []UserContactRow{{"1", "admin", tricky, "2", MatchLinked, "", ""}, {"3", "x", "x@example.org", "", MatchNew, "10", "first_name, email"}}
	check("UserContactRow", &uc, records(uc), formats.HeaderOf[UserContactRow]())
	nc := []NewContactRow{{"Individual", "Zoë", tricky, "z@example.org", "drupal-3"}}
	check("NewContactRow", &nc, records(nc), formats.HeaderOf[NewContactRow]())
	gr := []GroupRow{{"Choir", "Choir", GroupTypeMailing, "OG Sync Group :7:"}}
	check("GroupRow", &gr, records(gr), formats.HeaderOf[GroupRow]())
	mr := []MemberRow{{"Choir", "101", "", StatusAdded}, {tricky, "", "n@example.org", StatusPending}}
	check("MemberRow", &mr, records(mr), formats.HeaderOf[MemberRow]())
	og := []OGRow{{"Choir", "a@example.org", "Ann", tricky, "Ann Lee 2"}}
	check("OGRow", &og, records(og), formats.HeaderOf[OGRow]())
	rv := []ReviewRow{{KindBadRow, "users.csv", "3", "", "", tricky}}
	check("ReviewRow", &rv, records(rv), formats.HeaderOf[ReviewRow]())
	cu := []CanonicalUser{{"1", "admin", "a@example.org", "Ann", "Lee", "0", "", "", "1980-01-31", "555 1234", "", "", "AB1 2CD", "", "users.csv", "2"}}
	check("CanonicalUser", &cu, records(cu), formats.HeaderOf[CanonicalUser]())
	cc := []CanonicalContact{{"2", "Individual", "Ann", "Lee", "a@example.org", "b@example.org;c@example.org", "0", "", "1", tricky, "", "Annie", "", "555 1234", "555 9999;555 0000", "", "", "", "contacts.csv", "2"}}
	check("CanonicalContact", &cc, records(cc), formats.HeaderOf[CanonicalContact]())
	cm := []CanonicalMembership{{"7", "Choir", "1", "active", "1", "og.csv", "2"}}
	check("CanonicalMembership", &cm, records(cm), formats.HeaderOf[CanonicalMembership]())
}
