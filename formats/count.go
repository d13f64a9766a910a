package formats

import "io"

// counting reports the bytes read through it to Options.Progress, for a
// progress bar that knows the files' sizes.
type counting struct {
	r    io.Reader
	file string
	hear func(file string, n int)
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.hear(c.file, n)
	}
	return n, err
}

// countBytes wraps r when someone listens.
func countBytes(r io.Reader, file string, opt Options) io.Reader {
	if opt.Progress == nil {
		return r
	}
	return &counting{r, file, opt.Progress}
}
