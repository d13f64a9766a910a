package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/civisync/civisync/formats"
)

// TestContactTables: the raw CiviCRM tables beside civicrm_contact. An
// e-mail of no contact (SQL NULL, however written) is skipped, never a bad
// row; a raw civicrm_group_contact's group ids are titled by civicrm_group,
// only Added counts, and an id civicrm_group lacks is reviewed.
func TestContactTables(t *testing.T) {
	const contacts = "id,contact_type,first_name,last_name\n2,Individual,Anna,K\n3,Individual,Mary,S\n"
	tests := []struct {
		name   string
		files  map[string]string // emails.csv, group_contact.csv, group.csv
		want   []string          // contact id: primary | others | groups
		rows   map[string][4]int // read, used, reviewed, skipped
		review []string
		err    error
	}{
		{name: "e-mails without a contact",
			files: map[string]string{"emails.csv": "id,contact_id,email,is_primary\n1,2,anna@example.org,1\n2,,events@example.org,0\n3,NULL,x@example.org,0\n4, \\N ,y@example.org,0\n5,3,mary@example.org,1\n"},
			want:  []string{"2: anna@example.org |  | ", "3: mary@example.org |  | "},
			rows:  map[string][4]int{"emails.csv": {5, 2, 0, 3}}},
		{name: "group contacts by id",
			files: map[string]string{
				"group_contact.csv": "id,group_id,contact_id,status\n1,1,2,Added\n2,7,2,Added\n3,1,3,Removed\n4,9,3,Added\n5,7,3,Pending\n",
				"group.csv":         "id,name,title,is_active\n1,Newsletter_Subscribers,Newsletter Subscribers,1\n7,Choir,,1\n",
			},
			want:   []string{"2:  |  | Newsletter Subscribers;Choir", "3:  |  | "},
			rows:   map[string][4]int{"group_contact.csv": {5, 2, 1, 2}, "group.csv": {2, 2, 0, 0}},
			review: []string{"unknown-group 5 3"}},
		{name: "group contacts by id, without civicrm_group",
			files: map[string]string{"group_contact.csv": "id,group_id,contact_id,status\n1,1,2,Added\n"},
			err:   formats.ErrMissingColumn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			put := func(name, data string) *Input {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
				return &Input{Path: path}
			}
			in := ContactInputs{Contacts: *put("contacts.csv", contacts)}
			for name, data := range tc.files {
				switch name {
				case "emails.csv":
					in.Emails = put(name, data)
				case "group_contact.csv":
					in.GroupContacts = put(name, data)
				case "group.csv":
					in.Groups = put(name, data)
				}
			}
			x := &Extractor{Review: &Review{}}
			got, err := x.ExtractContacts(in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), "--civicrm-groups") {
					t.Fatalf("error %v, want %v naming --civicrm-groups", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var cs []string
			for _, c := range got {
				cs = append(cs, fmt.Sprintf("%d: %s | %s | %s", c.ID, c.Primary, strings.Join(c.Others, ";"), strings.Join(c.Groups, ";")))
			}
			if !reflect.DeepEqual(cs, tc.want) {
				t.Errorf("contacts:\n got %q\nwant %q", cs, tc.want)
			}
			for _, st := range x.Stats {
				if w, ok := tc.rows[filepath.Base(st.File)]; ok {
					if g := [4]int{st.Read, st.Used, st.Reviewed, st.Skipped}; g != w {
						t.Errorf("%s: rows %v, want %v", filepath.Base(st.File), g, w)
					}
				}
			}
			var review []string
			for _, it := range x.Review.Items {
				review = append(review, fmt.Sprintf("%s %d %d", it.Kind, it.Line, it.ContactID))
			}
			if !reflect.DeepEqual(review, tc.review) {
				t.Errorf("review %q, want %q", review, tc.review)
			}
		})
	}
}
