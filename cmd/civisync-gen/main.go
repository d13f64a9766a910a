// Command civisync-gen writes seeded synthetic exports for civisync's tests and
// benchmarks: a Drupal 7 users dump, a CiviCRM contacts export, Organic Groups
// (node, og_membership, og_users_roles, og_role), as CSV or XLSX, of any size.
//
//	civisync-gen -users 1000000 -seed 1 -out bench/data/1m
//
// Every value is a pure function of (seed, row), so the output is deterministic,
// rows are streamed (memory stays flat at 10M users) and the files are written
// concurrently. See bench/README.md for the shape of the data and its noise.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("civisync-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: civisync-gen [flags]\n\nWrites users, contacts, node (groups), og_membership, og_users_roles and og_role\nexports of the given size into -out.\n\n")
		fs.PrintDefaults()
	}
	var c Config
	fs.IntVar(&c.Users, "users", 1000, "number of CMS users (uid 1..N; a uid-0 anonymous row is added)")
	fs.IntVar(&c.Contacts, "contacts", -1, "number of CiviCRM contacts (default: = users)")
	fs.IntVar(&c.Memberships, "memberships", -1, "number of user rows in og_membership (default: 3 × users); ~3% node rows come on top")
	fs.IntVar(&c.Groups, "groups", -1, "number of Organic Groups (default: users/100, at least 1)")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed: the same seed and sizes give byte-identical files")
	fs.StringVar(&c.Format, "format", "csv", "output format: csv, xlsx, or sql (mysqldump: site.sql with the CMS tables, civicrm.sql with the contacts)")
	fs.BoolVar(&c.UserNames, "user-names", false, "give users first_name and last_name columns (the names of the person behind their e-mail)")
	fs.StringVar(&c.Out, "out", ".", "output directory (created if missing)")
	quiet := fs.Bool("quiet", false, "print nothing on success")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "civisync-gen: unexpected argument %q\n", fs.Arg(0))
		return 1
	}
	if err := c.normalise(); err != nil {
		fmt.Fprintf(stderr, "civisync-gen: %v\n", err)
		return 1
	}
	start := time.Now()
	stats, err := Generate(c)
	if err != nil {
		fmt.Fprintf(stderr, "civisync-gen: %v\n", err)
		return 3
	}
	if !*quiet {
		for _, s := range stats {
			fmt.Fprintf(stderr, "%-22s %10d rows  %6.2fs\n", s.File, s.Rows, s.Elapsed.Seconds())
		}
		fmt.Fprintf(stderr, "civisync-gen: %d users, %d contacts, %d memberships, %d groups (seed %d) in %s: %.2fs\n",
			c.Users, c.Contacts, c.Memberships, c.Groups, c.Seed, c.Out, time.Since(start).Seconds())
	}
	return 0
}
