package mem

// Chain warms chains of dependent loads for a batch of starting points
// (an index, then the entry it names, then what that entry names...), a
// stage at a time. One load after another, as a loop over the batch makes
// them, each waits for memory; the same loads in tight loops, stage by
// stage, are in flight together. It changes nothing but what is in the
// cache. The zero Chain is ready to use; one goroutine at a time.
type Chain struct {
	at  []int32 // each chain's current link; < 0: the chain has ended
	sum int64
}

// Start begins a chain at each of links; a negative one is no chain.
func (c *Chain) Start(links ...int32) { c.at = append(c.at[:0], links...) }

// Add begins one more chain at link.
func (c *Chain) Add(link int32) { c.at = append(c.at, link) }

// Step moves every chain on from its link to next(link); next returns a
// negative number to end the chain.
func (c *Chain) Step(next func(link int32) int32) {
	for k, i := range c.at {
		if i >= 0 {
			c.at[k] = next(i)
		}
	}
}

// End makes every chain's last load, load(link), and keeps the loads
// (Keep) so that the compiler does not drop them.
func (c *Chain) End(load func(link int32) int64) {
	for _, i := range c.at {
		if i >= 0 {
			c.sum += load(i)
		}
	}
	Keep(c.sum)
}
