// Package compare measures how far a network's backward pathway is from
// backprop's (SPEC §8): the angles between BPP and the transposed forward
// weights, with and without the activation derivatives.
//
// For matrices A and B, cos(A, B) = trace(AᵀB)/(‖A‖_F·‖B‖_F) and the angle is
// arccos(cos) in degrees, with cos clipped to [-1, 1] so that round-off past
// ±1 (always the case for 1×1 matrices) gives 0 or 180 instead of NaN.
// A zero matrix has no direction: its angle is NaN.
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
}

// Angles returns, for hidden layer k of n, the angles (degrees) between
//   - WPP[k+1]ᵀ and BPP[k],
//   - BPP[k]·diag(phi'_{k+1}(c·vbas[k+1])) and diag(phi'_k(c·vbas[k]))·WPP[k+1]ᵀ,
//   - BPP[k] and diag(phi'_k(c·vbas[k]))·WPP[k+1]ᵀ·diag(phi'_{k+1}(c·vbas[k+1])),
//
// with c = gbas/(gl+gbas+gapi) for every layer, as the published code does.
func (cp *Comparer) Angles(n *microcircuit.Network, k int) (wppt, jac, rhs float64) {
	cfg := &n.Cfg
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
	wppt = Degrees(dotWB / math.Sqrt(nW) / math.Sqrt(nB))
	jac = Degrees(dotJ / math.Sqrt(nBJ) / math.Sqrt(nWJ))
	rhs = Degrees(dotR / math.Sqrt(nB) / math.Sqrt(nR))
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
