//go:build !unix

package pipeline

import "time"

// processCPU is not known here: benchmarks report no CPU time.
func processCPU() time.Duration { return 0 }
