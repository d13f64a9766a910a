package formats

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// writeUsersBoth writes the same n users rows as a CSV file and as a
// mysqldump (extended INSERTs of 1,000 rows, as its 1 MB statements hold),
// with a serialized data column full of quotes, and an unrelated table of
// as many rows before them that the dump reader only scans.
func writeUsersBoth(b *testing.B, n int) (csvPath, sqlPath string) {
	dir := b.TempDir()
	csvPath, sqlPath = filepath.Join(dir, "users.csv"), filepath.Join(dir, "site.sql")
	cf, _ := os.Create(csvPath)
	sf, _ := os.Create(sqlPath)
	cw, sw := bufio.NewWriter(cf), bufio.NewWriter(sf)
	fmt.Fprintln(cw, "uid,name,mail,status,created,data")
	fmt.Fprint(sw, "/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `watchdog` (`wid` int, `message` longtext);\n")
	for i := 0; i < n; i++ {
		if i%1000 == 0 {
			if i > 0 {
				fmt.Fprint(sw, ";\n")
			}
			fmt.Fprint(sw, "INSERT INTO `watchdog` VALUES ")
		} else {
			fmt.Fprint(sw, ",")
		}
		fmt.Fprintf(sw, "(%d,'Session opened for user%d; it\\'s \\\"fine\\\"')", i, i)
	}
	fmt.Fprint(sw, ";\nCREATE TABLE `users` (`uid` int, `name` varchar(60), `mail` varchar(254), `status` tinyint, `created` int, `data` longblob);\n")
	for i := 1; i <= n; i++ {
		data := fmt.Sprintf(`a:1:{s:7:"contact";i:%d;}`, i%2)
		fmt.Fprintf(cw, "%d,user%d,user%d@example.org,1,1388563200,\"%s\"\n", i, i, i, `a:1:{s:7:""contact"";i:`+fmt.Sprint(i%2)+`;}`)
		if (i-1)%1000 == 0 {
			if i > 1 {
				fmt.Fprint(sw, ";\n")
			}
			fmt.Fprint(sw, "INSERT INTO `users` VALUES ")
		} else {
			fmt.Fprint(sw, ",")
		}
		fmt.Fprintf(sw, "(%d,'user%d','user%d@example.org',1,1388563200,'%s')", i, i, i, mysqlQuote(data)[1:len(mysqlQuote(data))-1])
	}
	fmt.Fprint(sw, ";\n")
	cw.Flush()
	sw.Flush()
	cf.Close()
	sf.Close()
	return csvPath, sqlPath
}

// BenchmarkDumpVsCSV reads the same 100,000 users rows from a CSV file and
// from a dump (its index pass included: the dump is indexed afresh each
// time), rows copied or borrowed.
func BenchmarkDumpVsCSV(b *testing.B) {
	const n = 100_000
	csvPath, sqlPath := writeUsersBoth(b, n)
	for _, tc := range []struct {
		name, path string
		lend       bool
		indexed    bool // the dump's index is kept: the read alone
	}{{"csv", csvPath, false, false}, {"sql", sqlPath, false, false}, {"sql-read", sqlPath, false, true}, {"csv-borrow", csvPath, true, false}, {"sql-borrow", sqlPath, true, false}} {
		b.Run(tc.name, func(b *testing.B) {
			st, _ := os.Stat(tc.path)
			b.SetBytes(st.Size())
			for b.Loop() {
				if !tc.indexed {
					forgetDump(tc.path)
				}
				lend := tc.lend
				r, err := Open(tc.path, Options{Table: "users", ReuseBuffer: func([]string) bool { return lend }})
				if err != nil {
					b.Fatal(err)
				}
				rows := countRows(b, r)
				r.Close()
				if rows != n {
					b.Fatalf("%d rows, want %d", rows, n)
				}
			}
		})
	}
}

// BenchmarkDumpIndex is the index pass alone: a scan, values not decoded.
func BenchmarkDumpIndex(b *testing.B) {
	_, sqlPath := writeUsersBoth(b, 100_000)
	st, _ := os.Stat(sqlPath)
	b.SetBytes(st.Size())
	for b.Loop() {
		forgetDump(sqlPath)
		if _, err := loadDump(sqlPath, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
