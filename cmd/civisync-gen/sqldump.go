package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The sql format writes the same tables as mysqldump would, the CMS's in
// site.sql and the contacts (as civicrm_contact, with the export's columns)
// in civicrm.sql: `civisync sync --site site.sql --civicrm civicrm.sql`
// reads the very rows the CSV files hold.

// dumpTableName is the table each generated file becomes in a dump.
var dumpTableName = map[string]string{"contacts": "civicrm_contact"}

// siteTables are site.sql's tables, in mysqldump's (alphabetical) order.
var siteTables = []string{"node", "og_membership", "og_role", "og_users_roles", "users"}

// sqlRowsPerInsert keeps each INSERT near mysqldump's 1 MB statements.
const sqlRowsPerInsert = 5000

type sqlWriter struct {
	f       *os.File
	final   string
	bw      *bufio.Writer
	table   string
	numeric []bool
	rows    int
	header  bool
}

func newSQLWriter(f *os.File, final, base string, numeric []bool) *sqlWriter {
	t := base
	if n, ok := dumpTableName[base]; ok {
		t = n
	}
	return &sqlWriter{f: f, final: final, bw: bufio.NewWriterSize(f, 1<<20), table: t, numeric: numeric}
}

func (s *sqlWriter) Write(rec []string) error {
	w := s.bw
	if !s.header {
		s.header = true
		fmt.Fprintf(w, "\n--\n-- Table structure for table `%s`\n--\n\nDROP TABLE IF EXISTS `%s`;\nCREATE TABLE `%s` (\n", s.table, s.table, s.table)
		for i, h := range rec {
			typ := "varchar(255) DEFAULT NULL"
			if i < len(s.numeric) && s.numeric[i] {
				typ = "int(11) DEFAULT NULL"
			}
			fmt.Fprintf(w, "  `%s` %s,\n", h, typ)
		}
		fmt.Fprintf(w, "  KEY `k0` (`%s`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\nLOCK TABLES `%s` WRITE;\n", rec[0], s.table)
		return nil
	}
	if s.rows%sqlRowsPerInsert == 0 {
		if s.rows > 0 {
			w.WriteString(";\n")
		}
		fmt.Fprintf(w, "INSERT INTO `%s` VALUES (", s.table)
	} else {
		w.WriteString(",(")
	}
	s.rows++
	for i, v := range rec {
		if i > 0 {
			w.WriteByte(',')
		}
		switch {
		case i < len(s.numeric) && s.numeric[i] && v == "":
			w.WriteString("NULL")
		case i < len(s.numeric) && s.numeric[i]:
			w.WriteString(v)
		default:
			w.WriteByte('\'')
			sqlEscaper.WriteString(w, v)
			w.WriteByte('\'')
		}
	}
	return w.WriteByte(')')
}

// sqlEscaper escapes as mysqldump does (mysql_real_escape_string).
var sqlEscaper = strings.NewReplacer("\\", "\\\\", "'", "\\'", "\"", "\\\"", "\x00", "\\0", "\n", "\\n", "\r", "\\r", "\x1a", "\\Z")

func (s *sqlWriter) Close(failed bool) error {
	if !failed {
		if s.rows > 0 {
			s.bw.WriteString(";\n")
		}
		s.bw.WriteString("UNLOCK TABLES;\n")
		if err := s.bw.Flush(); err != nil {
			finish(s.f, s.final, true)
			return err
		}
	}
	return finish(s.f, s.final, failed)
}

// joinDumps puts the per-table files together into site.sql and
// civicrm.sql, with mysqldump's header and footer, and removes them.
func joinDumps(dir string) error {
	for _, d := range []struct {
		name   string
		tables []string
	}{{"site.sql", siteTables}, {"civicrm.sql", []string{"contacts"}}} {
		tmp, err := os.CreateTemp(dir, "."+d.name+".*.tmp")
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(tmp, 1<<20)
		fmt.Fprint(w, "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: civisync_gen\n-- ------------------------------------------------------\n\n"+
			"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n")
		for _, t := range d.tables {
			p := filepath.Join(dir, t+".sql")
			f, err := os.Open(p)
			if err != nil {
				tmp.Close()
				os.Remove(tmp.Name())
				return err
			}
			_, err = io.Copy(w, f)
			f.Close()
			if err != nil {
				tmp.Close()
				os.Remove(tmp.Name())
				return err
			}
		}
		fmt.Fprint(w, "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n\n-- Dump completed\n")
		if err := w.Flush(); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return err
		}
		if err := finish(tmp, filepath.Join(dir, d.name), false); err != nil {
			return err
		}
		for _, t := range d.tables {
			os.Remove(filepath.Join(dir, t+".sql"))
		}
	}
	return nil
}
