package formats

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OutputSet writes a run's outputs into a fresh folder beside the output
// folder and, on Commit, swaps that folder in for the output folder in one
// atomic step (see swap.go). A reader or a crash sees the earlier set or the
// new one, never a mix; files of an earlier run that this run did not make
// go with the earlier set. Entries of the output folder that civisync did
// not write are carried over into the new set (as hard links: the same
// files). A lock beside the folder keeps a second run out meanwhile.
type OutputSet struct {
	mu      sync.Mutex // tables are created from several goroutines; Commit and Abort exclude each other
	dir     string     // the output folder as given: Path and messages use it
	real    string     // dir with symlinks resolved: the folder swapped
	tmp     string     // the new set, beside real until Commit
	format  Format
	files   []string        // relative paths, in creation order, each once
	made    map[string]bool // files, as a set
	dirs    map[string]bool // folders made in tmp, to sync before the swap
	owned   map[string]bool // top-level names an earlier run may have left: replaced, never carried over
	inputs  []inputFile
	lock    *dirLock
	state   setState
	hooked  bool // the "write" test hook has run
	created bool // dir did not exist: an aborted run removes it again if it is still empty
}

type setState int

const (
	setOpen setState = iota
	setCommitted
	setAborted
)

// inputFile is an input as given, with its identity (device and inode):
// an output is refused when it is the same file, by whatever path.
type inputFile struct {
	name  string
	info  os.FileInfo // nil: not there (yet): its paths still count
	paths []string    // absolute, as given and with symlinks resolved
}

// NewOutputSet prepares dir (creating it) for the run's outputs: it takes
// the folder's lock (a second run into dir fails at once), removes what a
// killed run left beside it, and makes the new set's folder. inputs are the
// run's input paths: no output may replace one of them.
func NewOutputSet(dir string, format Format, inputs []string) (*OutputSet, error) {
	fail := func(err error) (*OutputSet, error) {
		return nil, &Error{File: dir, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		restoreAside(abs)
	}
	_, missing := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return fail(err)
	}
	if err := notWorkingDir(real); err != nil {
		return fail(err)
	}
	if mountPoint(real) {
		return fail(errors.New("the output folder is a mount point, which cannot be swapped for a new one: give a folder inside it"))
	}
	abandon(real)
	parent, base := filepath.Dir(real), filepath.Base(real)
	beside := func(err error) (*OutputSet, error) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("civisync writes beside the output folder, in %s: %w", parent, pe.Err)
		}
		return fail(err)
	}
	lock, err := lockDir(filepath.Join(parent, ".civisync-"+base+".lock"))
	if err != nil {
		return beside(err)
	}
	o := &OutputSet{dir: dir, real: real, format: format, made: map[string]bool{}, dirs: map[string]bool{},
		owned: map[string]bool{}, lock: lock, created: missing != nil}
	removeStale(parent, base)
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		in := inputFile{name: in}
		in.info, _ = os.Stat(in.name)
		if abs, err := filepath.Abs(in.name); err == nil {
			in.paths = append(in.paths, abs)
		}
		if real, err := filepath.EvalSymlinks(in.name); err == nil {
			if abs, err := filepath.Abs(real); err == nil {
				in.paths = append(in.paths, abs)
			}
		}
		o.inputs = append(o.inputs, in)
	}
	if err := o.checkCarriable(); err != nil {
		lock.unlock()
		return nil, err
	}
	if o.tmp, err = makeStaging(parent, base); err != nil {
		lock.unlock()
		return beside(err)
	}
	o.dirs[o.tmp] = true
	register(o)
	testHook("open")
	return o, nil
}

// stagingPrefix names the new set's folder beside the output folder base:
// ".civisync-tmp-BASE-NUMBER".
func stagingPrefix(base string) string { return ".civisync-tmp-" + base + "-" }

func makeStaging(parent, base string) (string, error) {
	for i := 0; ; i++ {
		name := filepath.Join(parent, stagingPrefix(base)+strconv.FormatInt(time.Now().UnixNano()+int64(i), 10))
		err := os.Mkdir(name, 0o755)
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return name, err
		}
	}
}

// removeStale removes the folders a killed run into base left beside it:
// a set half written, or the earlier set it had just swapped out. The
// caller holds base's lock, so no live run owns them.
func removeStale(parent, base string) {
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		for _, prefix := range []string{stagingPrefix(base), asidePrefix(base)} {
			n, ok := strings.CutPrefix(e.Name(), prefix)
			if ok && n != "" && strings.Trim(n, "0123456789") == "" { // not another folder's, whose base starts like this one
				removeTree(filepath.Join(parent, e.Name()))
			}
		}
	}
	// An older civisync staged inside the output folder.
	inside, _ := os.ReadDir(filepath.Join(parent, base))
	for _, e := range inside {
		if strings.HasPrefix(e.Name(), ".civisync-tmp-") {
			os.RemoveAll(filepath.Join(parent, base, e.Name()))
		}
	}
}

// notWorkingDir refuses an output folder that holds the working directory:
// the swap would leave the shell that started civisync in a removed folder.
func notWorkingDir(real string) error {
	wd, err := os.Getwd()
	if err != nil {
		return nil
	}
	out, err := os.Stat(real)
	if err != nil {
		return err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && os.SameFile(fi, out) {
			return errors.New("the output folder holds the working directory: civisync replaces the folder as a whole, give it one of its own (e.g. --out civisync-out)")
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// Owns names entries at the top of the output folder that an earlier run
// may have made although this one does not (the other format's tables,
// --split's folders): they go with the earlier set instead of being
// carried over into the new one.
func (o *OutputSet) Owns(names ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, n := range names {
		o.owned[n] = true
	}
}

// Dir is the final output directory.
func (o *OutputSet) Dir() string { return o.dir }

// Format is the format tables are written in.
func (o *OutputSet) Format() Format { return o.format }

// Path is where rel will finally be.
func (o *OutputSet) Path(rel string) string { return filepath.Join(o.dir, rel) }

// Check refuses an output that would replace an input: the same file
// (device and inode), whatever path, symlink, hard link or bind mount
// leads to it.
func (o *OutputSet) Check(rel string) error {
	final := filepath.Join(o.real, rel)
	fi, err := os.Stat(final)
	abs, _ := filepath.Abs(o.Path(rel))
	for _, in := range o.inputs {
		if err == nil && in.info != nil && os.SameFile(fi, in.info) || slices.Contains(in.paths, final) || slices.Contains(in.paths, abs) {
			return &Error{File: o.Path(rel), Err: fmt.Errorf("%w: output would overwrite the input %s", ErrOutput, in.name)}
		}
	}
	return nil
}

// create makes the file rel in the new set, its folders first.
func (o *OutputSet) create(rel string) (*os.File, error) {
	if err := o.Check(rel); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.state != setOpen {
		return nil, o.wrap(rel, errors.New("the output set was already committed or aborted"))
	}
	tmp := filepath.Join(o.tmp, rel)
	for d := filepath.Dir(tmp); !o.dirs[d]; d = filepath.Dir(d) {
		o.dirs[d] = true
	}
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		return nil, o.wrap(rel, err)
	}
	if !o.made[rel] {
		o.made[rel] = true
		o.files = append(o.files, rel)
	}
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, o.wrap(rel, err)
	}
	return f, nil
}

// Table creates the table rel (its extension chosen by the set's format)
// with the given header, in the new set. Creating a table again, once the
// first writer is closed, starts it over.
func (o *OutputSet) Table(base string, header []string) (TableWriter, error) {
	rel := base + "." + string(o.format)
	f, err := o.create(rel)
	if err != nil {
		return nil, err
	}
	o.writeHook()
	if o.format == XLSX {
		// Created here, 0644, and saved into as it is: excelize would
		// create it executable, and anew after an interrupt removed it.
		tw, err := newXLSXTable(f.Name(), f, header)
		if err != nil {
			f.Close()
			return nil, o.wrap(rel, err)
		}
		return &wrapTable{tw, o, rel}, nil
	}
	tw, err := NewCSVTable(f, header)
	if err != nil {
		f.Close()
		return nil, o.wrap(rel, err)
	}
	return &wrapLines{wrapTable{tw, o, rel}}, nil
}

// File creates a plain file rel (e.g. summary.json) in the new set.
func (o *OutputSet) File(rel string, data []byte) error {
	f, err := o.create(rel)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return o.wrap(rel, err)
	}
	return nil
}

// writeHook pauses once, at the first file, for tests of interrupts.
func (o *OutputSet) writeHook() {
	o.mu.Lock()
	first := !o.hooked
	o.hooked = true
	o.mu.Unlock()
	if first {
		testHook("write")
	}
}

// syncedFile reaches the disk before it is closed.
type syncedFile struct{ *os.File }

func (f syncedFile) Close() error {
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	return err
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

// syncPath flushes a file or folder to the disk.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Commit makes the new set current. In order: entries of the output folder
// that civisync did not write are carried over into the new set; the new
// set's files and folders are synced to the disk (a crash after the swap
// must not find files the disk never got); then one rename swaps the new
// set's folder with the output folder (see swap.go) and the parent folder
// is synced. The earlier set, now beside the output folder, is removed
// afterwards. Until the swap the output folder is untouched; after it, it
// holds the whole new set.
func (o *OutputSet) Commit() error {
	o.mu.Lock()
	if o.state != setOpen {
		o.mu.Unlock()
		return &Error{File: o.dir, Err: fmt.Errorf("%w: the output set was already committed or aborted", ErrOutput)}
	}
	err := o.swap()
	if err != nil {
		o.abortLocked()
		o.mu.Unlock()
		return err
	}
	o.state = setCommitted
	o.mu.Unlock()
	unregister(o)
	// The earlier set is now at o.tmp. A crash before it is gone leaves it
	// there for the next run to remove.
	testHook("cleanup")
	removeTree(o.tmp)
	o.lock.unlock()
	return nil
}

func (o *OutputSet) swap() error {
	outErr := func(file string, err error) error {
		return &Error{File: file, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	owned := o.ownedNames()
	if err := o.inputsKept(owned); err != nil {
		return err
	}
	if err := o.carryOver(owned); err != nil {
		return err
	}
	// After the carry-over: the links it made are entries of the folders.
	if rel, err := syncAll(o.tmp, o.files, o.dirs); err != nil {
		return outErr(o.Path(rel), err)
	}
	if fi, err := os.Stat(o.real); err == nil {
		os.Chmod(o.tmp, fi.Mode().Perm()) // the folder keeps its permissions
	}
	if err := testHook("swap"); err != nil {
		return outErr(o.dir, err)
	}
	if err := exchange(o.tmp, o.real); err != nil {
		return outErr(o.dir, err)
	}
	// Swapped: from here on the run has succeeded. A failed flush of the
	// parent only means the swap may not survive a power loss yet; the
	// kernel writes it soon anyway.
	syncPath(filepath.Dir(o.real))
	return nil
}

// ownedNames: the entries at the top of the output folder that belong to
// civisync's output sets: this set's, each table in the other format too,
// and those named by Owns.
func (o *OutputSet) ownedNames() map[string]bool {
	owned := map[string]bool{}
	for n := range o.owned {
		owned[n] = true
	}
	for _, rel := range o.files {
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		owned[top] = true
		for _, f := range []Format{CSV, XLSX} {
			if ext := "." + string(f); strings.HasSuffix(top, ext) {
				stem := strings.TrimSuffix(top, ext)
				owned[stem+".csv"], owned[stem+".xlsx"] = true, true
			}
		}
	}
	return owned
}

func isOwned(owned map[string]bool, name string) bool {
	return owned[name] || strings.HasPrefix(name, ".civisync-tmp-")
}

// inputsKept refuses a swap that would take an input away with the
// earlier set: an input that is (or is inside) an earlier output.
func (o *OutputSet) inputsKept(owned map[string]bool) error {
	out, err := os.Stat(o.real)
	if err != nil {
		return nil
	}
	for _, in := range o.inputs {
		if in.info == nil {
			continue
		}
		real, err := filepath.EvalSymlinks(in.name)
		if err != nil {
			continue
		}
		real, _ = filepath.Abs(real)
		// Up from the input to the output folder, by identity: a bind
		// mount of the folder is found too.
		for d, top := filepath.Dir(real), filepath.Base(real); filepath.Dir(d) != d; d, top = filepath.Dir(d), filepath.Base(d) {
			if fi, err := os.Stat(d); err == nil && os.SameFile(fi, out) {
				if isOwned(owned, top) {
					return &Error{File: in.name, Err: fmt.Errorf("%w: this input is an earlier output in %s, which this run replaces: copy it elsewhere first", ErrOutput, o.dir)}
				}
				break
			}
		}
	}
	return nil
}

// list reads the output folder's entries, and the folder's own file info
// (to tell a mount point below it).
func (o *OutputSet) list() ([]os.DirEntry, os.FileInfo, error) {
	entries, err := os.ReadDir(o.real)
	if err != nil {
		return nil, nil, &Error{File: o.dir, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	out, err := os.Stat(o.real)
	if err != nil {
		return nil, nil, &Error{File: o.dir, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	return entries, out, nil
}

// checkCarriable refuses, before any work, an output folder holding
// something that cannot be carried over into a new set (a FIFO, a socket,
// a device, a mount point).
func (o *OutputSet) checkCarriable() error {
	entries, out, err := o.list()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if isOwned(nil, e.Name()) {
			continue
		}
		if err := carriable(filepath.Join(o.real, e.Name()), e.Type(), out); err != nil {
			return &Error{File: o.Path(e.Name()), Err: fmt.Errorf("%w: %w", ErrOutput, err)}
		}
	}
	return nil
}

func carriable(path string, mode fs.FileMode, out os.FileInfo) error {
	switch {
	case mode.IsRegular(), mode&fs.ModeSymlink != 0:
		return nil
	case mode.IsDir():
		if fi, err := os.Stat(path); err == nil && !sameDevice(fi, out) {
			return errNotCarriable("a mount point")
		}
		return nil
	}
	return errNotCarriable("not a file or a folder")
}

func errNotCarriable(what string) error {
	return fmt.Errorf("%s, which civisync did not write and cannot keep when it replaces the output folder: move it away, or give --out a folder of its own", what)
}

// carryOver links every entry of the output folder that civisync did not
// write into the new set: files as hard links (the same files, not copies),
// symlinks as symlinks, folders made anew around their linked files. The
// originals stay in place until the swap, so no moment loses them.
func (o *OutputSet) carryOver(owned map[string]bool) error {
	entries, out, err := o.list()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if isOwned(owned, e.Name()) {
			continue
		}
		if err := carry(filepath.Join(o.real, e.Name()), filepath.Join(o.tmp, e.Name()), out); err != nil {
			rel, _ := filepath.Rel(o.real, errPath(err, filepath.Join(o.real, e.Name())))
			return &Error{File: o.Path(rel), Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
		}
	}
	return nil
}

// errPath is the path an error names, or def.
func errPath(err error, def string) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Old
	}
	return def
}

func carry(src, dst string, out os.FileInfo) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if err := carriable(src, fi.Mode().Type(), out); err != nil {
		return &fs.PathError{Op: "keep", Path: src, Err: err}
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case fi.IsDir():
		if err := os.Mkdir(dst, fi.Mode().Perm()); err != nil {
			return err
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := carry(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), out); err != nil {
				return err
			}
		}
		os.Chmod(dst, fi.Mode().Perm()) // Mkdir's mode went through the umask
		return syncPath(dst)
	default:
		return os.Link(src, dst)
	}
}

// Abort throws the new set away and releases the folder; the earlier
// outputs stay untouched. It waits for a Commit under way, and does nothing
// once the set is committed.
func (o *OutputSet) Abort() {
	o.mu.Lock()
	o.abortLocked()
	o.mu.Unlock()
}

// abort is Abort for the interrupt handler: whether the set was aborted
// (false: it was already committed, or aborted before).
func (o *OutputSet) abort() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.abortLocked()
}

func (o *OutputSet) abortLocked() bool {
	if o.state != setOpen {
		return false
	}
	o.state = setAborted
	removeTree(o.tmp)
	if o.created {
		os.Remove(o.real) // only if empty: a run that failed leaves no trace
	}
	o.lock.unlock()
	unregister(o)
	return true
}

// AtomicFile is one output file written to a temporary file beside it and
// renamed into place on Commit; "-" writes to Writer directly.
type AtomicFile struct {
	io.Writer
	path string
	tmp  *os.File
	mu   sync.Mutex // Commit and an interrupt's abort exclude each other
	done bool
}

// CreateAtomic starts writing path ("-": standard output), refusing to
// replace any of inputs (by identity: symlinks and hard links included).
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
	// Not os.CreateTemp: its 0600 would stay with the output.
	var tmp *os.File
	var err error
	for i := 0; ; i++ {
		name := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+strconv.FormatInt(time.Now().UnixNano()+int64(i), 10))
		tmp, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			break
		}
	}
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("%w: %w", ErrOutput, unwrapPathError(err))}
	}
	f := &AtomicFile{Writer: tmp, path: path, tmp: tmp}
	register(f)
	return f, nil
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
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return &Error{File: f.path, Err: fmt.Errorf("%w: already committed or aborted", ErrOutput)}
	}
	f.done = true
	defer unregister(f)
	if err := (syncedFile{f.tmp}).Close(); err != nil {
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
func (f *AtomicFile) Abort() { f.abort() }

func (f *AtomicFile) abort() bool {
	if f.tmp == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return false
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
	unregister(f)
	return true
}

// Staged is where rel is while the set is being written, before Commit:
// for a step that reads back what the run wrote (report.html).
func (o *OutputSet) Staged(rel string) string { return filepath.Join(o.tmp, rel) }
