package formats

import (
	"os"
	"path/filepath"
)

// Create creates a plain file rel in the temporary directory, to be written
// as a stream (File takes the whole content at once). It is moved into place
// on Commit like the tables.
func (o *OutputSet) Create(rel string) (*OutputFile, error) {
	if err := o.Check(rel); err != nil {
		return nil, err
	}
	o.add(rel)
	tmp := filepath.Join(o.tmp, rel)
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		return nil, o.wrap(rel, err)
	}
	f, err := os.Create(tmp)
	if err != nil {
		return nil, o.wrap(rel, err)
	}
	return &OutputFile{f: f, o: o, rel: rel}, nil
}

// OutputFile is a plain output file being written; errors name its final path.
type OutputFile struct {
	f   *os.File
	o   *OutputSet
	rel string
}

func (w *OutputFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		return n, w.o.wrap(w.rel, err)
	}
	return n, nil
}

// Close closes the file; it must be called once, also after a failed write.
func (w *OutputFile) Close() error {
	if err := w.f.Close(); err != nil {
		return w.o.wrap(w.rel, err)
	}
	return nil
}
