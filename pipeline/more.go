package pipeline

import (
	"fmt"
	"strings"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/mem"
)

// More holds a person's values of the rule fields beyond names and
// e-mails (SPEC §2): few exports have any, so a user or contact without
// them carries a nil pointer only.
type More struct {
	Middle, Nick string
	BirthDate    string
	Phones       []string // a user has one; a contact every phone, primary first
	Street, City string
	PostalCode   string
	ExternalID   string // a user's (a contact's is Contact.ExternalID)
}

// moreColumns are the schema fields More is read from.
var moreColumns = []string{"middle_name", "nick_name", "birth_date", "phone", "street_address", "city", "postal_code", "external_identifier"}

// hasMore reports whether a file's header binds any of More's fields.
func hasMore(b *formats.Binding) bool {
	for _, f := range moreColumns {
		if b.Col(f) >= 0 {
			return true
		}
	}
	return len(b.Multi("other_phones")) > 0 || b.Col("other_phones_list") >= 0
}

// readMore reads a row's More, nil when it has none. Its cells may borrow
// the reader's buffer: copyInto keeps them.
func readMore(b *formats.Binding, rec []string) *More {
	cell := func(f string) string {
		v := strings.TrimSpace(formats.Cell(rec, b.Col(f)))
		if v == "NULL" || v == `\N` {
			return ""
		}
		return v
	}
	m := More{Middle: cell("middle_name"), Nick: cell("nick_name"), BirthDate: cell("birth_date"),
		Street: cell("street_address"), City: cell("city"), PostalCode: cell("postal_code"), ExternalID: cell("external_identifier")}
	if p := cell("phone"); p != "" {
		m.Phones = append(m.Phones, p)
	}
	for _, i := range b.Multi("other_phones") {
		if p := strings.TrimSpace(formats.Cell(rec, i)); p != "" && p != "NULL" {
			m.Phones = append(m.Phones, p)
		}
	}
	for _, p := range strings.Split(formats.Cell(rec, b.Col("other_phones_list")), ";") {
		if p = strings.TrimSpace(p); p != "" {
			m.Phones = append(m.Phones, p)
		}
	}
	if m.Middle == "" && m.Nick == "" && m.BirthDate == "" && len(m.Phones) == 0 && m.Street == "" && m.City == "" && m.PostalCode == "" && m.ExternalID == "" {
		return nil
	}
	return &m
}

// copyInto copies m's text into the kept rows' blocks.
func (m *More) copyInto(text *mem.Text) *More {
	if m == nil {
		return nil
	}
	m.Middle, m.Nick, m.BirthDate = text.Copy(m.Middle), text.Copy(m.Nick), text.Copy(m.BirthDate)
	m.Street, m.City, m.PostalCode, m.ExternalID = text.Copy(m.Street), text.Copy(m.City), text.Copy(m.PostalCode), text.Copy(m.ExternalID)
	for i, p := range m.Phones {
		m.Phones[i] = text.Copy(p)
	}
	return m
}

// appendValues appends More's values of a rule field to dst.
func (m *More) appendValues(dst []string, field string) []string {
	if m == nil {
		return dst
	}
	switch field {
	case FieldMiddleName:
		return append(dst, m.Middle)
	case FieldNickName:
		return append(dst, m.Nick)
	case FieldBirthDate:
		return append(dst, m.BirthDate)
	case FieldPhone:
		return append(dst, m.Phones...)
	case FieldStreetAddress:
		return append(dst, m.Street)
	case FieldCity:
		return append(dst, m.City)
	case FieldPostalCode:
		return append(dst, m.PostalCode)
	case FieldExternalIdentifier:
		return append(dst, m.ExternalID)
	}
	return dst
}

// fieldOfColumn is the rule field a schema field supplies.
var fieldOfColumn = map[string]string{
	"email": FieldEmail, "first_name": FieldFirstName, "last_name": FieldLastName, "full_name": FieldLastName,
	"middle_name": FieldMiddleName, "nick_name": FieldNickName, "birth_date": FieldBirthDate, "phone": FieldPhone,
	"street_address": FieldStreetAddress, "city": FieldCity, "postal_code": FieldPostalCode, "external_identifier": FieldExternalIdentifier,
}

// suppliedFields lists the rule fields a file's header supplies.
func suppliedFields(b *formats.Binding) map[string]bool {
	got := map[string]bool{}
	for col, field := range fieldOfColumn {
		if b.Col(col) >= 0 {
			got[field] = true
		}
	}
	if len(b.Multi("other_phones")) > 0 {
		got[FieldPhone] = true
	}
	if len(b.Multi("other_emails")) > 0 || b.Col("other_emails_list") >= 0 {
		got[FieldEmail] = true
	}
	if b.Col("full_name") >= 0 {
		got[FieldFirstName] = true
	}
	return got
}

// suppliedBy refuses a rule comparing fields a file has no column for: it
// could never match on them, which is not what whoever wrote it meant.
func (r *Rule) suppliedBy(file string, supplied map[string]bool) error {
	if r.reserved {
		return nil
	}
	var missing []string
	for _, f := range r.Needs() {
		if !supplied[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &formats.Error{File: file, Line: 1, Err: fmt.Errorf("%w: rule %q compares %s, which this file has no column for (name one with --map %s=HEADER)",
		ErrBadRule, r.Title, strings.Join(missing, ", "), missing[0])}
}

// The raw civicrm_phone and civicrm_address tables (SPEC §2: the contacts'
// side of a rule comparing phones or addresses, from a dump).
var (
	PhonesSchema = formats.Schema{Name: "phones", Fields: []formats.Field{
		{Name: "contact_id", Headers: []string{"contact_id", "contact id"}, Required: true},
		{Name: "phone", Headers: []string{"phone"}},
		{Name: "phone_numeric", Headers: []string{"phone_numeric", "phone numeric"}},
		{Name: "is_primary", Headers: []string{"is_primary", "is primary"}},
	}}
	AddressesSchema = formats.Schema{Name: "addresses", Fields: []formats.Field{
		{Name: "contact_id", Headers: []string{"contact_id", "contact id"}, Required: true},
		{Name: "street_address", Headers: []string{"street_address", "street address"}},
		{Name: "city", Headers: []string{"city"}},
		{Name: "postal_code", Headers: []string{"postal_code", "postal code"}},
		{Name: "is_primary", Headers: []string{"is_primary", "is primary"}},
	}}
)

// foldPhones adds civicrm_phone's numbers to their contacts, primary first.
func (x *Extractor) foldPhones(in Input, contacts []Contact, byID func(int64) (int, bool)) error {
	r, b, st, err := x.table(in, &PhonesSchema)
	if err != nil {
		return err
	}
	return x.each(r, b, st, func(rec []string, src Src) error {
		if v := clean(formats.Cell(rec, b.Col("contact_id"))); v == "" || v == "NULL" || v == `\N` {
			st.Skipped++ // a location's phone, no contact's
			return nil
		}
		c, err := x.contactRow(st, b, rec, src, contacts, byID)
		if c == nil || err != nil {
			return err
		}
		p := clean(formats.Cell(rec, b.Col("phone")))
		if p == "" {
			p = clean(formats.Cell(rec, b.Col("phone_numeric")))
		}
		if p == "" {
			st.Skipped++
			return nil
		}
		if c.More == nil {
			c.More = &More{}
		}
		if prim, _ := truthy(formats.Cell(rec, b.Col("is_primary"))); prim {
			c.More.Phones = append([]string{p}, c.More.Phones...)
		} else {
			c.More.Phones = append(c.More.Phones, p)
		}
		st.Used++
		return nil
	})
}

// foldAddresses gives contacts the street, city and postal code of their
// primary address (else their first).
func (x *Extractor) foldAddresses(in Input, contacts []Contact, byID func(int64) (int, bool)) error {
	r, b, st, err := x.table(in, &AddressesSchema)
	if err != nil {
		return err
	}
	return x.each(r, b, st, func(rec []string, src Src) error {
		if v := clean(formats.Cell(rec, b.Col("contact_id"))); v == "" || v == "NULL" || v == `\N` {
			st.Skipped++ // an event's address, no contact's
			return nil
		}
		c, err := x.contactRow(st, b, rec, src, contacts, byID)
		if c == nil || err != nil {
			return err
		}
		if c.More == nil {
			c.More = &More{}
		}
		prim, _ := truthy(formats.Cell(rec, b.Col("is_primary")))
		if m := c.More; prim || m.Street == "" && m.City == "" && m.PostalCode == "" {
			m.Street, m.City, m.PostalCode = clean(formats.Cell(rec, b.Col("street_address"))), clean(formats.Cell(rec, b.Col("city"))), clean(formats.Cell(rec, b.Col("postal_code")))
		}
		st.Used++
		return nil
	})
}
