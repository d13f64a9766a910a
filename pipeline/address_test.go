package pipeline

import "testing"

// TestHasAddress: SPEC §2 step 7 and issue 15: an e-mail needs text on
// both sides of its @.
func TestHasAddress(t *testing.T) {
	for key, want := range map[string]bool{
		"mary.smith@example.org":   true,
		"a@b":                      true,
		"a@b@c":                    true,
		"kevin.obrien.example.org": false,
		"@":                        false,
		"x@":                       false,
		"@example.org":             false,
		"":                         false,
		"a@b@":                     false,
		"@a@b":                     false,
	} {
		if got := hasAddress([]byte(key)); got != want {
			t.Errorf("hasAddress(%q) = %v, want %v", key, got, want)
		}
	}
}
