package microcircuit

import (
	"testing"

	"palmc/rng"
)

// fig3Config is the network of the published Fig3abc params
// (paper/experiments/Fig3abc/params.json): [5,20,10,20,5], PAL, logistic,
// OU noise drawn every step.
func fig3Config(model Model) Config {
	return Config{
		Layers:      []int{5, 20, 10, 20, 5},
		Model:       model,
		Activations: []Activation{Logistic, Logistic, Logistic, Logistic},
		Dt:          0.01, Taur: 1,
		Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: []float64{1, 1, 1, 1}, EtaBW: []float64{50, 50, 50},
		EtaIP: []float64{0, 0, 0}, EtaPI: []float64{5, 5, 5},
		Alpha:   []float64{1e-5, 1e-5, 1e-5},
		InitWPP: [2]float64{-1, 1}, InitWIP: [2]float64{-1, 1}, InitBPP: [2]float64{-1, 1}, InitBPI: [2]float64{-1, 1},
		InitInSPS: true,
		NoiseType: OU, NoiseMode: NoiseConst, NoiseScale: []float64{5e-2, 5e-2, 5e-2},
		NoiseHoldSteps: 1, TauHP: 0.1, TauLO: 100, Tauxi: 0.1,
		PyrHiPass: true, DWPPLowPass: true, DWPPUseActivation: true,
	}
}

// fig4Config is the student of the published Fig4ab PAL params
// (paper/experiments/Fig4ab/PAL/params.json): [1,1,1], PAL, logistic.
func fig4Config() Config {
	return Config{
		Layers:      []int{1, 1, 1},
		Model:       PAL,
		Activations: []Activation{Logistic, Logistic},
		Dt:          0.01, Taur: 1,
		Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: []float64{2, 0.5}, EtaBW: []float64{20}, EtaIP: []float64{10}, EtaPI: []float64{0.5},
		Alpha:   []float64{1e-6},
		InitWPP: [2]float64{-1, 0}, InitWIP: [2]float64{-1, 1}, InitBPP: [2]float64{-1, 0}, InitBPI: [2]float64{-1, 1},
		InitInSPS: true,
		NoiseType: OU, NoiseMode: NoiseConst, NoiseScale: []float64{1e-2},
		NoiseHoldSteps: 1, TauHP: 0.1, TauLO: 100, Tauxi: 0.1,
		PyrHiPass: true, DWPPLowPass: true, DWPPUseActivation: true,
	}
}

// largeConfig is an MNIST-sized PAL network, [784,500,10].
func largeConfig() Config {
	c := fig4Config()
	c.Layers = []int{784, 500, 10}
	c.EtaFW = []float64{0.1, 0.1}
	c.InitWPP = [2]float64{-0.05, 0.05}
	c.InitBPP = [2]float64{-0.05, 0.05}
	c.NoiseScale = []float64{5e-2}
	return c
}

var (
	bwOnly = Switches{LearnLat: true, LearnBW: true}
	fwBw   = Switches{LearnFW: true, LearnLat: true, LearnBW: true}
)

// benchmarkStep times one Step of a network built from cfg with seed 123,
// driven by a fixed uniform input and, if withTarget, a fixed target, after
// 1000 warm-up steps with the same switches.
func benchmarkStep(b *testing.B, cfg Config, sw Switches, withTarget bool) {
	n, err := New(cfg, 123)
	if err != nil {
		b.Fatal(err)
	}
	g := rng.New(7)
	r0 := make([]float64, cfg.Layers[0])
	g.FillUniform(r0, 0, 1)
	var target []float64
	if withTarget {
		target = make([]float64, cfg.Layers[len(cfg.Layers)-1])
		g.FillUniform(target, 0, 1)
	}
	for i := 0; i < 1000; i++ {
		n.Step(r0, target, sw, nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.Step(r0, target, sw, nil)
	}
}

func BenchmarkStepFig3PALBwOnly(b *testing.B) { benchmarkStep(b, fig3Config(PAL), bwOnly, false) }
func BenchmarkStepFig4PALFwBw(b *testing.B)   { benchmarkStep(b, fig4Config(), fwBw, true) }
func BenchmarkStepFig3BPFwBw(b *testing.B)    { benchmarkStep(b, fig3Config(BP), fwBw, true) }
func BenchmarkStepFig3FAFwBw(b *testing.B)    { benchmarkStep(b, fig3Config(FA), fwBw, true) }
func BenchmarkStepLargePALFwBw(b *testing.B)  { benchmarkStep(b, largeConfig(), fwBw, true) }
