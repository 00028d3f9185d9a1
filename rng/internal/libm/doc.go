// Package libm gives the rng package the natural logarithm of the C
// library, the function numpy's legacy Gaussian calls, in batches. Its
// last bit differs from math.Log for a few percent of arguments, so it is
// what keeps normal draws bit for bit equal to numpy's on the same
// machine. Without cgo, Logs falls back to math.Log and IsC is false.
//
// It is a package of its own because a Go package cannot hold both cgo
// and assembly, and rng has assembly kernels.
package libm
