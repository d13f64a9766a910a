package formats

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// FuzzDumpReader: whatever the bytes, reading a dump ends, without a
// panic, in rows, bad rows or one file error.
func FuzzDumpReader(f *testing.F) {
	f.Add([]byte(usersCreate + "INSERT INTO users VALUES (1,'a\\'b','a@x'),(2,_binary 0x41,NULL);\n"))
	f.Add([]byte("SET standard_conforming_strings = on;\nCOPY public.users (uid, name, mail) FROM stdin;\n1\ta\\tb\t\\N\n\\.\n"))
	f.Add([]byte("DELIMITER ;;\nCREATE TRIGGER t BEGIN SET @a = 1; END;;\nDELIMITER ;\nINSERT INTO `users` (`uid`,`mail`) VALUES (1,'x');\n"))
	f.Add([]byte("/*!40101 SET NAMES latin1 */;\nCREATE TABLE `wp_users` (`ID` int, `user_email` text);\nINSERT INTO wp_users VALUES (1,'\xe9');\nCREATE TABLE `wp_usermeta` (`user_id` int, `meta_key` text, `meta_value` text);\nINSERT INTO wp_usermeta VALUES (1,'first_name','A');\n"))
	f.Add([]byte("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `users` (`uid` int, `mail` text);\nINSERT INTO `users` VALUES\n (1,'a;'),\n (2,_binary 'b');\nCREATE TABLE `civicrm_group` (`id` int, `title` text);\nINSERT INTO `civicrm_group` VALUES (1,'T');\nCREATE TABLE `civicrm_group_contact` (`id` int, `group_id` int, `contact_id` int, `status` text);\nINSERT INTO `civicrm_group_contact` VALUES (1,1,2,'Added');\n"))
	f.Add([]byte("PRAGMA foreign_keys=OFF;\nCREATE TABLE users (uid INTEGER, mail TEXT);\nINSERT INTO users VALUES(1,E'a\\tb'::text);\n"))
	f.Add([]byte(gz("CREATE TABLE users (uid int, mail text);\nINSERT INTO users VALUES (1,'x');\n")))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		// a reader that never ends is a failure too: say where it loops
		watchdog := time.AfterFunc(20*time.Second, func() {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			panic(fmt.Sprintf("reading %q never ended:\n%s", data, buf[:n]))
		})
		defer watchdog.Stop()
		path := filepath.Join(dir, "f.sql")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defer forgetDump(path)
		for _, kind := range []string{"users", "group_contacts"} {
			r, err := Open(path, Options{Table: kind})
			if err != nil {
				var fe *Error
				if !errors.As(err, &fe) {
					t.Fatalf("error %v is not an *Error", err)
				}
				continue
			}
			for n := 0; ; n++ {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil && !errors.Is(err, ErrBadRow) {
					break
				}
				if err == nil && len(row) != len(r.Header()) {
					t.Fatalf("row of %d cells, header of %d", len(row), len(r.Header()))
				}
				if n > len(data)+1 {
					t.Fatalf("more rows than bytes: the reader does not move on")
				}
			}
			r.Close()
		}
	})
}

// forgetDump drops a rewritten file's index, since the fuzzer rewrites one
// path faster than its modification time changes.
func forgetDump(path string) {
	dumpCache.Lock()
	defer dumpCache.Unlock()
	for k := range dumpCache.m {
		if fk, ok := k.(fileKey); ok && fk.path == path {
			delete(dumpCache.m, k)
		}
	}
}

// mysqlQuote writes s as mysqldump does (mysql_real_escape_string).
func mysqlQuote(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "'", "\\'", "\"", "\\\"", "\x00", "\\0", "\n", "\\n", "\r", "\\r", "\x1a", "\\Z")
	return "'" + r.Replace(s) + "'"
}

// copyQuote writes s as a pg_dump COPY field.
func copyQuote(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n", "\r", "\\r")
	return r.Replace(s)
}

// FuzzDumpStrings: any text written as mysqldump, phpMyAdmin-style doubled
// quotes, pg_dump COPY and pg_dump --inserts write it reads back as it was.
func FuzzDumpStrings(f *testing.F) {
	for _, s := range []string{"", "a", "it's", "a\\b", "x\ny\r\tz", "\x00\x1a", "Zoë ; ),(", "\\N", "\\.", "NULL", "\"q\""} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0xFFFD) || !isValidUTF8(s) {
			return
		}
		dumps := map[string]string{
			"mysqldump":  "CREATE TABLE `users` (`uid` int, `mail` text, `name` text);\nINSERT INTO `users` VALUES (1,'m'," + mysqlQuote(s) + "),(2,'m','next');\n",
			"doubled":    "CREATE TABLE `users` (`uid` int, `mail` text, `name` text);\nINSERT INTO `users` VALUES (1,'m','" + strings.ReplaceAll(strings.ReplaceAll(s, "\\", "\\\\"), "'", "''") + "'),(2,'m','next');\n",
			"copy":       "SET standard_conforming_strings = on;\nCREATE TABLE public.users (uid integer, mail text, name text);\nCOPY public.users (uid, mail, name) FROM stdin;\n1\tm\t" + copyQuote(s) + "\n2\tm\tnext\n\\.\n",
			"pg-inserts": "SET standard_conforming_strings = on;\nCREATE TABLE public.users (uid integer, mail text, name text);\nINSERT INTO public.users VALUES (1, 'm', '" + strings.ReplaceAll(s, "'", "''") + "');\nINSERT INTO public.users VALUES (2, 'm', 'next');\n",
		}
		if strings.ContainsRune(s, 0) {
			delete(dumps, "copy") // COPY text cannot hold NUL
			delete(dumps, "pg-inserts")
		}
		for name, dump := range dumps {
			path := filepath.Join(dir, name+".sql")
			if err := os.WriteFile(path, []byte(dump), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readDumpRows(path, Options{Table: "users", Encoding: "utf-8"})
			forgetDump(path)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(got) != 3 || !strings.HasSuffix(got[1], ":1|m|"+s) || !strings.HasSuffix(got[2], ":2|m|next") {
				t.Fatalf("%s: %q read back as %q", name, s, got)
			}
		}
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
