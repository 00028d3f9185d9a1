package compare_test

import (
	"math"
	"testing"

	"palmc/compare"
	"palmc/microcircuit"
)

// observed is an observer that does nothing: a step with it stores the
// increments in DWPP.
type observed struct{}

func (observed) Observe(*microcircuit.Network) {}

// backpropUpdates computes backprop's updates of a rate network with the
// forward weights of n for input r0 and target, with explicit matrix
// products (docs/model.md §8).
func backpropUpdates(n *microcircuit.Network, r0, target []float64) []dense {
	cfg := &n.Cfg
	N := cfg.N()
	c := cfg.Gbas / (cfg.Gbas + cfg.Gapi + cfg.Gl)
	col := func(v []float64) dense {
		d := make(dense, len(v))
		for i, x := range v {
			d[i] = []float64{x}
		}
		return d
	}
	vec := func(d dense) []float64 {
		out := make([]float64, len(d))
		for i := range d {
			out[i] = d[i][0]
		}
		return out
	}
	v := make([][]float64, N)
	r := make([][]float64, N)
	in := r0
	for j := 0; j < N; j++ {
		v[j] = vec(fromMat(n.WPP[j]).mul(col(in)))
		for i := range v[j] {
			v[j][i] *= c
		}
		r[j] = make([]float64, len(v[j]))
		for i, x := range v[j] {
			r[j][i] = cfg.Activations[j].Phi(x)
		}
		in = r[j]
	}
	e := make([]float64, len(target))
	for i := range e {
		e[i] = target[i] - v[N-1][i]*(cfg.Gbas+cfg.Gapi+cfg.Gl)/(cfg.Gbas+cfg.Gl)
	}
	out := make([]dense, N)
	for j := N - 1; j >= 0; j-- {
		pre := r0
		if j > 0 {
			pre = r[j-1]
		}
		out[j] = col(e).mul(dense{pre})
		if j > 0 {
			d := make([]float64, len(v[j-1]))
			for i, x := range v[j-1] {
				d[i] = cfg.Activations[j-1].Deriv(x)
			}
			e = vec(diag(d).mul(fromMat(n.WPP[j]).t()).mul(col(e)))
		}
	}
	return out
}

// UpdateAngles against backprop's updates computed with explicit products,
// and the angles of increments set to those updates, their negatives and
// zero.
func TestUpdateAngles(t *testing.T) {
	cfg := microcircuit.Config{
		Layers: []int{3, 5, 4, 6, 2}, Model: microcircuit.PAL,
		Activations: []microcircuit.Activation{microcircuit.Logistic, microcircuit.Tanh, microcircuit.SoftReLU, microcircuit.Logistic},
		Dt:          0.01, Taur: 1, Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: []float64{1, 1, 1, 1}, EtaBW: []float64{10, 10, 10}, EtaIP: []float64{0, 0, 0}, EtaPI: []float64{1, 1, 1},
		Alpha: []float64{0, 0, 0}, NoiseScale: []float64{0.1, 0.1, 0.1}, NoiseHoldSteps: 1,
		InitWPP: [2]float64{-1, 1}, InitWIP: [2]float64{-1, 1}, InitBPP: [2]float64{-1, 1}, InitBPI: [2]float64{-1, 1},
		TauHP: 0.1, TauLO: 100, Tauxi: 0.1, InitInSPS: true, DWPPUseActivation: true,
	}
	n, err := microcircuit.New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	r0, target := []float64{0.3, 0.8, 0.1}, []float64{0.4, -0.2}
	for s := 0; s < 50; s++ {
		n.Step(r0, target, microcircuit.Switches{}, nil)
	}
	n.Step(r0, target, microcircuit.Switches{}, observed{})
	want := backpropUpdates(n, r0, target)
	N := cfg.N()
	var u compare.Updates
	got := make([]float64, N)
	u.UpdateAngles(got, n, r0, target)
	for j := 0; j < N; j++ {
		w := angle(fromMat(n.DWPP[j]), want[j])
		if math.Abs(got[j]-w) > 1e-9 || math.IsNaN(got[j]) {
			t.Errorf("layer %d: %v degrees, want %v", j, got[j], w)
		}
		if got[j] < 1 || got[j] > 179 {
			t.Errorf("layer %d: %v degrees: the increments of a network and backprop's updates should differ", j, got[j])
		}
	}
	for _, c := range []struct {
		scale, angle float64
	}{{2.5, 0}, {-0.5, 180}, {0, math.NaN()}} {
		for j := 0; j < N; j++ {
			d := n.DWPP[j]
			for i := range d.Data {
				d.Data[i] = c.scale * want[j][i/d.Cols][i%d.Cols]
			}
		}
		u.UpdateAngles(got, n, r0, target)
		for j, a := range got {
			if math.IsNaN(c.angle) != math.IsNaN(a) || math.Abs(a-c.angle) > 1e-6 {
				t.Errorf("increments %v × backprop's, layer %d: %v degrees, want %v", c.scale, j, a, c.angle)
			}
		}
	}
}
