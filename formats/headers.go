package formats

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Field is one logical column of an input and the headers it is known by,
// in order of preference.
type Field struct {
	Name     string
	Headers  []string
	Required bool
	// Multi collects every column whose raw header satisfies it (other
	// e-mails: Home-Email, Work-Email, Email 2 ...).
	Multi func(raw string) bool
}

// Schema is the set of fields an input provides. Fields bind in order and a
// column binds to one field only, so an earlier field can claim an ambiguous
// header: Joomla's "name" is the full name only once "username" has taken the
// login.
type Schema struct {
	Name   string
	Flag   string // the option that reads this input, for messages
	What   string // what the input is, for messages
	Fields []Field
	// Either lists fields of which at least one must have a column (a
	// group by id or by title).
	Either []string
}

// Binding maps a schema's fields onto the columns of one file's header.
type Binding struct {
	File    string
	Header  []string
	cols    map[string]int
	matched map[string]string // field -> normalised header that matched
	multi   map[string][]int
}

// NormalizeHeader folds case and drops spaces, '_', '-' and a BOM, so "E-mail",
// "e_mail" and "EMAIL" compare equal.
func NormalizeHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimPrefix(h, "\uFEFF")) {
		switch r {
		case ' ', '_', '-', '\t', '\u00a0', '\uFEFF':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Overrides are --map FIELD=HEADER pairs. A key "users.email" applies to one
// schema only; a bare "email" to every schema that has the field.
type Overrides map[string]string

// ParseOverride splits "FIELD=HEADER".
func ParseOverride(s string) (field, header string, err error) {
	field, header, ok := strings.Cut(s, "=")
	field, header = strings.TrimSpace(field), strings.TrimSpace(header)
	if !ok || field == "" || header == "" {
		return "", "", fmt.Errorf("--map %q: want FIELD=HEADER, e.g. email=Mail Address", s)
	}
	return field, header, nil
}

// Bind finds each field's column in header.
func (s *Schema) Bind(file string, header []string, ov Overrides) (*Binding, error) {
	b := &Binding{File: file, Header: header, cols: map[string]int{}, matched: map[string]string{}, multi: map[string][]int{}}
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = NormalizeHeader(h)
	}
	taken := make([]bool, len(header))
	find := func(h string) int {
		n := NormalizeHeader(h)
		for i := range norm {
			if !taken[i] && norm[i] == n {
				return i
			}
		}
		return -1
	}
	for _, f := range s.Fields {
		if h, ok := s.override(ov, f.Name); ok {
			if i := find(h); i >= 0 {
				b.cols[f.Name], b.matched[f.Name], taken[i] = i, norm[i], true
				continue
			}
			if _, scoped := ov[s.Name+"."+f.Name]; scoped {
				return nil, &Error{File: file, Err: fmt.Errorf("%w: --map %s.%s=%s: no such column; found: %s", ErrMissingColumn, s.Name, f.Name, h, strings.Join(header, ", "))}
			}
		}
		if f.Multi != nil {
			for i, h := range header {
				if !taken[i] && f.Multi(h) {
					b.multi[f.Name] = append(b.multi[f.Name], i)
					taken[i] = true
				}
			}
			continue
		}
		for _, h := range f.Headers {
			if i := find(h); i >= 0 {
				b.cols[f.Name], b.matched[f.Name], taken[i] = i, norm[i], true
				break
			}
		}
	}
	// A file recognisably of another kind is named as such, rather than
	// by the columns it lacks.
	if err := s.checkKind(file, header); err != nil {
		return nil, err
	}
	var missing []string
	for _, f := range s.Fields {
		if _, ok := b.cols[f.Name]; f.Required && !ok {
			missing = append(missing, fmt.Sprintf("%s (accepts: %s)", f.Name, strings.Join(f.Headers, ", ")))
		}
	}
	if len(s.Either) > 0 && !slices.ContainsFunc(s.Either, func(f string) bool { return b.Col(f) >= 0 }) {
		var alts []string
		for _, name := range s.Either {
			for _, f := range s.Fields {
				if f.Name == name {
					alts = append(alts, fmt.Sprintf("%s (accepts: %s)", f.Name, strings.Join(f.Headers, ", ")))
				}
			}
		}
		missing = append(missing, strings.Join(alts, " or "))
	}
	if len(missing) > 0 {
		found := strings.Join(header, ", ")
		if found == "" {
			found = "none"
		}
		return nil, &Error{File: file, Line: 1, Err: fmt.Errorf("%w for %s: %s; found: %s", ErrMissingColumn, s.Name, strings.Join(missing, "; "), found)}
	}
	if err := s.checkContacts(b); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Schema) override(ov Overrides, field string) (string, bool) {
	if h, ok := ov[s.Name+"."+field]; ok {
		return h, true
	}
	h, ok := ov[field]
	return h, ok
}

// Col is the column of field, or -1.
func (b *Binding) Col(field string) int {
	if i, ok := b.cols[field]; ok {
		return i
	}
	return -1
}

// Matched is the normalised header that field was found under ("" if none);
// some values mean different things under different headers (status vs block).
func (b *Binding) Matched(field string) string { return b.matched[field] }

// Multi lists the columns of a multi-column field, in file order.
func (b *Binding) Multi(field string) []int { return b.multi[field] }

// HeaderOf names the column of field, for messages.
func (b *Binding) HeaderOf(field string) string {
	if i := b.Col(field); i >= 0 {
		return b.Header[i]
	}
	return field
}

// Cell returns rec[i] or "" when the field is absent.
func Cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

var otherEmail = regexp.MustCompile(`(?i)^(.+-\s*e-?mail|e-?mail\s*([2-9]|[1-9][0-9]+))$`)

// IsOtherEmail recognises CiviCRM's location e-mail columns: Home-Email,
// Work-Email, Billing-Email, Email 2 ...
func IsOtherEmail(raw string) bool {
	return otherEmail.MatchString(strings.TrimSpace(strings.TrimPrefix(raw, "\uFEFF")))
}

var otherPhone = regexp.MustCompile(`(?i)^.+-\s*phone(\s*-.*)?$`)

// IsOtherPhone recognises CiviCRM's location phone columns: Home-Phone,
// Work-Phone-Mobile ...
func IsOtherPhone(raw string) bool {
	return otherPhone.MatchString(strings.TrimSpace(strings.TrimPrefix(raw, "\uFEFF")))
}

// The schemas of SPEC §1.2. Order matters: see Schema.
var (
	UsersSchema = Schema{Name: "users", Flag: "--users", What: "a users table", Fields: []Field{
		{Name: "uid", Headers: []string{"uid", "user id", "id"}, Required: true},
		{Name: "email", Headers: []string{"mail", "email", "e-mail", "user_email", "email address"}, Required: true},
		{Name: "username", Headers: []string{"username", "user_login", "user name", "name"}},
		{Name: "full_name", Headers: []string{"display name", "display_name", "full name", "name"}},
		{Name: "first_name", Headers: []string{"first name", "first_name", "field_first_name_value", "given name"}},
		{Name: "last_name", Headers: []string{"last name", "last_name", "field_last_name_value", "surname", "family name"}},
		{Name: "status", Headers: []string{"status", "block", "blocked", "active"}},
		// Fields a dedupe rule may compare (SPEC §2); profile columns such
		// as field_phone_value bind with --map phone=field_phone_value.
		{Name: "middle_name", Headers: []string{"middle name", "middle_name", "field_middle_name_value"}},
		{Name: "nick_name", Headers: []string{"nick name", "nickname", "nick_name", "field_nick_name_value"}},
		{Name: "birth_date", Headers: []string{"birth date", "birth_date", "date of birth", "birthday", "dob", "field_birth_date_value"}},
		{Name: "phone", Headers: []string{"phone", "phone number", "telephone", "field_phone_value"}},
		{Name: "street_address", Headers: []string{"street address", "street_address", "field_street_address_value"}},
		{Name: "city", Headers: []string{"city", "town", "field_city_value"}},
		{Name: "postal_code", Headers: []string{"postal code", "postal_code", "postcode", "zip", "zip code", "field_postal_code_value"}},
		{Name: "external_identifier", Headers: []string{"external identifier", "external_identifier"}},
		{Name: "source_file", Headers: []string{"source_file"}},
		{Name: "source_line", Headers: []string{"source_line"}},
	}}
	ContactsSchema = Schema{Name: "contacts", Flag: "--contacts", What: "a contacts file", Fields: []Field{
		{Name: "contact_id", Headers: []string{"contact id", "contact_id", "internal contact id", "id"}, Required: true},
		{Name: "contact_type", Headers: []string{"contact type", "contact_type"}},
		{Name: "first_name", Headers: []string{"first name", "first_name"}},
		{Name: "last_name", Headers: []string{"last name", "last_name"}},
		{Name: "email", Headers: []string{"email", "primary email", "email (primary)", "email(primary)"}},
		{Name: "other_emails", Multi: IsOtherEmail},
		{Name: "other_emails_list", Headers: []string{"other emails", "other_emails"}},
		{Name: "is_deleted", Headers: []string{"is deleted", "is_deleted", "contact is in trash"}},
		{Name: "external_identifier", Headers: []string{"external identifier", "external_identifier"}},
		{Name: "uf_id", Headers: []string{"user id", "uf id", "uf_id", "cms user id", "drupal user id"}},
		{Name: "groups", Headers: []string{"groups", "group(s)"}},
		// Fields a dedupe rule may compare (SPEC §2), as CiviCRM's export
		// titles them; location phones (Home-Phone, Work-Phone-Mobile) too.
		{Name: "middle_name", Headers: []string{"middle name", "middle_name"}},
		{Name: "nick_name", Headers: []string{"nick name", "nick_name", "nickname"}},
		{Name: "birth_date", Headers: []string{"birth date", "birth_date", "date of birth"}},
		{Name: "phone", Headers: []string{"phone", "phone (primary)", "primary phone", "phone_numeric", "phone numeric"}},
		{Name: "other_phones", Multi: IsOtherPhone},
		{Name: "other_phones_list", Headers: []string{"other phones", "other_phones"}}, // canonical: ';'-separated
		{Name: "street_address", Headers: []string{"street address", "street_address"}},
		{Name: "city", Headers: []string{"city"}},
		{Name: "postal_code", Headers: []string{"postal code", "postal_code", "postcode", "zip code"}},
		{Name: "source_file", Headers: []string{"source_file"}},
		{Name: "source_line", Headers: []string{"source_line"}},
	}}
	// EmailsSchema is civicrm_email. Its contact_id may be empty: the
	// e-mails of events and locations belong to no contact.
	EmailsSchema = Schema{Name: "emails", Flag: "--emails", What: "a civicrm_email table", Fields: []Field{
		{Name: "contact_id", Headers: []string{"contact_id", "contact id"}, Required: true},
		{Name: "email", Headers: []string{"email", "e-mail", "mail"}, Required: true},
		{Name: "is_primary", Headers: []string{"is_primary", "is primary", "primary"}},
	}}
	UFMatchSchema = Schema{Name: "uf_match", Flag: "--uf-match", What: "a civicrm_uf_match table", Fields: []Field{
		{Name: "uf_id", Headers: []string{"uf_id", "uf id", "user id", "uid"}, Required: true},
		{Name: "contact_id", Headers: []string{"contact_id", "contact id"}, Required: true},
		{Name: "uf_name", Headers: []string{"uf_name", "uf name"}},
	}}
	// GroupContactsSchema names the group by title (an export) or by id
	// (a raw civicrm_group_contact, resolved through civicrm_group): one
	// of the two is needed.
	GroupContactsSchema = Schema{Name: "group_contacts", Flag: "--group-contacts", What: "a group contacts file", Fields: []Field{
		{Name: "contact_id", Headers: []string{"contact id", "contact_id", "id"}, Required: true},
		{Name: "group_id", Headers: []string{"group_id", "group id"}},
		{Name: "group", Headers: []string{"group title", "group", "title", "group name", "groups"}},
		{Name: "status", Headers: []string{"status"}},
	}, Either: []string{"group_id", "group"}}
	// CiviCRMGroupsSchema is civicrm_group: a group id's name and title.
	CiviCRMGroupsSchema = Schema{Name: "civicrm_groups", Flag: "--civicrm-groups", What: "a civicrm_group table", Fields: []Field{
		{Name: "group_id", Headers: []string{"id", "group id", "group_id"}, Required: true},
		{Name: "title", Headers: []string{"title", "group title"}, Required: true},
		{Name: "name", Headers: []string{"name", "group name"}},
	}}
	MembershipsSchema = Schema{Name: "memberships", Flag: "--memberships", What: "a memberships file", Fields: []Field{
		{Name: "gid", Headers: []string{"group id", "gid", "nid", "group nid"}},
		{Name: "group", Headers: []string{"group", "group title", "group name", "title"}},
		{Name: "uid", Headers: []string{"user id", "uid", "etid"}, Required: true},
		{Name: "entity_type", Headers: []string{"entity_type", "entity type"}},
		{Name: "group_type", Headers: []string{"group_type", "group type"}},
		{Name: "roles", Headers: []string{"roles", "role", "group roles", "og roles"}},
		{Name: "is_admin", Headers: []string{"is admin", "is_admin", "admin"}},
		{Name: "state", Headers: []string{"state", "status", "is_active", "membership state", "membership status"}},
		{Name: "source_file", Headers: []string{"source_file"}},
		{Name: "source_line", Headers: []string{"source_line"}},
	}}
	OGRolesSchema = Schema{Name: "og_roles", Flag: "--og-roles", What: "an og_users_roles table", Fields: []Field{
		{Name: "uid", Headers: []string{"uid", "user id"}, Required: true},
		{Name: "gid", Headers: []string{"gid", "group id", "nid"}, Required: true},
		{Name: "rid", Headers: []string{"rid", "role id", "role", "role name", "name"}, Required: true},
		{Name: "group_type", Headers: []string{"group_type", "group type"}},
	}}
	OGRoleNamesSchema = Schema{Name: "og_role_names", Flag: "--og-role-names", What: "an og_role table", Fields: []Field{
		{Name: "rid", Headers: []string{"rid", "role id", "id"}, Required: true},
		{Name: "name", Headers: []string{"name", "role", "role name"}, Required: true},
	}}
	// GroupsSchema is a group nodes file; with a type column it is the
	// whole node table, of which only the group nodes count.
	GroupsSchema = Schema{Name: "groups", Flag: "--groups", What: "a group nodes file", Fields: []Field{
		{Name: "gid", Headers: []string{"nid", "gid", "group id", "id"}, Required: true},
		{Name: "title", Headers: []string{"title", "group", "group title", "name"}, Required: true},
		{Name: "author", Headers: []string{"uid", "author", "author uid", "manager", "owner"}},
		{Name: "type", Headers: []string{"type", "content type", "node type"}},
	}}
	// OGGroupsSchema says which nodes are groups: Drupal 6's og table (a
	// row per group node) or Drupal 7's field_data_group_group (the
	// group_group field of each entity, 1 for a group).
	OGGroupsSchema = Schema{Name: "og_groups", Flag: "--og-groups", What: "an og or field_data_group_group table", Fields: []Field{
		{Name: "gid", Headers: []string{"entity_id", "nid", "entity id", "group id", "gid"}, Required: true},
		{Name: "entity_type", Headers: []string{"entity_type", "entity type"}},
		{Name: "group_group", Headers: []string{"group_group_value", "group_group"}},
		{Name: "deleted", Headers: []string{"deleted"}},
	}}
)

// Schemas lists every schema by name, for --map validation and the README.
var Schemas = []*Schema{&UsersSchema, &ContactsSchema, &EmailsSchema, &UFMatchSchema, &GroupContactsSchema,
	&CiviCRMGroupsSchema, &MembershipsSchema, &OGRolesSchema, &OGRoleNamesSchema, &GroupsSchema, &OGGroupsSchema}

// CheckOverrides rejects --map keys that name no field, so a typo is an
// error rather than a silently ignored mapping.
func CheckOverrides(ov Overrides) error {
	known := map[string]bool{}
	for _, s := range Schemas {
		for _, f := range s.Fields {
			known[f.Name] = true
			known[s.Name+"."+f.Name] = true
		}
	}
	var bad []string
	for k := range ov {
		if !known[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("--map: unknown field %s", strings.Join(bad, ", "))
	}
	return nil
}
