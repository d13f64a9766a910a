package pipeline

import (
	"strings"
	"testing"
	"unicode"

	"github.com/civisync/civisync/pipeline/internal/mem"
)

func TestSplitFullName(t *testing.T) {
	tests := []struct{ in, first, last string }{
		{"", "", ""},
		{"   ", "", ""},
		{"Madonna", "", "Madonna"},
		{"Ann Lee", "Ann", "Lee"},
		{"Mary Ann  Smith", "Mary Ann", "Smith"},
		{" \tJosé\u00a0María Núñez ", "José María", "Núñez"},
	}
	for _, tc := range tests {
		if first, last := SplitFullName(tc.in); first != tc.first || last != tc.last {
			t.Errorf("SplitFullName(%q) = %q, %q; want %q, %q", tc.in, first, last, tc.first, tc.last)
		}
	}
}

func TestParseBlocked(t *testing.T) {
	tests := []struct {
		header, v   string
		blocked, ok bool
	}{
		{"status", "1", false, true},
		{"status", "0", true, true},
		{"status", "", false, true},
		{"status", " Active ", false, true},
		{"status", "Blocked", true, true},
		{"active", "1", false, true},
		{"active", "0", true, true},
		{"active", "yes", false, true},
		{"active", "no", true, true},
		{"block", "1", true, true}, // Joomla
		{"block", "0", false, true},
		{"blocked", "true", true, true},
		{"blocked", "false", false, true},
		{"blocked", "", false, true},
		{"status", "disabled", true, true},
		{"status", "banned", true, true},
		{"status", "enabled", false, true},
		{"status", "maybe", false, false},
		{"status", "2", false, false},
	}
	for _, tc := range tests {
		if blocked, ok := parseBlocked(tc.header, tc.v); blocked != tc.blocked || ok != tc.ok {
			t.Errorf("parseBlocked(%q, %q) = %v, %v; want %v, %v", tc.header, tc.v, blocked, ok, tc.blocked, tc.ok)
		}
	}
}

func TestParseState(t *testing.T) {
	tests := []struct {
		header, v string
		want      State
		ok        bool
	}{
		{"state", "1", Active, true}, // Drupal 7 og_membership
		{"state", "2", Pending, true},
		{"state", "3", Blocked, true},
		{"state", "0", 0, false},
		{"isactive", "1", Active, true}, // Drupal 6 og_uid
		{"isactive", "0", Pending, true},
		{"isactive", "3", 0, false},
		{"status", "Active", Active, true},
		{"status", " pending ", Pending, true},
		{"status", "BLOCKED", Blocked, true},
		{"isactive", "blocked", Blocked, true},
		{"state", "requested", Pending, true},
		{"state", "banned", Blocked, true},
		{"state", "gone", 0, false},
	}
	for _, tc := range tests {
		if got, ok := parseState(tc.header, tc.v); got != tc.want || ok != tc.ok {
			t.Errorf("parseState(%q, %q) = %v, %v; want %v, %v", tc.header, tc.v, got, ok, tc.want, tc.ok)
		}
	}
	for s, w := range map[State]string{Active: "active", Pending: "pending", Blocked: "blocked", 0: "unknown"} {
		if s.String() != w {
			t.Errorf("State(%d).String() = %q, want %q", s, s.String(), w)
		}
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234", 1234, true}, {" 7 ", 7, true}, {"1234.0", 1234, true}, {"0", 0, true},
		{"1.5", 0, false}, {"-3", -3, false}, {"abc", 0, false}, {"", 0, false},
	}
	for _, tc := range tests {
		if got, ok := parseID(tc.in); ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseID(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Choir", "choir"},
		{"Friends, Family & Co.", "friends-family-co"},
		{"  Les Élèves de Noël  ", "les-eleves-de-noel"},
		{"Ele\u0300ve", "eleve"},
		{"../../etc/passwd", "etc-passwd"},
		{"C:\\Temp\\x", "c-temp-x"},
		{"王", ""},
		{"---", ""},
		{"a__b__", "a-b"},
		{"Choir: Administrator", "choir-administrator"},
	}
	for _, tc := range tests {
		if got := Slug(tc.in); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := Slug("a-" + strings.Repeat("bc ", 50))
	if len(long) > 80 || long[len(long)-1] == '-' {
		t.Errorf("long slug %q: want at most 80 bytes, no trailing '-'", long)
	}
}

func TestGroupSlugs(t *testing.T) {
	got := groupSlugs([]CiviGroup{{GID: "1", Name: "Choir"}, {GID: "2", Name: "choir!"}, {GID: "3", Name: "王"}, {Name: "王"}})
	want := []string{"choir", "choir-2", "group-3", "group-4"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("groupSlugs = %q, want %q", got, want)
			break
		}
	}
}

func TestClean(t *testing.T) {
	for _, s := range []string{"", "a", " a", "a ", "\ta\n", "\u00a0a\u00a0", "\u2003x", "x\u3000", "é", " é ", "a b", "\x85", "\xff", " \xff "} {
		if got, want := clean(s), strings.TrimFunc(s, unicode.IsSpace); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestKeepContact: a contact's cells read the same once copied for keeping.
func TestKeepContact(t *testing.T) {
	var a mem.Text
	c := Contact{Type: "Individual", First: "Ann", Others: []string{"a@x", "b@y"}, Src: Src{File: "c.csv", Line: 3}}
	keepContact(&a, &c)
	if c.Type != "Individual" || c.First != "Ann" || c.Others[1] != "b@y" || c.File != "c.csv" || c.Line != 3 {
		t.Errorf("contact after copying: %+v", c)
	}
}
