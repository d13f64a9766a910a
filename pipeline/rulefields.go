package pipeline

// userValues is a user's values of rule fields.
func userValues(u *User) valuesOf { return u }

func (u *User) appendValues(dst []string, field string) []string {
	switch field {
	case FieldEmail:
		return append(dst, u.Email)
	case FieldFirstName:
		return append(dst, u.First)
	case FieldLastName:
		return append(dst, u.Last)
	}
	return u.More.appendValues(dst, field)
}

// contactValues is a contact's values of rule fields: every e-mail,
// primary first.
func contactValues(c *Contact) valuesOf { return c }

func (c *Contact) appendValues(dst []string, field string) []string {
	switch field {
	case FieldEmail:
		if c.Primary != "" {
			dst = append(dst, c.Primary)
		}
		return append(dst, c.Others...)
	case FieldFirstName:
		return append(dst, c.First)
	case FieldLastName:
		return append(dst, c.Last)
	case FieldExternalIdentifier:
		return append(dst, c.ExternalID)
	}
	return c.More.appendValues(dst, field)
}

// dupOfUser and dupOfContact are what likely-duplicate suggestions compare.
func dupOfUser(u *User) dupPerson {
	p := dupPerson{ID: u.UID, First: u.First, Last: u.Last, Emails: []string{u.Email}, Src: u.Src}
	p.addMore(u.More)
	return p
}

func dupOfContact(c *Contact, p *dupPerson) {
	p.ID, p.First, p.Last, p.Src = c.ID, c.First, c.Last, c.Src
	if c.Primary != "" {
		p.Emails = append(p.Emails, c.Primary)
	}
	p.Emails = append(p.Emails, c.Others...)
	p.addMore(c.More)
}

func (p *dupPerson) addMore(m *More) {
	if m == nil {
		return
	}
	p.Phones = append(p.Phones, m.Phones...)
	p.BirthDate, p.PostalCode, p.City, p.Street = m.BirthDate, m.PostalCode, m.City, m.Street
}
