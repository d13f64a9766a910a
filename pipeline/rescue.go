package pipeline

// rescue carries a panic out of a goroutine. A panic in a goroutine of its
// own ends the process with a Go stack trace, out of reach of the command's
// recover (one line, exit status 4). Defer catch in the goroutine and call
// rethrow, once it is done, in the goroutine that waits for it.
type rescue struct {
	val any
	ok  bool
}

// catch must be deferred directly: recover only works there.
func (r *rescue) catch() {
	if v := recover(); v != nil {
		r.val, r.ok = v, true
	}
}

func (r *rescue) rethrow() {
	if r.ok {
		panic(r.val)
	}
}
