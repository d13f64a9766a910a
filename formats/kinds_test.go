package formats

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The headers of real tables and exports, as the samples and the systems'
// own schemas have them.
const (
	hD7Users       = "uid,name,pass,mail,theme,signature,signature_format,created,access,login,status,timezone,language,picture,init,data"
	hJoomlaUsers   = "id,name,username,email,password,block,sendEmail,registerDate,lastvisitDate,activation,params"
	hWPUsers       = "ID,user_login,display_name,user_email,first_name,last_name"
	hViewsUsers    = "Uid,Name,E-mail,First name,Last name,Status"
	hContacts      = "Contact ID,Contact Type,First Name,Last Name,Organization Name,Household Name,Email,Home-Email,Work-Email,Is Deleted,User ID,External Identifier,Groups"
	hRawContact    = "id,contact_type,contact_sub_type,do_not_email,external_identifier,sort_name,display_name,first_name,middle_name,last_name,is_deleted"
	hEmail         = "id,contact_id,location_type_id,email,is_primary,is_billing,on_hold"
	hUFMatch       = "id,domain_id,uf_id,uf_name,contact_id,language"
	hGroupContact  = "id,group_id,contact_id,status,location_id,email_id"
	hGroupContacts = "Contact ID,Group Title,Status"
	hGroup         = "id,name,title,description,source,saved_search_id,is_active,visibility,group_type"
	hOGMembership  = "id,type,etid,entity_type,gid,group_type,state,created,field_name,language"
	hOGUid         = "nid,og_role,is_active,is_admin,uid,created,changed"
	hFriendly      = "Group,User ID,Roles,State"
	hOGUsersRoles  = "uid,rid,gid,group_type"
	hOGRole        = "rid,gid,group_type,group_bundle,name"
	hNode          = "nid,vid,type,language,title,uid,status,created"
	hGroupNodes    = "Group ID,Title,Author"
	hOG            = "nid,og_selective,og_description,og_theme,og_register,og_directory,og_language,og_private"
	hGroupGroup    = "entity_type,bundle,deleted,entity_id,revision_id,language,delta,group_group_value"
)

// TestWrongTable: each input takes its own kinds of table, and a known table
// of another kind given to it is refused, naming what it is and the option
// that reads it. Columns would bind by chance: the contacts export has a
// User ID and an Email, og_membership an id.
func TestWrongTable(t *testing.T) {
	tests := []struct {
		schema *Schema
		header string
		errHas []string // nil: accepted
	}{
		{&UsersSchema, hD7Users, nil},
		{&UsersSchema, hJoomlaUsers, nil},
		{&UsersSchema, hWPUsers, nil},
		{&UsersSchema, hViewsUsers, nil},
		{&UsersSchema, hContacts, []string{"CiviCRM contacts export (Contact ID, Contact Type)", "not a users table for --users", "give it with --contacts"}},
		{&UsersSchema, hEmail, []string{"civicrm_email table", "give it with --emails"}},
		{&UsersSchema, "Uid,Name,E-mail,Contact ID", nil}, // a Views export joined with civicrm_uf_match
		{&ContactsSchema, hContacts, nil},
		{&ContactsSchema, hRawContact, nil},
		{&ContactsSchema, hOGMembership, []string{"Drupal 7 og_membership table (etid, entity_type, gid)", "not a contacts file for --contacts", "give it with --memberships"}},
		{&ContactsSchema, hD7Users, []string{"Drupal users table", "give it with --users"}},
		{&ContactsSchema, hJoomlaUsers, []string{"Joomla users table", "give it with --users"}},
		{&ContactsSchema, hGroup, []string{"civicrm_group table", "give it with --civicrm-groups"}},
		{&ContactsSchema, "id,title,body", []string{"has an id column and nothing of a contact", "found: id, title, body"}},
		{&ContactsSchema, "Contact ID", nil},
		{&EmailsSchema, hEmail, nil},
		{&EmailsSchema, hContacts, []string{"CiviCRM contacts export", "give it with --contacts"}},
		{&UFMatchSchema, hUFMatch, nil},
		{&GroupContactsSchema, hGroupContact, nil},
		{&GroupContactsSchema, hGroupContacts, nil},
		{&GroupContactsSchema, hGroup, []string{"civicrm_group table", "give it with --civicrm-groups"}},
		{&CiviCRMGroupsSchema, hGroup, nil},
		{&CiviCRMGroupsSchema, hGroupContact, []string{"civicrm_group_contact table", "give it with --group-contacts"}},
		{&MembershipsSchema, hOGMembership, nil},
		{&MembershipsSchema, hOGUid, nil},
		{&MembershipsSchema, hFriendly, nil},
		{&MembershipsSchema, hOGUsersRoles, []string{"og_users_roles table", "give it with --og-roles"}},
		{&MembershipsSchema, hD7Users, []string{"Drupal users table", "give it with --users"}},
		{&OGRolesSchema, hOGUsersRoles, nil},
		{&OGRolesSchema, hOGMembership, []string{"og_membership table", "give it with --memberships"}},
		{&OGRoleNamesSchema, hOGRole, nil},
		{&GroupsSchema, hNode, nil},
		{&GroupsSchema, hGroupNodes, nil},
		{&GroupsSchema, hOG, []string{"Drupal 6 og table", "give it with --og-groups"}},
		{&GroupsSchema, hOGMembership, []string{"og_membership table", "give it with --memberships"}},
		{&OGGroupsSchema, hOG, nil},
		{&OGGroupsSchema, hGroupGroup, nil},
		{&OGGroupsSchema, hNode, []string{"Drupal node table (nid, vid, type, title)", "give it with --groups"}},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprintf("%d_%s", i, tc.schema.Name), func(t *testing.T) {
			_, err := tc.schema.Bind("in.csv", strings.Split(tc.header, ","), nil)
			if tc.errHas == nil {
				if err != nil {
					t.Fatalf("Bind: %v", err)
				}
				return
			}
			var fe *Error
			if !errors.Is(err, ErrWrongTable) || !errors.As(err, &fe) || fe.File != "in.csv" || fe.Line != 1 {
				t.Fatalf("Bind error %v, want an *Error at in.csv:1 wrapping ErrWrongTable", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			for _, s := range tc.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}
