package pipeline

// userValues yields a user's values of rule fields.
func userValues(u *User) valuesOf {
	return func(field string, yield func(string)) {
		switch field {
		case FieldEmail:
			yield(u.Email)
		case FieldFirstName:
			yield(u.First)
		case FieldLastName:
			yield(u.Last)
		default:
			moreValues(u.More, field, yield)
		}
	}
}

// contactValues yields a contact's values of rule fields: every e-mail,
// primary first.
func contactValues(c *Contact) valuesOf {
	return func(field string, yield func(string)) {
		switch field {
		case FieldEmail:
			if c.Primary != "" {
				yield(c.Primary)
			}
			for _, e := range c.Others {
				yield(e)
			}
		case FieldFirstName:
			yield(c.First)
		case FieldLastName:
			yield(c.Last)
		case FieldExternalIdentifier:
			yield(c.ExternalID)
		default:
			moreValues(c.More, field, yield)
		}
	}
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
