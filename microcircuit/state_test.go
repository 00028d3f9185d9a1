package microcircuit

import (
	"math"
	"testing"

	"palmc/rng"
)

// stateEqual reports the first state entry in which a and b differ in any
// bit, or "".
func stateEqual(a, b *Network) string {
	bv := b.StateVecs()
	for i, f := range a.StateVecs() {
		for j, v := range f.Vecs {
			for e, x := range v {
				if math.Float64bits(x) != math.Float64bits(bv[i].Vecs[j][e]) {
					return f.Name
				}
			}
		}
	}
	bm := b.StateMats()
	for i, f := range a.StateMats() {
		for j, m := range f.Mats {
			for e, x := range m.Data {
				if math.Float64bits(x) != math.Float64bits(bm[i].Mats[j].Data[e]) {
					return f.Name
				}
			}
		}
	}
	if a.Rand.State() != b.Rand.State() || a.NoiseCounter != b.NoiseCounter || a.BWSteps != b.BWSteps {
		return "generator or counters"
	}
	return ""
}

// A clone steps on exactly as the original, and stepping one leaves the
// other untouched.
func TestCloneStepsOnAsTheOriginal(t *testing.T) {
	for _, cfg := range []Config{fig3Config(PAL), fig4Config(), fig3Config(BP), deepConfig(PAL)} {
		n, err := New(cfg, 42)
		if err != nil {
			t.Fatal(err)
		}
		r0 := make([]float64, cfg.Layers[0])
		tgt := make([]float64, cfg.Layers[len(cfg.Layers)-1])
		sw := Switches{LearnFW: true, LearnLat: true, LearnBW: true}
		// The input and target of step i depend on i alone.
		step := func(n *Network, i int) {
			g := rng.New(uint32(i / 100))
			g.FillUniform(r0, 0, 1)
			g.FillUniform(tgt, 0, 1)
			n.Step(r0, tgt, sw, nil)
		}
		for i := 0; i < 333; i++ {
			step(n, i)
		}
		c := n.Clone()
		if d := stateEqual(n, c); d != "" {
			t.Fatalf("%v: clone differs in %s", cfg.Layers, d)
		}
		for i := 333; i < 700; i++ {
			step(c, i)
		}
		if d := stateEqual(n, c); d == "" {
			t.Fatalf("%v: stepping the clone did not change it", cfg.Layers)
		}
		for i := 333; i < 700; i++ {
			step(n, i)
		}
		if d := stateEqual(n, c); d != "" {
			t.Fatalf("%v: after the same steps, clone and original differ in %s", cfg.Layers, d)
		}
	}
}

// BenchmarkCloneFig3 times the copy of a network that a periodic
// checkpoint makes of every running network: the time that network stops.
func BenchmarkCloneFig3(b *testing.B) {
	n, err := New(fig3Config(PAL), 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n.Clone()
	}
}
