// Package similar holds the machinery of likely-duplicate suggestions:
// names folded to plain letters, nickname groups, phonetic codes, e-mail
// addresses in the forms that reach one mailbox, "one typo away", and a
// blocking index that pairs records sharing a key instead of comparing all
// pairs.
package similar

import (
	"strings"
	"unicode"

	"github.com/xrash/smetrics"
	"golang.org/x/text/unicode/norm"
)

// Fold reduces a name to lower-case ASCII letters and digits: accents,
// case, spaces and punctuation go (José Núñez-García → josenunezgarcia).
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				b.WriteByte(c)
			case 'A' <= c && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			}
		}
		return b.String()
	}
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		default:
			if t, ok := letters[r]; ok {
				b.WriteString(t)
			}
		}
	}
	return b.String()
}

// letters spells the letters NFKD does not take apart.
var letters = map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ħ': "h"}

// Soundex is the name's phonetic code ("" for no letters).
func Soundex(folded string) string {
	if folded == "" || folded[0] < 'a' || folded[0] > 'z' {
		return ""
	}
	return smetrics.Soundex(folded)
}

// JaroWinkler is the Jaro-Winkler similarity of two folded names, 0 to 1.
func JaroWinkler(a, b string) float64 {
	if a == "" || b == "" {
		return 0
	}
	if a == b {
		return 1
	}
	return smetrics.JaroWinkler(a, b, 0.7, 4)
}

// WithinOneEdit reports whether a and b differ by at most one inserted,
// deleted or replaced byte, or two neighbours swapped: one typo.
func WithinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true
	}
	if len(a) == len(b) {
		if a[i+1:] == b[i+1:] {
			return true // replaced
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swapped
	}
	return a[i:] == b[i+1:] // inserted
}

// Hash is FNV-1a of the strings, each ended by a zero byte.
func Hash(parts ...string) uint64 {
	h := uint64(14695981039346656037)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= 1099511628211
		}
		h ^= 0
		h *= 1099511628211
	}
	return h
}

// DeletionHashes yields the hash of s with each one byte left out: two
// strings one typo apart share one of these or each other's whole hash
// (Hash(s)), so they meet in an index without comparing all pairs.
func DeletionHashes(s string, yield func(uint64)) {
	for skip := 0; skip < len(s); skip++ {
		if skip > 0 && s[skip] == s[skip-1] {
			continue // leaving out either of two equal bytes gives the same
		}
		h := uint64(14695981039346656037)
		for i := 0; i < len(s); i++ {
			if i != skip {
				h ^= uint64(s[i])
				h *= 1099511628211
			}
		}
		h ^= 0
		h *= 1099511628211
		yield(h)
	}
}
