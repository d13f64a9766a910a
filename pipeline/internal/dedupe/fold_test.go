package dedupe

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

func TestFolderKey(t *testing.T) {
	f := NewFolder()
	tests := []struct {
		a, b   string
		length int
		equal  bool
	}{
		{"José", "JOSE", 0, true},
		{"Müller", "MULLER", 0, true},
		{"Straße", "STRASSE", 0, true},
		{"Æsa", "aesa", 0, true},
		{"Ａｎｎａ", "anna", 0, true},     // full width
		{"smith ", "Smith", 0, true},  // PAD SPACE
		{" smith", "smith", 0, false}, // only trailing spaces pad
		{"Jo-Ann", "JoAnn", 0, false}, // punctuation counts
		{"Robert", "Roberta", 0, false},
		{"Robert", "Roberta", 6, true},
		{"Rob", "Robert", 3, true},
		{"Ébène", "EBENISTE", 3, true},
		{"Øst", "ost", 0, true},
	}
	for _, tt := range tests {
		ka, kb := f.Key(tt.a, tt.length), f.Key(tt.b, tt.length)
		if (ka == kb) != tt.equal {
			t.Errorf("Key(%q) == Key(%q) (length %d): %v, want %v", tt.a, tt.b, tt.length, ka == kb, tt.equal)
		}
	}
	for _, s := range []string{"", "   "} {
		if k := f.Key(s, 0); k != "" {
			t.Errorf("Key(%q) = %x, want empty", s, k)
		}
	}
	// A folder that has seen a value (and one that has seen so many that
	// it forgot) gives the key a fresh one does.
	for _, tt := range tests {
		for range seenMax + 1 {
			f.Key(fmt.Sprint("é", len(f.seen)), 0)
		}
		for _, s := range []string{tt.a, tt.b} {
			if got, want := f.Key(s, tt.length), NewFolder().Key(s, tt.length); got != want {
				t.Errorf("Key(%q, %d) = %x from a used folder, %x from a new one", s, tt.length, got, want)
			}
		}
	}
}

// BenchmarkFolderKeyNames folds a few names over and over, as a users
// table's first names are.
func BenchmarkFolderKeyNames(b *testing.B) {
	names := []string{"José", "Chloé", "Jürgen", "Søren", "Łukasz", "Renée", "Ömer", "Zoë", "Siobhán", "Noémie"}
	f := NewFolder()
	var dst []byte
	for i := 0; b.Loop(); i++ {
		dst = f.Append(dst[:0], names[i%len(names)], 0)
	}
}

// TestFolderASCIITable holds the ASCII shortcut to what the collator makes
// of the same text.
func TestFolderASCIITable(t *testing.T) {
	c := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)
	var buf collate.Buffer
	f := NewFolder()
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x7f-0x20))
		}
		s := string(b)
		want := string(c.KeyFromString(&buf, stringsTrimRightSpace(s)))
		buf.Reset()
		if got := f.Key(s, 0); got != want {
			t.Fatalf("Key(%q) = %x, collator %x", s, got, want)
		}
	}
}

func stringsTrimRightSpace(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

func TestDigitsKey(t *testing.T) {
	tests := []struct {
		in     string
		length int
		want   string
	}{
		{"+44 (0)20 7946-0958", 0, "440207946095" + "8"},
		{"555-1234", 3, "555"},
		{"n/a", 0, ""},
	}
	for _, tt := range tests {
		if got := DigitsKey(tt.in, tt.length); got != tt.want {
			t.Errorf("DigitsKey(%q, %d) = %q, want %q", tt.in, tt.length, got, tt.want)
		}
	}
}

func BenchmarkFolderKeyASCII(b *testing.B) {
	f := NewFolder()
	var dst []byte
	for b.Loop() {
		dst = f.Append(dst[:0], "Robertson", 0)
	}
}

func BenchmarkFolderKeyAccented(b *testing.B) {
	f := NewFolder()
	var dst []byte
	for b.Loop() {
		dst = f.Append(dst[:0], "Núñez-García", 0)
	}
}
