package formats

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOutputSetCreate(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	if err := os.WriteFile(in, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := NewOutputSet(dir, CSV, []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Create("in.json"); !errors.Is(err, ErrOutput) {
		t.Errorf("creating over an input: %v, want ErrOutput", err)
	}
	w, err := o.Create("api4/groups.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(`{"records":[]}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(dir, "api4", "groups.json")
	if _, err := os.Stat(final); !os.IsNotExist(err) {
		t.Errorf("written before Commit: %v", err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(final)
	if err != nil || string(got) != `{"records":[]}` {
		t.Errorf("after Commit: %q, %v", got, err)
	}
}
