package formats

import "os"

// Create creates a plain file rel in the new set, to be written as a
// stream (File takes the whole content at once).
func (o *OutputSet) Create(rel string) (*OutputFile, error) {
	f, err := o.create(rel)
	if err != nil {
		return nil, err
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
