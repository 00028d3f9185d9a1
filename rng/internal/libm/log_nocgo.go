//go:build !cgo

package libm

import "math"

// IsC reports whether Logs uses the C library's logarithm.
const IsC = false

// Logs sets x[i] = math.Log(x[i]): without cgo the C library is out of
// reach. math.Log agrees with it for most but not all arguments.
func Logs(x []float64) {
	for i, v := range x {
		x[i] = math.Log(v)
	}
}
