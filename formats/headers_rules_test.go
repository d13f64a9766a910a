package formats

import "testing"

// TestRuleFieldHeaders: the columns a dedupe rule compares bind under
// CiviCRM's export titles and Drupal's profile field names.
func TestRuleFieldHeaders(t *testing.T) {
	contacts := []string{"Contact ID", "First Name", "Middle Name", "Nick Name", "Birth Date", "Phone", "Home-Phone", "Work-Phone-Mobile", "Street Address", "City", "Postal Code", "Home-Email"}
	b, err := ContactsSchema.Bind("c.csv", contacts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for field, col := range map[string]int{"middle_name": 2, "nick_name": 3, "birth_date": 4, "phone": 5, "street_address": 8, "city": 9, "postal_code": 10} {
		if got := b.Col(field); got != col {
			t.Errorf("contacts %s: column %d, want %d", field, got, col)
		}
	}
	if got := b.Multi("other_phones"); len(got) != 2 || got[0] != 6 || got[1] != 7 {
		t.Errorf("other phones: %v, want [6 7]", got)
	}
	if got := b.Multi("other_emails"); len(got) != 1 || got[0] != 11 {
		t.Errorf("other e-mails: %v, want [11]", got)
	}
	users := []string{"uid", "mail", "field_phone_value", "Postcode"}
	ub, err := UsersSchema.Bind("u.csv", users, Overrides{"phone": "field_phone_value"})
	if err != nil {
		t.Fatal(err)
	}
	if ub.Col("phone") != 2 || ub.Col("postal_code") != 3 {
		t.Errorf("users: phone %d, postal code %d; want 2, 3", ub.Col("phone"), ub.Col("postal_code"))
	}
}
