package pipeline

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/civisync/civisync/formats"
)

// withBatches sets the row batches of eachInParallel for one test, and
// the chunks sifted contacts are kept in to about as many rows.
func withBatches(t *testing.T, rows, workers int) {
	t.Helper()
	oldRows, oldWorkers, oldShift := batchRows, rowWorkers, keptShift
	batchRows, rowWorkers, keptShift = rows, workers, uint(bits.Len(uint(rows-1)))
	t.Cleanup(func() { batchRows, rowWorkers, keptShift = oldRows, oldWorkers, oldShift })
}

// batchConfigs are the batch sizes and worker counts each test runs with:
// rows of one batch, bad rows at a batch's first, middle and last row, more
// workers than cores.
var batchConfigs = []struct{ rows, workers int }{{1, 2}, {2, 3}, {3, 2}, {7, 4}, {64, 2}, {512, 2}}

// messyExports writes a users and a contacts export holding every kind of
// row the extractors tell apart: good ones, bad ids and flags, rows of the
// wrong width, quoted cells running over lines, blank lines, anonymous
// users, repeated and out of order ids, e-mails that are users' keys once
// cleaned. canonical adds source_file and source_line columns.
func messyExports(t *testing.T, seed uint64, canonical bool) (users, contacts string) {
	r := rand.New(rand.NewPCG(seed, 11))
	pool := func() string {
		switch n := r.IntN(90); {
		case n == 0:
			return " P1@Example.ORG\t"
		case n == 1:
			return "Ärger@example.org"
		case n == 2:
			return strings.Repeat("long", 20) + "@example.org" // longer than the scratch buffer
		default:
			return fmt.Sprintf("p%d@example.org", n)
		}
	}
	src := func(b *strings.Builder, line int) {
		if canonical {
			switch r.IntN(5) {
			case 0:
				b.WriteString(",,")
			case 1:
				b.WriteString(",orig.csv,x")
			default:
				fmt.Fprintf(b, ",orig.csv,%d", 1000+line)
			}
		}
	}
	var b strings.Builder
	b.WriteString("uid,name,mail,status")
	if canonical {
		b.WriteString(",source_file,source_line")
	}
	b.WriteString("\n")
	for i := 0; i < 150; i++ {
		uid := fmt.Sprint(i)
		switch r.IntN(14) {
		case 0:
			uid = ""
		case 1:
			uid = "u" + uid
		case 2:
			uid = fmt.Sprint(r.IntN(i + 1)) // repeated
		}
		status := "1"
		switch r.IntN(10) {
		case 0:
			status = "maybe"
		case 1:
			status = "0"
		}
		name := "user" + uid
		if r.IntN(15) == 0 {
			name = "\"two\nlines\""
		}
		switch r.IntN(20) {
		case 0:
			b.WriteString("7,short\n")
			continue
		case 1:
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s", uid, name, pool(), status)
		src(&b, i)
		b.WriteString("\n")
	}
	users = b.String()

	b.Reset()
	b.WriteString("Contact ID,Contact Type,First Name,Email,Home-Email,Is Deleted,User ID,Groups")
	if canonical {
		b.WriteString(",source_file,source_line")
	}
	b.WriteString("\n")
	for i := 1; i <= 300; i++ {
		id := fmt.Sprint(i)
		switch r.IntN(25) {
		case 0:
			id = "x"
		case 1, 2:
			id = fmt.Sprint(1 + r.IntN(i)) // repeated, or out of order
		case 3:
			id = fmt.Sprint(i + r.IntN(5)) // ahead
		}
		typ, del, uf, groups := "Individual", "0", "", ""
		switch r.IntN(14) {
		case 0:
			typ = "Organization"
		case 1:
			del = "1"
		case 2:
			del = "maybe"
		case 3:
			uf = fmt.Sprint(1 + r.IntN(160))
		case 4:
			uf = "u1"
		case 5:
			groups = "Friends"
		}
		first := "F"
		if r.IntN(20) == 0 {
			first = "\"Ann\nMarie\""
		}
		switch r.IntN(30) {
		case 0:
			b.WriteString("5,Individual\n")
			continue
		case 1:
			b.WriteString("\n")
		}
		other := ""
		if r.IntN(2) == 0 {
			other = pool()
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s", id, typ, first, pool(), other, del, uf, groups)
		src(&b, i)
		b.WriteString("\n")
	}
	contacts = b.String()

	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	users, contacts = write("users.csv", users), write("contacts.csv", contacts)
	return users, contacts
}

// extraction is everything an extraction leaves behind.
type extraction struct {
	Users    []User
	Contacts []Contact
	Keys     []keyEntry
	Cands    []candidate
	Ordered  bool
	Kept     int32
	Review   []ReviewItem
	Stats    []FileStats
	Err      string
}

func extractAll(t *testing.T, usersPath, contactsPath string, strict, sift bool) extraction {
	t.Helper()
	var out extraction
	x := &Extractor{Review: &Review{}, Strict: strict}
	users, err := x.ExtractUsers(Input{Path: usersPath})
	if err != nil {
		out.Err = err.Error()
	}
	out.Users = users
	uk := newUserKeys(users, &Review{})
	var sieve *contactSieve
	var sifter contactSifter // nil: every contact kept
	if sift {
		sieve = newContactSieve(uk)
		sifter = sieve
	}
	contacts, err := x.extractContacts(ContactInputs{Contacts: Input{Path: contactsPath}}, sifter)
	if err != nil {
		out.Err += " / " + err.Error()
	}
	out.Contacts = contacts.slice()
	if sieve != nil {
		out.Keys, out.Cands, out.Ordered, out.Kept = sieve.ix.keys, sieve.ix.cands, sieve.ordered, sieve.kept
	}
	out.Review = x.Review.Items
	for _, st := range x.Stats {
		out.Stats = append(out.Stats, *st)
	}
	return out
}

// TestEachInParallel holds reading users and contacts in batches on
// several goroutines to reading them row by row (each): the same users,
// contacts, e-mail index, review items in the same order, row counts, and
// under --strict the same first error, whatever the batch size and however
// many workers, with bad rows anywhere in a batch.
func TestEachInParallel(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		for _, canonical := range []bool{false, true} {
			usersPath, contactsPath := messyExports(t, seed, canonical)
			for _, strict := range []bool{false, true} {
				for _, sift := range []bool{false, true} {
					name := fmt.Sprintf("seed%d/canonical=%v/strict=%v/sift=%v", seed, canonical, strict, sift)
					t.Run(name, func(t *testing.T) {
						withBatches(t, batchRows, 1)
						want := extractAll(t, usersPath, contactsPath, strict, sift)
						if !strict && (len(want.Review) == 0 || len(want.Contacts) == 0) {
							t.Fatalf("the exports should have bad rows and contacts: %d review items, %d contacts", len(want.Review), len(want.Contacts))
						}
						if strict && want.Err == "" {
							t.Fatalf("strict: want an error")
						}
						for _, bc := range batchConfigs {
							withBatches(t, bc.rows, bc.workers)
							got := extractAll(t, usersPath, contactsPath, strict, sift)
							if !reflect.DeepEqual(got, want) {
								t.Errorf("batches of %d rows, %d workers: differs from a read row by row\n got %+v\nwant %+v", bc.rows, bc.workers, got, want)
							}
						}
					})
				}
			}
		}
	}
}

// TestEachInParallelStops: a panic in a worker, and an error ending the read
// early, reach the caller once every goroutine is done with the batches,
// after the rows before it were applied in order.
func TestEachInParallelStops(t *testing.T) {
	var b strings.Builder
	b.WriteString("uid,mail\n")
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&b, "%d,u%d@example.org\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, bc := range batchConfigs {
		withBatches(t, bc.rows, bc.workers)
		for _, stop := range []string{"panic", "error"} {
			x := &Extractor{Review: &Review{}, Strict: true}
			r, bind, st, err := x.table(Input{Path: path}, &formats.UsersSchema)
			if err != nil {
				t.Fatal(err)
			}
			var applied []int
			var panicked any
			func() {
				defer func() { panicked = recover() }()
				err = eachInParallel(x, r, bind, st, rowStages[int]{parse: func(rec []string, src Src, out *int) error {
					*out = src.Line
					if src.Line == 90 {
						if stop == "panic" {
							panic("row 90")
						}
						return formats.RowError(src.File, src.Line, 1, "bad")
					}
					return nil
				}, apply: func(line *int) { applied = append(applied, *line) }})
			}()
			if stop == "panic" && panicked != "row 90" || stop == "error" && (panicked != nil || err == nil || !strings.Contains(err.Error(), ":90:")) {
				t.Errorf("%+v %s: panic %v, error %v", bc, stop, panicked, err)
			}
			if len(applied) != 88 || applied[0] != 2 || applied[87] != 89 {
				t.Errorf("%+v %s: applied %d rows, want lines 2 to 89", bc, stop, len(applied))
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running", n-before)
	}
}
