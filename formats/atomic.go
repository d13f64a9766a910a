package formats

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// OutputSet writes a run's outputs into a hidden temporary directory inside
// the output directory and moves them into place only on Commit. A failed
// run therefore leaves the previous outputs as they were.
type OutputSet struct {
	mu     sync.Mutex // tables may be created from several goroutines
	dir    string
	tmp    string
	format Format
	files  []string // relative paths, in creation order, each once
	made   map[string]bool
	inputs map[string]string
}

// NewOutputSet prepares dir (creating it) for the run's outputs. inputs are
// the run's input paths: no output may replace one of them.
func NewOutputSet(dir string, format Format, inputs []string) (*OutputSet, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &Error{File: dir, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	tmp, err := os.MkdirTemp(dir, ".civisync-tmp-")
	if err != nil {
		return nil, &Error{File: dir, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	o := &OutputSet{dir: dir, tmp: tmp, format: format, inputs: map[string]string{}, made: map[string]bool{}}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		if abs, err := filepath.Abs(in); err == nil {
			o.inputs[abs] = in
		}
		if real, err := filepath.EvalSymlinks(in); err == nil {
			if abs, err := filepath.Abs(real); err == nil {
				o.inputs[abs] = in
			}
		}
	}
	return o, nil
}

// Dir is the final output directory.
func (o *OutputSet) Dir() string { return o.dir }

// Format is the format tables are written in.
func (o *OutputSet) Format() Format { return o.format }

// Path is where rel will finally be.
func (o *OutputSet) Path(rel string) string { return filepath.Join(o.dir, rel) }

// Check refuses an output that would replace an input.
func (o *OutputSet) Check(rel string) error {
	final := o.Path(rel)
	abs, _ := filepath.Abs(final)
	cands := []string{abs}
	if real, err := filepath.EvalSymlinks(final); err == nil {
		if a, err := filepath.Abs(real); err == nil {
			cands = append(cands, a)
		}
	}
	for _, c := range cands {
		if in, ok := o.inputs[c]; ok {
			return &Error{File: final, Err: fmt.Errorf("%w: output would overwrite the input %s", ErrOutput, in)}
		}
	}
	return nil
}

// Table creates the table rel (its extension chosen by the set's format)
// with the given header, in the temporary directory. Creating a table
// again, once the first writer is closed, starts it over.
func (o *OutputSet) Table(base string, header []string) (TableWriter, error) {
	rel := base + "." + string(o.format)
	if err := o.Check(rel); err != nil {
		return nil, err
	}
	tmp := filepath.Join(o.tmp, rel)
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		return nil, o.wrap(rel, err)
	}
	o.add(rel)
	if o.format == XLSX {
		tw, err := NewXLSXTable(tmp, header)
		if err != nil {
			return nil, o.wrap(rel, err)
		}
		return &wrapTable{tw, o, rel}, nil
	}
	f, err := os.Create(tmp)
	if err != nil {
		return nil, o.wrap(rel, err)
	}
	tw, err := NewCSVTable(f, header)
	if err != nil {
		f.Close()
		return nil, o.wrap(rel, err)
	}
	return &wrapLines{wrapTable{tw, o, rel}}, nil
}

// File creates a plain file rel (e.g. summary.json) in the temporary directory.
func (o *OutputSet) File(rel string, data []byte) error {
	if err := o.Check(rel); err != nil {
		return err
	}
	o.add(rel)
	tmp := filepath.Join(o.tmp, rel)
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		return o.wrap(rel, err)
	}
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return o.wrap(rel, err)
	}
	return nil
}

func (o *OutputSet) add(rel string) {
	o.mu.Lock()
	if !o.made[rel] {
		o.made[rel] = true
		o.files = append(o.files, rel)
	}
	o.mu.Unlock()
}

func (o *OutputSet) wrap(rel string, err error) error {
	return &Error{File: o.Path(rel), Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
}

// wrapTable names the output file in write errors.
type wrapTable struct {
	TableWriter
	o   *OutputSet
	rel string
}

func (w *wrapTable) Write(rec []string) error {
	if err := w.TableWriter.Write(rec); err != nil {
		return w.o.wrap(w.rel, err)
	}
	return nil
}

func (w *wrapTable) Close() error {
	if err := w.TableWriter.Close(); err != nil {
		return w.o.wrap(w.rel, err)
	}
	return nil
}

// wrapLines is a wrapTable over a CSV table: a LinesWriter.
type wrapLines struct{ wrapTable }

func (w *wrapLines) WriteLines(p []byte) error {
	if err := w.TableWriter.(LinesWriter).WriteLines(p); err != nil {
		return w.o.wrap(w.rel, err)
	}
	return nil
}

// Commit moves every written file into place.
func (o *OutputSet) Commit() error {
	defer os.RemoveAll(o.tmp)
	sort.Strings(o.files)
	for _, rel := range o.files {
		final := o.Path(rel)
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return o.wrap(rel, err)
		}
		if err := os.Rename(filepath.Join(o.tmp, rel), final); err != nil {
			return o.wrap(rel, err)
		}
	}
	return nil
}

// Abort throws the temporary files away; earlier outputs stay untouched.
func (o *OutputSet) Abort() { os.RemoveAll(o.tmp) }

// AtomicFile is one output file written to a temporary file beside it and
// renamed into place on Commit; "-" writes to Writer directly.
type AtomicFile struct {
	io.Writer
	path string
	tmp  *os.File
}

// CreateAtomic starts writing path ("-": standard output), refusing to
// replace any of inputs.
func CreateAtomic(path string, inputs []string) (*AtomicFile, error) {
	if path == "-" {
		return &AtomicFile{Writer: os.Stdout, path: path}, nil
	}
	abs, _ := filepath.Abs(path)
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		if a, _ := filepath.Abs(in); a == abs || sameFile(in, path) {
			return nil, &Error{File: path, Err: fmt.Errorf("%w: output would overwrite the input %s", ErrOutput, in)}
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	return &AtomicFile{Writer: tmp, path: path, tmp: tmp}, nil
}

func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// Commit renames the finished file into place.
func (f *AtomicFile) Commit() error {
	if f.tmp == nil {
		return nil
	}
	if err := f.tmp.Close(); err != nil {
		os.Remove(f.tmp.Name())
		return &Error{File: f.path, Err: fmt.Errorf("%w: %w", ErrOutput, err)}
	}
	if err := os.Rename(f.tmp.Name(), f.path); err != nil {
		os.Remove(f.tmp.Name())
		return &Error{File: f.path, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	return nil
}

// Abort removes the temporary file; an earlier file at path stays.
func (f *AtomicFile) Abort() {
	if f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
	}
}

// Staged is where rel is while the set is being written, before Commit:
// for a step that reads back what the run wrote (report.html).
func (o *OutputSet) Staged(rel string) string { return filepath.Join(o.tmp, rel) }
