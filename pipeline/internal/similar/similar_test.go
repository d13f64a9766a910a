package similar

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"José Núñez-García": "josenunezgarcia", "O'Brien": "obrien", "STRAẞE": "strasse", "Æsa Øst": "aesaost",
		"Łukasz": "lukasz", "Ｊｏｈｎ": "john", "": "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNicknames(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{{"bob", "robert", true}, {"bill", "william", true}, {"liz", "elizabeth", true}, {"robert", "william", false}, {"ann", "zoe", false}} {
		if got := Nicknames(tt.a, tt.b); got != tt.want {
			t.Errorf("Nicknames(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
	keys := func(n string) map[string]bool {
		m := map[string]bool{}
		FirstNameKeys(n, func(k string) { m[k] = true })
		return m
	}
	shared := false
	for k := range keys("bob") {
		shared = shared || keys("robert")[k]
	}
	if !shared {
		t.Error("bob and robert share no blocking key")
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"jo.smith@gmail.com", "jo.smith@gmial.com", true}, // swapped
		{"jo.smith@gmail.com", "jo.smyth@gmail.com", true}, // replaced
		{"jo.smith@gmail.com", "jo.smit@gmail.com", true},  // left out
		{"jo.smith@gmail.com", "jjo.smith@gmail.com", true},
		{"abc", "abc", true},
		{"jo.smith@gmail.com", "jo.smyth@gmial.com", false},
		{"abc", "cba", false},
		{"ab", "abcd", false},
	} {
		if got := WithinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("WithinOneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

// TestDeletionHashesMeet: strings one typo apart always share a deletion
// hash or one's whole hash, on random strings.
func TestDeletionHashesMeet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rnd := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc.1"[r.IntN(5)]
		}
		return b
	}
	keys := func(s string) map[uint64]bool {
		m := map[uint64]bool{WholeHash(s): true}
		DeletionHashes(s, len(s), nil, func(h uint64) { m[h] = true })
		return m
	}
	for range 2000 {
		a := rnd(1 + r.IntN(8))
		b := append([]byte(nil), a...)
		i := r.IntN(len(b))
		switch r.IntN(4) {
		case 0:
			b[i] = "abc."[r.IntN(4)]
		case 1:
			b = append(b[:i], b[i+1:]...)
		case 2:
			b = append(b[:i], append([]byte{"abc."[r.IntN(4)]}, b[i:]...)...)
		case 3:
			if i+1 < len(b) {
				b[i], b[i+1] = b[i+1], b[i]
			}
		}
		if !WithinOneEdit(string(a), string(b)) {
			t.Fatalf("%q, %q: not within one edit", a, b)
		}
		if !OneTypo(string(a), string(b)) {
			continue // equal, or the typo touches a digit: they need not meet
		}
		ka, kb := keys(string(a)), keys(string(b))
		meet := false
		for k := range ka {
			meet = meet || kb[k]
		}
		if !meet {
			t.Fatalf("%q and %q share no key", a, b)
		}
	}
}

func TestParseAddress(t *testing.T) {
	a, _ := ParseAddress("jo.smith+news@googlemail.com")
	b, _ := ParseAddress("josmith@gmail.com")
	if a.Mailbox != b.Mailbox || a.Local != "josmith" {
		t.Errorf("gmail forms: %+v %+v", a, b)
	}
	c, _ := ParseAddress("jo.smith@yahoo.com")
	d, _ := ParseAddress("josmith@yahoo.com")
	if c.Mailbox == d.Mailbox || c.Local != d.Local {
		t.Errorf("yahoo keeps dots in its mailboxes: %+v %+v", c, d)
	}
	if _, ok := ParseAddress("nobody"); ok {
		t.Error("an address without @ parsed")
	}
	if Distinctive("info") || Distinctive("jo") || !Distinctive("josmith") {
		t.Error("Distinctive")
	}
}

func TestDeletionHashesAreWholeHashes(t *testing.T) {
	s := "jo.smith@x.org"
	var got []uint64
	DeletionHashes(s, 8, nil, func(h uint64) { got = append(got, h) })
	var want []uint64
	for k := 0; k < 8; k++ {
		if k > 0 && s[k] == s[k-1] || '0' <= s[k] && s[k] <= '9' {
			continue
		}
		want = append(want, WholeHash(s[:k]+s[k+1:]))
	}
	if len(got) != len(want) {
		t.Fatalf("got %d hashes, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("deletion %d: %x, want %x", i, got[i], want[i])
		}
	}
}

func TestIndex(t *testing.T) {
	x := NewIndex(2)
	r := rand.New(rand.NewPCG(8, 8))
	want := map[uint64][]int32{}
	for i := range int32(5000) {
		k := r.Uint64() % 3000 * 0x9e3779b97f4a7c15 // repeats, spread
		x.Add(k, i)
		want[k] = append(want[k], i)
	}
	x.Freeze()
	for k, recs := range want {
		got := x.Lookup(k, nil)
		if len(recs) > 2 {
			if len(got) != 0 {
				t.Fatalf("key held by %d records: got %v, want none (cap 2)", len(recs), got)
			}
			continue
		}
		if len(got) != len(recs) || (len(got) > 0 && got[0] != recs[0]) {
			t.Fatalf("key %x: got %v, want %v", k, got, recs)
		}
	}
	if got := x.Lookup(12345, nil); len(got) != 0 {
		t.Errorf("a key never added: %v", got)
	}
}

func TestOneTypo(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"jo.smith", "jo.smyth", true}, {"jo.smith", "jo.smiht", true}, {"jo.smith", "jo.smit", true},
		{"user12345", "user12346", false}, {"chloe764066", "chloe7640661", false}, {"ab12", "ab21", false},
		{"same", "same", false}, {"a1b", "a2b", false},
	} {
		if got := OneTypo(tt.a, tt.b); got != tt.want {
			t.Errorf("OneTypo(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

// TestIndexLongBucket: keys sharing a bucket, each held by many records,
// come back whole and in the order added.
func TestIndexLongBucket(t *testing.T) {
	x := NewIndex(1000)
	want := map[uint64][]int32{}
	keys := []uint64{1<<63 + 7, 1<<63 + 3, 1<<63 + 5} // one bucket: the same top bits
	for i := range int32(300) {
		k := keys[i%3]
		if i%7 == 0 {
			k = keys[0]
		}
		x.Add(k, i)
		want[k] = append(want[k], i)
	}
	x.Add(42, 300)
	x.Freeze()
	for k, recs := range want {
		if got := x.Lookup(k, nil); !slices.Equal(got, recs) {
			t.Errorf("key %x: got %v, want %v", k, got, recs)
		}
	}
}

// BenchmarkIndex: an index of 4M keys (as 300,000 new users' e-mails make)
// built, then looked up 4M times, most keys absent.
func BenchmarkIndex(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	keys := make([]uint64, 4_000_000)
	for i := range keys {
		keys[i] = r.Uint64()
	}
	probes := make([]uint64, 4_000_000)
	for i := range probes {
		probes[i] = r.Uint64()
		if i%50 == 0 {
			probes[i] = keys[r.IntN(len(keys))]
		}
	}
	b.Run("Freeze", func(b *testing.B) {
		for b.Loop() {
			x := NewIndex(1 << 20)
			x.Grow(len(keys))
			for i, k := range keys {
				x.Add(k, int32(i))
			}
			x.Freeze()
		}
	})
	x := NewIndex(1 << 20)
	for i, k := range keys {
		x.Add(k, int32(i))
	}
	x.Freeze()
	b.Run("Lookup", func(b *testing.B) {
		var hits []int32
		for b.Loop() {
			for _, k := range probes {
				hits = x.Lookup(k, hits[:0])
			}
		}
	})
}
