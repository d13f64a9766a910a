package similar

import "strings"

// Address is an e-mail address taken apart for comparing.
type Address struct {
	Key     string // the whole address as step 3 keys it
	Local   string // before the @, without a +tag and without dots
	Domain  string // after the @
	Mailbox string // Local@the provider's main domain, where the provider ignores dots and tags
}

// providers maps domains that reach the same mailboxes to one name.
var providers = map[string]string{
	"gmail.com": "gmail.com", "googlemail.com": "gmail.com",
	"icloud.com": "icloud.com", "me.com": "icloud.com", "mac.com": "icloud.com",
	"protonmail.com": "proton.me", "protonmail.ch": "proton.me", "proton.me": "proton.me", "pm.me": "proton.me",
	"yandex.ru": "yandex.ru", "yandex.com": "yandex.ru", "ya.ru": "yandex.ru", "yandex.ua": "yandex.ru",
	"ymail.com": "ymail.com", "rocketmail.com": "ymail.com",
}

// ProviderOf is the provider a domain belongs to, "" if it is none of the
// known aliased ones.
func ProviderOf(domain string) string { return providers[domain] }

// ParseAddress takes an e-mail key (trimmed, lower-cased) apart. ok is
// false without an @.
func ParseAddress(key string) (a Address, ok bool) {
	at, end, ok := splitAddress(key)
	if !ok {
		return a, false
	}
	a.Key, a.Domain = key, key[at+1:]
	local := key[:end]
	a.Local = strings.ReplaceAll(local, ".", "")
	dom, dotless := mailboxDomain(a.Domain)
	if dotless {
		a.Mailbox = a.Local + "@" + dom
	} else {
		a.Mailbox = local + "@" + dom
	}
	return a, true
}

// splitAddress finds an e-mail key's @ (the last) and where its local part
// ends, before a +tag (from the first +, unless it leads); ok is false
// without an @ with bytes either side.
func splitAddress[S ~string | ~[]byte](key S) (at, end int, ok bool) {
	at = len(key) - 1
	for at >= 0 && key[at] != '@' {
		at--
	}
	if at <= 0 || at == len(key)-1 {
		return 0, 0, false
	}
	end = at
	for i := range at {
		if key[i] == '+' {
			if i > 0 {
				end = i
			}
			break
		}
	}
	return at, end, true
}

// mailboxDomain is the domain a mailbox at dom is named by (the provider's
// main one), and whether the provider ignores dots in local parts. Every
// provider ignores case; Gmail also dots, most also +tags.
func mailboxDomain(dom string) (string, bool) {
	if p := providers[dom]; p != "" {
		dom = p
	}
	return dom, dom == "gmail.com"
}

// AddressKeys yields the blocking keys of an e-mail key (trimmed and
// lower-cased, as step 3 keys it): its local part's, without dots and
// +tag (or, where that is shorter than 3 bytes, its mailbox's, as
// ParseAddress makes it: one mailbox is one local part), the whole key's
// (WholeHash) and, with typos, the one-deletion forms of its local part
// (DeletionHashes), appended to dst. It reports false, adding nothing,
// for a key that is no address (no @ with bytes either side). Both sides
// of an index make their keys here, from a string or straight from a
// buffer.
func AddressKeys[S ~string | ~[]byte](dst []uint64, key S, typos bool) ([]uint64, bool) {
	at, end, ok := splitAddress(key)
	if !ok {
		return dst, false
	}
	local := key[:end]
	h, undotted := NewHasher(), 0
	h.Byte('l')
	h.End()
	for i := 0; i < len(local); i++ {
		if c := local[i]; c != '.' {
			h.Byte(c)
			undotted++
		}
	}
	if undotted < 3 { // the mailbox's key instead
		dom, dotless := mailboxDomain(string(key[at+1:]))
		h = NewHasher()
		h.Byte('m')
		h.End()
		for i := 0; i < len(local); i++ {
			if c := local[i]; c != '.' || !dotless {
				h.Byte(c)
			}
		}
		h.Byte('@')
		h.String(dom)
	}
	h.End()
	whole := polyHash(key)
	dst = append(dst, uint64(h), finish(whole, len(key)))
	if typos {
		dst = appendDeletionHashes(dst, key, at, whole)
	}
	return dst, true
}

// genericLocal are the role addresses many people share: the same local
// part at two domains says nothing about a person.
var genericLocal = map[string]bool{"info": true, "admin": true, "office": true, "contact": true, "mail": true, "email": true,
	"sales": true, "hello": true, "webmaster": true, "support": true, "noreply": true, "enquiries": true, "post": true,
	"test": true, "user": true, "me": true, "home": true, "secretary": true, "membership": true, "members": true}

// Distinctive reports whether a local part is specific enough to point at
// one person: long enough, and no role address.
func Distinctive(local string) bool {
	return len(local) >= 6 && !genericLocal[local]
}

// Marked reports whether a distinctive local part also carries digits or
// separators (jsmith1987, jo.smith): chosen by one person rather than a
// bare name many people have.
func Marked(local string) bool {
	return strings.ContainsAny(local, "0123456789._-")
}

// wellKnown are the mail domains most people's addresses are at: a domain
// one typo from one of them is that one mistyped.
var wellKnown = map[string]bool{"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "yahoo.co.uk": true, "yahoo.fr": true,
	"hotmail.com": true, "hotmail.co.uk": true, "hotmail.fr": true, "outlook.com": true, "live.com": true, "msn.com": true,
	"aol.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "proton.me": true, "protonmail.com": true,
	"gmx.de": true, "gmx.net": true, "web.de": true, "t-online.de": true, "orange.fr": true, "free.fr": true, "laposte.net": true,
	"libero.it": true, "wp.pl": true, "o2.pl": true, "yandex.ru": true, "mail.ru": true, "comcast.net": true, "verizon.net": true,
	"btinternet.com": true, "sky.com": true, "ymail.com": true, "fastmail.com": true}

// WellKnown reports whether a domain is one of the big providers'.
func WellKnown(domain string) bool { return wellKnown[domain] }
