// Package dedupe holds the machinery of weighted dedupe rules: comparison
// keys computed as MySQL's utf8mb4_unicode_ci compares, and an index of
// contacts by each rule field's keys that finds a user's candidates without
// looking at every contact.
package dedupe

import (
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Folder turns values into comparison keys: two values are equal under
// utf8mb4_unicode_ci exactly when their keys are equal bytes. Case, accents
// and width are ignored (José = JOSE, ß = ss, æ = ae, Ａ = A), trailing spaces
// too (MySQL's PAD SPACE). A Folder is not safe for concurrent use: give each
// goroutine its own.
type Folder struct {
	c   *collate.Collator
	buf collate.Buffer
	// seen keeps the keys of text the collator was asked for: names
	// repeat (a site has many Josés), and a lookup costs a small part of
	// a collation. Emptied when full, so it stays small.
	seen map[string]string
}

// seenMax bounds Folder.seen.
const seenMax = 1 << 13

// NewFolder returns a Folder.
func NewFolder() *Folder {
	return &Folder{c: collate.New(language.Und, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)}
}

// asciiWeights is each printable ASCII byte's primary collation weight, as
// the collator gives it: a key of plain ASCII text, the usual case, is made
// from this table without the collator (TestFolderASCIITable holds the two
// equal).
var asciiWeights = func() (w [128][]byte) {
	c := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)
	var buf collate.Buffer
	for b := 0x20; b < 0x7f; b++ {
		w[b] = append([]byte(nil), c.KeyFromString(&buf, string(rune(b)))...)
		buf.Reset()
	}
	return w
}()

// Key is the comparison key of the first length characters of s (all of s
// when length is 0). An empty key never matches anything.
func (f *Folder) Key(s string, length int) string {
	return string(f.Append(nil, s, length))
}

// Append appends Key(s, length) to dst.
func (f *Folder) Append(dst []byte, s string, length int) []byte {
	s = Prefix(s, length)
	s = strings.TrimRight(s, " ") // PAD SPACE: 'ab ' = 'ab'
	if printableASCII(s) {
		for i := 0; i < len(s); i++ {
			dst = append(dst, asciiWeights[s[i]]...)
		}
		return dst
	}
	if k, ok := f.seen[s]; ok {
		return append(dst, k...)
	}
	k := f.c.KeyFromString(&f.buf, s)
	if f.seen == nil {
		f.seen = map[string]string{}
	} else if len(f.seen) >= seenMax {
		clear(f.seen)
	}
	f.seen[strings.Clone(s)] = string(k)
	dst = append(dst, k...)
	f.buf.Reset()
	return dst
}

// DigitsKey is the digits of the first length characters of s: phone
// numbers compare as CiviCRM's phone_numeric, digits only.
func DigitsKey(s string, length int) string {
	var b []byte
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b = append(b, byte(r))
			if length > 0 && len(b) == length {
				break
			}
		}
	}
	return string(b)
}

// Prefix is the first n characters of s (s when n <= 0), as MySQL's SUBSTR
// counts them.
func Prefix(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
