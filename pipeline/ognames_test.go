package pipeline

import "testing"

// TestSourceGID: the OG id reads back from both Source strings civisync
// writes, and from nothing else.
func TestSourceGID(t *testing.T) {
	for _, tc := range []struct {
		source, gid string
		ok          bool
	}{
		{groupSource("7"), "7", true},
		{aclSource("1234"), "1234", true},
		{"OG Sync Group :12:", "12", true},
		{"OG Sync Group ACL :0:", "0", true},
		{"", "", false},
		{"OG Sync Group :x:", "", false},
		{"OG Sync Group :7: edited", "", false},
	} {
		gid, ok := SourceGID(tc.source)
		if gid != tc.gid || ok != tc.ok {
			t.Errorf("SourceGID(%q) = %q, %v; want %q, %v", tc.source, gid, ok, tc.gid, tc.ok)
		}
	}
}
