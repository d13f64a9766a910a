package pipeline

import (
	"sort"
	"strconv"
)

// Review kinds: the Kind column of review.csv.
const (
	KindNoEmail                = "no-email"
	KindInvalidEmail           = "invalid-email"
	KindDuplicateEmail         = "duplicate-email"
	KindContactLinkedElsewhere = "contact-linked-elsewhere"
	KindUnknownUser            = "unknown-user"
	KindNoContact              = "no-contact"
	KindBlockedMembership      = "blocked-membership"
	KindUnknownGroup           = "unknown-group"
	KindGroupNameCollision     = "group-name-collision"
	KindBadRow                 = "bad-row"
	KindBlockedUser            = "blocked-user"           // --skip-blocked left the user out
	KindDuplicateUser          = "duplicate-user"         // the same uid twice in the users export
	KindDuplicateContact       = "duplicate-contact"      // the same contact id twice
	KindUnknownContact         = "unknown-contact"        // an e-mail, link or group row names no contact
	KindLinkConflict           = "link-conflict"          // two contacts claim the same user
	KindLinkedContactDeleted   = "linked-contact-deleted" // the user's existing contact is in the trash
	KindNameMismatch           = "name-mismatch"          // a weighted rule: e-mail matches but too few other fields
	KindPossibleDuplicate      = "possible-duplicate"     // a user given a new contact looks like an existing one
	KindNoGroupID              = "no-group-id"            // a group known by title only
	KindUnknownStatus          = "unknown-status"         // a status or state word we do not know
	KindFormulaLike            = "formula-like"           // an output cell a spreadsheet would run
	KindNotANodeGroup          = "not-a-node-group"       // an OG row of a group that is no node (taxonomy term, user ...)
	KindNotAGroup              = "not-a-group"            // an OG row naming a node that is not an Organic Group
	KindNoUserID               = "no-user-id"             // a users row with an e-mail but no user id
)

// ReviewItem is one row of review.csv: something a person should look at.
type ReviewItem struct {
	Kind      string
	File      string
	Line      int
	UID       int64
	ContactID int64
	Detail    string
}

// ReviewRow is review.csv's layout.
type ReviewRow struct {
	Kind      string `csv:"Kind"`
	File      string `csv:"File"`
	Line      string `csv:"Line"`
	UserID    string `csv:"User ID"`
	ContactID string `csv:"Contact ID"`
	Detail    string `csv:"Detail"`
}

func (r ReviewRow) AppendFields(d []string) []string {
	return append(d, r.Kind, r.File, r.Line, r.UserID, r.ContactID, r.Detail)
}

func (it ReviewItem) Row() ReviewRow {
	return ReviewRow{Kind: it.Kind, File: it.File, Line: itoa0(int64(it.Line)), UserID: itoa0(it.UID), ContactID: itoa0(it.ContactID), Detail: it.Detail}
}

// itoa0 writes 0 as "": an absent id or line.
func itoa0(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// Review collects review items. Items are sorted on output, so the order in
// which stages add them does not change the file.
type Review struct {
	Items []ReviewItem
}

func (r *Review) Add(kind string, src Src, uid, cid int64, detail string) {
	r.Items = append(r.Items, ReviewItem{Kind: kind, File: src.File, Line: src.Line, UID: uid, ContactID: cid, Detail: detail})
}

// Sorted returns the items by file, line, kind, user, contact, detail.
func (r *Review) Sorted() []ReviewItem {
	items := append([]ReviewItem(nil), r.Items...)
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.UID != b.UID {
			return a.UID < b.UID
		}
		if a.ContactID != b.ContactID {
			return a.ContactID < b.ContactID
		}
		return a.Detail < b.Detail
	})
	return items
}

// CountByKind counts items per kind.
func (r *Review) CountByKind() map[string]int {
	m := map[string]int{}
	for _, it := range r.Items {
		m[it.Kind]++
	}
	return m
}
