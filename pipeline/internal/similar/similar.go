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

// OneTypo reports whether a and b differ by one typo (WithinOneEdit, not
// equal) that touches no digit: user12345 and user12346, or chloe7 and
// chloe8, are two accounts numbered apart, not one mistyped.
func OneTypo(a, b string) bool {
	if a == b || !WithinOneEdit(a, b) {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	switch {
	case len(a) < len(b): // b has one more byte, at i
		return !isDigit(b[i])
	case a[i+1:] == b[i+1:]: // replaced
		return !isDigit(a[i]) && !isDigit(b[i])
	}
	return !isDigit(a[i]) && !isDigit(a[i+1]) // swapped
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

// Hasher is Hash built a part at a time, so a key made of pieces of a
// buffer (a mailbox: a local part without its dots, @, a domain) hashes
// without being put together first: Start, then bytes, then End for each
// part, as Hash("m", mailbox) = Start + End("m"), Bytes(mailbox), End.
type Hasher uint64

// NewHasher is the hash of no parts.
func NewHasher() Hasher { return 14695981039346656037 }

// Byte adds one byte to the current part.
func (h *Hasher) Byte(c byte) { *h = (*h ^ Hasher(c)) * 1099511628211 }

// String adds s to the current part.
func (h *Hasher) String(s string) {
	for i := 0; i < len(s); i++ {
		h.Byte(s[i])
	}
}

// Bytes adds b to the current part.
func (h *Hasher) Bytes(b []byte) {
	for _, c := range b {
		h.Byte(c)
	}
}

// End ends the current part.
func (h *Hasher) End() { h.Byte(0) }

// polyBase is the base of the polynomial hash DeletionHashes and
// WholeHash share: a deletion's hash comes from a prefix's and a suffix's
// in constant time, instead of hashing the whole string again.
const polyBase = 1099511628211

// finish spreads a polynomial hash's bits (the index masks the low ones)
// and mixes in the length.
func finish(h uint64, n int) uint64 {
	h ^= uint64(n) * 0x9e3779b97f4a7c15
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return h
}

// WholeHash is the hash of s in DeletionHashes' terms.
func WholeHash[S ~string | ~[]byte](s S) uint64 { return finish(polyHash(s), len(s)) }

// polyBase2 is polyBase squared: polyHash takes two bytes a step, halving
// the chain of multiplications each waits on.
var polyBase2 = func() uint64 { b := uint64(polyBase); return b * b }()

// polyHash is s's polynomial hash before finish: the sum of (s[i]+1) times
// the base to the len(s)-1-i.
func polyHash[S ~string | ~[]byte](s S) uint64 {
	var h uint64
	i := 0
	if len(s)%2 == 1 {
		h, i = uint64(s[0])+1, 1
	}
	for ; i+1 < len(s); i += 2 {
		h = h*polyBase2 + (uint64(s[i])+1)*polyBase + uint64(s[i+1]) + 1
	}
	return h
}

// polyInverse is polyBase's inverse modulo 2^64 (polyBase is odd): the
// power a deletion's hash needs, one lower at each step.
var polyInverse = func() uint64 {
	x := uint64(polyBase) // Newton's iteration, each step doubling the bits right
	for range 6 {
		x *= 2 - polyBase*x
	}
	return x
}()

// DeletionHashes yields the hash of s with each one of its first n bytes
// left out (n <= len(s); an e-mail's local part), digits kept: two strings
// one typo apart there (OneTypo) share one of these or each other's
// WholeHash, so they meet in an index without comparing all pairs.
func DeletionHashes[S ~string | ~[]byte](s S, n int, yield func(uint64)) {
	var buf [32]uint64
	for _, h := range appendDeletionHashes(buf[:0], s, n, polyHash(s)) {
		yield(h)
	}
}

// appendDeletionHashes appends DeletionHashes to dst, with h, polyHash(s),
// made already.
func appendDeletionHashes[S ~string | ~[]byte](dst []uint64, s S, n int, h uint64) []uint64 {
	if len(s) == 0 {
		return dst
	}
	// With pre the hash of s[:k] and pow the base to the len(s)-1-k, s
	// without s[k] hashes to h + pow*(pre - (pre*base + s[k]+1)): the
	// prefix moved up over the byte left out, the byte taken away.
	pow := uint64(1)
	for range len(s) - 1 {
		pow *= polyBase
	}
	pre := uint64(0) // the hash of s[:k]
	for k := 0; k < n && k < len(s); k++ {
		next := pre*polyBase + uint64(s[k]) + 1
		if (k == 0 || s[k] != s[k-1]) && (s[k] < '0' || s[k] > '9') { // leaving out either of two equal bytes gives the same
			dst = append(dst, finish(h+pow*(pre-next), len(s)-1))
		}
		pre = next
		pow *= polyInverse
	}
	return dst
}
