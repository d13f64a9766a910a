package pipeline

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
)

// api4Bytes writes records as an api4 file.
func api4Bytes(t *testing.T, f API4File, records ...api4Record) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newAPI4Writer(&b, f)
	for _, r := range records {
		if err := add(w, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAPI4Records(t *testing.T) {
	names := api4GroupNames{}
	groups := []GroupRow{
		{"Riverside Tenants and Residents Association Commi", "Riverside Tenants and Residents Association Committee (North Block)", GroupTypeMailing, "OG Sync Group :12:"},
		{"Riverside Tenants and Residents Association Commi: Administrator", "Riverside Tenants and Residents Association Commi: Administrator", GroupTypeACL, "OG Sync Group ACL :12:"},
		{"Friends & Family", "Friends & Family", GroupTypeMailing, ""},
	}
	for _, g := range groups {
		names.add(g)
	}
	tests := []struct {
		name string
		f    API4File
		got  func() (api4Record, bool)
		want string // the record's line, "" for none
	}{
		{"normal group", API4Groups, func() (api4Record, bool) { return api4GroupOf(groups[0]), true },
			`{"name":"Riverside Tenants and Residents Association Commi","title":"Riverside Tenants and Residents Association Committee (North Block)","group_type:name":["Mailing List"],"source":"OG Sync Group :12:"}`},
		{"ACL group", API4Groups, func() (api4Record, bool) { return api4GroupOf(groups[1]), true },
			`{"name":"Riverside Tenants and Residents Association Commi: Administrator","title":"Riverside Tenants and Residents Association Commi: Administrator","group_type:name":["Access Control"],"source":"OG Sync Group ACL :12:"}`},
		{"group known by title only: no source", API4Groups, func() (api4Record, bool) { return api4GroupOf(groups[2]), true },
			`{"name":"Friends & Family","title":"Friends & Family","group_type:name":["Mailing List"]}`},
		{"new contact", API4Contacts, func() (api4Record, bool) {
			return api4ContactOf(NewContactRow{"Individual", "Zoë", "Martin", "zoe@example.org", ""}), true
		}, `{"first_name":"Zoë","last_name":"Martin","email_primary.email":"zoe@example.org"}`},
		{"new contact with an external identifier", API4Contacts, func() (api4Record, bool) {
			return api4ContactOf(NewContactRow{"Individual", "", "", "sam@example.com", "D7-8"}), true
		}, `{"email_primary.email":"sam@example.com","external_identifier":"D7-8"}`},
		{"member by whole title, named by the group's name", API4GroupContacts, func() (api4Record, bool) {
			return names.groupContact(MemberRow{groups[0].Title, "9", "", StatusAdded})
		}, `{"group_id:name":"Riverside Tenants and Residents Association Commi","contact_id":9,"status":"Added"}`},
		{"pending member", API4GroupContacts, func() (api4Record, bool) {
			return names.groupContact(MemberRow{"Friends & Family", "4", "", StatusPending})
		}, `{"group_id:name":"Friends & Family","contact_id":4,"status":"Pending"}`},
		{"ACL admin", API4GroupContacts, func() (api4Record, bool) {
			return names.groupContact(MemberRow{groups[1].Title, "2", "", StatusAdded})
		}, `{"group_id:name":"Riverside Tenants and Residents Association Commi: Administrator","contact_id":2,"status":"Added"}`},
		{"member still to be created: none yet", API4GroupContacts, func() (api4Record, bool) {
			return names.groupContact(MemberRow{"Friends & Family", "", "new@example.org", StatusAdded})
		}, ""},
		{"user linked to a contact", API4UFMatches, func() (api4Record, bool) {
			return api4UFMatchOf(UserContactRow{"2", "msmith", "mary.smith@example.org", "3", "email", "10", "email"})
		}, `{"uf_id":2,"uf_name":"mary.smith@example.org","contact_id":3,"domain_id":"current_domain"}`},
		{"user whose contact is new: none yet", API4UFMatches, func() (api4Record, bool) {
			return api4UFMatchOf(UserContactRow{"8", "samlee", "sam.lee@example.com", "", "new", "", ""})
		}, ""},
		{"user sharing another's contact: none", API4UFMatches, func() (api4Record, bool) {
			return api4UFMatchOf(UserContactRow{"9", "Sam Lee", "Sam.Lee@Example.com", "17", "shared", "", ""})
		}, ""},
		{"user with no contact: none", API4UFMatches, func() (api4Record, bool) {
			return api4UFMatchOf(UserContactRow{"7", "kobrien", "kevin.obrien.example.org", "", "none", "", ""})
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, ok := tt.got()
			if (tt.want != "") != ok {
				t.Fatalf("record made: %v, want %v", ok, tt.want != "")
			}
			if !ok {
				return
			}
			data := api4Bytes(t, tt.f, rec)
			want := `{"match":` + mustJSON(t, tt.f.Match) + `,"records":[` + "\n" + tt.want + "\n]}\n"
			if string(data) != want {
				t.Errorf("got\n%s\nwant\n%s", data, want)
			}
			if err := CheckAPI4File(tt.f.Name, data); err != nil {
				t.Error(err)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAPI4WriterLayout holds the file layout: valid JSON whether empty or
// not, one record a line, and the records in the order given.
func TestAPI4WriterLayout(t *testing.T) {
	empty := api4Bytes(t, API4Contacts)
	if string(empty) != `{"match":["external_identifier"],"records":[`+"\n]}\n" {
		t.Errorf("empty file: %q", empty)
	}
	data := api4Bytes(t, API4GroupContacts,
		api4GroupContact{"A", 1, StatusAdded}, api4GroupContact{"A", 2, StatusPending}, api4GroupContact{"B", 1, StatusAdded})
	var params struct {
		Match   []string
		Records []api4GroupContact
	}
	if err := json.Unmarshal(data, &params); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	want := []api4GroupContact{{"A", 1, StatusAdded}, {"A", 2, StatusPending}, {"B", 1, StatusAdded}}
	if !reflect.DeepEqual(params.Records, want) || !reflect.DeepEqual(params.Match, API4GroupContacts.Match) {
		t.Errorf("read back %+v", params)
	}
	if n := strings.Count(string(data), "\n"); n != len(want)+2 {
		t.Errorf("%d lines, want one a record and two more:\n%s", n, data)
	}
}

// TestAPI4RecordFieldsInSchema holds every field a record type can write
// to the table taken from civicrm-core, and every match to a field.
func TestAPI4RecordFieldsInSchema(t *testing.T) {
	types := map[string]any{"Group": api4Group{}, "Contact": api4Contact{}, "GroupContact": api4GroupContact{}, "UFMatch": api4UFMatch{}}
	for _, f := range API4Files {
		typ := reflect.TypeOf(types[f.Entity])
		if typ == nil {
			t.Fatalf("no record type for %s", f.Entity)
		}
		for i := range typ.NumField() {
			key, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if err := api4Key(f.Entity, key); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
		}
		for _, m := range f.Match {
			if err := api4Key(f.Entity, m); err != nil || strings.ContainsAny(m, ":.") {
				t.Errorf("%s: match %q: not a plain field of %s (%v)", f.Name, m, f.Entity, err)
			}
		}
	}
}

func TestCheckAPI4File(t *testing.T) {
	tests := []struct {
		name, file, data, err string
	}{
		{"good", "groups.json", `{"match":["name"],"records":[{"name":"A","title":"A","group_type:name":["Mailing List"]}]}`, ""},
		{"a join field", "contacts.json", `{"match":[],"records":[{"email_primary.email":"a@x.org"}]}`, ""},
		{"unknown field", "groups.json", `{"match":["name"],"records":[{"name":"A","group_types":["x"]}]}`, `"group_types" is not a field of Group`},
		{"label suffix of an unknown field", "group_contacts.json", `{"records":[{"group:name":"A"}]}`, `"group:name" is not a field of GroupContact`},
		{"unknown join", "contacts.json", `{"records":[{"phone_primary.phone":"1"}]}`, `Contact has no join "phone_primary"`},
		{"unknown field of a join", "contacts.json", `{"records":[{"email_primary.mail":"a@x.org"}]}`, `"mail" is not a field of Email`},
		{"match on a non-field", "uf_match.json", `{"match":["uf_name:label"],"records":[]}`, `match "uf_name:label"`},
		{"unknown parameter", "uf_match.json", `{"records":[],"values":{}}`, `unknown field "values"`},
		{"no records", "uf_match.json", `{"match":["uf_id"]}`, "no records list"},
		{"not JSON", "uf_match.json", `{"records":[`, "unexpected EOF"},
		{"unknown file", "tags.json", `{"records":[]}`, "not an api4 file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAPI4File(tt.file, []byte(tt.data))
			if tt.err == "" {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one containing %q", err, tt.err)
			}
		})
	}
}

// TestAPI4RecordLayout: every record lays itself out as encoding/json
// does (escaping <, > and & aside, which the files leave readable).
func TestAPI4RecordLayout(t *testing.T) {
	odd := `Friends, Family & "Neighbours" <4> \ tab` + "\t\u2028é\x00"
	records := []api4Record{
		api4Group{"Community Garden Volunteers", "Community Garden Volunteers", []string{GroupTypeMailing}, "OG Sync Group :5:"},
		api4Group{odd, odd + " Kitchen", []string{GroupTypeACL, GroupTypeMailing}, ""},
		api4Group{"", "", []string{}, ""},
		api4Contact{"Zoë", "D’Souza-Lamb", "zoe@example.org", "D7-2"},
		api4Contact{"", odd, "", ""},
		api4Contact{odd, "", "a@x.org", ""},
		api4GroupContact{"Saturday Morning Volunteers at the Riverside Café", 3, StatusPending},
		api4GroupContact{odd, 12345678901, "Añadido"},
		api4UFMatch{2, "Mary.Smith@Example.org", 3, "current_domain"},
		api4UFMatch{-1, odd, 0, ""},
	}
	a := newAPI4Writer(io.Discard, API4Groups)
	for _, r := range records {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		got := r.appendJSON(a, nil)
		if string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("%T:\n got %s\nwant %s", r, got, want.Bytes())
		}
		if !json.Valid(got) {
			t.Errorf("%T: not JSON: %s", r, got)
		}
	}
}

// BenchmarkAPI4GroupContacts: group_contacts.json is the large api4 file,
// a record per membership.
func BenchmarkAPI4GroupContacts(b *testing.B) {
	groups := []string{"Community Garden Volunteers", "Saturday Morning Volunteers at the Riverside Café"}
	b.ReportAllocs()
	w := newAPI4Writer(io.Discard, API4GroupContacts)
	for i := 0; b.Loop(); i++ {
		if err := add(w, api4GroupContact{groups[i>>10&1], int64(i), StatusAdded}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
