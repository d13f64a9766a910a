package pipeline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Drupal's user_import module (user_import.import.inc) builds a new account's
// username from the columns marked as username parts, then
// _user_import_sanitise_username cleans it and _user_import_unique_username
// makes it unique. civisync predicts that name for people who have no
// account, so the Username column of user_import_og.csv is what the import
// will make (SPEC §4).

// userImportMaxName is where _user_import_sanitise_username cuts a username
// ("username must be less than 56 characters"); Drupal allows 60, which
// leaves room for a " 2" … " 99" suffix.
const userImportMaxName = 56

// UserImportUsername is the username user_import makes from First and Last
// marked as username parts 1 and 2 with "Username Space" on: each part
// trimmed, joined by a space, cleaned by userImportClean. When nothing is
// left, the e-mail's local part is used, cleaned the same way (user_import
// itself would draw a random name there; SPEC §4 asks for a name a person
// recognises). It is not yet unique: see Usernames.Take.
func UserImportUsername(first, last, email string) string {
	first = strings.TrimFunc(first, unicode.IsSpace)
	last = strings.TrimFunc(last, unicode.IsSpace)
	name := first
	if name != "" && last != "" {
		name += " "
	}
	name = userImportClean(name + last)
	if name == "" {
		local, _, _ := strings.Cut(strings.TrimFunc(email, unicode.IsSpace), "@")
		name = userImportClean(local)
	}
	if name == "" {
		name = "user"
	}
	return name
}

// userImportClean is _user_import_sanitise_username: only letters, digits,
// spaces and @ _ . - are kept (so an apostrophe, a tab or a no-break space
// is dropped, not turned into a space), runs of spaces become one, the name
// is cut to 56 characters and trimmed. Letters include accented and
// non-Latin ones with their combining marks; the characters the module
// strips explicitly (no-break and other special spaces, bidirectional
// controls, the byte order mark, full-width forms) are dropped even where
// Unicode calls them letters. The cut never splits a character, nor a letter
// from its accent.
//
// The module's first expression works on bytes and so keeps every other
// non-ASCII character too (a typographic ’ survives it), and it cuts at 56
// bytes; SPEC §4 keeps letters and digits only and counts characters.
// Marked as the only username part, the Username column passes through
// the module unchanged either way, since a name this makes is already clean.
func userImportClean(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false // the last rune written was a space
	for _, r := range s {
		if !userImportKeeps(r) {
			continue
		}
		if r == ' ' {
			if space || b.Len() == 0 {
				continue // collapsed, or leading
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	name := strings.TrimRight(b.String(), " ")
	if utf8.RuneCountInString(name) > userImportMaxName {
		name = cutRunes(name, userImportMaxName, unicode.M)
		name = strings.TrimRight(name, " ")
	}
	return name
}

// userImportKeeps reports whether the module's two regular expressions leave
// r in a username.
func userImportKeeps(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
			r == ' ' || r == '@' || r == '_' || r == '.' || r == '-'
	}
	switch {
	case r <= 0xA0, r == 0xAD, // non-printable Latin-1, no-break space, soft hyphen
		0x2000 <= r && r <= 0x200F, // special spaces, zero-width characters
		0x2028 <= r && r <= 0x202F, // bidirectional overrides
		0x205F <= r && r <= 0x206F, // text hinting characters
		r == 0xFEFF,                // byte order mark
		0xFF01 <= r && r <= 0xFF60, // full-width Latin
		0xFFF9 <= r && r <= 0xFFFD: // replacement characters
		return false
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

// cutRunes keeps the first n characters of s, backing off so that a letter
// is never parted from the marks (of the class marks) after it: group names
// back off over nonspacing marks (unicode.Mn) only, usernames over all
// (unicode.M).
func cutRunes(s string, n int, marks *unicode.RangeTable) string {
	cut, count := len(s), 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[cut:]) // RuneError, no mark, at the end
		if !unicode.Is(marks, r) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(s[:cut])
		cut -= size
	}
	return s[:cut]
}

// Usernames are the usernames taken on the site and in this run, compared
// as Drupal's users.name column compares them: without regard to case.
type Usernames map[string]struct{}

// foldUsername is what two usernames are compared by.
func foldUsername(name string) string { return strings.ToLower(norm.NFC.String(name)) }

// Reserve marks an existing account's username as taken.
func (u Usernames) Reserve(name string) {
	if name != "" {
		u[foldUsername(name)] = struct{}{}
	}
}

// Take returns name, or name with " 2", " 3" … appended, whichever is free
// first (_user_import_unique_username's suffixes), and marks it taken.
func (u Usernames) Take(name string) string {
	cand := name
	for n := 2; ; n++ {
		if _, taken := u[foldUsername(cand)]; !taken {
			break
		}
		cand = name + " " + strconv.Itoa(n)
	}
	u.Reserve(cand)
	return cand
}
