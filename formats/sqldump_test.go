package formats

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readDump writes text to a file named name and reads the table kind from
// it: the header, then each row as its cells joined by |, or "ERR line:
// message" for a bad row; a file error is returned.
func readDump(t *testing.T, name, text string, opt Options) ([]string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return readDumpRows(path, opt)
}

func readDumpRows(path string, opt Options) ([]string, error) {
	r, err := Open(path, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := []string{strings.Join(r.Header(), "|")}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if errors.Is(err, ErrBadRow) {
			out = append(out, fmt.Sprintf("ERR %d", r.Line()))
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, fmt.Sprintf("%d:%s", r.Line(), strings.Join(row, "|")))
	}
}

const usersCreate = "CREATE TABLE `users` (\n  `uid` int unsigned NOT NULL DEFAULT '0',\n  `name` varchar(60) NOT NULL DEFAULT '' COMMENT 'login, (not a name)',\n  `mail` varchar(254) DEFAULT '',\n  PRIMARY KEY (`uid`),\n  UNIQUE KEY `name` (`name`),\n  KEY `mail` (`mail`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"

func TestDumpDialects(t *testing.T) {
	users := Options{Table: "users"}
	tests := []struct {
		name string
		file string // default "site.sql"
		dump string
		opt  Options
		want []string
		err  string // a file error containing this
	}{
		{name: "mysqldump extended insert, conditional comments, LOCK TABLES",
			dump: "-- MySQL dump 10.13\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `users`;\n/*!40101 SET character_set_client = utf8 */;\n" + usersCreate +
				"/*!40101 SET character_set_client = @saved_cs_client */;\nLOCK TABLES `users` WRITE;\n/*!40000 ALTER TABLE `users` DISABLE KEYS */;\nINSERT INTO `users` VALUES (0,'',''),(1,'admin','a@example.org'),\n(2,'bo','b@example.org');\n/*!40000 ALTER TABLE `users` ENABLE KEYS */;\nUNLOCK TABLES;\n",
			want: []string{"uid|name|mail", "17:0||", "17:1|admin|a@example.org", "18:2|bo|b@example.org"}},
		{name: "single-row INSERT, INSERT IGNORE, REPLACE, modifiers, permuted column lists",
			dump: usersCreate + "INSERT INTO users VALUES (1,'a','a@x');\nINSERT IGNORE INTO `users` (`mail`,`uid`) VALUES ('b@x',2);\nREPLACE INTO `users` (`uid`,`name`,`mail`) VALUES (3,'c','c@x');\nINSERT LOW_PRIORITY IGNORE INTO `db`.`users` VALUE (4,'d','d@x');\n",
			want: []string{"uid|name|mail", "9:1|a|a@x", "10:2||b@x", "11:3|c|c@x", "12:4|d|d@x"}},
		{name: "every MySQL string escape and doubled quotes",
			dump: usersCreate + `INSERT INTO users VALUES (1,'a\0b\'c\"d\be\nf\rg\th\Zi\\j\%k\_l\qm','it''s "x"');` + "\n",
			want: []string{"uid|name|mail", "9:1|a\x00b'c\"d\be\nf\rg\th\x1ai\\j\\%k\\_lqm|it's \"x\""}},
		{name: "NULL, numbers, TRUE and FALSE, spaces and tabs between values",
			dump: usersCreate + "INSERT INTO users VALUES ( -1.5e3 ,\tNULL , null),(TRUE,FALSE,'NULL');\n",
			want: []string{"uid|name|mail", "9:-1.5e3||", "9:1|0|NULL"}},
		{name: "hex, X'', _binary, charset introducers, N'', bit literals",
			dump: usersCreate + "INSERT INTO users VALUES (0x3432,X'6162',_binary 'a:1:{}'),(b'101',_utf8mb4'Zo\xc3\xab',N'x'),(_binary 0x41,_latin1'Caf\xe9',0b11);\n",
			want: []string{"uid|name|mail", "9:42|ab|a:1:{}", "9:5|Zoë|x", "9:A|Café|3"}},
		{name: "SET NAMES latin1 decodes Windows-1252",
			dump: "/*!40101 SET NAMES latin1 */;\n" + usersCreate + "INSERT INTO users VALUES (1,'M\xfcller \x80','m@x');\n",
			want: []string{"uid|name|mail", "10:1|Müller €|m@x"}},
		{name: "a latin1 table without SET NAMES",
			dump: strings.Replace(usersCreate, "utf8mb4", "latin1", 1) + "INSERT INTO users VALUES (1,'G\xf6ran','g@x');\n",
			want: []string{"uid|name|mail", "9:1|Göran|g@x"}},
		{name: "a value that is not UTF-8 in a UTF-8 dump is Windows-1252",
			dump: "SET NAMES utf8mb4;\n" + usersCreate + "INSERT INTO users VALUES (1,'Jos\xe9','j@x'),(2,'Jos\xc3\xa9','k@x');\n",
			want: []string{"uid|name|mail", "10:1|José|j@x", "10:2|José|k@x"}},
		{name: "--encoding utf-8 takes bytes as they are",
			dump: "/*!40101 SET NAMES latin1 */;\n" + usersCreate + "INSERT INTO users VALUES (1,'Jos\xc3\xa9','j@x');\n",
			opt:  Options{Table: "users", Encoding: "utf-8"},
			want: []string{"uid|name|mail", "10:1|José|j@x"}},
		{name: "a prefixed table; shortcut_set_users does not pass for users",
			dump: "CREATE TABLE `drupal_shortcut_set_users` (`uid` int, `set_name` varchar(32));\nINSERT INTO `drupal_shortcut_set_users` VALUES (1,'s');\n" + strings.ReplaceAll(usersCreate, "`users`", "`drupal_users`") + "INSERT INTO `drupal_users` VALUES (1,'a','a@x');\n",
			want: []string{"uid|name|mail", "11:1|a|a@x"}},
		{name: "two sites: an error listing them",
			dump: strings.ReplaceAll(usersCreate, "`users`", "`wp_users`") + strings.ReplaceAll(usersCreate, "`users`", "`wp2_users`"),
			err:  "several users tables: wp_users, wp2_users; pick one with --table-prefix"},
		{name: "two sites: --table-prefix picks",
			dump: strings.ReplaceAll(usersCreate, "`users`", "`wp_users`") + "INSERT INTO wp_users VALUES (1,'a','a@x');\n" + strings.ReplaceAll(usersCreate, "`users`", "`wp2_users`") + "INSERT INTO wp2_users VALUES (2,'b','b@x');\n",
			opt:  Options{Table: "users", TablePrefix: "wp2_"},
			want: []string{"uid|name|mail", "18:2|b|b@x"}},
		{name: "the wrong system",
			dump: "CREATE TABLE `civicrm_contact` (`id` int, `contact_type` varchar(64));\nCREATE TABLE `shortcut_set_users` (`uid` int, `set_name` varchar(32));\n",
			err:  "site.sql; tables seen: civicrm_contact, shortcut_set_users"},
		{name: "no CREATE TABLE and no column list",
			dump: "INSERT INTO `users` VALUES (1,'a','a@x');\n",
			err:  "table users has no CREATE TABLE and its INSERTs no column list"},
		{name: "no CREATE TABLE, but a column list",
			dump: "INSERT INTO `users` (`uid`,`mail`) VALUES (1,'a@x');\n",
			want: []string{"uid|mail", "1:1|a@x"}},
		{name: "pg_dump COPY: tabs, \\N, backslash escapes, \\.",
			dump: "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSELECT pg_catalog.set_config('search_path', '', false);\n" +
				"CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $_$SELECT 'a;b'$_$;\nCREATE TABLE public.users (\n    uid bigint NOT NULL,\n    name character varying(60) DEFAULT ''::character varying NOT NULL,\n    mail character varying(254),\n    CONSTRAINT users_uid_check CHECK ((uid >= 0))\n);\n" +
				"COPY public.users (uid, name, mail) FROM stdin;\n0\t\t\\N\n1\ta\\tb\\\\c\\nd\\101\ta@x\n\\.\n\n\\unrestrict abc\n",
			want: []string{"uid|name|mail", "17:0||", "18:1|a\tb\\c\ndA|a@x"}},
		{name: "pg_dump --inserts: standard strings keep backslashes, E'' escapes",
			dump: "SET standard_conforming_strings = on;\nCREATE TABLE public.users (uid integer, name text, mail text);\nINSERT INTO public.users VALUES (1, 'a\\b', E'x\\ty');\nINSERT INTO public.users (uid, name, mail) VALUES (2, 'it''s', NULL);\n",
			want: []string{"uid|name|mail", "3:1|a\\b|x\ty", "4:2|it's|"}},
		{name: "phpMyAdmin SQL",
			dump: "-- phpMyAdmin SQL Dump\n-- version 5.2.1\n\nSET SQL_MODE = \"NO_AUTO_VALUE_ON_ZERO\";\nSTART TRANSACTION;\nSET time_zone = \"+00:00\";\n\n/*!40101 SET NAMES utf8mb4 */;\n\n" + usersCreate +
				"\n--\n-- Dumping data for table `users`\n--\n\nINSERT INTO `users` (`uid`, `name`, `mail`) VALUES\n(0, '', ''),\n(1, 'admin', 'admin@example.org');\nCOMMIT;\n",
			want: []string{"uid|name|mail", "24:0||", "25:1|admin|admin@example.org"}},
		{name: "Adminer SQL",
			dump: "-- Adminer 4.8.1 MySQL 8.0.35 dump\n\nSET NAMES utf8;\nSET time_zone = '+00:00';\n\nDROP TABLE IF EXISTS `users`;\n" + usersCreate +
				"\nINSERT INTO `users` (`uid`, `name`, `mail`) VALUES\n(1,\t'admin',\t'admin@example.org'),\n(2,\t'ed',\tNULL);\n\n-- 2024-01-01 10:00:00\n",
			want: []string{"uid|name|mail", "17:1|admin|admin@example.org", "18:2|ed|"}},
		{name: "triggers under DELIMITER ;; and data in two runs",
			dump: usersCreate + "INSERT INTO users VALUES (1,'a','a@x');\nCREATE TABLE `node` (`nid` int, `title` varchar(9));\nINSERT INTO node VALUES (1,'t;');\nDELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN SET @a = 1; SET @b = 'x;'; END */;;\nDELIMITER ;\nINSERT INTO users VALUES (2,'b','b@x');\n",
			want: []string{"uid|name|mail", "9:1|a|a@x", "15:2|b|b@x"}},
		{name: "a BOM before the first comment, CRLF line ends",
			dump: "\xEF\xBB\xBF-- phpMyAdmin SQL Dump\r\nSET NAMES utf8mb4;\r\nCREATE TABLE `users` (`uid` int, `name` text, `mail` text);\r\nINSERT INTO `users` (`uid`, `name`, `mail`) VALUES\r\n(1, 'a', 'a@x'),\r\n(2, 'b', 'b@x');\r\n",
			want: []string{"uid|name|mail", "5:1|a|a@x", "6:2|b|b@x"}},
		{name: "SQLite's .dump: standard strings",
			dump: "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE users (uid INTEGER, name VARCHAR(60), mail VARCHAR(254));\nINSERT INTO users VALUES(1,'C:\\new','it''s@x');\nCOMMIT;\n",
			want: []string{"uid|name|mail", "4:1|C:\\new|it's@x"}},
		{name: "bad rows: a wrong count of values, an expression; reading goes on",
			dump: usersCreate + "INSERT INTO users VALUES (1,'a'),(2,CONCAT('b','c'),'x'),\n(3,'c','c@x');\n",
			want: []string{"uid|name|mail", "ERR 9", "ERR 9", "10:3|c|c@x"}},
		{name: "cut off inside the table read",
			dump: usersCreate + "INSERT INTO users VALUES (1,'a','a@x'),(2,'b",
			err:  "the dump ends in the middle of a statement of table users"},
		{name: "cut off after the table read: the table is whole",
			dump: usersCreate + "INSERT INTO users VALUES (1,'a','a@x');\nCREATE TABLE `watchdog` (`wid` int, `message` text);\nINSERT INTO watchdog VALUES (1,'cut",
			want: []string{"uid|name|mail", "9:1|a|a@x"}},
		{name: "garbage",
			dump: "\x00\x01\x02PK garbage; 'not sql",
			err:  "not a SQL dump"},
		{name: "a pg_dump custom-format archive",
			dump: "PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01",
			err:  "pg_restore -f"},
		{name: "a .sql file that is a CSV",
			dump: "uid,name,mail\n1,a,a@x\n",
			err:  "not a SQL dump"},
		{name: "a dump read through a .gz",
			file: "site.sql.gz",
			dump: gz(usersCreate + "INSERT INTO users VALUES (1,'a','a@x');\n"),
			want: []string{"uid|name|mail", "9:1|a|a@x"}},
		{name: "WordPress: first and last names from usermeta",
			dump: "CREATE TABLE `wp_usermeta` (`umeta_id` bigint, `user_id` bigint, `meta_key` varchar(255), `meta_value` longtext);\nINSERT INTO `wp_usermeta` VALUES (1,1,'first_name','Anna'),(2,1,'last_name','Kowalski'),(3,2,'nickname','z'),(4,2,'last_name','Martin');\n" +
				"CREATE TABLE `wp_users` (`ID` bigint, `user_login` varchar(60), `user_email` varchar(100), `display_name` varchar(250));\nINSERT INTO `wp_users` VALUES (1,'anna','anna@x','Anna K'),(2,'zoe','zoe@x','Zoë'),(3,'li','li@x','Li');\n",
			want: []string{"ID|user_login|user_email|display_name|first_name|last_name", "4:1|anna|anna@x|Anna K|Anna|Kowalski", "4:2|zoe|zoe@x|Zoë||Martin", "4:3|li|li@x|Li||"}},
		{name: "civicrm_group_contact rows get their group's title",
			opt:  Options{Table: "group_contacts"},
			dump: "CREATE TABLE `civicrm_group` (`id` int, `name` varchar(64), `title` varchar(255));\nINSERT INTO `civicrm_group` VALUES (1,'Admins','Administrators'),(2,'News','Newsletter Subscribers');\nCREATE TABLE `civicrm_group_contact` (`id` int, `group_id` int, `contact_id` int, `status` varchar(8));\nINSERT INTO `civicrm_group_contact` VALUES (1,2,7,'Added'),(2,9,7,'Removed');\n",
			want: []string{"id|group_id|contact_id|status|group_title", "4:1|2|7|Added|Newsletter Subscribers", "4:2|9|7|Removed|"}},
		{name: "CiviCRM's logging tables are no contacts tables",
			opt:  Options{Table: "contacts"},
			dump: "CREATE TABLE `log_civicrm_contact` (`id` int, `contact_type` varchar(64), `log_action` varchar(16));\nINSERT INTO log_civicrm_contact VALUES (1,'Individual','Update');\nCREATE TABLE `civicrm_contact` (`id` int, `contact_type` varchar(64));\nINSERT INTO civicrm_contact VALUES (1,'Individual');\n",
			want: []string{"id|contact_type", "4:1|Individual"}},
		{name: "D6 og and D7 field_data_group_group serve og_groups; watchdog does not",
			opt:  Options{Table: "og_groups"},
			dump: "CREATE TABLE `watchdog` (`wid` int, `uid` int, `message` text);\nCREATE TABLE `og` (`nid` int, `og_selective` int);\nINSERT INTO `og` VALUES (5,0);\n",
			want: []string{"nid|og_selective", "3:5|0"}},
		{name: "term_node and tracker_node do not pass for node",
			opt:  Options{Table: "groups"},
			dump: "CREATE TABLE `term_node` (`nid` int, `vid` int, `tid` int);\nCREATE TABLE `tracker_node` (`nid` int, `published` int, `changed` int);\nCREATE TABLE `node` (`nid` int, `type` varchar(32), `title` varchar(255), `uid` int);\nINSERT INTO `node` VALUES (5,'group','Garden',1);\n",
			want: []string{"nid|type|title|uid", "4:5|group|Garden|1"}},
		{name: "Joomla: jos_users with block, name and username",
			dump: "-- phpMyAdmin SQL Dump\nSET SQL_MODE = \"NO_AUTO_VALUE_ON_ZERO\";\nCREATE TABLE IF NOT EXISTS `jos_users` (\n  `id` int(11) NOT NULL auto_increment,\n  `name` varchar(255) NOT NULL default '',\n  `username` varchar(150) NOT NULL default '',\n  `email` varchar(100) NOT NULL default '',\n  `block` tinyint(4) NOT NULL default '0',\n  `params` text NOT NULL,\n  PRIMARY KEY  (`id`)\n) TYPE=MyISAM;\nINSERT INTO `jos_users` VALUES(62, 'Administrator', 'admin', 'admin@example.org', 0, 'admin_language=\\neditor=\\n');\n" +
				"CREATE TABLE IF NOT EXISTS `jos_core_log_searches` (`search_term` varchar(128), `hits` int);\n",
			want: []string{"id|name|username|email|block|params", "12:62|Administrator|admin|admin@example.org|0|admin_language=\neditor=\n"}},
		{name: "CiviCRM's civicrm_generated.mysql: data only, column lists, tuples on lines of their own",
			opt: Options{Table: "contacts"},
			dump: "-- MySQL dump 10.13  Distrib 8.0.27, for Linux (x86_64)\n/*!50503 SET NAMES utf8mb4 */;\n\n--\n-- Dumping data for table `civicrm_contact`\n--\n\nLOCK TABLES `civicrm_contact` WRITE;\n/*!40000 ALTER TABLE `civicrm_contact` DISABLE KEYS */;\n" +
				"INSERT INTO `civicrm_contact` (`id`, `contact_type`, `first_name`, `last_name`, `is_deleted`) VALUES\n (1,'Organization',NULL,NULL,0),\n (172,'Individual','Brzęczysław','Nielsen',0);\n/*!40000 ALTER TABLE `civicrm_contact` ENABLE KEYS */;\nUNLOCK TABLES;\n" +
				"LOCK TABLES `civicrm_contact_type` WRITE;\nINSERT INTO `civicrm_contact_type` (`id`, `name`) VALUES\n (1,'Individual');\nUNLOCK TABLES;\n",
			want: []string{"id|contact_type|first_name|last_name|is_deleted", "11:1|Organization|||0", "12:172|Individual|Brzęczysław|Nielsen|0"}},
		{name: "a mysqldump INSERT on one line longer than the buffer",
			dump: "-- MySQL dump 10.13\nCREATE TABLE `watchdog` (`wid` int, `message` text);\nINSERT INTO `watchdog` VALUES " + strings.Repeat("(1,'a;\\n'),", 150000) + "(2,'end');\n" + usersCreate + "INSERT INTO users VALUES (1,'a','a@x');\n",
			want: []string{"uid|name|mail", "12:1|a|a@x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			if opt.Table == "" {
				opt = users
			}
			file := tc.file
			if file == "" {
				file = "site.sql"
			}
			got, err := readDump(t, file, tc.dump, opt)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q (rows %q)", err, tc.err, got)
				}
				if errors.Is(err, ErrBadRow) || !errors.Is(err, ErrBadFile) {
					t.Fatalf("error %v is not a file error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v (rows %q)", err, got)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// TestStdinSniffing: standard input is told apart by its first bytes.
func TestStdinSniffing(t *testing.T) {
	dump := usersCreate + "INSERT INTO users VALUES (1,'a','a@x');\n"
	csv := "uid,name,mail\n1,a,a@x\n"
	want := []string{"uid|name|mail", "1|a|a@x"}
	for name, in := range map[string]string{"csv": csv, "csv.gz": gz(csv), "sql": dump, "sql.gz": gz(dump)} {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < 2; i++ { // a dump's tables can be read again; a CSV cannot
				got, err := readDumpRows("-", Options{Table: "users", Stdin: strings.NewReader(in)})
				if err != nil {
					t.Fatal(err)
				}
				for j := range got {
					if _, cell, ok := strings.Cut(got[j], ":"); ok && j > 0 {
						got[j] = cell
					}
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("got %q, want %q", got, want)
				}
			}
		})
	}
	t.Run("xlsx", func(t *testing.T) {
		path := makeXLSX(t, "users.xlsx", sheet{name: "Sheet1", rows: map[int][]any{1: {"uid", "name", "mail"}, 2: {1, "a", "a@x"}}})
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readDumpRows("-", Options{Stdin: bytes.NewReader(data)})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != "uid|name|mail\n2:1|a|a@x" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("a dump read twice from one standard input", func(t *testing.T) {
		in := strings.NewReader(dump)
		for i := 0; i < 2; i++ {
			if _, err := readDumpRows("-", Options{Table: "users", Stdin: in}); err != nil {
				t.Fatalf("read %d: %v", i+1, err)
			}
		}
	})
	t.Run("a CSV read twice from one standard input", func(t *testing.T) {
		in := strings.NewReader(csv)
		if _, err := readDumpRows("-", Options{Stdin: in}); err != nil {
			t.Fatal(err)
		}
		if _, err := readDumpRows("-", Options{Stdin: in}); err == nil {
			t.Fatal("standard input read twice")
		}
	})
}

func TestDumpHas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "site.sql")
	dump := "CREATE TABLE `og_membership` (`id` int, `etid` int, `entity_type` varchar(32), `gid` int, `group_type` varchar(32), `state` int);\n" + usersCreate + "CREATE TABLE `x` (`a` int);\nINSERT INTO x VALUES (1,'cut"
	os.WriteFile(path, []byte(dump), 0o644)
	d, err := OpenDump(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Has("memberships"); !ok || err != nil {
		t.Fatalf("Has(memberships) = %v, %v", ok, err)
	}
	// cut off before any og_users_roles could come: not known
	if _, err := d.Has("og_roles"); err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Fatalf("Has(og_roles) on a cut dump: %v", err)
	}
}
