// Package pipeline holds civisync's domain (users, contacts, Organic Group
// memberships) and its stages: extract reads exports into the domain,
// transform matches users to contacts and groups to CiviCRM groups the way
// CiviCRM and civicrm_og_sync do, and load writes the import files.
package pipeline

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Src is where a record came from, for review.csv and error messages.
type Src struct {
	File string
	Line int
}

// User is one CMS account (Drupal, Backdrop, Joomla, WordPress).
type User struct {
	UID      int64
	Username string
	Email    string
	First    string
	Last     string
	Blocked  bool
	More     *More // phone, birth date, address ... for dedupe rules; nil if none
	Src
}

// Contact is one CiviCRM contact.
type Contact struct {
	ID      int64
	Type    string // Individual, Organization, Household
	First   string
	Last    string
	Primary string   // the primary e-mail, "" if none
	Others  []string // every other e-mail
	Deleted bool
	// ExternalID is CiviCRM's external_identifier.
	ExternalID string
	// UFID is the CMS user the contact is already linked to (uf_match), 0 if none.
	UFID int64
	// GroupsRaw is the export's Groups column: comma-separated titles, split
	// against the known group titles because a title may hold a comma.
	GroupsRaw string
	Groups    []string // exact titles (--group-contacts), status Added
	More      *More    // phones, birth date, address ... for dedupe rules; nil if none
	Src
}

// IsIndividual reports whether the contact can be a user's contact; an
// empty type means the export had no type column, where every row is an
// Individual.
func (c *Contact) IsIndividual() bool {
	return c.Type == "" || strings.EqualFold(c.Type, "Individual")
}

// inGroups reports whether the export puts the contact in any CiviCRM group.
func (c *Contact) inGroups() bool { return c.GroupsRaw != "" || len(c.Groups) > 0 }

// emails lists the contact's e-mails, primary first.
func (c *Contact) emails() []string {
	if c.Primary == "" {
		return c.Others
	}
	return append([]string{c.Primary}, c.Others...)
}

// State of an OG membership.
type State uint8

const (
	Active State = iota + 1
	Pending
	Blocked
)

func (s State) String() string {
	switch s {
	case Active:
		return "active"
	case Pending:
		return "pending"
	case Blocked:
		return "blocked"
	}
	return "unknown"
}

// Group is an Organic Group: from the group nodes file, or known only
// because a membership or a role names it.
type Group struct {
	GID    string // the group node id; "" when known by title only
	Title  string // "" when nothing gives the group a title
	Author int64  // the group node's author, an admin; 0 if unknown
	Node   bool   // the group nodes file has it
	User   int64  // the user of the membership row that first named it, if any
	Src           // where the group was first named
}

// Membership is one user's membership of one Organic Group. It is kept to
// 16 bytes: a large site has millions, held through most of a run.
//
// The state, the admin flag (is_admin, or an administrator role in the
// row) and where the row is are packed into bits: State and Admin read
// them, OGData.src gives the file and line back. A uid is any int64.
type Membership struct {
	UID   int64
	Group int32  // index into OGData.Groups
	bits  uint32 // see memberLineShift
}

// RoleAdmin is a user made group administrator by og_users_roles, or, for
// OGData.admins, as the author of the group node.
type RoleAdmin struct {
	Group  int32
	UID    int64
	Author bool
	Src
}

// EmailKey is what two e-mails are compared by: trimmed of every Unicode
// white space (tab, NBSP ...), NFC-normalised and lower-cased.
func EmailKey(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if isASCII(s) {
		return asciiLower(s)
	}
	return strings.ToLower(norm.NFC.String(s))
}

// appendEmailKey appends EmailKey(s) to dst, without allocating for the
// usual plain-ASCII address, so a lookup can use the bytes as they are.
func appendEmailKey(dst []byte, s string) []byte {
	if !isASCII(s) {
		return append(dst, EmailKey(s)...)
	}
	i, j := 0, len(s)
	for i < j && isASCIISpace(s[i]) {
		i++
	}
	for j > i && isASCIISpace(s[j-1]) {
		j--
	}
	for ; i < j; i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// isASCIISpace is unicode.IsSpace for bytes below 0x80.
func isASCIISpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiLower avoids an allocation when s is already lower case, the common case.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
