package microcircuit

import (
	"reflect"
	"testing"

	"palmc/rng"
)

type nopObserver struct{}

func (nopObserver) Observe(*Network) {}

// stepConfigs are the benchmarked networks and variants that take the
// other paths of Step: low-passed dWPP factors, interneuron low-pass,
// the gate and varphi regularisers, scaled and held noise, every
// activation.
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
