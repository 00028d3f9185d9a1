//go:build !amd64 || purego

package microcircuit

// useAVX2 is false: the Go loops of mat.go and activation.go run.
const useAVX2 = false

func logisticAVX2(dst, x, r *float64, n int, s float64) bool { panic("microcircuit: no AVX2 kernels") }

func breveAVX2(dst, u, uOld, tau *float64, n int, dt float64) { panic("microcircuit: no AVX2 kernels") }

func somaAVX2(u, p, q *float64, n int, dt, t, g1, g2 float64) { panic("microcircuit: no AVX2 kernels") }

func gemvAVX2(dst, a *float64, rows, cols int, x *float64) { panic("microcircuit: no AVX2 kernels") }

func gemv2AVX2(dst, a, b *float64, rows, cols int, xa, xb *float64) {
	panic("microcircuit: no AVX2 kernels")
}

func addOuterAVX2(m *float64, rows, cols int, x, y *float64, a float64) {
	panic("microcircuit: no AVX2 kernels")
}

func addOuterDecayAVX2(m *float64, rows, cols int, x, y *float64, a, reg float64) {
	panic("microcircuit: no AVX2 kernels")
}

func addLowPassedOuterAVX2(m, lo *float64, rows, cols int, x, y *float64, b, a float64) {
	panic("microcircuit: no AVX2 kernels")
}

func scaleAddAVX2(m, lo *float64, n int, c float64) { panic("microcircuit: no AVX2 kernels") }

func gemvLowPassedOuterAVX2(dst, m, lo *float64, rows, cols int, v, x, y *float64, b, a float64) {
	panic("microcircuit: no AVX2 kernels")
}

func ouAVX2(noise, w *float64, n int, a, negdt, b, scale float64) {
	panic("microcircuit: no AVX2 kernels")
}

func highPassAVX2(hi, r, rOld *float64, n int, a float64) { panic("microcircuit: no AVX2 kernels") }

func activeBlocksAVX2(dst *int32, x, y *float64, nblocks int) int {
	panic("microcircuit: no AVX2 kernels")
}

func decayBlockAVX2(m, lo *float64, rows, stride, k int, b float64) {
	panic("microcircuit: no AVX2 kernels")
}

func gemvBlocksAVX2(dst, m *float64, rows, cols int, v *float64, blocks *int32, nb int) {
	panic("microcircuit: no AVX2 kernels")
}

func gemvLowPassedOuterBlocksAVX2(dst, m, lo *float64, rows, cols int, v, x, y *float64, b, a float64, blocks *int32, nb int) {
	panic("microcircuit: no AVX2 kernels")
}

func addOuter3AVX2(m *float64, groups int, x, yp *float64, a float64) {
	panic("microcircuit: no AVX2 kernels")
}

func addOuterDecay3AVX2(m *float64, groups int, x, yp *float64, a, reg float64) {
	panic("microcircuit: no AVX2 kernels")
}

func heldPassAVX2(w, lo *float64, rows, cols int, ops *int32, nops int, f *float64, p, d, r, u, v, su, sv *float64, gs, pk float64, lowPass int, wp, lp *float64) {
	panic("microcircuit: no AVX2 kernels")
}
