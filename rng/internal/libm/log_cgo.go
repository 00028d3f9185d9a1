//go:build cgo

package libm

/*
#cgo LDFLAGS: -lm
#include <math.h>

// palmc_logs sets x[i] = log(x[i]) with the C library's log. The call goes
// through a volatile pointer so that no compiler flag can swap in a
// vectorised variant with other rounding.
static void palmc_logs(double *x, int n) {
	double (*volatile f)(double) = log;
	for (int i = 0; i < n; i++) {
		x[i] = f(x[i]);
	}
}
*/
import "C"

import "unsafe"

// IsC reports whether Logs uses the C library's logarithm.
const IsC = true

// Logs sets x[i] = ln(x[i]) with the C library's logarithm. One cgo call
// serves the whole slice: a call costs about as much as five logarithms.
func Logs(x []float64) {
	if len(x) == 0 {
		return
	}
	C.palmc_logs((*C.double)(unsafe.Pointer(&x[0])), C.int(len(x)))
}
