// Package radix sorts unsigned numbers by their bytes: faster than a
// comparison sort for the thousands of packed membership rows of a group.
package radix

// Sort sorts a, a byte at a time from the lowest, through tmp (as long as
// a); it returns the sorted numbers, in a or in tmp. A byte all numbers
// share costs one counting pass.
func Sort(a, tmp []uint64) []uint64 {
	var all uint64
	for _, v := range a {
		all |= v
	}
	for shift := 0; shift < 64 && all>>shift != 0; shift += 8 {
		var at [256]int
		for _, v := range a {
			at[byte(v>>shift)]++
		}
		if at[byte(a[0]>>shift)] == len(a) {
			continue
		}
		sum := 0
		for i, c := range at {
			at[i] = sum
			sum += c
		}
		for _, v := range a {
			b := byte(v >> shift)
			tmp[at[b]] = v
			at[b]++
		}
		a, tmp = tmp, a
	}
	return a
}
