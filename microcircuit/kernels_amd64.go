//go:build amd64 && !purego

package microcircuit

import "golang.org/x/sys/cpu"

// useAVX2 selects the AVX2 kernels of kernels_amd64.s.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func logisticAVX2(dst, x, r *float64, n int, s float64) bool

//go:noescape
func breveAVX2(dst, u, uOld, tau *float64, n int, dt float64)

//go:noescape
func somaAVX2(u, p, q *float64, n int, dt, t, g1, g2 float64)

//go:noescape
func gemvAVX2(dst, a *float64, rows, cols int, x *float64)

//go:noescape
func gemv2AVX2(dst, a, b *float64, rows, cols int, xa, xb *float64)

//go:noescape
func addOuterAVX2(m *float64, rows, cols int, x, y *float64, a float64)

//go:noescape
func addOuterDecayAVX2(m *float64, rows, cols int, x, y *float64, a, reg float64)

//go:noescape
func addLowPassedOuterAVX2(m, lo *float64, rows, cols int, x, y *float64, b, a float64)

//go:noescape
func scaleAddAVX2(m, lo *float64, n int, c float64)

//go:noescape
func gemvLowPassedOuterAVX2(dst, m, lo *float64, rows, cols int, v, x, y *float64, b, a float64)

//go:noescape
func ouAVX2(noise, w *float64, n int, a, negdt, b, scale float64)

//go:noescape
func highPassAVX2(hi, r, rOld *float64, n int, a float64)

//go:noescape
func activeBlocksAVX2(dst *int32, x, y *float64, nblocks int) int

//go:noescape
func decayBlockAVX2(m, lo *float64, rows, stride, k int, b float64)

//go:noescape
func gemvBlocksAVX2(dst, m *float64, rows, cols int, v *float64, blocks *int32, nb int)

//go:noescape
func gemvLowPassedOuterBlocksAVX2(dst, m, lo *float64, rows, cols int, v, x, y *float64, b, a float64, blocks *int32, nb int)

//go:noescape
func addOuter3AVX2(m *float64, groups int, x, yp *float64, a float64)

//go:noescape
func addOuterDecay3AVX2(m *float64, groups int, x, yp *float64, a, reg float64)

//go:noescape
func heldPassAVX2(w, lo *float64, rows, cols int, ops *int32, nops int, f *float64, p, d, r, u, v, su, sv *float64, gs, pk float64, lowPass int, wp, lp *float64)
