//go:build !cgo

package rng

import "math"

// log is math.Log when cgo is disabled. It agrees with the C library's log,
// which numpy calls, for most but not all arguments, so normal draws may
// then differ from numpy in the last bit.
func log(x float64) float64 {
	return math.Log(x)
}

// libmLog reports whether log is the C library's logarithm.
const libmLog = false
