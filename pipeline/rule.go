package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/civisync/civisync/formats"
	"gopkg.in/yaml.v3"
)

// Fields a dedupe rule may compare (SPEC §2): the users export and the
// contacts export (or the CiviCRM dump) supply their values.
const (
	FieldEmail              = "email"
	FieldFirstName          = "first_name"
	FieldMiddleName         = "middle_name"
	FieldLastName           = "last_name"
	FieldNickName           = "nick_name"
	FieldBirthDate          = "birth_date"
	FieldPhone              = "phone"
	FieldStreetAddress      = "street_address"
	FieldCity               = "city"
	FieldPostalCode         = "postal_code"
	FieldExternalIdentifier = "external_identifier"
)

// RuleFields lists the fields a rule may use, in CiviCRM's order.
var RuleFields = []string{FieldEmail, FieldFirstName, FieldMiddleName, FieldLastName, FieldNickName, FieldBirthDate,
	FieldPhone, FieldStreetAddress, FieldCity, FieldPostalCode, FieldExternalIdentifier}

// ruleColumns maps civicrm_dedupe_rule's (rule_table, rule_field) to the
// field it compares.
var ruleColumns = map[string]string{
	"civicrm_email.email":                 FieldEmail,
	"civicrm_contact.first_name":          FieldFirstName,
	"civicrm_contact.middle_name":         FieldMiddleName,
	"civicrm_contact.last_name":           FieldLastName,
	"civicrm_contact.nick_name":           FieldNickName,
	"civicrm_contact.birth_date":          FieldBirthDate,
	"civicrm_contact.external_identifier": FieldExternalIdentifier,
	"civicrm_phone.phone":                 FieldPhone,
	"civicrm_phone.phone_numeric":         FieldPhone,
	"civicrm_address.street_address":      FieldStreetAddress,
	"civicrm_address.city":                FieldCity,
	"civicrm_address.postal_code":         FieldPostalCode,
}

// RuleField is one civicrm_dedupe_rule row: a field, its weight, and the
// number of leading characters compared (0: the whole value).
type RuleField struct {
	Field  string
	Weight int
	Length int
}

// Rule is a dedupe rule as CiviCRM keeps one (civicrm_dedupe_rule_group and
// its civicrm_dedupe_rule rows): a contact whose matching fields weigh at
// least Threshold is a candidate.
type Rule struct {
	// Name is the rule's word in the Match column: "email" for the
	// reserved unsupervised rule, "supervised", a site rule group's name, a
	// rule file's name.
	Name      string
	Title     string
	Threshold int
	Fields    []RuleField
	// Source says where the rule came from, for messages.
	Source string
	// reserved: one of CiviCRM's reserved rules, which every site has
	// columns for; users without names are simply never matched by name.
	reserved bool
}

// The reserved rules, as data.
var (
	// UnsupervisedRule is CiviCRM's "Email (reserved)".
	UnsupervisedRule = Rule{Name: MatchEmail, Title: "Email (reserved)", Threshold: 10,
		Fields: []RuleField{{Field: FieldEmail, Weight: 10}}, Source: "built-in rule unsupervised"}
	// SupervisedRule is CiviCRM's "Name and Email (reserved)".
	SupervisedRule = Rule{Name: RuleSupervised, Title: "Name and Email (reserved)", Threshold: 20,
		Fields: []RuleField{{Field: FieldFirstName, Weight: 5}, {Field: FieldLastName, Weight: 7}, {Field: FieldEmail, Weight: 10}},
		Source: "built-in rule supervised"}
)

// BuiltinRule returns the reserved rule --rule names, if it is one.
func BuiltinRule(name string) (*Rule, bool) {
	switch name {
	case "", RuleUnsupervised:
		r := UnsupervisedRule
		r.reserved = true
		return &r, true
	case RuleSupervised:
		r := SupervisedRule
		r.reserved = true
		return &r, true
	}
	return nil, false
}

// ErrBadRule: a dedupe rule cannot be used (a rule file or the site's rule
// tables say something civisync cannot compare).
var ErrBadRule = errors.New("bad dedupe rule")

// EmailOnly reports whether the rule is e-mail alone, whole, reaching the
// threshold by itself: CiviCRM's "Email (reserved)" or the like, matched by
// the e-mail index without weighing anything.
func (r *Rule) EmailOnly() bool {
	return len(r.Fields) == 1 && r.Fields[0].Field == FieldEmail && r.Fields[0].Length == 0 && r.Fields[0].Weight >= r.Threshold
}

// Uses reports whether the rule compares field.
func (r *Rule) Uses(field string) bool {
	return slices.ContainsFunc(r.Fields, func(f RuleField) bool { return f.Field == field })
}

// Needs lists the distinct fields the rule compares, in the rule's order.
func (r *Rule) Needs() []string {
	var out []string
	for _, f := range r.Fields {
		if !slices.Contains(out, f.Field) {
			out = append(out, f.Field)
		}
	}
	return out
}

// String spells the rule out: `"Name and Email (reserved)": first_name 5 +
// last_name 7 + email 10 >= 20`.
func (r *Rule) String() string {
	parts := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		parts[i] = fmt.Sprintf("%s %d", f.Field, f.Weight)
		if f.Length > 0 {
			parts[i] += fmt.Sprintf(" (first %d characters)", f.Length)
		}
	}
	return fmt.Sprintf("%q: %s, threshold %d", r.Title, strings.Join(parts, " + "), r.Threshold)
}

// check refuses a rule that can never match or names no known field.
func (r *Rule) check() error {
	if len(r.Fields) == 0 {
		return errors.New("the rule has no fields")
	}
	if len(r.Fields) > 16 {
		return fmt.Errorf("the rule has %d fields; at most 16", len(r.Fields))
	}
	if r.Threshold <= 0 {
		return fmt.Errorf("threshold %d: want a number above 0", r.Threshold)
	}
	sum := 0
	for _, f := range r.Fields {
		if !slices.Contains(RuleFields, f.Field) {
			return fmt.Errorf("unknown field %q (want one of %s)", f.Field, strings.Join(RuleFields, ", "))
		}
		if f.Weight <= 0 {
			return fmt.Errorf("field %s: weight %d: want a number above 0", f.Field, f.Weight)
		}
		if f.Length < 0 {
			return fmt.Errorf("field %s: length %d: want 0 (whole value) or more", f.Field, f.Length)
		}
		sum += f.Weight
	}
	if sum < r.Threshold {
		return fmt.Errorf("the weights add up to %d, below the threshold %d: no contact could ever match", sum, r.Threshold)
	}
	return nil
}

// LoadRuleFile reads a rule written by hand (--rule FILE.yaml):
//
//	title: Email or full name and postcode
//	threshold: 15
//	fields:
//	  - {field: email, weight: 15}
//	  - {field: first_name, weight: 5, length: 3}
func LoadRuleFile(path string) (*Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &formats.Error{File: path, Err: fmt.Errorf("%w: %w", ErrBadRule, err)}
	}
	return ParseRule(path, data)
}

// ParseRule reads a rule file's text. Unknown keys, unknown fields and
// wrong types are errors naming the file and line.
func ParseRule(path string, data []byte) (*Rule, error) {
	fail := func(n *yaml.Node, format string, args ...any) error {
		e := &formats.Error{File: path, Err: fmt.Errorf("%w: %s", ErrBadRule, fmt.Sprintf(format, args...))}
		if n != nil {
			e.Line, e.Column = n.Line, n.Column
		}
		return e
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, notYAML(path, err)
	}
	if len(doc.Content) == 0 {
		return nil, fail(nil, "the file is empty; want title, threshold and fields")
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fail(top, "want a mapping of title, threshold and fields")
	}
	r := &Rule{Name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), Source: "rule file " + path}
	var seenFields, seenThreshold bool
	var thresholdNode *yaml.Node
	err := eachKey(top, fail, func(key string, k, v *yaml.Node) error {
		switch key {
		case "title":
			return scalar(v, fail, "title", &r.Title)
		case "name":
			return scalar(v, fail, "name", &r.Name)
		case "threshold":
			seenThreshold, thresholdNode = true, v
			return number(v, fail, "threshold", &r.Threshold)
		case "contact_type":
			var t string
			if err := scalar(v, fail, "contact_type", &t); err != nil {
				return err
			}
			if !strings.EqualFold(t, "Individual") {
				return fail(v, "contact_type %q: users are matched to Individuals only", t)
			}
			return nil
		case "fields":
			seenFields = true
			if v.Kind != yaml.SequenceNode {
				return fail(v, "fields: want a list of {field, weight, length}")
			}
			for _, item := range v.Content {
				f, err := ruleFieldNode(item, fail)
				if err != nil {
					return err
				}
				r.Fields = append(r.Fields, f)
			}
			return nil
		}
		return fail(k, "unknown key %q (want title, name, threshold, contact_type, fields)", key)
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !seenThreshold:
		return nil, fail(top, "no threshold")
	case !seenFields:
		return nil, fail(top, "no fields")
	}
	if r.Title == "" {
		r.Title = r.Name
	}
	if err := r.check(); err != nil {
		at := top
		if strings.HasPrefix(err.Error(), "threshold") || strings.HasPrefix(err.Error(), "the weights") {
			at = thresholdNode
		}
		return nil, fail(at, "%s", err)
	}
	return r, nil
}

// notYAML is the YAML parser's error as one line naming the file and, where
// the parser gives it, the line.
func notYAML(path string, err error) error {
	line := 0
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, after
			}
		}
	}
	return &formats.Error{File: path, Line: line, Err: fmt.Errorf("%w: not YAML: %s", ErrBadRule, oneLineText(msg))}
}

func ruleFieldNode(n *yaml.Node, fail func(*yaml.Node, string, ...any) error) (RuleField, error) {
	var f RuleField
	if n.Kind != yaml.MappingNode {
		return f, fail(n, "a field: want {field: NAME, weight: N, length: N}")
	}
	var seenWeight bool
	err := eachKey(n, fail, func(key string, k, v *yaml.Node) error {
		switch key {
		case "field":
			if err := scalar(v, fail, "field", &f.Field); err != nil {
				return err
			}
			// CiviCRM's own spelling, table.column, is accepted too.
			if col, ok := ruleColumns[strings.ToLower(f.Field)]; ok {
				f.Field = col
			}
			if !slices.Contains(RuleFields, f.Field) {
				return fail(v, "unknown field %q (want one of %s)", f.Field, strings.Join(RuleFields, ", "))
			}
			return nil
		case "weight":
			seenWeight = true
			if err := number(v, fail, "weight", &f.Weight); err != nil {
				return err
			}
			if f.Weight <= 0 {
				return fail(v, "weight %d: want a number above 0", f.Weight)
			}
			return nil
		case "length":
			if v.Tag == "!!null" {
				return nil
			}
			if err := number(v, fail, "length", &f.Length); err != nil {
				return err
			}
			if f.Length < 0 {
				return fail(v, "length %d: want 0 (whole value) or more", f.Length)
			}
			return nil
		}
		return fail(k, "unknown key %q in a field (want field, weight, length)", key)
	})
	if err != nil {
		return f, err
	}
	if f.Field == "" {
		return f, fail(n, "a field without `field`")
	}
	if !seenWeight {
		return f, fail(n, "field %s has no weight", f.Field)
	}
	return f, nil
}

// eachKey calls fn for each key of a mapping, refusing repeated keys.
func eachKey(m *yaml.Node, fail func(*yaml.Node, string, ...any) error, fn func(key string, k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return fail(k, "want a plain key")
		}
		key := strings.ToLower(k.Value)
		if seen[key] {
			return fail(k, "key %q appears twice", k.Value)
		}
		seen[key] = true
		if err := fn(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

func scalar(v *yaml.Node, fail func(*yaml.Node, string, ...any) error, what string, dst *string) error {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return fail(v, "%s: want a single value", what)
	}
	*dst = strings.TrimSpace(v.Value)
	return nil
}

func number(v *yaml.Node, fail func(*yaml.Node, string, ...any) error, what string, dst *int) error {
	if v.Kind != yaml.ScalarNode {
		return fail(v, "%s: want a whole number", what)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Value))
	if err != nil || n > 1_000_000 || n < -1_000_000 {
		return fail(v, "%s %q: want a whole number", what, v.Value)
	}
	*dst = n
	return nil
}

// oneLineText folds a message onto one line.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

// Site rule tables: civicrm_dedupe_rule_group and civicrm_dedupe_rule,
// exported or dumped. CiviCRM before 4.7 has level (Strict/Fuzzy) and
// is_default instead of used.
var (
	RuleGroupsSchema = formats.Schema{Name: "dedupe_rules", Fields: []formats.Field{
		{Name: "id", Headers: []string{"id", "rule group id", "dedupe rule group id"}, Required: true},
		{Name: "contact_type", Headers: []string{"contact_type", "contact type"}},
		{Name: "threshold", Headers: []string{"threshold"}, Required: true},
		{Name: "used", Headers: []string{"used", "usage"}},
		{Name: "level", Headers: []string{"level"}},
		{Name: "is_default", Headers: []string{"is_default", "default"}},
		{Name: "name", Headers: []string{"name"}},
		{Name: "title", Headers: []string{"title"}},
	}}
	RuleFieldsSchema = formats.Schema{Name: "dedupe_rule_fields", Fields: []formats.Field{
		{Name: "group", Headers: []string{"dedupe_rule_group_id", "rule group id", "rule_group_id", "group id"}, Required: true},
		{Name: "table", Headers: []string{"rule_table", "table"}, Required: true},
		{Name: "field", Headers: []string{"rule_field", "field"}, Required: true},
		{Name: "length", Headers: []string{"rule_length", "length"}},
		{Name: "weight", Headers: []string{"rule_weight", "weight"}, Required: true},
	}}
)

// SiteRuleGroup is one civicrm_dedupe_rule_group row with its rules.
type SiteRuleGroup struct {
	ID          string
	ContactType string
	Threshold   int
	Used        string // Unsupervised, Supervised, General
	Name, Title string
	Fields      []siteRuleField
	Src
}

type siteRuleField struct {
	table, column string
	weight        int
	length        int
	Src
}

// SiteRules are the rule groups of a CiviCRM site, read from its tables.
type SiteRules struct {
	Groups []SiteRuleGroup
	files  [2]string // for messages: the rule groups' and the rules' files
}

// ReadSiteRules reads the civicrm_dedupe_rule_group and civicrm_dedupe_rule
// tables from two files (exports or dumps).
func ReadSiteRules(groupsPath, fieldsPath string, opt formats.Options, ov formats.Overrides) (*SiteRules, error) {
	g, err := formats.Open(groupsPath, opt)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	f, err := formats.Open(fieldsPath, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSiteRuleTables(g, f, ov)
}

// ReadSiteRuleTables reads the rule groups and their rules from two open
// tables.
func ReadSiteRuleTables(groups, fields formats.Reader, ov formats.Overrides) (*SiteRules, error) {
	s := &SiteRules{files: [2]string{groups.Name(), fields.Name()}}
	gb, err := RuleGroupsSchema.Bind(groups.Name(), groups.Header(), ov)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	err = eachTableRow(groups, func(row []string, src Src) error {
		cell := func(f string) string { return cellOf(gb, row, f) }
		g := SiteRuleGroup{ID: cell("id"), ContactType: cell("contact_type"), Used: cell("used"),
			Name: cell("name"), Title: cell("title"), Src: src}
		t, err := strconv.Atoi(cell("threshold"))
		if err != nil {
			return formats.RowError(src.File, src.Line, gb.Col("threshold")+1, "threshold %q is not a number", cell("threshold"))
		}
		g.Threshold = t
		if g.Used == "" && gb.Col("used") < 0 {
			// CiviCRM before 4.7: the default Strict rule is the one
			// synchronising users uses.
			switch {
			case strings.EqualFold(cell("level"), "Strict") && isTrue(cell("is_default")):
				g.Used = "Unsupervised"
			case strings.EqualFold(cell("level"), "Fuzzy") && isTrue(cell("is_default")):
				g.Used = "Supervised"
			default:
				g.Used = "General"
			}
		}
		byID[g.ID] = len(s.Groups)
		s.Groups = append(s.Groups, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	fb, err := RuleFieldsSchema.Bind(fields.Name(), fields.Header(), ov)
	if err != nil {
		return nil, err
	}
	err = eachTableRow(fields, func(row []string, src Src) error {
		cell := func(f string) string { return cellOf(fb, row, f) }
		gi, ok := byID[cell("group")]
		if !ok {
			return nil // a rule of a group that is not there: nothing uses it
		}
		rf := siteRuleField{table: strings.ToLower(cell("table")), column: strings.ToLower(cell("field")), Src: src}
		w, err := strconv.Atoi(cell("weight"))
		if err != nil {
			return formats.RowError(src.File, src.Line, fb.Col("weight")+1, "rule_weight %q is not a number", cell("weight"))
		}
		rf.weight = w
		if l := cell("length"); l != "" {
			if rf.length, err = strconv.Atoi(l); err != nil {
				return formats.RowError(src.File, src.Line, fb.Col("length")+1, "rule_length %q is not a number", l)
			}
		}
		s.Groups[gi].Fields = append(s.Groups[gi].Fields, rf)
		return nil
	})
	return s, err
}

func isTrue(s string) bool { t, _ := truthy(s); return t }

func cellOf(b *formats.Binding, row []string, field string) string {
	if i := b.Col(field); i >= 0 && i < len(row) {
		v := strings.TrimSpace(row[i])
		if v == "NULL" || v == `\N` {
			return ""
		}
		return v
	}
	return ""
}

// eachTableRow reads every row of r; a bad row is an error (a rule table is
// short, and a rule half read would match differently).
func eachTableRow(r formats.Reader, fn func(row []string, src Src) error) error {
	for {
		row, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(row, Src{File: r.Name(), Line: r.Line()}); err != nil {
			return err
		}
	}
}

// Rule picks a rule group: "site" is the Individual rule used Unsupervised
// (the one CiviCRM synchronises users with), any other word a group by name
// or title, case ignored.
func (s *SiteRules) Rule(which string) (*Rule, error) {
	var g *SiteRuleGroup
	if strings.EqualFold(which, "site") {
		for i := range s.Groups {
			if c := &s.Groups[i]; isIndividualType(c.ContactType) && strings.EqualFold(c.Used, "Unsupervised") {
				g = c
				break
			}
		}
		if g == nil {
			return nil, &formats.Error{File: s.files[0], Err: fmt.Errorf("%w: no Individual rule group is used Unsupervised; the groups are: %s", ErrBadRule, s.list())}
		}
	} else {
		for i := range s.Groups {
			if c := &s.Groups[i]; strings.EqualFold(c.Name, which) || strings.EqualFold(c.Title, which) {
				g = c
				break
			}
		}
		if g == nil {
			return nil, &formats.Error{File: s.files[0], Err: fmt.Errorf("%w: no rule group is named %q; the groups are: %s", ErrBadRule, which, s.list())}
		}
		if !isIndividualType(g.ContactType) {
			return nil, &formats.Error{File: g.File, Line: g.Line, Err: fmt.Errorf("%w: rule group %q is for %s contacts; users are matched to Individuals", ErrBadRule, which, g.ContactType)}
		}
	}
	r := &Rule{Name: g.Name, Title: g.Title, Threshold: g.Threshold,
		Source: fmt.Sprintf("rule group %s (%s:%d)", g.ID, g.File, g.Line)}
	if r.Name == "" {
		r.Name = "rule-" + g.ID
	}
	if r.Title == "" {
		r.Title = r.Name
	}
	var unknown []string
	for _, f := range g.Fields {
		field, ok := ruleColumns[f.table+"."+f.column]
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%s.%s (%s:%d)", f.table, f.column, f.File, f.Line))
			continue
		}
		r.Fields = append(r.Fields, RuleField{Field: field, Weight: f.weight, Length: f.length})
	}
	if len(unknown) > 0 {
		return nil, &formats.Error{File: g.File, Line: g.Line, Err: fmt.Errorf("%w: rule group %q compares %s, which civisync cannot (it compares %s)",
			ErrBadRule, r.Title, strings.Join(unknown, ", "), strings.Join(RuleFields, ", "))}
	}
	if err := r.check(); err != nil {
		return nil, &formats.Error{File: g.File, Line: g.Line, Err: fmt.Errorf("%w: rule group %q: %w", ErrBadRule, r.Title, err)}
	}
	return r, nil
}

func (s *SiteRules) list() string {
	if len(s.Groups) == 0 {
		return "none"
	}
	parts := make([]string, len(s.Groups))
	for i, g := range s.Groups {
		parts[i] = fmt.Sprintf("%s %q (%s, %s)", g.Name, g.Title, orWord(g.ContactType, "any type"), orWord(g.Used, "unused"))
	}
	return strings.Join(parts, "; ")
}

func orWord(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

func isIndividualType(t string) bool { return t == "" || strings.EqualFold(t, "Individual") }
