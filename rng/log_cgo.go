//go:build cgo

package rng

// #cgo LDFLAGS: -lm
// #include <math.h>
import "C"

// log is the natural logarithm of the C library, the function that numpy's
// legacy Gaussian calls. Its last bit differs from math.Log for a few
// percent of arguments, so it is used to stay bit for bit with numpy on the
// same machine.
func log(x float64) float64 {
	return float64(C.log(C.double(x)))
}

// libmLog reports whether log is the C library's logarithm.
const libmLog = true
