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
		DeletionHashes(s, len(s), func(h uint64) { m[h] = true })
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
	DeletionHashes(s, 8, func(h uint64) { got = append(got, h) })
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

// buildIndex files each record under its keys in keys[rec].
func buildIndex(limit int, keys [][]uint64) *Index {
	return BuildIndex(limit, len(keys), func() func(int32, func(uint64)) {
		return func(rec int32, yield func(uint64)) {
			for _, k := range keys[rec] {
				yield(k)
			}
		}
	})
}

// TestIndex: keys repeated across records, sizes from none to many
// buckets a part, each record's keys found, in the order filed, unless
// more than Cap records hold the key.
func TestIndex(t *testing.T) {
	for _, n := range []int{0, 1, 7, 5000, 60_000} {
		for _, limit := range []int{2, 1 << 20} {
			r := rand.New(rand.NewPCG(8, uint64(n)))
			want := map[uint64][]int32{}
			keys := make([][]uint64, n)
			distinct := uint64(max(n*3/5, 1))
			for i := range keys {
				for range r.IntN(4) {
					k := r.Uint64() % distinct * 0x9e3779b97f4a7c15 // repeats, spread
					keys[i] = append(keys[i], k)
					want[k] = append(want[k], int32(i))
				}
			}
			x := buildIndex(limit, keys)
			for k, recs := range want {
				got := x.Lookup(k, nil)
				if len(recs) > limit {
					if len(got) != 0 {
						t.Fatalf("n %d: key held by %d records: got %v, want none (cap %d)", n, len(recs), got, limit)
					}
					continue
				}
				if !slices.Equal(got, recs) {
					t.Fatalf("n %d: key %x: got %v, want %v", n, k, got, recs)
				}
				if all := x.LookupAll([]uint64{12345, k, 54321}, nil); !slices.Equal(all, recs) {
					t.Fatalf("n %d: LookupAll with key %x: got %v, want %v", n, k, all, recs)
				}
			}
			if got := x.LookupAll([]uint64{12345, 54321}, nil); len(got) != 0 {
				t.Errorf("n %d: keys never filed: %v", n, got)
			}
		}
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
// come back whole and in the order filed.
func TestIndexLongBucket(t *testing.T) {
	want := map[uint64][]int32{}
	keys := make([][]uint64, 301)
	shared := []uint64{1<<63 + 7, 1<<63 + 3, 1<<63 + 5} // one bucket: the same top bits
	for i := range int32(300) {
		k := shared[i%3]
		if i%7 == 0 {
			k = shared[0]
		}
		keys[i] = []uint64{k}
		want[k] = append(want[k], i)
	}
	keys[300] = []uint64{42}
	x := buildIndex(1000, keys)
	for k, recs := range want {
		if got := x.Lookup(k, nil); !slices.Equal(got, recs) {
			t.Errorf("key %x: got %v, want %v", k, got, recs)
		}
	}
}

// BenchmarkIndex: an index of 4.7M keys (as 400,000 new users' e-mails
// make, 12 a user) built, then looked up 4M times in records of 13 keys,
// as contacts' (LookupAll), and one by one; as at 1M, nearly every key is
// absent.
func BenchmarkIndex(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	keys := make([]uint64, 4_700_000)
	for i := range keys {
		keys[i] = r.Uint64()
	}
	probes := make([]uint64, 4_000_000)
	for i := range probes {
		probes[i] = r.Uint64()
		if i%20_000 == 0 {
			probes[i] = keys[r.IntN(len(keys))]
		}
	}
	const perRecord = 12
	build := func() *Index {
		return BuildIndex(1<<20, len(keys)/perRecord, func() func(int32, func(uint64)) {
			return func(rec int32, yield func(uint64)) {
				for _, k := range keys[int(rec)*perRecord : int(rec+1)*perRecord] {
					yield(k)
				}
			}
		})
	}
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			build()
		}
	})
	x := build()
	b.Run("LookupAll", func(b *testing.B) {
		var hits []int32
		for b.Loop() {
			for i := 0; i+13 <= len(probes); i += 13 {
				hits = x.LookupAll(probes[i:i+13], hits[:0])
			}
		}
	})
	b.Run("Lookup", func(b *testing.B) {
		var hits []int32
		for b.Loop() {
			for _, k := range probes {
				hits = x.Lookup(k, hits[:0])
			}
		}
	})
}

// TestWholeHashIsPolynomial: two bytes a step, odd lengths and even, give
// the polynomial a byte at a time does.
func TestWholeHashIsPolynomial(t *testing.T) {
	s := "jo.smith+x@example.org"
	for n := range len(s) + 1 {
		var h uint64
		for i := range n {
			h = h*polyBase + uint64(s[i]) + 1
		}
		if got, want := WholeHash(s[:n]), finish(h, n); got != want {
			t.Errorf("WholeHash(%q) = %x, want %x", s[:n], got, want)
		}
	}
}

// TestAddressKeys: the keys made straight from an e-mail key are those of
// the address taken apart (ParseAddress): the local part's, or the
// mailbox's for a short one; the whole key's; and with typos its local
// part's one-deletion forms.
func TestAddressKeys(t *testing.T) {
	for _, key := range []string{"jo.smith+news@googlemail.com", "josmith@gmail.com", "jo@gmail.com", "j.o@googlemail.com",
		"a.b@yahoo.com", "ab@me.com", "+x@y.org", "+a+b@x.org", "a+b+c@x.org", "x.y.z+@pm.me", ".@x.org", "ann1987@web.de"} {
		a, ok := ParseAddress(key)
		if !ok {
			t.Fatalf("%q: not an address", key)
		}
		for _, typos := range []bool{false, true} {
			want := []uint64{Hash("l", a.Local)}
			if len(a.Local) < 3 {
				want[0] = Hash("m", a.Mailbox)
			}
			want = append(want, WholeHash(a.Key))
			if typos {
				DeletionHashes(key, len(key)-len(a.Domain)-1, func(h uint64) { want = append(want, h) })
			}
			got, _ := AddressKeys(nil, key, typos)
			gotBytes, _ := AddressKeys([]uint64{}, []byte(key), typos)
			if !slices.Equal(got, want) || !slices.Equal(gotBytes, want) {
				t.Errorf("%q typos %v: keys %x (from bytes %x), want %x", key, typos, got, gotBytes, want)
			}
		}
	}
	for _, key := range []string{"", "nobody", "@x.org", "x@", "@"} {
		if keys, ok := AddressKeys(nil, key, true); ok || len(keys) > 0 {
			t.Errorf("%q: an address, keys %x", key, keys)
		}
	}
}
