package report

import "fmt"

// step is one import step of the README, written for the files this run
// made: a step whose file is empty or missing says so or is left out.
type step struct {
	Title string
	Parts []part
}

// part is a run of text; Code parts are file names and menu paths.
type part struct {
	Text string
	Code bool
}

func txt(s string) part            { return part{Text: s} }
func code(s string) part           { return part{Text: s, Code: true} }
func txtf(f string, a ...any) part { return part{Text: fmt.Sprintf(f, a...)} }
func (d *data) name(base string) string {
	if t := d.tables[base]; t != nil {
		return t.name
	}
	return base + ".csv"
}
func (d *data) n(base string) int {
	if t := d.tables[base]; t != nil {
		return t.rows
	}
	return 0
}

func rows(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

func (d *data) steps() []step {
	var st []step
	add := func(title string, parts ...part) { st = append(st, step{title, parts}) }
	if n := d.n(fileReview); n > 0 {
		add("Look at the review items first",
			code(d.name(fileReview)), txtf(" lists %s (below, by kind). Fix what you can in the exports and run civisync again; decide the rest before importing.", rows(n, "item", "items")))
	}
	linkedElsewhere := 0
	for _, k := range d.reviewKind {
		if k.Name == "contact-linked-elsewhere" {
			linkedElsewhere = k.N
		}
	}
	if n := d.n(fileNew); n > 0 {
		parts := []part{txt("In CiviCRM, "), code("Contacts → Import Contacts"), txt(": upload "), code(d.name(fileNew)),
			txtf(" (%s), \"First row contains column headers\", Contact Type ", rows(n, "contact", "contacts")), code("Individual"),
			txt(" (chosen on this first screen: set the Contact Type column to \"- do not import -\"), Duplicate handling "), code("Skip"),
			txt(" with the rule that matches on e-mail, so no contact is made twice. First Name, Last Name, Email and External Identifier map by themselves.")}
		if linkedElsewhere > 0 {
			parts = append(parts, txtf(" %s share an e-mail with a contact that belongs to another user (contact-linked-elsewhere): decide each before importing.", rows(linkedElsewhere, "new contact", "new contacts")))
		}
		add("Import the new contacts", parts...)
		add("Second pass",
			txt("New contacts have no Contact ID until CiviCRM makes them. Export the contacts again and run civisync once more: every user then matches an existing contact, and every membership and link names a Contact ID. Without a second pass the membership files name new contacts by Email, which the wizard's Update mode matches."))
	} else if d.tables[fileNew] != nil {
		add("No new contacts", txt("Every checked user matched an existing contact: "), code(d.name(fileNew)), txt(" is empty, nothing to import there."))
	}
	if n := d.n(fileUsers); n > 0 {
		add("Link the users to their contacts",
			code(d.name(fileUsers)), txtf(" (%s) is the civicrm_uf_match table to be. The wizard cannot import it: run CiviCRM's own ", rows(n, "user", "users")),
			code("Synchronize Users to Contacts"), txt(" once the contacts exist (it finds every contact by e-mail and links it), or load "), code("api4/uf_match.json"), txt("."))
	}
	if n := d.n(fileGroups); n > 0 {
		add("Create the groups",
			txt("Create the "), txt(rows(n, "group", "groups")), txt(" of "), code(d.name(fileGroups)), txt(" with "),
			code("cv api4 Group.save --in=json < api4/groups.json"),
			txt(" (or the API Explorer with the same JSON): the Add Group form sets neither Name nor Source, and civicrm_og_sync finds its groups by Source."))
		members := []part{txt("Per group, "), code("Import Contacts"), txt(" in Update mode with ")}
		if d.splitDirs["groups"] {
			members = append(members, code("groups/<group>"), txt(" and pick the group in \"Add imported records to existing group(s)\" on the Preview screen; the same with "), code("acl/<group>"), txt(" for its Administrator group."))
		} else {
			members = append(members, txt("that group's rows of "), code(d.name(fileMembers)), txt(" and "), code(d.name(fileAdmins)),
				txt(" (run with --split to get one file per group), picking the group in \"Add imported records to existing group(s)\"."))
		}
		members = append(members, txtf(" %s, %s.", rows(d.n(fileMembers), "membership", "memberships"), rows(d.n(fileAdmins), "administrator", "administrators")))
		if d.pending > 0 {
			members = append(members, txtf(" %s are Pending, which the wizard cannot make: load them with ", rows(d.pending, "membership", "memberships")),
				code("cv api4 GroupContact.save --in=json < api4/group_contacts.json"), txt("."))
		}
		add("Import the group members", members...)
		if d.n(fileAdmins) > 0 {
			add("Grant the administrators their ACL",
				txt("An Access Control group gives nothing until an ACL uses it: create an ACL role ("), code("Administer → Users and Permissions → Permissions → Access Control"),
				txt("), assign each "), code("…: Administrator"), txt(" group to it, and grant the role Edit on the OG's members group. Those users' Drupal role also needs \"access CiviCRM\"."))
		}
	}
	if d.splitDirs["api4"] {
		add("Or, with a shell on the CiviCRM site",
			code("cv api4 Group.save --in=json < api4/groups.json"), txt(", then "), code("Contact.save"), txt(" with "), code("api4/contacts.json"),
			txt("; export the contacts and run civisync again; then "), code("GroupContact.save"), txt(" with "), code("api4/group_contacts.json"),
			txt(" and "), code("UFMatch.save"), txt(" with "), code("api4/uf_match.json"),
			txt(". Each file matches existing records, so running it again updates instead of duplicating."))
	}
	if n := d.n(fileOGImport); n > 0 {
		add("Add contacts to their Organic Groups",
			txt("In Drupal, User Import with user_import_og, one import per Organic Group: upload "), code("user_import_og/<group>.csv"),
			txtf(" (%s in all), map Email to Email Address, give the Username column username order 1 and no other column one, set Update Existing Users → Organic Groups to Add Data, and pick that file's group. People with an account carry its e-mail and username; the others get the username user_import would make.", rows(n, "contact", "contacts")))
	}
	return st
}
