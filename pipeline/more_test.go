package pipeline

import (
	"slices"
	"testing"

	"github.com/civisync/civisync/formats"
)

func TestReadMore(t *testing.T) {
	header := []string{"Contact ID", "First Name", "Phone", "Home-Phone", "Postal Code", "Birth Date", "City"}
	b, err := formats.ContactsSchema.Bind("c.csv", header, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !hasMore(b) {
		t.Fatal("hasMore: false")
	}
	m := readMore(b, []string{"1", "Ann", "555 1234", " 555 9999 ", "AB1 2CD", "1980-01-31", "NULL"})
	if m == nil || !slices.Equal(m.Phones, []string{"555 1234", "555 9999"}) || m.PostalCode != "AB1 2CD" || m.BirthDate != "1980-01-31" || m.City != "" {
		t.Errorf("readMore: %+v", m)
	}
	if m := readMore(b, []string{"2", "Bob", "", "", "", "", ""}); m != nil {
		t.Errorf("a row with none: %+v, want nil", m)
	}
	got := suppliedFields(b)
	for _, f := range []string{FieldFirstName, FieldPhone, FieldPostalCode, FieldBirthDate, FieldCity} {
		if !got[f] {
			t.Errorf("suppliedFields: no %s in %v", f, got)
		}
	}
	if got[FieldStreetAddress] || got[FieldEmail] {
		t.Errorf("suppliedFields: %v supplies fields the header lacks", got)
	}
}
