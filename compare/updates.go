package compare

import (
	"math"

	"palmc/microcircuit"
)

// DWPPBP names the angle between a network's forward-weight increments and
// backprop's updates, one series per pyramidal layer j (docs/model.md §8).
const DWPPBP = "angle_dWPP_BP"

// Updates holds scratch space for UpdateAngles, so that repeated
// comparisons do not allocate.
type Updates struct {
	v, r [][]float64 // voltages and rates of the rate network, per layer
	e, f []float64   // the error of the current layer and the one below
	d    []float64   // phi' of the layer below
}

// UpdateAngles sets dst[j], for every pyramidal layer j of n (dst has N
// entries), to the angle (degrees) between the increment n.DWPP[j] of the
// step n has just made and the update backprop makes in a rate network
// with n's forward weights WPP, for the input r0 and the target:
//
//	v[0] = (c·WPP[0])·r0,  v[j] = (c·WPP[j])·phi_(j-1)(v[j-1]),  c = gbas/(gbas+gapi+gl)
//	v[N-1] ← (gbas+gapi+gl)/(gbas+gl)·v[N-1]
//	e[N-1] = target - v[N-1],  e[j-1] = (diag(phi'_(j-1)(v[j-1]))·WPP[j]ᵀ)·e[j]
//	dW[j] = outer(e[j], phi_(j-1)(v[j-1])),  dW[0] = outer(e[0], r0)
//
// The basal predictions v are those of the published code, the output's
// corrected to the output layer's c_out; its error is one of voltages. The
// angle is that of Angles: arccos of trace(DWPP[j]ᵀ·dW[j])/(‖DWPP[j]‖·‖dW[j]‖),
// the cosine clipped to [-1, 1]; a zero increment gives NaN.
//
// n.DWPP holds the increments only after a step with an observer
// (microcircuit.Network.Step), so UpdateAngles is meant to be called by
// one.
func (u *Updates) UpdateAngles(dst []float64, n *microcircuit.Network, r0, target []float64) {
	cfg := &n.Cfg
	N := cfg.N()
	if len(dst) != N || len(target) != cfg.Layers[N] || len(r0) != cfg.Layers[0] {
		panic("compare: UpdateAngles: dst, r0 or target of the wrong length")
	}
	if len(u.v) != N {
		u.v, u.r = make([][]float64, N), make([][]float64, N)
	}
	c := cfg.Gbas / (cfg.Gbas + cfg.Gapi + cfg.Gl)
	in := r0
	for j := 0; j < N; j++ {
		u.v[j] = grow(u.v[j], cfg.Layers[j+1])
		scaledMulVec(u.v[j], c, n.WPP[j], in)
		if j == N-1 {
			break
		}
		u.r[j] = grow(u.r[j], cfg.Layers[j+1])
		cfg.Activations[j].PhiTo(u.r[j], u.v[j])
		in = u.r[j]
	}
	out := u.v[N-1]
	k := (cfg.Gbas + cfg.Gapi + cfg.Gl) / (cfg.Gbas + cfg.Gl)
	u.e = grow(u.e, len(out))
	for i, v := range out {
		u.e[i] = target[i] - k*v
	}
	for j := N - 1; j >= 0; j-- {
		pre := r0
		if j > 0 {
			pre = u.r[j-1]
		}
		dst[j] = Degrees(outerCosine(n.DWPP[j], u.e, pre))
		if j == 0 {
			break
		}
		// e ← (diag(phi'(v[j-1]))·WPP[j]ᵀ)·e, the diagonal applied to
		// the matrix first, as the published code does.
		W := n.WPP[j]
		rows := W.Cols
		u.d = grow(u.d, rows)
		cfg.Activations[j-1].DerivTo(u.d, u.v[j-1])
		u.f = grow(u.f, rows)
		for i := 0; i < rows; i++ {
			s := 0.0
			for m := 0; m < W.Rows; m++ {
				s += (u.d[i] * W.Data[m*rows+i]) * u.e[m]
			}
			u.f[i] = s
		}
		u.e, u.f = u.f, u.e
	}
}

// scaledMulVec sets dst = (c·W)·x, each weight scaled before it is
// multiplied, as the published code's c * W @ x does.
func scaledMulVec(dst []float64, c float64, W microcircuit.Mat, x []float64) {
	for i := range dst {
		row := W.Data[i*W.Cols : (i+1)*W.Cols]
		s := 0.0
		for m, w := range row {
			s += (c * w) * x[m]
		}
		dst[i] = s
	}
}

// outerCosine returns the cosine between the matrix A and outer(x, y):
// trace(Aᵀ·outer(x, y))/‖A‖/‖outer(x, y)‖.
func outerCosine(A microcircuit.Mat, x, y []float64) float64 {
	var dot, na, nb float64
	for i, xi := range x {
		row := A.Data[i*A.Cols : (i+1)*A.Cols]
		for m, a := range row {
			b := xi * y[m]
			dot += a * b
			na += a * a
			nb += b * b
		}
	}
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	return cosine(dot, na, nb)
}
