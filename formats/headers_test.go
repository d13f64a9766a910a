package formats

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// specHeaders is SPEC §1.2, written out independently of headers.go: for
// each schema, the headers each field must be recognised under. Headers
// that only bind in company (Joomla's "name") are tested in TestBind.
var specHeaders = map[string]map[string][]string{
	"users": {
		"uid":        {"uid", "user id", "id", "ID"},
		"email":      {"mail", "email", "e-mail", "user_email", "email address"},
		"username":   {"name", "username", "user_login", "user name"},
		"full_name":  {"display name", "display_name", "full name"},
		"first_name": {"first name", "first_name", "field_first_name_value", "given name"},
		"last_name":  {"last name", "last_name", "field_last_name_value", "surname", "family name"},
		"status":     {"status", "block", "blocked", "active"},
	},
	"contacts": {
		"contact_id":          {"contact id", "id", "contact_id", "internal contact id"},
		"contact_type":        {"contact type", "contact_type"},
		"first_name":          {"first name", "first_name"},
		"last_name":           {"last name", "last_name"},
		"email":               {"email", "primary email", "email (primary)"},
		"is_deleted":          {"is deleted", "is_deleted", "contact is in trash"},
		"external_identifier": {"external identifier", "external_identifier"},
		"uf_id":               {"user id", "uf id", "uf_id", "cms user id", "drupal user id"},
		"groups":              {"groups", "group(s)"},
	},
	"emails": {
		"contact_id": {"contact_id"},
		"email":      {"email"},
		"is_primary": {"is_primary"},
	},
	"uf_match": {
		"uf_id":      {"uf_id"},
		"contact_id": {"contact_id"},
		"uf_name":    {"uf_name"},
	},
	"group_contacts": {
		"contact_id": {"contact id"},
		"group":      {"group title", "group"},
		"group_id":   {"group_id"},
		"status":     {"status"},
	},
	"civicrm_groups": {
		"group_id": {"id"},
		"name":     {"name"},
		"title":    {"title"},
	},
	"memberships": {
		"gid":         {"group id", "gid", "nid"},
		"group":       {"group"},
		"uid":         {"user id", "uid", "etid"},
		"roles":       {"role", "roles"},
		"is_admin":    {"is admin", "is_admin"},
		"state":       {"state", "status", "is_active"},
		"entity_type": {"entity_type"},
		"group_type":  {"group_type"},
	},
	"og_roles": {
		"uid":        {"uid"},
		"gid":        {"gid"},
		"rid":        {"rid", "role name"},
		"group_type": {"group_type"},
	},
	"og_role_names": {
		"rid":  {"rid"},
		"name": {"name"},
	},
	"groups": {
		"gid":    {"nid", "gid", "group id", "id"},
		"title":  {"title", "group", "group title", "name"},
		"author": {"uid", "author", "author uid", "manager", "owner"},
		"type":   {"type"},
	},
	"og_groups": {
		"gid":         {"nid", "entity_id"},
		"entity_type": {"entity_type"},
		"group_group": {"group_group_value"},
	},
}

// baseHeaders gives each schema's required fields a header that collides
// with no synonym of another field, so one synonym can be tried at a time.
var baseHeaders = map[string]map[string]string{
	"users":          {"uid": "uid", "email": "mail"},
	"contacts":       {"contact_id": "Contact ID", "contact_type": "Contact Type"},
	"emails":         {"contact_id": "contact_id", "email": "email"},
	"uf_match":       {"uf_id": "uf_id", "contact_id": "contact_id"},
	"group_contacts": {"contact_id": "contact id", "group": "group title"},
	"civicrm_groups": {"group_id": "id", "title": "title"},
	"og_groups":      {"gid": "nid"},
	"memberships":    {"uid": "uid"},
	"og_roles":       {"uid": "uid", "gid": "gid", "rid": "rid"},
	"og_role_names":  {"rid": "rid", "name": "name"},
	"groups":         {"gid": "nid", "title": "title"},
}

// spellings of one header as exports write it: case, spaces, '_', '-', a BOM.
func spellings(h string) []string {
	return []string{
		h,
		strings.ToUpper(h),
		titleCase(h),
		"\ufeff" + strings.ReplaceAll(h, " ", "_"),
		" " + strings.ReplaceAll(h, " ", "-") + "\t",
		strings.ReplaceAll(strings.ToUpper(h), " ", ""),
	}
}

// titleCase capitalises each word: "user id" -> "User Id".
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

func schemaByName(t testing.TB, name string) *Schema {
	t.Helper()
	for _, s := range Schemas {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no schema %q", name)
	return nil
}

// TestBindSynonyms binds every SPEC synonym of every field of every schema,
// spelled every way, next to the schema's other required columns.
func TestBindSynonyms(t *testing.T) {
	if len(specHeaders) != len(Schemas) {
		t.Errorf("SPEC table covers %d schemas, headers.go has %d", len(specHeaders), len(Schemas))
	}
	for schemaName, fields := range specHeaders {
		s := schemaByName(t, schemaName)
		for field, synonyms := range fields {
			for _, syn := range synonyms {
				for _, h := range spellings(syn) {
					var header []string
					for f, base := range baseHeaders[schemaName] {
						if f != field {
							header = append(header, base)
						}
					}
					slices.Sort(header)
					header = append(header, h)
					b, err := s.Bind("in.csv", header, nil)
					if err != nil {
						t.Errorf("%s: %q: %v", schemaName, header, err)
						continue
					}
					if got := b.Col(field); got != len(header)-1 {
						t.Errorf("%s: header %q: %s bound to column %d, want %d (%q)", schemaName, header, field, got, len(header)-1, h)
					}
				}
			}
		}
	}
}

func TestBind(t *testing.T) {
	type want = map[string]string // field -> header it binds to; "" for none
	tests := []struct {
		name   string
		schema *Schema
		header string // comma-separated
		ov     Overrides
		want   want
		multi  []string // headers of other_emails, in file order
		err    error
		errHas []string
	}{
		// Users: the CMSs.
		{name: "Drupal 7 users table", schema: &UsersSchema,
			header: "uid,name,pass,mail,theme,signature,signature_format,created,access,login,status,timezone,language,picture,init,data",
			want:   want{"uid": "uid", "email": "mail", "username": "name", "full_name": "", "status": "status"}},
		{name: "Drupal Views export", schema: &UsersSchema, header: "User ID,Name,E-mail,First name,Last name,Active",
			want: want{"uid": "User ID", "email": "E-mail", "username": "Name", "full_name": "", "first_name": "First name", "last_name": "Last name", "status": "Active"}},
		{name: "Drupal 7 with field tables", schema: &UsersSchema, header: "uid,name,mail,status,field_first_name_value,field_last_name_value",
			want: want{"uid": "uid", "email": "mail", "username": "name", "first_name": "field_first_name_value", "last_name": "field_last_name_value", "status": "status"}},
		{name: "Joomla: name is the full name beside username", schema: &UsersSchema,
			header: "id,name,username,email,password,block,sendEmail,registerDate,lastvisitDate,activation,params",
			want:   want{"uid": "id", "email": "email", "username": "username", "full_name": "name", "status": "block"}},
		{name: "WordPress wp_users with name meta", schema: &UsersSchema,
			header: "ID,user_login,user_pass,user_nicename,user_email,user_url,user_registered,user_activation_key,user_status,display_name,first_name,last_name",
			want:   want{"uid": "ID", "email": "user_email", "username": "user_login", "full_name": "display_name", "first_name": "first_name", "last_name": "last_name", "status": ""}},
		{name: "full name and surname", schema: &UsersSchema, header: "uid,Email Address,User Name,Full Name,Given Name,Family Name,Blocked",
			want: want{"uid": "uid", "email": "Email Address", "username": "User Name", "full_name": "Full Name", "first_name": "Given Name", "last_name": "Family Name", "status": "Blocked"}},

		// Contacts.
		{name: "CiviCRM contact export", schema: &ContactsSchema,
			header: "Contact ID,Contact Type,First Name,Last Name,Email,Home-Email,Work-Email,Billing-Email,Other-Email,Email 2,Is Deleted,External Identifier,User ID,Groups",
			want: want{"contact_id": "Contact ID", "contact_type": "Contact Type", "first_name": "First Name", "last_name": "Last Name", "email": "Email",
				"is_deleted": "Is Deleted", "external_identifier": "External Identifier", "uf_id": "User ID", "groups": "Groups"},
			multi: []string{"Home-Email", "Work-Email", "Billing-Email", "Other-Email", "Email 2"}},
		{name: "location emails without a primary column", schema: &ContactsSchema, header: "Internal Contact ID,Home-Email,E-mail 3,Email 10,Email 1",
			want: want{"contact_id": "Internal Contact ID", "email": ""}, multi: []string{"Home-Email", "E-mail 3", "Email 10"}},
		{name: "primary email spelled out", schema: &ContactsSchema, header: "contact_id,Email (Primary),Contact is in Trash,Group(s),Drupal User ID",
			want: want{"contact_id": "contact_id", "email": "Email (Primary)", "is_deleted": "Contact is in Trash", "groups": "Group(s)", "uf_id": "Drupal User ID"}},
		{name: "civicrm_contact dump: id is the contact", schema: &ContactsSchema,
			header: "id,contact_type,contact_sub_type,do_not_email,sort_name,display_name,external_identifier,first_name,last_name,is_deleted",
			want:   want{"contact_id": "id", "contact_type": "contact_type", "external_identifier": "external_identifier", "first_name": "first_name", "last_name": "last_name", "is_deleted": "is_deleted"}},
		{name: "civicrm_email dump given as contacts", schema: &ContactsSchema,
			header: "id,contact_id,location_type_id,email,is_primary,is_billing,on_hold",
			err:    ErrWrongTable, errHas: []string{"civicrm_email table (contact_id, email, location_type_id)", "not a contacts file for --contacts", "give it with --emails"}},
		{name: "civicrm_email dump", schema: &EmailsSchema, header: "id,contact_id,location_type_id,email,is_primary,is_billing,on_hold",
			want: want{"contact_id": "contact_id", "email": "email", "is_primary": "is_primary"}},
		{name: "civicrm_uf_match dump", schema: &UFMatchSchema, header: "id,domain_id,uf_id,uf_name,contact_id,language",
			want: want{"uf_id": "uf_id", "contact_id": "contact_id", "uf_name": "uf_name"}},
		{name: "group contacts", schema: &GroupContactsSchema, header: "Contact ID,Group Title,Status",
			want: want{"contact_id": "Contact ID", "group": "Group Title", "status": "Status"}},

		// Memberships and groups.
		{name: "Drupal 6 og_uid", schema: &MembershipsSchema, header: "nid,og_role,is_active,is_admin,uid,created,changed",
			want: want{"gid": "nid", "uid": "uid", "is_admin": "is_admin", "state": "is_active", "group": "", "roles": ""}},
		{name: "Drupal 7 og_membership", schema: &MembershipsSchema, header: "id,type,etid,entity_type,gid,group_type,state,created,field_name,language",
			want: want{"gid": "gid", "uid": "etid", "entity_type": "entity_type", "state": "state", "group": ""}},
		{name: "friendly membership export", schema: &MembershipsSchema, header: "Group,User ID,Roles,State",
			want: want{"group": "Group", "uid": "User ID", "roles": "Roles", "state": "State", "gid": ""}},
		{name: "og_users_roles", schema: &OGRolesSchema, header: "uid,rid,gid,group_type",
			want: want{"uid": "uid", "rid": "rid", "gid": "gid"}},
		{name: "og_role", schema: &OGRoleNamesSchema, header: "rid,gid,group_type,group_bundle,name",
			want: want{"rid": "rid", "name": "name"}},
		{name: "group nodes", schema: &GroupsSchema, header: "nid,vid,type,language,title,uid,status,created",
			want: want{"gid": "nid", "title": "title", "author": "uid"}},

		// --map.
		{name: "bare override", schema: &UsersSchema, header: "uid,mail,Courriel", ov: Overrides{"email": "courriel "},
			want: want{"uid": "uid", "email": "Courriel"}},
		{name: "bare override of a missing column falls back", schema: &UsersSchema, header: "uid,mail", ov: Overrides{"email": "Courriel"},
			want: want{"uid": "uid", "email": "mail"}},
		{name: "scoped override", schema: &UsersSchema, header: "uid,mail,Courriel", ov: Overrides{"users.email": "Courriel"},
			want: want{"uid": "uid", "email": "Courriel"}},
		{name: "scoped override beats bare", schema: &UsersSchema, header: "uid,A,B", ov: Overrides{"email": "A", "users.email": "B"},
			want: want{"uid": "uid", "email": "B"}},
		{name: "override scoped to another schema ignored", schema: &ContactsSchema, header: "Contact ID,Email,Courriel", ov: Overrides{"users.email": "Courriel"},
			want: want{"contact_id": "Contact ID", "email": "Email"}},
		{name: "override takes a column from a later field", schema: &UsersSchema, header: "id,name,username,email", ov: Overrides{"username": "name"},
			want: want{"uid": "id", "email": "email", "username": "name", "full_name": ""}},
		{name: "scoped override naming a missing column", schema: &UsersSchema, header: "uid,mail", ov: Overrides{"users.email": "Courriel"},
			err: ErrMissingColumn, errHas: []string{"users.email=Courriel", "uid, mail"}},

		// Missing required fields.
		{name: "missing required fields", schema: &UsersSchema, header: "login,courriel",
			err: ErrMissingColumn, errHas: []string{"in.csv:1:", "found: login, courriel", "uid (accepts: uid, user id, id)", "email (accepts: mail, email, e-mail, user_email, email address)"}},
		{name: "missing contact id", schema: &ContactsSchema, header: "Email,First Name",
			err: ErrMissingColumn, errHas: []string{"in.csv", "found: Email, First Name", "contact_id (accepts: contact id, contact_id, internal contact id, id)"}},
		{name: "no header at all", schema: &GroupsSchema, header: "",
			err: ErrMissingColumn, errHas: []string{"found: none", "gid (accepts:", "title (accepts:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var header []string
			if tc.header != "" {
				header = strings.Split(tc.header, ",")
			}
			b, err := tc.schema.Bind("in.csv", header, tc.ov)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Bind error %v, want one wrapping %v", err, tc.err)
				}
				var fe *Error
				if !errors.As(err, &fe) || fe.File != "in.csv" {
					t.Errorf("Bind error %#v is no *Error naming in.csv", err)
				}
				for _, s := range tc.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Bind error %q does not say %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Bind: %v", err)
			}
			for field, h := range tc.want {
				i := b.Col(field)
				switch {
				case h == "" && i >= 0:
					t.Errorf("%s bound to %q, want none", field, header[i])
				case h != "" && (i < 0 || header[i] != h):
					t.Errorf("%s bound to column %d (%q), want %q", field, i, Cell(header, i), h)
				}
			}
			var multi []string
			for _, i := range b.Multi("other_emails") {
				multi = append(multi, header[i])
			}
			if !slices.Equal(multi, tc.multi) {
				t.Errorf("other_emails = %q, want %q", multi, tc.multi)
			}
			seen := map[int]string{}
			for _, f := range tc.schema.Fields {
				cols := b.Multi(f.Name)
				if i := b.Col(f.Name); i >= 0 {
					cols = append(cols, i)
				}
				for _, i := range cols {
					if other, ok := seen[i]; ok {
						t.Errorf("column %d (%q) bound to both %s and %s", i, header[i], other, f.Name)
					}
					seen[i] = f.Name
				}
			}
		})
	}
}

// TestBindingAccessors checks Matched, HeaderOf and Cell, which callers use
// to read values whose meaning depends on the header (status vs block).
func TestBindingAccessors(t *testing.T) {
	header := []string{"id", "name", "username", "email", "Block"}
	b, err := UsersSchema.Bind("joomla.csv", header, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := []string{"42", "Ann Smith", "ann", "ann@example.org", "1"}
	tests := []struct {
		field, matched, headerOf, cell string
	}{
		{"uid", "id", "id", "42"},
		{"status", "block", "Block", "1"},
		{"full_name", "name", "name", "Ann Smith"},
		{"first_name", "", "first_name", ""},
	}
	for _, tc := range tests {
		if got := b.Matched(tc.field); got != tc.matched {
			t.Errorf("Matched(%s) = %q, want %q", tc.field, got, tc.matched)
		}
		if got := b.HeaderOf(tc.field); got != tc.headerOf {
			t.Errorf("HeaderOf(%s) = %q, want %q", tc.field, got, tc.headerOf)
		}
		if got := Cell(rec, b.Col(tc.field)); got != tc.cell {
			t.Errorf("Cell(rec, Col(%s)) = %q, want %q", tc.field, got, tc.cell)
		}
	}
	if got := Cell(rec[:2], b.Col("email")); got != "" {
		t.Errorf("Cell of a short record = %q, want empty", got)
	}
}

func TestNormalizeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"E-mail", "email"},
		{"e_mail", "email"},
		{"EMAIL", "email"},
		{"\ufeffUser ID", "userid"},
		{" Contact\u00a0ID\t", "contactid"},
		{"Email (Primary)", "email(primary)"},
		{"", ""},
		{"Ünïcode Naïve", "ünïcodenaïve"},
	}
	for _, tc := range tests {
		if got := NormalizeHeader(tc.in); got != tc.want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsOtherEmail(t *testing.T) {
	tests := []struct {
		h    string
		want bool
	}{
		{"Home-Email", true}, {"Work-Email", true}, {"Billing-Email", true}, {"Other-Email", true},
		{"Main-E-mail", true}, {"home-email", true}, {"\ufeffHome-Email ", true},
		{"Email 2", true}, {"E-mail 3", true}, {"email2", true}, {"Email 10", true}, {"Email 19", true}, {"Email 25", true},
		{"Email", false}, {"E-mail", false}, {"Email 1", false}, {"Email 0", false}, {"Primary Email", false},
		{"Email (Primary)", false}, {"Email Greeting", false}, {"-Email", false}, {"Email 2b", false},
	}
	for _, tc := range tests {
		if got := IsOtherEmail(tc.h); got != tc.want {
			t.Errorf("IsOtherEmail(%q) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

func TestParseOverride(t *testing.T) {
	tests := []struct {
		in, field, header string
		ok                bool
	}{
		{"email=Mail Address", "email", "Mail Address", true},
		{" users.uid = Member No ", "users.uid", "Member No", true},
		{"title=a=b", "title", "a=b", true},
		{"email", "", "", false},
		{"=Mail", "", "", false},
		{"email=", "", "", false},
	}
	for _, tc := range tests {
		f, h, err := ParseOverride(tc.in)
		if (err == nil) != tc.ok || f != tc.field || h != tc.header {
			t.Errorf("ParseOverride(%q) = %q, %q, %v", tc.in, f, h, err)
		}
	}
}

func TestCheckOverrides(t *testing.T) {
	tests := []struct {
		name string
		ov   Overrides
		bad  []string // named in the error; none: no error
	}{
		{"none", nil, nil},
		{"bare and scoped", Overrides{"email": "x", "users.email": "y", "contacts.other_emails": "z", "og_role_names.name": "n"}, nil},
		{"every field of every schema", everyField(), nil},
		{"typo", Overrides{"emial": "x"}, []string{"emial"}},
		{"field of another schema", Overrides{"users.contact_type": "x"}, []string{"users.contact_type"}},
		{"unknown schema", Overrides{"people.email": "x", "uid": "y"}, []string{"people.email"}},
		{"several, sorted", Overrides{"zzz": "x", "aaa": "y"}, []string{"aaa, zzz"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOverrides(tc.ov)
			if len(tc.bad) == 0 {
				if err != nil {
					t.Errorf("CheckOverrides: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckOverrides accepted unknown fields")
			}
			for _, s := range tc.bad {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

func everyField() Overrides {
	ov := Overrides{}
	for _, s := range Schemas {
		for _, f := range s.Fields {
			ov[f.Name] = "x"
			ov[s.Name+"."+f.Name] = "x"
		}
	}
	return ov
}

func FuzzBind(f *testing.F) {
	f.Add("uid\nname\nmail\nstatus", "", "")
	f.Add("id\nname\nusername\nemail\nblock", "users.full_name", "username")
	f.Add("Contact ID\nEmail\nHome-Email\nEmail 2\nEmail 2\n", "email", "Home-Email")
	f.Add("id\ncontact_id\nemail\nis_primary", "contacts.contact_id", "nope")
	f.Add("\ufeff\n\n-\n_", "email", "-")
	f.Add("nid\ngid\netid\nentity_type\nstate", "memberships.uid", "nid")
	f.Fuzz(func(t *testing.T, headers, ovKey, ovHeader string) {
		header := strings.Split(headers, "\n")
		ov := Overrides{}
		if ovKey != "" {
			ov[ovKey] = ovHeader
		}
		for _, s := range Schemas {
			b, err := s.Bind("f.csv", header, ov)
			if err != nil {
				if !errors.Is(err, ErrMissingColumn) && !errors.Is(err, ErrWrongTable) {
					t.Fatalf("%s: error %v wraps neither ErrMissingColumn nor ErrWrongTable", s.Name, err)
				}
				continue
			}
			seen := map[int]bool{}
			for _, fd := range s.Fields {
				cols := b.Multi(fd.Name)
				if i := b.Col(fd.Name); i >= 0 {
					cols = append(cols, i)
				} else if fd.Required {
					t.Fatalf("%s: required %s unbound without an error", s.Name, fd.Name)
				}
				for _, i := range cols {
					if i < 0 || i >= len(header) {
						t.Fatalf("%s: %s bound to column %d of %d", s.Name, fd.Name, i, len(header))
					}
					if seen[i] {
						t.Fatalf("%s: column %d bound twice", s.Name, i)
					}
					seen[i] = true
				}
				_ = b.HeaderOf(fd.Name)
			}
		}
	})
}

// contactsExportHeader is a wide CiviCRM export header, the slow case.
var contactsExportHeader = strings.Split("Contact ID,Contact Type,Contact Subtype,Do Not Email,Do Not Phone,Do Not Mail,Do Not SMS,"+
	"Do Not Trade,No Bulk Emails (User Opt Out),Legal Identifier,External Identifier,Sort Name,Display Name,Nickname,"+
	"Legal Name,Image Url,Preferred Communication Method,Preferred Language,Preferred Mail Format,Contact Hash,"+
	"Contact Source,First Name,Middle Name,Last Name,Individual Prefix,Individual Suffix,Formal Title,"+
	"Communication Style,Email Greeting ID,Postal Greeting ID,Addressee ID,Job Title,Gender,Birth Date,Deceased,"+
	"Deceased Date,Household Name,Organization Name,Current Employer,Is Deleted,Email,Home-Email,Work-Email,"+
	"Billing-Email,Email 2,On Hold,Groups,Tags,User ID", ",")

func BenchmarkBind(b *testing.B) {
	for _, bc := range []struct {
		s      *Schema
		header []string
	}{
		{&ContactsSchema, contactsExportHeader},
		{&UsersSchema, strings.Split("uid,name,pass,mail,theme,signature,signature_format,created,access,login,status,timezone,language,picture,init,data", ",")},
	} {
		b.Run(bc.s.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bc.s.Bind("in.csv", bc.header, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNormalizeHeader(b *testing.B) {
	for b.Loop() {
		for _, h := range contactsExportHeader {
			NormalizeHeader(h)
		}
	}
	b.ReportMetric(float64(len(contactsExportHeader)), "headers/op")
}

// ExampleSchema_Bind shows Joomla's "name" becoming the full name once
// "username" has the login.
func ExampleSchema_Bind() {
	b, err := UsersSchema.Bind("jos_users.csv", []string{"id", "name", "username", "email", "block"}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(b.HeaderOf("uid"), b.HeaderOf("username"), b.HeaderOf("full_name"), b.Matched("status"))
	// Output: id username name block
}
