package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/civisync/civisync/formats"
	"github.com/civisync/civisync/pipeline/internal/par"
)

// api4/ holds, for people with shell access to the CiviCRM site, the
// parameters of one APIv4 save call per file, for CiviCRM's command line:
//
//	cv api4 Group.save --in=json < api4/groups.json
//
// cv reads the parameters as JSON from standard input (civicrm/cv,
// src/Command/Api4Command.php, --in=json). Each file holds `records` and
// `match`: a record that matches an existing one on every match field is
// updated instead of created (Civi/Api4/Generic/Traits/MatchParamTrait.php),
// so running a file twice does not make duplicates.

// API4File is one api4/*.json file and the entity it saves.
type API4File struct {
	Name   string // under api4/
	Entity string
	Match  []string
}

// The api4 files, in the order they are run.
var (
	API4Groups        = API4File{"groups.json", "Group", []string{"name"}}
	API4Contacts      = API4File{"contacts.json", "Contact", []string{"external_identifier"}}
	API4GroupContacts = API4File{"group_contacts.json", "GroupContact", []string{"group_id", "contact_id"}}
	API4UFMatches     = API4File{"uf_match.json", "UFMatch", []string{"uf_id", "domain_id"}}
	API4Files         = []API4File{API4Groups, API4Contacts, API4GroupContacts, API4UFMatches}
)

// API4Dir is the folder of the api4 files in the output directory.
const API4Dir = "api4"

// API4Schema lists, per APIv4 entity, the fields civisync writes, as
// civicrm-core declares them (schema/<Area>/<Entity>.entityType.php,
// getFields), and the joins it writes through. A field written with an
// option suffix (group_type:name, group_id:name) is the field before the
// colon; a join field (email_primary.email) is the join, then a field of the
// joined entity.
var API4Schema = map[string]API4Entity{
	// schema/Contact/Group.entityType.php: name varchar(64), title
	// varchar(255), group_type (option group group_type), source varchar(64);
	// unique indices UI_name and UI_title.
	"Group": {Fields: []string{"name", "title", "group_type", "source"}},
	// schema/Contact/Contact.entityType.php: first_name, last_name,
	// external_identifier (unique index UI_external_identifier). Not
	// contact_type: it is readonly and export-only; Contact.save makes an
	// Individual when no organization or household name is given
	// (Civi/Api4/Action/Contact/ContactSaveTrait.php), which also saves
	// email_primary.* as the contact's primary Email.
	"Contact": {Fields: []string{"first_name", "last_name", "external_identifier"}, Joins: map[string]string{"email_primary": "Email"}},
	// schema/Core/Email.entityType.php.
	"Email": {Fields: []string{"email"}},
	// schema/Contact/GroupContact.entityType.php: group_id (pseudoconstant
	// table civicrm_group, so group_id:name is the group's name), contact_id,
	// status (CRM_Core_SelectValues::groupContactStatus: Added, Removed,
	// Pending); unique index UI_contact_group.
	"GroupContact": {Fields: []string{"group_id", "contact_id", "status"}},
	// schema/Core/UFMatch.entityType.php: uf_id, uf_name, contact_id,
	// domain_id (an FK to Domain: "current_domain" is the site's domain).
	"UFMatch": {Fields: []string{"uf_id", "uf_name", "contact_id", "domain_id"}},
}

// API4Entity is one entity's part of API4Schema.
type API4Entity struct {
	Fields []string
	Joins  map[string]string // join name -> entity
}

// Records of the api4 files. Values are what the option names are in
// civicrm-core: group_type's are "Mailing List" and "Access Control"
// (sql/civicrm_data/civicrm_option_group/group_type.sqldata.php).
type (
	api4Group struct {
		Name      string   `json:"name"`
		Title     string   `json:"title"`
		GroupType []string `json:"group_type:name"`
		Source    string   `json:"source,omitempty"`
	}
	api4Contact struct {
		First      string `json:"first_name,omitempty"`
		Last       string `json:"last_name,omitempty"`
		Email      string `json:"email_primary.email"`
		ExternalID string `json:"external_identifier,omitempty"`
	}
	api4GroupContact struct {
		Group   string `json:"group_id:name"`
		Contact int64  `json:"contact_id"`
		Status  string `json:"status"`
	}
	api4UFMatch struct {
		UFID    int64  `json:"uf_id"`
		UFName  string `json:"uf_name"`
		Contact int64  `json:"contact_id"`
		Domain  string `json:"domain_id"`
	}
)

// api4GroupOf is a groups.csv row as a Group record.
func api4GroupOf(r GroupRow) api4Group {
	return api4Group{Name: r.Name, Title: r.Title, GroupType: []string{r.GroupType}, Source: r.Source}
}

// api4ContactOf is a new_contacts.csv row as a Contact record.
func api4ContactOf(r NewContactRow) api4Contact {
	return api4Contact{First: r.FirstName, Last: r.LastName, Email: r.Email, ExternalID: r.ExternalID}
}

// api4GroupNames maps groups.csv's titles to names: membership rows name
// their group by Title, GroupContact wants the group's name.
type api4GroupNames map[string]string

func (n api4GroupNames) add(r GroupRow) { n[r.Title] = r.Name }

// groupContact is a membership row as a GroupContact record; a row naming a
// contact still to be created (by e-mail, no Contact ID) has none until the
// contacts are made and civisync runs again.
func (n api4GroupNames) groupContact(r MemberRow) (api4GroupContact, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.ContactID), 10, 64)
	if err != nil || id <= 0 {
		return api4GroupContact{}, false
	}
	name, ok := n[r.GroupTitle]
	if !ok {
		name = r.GroupTitle
	}
	return api4GroupContact{Group: name, Contact: id, Status: r.Status}, true
}

// api4UFMatchOf is a user_contacts.csv row as a UFMatch record: a user with
// a contact of their own. Users sharing another user's contact get none
// (uf_match allows one user per contact: UI_contact_domain_id).
func api4UFMatchOf(r UserContactRow) (api4UFMatch, bool) {
	uid, err1 := strconv.ParseInt(strings.TrimSpace(r.UserID), 10, 64)
	cid, err2 := strconv.ParseInt(strings.TrimSpace(r.ContactID), 10, 64)
	if err1 != nil || err2 != nil {
		return api4UFMatch{}, false
	}
	return api4UFMatchOfUser(uid, r.Email, cid, r.Match)
}

// api4UFMatchOfUser is api4UFMatchOf for a user as matched.
func api4UFMatchOfUser(uid int64, email string, contactID int64, match string) (api4UFMatch, bool) {
	if uid <= 0 || contactID <= 0 || match == MatchShared {
		return api4UFMatch{}, false
	}
	return api4UFMatch{UFID: uid, UFName: email, Contact: contactID, Domain: "current_domain"}, true
}

// api4Writer writes one api4 file as it is given records, one a line:
//
//	{"match":[…],"records":[
//	{…},
//	{…}
//	]}
type api4Writer struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
	err error

	line []byte // the record being laid out
}

func newAPI4Writer(w io.Writer, f API4File) *api4Writer {
	a := &api4Writer{w: bufio.NewWriterSize(w, 64<<10)}
	a.enc = json.NewEncoder(&a.buf)
	a.enc.SetEscapeHTML(false) // titles keep their & < >
	match, _ := json.Marshal(f.Match)
	a.w.WriteString(`{"match":`)
	a.w.Write(match)
	a.w.WriteString(`,"records":[`)
	return a
}

// api4Record is a record that lays itself out as JSON, as encoding/json
// would (TestAPI4RecordLayout): reflection per record would cost more than
// the rest of writing, and a large site has millions of memberships.
type api4Record interface {
	appendJSON(a *api4Writer, dst []byte) []byte
}

// add writes one record. (A generic function, not a method taking the
// interface: boxing each record would allocate.)
func add[R api4Record](a *api4Writer, r R) error {
	if a.err != nil {
		return a.err
	}
	if a.n > 0 {
		a.w.WriteByte(',')
	}
	a.w.WriteByte('\n')
	a.line = r.appendJSON(a, a.line[:0])
	a.w.Write(a.line)
	a.n++
	return a.err
}

// Close ends the file and flushes it.
func (a *api4Writer) Close() error {
	if a.err != nil {
		return a.err
	}
	a.w.WriteString("\n]}\n")
	return a.w.Flush()
}

// CheckAPI4File checks an api4 file against API4Schema: it must be the
// parameters of its entity's save call (match and records only), every
// match name a field, every record key a field, a field with an option
// suffix, or a join and a field of the joined entity.
func CheckAPI4File(name string, data []byte) error {
	var f *API4File
	for i := range API4Files {
		if API4Files[i].Name == name {
			f = &API4Files[i]
		}
	}
	if f == nil {
		return fmt.Errorf("api4/%s: not an api4 file civisync writes", name)
	}
	ent, ok := API4Schema[f.Entity]
	if !ok {
		return fmt.Errorf("api4/%s: entity %s is not in the schema table", name, f.Entity)
	}
	var params struct {
		Match   []string         `json:"match"`
		Records []map[string]any `json:"records"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&params); err != nil {
		return fmt.Errorf("api4/%s: %w", name, err)
	}
	if params.Records == nil {
		return fmt.Errorf("api4/%s: no records list", name)
	}
	for _, m := range params.Match {
		if !slices.Contains(ent.Fields, m) {
			return fmt.Errorf("api4/%s: match %q is not a field of %s", name, m, f.Entity)
		}
	}
	for i, rec := range params.Records {
		for key := range rec {
			if err := api4Key(f.Entity, key); err != nil {
				return fmt.Errorf("api4/%s: record %d: %w", name, i+1, err)
			}
		}
	}
	return nil
}

// api4Key checks one record key of entity.
func api4Key(entity, key string) error {
	ent := API4Schema[entity]
	field, _, _ := strings.Cut(key, ":") // group_type:name is group_type with its option name
	if join, rest, ok := strings.Cut(field, "."); ok {
		joined, isJoin := ent.Joins[join]
		if !isJoin {
			return fmt.Errorf("%q: %s has no join %q", key, entity, join)
		}
		return api4Key(joined, rest)
	}
	if !slices.Contains(ent.Fields, field) {
		return fmt.Errorf("%q is not a field of %s", key, entity)
	}
	return nil
}

// api4Rows yields what the api4 files are made of: the rows of groups.csv,
// new_contacts.csv and user_contacts.csv, and every membership of
// group_members.csv and acl_admins.csv by its group's name (not title).
type api4Rows struct {
	groups   func(yield func(GroupRow) error) error
	contacts func(yield func(NewContactRow) error) error
	members  func(yield func(group string, contactID int64, status string) error) error
	users    func(yield func(uid int64, email string, contactID int64, match string) error) error
}

// writeAPI4 writes the api4 files side by side. A membership naming a
// contact still to be created (contact id 0) has no record yet.
func writeAPI4(out *formats.OutputSet, rows api4Rows) error {
	jobs := []struct {
		f     API4File
		write func(a *api4Writer) error
	}{
		{API4Groups, func(a *api4Writer) error {
			return rows.groups(func(r GroupRow) error { return add(a, api4GroupOf(r)) })
		}},
		{API4Contacts, func(a *api4Writer) error {
			return rows.contacts(func(r NewContactRow) error { return add(a, api4ContactOf(r)) })
		}},
		{API4GroupContacts, func(a *api4Writer) error {
			return rows.members(func(group string, id int64, status string) error {
				if id <= 0 {
					return nil
				}
				return add(a, api4GroupContact{group, id, status})
			})
		}},
		{API4UFMatches, func(a *api4Writer) error {
			return rows.users(func(uid int64, email string, contactID int64, match string) error {
				if rec, ok := api4UFMatchOfUser(uid, email, contactID, match); ok {
					return add(a, rec)
				}
				return nil
			})
		}},
	}
	errs := make([]error, len(jobs))
	rescued := make([]par.Rescue, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() {
			defer rescued[i].Catch()
			f, err := out.Create(API4Dir + "/" + job.f.Name)
			if err != nil {
				errs[i] = err
				return
			}
			a := newAPI4Writer(f, job.f)
			err = job.write(a)
			if err == nil {
				err = a.Close()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range rescued {
		rescued[i].Rethrow()
	}
	return errors.Join(errs...)
}

// appendString appends s as a JSON string, as Add's encoder writes it.
func (a *api4Writer) appendString(dst []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		return append(append(append(dst, '"'), s...), '"')
	}
	a.buf.Reset()
	if err := a.enc.Encode(s); err != nil && a.err == nil {
		a.err = err
	}
	return append(dst, bytes.TrimSuffix(a.buf.Bytes(), []byte{'\n'})...)
}

func (r api4Group) appendJSON(a *api4Writer, b []byte) []byte {
	b = a.appendString(append(b, `{"name":`...), r.Name)
	b = a.appendString(append(b, `,"title":`...), r.Title)
	b = append(b, `,"group_type:name":[`...)
	for i, t := range r.GroupType {
		if i > 0 {
			b = append(b, ',')
		}
		b = a.appendString(b, t)
	}
	b = append(b, ']')
	if r.Source != "" {
		b = a.appendString(append(b, `,"source":`...), r.Source)
	}
	return append(b, '}')
}

func (r api4Contact) appendJSON(a *api4Writer, b []byte) []byte {
	b = append(b, '{')
	if r.First != "" {
		b = a.appendString(append(b, `"first_name":`...), r.First)
		b = append(b, ',')
	}
	if r.Last != "" {
		b = a.appendString(append(b, `"last_name":`...), r.Last)
		b = append(b, ',')
	}
	b = a.appendString(append(b, `"email_primary.email":`...), r.Email)
	if r.ExternalID != "" {
		b = a.appendString(append(b, `,"external_identifier":`...), r.ExternalID)
	}
	return append(b, '}')
}

func (r api4GroupContact) appendJSON(a *api4Writer, b []byte) []byte {
	b = a.appendString(append(b, `{"group_id:name":`...), r.Group)
	b = strconv.AppendInt(append(b, `,"contact_id":`...), r.Contact, 10)
	b = a.appendString(append(b, `,"status":`...), r.Status)
	return append(b, '}')
}

func (r api4UFMatch) appendJSON(a *api4Writer, b []byte) []byte {
	b = strconv.AppendInt(append(b, `{"uf_id":`...), r.UFID, 10)
	b = a.appendString(append(b, `,"uf_name":`...), r.UFName)
	b = strconv.AppendInt(append(b, `,"contact_id":`...), r.Contact, 10)
	b = a.appendString(append(b, `,"domain_id":`...), r.Domain)
	return append(b, '}')
}

// api4 writes the api4 files in the background, beside the tables; the
// function it returns waits for them.
func (w *loader) api4(rows api4Rows) func() error {
	return par.Background(func() error { return writeAPI4(w.out, rows) })
}

// api4Of yields a run's result for the api4 files.
func api4Of(m *Matching, gs *GroupSync) api4Rows {
	return api4Rows{
		groups: func(yield func(GroupRow) error) error {
			for i := range gs.Groups {
				g := &gs.Groups[i]
				if err := yield(GroupRow{g.Name, g.Title(), GroupTypeMailing, g.Source}); err != nil {
					return err
				}
				acl := g.ACLName()
				if err := yield(GroupRow{acl, acl, GroupTypeACL, g.ACLSource()}); err != nil {
					return err
				}
			}
			return nil
		},
		contacts: func(yield func(NewContactRow) error) error {
			for _, n := range m.New {
				if err := yield(NewContactRow{"Individual", n.First, n.Last, n.Email, n.ExternalID}); err != nil {
					return err
				}
			}
			return nil
		},
		members: func(yield func(string, int64, string) error) error {
			for _, mb := range gs.Members {
				if err := yield(gs.Groups[mb.Group].Name, gs.ContactID(mb), mb.Status()); err != nil {
					return err
				}
			}
			for _, mb := range gs.Members {
				if mb.Admin {
					if err := yield(gs.Groups[mb.Group].ACLName(), gs.ContactID(mb), StatusAdded); err != nil {
						return err
					}
				}
			}
			return nil
		},
		users: func(yield func(int64, string, int64, string) error) error {
			for _, l := range m.Links {
				if l.ContactID == 0 {
					continue // a new contact: linked once it exists
				}
				if err := yield(l.UID, m.Users[l.User].Email, l.ContactID, m.MatchOf(&l)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
