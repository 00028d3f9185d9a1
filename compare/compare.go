// Package compare measures how far a network's backward pathway is from
// backprop's (docs/model.md §8): the angles between BPP and the transposed forward
// weights, with and without the activation derivatives.
//
// For matrices A and B, cos(A, B) = trace(AᵀB)/(‖A‖_F·‖B‖_F) and the angle is
// arccos(cos) in degrees, with cos clipped to [-1, 1] so that round-off past
// ±1 (always the case for 1×1 matrices) gives 0 or 180 instead of NaN.
// A zero matrix has no direction: its angle is NaN.
//
// # Skip connectivity
//
// With the seed-era skip connectivity (docs/model.md §11) BPP[k] carries the output
// layer's rates straight to hidden layer k, so backprop's counterpart is the
// whole chain from the output down to layer k. With D_j =
// diag(phi'_j(c·vbas[j])), P[k] = WPP[k+1]ᵀ·WPP[k+2]ᵀ⋯WPP[N-1]ᵀ and
// PD[k] = D_k·WPP[k+1]ᵀ·D_{k+1}·WPP[k+2]ᵀ⋯D_{N-2}·WPP[N-1]ᵀ (the derivative
// of every layer from k to the last hidden one), the three angles are
//   - angle_WPPT_BPP: between P[k] and BPP[k] (docs/model.md §8, "skip form");
//   - angle_jacobians_BP: between BPP[k]·D_{N-1} and PD[k];
//   - angle_BPP_RHS: between BPP[k] and PD[k]·D_{N-1}.
//
// For the last hidden layer (k = H-1) these are the layered angles, so one
// hidden layer gives the same numbers with either connectivity.
package compare

import (
	"math"

	"palmc/microcircuit"
)

// Names of the three angles, as stored in results files.
const (
	WPPTBPP     = "angle_WPPT_BPP"
	JacobiansBP = "angle_jacobians_BP"
	BPPRHS      = "angle_BPP_RHS"
)

// Names lists the angles in the order Angles returns them.
var Names = [3]string{WPPTBPP, JacobiansBP, BPPRHS}

// Comparer holds scratch space so that repeated comparisons do not allocate.
type Comparer struct {
	d0, d1 []float64
	// Skip connectivity: the derivative diagonals of every pyramidal layer
	// and the products P, PD, with room for the next factor.
	d            [][]float64
	p, pd, q, qd []float64
}

// Angles returns, for hidden layer k of n, the angles (degrees) between
//   - WPP[k+1]ᵀ and BPP[k],
//   - BPP[k]·diag(phi'_{k+1}(c·vbas[k+1])) and diag(phi'_k(c·vbas[k]))·WPP[k+1]ᵀ,
//   - BPP[k] and diag(phi'_k(c·vbas[k]))·WPP[k+1]ᵀ·diag(phi'_{k+1}(c·vbas[k+1])),
//
// with c = gbas/(gl+gbas+gapi) for every layer, as the published code does.
//
// With skip connectivity, hidden layers below the last one use the products
// of the package comment.
func (cp *Comparer) Angles(n *microcircuit.Network, k int) (wppt, jac, rhs float64) {
	cfg := &n.Cfg
	if cfg.Connectivity == microcircuit.Skip && k < cfg.H()-1 {
		return cp.skipAngles(n, k)
	}
	c := cfg.Gbas / (cfg.Gl + cfg.Gbas + cfg.Gapi)
	B := n.BPP[k]
	W := n.WPP[k+1] // rows = layers[k+2] = B.Cols, cols = B.Rows
	rows, cols := B.Rows, B.Cols
	cp.d0 = grow(cp.d0, rows)
	cp.d1 = grow(cp.d1, cols)
	for i, v := range n.VBas[k] {
		cp.d0[i] = cfg.Activations[k].Deriv(c * v)
	}
	for j, v := range n.VBas[k+1] {
		cp.d1[j] = cfg.Activations[k+1].Deriv(c * v)
	}
	var dotWB, nB, nW, dotJ, nBJ, nWJ, dotR, nR float64
	for i := 0; i < rows; i++ {
		d0 := cp.d0[i]
		for j := 0; j < cols; j++ {
			b := B.Data[i*cols+j]
			w := W.Data[j*rows+i]
			d1 := cp.d1[j]
			dotWB += w * b
			nB += b * b
			nW += w * w
			bj := b * d1
			wj := d0 * w
			dotJ += bj * wj
			nBJ += bj * bj
			nWJ += wj * wj
			r := wj * d1
			dotR += b * r
			nR += r * r
		}
	}
	wppt = Degrees(cosine(dotWB, nW, nB))
	jac = Degrees(cosine(dotJ, nBJ, nWJ))
	rhs = Degrees(cosine(dotR, nB, nR))
	return wppt, jac, rhs
}

// cosine returns dot/√na/√nb, the cosine of two matrices from their
// trace product and squared norms; NaN when a sum overflowed, so that the
// weights of a network that ran away give no angle rather than a
// meaningless 90°.
func cosine(dot, na, nb float64) float64 {
	if math.IsInf(dot, 0) || math.IsInf(na, 0) || math.IsInf(nb, 0) {
		return math.NaN()
	}
	return dot / math.Sqrt(na) / math.Sqrt(nb)
}

// skipAngles returns the angles of hidden layer k < H-1 of a network with
// skip connectivity (see the package comment).
func (cp *Comparer) skipAngles(n *microcircuit.Network, k int) (wppt, jac, rhs float64) {
	cfg := &n.Cfg
	N := cfg.N()
	c := cfg.Gbas / (cfg.Gl + cfg.Gbas + cfg.Gapi)
	for len(cp.d) < N {
		cp.d = append(cp.d, nil)
	}
	for j := k; j < N; j++ {
		cp.d[j] = grow(cp.d[j], len(n.VBas[j]))
		for i, v := range n.VBas[j] {
			cp.d[j][i] = cfg.Activations[j].Deriv(c * v)
		}
	}
	// From the top: P = WPP[N-1]ᵀ and PD = D_{N-2}·WPP[N-1]ᵀ, then
	// P ← WPP[j]ᵀ·P and PD ← D_{j-1}·WPP[j]ᵀ·PD for j = N-2 … k+1.
	W := n.WPP[N-1]
	cols := W.Rows // nN
	rows := W.Cols
	cp.p = grow(cp.p, rows*cols)
	cp.pd = grow(cp.pd, rows*cols)
	dk := cp.d[N-2]
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			w := W.Data[j*rows+i]
			cp.p[i*cols+j] = w
			cp.pd[i*cols+j] = dk[i] * w
		}
	}
	for l := N - 2; l > k; l-- {
		W = n.WPP[l] // L[l+1] × L[l]: its transpose takes `rows` = L[l+1] rows to L[l]
		out := W.Cols
		cp.q = grow(cp.q, out*cols)
		cp.qd = grow(cp.qd, out*cols)
		clear(cp.q)
		clear(cp.qd)
		for m := 0; m < W.Rows; m++ {
			prow, pdrow := cp.p[m*cols:(m+1)*cols], cp.pd[m*cols:(m+1)*cols]
			for i := 0; i < out; i++ {
				w := W.Data[m*out+i]
				q, qd := cp.q[i*cols:(i+1)*cols], cp.qd[i*cols:(i+1)*cols]
				for j := range prow {
					q[j] += w * prow[j]
					qd[j] += w * pdrow[j]
				}
			}
		}
		d := cp.d[l-1]
		for i := 0; i < out; i++ {
			qd := cp.qd[i*cols : (i+1)*cols]
			for j := range qd {
				qd[j] *= d[i]
			}
		}
		cp.p, cp.q = cp.q, cp.p
		cp.pd, cp.qd = cp.qd, cp.pd
		rows = out
	}
	B := n.BPP[k]
	if B.Rows != rows || B.Cols != cols {
		panic("compare: BPP shape does not match the skip products")
	}
	dOut := cp.d[N-1]
	var dotWB, nB, nW, dotJ, nBJ, nWJ, dotR, nR float64
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			b := B.Data[i*cols+j]
			w := cp.p[i*cols+j]
			wd := cp.pd[i*cols+j]
			dotWB += w * b
			nB += b * b
			nW += w * w
			bj := b * dOut[j]
			dotJ += bj * wd
			nBJ += bj * bj
			nWJ += wd * wd
			r := wd * dOut[j]
			dotR += b * r
			nR += r * r
		}
	}
	wppt = Degrees(cosine(dotWB, nW, nB))
	jac = Degrees(cosine(dotJ, nBJ, nWJ))
	rhs = Degrees(cosine(dotR, nB, nR))
	return wppt, jac, rhs
}

// Degrees returns arccos(cos) in degrees, cos clipped to [-1, 1]; NaN stays NaN.
func Degrees(cos float64) float64 {
	if cos > 1 {
		cos = 1
	} else if cos < -1 {
		cos = -1
	}
	return math.Acos(cos) * 180 / math.Pi
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
