package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/civisync/civisync/formats"
	"github.com/urfave/cli/v2"
)

// textFlags are the reading flags for text exports as databases write
// them and for the memory a run may take.
func textFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "dialect", Usage: "text dialect: csv, or mysql (mysql -B / SELECT … INTO OUTFILE backslash escapes) (default: detected)", Category: "Reading"},
		&cli.StringFlag{Name: "max-memory", Usage: "stop (exit status 2) when the run needs more memory than `SIZE`, e.g. 2GiB (default: GOMEMLIMIT, else 3/4 of a ulimit -v or 9/10 of a cgroup limit)", Category: "Reading"},
	}
}

// applyTextFlags puts --dialect into opt and starts the memory ceiling.
func applyTextFlags(c *cli.Context, opt *formats.Options) error {
	opt.Dialect = c.String("dialect")
	if err := formats.ValidDialect(opt.Dialect); err != nil {
		return usagef("--dialect: %w", err)
	}
	limit, source := int64(0), ""
	if s := c.String("max-memory"); s != "" {
		n, err := parseSize(s)
		if err != nil || n <= 0 {
			return usagef("--max-memory %q: want a size such as 512MiB or 2GiB", s)
		}
		limit, source = n, "--max-memory"
	} else {
		limit, source = defaultCeiling()
	}
	if limit > 0 {
		ceilingOnce.Do(func() { startCeiling(limit, source, c.App.ErrWriter) })
	}
	return nil
}

// parseSize reads 123, 512K, 512KB, 512KiB, 2G, 2.5GiB … (powers of 1024).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if t != "" {
		if i := strings.IndexByte("KMGT", t[len(t)-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = t[:len(t)-1]
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || f < 0 || f*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	return int64(f * mult), nil
}

// defaultCeiling is the memory a run may take without --max-memory:
// GOMEMLIMIT when set; else under a ulimit -v a third of the address space
// left when civisync starts (Go reserves much more address space than it
// uses, and a reservation refused is a crash with a stack trace, so the
// address space is watched too, see startCeiling) or 9/10 of a cgroup's
// memory.max (whose excess is a silent kill); else none.
func defaultCeiling() (int64, string) {
	if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
		return lim, "GOMEMLIMIT"
	}
	best, source := int64(0), ""
	if as := addressLimit(); as > 0 {
		best, source = max((as-vmSize())/3, 1), "ulimit -v"
	}
	if n := cgroupMemoryMax(); n > 0 && (best == 0 || n/10*9 < best) {
		best, source = n/10*9, "the cgroup's memory.max"
	}
	return best, source
}

// addressLimit is the ulimit -v (RLIMIT_AS) in bytes, 0 if none.
func addressLimit() int64 {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_AS, &rl) != nil || rl.Cur >= math.MaxInt64 {
		return 0
	}
	return int64(rl.Cur)
}

// vmSize is the process's address space in bytes (/proc/self/statm), 0 if
// unknown.
func vmSize() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	pages, err := strconv.ParseInt(strings.Fields(string(data))[0], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

// cgroupMemoryMax is this process's cgroup v2 memory.max, 0 if none.
func cgroupMemoryMax() int64 {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", path, "memory.max"))
			if err != nil {
				return 0
			}
			n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			if err != nil {
				return 0 // "max"
			}
			return n
		}
	}
	return 0
}

var ceilingOnce sync.Once

// exitProcess ends the process; a variable so that nothing else may.
var exitProcess = os.Exit

// startCeiling watches the memory the Go runtime holds (heap, stacks and
// their overhead, less what it gave back: about the resident size) and
// ends the run with one line and exit status 2 once it passes limit. The
// collector is told the limit too, so it works harder before that. Under a
// ulimit -v the address space is watched as well, stopping the run while
// the next reservations (64 MiB heap arenas) still fit.
func startCeiling(limit int64, source string, stderr io.Writer) {
	debug.SetMemoryLimit(limit)
	as := addressLimit()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	go func() {
		for range time.Tick(5 * time.Millisecond) {
			metrics.Read(samples)
			used := samples[0].Value.Uint64() - samples[1].Value.Uint64()
			if used > uint64(limit) || as > 0 && vmSize() > as-256<<20 {
				hint := ""
				if source == "--max-memory" || source == "GOMEMLIMIT" {
					hint = " (e.g. --max-memory " + sizeString(limit*2) + ")"
				}
				// The outputs being written go, as on an interrupt: the
				// earlier outputs stay as they were.
				formats.AbortAll()
				fmt.Fprintf(stderr, "civisync: out of memory: the run needs more than the %s that %s allows; raise it%s or give smaller inputs\n",
					sizeString(limit), source, hint)
				exitProcess(exitInput)
			}
		}
	}()
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dB", n)
}
