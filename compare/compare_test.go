package compare_test

import (
	"math"
	"testing"

	"palmc/compare"
	"palmc/microcircuit"
)

// dense is a plain matrix for the reference computation.
type dense [][]float64

func fromMat(m microcircuit.Mat) dense {
	d := make(dense, m.Rows)
	for i := range d {
		d[i] = append([]float64(nil), m.Row(i)...)
	}
	return d
}

func (a dense) t() dense {
	out := make(dense, len(a[0]))
	for j := range out {
		out[j] = make([]float64, len(a))
		for i := range a {
			out[j][i] = a[i][j]
		}
	}
	return out
}

func (a dense) mul(b dense) dense {
	out := make(dense, len(a))
	for i := range a {
		out[i] = make([]float64, len(b[0]))
		for j := range b[0] {
			for k := range b {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

func diag(d []float64) dense {
	out := make(dense, len(d))
	for i := range out {
		out[i] = make([]float64, len(d))
		out[i][i] = d[i]
	}
	return out
}

func angle(a, b dense) float64 {
	var dot, na, nb float64
	for i := range a {
		for j := range a[i] {
			dot += a[i][j] * b[i][j]
			na += a[i][j] * a[i][j]
			nb += b[i][j] * b[i][j]
		}
	}
	return compare.Degrees(dot / math.Sqrt(na) / math.Sqrt(nb))
}

// The skip-form angles of the package comment, computed with explicit
// matrix products: P[k] = WPP[k+1]ᵀ⋯WPP[N-1]ᵀ, PD[k] = D_k·WPP[k+1]ᵀ·D_{k+1}⋯D_{N-2}·WPP[N-1]ᵀ.
func TestSkipAngles(t *testing.T) {
	cfg := microcircuit.Config{
		Layers: []int{3, 5, 4, 6, 2}, Model: microcircuit.PAL, Connectivity: microcircuit.Skip,
		Activations: []microcircuit.Activation{microcircuit.Logistic, microcircuit.Tanh, microcircuit.SoftReLU, microcircuit.Logistic},
		Dt:          0.01, Taur: 1, Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: []float64{0, 0, 0, 0}, EtaBW: []float64{10, 10, 10}, EtaIP: []float64{0}, EtaPI: []float64{1, 1, 1},
		Alpha: []float64{0, 0, 0}, NoiseScale: []float64{0.1, 0.1, 0.1}, NoiseHoldSteps: 1,
		InitWPP: [2]float64{-1, 1}, InitWIP: [2]float64{-1, 1}, InitBPP: [2]float64{-1, 1}, InitBPI: [2]float64{-1, 1},
		TauHP: 0.1, TauLO: 100, Tauxi: 0.1, InitInSPS: true, DWPPUseActivation: true,
	}
	n, err := microcircuit.New(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 50; s++ {
		n.Step([]float64{0.3, 0.8, 0.1}, nil, microcircuit.Switches{LearnLat: true, LearnBW: true}, nil)
	}
	c := cfg.Gbas / (cfg.Gl + cfg.Gbas + cfg.Gapi)
	N := cfg.N()
	D := make([]dense, N)
	for j := range D {
		d := make([]float64, len(n.VBas[j]))
		for i, v := range n.VBas[j] {
			d[i] = cfg.Activations[j].Deriv(c * v)
		}
		D[j] = diag(d)
	}
	var cp compare.Comparer
	for k := 0; k < cfg.H(); k++ {
		P := fromMat(n.WPP[N-1]).t()
		PD := D[N-2].mul(P)
		for l := N - 2; l > k; l-- {
			wt := fromMat(n.WPP[l]).t()
			P = wt.mul(P)
			PD = D[l-1].mul(wt).mul(PD)
		}
		B := fromMat(n.BPP[k])
		want := [3]float64{angle(P, B), angle(B.mul(D[N-1]), PD), angle(B, PD.mul(D[N-1]))}
		var got [3]float64
		got[0], got[1], got[2] = cp.Angles(n, k)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Errorf("layer %d, %s = %v, want %v", k, compare.Names[i], got[i], want[i])
			}
		}
	}
}
