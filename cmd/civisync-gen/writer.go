package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// rowWriter receives the rows of one table, header first. The record slice may
// be reused by the caller after Write returns.
type rowWriter interface {
	Write(rec []string) error
	// Close finishes the file and moves it into place; after an error it
	// removes the temporary file instead.
	Close(failed bool) error
}

// newWriter opens DIR/BASE.csv or DIR/BASE.xlsx through a temporary file that
// is renamed into place by Close, so an interrupted run leaves no half file.
func newWriter(dir, base, format string, numeric []bool) (rowWriter, error) {
	final := filepath.Join(dir, base+"."+format)
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, err
	}
	switch format {
	case "csv":
		bw := bufio.NewWriterSize(tmp, 1<<20)
		// csv.NewWriter keeps bw itself (it is already buffered, > 4 KiB).
		return &csvWriter{f: tmp, final: final, bw: bw, w: csv.NewWriter(bw)}, nil
	case "sql":
		return newSQLWriter(tmp, final, base, numeric), nil
	case "xlsx":
		x := excelize.NewFile()
		sw, err := x.NewStreamWriter("Sheet1")
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, err
		}
		return &xlsxWriter{f: tmp, final: final, x: x, sw: sw, numeric: numeric}, nil
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return nil, fmt.Errorf("unknown format %q", format)
}

type csvWriter struct {
	f     *os.File
	final string
	bw    *bufio.Writer
	w     *csv.Writer
}

func (c *csvWriter) Write(rec []string) error { return c.w.Write(rec) }

func (c *csvWriter) Close(failed bool) error {
	if !failed {
		c.w.Flush() // flushes bw too
		if err := c.w.Error(); err != nil {
			finish(c.f, c.final, true)
			return err
		}
	}
	return finish(c.f, c.final, failed)
}

const xlsxMaxRows = 1048576

type xlsxWriter struct {
	f       *os.File
	final   string
	x       *excelize.File
	sw      *excelize.StreamWriter
	numeric []bool
	row     int
	vals    []interface{}
}

func (x *xlsxWriter) Write(rec []string) error {
	x.row++
	if x.row > xlsxMaxRows {
		return fmt.Errorf("%s: an XLSX sheet holds at most %d rows; use -format csv for this size", filepath.Base(x.final), xlsxMaxRows)
	}
	x.vals = x.vals[:0]
	for i, s := range rec {
		var v interface{}
		switch {
		case s == "":
			v = nil // no cell at all, like a spreadsheet's empty cell
		case x.row > 1 && i < len(x.numeric) && x.numeric[i]:
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				v = n // a real numeric cell: readers must show 1234, not 1234.0
			} else {
				v = s
			}
		default:
			v = s
		}
		x.vals = append(x.vals, v)
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.vals)
}

func (x *xlsxWriter) Close(failed bool) error {
	defer x.x.Close()
	if !failed {
		bw := bufio.NewWriterSize(x.f, 1<<20)
		err := x.sw.Flush()
		if err == nil {
			err = x.x.Write(bw)
		}
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			finish(x.f, x.final, true)
			return err
		}
	}
	return finish(x.f, x.final, failed)
}

func finish(f *os.File, final string, failed bool) error {
	if failed {
		f.Close()
		os.Remove(f.Name())
		return nil
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), final); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
