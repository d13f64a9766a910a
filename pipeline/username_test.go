package pipeline

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestUserImportUsername holds the cleaning rule of user_import's
// _user_import_sanitise_username as SPEC §4 reads it.
func TestUserImportUsername(t *testing.T) {
	long := strings.Repeat("Abcdefghij", 6) // 60 letters
	tests := []struct {
		name, first, last, email, want string
	}{
		{"first and last joined by a space", "Helen", "Zhang", "h@x.org", "Helen Zhang"},
		{"parts trimmed", "  Helen ", "\tZhang  ", "h@x.org", "Helen Zhang"},
		{"apostrophe dropped, not a space", "Kevin", "O'Brien", "k@x.org", "Kevin OBrien"},
		{"typographic apostrophe dropped", "Zoë", "D’Souza-Lamb", "z@x.org", "Zoë DSouza-Lamb"},
		{"accents and non-Latin letters kept", "José", "Müller Ørsted 李", "j@x.org", "José Müller Ørsted 李"},
		{"decomposed accent composed and kept", "Zoe\u0308", "Martin", "z@x.org", "Zoë Martin"},
		{"@ _ . - and digits kept", "j.r_r-2@", "Tolkien", "t@x.org", "j.r_r-2@ Tolkien"},
		{"other ASCII punctuation dropped", "Mary (Ann),", "Smith!#$%&*+/=?^`{|}~\"", "m@x.org", "Mary Ann Smith"},
		{"inner spaces collapsed", "Anne-Marie", "van  der   Berg", "a@x.org", "Anne-Marie van der Berg"},
		{"tab inside a part dropped, not a space", "Ann\tMarie", "Lee", "a@x.org", "AnnMarie Lee"},
		{"no-break space dropped", "Anne", "van\u00a0der Berg", "a@x.org", "Anne vander Berg"},
		{"zero-width and bidi characters dropped", "A\u200bnn", "Lee\u202e", "a@x.org", "Ann Lee"},
		{"full-width Latin dropped", "Ａnn", "Lee", "a@x.org", "nn Lee"},
		{"only a first name", "Cher", "", "c@x.org", "Cher"},
		{"only a last name", "", "Cher", "c@x.org", "Cher"},
		{"a part that cleans away leaves no stray space", "'", "Lee", "l@x.org", "Lee"},
		{"no name: e-mail local part", "", "", "treasurer@riverside.example.org", "treasurer"},
		{"no name: local part cleaned", "", "", " o'hara+news@x.org ", "oharanews"},
		{"name of punctuation only: local part", "'", "!", "pat@x.org", "pat"},
		{"nothing at all", "", "", "@x.org", "user"},
		{"cut to 56 characters", long, "", "l@x.org", long[:56]},
		{"cut counts characters, not bytes", strings.Repeat("é", 60), "", "e@x.org", strings.Repeat("é", 56)},
		{"cut, then trimmed", strings.Repeat("a", 55), "Lee", "l@x.org", strings.Repeat("a", 55)},
		{"cut never parts a letter from its accent", strings.Repeat("a", 55), "e\u0301\u0302x", "l@x.org", strings.Repeat("a", 55)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := UserImportUsername(tt.first, tt.last, tt.email)
			if got != tt.want {
				t.Errorf("UserImportUsername(%q, %q, %q) = %q, want %q", tt.first, tt.last, tt.email, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > userImportMaxName {
				t.Errorf("%q is %d characters, more than %d", got, n, userImportMaxName)
			}
			if again := userImportClean(got); again != got {
				t.Errorf("cleaning %q again gives %q: user_import would change the name", got, again)
			}
		})
	}
}

// TestUsernamesTake holds user_import's uniqueness: " 2", " 3" … appended,
// compared without regard to case with the site's usernames and with every
// name made earlier in the run.
func TestUsernamesTake(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		take     []string
		want     []string
	}{
		{"free name kept", []string{"msmith"}, []string{"Helen Zhang"}, []string{"Helen Zhang"}},
		{"taken name gets 2", []string{"Helen Zhang"}, []string{"Helen Zhang"}, []string{"Helen Zhang 2"}},
		{"compared without case", []string{"rob brown"}, []string{"Rob Brown"}, []string{"Rob Brown 2"}},
		{"compared without case beyond ASCII", []string{"ZOË MARTIN"}, []string{"Zoë Martin"}, []string{"Zoë Martin 2"}},
		{"names made in the run count", nil, []string{"Sam Lee", "Sam Lee", "sam lee"}, []string{"Sam Lee", "Sam Lee 2", "sam lee 3"}},
		{"a taken suffix is skipped", []string{"Ann Lee", "ann lee 2", "Ann Lee 3"}, []string{"Ann Lee"}, []string{"Ann Lee 4"}},
		{"a made name blocks the same name later", []string{"Ann Lee"}, []string{"Ann Lee", "Ann Lee 2"}, []string{"Ann Lee 2", "Ann Lee 2 2"}},
		{"empty existing usernames take nothing", []string{""}, []string{"user"}, []string{"user"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Usernames{}
			for _, e := range tt.existing {
				u.Reserve(e)
			}
			for i, name := range tt.take {
				if got := u.Take(name); got != tt.want[i] {
					t.Errorf("Take(%q) #%d = %q, want %q", name, i+1, got, tt.want[i])
				}
			}
		})
	}
}

// TestCutRunesMarks: the cut backs off over the marks of the class it is
// given only; a spacing mark (U+093F, Mc) stays apart under unicode.Mn, as
// group names cut, and stays with its letter under unicode.M, as usernames.
func TestCutRunesMarks(t *testing.T) {
	for _, tc := range []struct {
		in    string
		n     int
		marks *unicode.RangeTable
		want  string
	}{
		{"abc", 5, unicode.M, "abc"},
		{"abc", 2, unicode.M, "ab"},
		{"abe\u0301", 3, unicode.Mn, "ab"},
		{"abe\u0301", 3, unicode.M, "ab"},
		{"ab\u0915\u093f", 3, unicode.Mn, "ab\u0915"},
		{"ab\u0915\u093f", 3, unicode.M, "ab"},
		{"e\u0301\u0301", 1, unicode.M, ""},
	} {
		if got := cutRunes(tc.in, tc.n, tc.marks); got != tc.want {
			t.Errorf("cutRunes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
