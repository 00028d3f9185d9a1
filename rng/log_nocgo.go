//go:build !cgo

package rng

import "math"

// logs sets x[i] = math.Log(x[i]) when cgo is disabled. math.Log agrees
// with the C library's log, which numpy calls, for most but not all
// arguments, so normal draws may then differ from numpy in the last bit.
func logs(x []float64) {
	for i, v := range x {
		x[i] = math.Log(v)
	}
}

// libmLog reports whether logs uses the C library's logarithm.
const libmLog = false
