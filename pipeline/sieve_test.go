package pipeline

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestContactSieve holds sifting contacts as they are read to reading them
// all and keeping those that matter afterwards: the same contacts, review
// items and row counts, and the same e-mail index, whatever the order of
// the ids (in order, a few out of order early or late, repeated ids of
// kept and of dropped rows), and whether rows are read one by one or in
// batches on several goroutines.
func TestContactSieve(t *testing.T) {
	pool := func(i int) string { return fmt.Sprintf("p%d@example.org", i) }
	for _, tc := range []struct {
		name    string
		swaps   int  // ids out of order
		late    bool // ... only near the end
		repeats int  // rows repeating an earlier id
	}{
		{"in order", 0, false, 0},
		{"out of order early", 5, false, 0},
		{"out of order late", 3, true, 0},
		{"repeated ids", 0, false, 6},
		{"out of order and repeated", 4, true, 6},
		{"repeats early", 8, false, 8},
	} {
		for seed := uint64(1); seed <= 4; seed++ {
			for _, bc := range []struct{ rows, workers int }{{batchRows, 1}, {1, 2}, {5, 3}, {batchRows, 2}} {
				t.Run(fmt.Sprintf("%s/seed%d/batch%d-workers%d", tc.name, seed, bc.rows, bc.workers), func(t *testing.T) {
					withBatches(t, bc.rows, bc.workers)
					r := rand.New(rand.NewPCG(seed, 7))
					var users []User
					for uid := int64(1); uid <= 60; uid++ {
						mail := pool(r.IntN(200))
						if r.IntN(4) == 0 {
							mail = strings.ToUpper(mail)
						}
						users = append(users, User{UID: uid, Email: mail})
					}
					type row struct {
						id                              int64
						typ, primary, other, del, uf, g string
					}
					var rows []row
					for id := int64(1); id <= 120; id++ {
						rw := row{id: id, typ: "Individual", primary: pool(r.IntN(400)), del: "0"}
						if r.IntN(3) == 0 {
							rw.other = pool(r.IntN(400))
						}
						switch r.IntN(12) {
						case 0:
							rw.typ = "Organization"
						case 1:
							rw.del = "1"
						case 2:
							rw.uf = fmt.Sprint(1 + r.IntN(80))
						case 3:
							rw.g = "Friends"
						}
						rows = append(rows, rw)
					}
					for k := 0; k < tc.swaps; k++ {
						lo := 0
						if tc.late {
							lo = len(rows) - 20
						}
						i, j := lo+r.IntN(len(rows)-lo), lo+r.IntN(len(rows)-lo)
						rows[i], rows[j] = rows[j], rows[i]
					}
					for k := 0; k < tc.repeats; k++ {
						rw := rows[r.IntN(len(rows))]
						rw.primary = pool(r.IntN(200)) // often a user's: it must still lose
						rows = append(rows, rw)
					}
					var b strings.Builder
					b.WriteString("Contact ID,Contact Type,Email,Home-Email,Is Deleted,User ID,Groups\n")
					for _, rw := range rows {
						fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s,%s\n", rw.id, rw.typ, rw.primary, rw.other, rw.del, rw.uf, rw.g)
					}
					path := filepath.Join(t.TempDir(), "contacts.csv")
					if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					in := ContactInputs{Contacts: Input{Path: path}}

					wholeX := &Extractor{Review: &Review{}}
					all, err := wholeX.ExtractContacts(in)
					if err != nil {
						t.Fatal(err)
					}
					uk := newUserKeys(users, &Review{})
					var want []Contact
					for _, c := range all {
						wanted := false
						if c.IsIndividual() && !c.Deleted {
							for _, e := range c.emails() {
								if _, ok := uk.lookup([]byte(EmailKey(e))); ok {
									wanted = true
								}
							}
						}
						if wanted || c.UFID != 0 || c.inGroups() {
							want = append(want, c)
						}
					}

					siftX := &Extractor{Review: &Review{}}
					sieve := newContactSieve(uk)
					list, err := siftX.extractContacts(in, sieve)
					if err != nil {
						t.Fatal(err)
					}
					got := list.slice()
					for i := range got {
						if c := list.at(int32(i)); c.ID != got[i].ID || c.Src != got[i].Src {
							t.Fatalf("contact %d: at gives id %d, the slice %d", i, c.ID, got[i].ID)
						}
					}
					if !reflect.DeepEqual(ids(got), ids(want)) {
						t.Fatalf("sifted contacts\n got %v\nwant %v", ids(got), ids(want))
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("sifted contacts differ from the kept ones of a whole read")
					}
					if g, w := sortedItems(siftX.Review), sortedItems(wholeX.Review); !reflect.DeepEqual(g, w) {
						t.Errorf("review items\n got %v\nwant %v", g, w)
					}
					if g, w := *siftX.Stats[0], *wholeX.Stats[0]; g != w {
						t.Errorf("stats %+v, want %+v", g, w)
					}
					if g, w := sieve.index(&list), newEmailIndex(&list, uk); !reflect.DeepEqual(g.keys, w.keys) || !reflect.DeepEqual(g.cands, w.cands) {
						t.Errorf("e-mail index built while sifting differs from one built afresh")
					}
					if tc.repeats == 0 && tc.swaps == 0 && sieve.index(&list) != sieve.ix {
						t.Errorf("contacts in id order: the index built while sifting should serve")
					}
				})
			}
		}
	}
}

func ids(cs []Contact) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func sortedItems(r *Review) []string {
	var out []string
	for _, it := range r.Items {
		out = append(out, fmt.Sprintf("%+v", it))
	}
	slices.Sort(out)
	return out
}
