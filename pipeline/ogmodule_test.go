package pipeline

import (
	"strings"
	"testing"
)

func TestOGModuleGroupTitle(t *testing.T) {
	cafe := "Saturday Morning Volunteers at the Riverside Café Kitchen"
	north := "Riverside Tenants and Residents Association Committee (North Block)"
	tests := []struct {
		name   string
		module OGModule
		title  string
		want   string
	}{
		{"Drupal 6 keeps the whole title", OGModule6, cafe, cafe},
		{"Drupal 6 trims it", OGModule6, " Community Garden Volunteers\u00a0", "Community Garden Volunteers"},
		{"Drupal 6 keeps a long title", OGModule6, north, north},
		{"Drupal 7 cuts it to 49 characters", OGModule7, cafe, "Saturday Morning Volunteers at the Riverside Café"},
		{"Drupal 7 trims before cutting", OGModule7, "  " + north, "Riverside Tenants and Residents Association Commi"},
		{"a short title is the same for both", OGModule7, "Choir ", "Choir"},
		{"left to the input, it cuts like 7", OGModuleAuto, cafe, "Saturday Morning Volunteers at the Riverside Café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.module.GroupTitle(tt.title); got != tt.want {
				t.Errorf("%v.GroupTitle(%q) = %q, want %q", tt.module, tt.title, got, tt.want)
			}
		})
	}
}

func TestParseOGModule(t *testing.T) {
	for in, want := range map[string]OGModule{"": OGModuleAuto, "6": OGModule6, " 7 ": OGModule7} {
		got, err := ParseOGModule(in)
		if err != nil || got != want {
			t.Errorf("ParseOGModule(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"5", "8", "d7", "seven"} {
		if _, err := ParseOGModule(in); err == nil || !strings.Contains(err.Error(), "--og-module") {
			t.Errorf("ParseOGModule(%q): err = %v, want one naming --og-module", in, err)
		}
	}
}

func TestOGModuleOfMemberships(t *testing.T) {
	tests := []struct {
		source, stateHeader string
		want                OGModule
	}{
		{"Drupal 6 og_uid", "isactive", OGModule6},
		{"Drupal 7 og_membership", "state", OGModule7},
		{"Views export", "status", OGModule7},
		{"Views export without a state", "", OGModule7},
		{"canonical memberships", "state", OGModule7},
	}
	for _, tt := range tests {
		if got := ogModuleOfMemberships(tt.stateHeader); got != tt.want {
			t.Errorf("%s (state under %q): %v, want %v", tt.source, tt.stateHeader, got, tt.want)
		}
	}
	if got := OGModuleAuto.Or(OGModule6); got != OGModule6 {
		t.Errorf("auto.Or(6) = %v", got)
	}
	if got := OGModule7.Or(OGModule6); got != OGModule7 {
		t.Errorf("--og-module 7 over a Drupal 6 file = %v, want 7", got)
	}
}
