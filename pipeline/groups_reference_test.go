package pipeline

import (
	"flag"
	"fmt"
	"testing"
)

var syncSeeds = flag.Int("sync-seeds", 2, "TestSyncGroupsReference: how many seeds (from -sync-seed) to run")
var syncSeed = flag.Uint64("sync-seed", 100, "TestSyncGroupsReference: the first seed")

// TestSyncGroupsReference holds Transform to the reference (reference_test.go)
// on more seeds than TestReference, with SyncGroups sharing its work among
// one, two and three workers however small the input: every worker count
// must give the reference's outcome and the same files.
//
//	go test ./pipeline -run TestSyncGroupsReference -sync-seeds 20 -sync-seed 1000
func TestSyncGroupsReference(t *testing.T) {
	for seed := *syncSeed; seed < *syncSeed+uint64(*syncSeeds); seed++ {
		cfg := genConfig{seed: seed, users: 2000, contacts: 2000, groups: 25, memberships: 8000,
			contactMail: 0.33, sharedUsers: 0.08, invalid: 0.04, nil: 0.04, sparse: seed%3 == 0}
		if seed%4 == 1 { // crowded: many shared e-mails and taken contacts, few groups
			cfg.users, cfg.contacts, cfg.memberships, cfg.groups, cfg.contactMail, cfg.sharedUsers = 300, 200, 1500, 12, 0.5, 0.2
		}
		w := generate(cfg)
		var first map[string][][]string
		for _, workers := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("seed%d/%dworkers", seed, workers), func(t *testing.T) {
				withSyncWorkers(t, workers)
				opt := MatchOptions{Rule: RuleUnsupervised, NoSuggestions: true}
				got := runWorld(t, w, opt)
				diff(t, got, reference(w, opt))
				if first == nil {
					first = got.Files
				} else if fmt.Sprint(got.Files) != fmt.Sprint(first) {
					t.Errorf("%d workers wrote other files than one", workers)
				}
			})
		}
	}
}
