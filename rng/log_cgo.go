//go:build cgo

package rng

/*
#cgo LDFLAGS: -lm
#include <math.h>

// palmc_logs sets x[i] = log(x[i]) with the C library's log, the function
// numpy's legacy Gaussian calls. The call goes through a volatile pointer so
// that no compiler flag can swap in a vectorised variant with other
// rounding.
static void palmc_logs(double *x, int n) {
	double (*volatile f)(double) = log;
	for (int i = 0; i < n; i++) {
		x[i] = f(x[i]);
	}
}
*/
import "C"

import "unsafe"

// logs sets x[i] = ln(x[i]) with the C library's logarithm, the function
// that numpy's legacy Gaussian calls. Its last bit differs from math.Log
// for a few percent of arguments, so it is used to stay bit for bit with
// numpy on the same machine. One cgo call serves the whole slice: a call
// costs about as much as five logarithms.
func logs(x []float64) {
	if len(x) == 0 {
		return
	}
	C.palmc_logs((*C.double)(unsafe.Pointer(&x[0])), C.int(len(x)))
}

// libmLog reports whether logs uses the C library's logarithm.
const libmLog = true
