package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/civisync/civisync/formats"
)

func TestParseRule(t *testing.T) {
	good := `title: Email or full name and postcode
threshold: 15
fields:
  - {field: email, weight: 15}
  - {field: first_name, weight: 5, length: 3}
  - {field: last_name, weight: 5}
  - {field: civicrm_address.postal_code, weight: 5}
`
	r, err := ParseRule("rules/postcode.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := &Rule{Name: "postcode", Title: "Email or full name and postcode", Threshold: 15, Source: "rule file rules/postcode.yaml",
		Fields: []RuleField{{FieldEmail, 15, 0}, {FieldFirstName, 5, 3}, {FieldLastName, 5, 0}, {FieldPostalCode, 5, 0}}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if r.EmailOnly() {
		t.Error("EmailOnly: a four-field rule is not e-mail alone")
	}

	bad := []struct{ name, text, want string }{
		{"unknown key", "title: x\nthreshold: 10\nfiled: []\n", "r.yaml:3:1: bad dedupe rule: unknown key \"filed\""},
		{"unknown field", "threshold: 10\nfields:\n  - {field: shoe_size, weight: 10}\n", "r.yaml:3:13: bad dedupe rule: unknown field \"shoe_size\""},
		{"unknown field key", "threshold: 10\nfields:\n  - {field: email, weight: 10, lenght: 3}\n", "r.yaml:3:32: bad dedupe rule: unknown key \"lenght\" in a field"},
		{"no weight", "threshold: 10\nfields:\n  - field: email\n", "r.yaml:3:5: bad dedupe rule: field email has no weight"},
		{"weight not a number", "threshold: 10\nfields:\n  - {field: email, weight: ten}\n", "r.yaml:3:28: bad dedupe rule: weight \"ten\""},
		{"zero weight", "threshold: 10\nfields:\n  - {field: email, weight: 0}\n", "r.yaml:3:28: bad dedupe rule: weight 0"},
		{"unreachable", "threshold: 30\nfields:\n  - {field: email, weight: 10}\n", "r.yaml:1:12: bad dedupe rule: the weights add up to 10, below the threshold 30"},
		{"no threshold", "fields:\n  - {field: email, weight: 10}\n", "r.yaml:1:1: bad dedupe rule: no threshold"},
		{"repeated key", "threshold: 10\nthreshold: 5\nfields: []\n", "r.yaml:2:1: bad dedupe rule: key \"threshold\" appears twice"},
		{"not yaml", "threshold: [10\n", "r.yaml:"},
		{"organisations", "contact_type: Organization\nthreshold: 10\nfields:\n  - {field: email, weight: 10}\n", "r.yaml:1:15: bad dedupe rule: contact_type \"Organization\""},
		{"empty", "", "r.yaml: bad dedupe rule: the file is empty"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRule("r.yaml", []byte(tt.text))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !errors.Is(err, ErrBadRule) {
				t.Errorf("got %v, want an ErrBadRule starting %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestBuiltinRules(t *testing.T) {
	u, _ := BuiltinRule(RuleUnsupervised)
	if !u.EmailOnly() || u.Name != MatchEmail {
		t.Errorf("unsupervised: %+v, want e-mail alone, named email", u)
	}
	s, _ := BuiltinRule(RuleSupervised)
	if s.EmailOnly() || s.Threshold != 20 || len(s.Fields) != 3 {
		t.Errorf("supervised: %+v", s)
	}
	if _, ok := BuiltinRule("nope"); ok {
		t.Error("BuiltinRule(nope): want not found")
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSiteRules(t *testing.T) {
	dir := t.TempDir()
	groups := writeFile(t, dir, "civicrm_dedupe_rule_group.csv", `id,contact_type,threshold,used,name,title,is_reserved
1,Individual,20,Supervised,IndividualSupervised,Name and Email (reserved),1
2,Individual,10,General,IndividualGeneral,"Name and Address",0
3,Individual,15,Unsupervised,IndividualUnsupervised,Email or name and postcode,0
4,Organization,10,Unsupervised,OrganizationUnsupervised,Organization name,1
5,Individual,10,General,Shoes,Shoe size,0
`)
	fields := writeFile(t, dir, "civicrm_dedupe_rule.csv", `id,dedupe_rule_group_id,rule_table,rule_field,rule_length,rule_weight
1,1,civicrm_contact,first_name,NULL,5
2,1,civicrm_contact,last_name,,7
3,1,civicrm_email,email,,10
4,3,civicrm_email,email,NULL,15
5,3,civicrm_contact,first_name,3,5
6,3,civicrm_contact,last_name,NULL,5
7,3,civicrm_address,postal_code,NULL,5
8,4,civicrm_contact,organization_name,,10
9,5,civicrm_contact,shoe_size,,10
10,2,civicrm_phone,phone_numeric,,10
`)
	s, err := ReadSiteRules(groups, fields, formats.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Rule("site")
	if err != nil {
		t.Fatal(err)
	}
	want := []RuleField{{FieldEmail, 15, 0}, {FieldFirstName, 5, 3}, {FieldLastName, 5, 0}, {FieldPostalCode, 5, 0}}
	if r.Name != "IndividualUnsupervised" || r.Threshold != 15 || !reflect.DeepEqual(r.Fields, want) {
		t.Errorf("site rule: %+v", r)
	}
	for _, which := range []string{"name and address", "IndividualGeneral"} {
		r, err := s.Rule(which)
		if err != nil || r.Name != "IndividualGeneral" || !reflect.DeepEqual(r.Fields, []RuleField{{FieldPhone, 10, 0}}) {
			t.Errorf("Rule(%q) = %+v, %v", which, r, err)
		}
	}
	for which, wantErr := range map[string]string{
		"OrganizationUnsupervised": "civicrm_dedupe_rule_group.csv:5: bad dedupe rule: rule group \"OrganizationUnsupervised\" is for Organization contacts",
		"Shoes":                    "civicrm_dedupe_rule_group.csv:6: bad dedupe rule: rule group \"Shoe size\" compares civicrm_contact.shoe_size (",
		"nope":                     "civicrm_dedupe_rule_group.csv: bad dedupe rule: no rule group is named \"nope\"",
	} {
		_, err := s.Rule(which)
		if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "")+"/"+"") || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("Rule(%q): got %v, want %q", which, err, wantErr)
		}
	}

	// CiviCRM before 4.7: level and is_default instead of used.
	old := writeFile(t, dir, "old_group.csv", "id,contact_type,level,is_default,threshold,name\n7,Individual,Fuzzy,1,20,IndividualFuzzy\n8,Individual,Strict,1,10,IndividualStrict\n")
	oldRules := writeFile(t, dir, "old_rules.csv", "dedupe_rule_group_id,rule_table,rule_field,rule_length,rule_weight\n8,civicrm_email,email,,10\n")
	s, err = ReadSiteRules(old, oldRules, formats.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Rule("site"); err != nil || r.Name != "IndividualStrict" || !r.EmailOnly() {
		t.Errorf("pre-4.7 site rule: %+v, %v", r, err)
	}
}

func FuzzParseRule(f *testing.F) {
	f.Add([]byte("title: x\nthreshold: 15\nfields:\n  - {field: email, weight: 15}\n  - {field: first_name, weight: 5, length: 3}\n"))
	f.Add([]byte("threshold: 10\nfields:\n  - field: civicrm_email.email\n    weight: 10\n"))
	f.Add([]byte("fields: [{field: phone, weight: 1e9}]\nthreshold: -1\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRule("f.yaml", data)
		if err != nil {
			if !errors.Is(err, ErrBadRule) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: want one line wrapping ErrBadRule", err)
			}
			return
		}
		// A rule that loads can match: known fields, positive weights
		// reaching the threshold.
		if err := r.check(); err != nil {
			t.Fatalf("loaded a rule that fails its own check: %v", err)
		}
	})
}
