package pipeline

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unsafe"
)

// writeOGBench writes a Drupal 7 group nodes file and og_membership file
// shaped like civisync-gen's: gids from 1000000, rows in random group
// order, ~3% node rows, states 1/2/3.
func writeOGBench(b *testing.B, groups, rows int) OGInputs {
	dir := b.TempDir()
	var nodes, ms strings.Builder
	nodes.WriteString("nid,type,title,uid\n")
	for g := 0; g < groups; g++ {
		fmt.Fprintf(&nodes, "%d,group,Group number %d,%d\n", 1000000+g, g, g*7+1)
	}
	ms.WriteString("id,type,etid,entity_type,gid,group_type,state,created,field_name\n")
	x := uint64(1)
	for i := 1; i <= rows; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		typ, field := "user", "og_user_node"
		if x%33 == 0 {
			typ, field = "node", "og_group_ref"
		}
		state := 1
		switch x % 100 {
		case 0, 1:
			state = 3
		case 2, 3, 4, 5, 6:
			state = 2
		}
		fmt.Fprintf(&ms, "%d,og_membership_type_default,%d,%s,%d,node,%d,%d,%s\n",
			i, x%uint64(rows/3)+1, typ, 1000000+int(x>>20)%groups, state, 1230768000+i, field)
	}
	put := func(name, data string) *Input {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
		return &Input{Path: path}
	}
	return OGInputs{Groups: put("node.csv", nodes.String()), Memberships: put("og_membership.csv", ms.String())}
}

func BenchmarkExtractMemberships(b *testing.B) {
	in := writeOGBench(b, 1_000, 300_000)
	b.ReportAllocs()
	for b.Loop() {
		x := &Extractor{Review: &Review{}}
		if _, err := x.ExtractOG(in); err != nil {
			b.Fatal(err)
		}
	}
}

// extractOG writes the given files (name -> content) and runs ExtractOG.
func extractOG(t *testing.T, files map[string]string) (*OGData, *Review, error) {
	t.Helper()
	dir := t.TempDir()
	var in OGInputs
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		switch name {
		case "node.csv":
			in.Groups = &Input{Path: path}
		case "og_users_roles.csv":
			in.Roles = &Input{Path: path}
		case "og.csv", "field_data_group_group.csv":
			in.OGGroups = &Input{Path: path}
		default:
			in.Memberships = &Input{Path: path}
		}
	}
	x := &Extractor{Review: &Review{}}
	d, err := x.ExtractOG(in)
	return d, x.Review, err
}

func TestExtractMemberships(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		groups  []string // gid|title|node|user|line
		members []string // group uid state admin line
		review  []string
	}{
		{
			name: "Drupal 7: node rows skipped, states, groups from the nodes file",
			files: map[string]string{
				"node.csv": "nid,type,title,uid\n10,group,Choir,5\n11,group,Band,6\n",
				"og_membership.csv": "id,etid,entity_type,gid,state\n" +
					"1,1,user,10,1\n2,2,user,11,2\n3,3,user,10,3\n4,4,node,10,1\n5,5,user,12,1\n6,6,user, 11 ,1\n",
			},
			groups:  []string{"10|Choir|true|0|2", "11|Band|true|0|3", "12||false|5|6"},
			members: []string{"10 1 active false 2", "11 2 pending false 3", "10 3 blocked false 4", "12 5 active false 6", "11 6 active false 7"},
		},
		{
			name: "bad states, ids and rows are reviewed",
			files: map[string]string{
				"og_membership.csv": "gid,uid,state\n1,1,5\n1,x,1\n0,2,1\n1,3, \n1,4,\n,,1\n1,5,active\n",
			},
			groups:  []string{"1||false|1|2"},
			members: []string{"1 3 active false 5", "1 4 active false 6", "1 5 active false 8"},
			review:  []string{"bad-row 2", "bad-row 3", "bad-row 4", "bad-row 7"},
		},
		{
			name: "Drupal 6: is_active 1 active, 0 pending, 2 wrong",
			files: map[string]string{
				"og_uid.csv": "nid,uid,is_active,is_admin\n7,1,1,0\n7,2,0,1\n7,3,2,0\n7,4, 1 ,yes\n",
			},
			groups:  []string{"7||false|1|2"},
			members: []string{"7 1 active false 2", "7 2 pending true 3", "7 4 active true 5"},
			review:  []string{"bad-row 4"},
		},
		{
			name: "titles: a later row titles a group, rows by title find it whatever the case",
			files: map[string]string{
				"node.csv": "nid,title\n7,\n",
				"members.csv": "group id,group,uid,roles\n" +
					"7,,1,member\n7, Choir ,2,Administrator member\n,CHOIR,3,\n,choir,4,ADMİNİSTRATOR\n" +
					",Band,5,administrator\n,band,6,\n8,Band,7,\n8,Organ,8,\n",
			},
			groups:  []string{"7|Choir|true|0|2", "|Band|false|5|6", "8|Band|false|7|8"},
			members: []string{"7 1 active false 2", "7 2 active true 3", "7 3 active false 4", "7 4 active true 5", " 5 active true 6", " 6 active false 7", "8 7 active false 8", "8 8 active false 9"},
		},
		{
			name: "canonical: group rows, source columns point back",
			files: map[string]string{
				"canon.csv": "gid,group,uid,state,is_admin,source_file,source_line\n" +
					"7,Choir,,,,node.csv,2\n7,Choir,1,active,1,og.csv,4\n9,Nine,2,pending,0,og.csv,9\n9,Nine,3,blocked,0,roles.csv,2\n",
			},
			groups:  []string{"7|Choir|true|0|2", "9|Nine|false|2|9"},
			members: []string{"7 1 active true 4", "9 2 pending false 9", "9 3 blocked false 2"},
		},
		{
			name: "canonical: rows pointing back at the same line name the group together",
			files: map[string]string{
				"canon.csv": "gid,group,uid,state,is_admin,source_file,source_line\n" +
					"7,Choir,0,active,0,og.csv,4\n7,Choir,5,active,0,og.csv,4\n",
			},
			groups:  []string{"7|Choir|false|5|4"},
			members: []string{"7 0 active false 4", "7 5 active false 4"},
		},
		{
			name: "Drupal 7: rows of groups that are no nodes are left out, whatever their number",
			files: map[string]string{
				"og_users_roles.csv": "uid,role,gid,group_type\n1,administrator member,5,node\n2,administrator member,5,taxonomy_term\n",
				"og_membership.csv": "id,etid,entity_type,gid,group_type,state\n" +
					"1,1,user,5,node,1\n2,2,user,5,taxonomy_term,1\n3,3,node,5,taxonomy_term,1\n4,4,user,6, User ,1\n5,5,user,6,,1\n",
			},
			groups:  []string{"5||false|0|2", "6||false|5|6"},
			members: []string{"5 1 active false 2", "6 5 active false 6"},
			review:  []string{"not-a-node-group 3", "not-a-node-group 3", "not-a-node-group 5"},
		},
		{
			name: "the whole node table: only the nodes a row names are groups; one named by title takes its id",
			files: map[string]string{
				"node.csv":    "nid,vid,type,title,uid\n3,3,page,About,1\n5,5,group,Choir,2\n6,6,group,Band,3\n9,9,article,News,1\n6,7,group,Band,3\n",
				"members.csv": "group id,group,uid\n5,,1\n,band,2\n",
			},
			groups:  []string{"5|Choir|true|0|3", "6|Band|true|0|4"},
			members: []string{"5 1 active false 2", "6 2 active false 3"},
		},
		{
			name: "--og-groups (field_data_group_group): only the nodes it lists are groups, also without members",
			files: map[string]string{
				"field_data_group_group.csv": "entity_type,bundle,deleted,entity_id,revision_id,language,delta,group_group_value\n" +
					"node,group,0,5,5,und,0,1\nnode,group,0,6,6,und,0,0\nnode,page,1,3,3,und,0,1\ntaxonomy_term,dept,0,7,7,und,0,1\nnode,group,0,8,8,und,0,1\n",
				"node.csv":          "nid,type,title,uid\n3,page,About,1\n5,group,Choir,2\n6,group,Band,3\n8,group,Quiet,4\n",
				"og_membership.csv": "id,etid,entity_type,gid,group_type,state\n1,1,user,5,node,1\n2,2,user,6,node,1\n3,3,user,7,node,1\n",
			},
			groups:  []string{"5|Choir|true|0|3", "8|Quiet|true|0|5"},
			members: []string{"5 1 active false 2"},
			review:  []string{"not-a-group 3", "not-a-group 4"},
		},
		{
			name: "--og-groups (Drupal 6 og): a group node without members is a group",
			files: map[string]string{
				"og.csv":     "nid,og_selective,og_description\n5,0,x\n9,3,y\n",
				"og_uid.csv": "nid,uid,is_active,is_admin\n5,1,1,0\n",
			},
			groups:  []string{"5||false|1|2", "9||true|0|3"},
			members: []string{"5 1 active false 2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, rev, err := extractOG(t, tc.files)
			if err != nil {
				t.Fatal(err)
			}
			var groups, members []string
			for _, g := range d.Groups {
				groups = append(groups, fmt.Sprintf("%s|%s|%v|%d|%d", g.GID, g.Title, g.Node, g.User, g.Line))
			}
			for i, m := range d.Memberships {
				members = append(members, fmt.Sprintf("%s %d %s %v %d", d.Groups[m.Group].GID, m.UID, m.State(), m.Admin(), d.src(i).Line))
			}
			if !reflect.DeepEqual(groups, tc.groups) {
				t.Errorf("groups:\n got %q\nwant %q", groups, tc.groups)
			}
			if !reflect.DeepEqual(members, tc.members) {
				t.Errorf("memberships:\n got %q\nwant %q", members, tc.members)
			}
			var review []string
			for _, it := range rev.Items {
				review = append(review, fmt.Sprintf("%s %d", it.Kind, it.Line))
			}
			if !reflect.DeepEqual(review, tc.review) {
				t.Errorf("review:\n got %q\nwant %q", review, tc.review)
			}
		})
	}
}

// TestGroupCache holds the cache to OGData.group on gids dense, sparse, in
// and out of the laid-out range, with titles arriving late.
func TestGroupCache(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, known := range []int{0, 1, 50, 1000} {
		for _, spread := range []int64{1, 3, 40, 1 << 40} {
			newData := func() *OGData {
				d := &OGData{byGID: map[int64]int32{}, byTitle: map[string]int32{}}
				for g := range known {
					d.group(1000+int64(g)*spread, "", Src{File: "node.csv", Line: g + 2})
				}
				return d
			}
			want, got := newData(), newData()
			c := newGroupCache(got)
			for i := range 20_000 {
				gid := 1000 + r.Int64N(int64(2*known+100))*spread
				if r.IntN(4) == 0 {
					gid = 1 + r.Int64N(1<<50) // far off
				}
				title := ""
				if r.IntN(10) == 0 {
					title = fmt.Sprintf("Group %d", gid%7)
				}
				src := Src{File: "og.csv", Line: i + 2}
				var w, g int32
				if r.IntN(20) == 0 {
					title = fmt.Sprintf("Title %d", r.IntN(30))
					w, g = want.group(0, title, src), c.byTitle(title, src)
				} else {
					w, g = want.group(gid, title, src), c.byGID(gid, title, src)
				}
				if w != g {
					t.Fatalf("known %d spread %d row %d: gid %d title %q: group %d, want %d", known, spread, i, gid, title, g, w)
				}
			}
			if !reflect.DeepEqual(want.Groups, got.Groups) || !reflect.DeepEqual(want.byTitle, got.byTitle) {
				t.Fatalf("known %d spread %d: the cache changed the groups it found", known, spread)
			}
		}
	}
}

func TestParsers(t *testing.T) {
	cells := []string{"", "0", "7", "007", "1234", " 12", "12 ", "1.0", "1.5", "-3", "+3", "abc", "\u00a012\u00a0", "\t1\n",
		"999999999999999999", "9999999999999999999", "99999999999999999999", "１２", "1e3", "0x10", "12\u200b"}
	for _, s := range cells {
		if n, ok := parseID(s); n != func() int64 { n, _ := parseIDText(s); return n }() && ok || ok != func() bool { _, ok := parseIDText(s); return ok }() {
			t.Errorf("parseID(%q) = %d, %v; parseIDText says otherwise", s, n, ok)
		}
		if got, want := clean(s), strings.TrimFunc(s, unicode.IsSpace); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	}
	for _, header := range []string{"state", "isactive", "status"} {
		tab := stateTable(header)
		for _, v := range []string{"0", "1", "2", "3", "4", "9", "a", " ", "  ", " 1", "1 ", "active", "Pending", "yes", "no", "\u00a0"} {
			want, wantOK := parseState(header, v)
			if strings.TrimSpace(v) == "" {
				want, wantOK = Active, true // a blank cell is active
			}
			if got, ok := tab.parse(v); got != want || ok != wantOK {
				t.Errorf("%s: parse(%q) = %v, %v; want %v, %v", header, v, got, ok, want, wantOK)
			}
		}
	}
	for _, role := range []string{"", "member", "administrator member", "Administrator Member", "ADMINISTRATOR", "site administrators",
		"administrato", "ADMİNİSTRATOR", "Administrateur", "`dministrator", "administrator\u00a0member", "admin; ADMINISTRATOR"} {
		if got, want := isAdminRole(role), strings.Contains(strings.ToLower(role), "administrator"); got != want {
			t.Errorf("isAdminRole(%q) = %v, want %v", role, got, want)
		}
	}
}

// A membership packs its state, admin flag and line into 32 bits beside
// its uid and group: every value comes back as it went in.
func TestMembershipPacking(t *testing.T) {
	const maxInt32 = 1<<31 - 1
	files := make([]string, 40_000) // more files than an int16 indexes
	for i := range files {
		files[i] = fmt.Sprintf("f%d.csv", i)
	}
	tests := []struct {
		name  string
		uid   int64
		group int32
		state State
		admin bool
		file  int32
		line  int
	}{
		{"line 0", 1, 0, Active, false, 0, 0},
		{"line 1", 2, 1, Pending, true, 0, 1},
		{"line 2^24 + 1", 3, 2, Blocked, false, 0, 1<<24 + 1},
		{"line 2^28", 4, 3, Active, true, 0, 1 << 28},
		{"largest delta", 5, 4, Pending, false, 0, maxLineDelta},
		{"line 2^29", 6, 5, Blocked, true, 0, 1 << 29},
		{"largest int32 line", 7, 6, Active, false, 0, maxInt32},
		{"line 2^32 + 3", 8, 7, Pending, true, 0, 1<<32 + 3},
		{"largest line", 9, 8, Blocked, false, 0, math.MaxInt64},
		{"back to line 2", 10, 9, Active, true, 0, 2},
		{"uid 0", 0, 0, Active, false, 1, 5},
		{"uid past 2^32", 1<<32 + 7, 1, Pending, false, 1, 6},
		{"largest uid", math.MaxInt64, 2, Blocked, true, 1, 7},
		{"largest group", 11, math.MaxInt32, Active, true, 1, 8},
		{"file 32767", 12, 0, Pending, true, 32767, 9},
		{"file 39999", 13, 0, Blocked, false, 39999, maxInt32},
		{"unknown state", 14, 0, 0, true, 2, 10},
	}
	d := &OGData{Files: files}
	for _, tc := range tests {
		d.addMembership(tc.uid, tc.group, tc.state, tc.admin, tc.file, tc.line)
	}
	if n := len(d.Memberships); n != len(tests) {
		t.Fatalf("%d memberships, want %d", n, len(tests))
	}
	for i, tc := range tests {
		m := d.Memberships[i]
		got := fmt.Sprint(m.UID, m.Group, m.State(), m.Admin(), d.src(i))
		want := fmt.Sprint(tc.uid, tc.group, tc.state, tc.admin, Src{File: files[tc.file], Line: tc.line})
		if got != want {
			t.Errorf("%s: got %s, want %s", tc.name, got, want)
		}
	}
	if size := unsafe.Sizeof(Membership{}); size > 16 {
		t.Errorf("a Membership takes %d bytes, want 16 at most", size)
	}
}

// Lines in any order within 2^28 of each other share one run; a file
// change or a far jump starts another, and every line stays exact.
func TestMembershipLineRuns(t *testing.T) {
	tests := []struct {
		name  string
		files []int32
		lines []int
		runs  int
	}{
		{"one file, ascending", []int32{0, 0, 0, 0}, []int{2, 3, 5, 1 << 24}, 1},
		{"one file, any order", []int32{0, 0, 0, 0}, []int{9, 2, 1<<28 - 1, 0}, 1},
		{"30M-row file", []int32{0, 0, 0}, []int{2, 15_000_000, 30_000_001}, 1},
		{"2^29-row file", []int32{0, 0, 0, 0}, []int{2, 1<<29 - 1, 1 << 29, 1<<29 + 5}, 2},
		{"huge lines", []int32{0, 0, 0}, []int{1 << 40, 1<<40 - 1<<28, 1<<40 + 1<<28 - 1}, 1},
		{"below a run's base", []int32{0, 0}, []int{1 << 30, 1}, 2},
		{"files switch", []int32{0, 1, 1, 0}, []int{2, 2, 3, 3}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &OGData{Files: []string{"a.csv", "b.csv"}}
			for i, line := range tc.lines {
				d.addMembership(int64(i), 0, Active, false, tc.files[i], line)
			}
			for i, line := range tc.lines {
				if got, want := d.src(i), (Src{File: d.Files[tc.files[i]], Line: line}); got != want {
					t.Errorf("membership %d: src %v, want %v", i, got, want)
				}
			}
			if len(d.lines) != tc.runs {
				t.Errorf("%d runs, want %d", len(d.lines), tc.runs)
			}
		})
	}
}

// A canonical file's source lines past 2^24 and 2^31 are written back as
// they were read.
func TestCanonicalHugeLines(t *testing.T) {
	d, _, err := extractOG(t, map[string]string{"canon.csv": "gid,group,uid,state,is_admin,source_file,source_line\n" +
		"7,Choir,1,active,1,og.csv,16777217\n7,Choir,4294967296,pending,0,og.csv,2147483647\n" +
		"7,Choir,3,blocked,0,big.csv,30000000001\n7,Choir,2,active,0,og.csv,3\n"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, m := range d.Memberships {
		got = append(got, fmt.Sprintf("%d %s %v %v", m.UID, m.State(), m.Admin(), d.src(i)))
	}
	want := []string{"1 active true {og.csv 16777217}", "4294967296 pending false {og.csv 2147483647}",
		"3 blocked false {big.csv 30000000001}", "2 active false {og.csv 3}"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestBorrowedMemberships reads membership files several times the
// reader's buffer with rows borrowing it and with rows copied: titles first
// met on any row, group rows, bad rows and their reviews must come out the
// same, as nothing kept may point into a buffer read over since.
func TestBorrowedMemberships(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	var views, d7 strings.Builder
	views.WriteString("group id,group,uid,roles,state\n")
	d7.WriteString("id,etid,entity_type,gid,state\n")
	for i := 0; i < 40_000; i++ {
		g := r.IntN(3000)
		title := fmt.Sprintf("Group %d of the Valley", g)
		switch n := r.IntN(100); {
		case n < 40: // by title only, spelled in several cases
			if n%2 == 0 {
				title = strings.ToUpper(title)
			}
			fmt.Fprintf(&views, ",%s,%d,member,1\n", title, i+1)
		case n < 80: // by id, the title given now and then
			if n%3 != 0 {
				title = ""
			}
			fmt.Fprintf(&views, "%d,%s,%d,administrator member,%d\n", 5000+g, title, i+1, 1+n%3)
		case n < 85: // the group itself
			fmt.Fprintf(&views, "%d,%s,,,\n", 5000+g, title)
		case n < 88: // bad rows
			fmt.Fprintf(&views, "%d,%s,x%d,,1\n", 5000+g, title, i)
		default:
			fmt.Fprintf(&views, "%d,,%d,,9\n", 5000+g, i+1)
		}
		fmt.Fprintf(&d7, "%d,%d,user,%d,%d\n", i+1, i%9000+1, 9000+g, 1+i%3)
	}
	for name, data := range map[string]string{"views.csv": views.String(), "og_membership.csv": d7.String()} {
		t.Run(name, func(t *testing.T) {
			if len(data) < 512<<10 {
				t.Fatalf("%d bytes: too few to read over the reader's buffer", len(data))
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			read := func(borrow bool) (*OGData, []string) {
				old := borrowRows
				borrowRows = borrow
				defer func() { borrowRows = old }()
				x := &Extractor{Review: &Review{}}
				d, err := x.ExtractOG(OGInputs{Memberships: &Input{Path: path}})
				if err != nil {
					t.Fatal(err)
				}
				var items []string
				for _, it := range x.Review.Items {
					items = append(items, fmt.Sprintf("%+v", it))
				}
				return d, items
			}
			gotD, gotRev := read(true)
			wantD, wantRev := read(false)
			if len(gotD.Groups) < 1000 || name == "views.csv" && len(gotRev) < 100 {
				t.Fatalf("%d groups, %d review items: the test reads too little", len(gotD.Groups), len(gotRev))
			}
			if !reflect.DeepEqual(gotD, wantD) {
				t.Errorf("borrowed rows give other groups or memberships")
			}
			if !reflect.DeepEqual(gotRev, wantRev) {
				t.Errorf("borrowed rows give other review items")
			}
		})
	}
}
