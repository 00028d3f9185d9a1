package microcircuit

import (
	"math"
	"reflect"
	"testing"

	"palmc/rng"
)

type nopObserver struct{}

func (nopObserver) Observe(*Network) {}

// stepConfigs are the benchmarked networks and variants that take the
// other paths of Step: low-passed dWPP factors, interneuron low-pass,
// the gate and varphi regularisers, scaled and held noise, every
// activation, BP and FA with low-passed WPP increments, and the
// classification networks.
func stepConfigs() map[string]Config {
	out := map[string]Config{"fig3": fig3Config(PAL), "fig4": fig4Config(), "bp": fig3Config(BP), "fa": fig3Config(FA)}
	v := fig3Config(PAL)
	v.DWPPRLowPass, v.InterLowPass, v.GateRegularizer = true, true, true
	v.NoiseMode, v.NoiseType, v.NoiseHoldSteps = NoiseVapi, HoldWhiteNoise, 3
	v.EtaIP = []float64{0.5, 0, 1}
	out["variant1"] = v
	w := fig3Config(PAL)
	w.DWPPPostLowPass, w.DWPPUseActivation, w.VarphiRegularizer = true, false, true
	w.NoiseMode, w.Taur = NoiseUPBreve, 0.5
	w.Activations = []Activation{Tanh, SoftReLU, HardSigmoid, Linear}
	out["variant2"] = w
	x := fig4Config()
	x.NoiseMode, x.Activations = NoiseUP, []Activation{ReLU, Logistic}
	out["variant3"] = x
	for _, m := range []Model{BP, FA} {
		y := fig3Config(m)
		y.DWPPLowPassAllModels = true
		out[m.String()+"lowpass"] = y
	}
	for _, m := range []Model{PAL, BP, FA} {
		out["yinyang"+m.String()] = yinYangConfig(m)
	}
	out["mnistPAL"] = mnistConfig(PAL)
	out["mnistPALLazy"] = lazy(mnistConfig(PAL))
	return out
}

// An observed step is the same step: observing computes the increments
// into DWPP, DWIP, DBPP and DBPI, but the network ends up in the same
// state, bit for bit, as without an observer.
func TestObservedStepIsTheSameStep(t *testing.T) {
	for name, cfg := range stepConfigs() {
		a, err := New(cfg, 11)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(cfg, 11)
		g := rng.New(2)
		r0 := make([]float64, cfg.Layers[0])
		tgt := make([]float64, cfg.Layers[len(cfg.Layers)-1])
		for s := 0; s < 3000; s++ {
			if s%100 == 0 {
				g.FillUniform(r0, 0, 1)
				g.FillUniform(tgt, -0.5, 1)
			}
			sw := Switches{LearnFW: s%500 > 200, LearnLat: s%300 > 100, LearnBW: s > 300}
			var target []float64
			if s%700 > 300 {
				target = tgt
			}
			a.Step(r0, target, sw, nopObserver{})
			b.Step(r0, target, sw, nil)
		}
		b.Sync()
		for _, f := range []string{"UP", "UI", "WPP", "WIP", "BPP", "BPI", "DWPPLO", "PreLO", "PostLO", "Noise", "RPBreveHI", "VDen"} {
			x := reflect.ValueOf(a).Elem().FieldByName(f).Interface()
			y := reflect.ValueOf(b).Elem().FieldByName(f).Interface()
			if !reflect.DeepEqual(x, y) {
				t.Errorf("%s: %s differs between observed and unobserved steps", name, f)
			}
		}
		if a.Rand.State() != b.Rand.State() {
			t.Errorf("%s: generators differ between observed and unobserved steps", name)
		}
	}
}

// A step allocates nothing.
func TestStepDoesNotAllocate(t *testing.T) {
	for name, cfg := range stepConfigs() {
		n, err := New(cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		r0 := make([]float64, cfg.Layers[0])
		tgt := make([]float64, cfg.Layers[len(cfg.Layers)-1])
		sw := Switches{LearnFW: true, LearnLat: true, LearnBW: true}
		for _, obs := range []Observer{nil, nopObserver{}} {
			if a := testing.AllocsPerRun(1000, func() { n.Step(r0, tgt, sw, obs) }); a != 0 {
				t.Errorf("%s: %v allocations per step (observer %v)", name, a, obs)
			}
		}
	}
}

// forwardReference is an observer that checks every step's WPP against a
// plain Go loop of the forward rule: the increment d = dt·eta_fw·(e_i·p_j)
// from the rates the step used, low-passed (lo += dt/tauLO·(d - lo),
// W += lo) or added as it is (W += d).
type forwardReference struct {
	t       *testing.T
	lowPass bool
	w, lo   []Mat
	steps   int
}

func (f *forwardReference) Observe(n *Network) {
	c := &n.Cfg
	f.steps++
	for j := range n.WPP {
		p := n.R0Old
		if j > 0 {
			p = n.RPBreveOld[j-1]
		}
		cb := c.Gbas / (c.Gl + c.Gbas + c.Gapi)
		if j == len(n.WPP)-1 {
			cb = c.Gbas / (c.Gl + c.Gbas)
		}
		w, lo := f.w[j], f.lo[j]
		for i := 0; i < w.Rows; i++ {
			e := n.RPBreve[j][i] - 1/(1+math.Exp(-(cb*n.VBasOld[j][i])))
			for k, pk := range p {
				d := c.Dt * c.EtaFW[j] * (e * pk)
				if f.lowPass {
					lo.Data[i*w.Cols+k] += c.Dt / c.TauLO * (d - lo.Data[i*w.Cols+k])
					d = lo.Data[i*w.Cols+k]
				}
				w.Data[i*w.Cols+k] += d
			}
		}
		if i := sameBits(n.WPP[j].Data, w.Data); i >= 0 {
			f.t.Fatalf("step %d: WPP[%d][%d] = %v, reference %v", f.steps, j, i, n.WPP[j].Data[i], w.Data[i])
		}
		if i := sameBits(n.DWPPLO[j].Data, lo.Data); i >= 0 {
			f.t.Fatalf("step %d: DWPPLO[%d][%d] = %v, reference %v", f.steps, j, i, n.DWPPLO[j].Data[i], lo.Data[i])
		}
	}
}

// BP and FA ignore DWPPLowPass, as the published code does, unless
// DWPPLowPassAllModels is set; then their WPP follows the low-passed
// recursion, as PAL's does.
func TestDWPPLowPassAllModels(t *testing.T) {
	for _, model := range []Model{BP, FA} {
		for _, all := range []bool{false, true} {
			cfg := fig3Config(model)
			cfg.DWPPLowPassAllModels = all
			n, err := New(cfg, 5)
			if err != nil {
				t.Fatal(err)
			}
			// Without the option, DWPPLowPass changes nothing.
			plain := cfg
			plain.DWPPLowPass = false
			m, _ := New(plain, 5)
			f := &forwardReference{t: t, lowPass: all}
			for _, w := range n.WPP {
				f.w, f.lo = append(f.w, w.Clone()), append(f.lo, NewMat(w.Rows, w.Cols))
			}
			g := rng.New(9)
			r0 := randVec(g, cfg.Layers[0], 0, 1)
			tgt := randVec(g, cfg.Layers[len(cfg.Layers)-1], 0, 1)
			for s := 0; s < 20; s++ {
				n.Step(r0, tgt, fwBw, f)
				m.Step(r0, tgt, fwBw, nil)
			}
			for j := range n.WPP {
				same := sameBits(n.WPP[j].Data, m.WPP[j].Data) < 0
				if same == all {
					t.Errorf("%v, DWPPLowPassAllModels %v: WPP[%d] the same as without DWPPLowPass: %v", model, all, j, same)
				}
			}
		}
	}
}
