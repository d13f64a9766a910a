package pipeline

import (
	"fmt"
	"strings"
	"unicode"
)

// OGModule is the civicrm_og_sync module whose group titles civisync
// follows (SPEC §3). Both cut the normal group's Name to 49 characters so
// that "<name>: Administrator" fits civicrm_group.name (64); they differ on
// the Title:
//   - Drupal 6 (civicrm-drupal, civicrm_og_sync.module, civicrm_og_sync_nodeapi):
//     'name' => substr(trim($title), 0, 49), 'title' => $title, where
//     $title = trim($node->title): the whole title, trimmed;
//   - Drupal 7 (_civicrm_og_sync_node_action, _civicrm_og_sync_group_action):
//     both substr(trim(…), 0, 49): the title is cut like the name.
type OGModule int

const (
	OGModuleAuto OGModule = 0 // follow the memberships file
	OGModule6    OGModule = 6
	OGModule7    OGModule = 7
)

// ParseOGModule reads --og-module: 6, 7, or "" for the memberships file's.
func ParseOGModule(s string) (OGModule, error) {
	switch strings.TrimSpace(s) {
	case "":
		return OGModuleAuto, nil
	case "6":
		return OGModule6, nil
	case "7":
		return OGModule7, nil
	}
	return 0, fmt.Errorf("--og-module %q: want 6 (Drupal 6: the whole title) or 7 (Drupal 7: the title cut to 49 characters)", s)
}

func (m OGModule) String() string {
	switch m {
	case OGModule6:
		return "6"
	case OGModule7:
		return "7"
	}
	return "auto"
}

// ogModuleOfMemberships tells the module from the header a memberships
// file's state was found under (normalised, as formats.Binding.Matched gives
// it): Drupal 6's og_uid has is_active; Drupal 7's og_membership has state,
// and a Views export or a canonical file is taken for Drupal 7 (SPEC §3).
func ogModuleOfMemberships(stateHeader string) OGModule {
	if stateHeader == "isactive" {
		return OGModule6
	}
	return OGModule7
}

// Or is m, or def where m is left to the input.
func (m OGModule) Or(def OGModule) OGModule {
	if m == OGModuleAuto {
		return def
	}
	return m
}

// GroupTitle is the Title of an OG's normal CiviCRM group: the OG title
// trimmed, whole for Drupal 6, cut like the Name for Drupal 7.
func (m OGModule) GroupTitle(ogTitle string) string {
	if m == OGModule6 {
		return strings.TrimFunc(ogTitle, unicode.IsSpace)
	}
	return CutName(ogTitle)
}
