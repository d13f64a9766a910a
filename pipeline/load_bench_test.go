package pipeline

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/civisync/civisync/formats"

	"github.com/civisync/civisync/pipeline/internal/dense"
)

// genOptions shape a generated Result.
type genOptions struct {
	Users    int
	Formulas bool // sprinkle cells a spreadsheet would take for a formula
	OGImport int  // rows of user_import_og
}

// genResult builds a Result shaped like the one `sync` makes from the bench
// data (bench/README.md): per user a link, two in five new contacts, three
// memberships per user in users/100 groups, a review item for one user in
// seven. Some titles need quoting; with Formulas, some cells start with
// = + - @.
func genResult(o genOptions) *Result {
	rng := rand.New(rand.NewPCG(1, 2))
	firsts := []string{"Anna", "Björn", "Chloé", "David", "Emma", "Fatima", "Jürgen", "Laura", "Mark", "Renée", "Richard", "Sofia"}
	lasts := []string{"Bianchi", "García", "Jäger", "Nguyen", "Novak", "O'Brien", "Patel", "Rossi", "Smith-Jones", "Walker"}
	domains := []string{"example.org", "gmail.com", "outlook.com", "yahoo.co.uk", "web.de", "orange.fr"}
	places := []string{"Cedar Hill", "Maple Grove", "North End", "Saint-Étienne", "São Paulo", "Queen's Park", "Zürich"}
	kinds := []string{"Jazz Collective", "Choir Society (Members, Supporters and", "Book Club", "Running \"Fast\" Club", "Repair Café Network", "Hiking Group"}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	formula := func(s string) string {
		if o.Formulas && rng.IntN(50) == 0 {
			return string("=+-@"[rng.IntN(4)]) + s
		}
		return s
	}

	m := &Matching{}
	uids := make([]int64, o.Users)
	for i := range o.Users {
		uid := int64(i + 1)
		uids[i] = uid
		first, last := pick(firsts), pick(lasts)
		u := User{UID: uid, Username: formula(fmt.Sprintf("%s.%s%d", first, last, uid)), First: first, Last: last,
			Email: fmt.Sprintf("%s.%s%d@%s", first, last, uid, pick(domains)), Src: Src{File: "bench/users.csv", Line: i + 2}}
		m.Users = append(m.Users, u)
		l := Link{UID: uid, User: int32(i), kind: kindEmail, Score: 10}
		switch r := rng.IntN(100); {
		case r < 40:
			m.New = append(m.New, NewContact{UID: uid, First: first, Last: last, Email: formula(u.Email)})
			l.New, l.kind, l.Score = int32(len(m.New)), kindNew, 0
			m.Created++
		case r < 45:
			l.kind, l.Score = kindNone, 0
			m.Skipped++
		default:
			l.ContactID = int64(rng.IntN(5*o.Users) + 1)
			m.Found++
		}
		m.Links = append(m.Links, l)
	}
	m.Checked = len(m.Links)
	m.uids = uids
	m.byUID = dense.New[int32](uids)
	for i, u := range uids {
		m.byUID.Set(u, int32(i))
	}

	gs := &GroupSync{m: m}
	for g := range max(1, o.Users/100) {
		title := formula(fmt.Sprintf("%s %s %d", pick(places), pick(kinds), g))
		name := CutName(title)
		gid := fmt.Sprint(1_000_000 + g)
		gs.Groups = append(gs.Groups, CiviGroup{GID: gid, OGTitle: title, Name: name, Source: "OG Sync Group :" + gid + ":"})
		gs.Counts = append(gs.Counts, GroupCounts{Title: name, SourceOGID: gid})
	}
	perGroup := 3 * o.Users / len(gs.Groups)
	for g := range gs.Groups {
		keys := map[int64]bool{}
		for range perGroup {
			var key int64
			if len(m.New) > 0 && rng.IntN(10) < 3 {
				key = firstNew + int64(rng.IntN(len(m.New)))
			} else {
				key = int64(rng.IntN(5*o.Users) + 1)
			}
			keys[key] = true
		}
		sorted := make([]int64, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		c := &gs.Counts[g]
		for _, k := range sorted {
			mb := Member{Contact: k, Group: int32(g), Added: rng.IntN(20) != 0, Admin: rng.IntN(250) == 0}
			gs.Members = append(gs.Members, mb)
			c.Members++
			if mb.Added {
				c.Added++
			} else {
				c.Pending++
			}
			if mb.Admin {
				c.Admins++
				gs.Admins++
			}
		}
	}

	res := &Result{Match: m, Groups: gs, Review: &Review{}}
	for i := range o.OGImport {
		u := &m.Users[rng.IntN(len(m.Users))]
		res.OGImport = append(res.OGImport, OGImportRow{Group: rng.IntN(len(gs.Groups)), Email: u.Email, First: u.First, Last: u.Last, Username: fmt.Sprintf("%s %d", u.Username, i)})
	}
	slices.SortStableFunc(res.OGImport, func(a, b OGImportRow) int { return a.Group - b.Group })
	for i := range m.Users {
		if rng.IntN(7) != 0 {
			continue
		}
		u := &m.Users[i]
		switch rng.IntN(3) {
		case 0:
			res.Review.Add(KindNoEmail, u.Src, u.UID, 0, "user has no e-mail; CiviCRM checks only users with one")
		case 1:
			res.Review.Add(KindDuplicateEmail, u.Src, u.UID, int64(rng.IntN(o.Users)+1), fmt.Sprintf("same e-mail as user %d, who has the contact; this user gets no contact of its own", rng.IntN(o.Users)+1))
		default:
			res.Review.Add(KindNoContact, Src{File: "bench/og_membership.csv", Line: rng.IntN(3*o.Users) + 2}, u.UID, 0,
				fmt.Sprintf("member of group %q: the user has no contact (no or invalid e-mail, or left out)", pick(places)))
		}
	}
	return res
}

// BenchmarkLoad writes a generated Result of a quarter of the bench size
// (250k users, 750k memberships): the load stage of `sync`. On a machine
// shared with others, wall time wanders; cpu-s/op (user and system, every
// goroutine) says what the stage costs.
func BenchmarkLoad(b *testing.B) {
	res := genResult(genOptions{Users: 250_000})
	dir := b.TempDir()
	items := len(res.Review.Items)
	cpu := processCPU()
	defer func() {
		if cpu := processCPU() - cpu; cpu > 0 {
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		}
	}()
	for b.Loop() {
		out, err := formats.NewOutputSet(filepath.Join(dir, "out"), formats.CSV, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := Load(res, out, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
		out.Abort()
		res.Review.Items = res.Review.Items[:items]
	}
}
