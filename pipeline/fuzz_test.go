package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/civisync/civisync/formats"
)

// FuzzTransform feeds arbitrary users, contacts and memberships files
// through Transform and Load: nothing may panic, every error must be one of
// the formats errors (a bad file, a missing column, a bad row: exit status
// 2), and a run that succeeds must add up.
func FuzzTransform(f *testing.F) {
	users := "uid,name,mail,first_name,last_name,status\n" +
		"1,admin,webmaster@example.org,,,1\n" +
		"2,msmith,Mary.Smith@Example.org,Mary,Smith,1\n" +
		"3,sam,sam@example.com,Sam,Lee,0\n" +
		"4,sam2, SAM@example.com\u00a0,Sam,Lee,1\n" +
		"5,bad,no-at-sign,,,1\n" +
		"6,none,,,,1\n" +
		"0,anon,,,,1\n"
	contacts := "Contact ID,Contact Type,First Name,Last Name,Email,Home-Email,Is Deleted,User ID\n" +
		"2,Individual,Site,Admin,webmaster@example.org,,0,1\n" +
		"3,Individual,Mary,Smith,mary.smith@example.org,,0,\n" +
		"4,Organization,,,sam@example.com,,0,\n" +
		"5,Individual,Sam,Lee,other@example.com,sam@example.com,1,\n" +
		"6,Individual,Sam,Lee,sam@example.com,,0,9\n"
	memberships := "gid,group,uid,entity_type,state,is_admin,roles\n" +
		"7,Choir,1,user,1,1,\n" +
		"7,Choir,2,user,2,0,member\n" +
		"7,Choir,3,user,3,0,\n" +
		"8,,4,user,active,0,administrator member\n" +
		"8,,5,user,pending,,\n" +
		"8,,42,user,1,,\n" +
		"9,,5,node,1,,\n" +
		",Book Club,2,,1,,\n"
	f.Add([]byte(users), []byte(contacts), []byte(memberships), uint8(0))
	f.Add([]byte(users), []byte(contacts), []byte(memberships), uint8(0xff))
	f.Add([]byte("ID;user_email;display_name\n1;a@x.org;Ann Lee\n2;A@X.ORG;\n"), []byte("id;email\n1;a@x.org\n"),
		[]byte("nid\tuid\tis_active\tis_admin\n5\t1\t0\t1\n5\t2\t1\t0\n"), uint8(1))
	f.Add([]byte("\xef\xbb\xbfuid,mail\r\n1,\"a,b\"\"@x.org\"\r\n"), []byte("Contact ID,Email,Other Emails\n1,x@y.org,a@x.org;b@x.org\n"),
		[]byte("gid,etid,entity_type,state\n3,1,user,1\n3,2,user,3\n"), uint8(2))
	for _, opts := range []uint8{0, 4} { // bad rows reviewed, then with --strict
		f.Add([]byte("uid,mail\n1,a@x.org,extra\nx,b@x.org\n"), []byte("Contact ID,Email\n1\nabc,a@x.org\n"), []byte("gid,uid\n1,1\n1\n"), opts)
	}
	f.Add([]byte(""), []byte("PK\x03\x04"), []byte("\xff\xfeu\x00i\x00d\x00"), uint8(0))
	f.Add([]byte("uid,mail\n1,caf\xe9@x.org\n"), []byte("Contact ID,Email\n1,café@x.org\n"), []byte("gid,uid\n1,1\n"), uint8(0))

	f.Fuzz(func(t *testing.T, users, contacts, memberships []byte, opts uint8) {
		dir := t.TempDir()
		put := func(name string, data []byte) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}
		read := formats.Options{MaxUnzipSize: 1 << 20}
		cfg := &Config{
			Users:    Input{Path: put("users.csv", users), Read: read},
			Contacts: ContactInputs{Contacts: Input{Path: put("contacts.csv", contacts), Read: read}},
			OG:       OGInputs{Memberships: &Input{Path: put("memberships.csv", memberships), Read: read}},
			Strict:   opts&4 != 0,
			Match:    MatchOptions{SkipBlocked: opts&2 != 0},
		}
		if opts&1 != 0 {
			cfg.Match.Rule = RuleSupervised
		}
		if opts&8 != 0 {
			cfg.Match.ExternalIDPrefix = "cms-"
		}
		res, err := Transform(cfg)
		if err != nil {
			var fe *formats.Error
			if !errors.Is(err, formats.ErrBadFile) && !errors.Is(err, formats.ErrMissingColumn) &&
				!errors.Is(err, formats.ErrBadRow) && !errors.As(err, &fe) {
				t.Fatalf("Transform: unexpected error %T: %v", err, err)
			}
			return
		}
		m := res.Match
		if m.Checked != m.Found+m.Created+m.Skipped {
			t.Fatalf("checked %d != found %d + created %d + skipped %d", m.Checked, m.Found, m.Created, m.Skipped)
		}
		if len(m.Links) != m.Checked || len(m.New) != m.Created {
			t.Fatalf("%d links for %d checked users, %d new contacts for %d created", len(m.Links), m.Checked, len(m.New), m.Created)
		}
		format := formats.CSV
		if opts&16 != 0 {
			format = formats.XLSX
		}
		out, err := formats.NewOutputSet(filepath.Join(dir, "out"), format, cfg.Inputs())
		if err != nil {
			t.Fatal(err)
		}
		if err := Load(res, out, LoadOptions{Split: opts&32 != 0, EscapeFormulas: opts&64 != 0}); err != nil {
			out.Abort()
			t.Fatalf("Load: %v", err)
		}
		if err := out.Commit(); err != nil {
			t.Fatalf("Commit: %v", err)
		}
	})
}
