package microcircuit

import (
	"fmt"
	"math"
	"testing"

	"palmc/rng"
)

// perSampleCase is a network configuration that touches WPP[0] in its own
// way (docs/model.md §4 F, G), for the per-sample tests.
type perSampleCase struct {
	name string
	cfg  Config
}

func perSampleCases() []perSampleCase {
	small := func(model Model) Config {
		c := classifyConfig(model, []int{32, 12, 4}, []float64{1, 0.05}, 0.2, 0.02)
		c.EtaPI = []float64{0.02}
		return c
	}
	var out []perSampleCase
	add := func(name string, cfg Config) { out = append(out, perSampleCase{name, cfg}) }
	add("PAL", small(PAL))
	add("FA", small(FA))
	add("BP", small(BP))
	add("DTPDRL", small(DTPDRL))
	c := small(FA)
	c.DWPPLowPassAllModels = false
	add("FA without low-pass", c)
	c = small(BP)
	c.DWPPLowPassAllModels = false
	add("BP without low-pass", c)
	c = small(PAL)
	c.DWPPLowPass = false
	add("PAL without low-pass", c)
	c = small(PAL)
	c.DWPPRLowPass = true
	add("PAL dWPP_r_low_pass", c)
	c = small(PAL)
	c.DWPPRLowPass, c.DWPPLowPass = true, false
	add("PAL dWPP_r_low_pass without low-pass", c)
	c = small(PAL)
	c.DWPPPostLowPass = true
	add("PAL dWPP_post_low_pass", c)
	c = small(PAL)
	c.DWPPUseActivation = false
	add("PAL dWPP_use_activation false", c)
	c = small(PAL)
	c.Layers = []int{32, 12, 8, 4}
	c.Activations = []Activation{Logistic, Logistic, Logistic}
	c.EtaFW = []float64{1, 0.1, 0.05}
	c.EtaBW, c.EtaIP, c.EtaPI, c.Alpha, c.NoiseScale = []float64{0.2, 0.2}, []float64{0.02, 0.02}, []float64{0.02, 0.02}, []float64{1e-6, 1e-6}, []float64{0.01, 0.01}
	add("PAL two hidden layers", c)
	c.Connectivity = Skip
	c.EtaIP = []float64{0.02}
	add("PAL skip", c)
	c = small(PAL)
	c.Layers = []int{30, 12, 4}
	add("PAL 30 inputs", c)
	add("MNIST PAL", mnistConfig(PAL))
	add("MNIST BP", mnistConfig(BP))
	return out
}

// rowsFor returns n input rows and targets for cfg: MNIST-like images for
// 784 inputs (most blocks of four zero), heldRows otherwise.
func rowsFor(g *rng.RandomState, n int, cfg Config) ([][]float64, [][]float64) {
	out := cfg.Layers[len(cfg.Layers)-1]
	if cfg.Layers[0] != 784 {
		return heldRows(g, n, cfg.Layers[0], out)
	}
	rows, classes := mnistRows(g, n)
	targets := make([][]float64, n)
	for i, c := range classes {
		targets[i] = make([]float64, out)
		for k := range targets[i] {
			targets[i][k] = 0.1
		}
		targets[i][c] = 1
	}
	return rows, targets
}

// heldRows returns n input rows of width w with about a third of the
// entries zero, and targets for an output layer of size out.
func heldRows(g *rng.RandomState, n, w, out int) ([][]float64, [][]float64) {
	rows, targets := make([][]float64, n), make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, w)
		for j := range rows[i] {
			if v := g.Float64(); v > 0.35 {
				rows[i][j] = math.Floor(256*v) / 256
			}
		}
		targets[i] = make([]float64, out)
		for k := range targets[i] {
			targets[i][k] = 0.1
		}
		targets[i][g.Randint(0, int64(out))] = 1
	}
	return rows, targets
}

// classifySchedule steps n through the rows, each held hold steps, the
// first evalSamples without learning and target (a validation pass), the
// rest with every switch on; obs sees the steps where see says so.
func classifySchedule(n *Network, rows, targets [][]float64, hold, evalSamples int, from, to int, see func(int) bool, obs Observer) {
	for s := from; s < to; s++ {
		i := s / hold % len(rows)
		sw, tgt := fwBw, targets[i]
		if i < evalSamples {
			sw, tgt = Switches{}, nil
		}
		var o Observer
		if see != nil && see(s) {
			o = obs
		}
		n.Step(rows[i], tgt, sw, o)
	}
}

// relDiff returns the largest |a-b| over the largest |b|.
func relDiff(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	if den == 0 {
		return num
	}
	return num / den
}

// Per-sample input weights give the per-step numbers to round-off: after
// one held sample, then after a few more with a validation pass between,
// for every model and every switch that touches WPP[0].
func TestPerSampleMatchesPerStep(t *testing.T) {
	for _, tc := range perSampleCases() {
		t.Run(tc.name, func(t *testing.T) {
			g := rng.New(11)
			rows, targets := rowsFor(g, 6, tc.cfg)
			ps := tc.cfg
			ps.InputUpdate = PerSample
			a, err := New(tc.cfg, 5)
			if err != nil {
				t.Fatal(err)
			}
			b, err := New(ps, 5)
			if err != nil {
				t.Fatal(err)
			}
			const hold = 100
			check := func(when string, tol float64) {
				t.Helper()
				b.Sync()
				ma, mb := a.StateMats(), b.StateMats()
				for i, f := range ma {
					// The low-passed increments sum terms of both signs
					// within a sample, whose cancellation costs them up
					// to two more digits (measured: 1.3e-12 after one
					// MNIST sample of BP); the weights they are added to
					// keep the bound.
					bound := tol
					if f.Name == "dWPP_LO" {
						bound = 100 * tol
					}
					for l, m := range f.Mats {
						if d := relDiff(mb[i].Mats[l].Data, m.Data); d > bound {
							t.Errorf("%s: %s[%d] differs by %.3g relative, more than %g", when, f.Name, l, d, bound)
						}
					}
				}
				for j := range a.UP {
					if d := relDiff(b.UP[j], a.UP[j]); d > tol {
						t.Errorf("%s: uP[%d] differs by %.3g relative", when, j, d)
					}
				}
			}
			// One sample of training from the start.
			classifySchedule(a, rows[1:], targets[1:], hold, 0, 0, hold, nil, nil)
			classifySchedule(b, rows[1:], targets[1:], hold, 0, 0, hold, nil, nil)
			check("after one sample", 1e-12)
			// Four more, one without learning.
			classifySchedule(a, rows, targets, hold, 1, 2*hold, 6*hold, nil, nil)
			classifySchedule(b, rows, targets, hold, 1, 2*hold, 6*hold, nil, nil)
			check("after five samples", 1e-10)
		})
	}
}

// A held input of one step (Tpres = dt) is a segment of one step: the
// numbers are still the per-step ones to round-off.
func TestPerSampleOneStepSamples(t *testing.T) {
	cfg := perSampleCases()[0].cfg
	g := rng.New(3)
	rows, targets := heldRows(g, 50, cfg.Layers[0], cfg.Layers[2])
	a, _ := New(cfg, 9)
	cfg.InputUpdate = PerSample
	b, _ := New(cfg, 9)
	classifySchedule(a, rows, targets, 1, 0, 0, 300, nil, nil)
	classifySchedule(b, rows, targets, 1, 0, 0, 300, nil, nil)
	b.Sync()
	if d := relDiff(b.WPP[0].Data, a.WPP[0].Data); d > 1e-12 {
		t.Errorf("WPP[0] differs by %.3g relative", d)
	}
}

// recordingObserver keeps a copy of WPP[0], DWPPLO[0] and DWPP[0] as an
// observer sees them.
type recordingObserver struct{ w, lo, d []float64 }

func (r *recordingObserver) Observe(n *Network) {
	r.w = append(r.w[:0], n.WPP[0].Data...)
	r.lo = append(r.lo[:0], n.DWPPLO[0].Data...)
	r.d = append(r.d[:0], n.DWPP[0].Data...)
}

// stateBits reports the first state entry in which two networks differ in
// a bit, or "". The increments dWPP, dWIP, dBPP and dBPI, which only
// observed steps store, are left out.
func stateBits(a, b *Network) string {
	va, vb := a.StateVecs(), b.StateVecs()
	for i, f := range va {
		for j, v := range f.Vecs {
			for k := range v {
				if math.Float64bits(v[k]) != math.Float64bits(vb[i].Vecs[j][k]) {
					return fmt.Sprintf("%s[%d][%d]", f.Name, j, k)
				}
			}
		}
	}
	ma, mb := a.StateMats(), b.StateMats()
	for i, f := range ma {
		if f.Name != "dWPP_LO" && f.Name[0] == 'd' {
			continue
		}
		for j, m := range f.Mats {
			for k := range m.Data {
				if math.Float64bits(m.Data[k]) != math.Float64bits(mb[i].Mats[j].Data[k]) {
					return fmt.Sprintf("%s[%d] entry %d", f.Name, j, k)
				}
			}
		}
	}
	return ""
}

// Copying, observing and checkpointing a network with per-sample input
// weights in the middle of a sample change nothing: a copy steps on bit for
// bit, an observed network keeps the bits of an unobserved one, and the
// matrices an observer sees are those Sync brings about.
func TestPerSampleCopyAndObserve(t *testing.T) {
	for _, tc := range perSampleCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.InputUpdate = PerSample
			g := rng.New(4)
			rows, targets := rowsFor(g, 5, cfg)
			const hold = 50
			a, _ := New(cfg, 7)
			b, _ := New(cfg, 7)
			classifySchedule(a, rows, targets, hold, 1, 0, 237, nil, nil)
			obs := &recordingObserver{}
			classifySchedule(b, rows, targets, hold, 1, 0, 237, func(s int) bool { return s%7 == 3 }, obs)
			if d := stateBits(a, b); d != "" {
				t.Fatalf("observing changed the state: %s differs", d)
			}
			// What an observer sees is what Sync gives.
			c := a.Clone()
			classifySchedule(c, rows, targets, hold, 1, 237, 238, func(int) bool { return true }, obs)
			d := c.Clone()
			d.Sync()
			for name, pair := range map[string][2][]float64{"WPP[0]": {obs.w, d.WPP[0].Data}, "dWPP_LO[0]": {obs.lo, d.DWPPLO[0].Data}} {
				for k := range pair[0] {
					if math.Float64bits(pair[0][k]) != math.Float64bits(pair[1][k]) {
						t.Fatalf("the observer's %s differs from the synced one at %d: %v, %v", name, k, pair[0][k], pair[1][k])
					}
				}
			}
			// The copy, made mid-sample, steps on as the original.
			e := a.Clone()
			classifySchedule(a, rows, targets, hold, 1, 237, 420, nil, nil)
			classifySchedule(e, rows, targets, hold, 1, 237, 420, nil, nil)
			if d := stateBits(a, e); d != "" {
				t.Fatalf("the copy went astray: %s differs", d)
			}
			// The state written into a new network (a checkpoint) too.
			f, _ := New(cfg, 7)
			dv := f.StateVecs()
			for i, s := range a.StateVecs() {
				for j, v := range s.Vecs {
					copy(dv[i].Vecs[j], v)
				}
			}
			dm := f.StateMats()
			for i, s := range a.StateMats() {
				for j, m := range s.Mats {
					copy(dm[i].Mats[j].Data, m.Data)
				}
			}
			f.Rand.SetState(a.Rand.State())
			f.NoiseCounter = a.NoiseCounter
			classifySchedule(a, rows, targets, hold, 1, 420, 555, nil, nil)
			classifySchedule(f, rows, targets, hold, 1, 420, 555, nil, nil)
			if d := stateBits(a, f); d != "" {
				t.Fatalf("the restored network went astray: %s differs", d)
			}
		})
	}
}

// Evaluation steps compute WPP[0]·r0 once per input: the same bits as the
// per-step product of every step.
func TestPerSampleEvaluationBits(t *testing.T) {
	cfg := mnistConfig(PAL)
	rows, _ := mnistRows(rng.New(5), 4)
	a, _ := New(cfg, 1)
	cfg.InputUpdate = PerSample
	b, _ := New(cfg, 1)
	for s := 0; s < 400; s++ {
		a.Step(rows[s/100], nil, Switches{}, nil)
		b.Step(rows[s/100], nil, Switches{}, nil)
		if d := stateBits(a, b); d != "" {
			t.Fatalf("step %d: %s differs", s, d)
		}
	}
}

// The AVX2 kernel of a pass over WPP[0] makes the operations of the Go
// loop: the same bits, for every kind of block and both with and without
// the low-pass.
func TestHeldPassKernelBits(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2")
	}
	g := rng.New(17)
	for _, lowPass := range []bool{true, false} {
		cfg := mnistConfig(PAL)
		cfg.InputUpdate, cfg.Layers = PerSample, []int{64, 9, 3}
		cfg.DWPPLowPass = lowPass
		n, err := New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		h := &n.held
		for _, v := range [][]float64{h.p, h.delta, h.u, h.v, h.su, h.sv, n.WPP[0].Data, n.DWPPLO[0].Data} {
			g.FillUniform(v, -1, 1)
		}
		h.sc[scG], h.sc[scP] = g.Float64(), g.Float64()
		r := randVec(g, 64, 0, 1)
		h.ops, h.factors = h.ops[:0], h.factors[:0]
		for b := range 16 {
			if code := int32(b % 8); code != 0 {
				h.ops = append(h.ops, int32(b)<<opShift|code)
				h.factors = append(h.factors, g.Float64(), g.Float64())
			}
		}
		w, lo := n.WPP[0].Clone(), n.DWPPLO[0].Clone()
		n.passRows(n.WPP[0], n.DWPPLO[0], r)
		wp, lp := append([]float64(nil), h.wp...), append([]float64(nil), h.lp...)
		n.passRowsGo(w, lo, r)
		for name, pair := range map[string][2][]float64{"W": {n.WPP[0].Data, w.Data}, "lo": {n.DWPPLO[0].Data, lo.Data}, "W·p": {wp, h.wp}, "lo·p": {lp, h.lp}} {
			if i := sameBits(pair[0], pair[1]); i >= 0 {
				t.Errorf("low-pass %v: %s[%d]: kernel %v, Go %v", lowPass, name, i, pair[0][i], pair[1][i])
			}
		}
	}
}
