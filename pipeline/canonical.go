package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/civisync/civisync/formats"
)

// The canonical files that `civisync extract` writes. Their headers are
// among the names each input recognises, so any stage reads them back like
// an export; source_file and source_line keep pointing at the original row.
type (
	CanonicalUser struct {
		UID       string `csv:"uid"`
		Username  string `csv:"username"`
		Email     string `csv:"email"`
		FirstName string `csv:"first_name"`
		LastName  string `csv:"last_name"`
		Blocked   string `csv:"blocked"`
		// The fields a dedupe rule may compare besides names and e-mail.
		MiddleName string `csv:"middle_name"`
		NickName   string `csv:"nick_name"`
		BirthDate  string `csv:"birth_date"`
		Phone      string `csv:"phone"`
		Street     string `csv:"street_address"`
		City       string `csv:"city"`
		PostalCode string `csv:"postal_code"`
		ExternalID string `csv:"external_identifier"`
		SourceFile string `csv:"source_file"`
		SourceLine string `csv:"source_line"`
	}
	CanonicalContact struct {
		ContactID  string `csv:"contact_id"`
		Type       string `csv:"contact_type"`
		FirstName  string `csv:"first_name"`
		LastName   string `csv:"last_name"`
		Email      string `csv:"email"`
		Others     string `csv:"other_emails"` // ';'-separated
		Deleted    string `csv:"is_deleted"`
		ExternalID string `csv:"external_identifier"`
		UFID       string `csv:"uf_id"`
		Groups     string `csv:"groups"` // ','-separated, as CiviCRM exports them
		MiddleName string `csv:"middle_name"`
		NickName   string `csv:"nick_name"`
		BirthDate  string `csv:"birth_date"`
		Phone      string `csv:"phone"`
		OtherPhone string `csv:"other_phones"` // ';'-separated
		Street     string `csv:"street_address"`
		City       string `csv:"city"`
		PostalCode string `csv:"postal_code"`
		SourceFile string `csv:"source_file"`
		SourceLine string `csv:"source_line"`
	}
	CanonicalMembership struct {
		GID        string `csv:"gid"`
		Group      string `csv:"group"`
		UID        string `csv:"uid"`
		State      string `csv:"state"`
		Admin      string `csv:"is_admin"`
		SourceFile string `csv:"source_file"`
		SourceLine string `csv:"source_line"`
	}
)

func (r CanonicalUser) AppendFields(d []string) []string {
	return append(d, r.UID, r.Username, r.Email, r.FirstName, r.LastName, r.Blocked,
		r.MiddleName, r.NickName, r.BirthDate, r.Phone, r.Street, r.City, r.PostalCode, r.ExternalID, r.SourceFile, r.SourceLine)
}
func (r CanonicalContact) AppendFields(d []string) []string {
	return append(d, r.ContactID, r.Type, r.FirstName, r.LastName, r.Email, r.Others, r.Deleted, r.ExternalID, r.UFID, r.Groups,
		r.MiddleName, r.NickName, r.BirthDate, r.Phone, r.OtherPhone, r.Street, r.City, r.PostalCode, r.SourceFile, r.SourceLine)
}
func (r CanonicalMembership) AppendFields(d []string) []string {
	return append(d, r.GID, r.Group, r.UID, r.State, r.Admin, r.SourceFile, r.SourceLine)
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// WriteCanonicalUsers writes users, ascending uid.
func WriteCanonicalUsers(tw formats.TableWriter, users []User) error {
	sort.SliceStable(users, func(i, j int) bool { return users[i].UID < users[j].UID })
	var buf []string
	for _, u := range users {
		m := moreOrNone(u.More)
		buf = CanonicalUser{fmt.Sprint(u.UID), u.Username, u.Email, u.First, u.Last, bit(u.Blocked),
			m.Middle, m.Nick, m.BirthDate, firstOf(m.Phones), m.Street, m.City, m.PostalCode, m.ExternalID, u.File, itoa0(int64(u.Line))}.AppendFields(buf[:0])
		if err := tw.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// WriteCanonicalContacts writes contacts, ascending id.
func WriteCanonicalContacts(tw formats.TableWriter, contacts []Contact) error {
	var buf []string
	for _, c := range contacts {
		groups := c.GroupsRaw
		if len(c.Groups) > 0 {
			groups = strings.Join(append(nonEmpty(groups), c.Groups...), ", ")
		}
		m := moreOrNone(c.More)
		others := ""
		if len(m.Phones) > 1 {
			others = strings.Join(m.Phones[1:], ";")
		}
		buf = CanonicalContact{fmt.Sprint(c.ID), c.Type, c.First, c.Last, c.Primary, strings.Join(c.Others, ";"),
			bit(c.Deleted), c.ExternalID, itoa0(c.UFID), groups,
			m.Middle, m.Nick, m.BirthDate, firstOf(m.Phones), others, m.Street, m.City, m.PostalCode, c.File, itoa0(int64(c.Line))}.AppendFields(buf[:0])
		if err := tw.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// WriteCanonicalMemberships writes memberships with titles and admin roles
// folded in; admins known only from roles or authorship get a row of their own.
func WriteCanonicalMemberships(tw formats.TableWriter, og *OGData) error {
	type pair struct {
		g   int32
		uid int64
	}
	roleAdmin := map[pair]Src{}
	for _, a := range og.admins() {
		if _, dup := roleAdmin[pair{a.Group, a.UID}]; !dup {
			roleAdmin[pair{a.Group, a.UID}] = a.Src
		}
	}
	var buf []string
	write := func(g int32, uid int64, state State, admin bool, src Src) error {
		grp := &og.Groups[g]
		buf = CanonicalMembership{grp.GID, grp.Title, fmt.Sprint(uid), state.String(), bit(admin), src.File, itoa0(int64(src.Line))}.AppendFields(buf[:0])
		return tw.Write(buf)
	}
	// Group nodes first, as rows without a user: they keep groups without
	// members, and where each group's node row was.
	for _, g := range og.Groups {
		if g.Node {
			buf = CanonicalMembership{g.GID, g.Title, "", "", "", g.File, itoa0(int64(g.Line))}.AppendFields(buf[:0])
			if err := tw.Write(buf); err != nil {
				return err
			}
		}
	}
	seen := map[pair]bool{}
	for i, m := range og.Memberships {
		p := pair{m.Group, m.UID}
		_, admin := roleAdmin[p]
		seen[p] = true
		if err := write(m.Group, m.UID, m.State(), m.Admin() || admin, og.src(i)); err != nil {
			return err
		}
	}
	var extra []pair
	for p := range roleAdmin {
		if !seen[p] {
			extra = append(extra, p)
		}
	}
	sort.Slice(extra, func(i, j int) bool {
		if extra[i].g != extra[j].g {
			return extra[i].g < extra[j].g
		}
		return extra[i].uid < extra[j].uid
	})
	for _, p := range extra {
		if err := write(p.g, p.uid, Active, true, roleAdmin[p]); err != nil {
			return err
		}
	}
	return nil
}

// moreOrNone is m, or an empty More.
func moreOrNone(m *More) *More {
	if m == nil {
		return &More{}
	}
	return m
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
