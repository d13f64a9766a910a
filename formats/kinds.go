package formats

import (
	"errors"
	"fmt"
	"strings"
)

// ErrWrongTable: the file is a table of another kind than its option reads
// (the contacts export given as --users, og_membership as --contacts).
var ErrWrongTable = errors.New("wrong table")

// tableKind is a table civisync knows by a set of columns that, together,
// only it has: Drupal's and CiviCRM's own tables and CiviCRM's export.
type tableKind struct {
	what   string   // "Drupal 7 og_membership table"
	schema *Schema  // the input that reads it
	cols   []string // normalised headers, all present in such a table
}

// tableKinds are the tables a file is recognised as, whatever the option it
// was given with. More columns make a surer match, so the longest match wins.
var tableKinds = []tableKind{
	{"Drupal users table", &UsersSchema, []string{"uid", "name", "pass", "mail"}},
	{"Joomla users table", &UsersSchema, []string{"id", "username", "email", "password", "block"}},
	{"WordPress users table", &UsersSchema, []string{"id", "userlogin", "useremail"}},
	{"CiviCRM contacts export", &ContactsSchema, []string{"contactid", "contacttype"}},
	{"civicrm_contact table", &ContactsSchema, []string{"id", "contacttype", "displayname"}},
	{"civicrm_email table", &EmailsSchema, []string{"contactid", "email", "locationtypeid"}},
	{"civicrm_uf_match table", &UFMatchSchema, []string{"ufid", "contactid", "ufname"}},
	{"civicrm_group_contact table", &GroupContactsSchema, []string{"groupid", "contactid", "status"}},
	{"civicrm_group table", &CiviCRMGroupsSchema, []string{"id", "name", "title", "isactive"}},
	{"Drupal 7 og_membership table", &MembershipsSchema, []string{"etid", "entitytype", "gid"}},
	{"Drupal 6 og_uid table", &MembershipsSchema, []string{"nid", "uid", "isactive", "isadmin"}},
	{"Drupal 7 og_users_roles table", &OGRolesSchema, []string{"uid", "rid", "gid"}},
	{"Drupal 7 og_role table", &OGRoleNamesSchema, []string{"rid", "gid", "groupbundle", "name"}},
	{"Drupal node table", &GroupsSchema, []string{"nid", "vid", "type", "title"}},
	{"Drupal 6 og table", &OGGroupsSchema, []string{"nid", "ogselective"}},
	{"Drupal 7 field_data_group_group table", &OGGroupsSchema, []string{"entityid", "groupgroupvalue"}},
}

// recogniseTable names the known table a header belongs to, nil if none.
func recogniseTable(header []string) *tableKind {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[NormalizeHeader(h)] = true
	}
	var best *tableKind
	for i := range tableKinds {
		k := &tableKinds[i]
		all := true
		for _, c := range k.cols {
			all = all && have[c]
		}
		if all && (best == nil || len(k.cols) > len(best.cols)) {
			best = k
		}
	}
	return best
}

// checkKind refuses a file that is recognisably another kind of table than
// s reads: its columns can bind by chance (the contacts export's `User ID`
// and `Email` as a users table, og_membership's `id` as a contact id), and
// the run would go on to make every user a new contact.
func (s *Schema) checkKind(file string, header []string) error {
	if k := recogniseTable(header); k != nil && k.schema != s && s.Flag != "" {
		return &Error{File: file, Line: 1, Err: fmt.Errorf("%w: this is a %s (%s), not %s for %s; give it with %s",
			ErrWrongTable, k.what, strings.Join(k.headers(header), ", "), s.What, s.Flag, k.schema.Flag)}
	}
	return nil
}

// checkContacts refuses a contacts file whose only contact column is one
// called `id`: any table has one. (A users file may well have a contact id
// column: a Views export joined with civicrm_uf_match.)
func (s *Schema) checkContacts(b *Binding) error {
	if s == &ContactsSchema && b.Matched("contact_id") == "id" {
		for _, f := range s.Fields {
			if f.Name != "contact_id" && !strings.HasPrefix(f.Name, "source_") && (b.Col(f.Name) >= 0 || len(b.Multi(f.Name)) > 0) {
				return nil
			}
		}
		return &Error{File: b.File, Line: 1, Err: fmt.Errorf("%w: %s for %s has an %s column and nothing of a contact (no contact id, type, name, e-mail, user id or groups); found: %s",
			ErrWrongTable, s.What, s.Flag, b.HeaderOf("contact_id"), strings.Join(b.Header, ", "))}
	}
	return nil
}

// headers are the file's own spellings of k's columns.
func (k *tableKind) headers(header []string) []string {
	var out []string
	for _, c := range k.cols {
		for _, h := range header {
			if NormalizeHeader(h) == c {
				out = append(out, strings.TrimPrefix(h, "\uFEFF"))
				break
			}
		}
	}
	return out
}
