package microcircuit

import (
	"math"
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

// classifyConfig is the network of the classification task (the GeNN
// port's configuration): logistic everywhere, PAL's filters and OU noise,
// and for BP and FA the low-passed WPP increments of the GeNN port.
func classifyConfig(model Model, layers []int, etaFW []float64, etaBW, etaIP float64) Config {
	return Config{
		Layers:      layers,
		Model:       model,
		Activations: []Activation{Logistic, Logistic},
		Dt:          0.01, Taur: 1,
		Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: etaFW, EtaBW: []float64{etaBW}, EtaIP: []float64{etaIP}, EtaPI: []float64{0.02},
		Alpha:   []float64{1e-6},
		InitWPP: [2]float64{-0.1, 0.1}, InitWIP: [2]float64{-0.1, 0.1}, InitBPP: [2]float64{-1, 1}, InitBPI: [2]float64{-1, 1},
		InitInSPS: true,
		NoiseType: OU, NoiseMode: NoiseConst, NoiseScale: []float64{0.01},
		NoiseHoldSteps: 1, TauHP: 0.1, TauLO: 100, Tauxi: 0.1,
		PyrHiPass: true, DWPPLowPass: true, DWPPLowPassAllModels: true, DWPPUseActivation: true,
	}
}

// yinYangConfig is the Yin-Yang classifier, [4,30,3].
func yinYangConfig(model Model) Config {
	return classifyConfig(model, []int{4, 30, 3}, []float64{50, 0.01}, 0.5, 0.05)
}

// mnistConfig is the MNIST classifier, [784,100,10].
func mnistConfig(model Model) Config {
	return classifyConfig(model, []int{784, 100, 10}, []float64{1, 0.005}, 0.2, 0.02)
}

// yinYangRows returns n Yin-Yang-like input rows (x, y, 1-x, 1-y), x and y
// uniform in [0, 1], and random classes out of 3.
func yinYangRows(g *rng.RandomState, n int) ([][]float64, []int) {
	rows, classes := make([][]float64, n), make([]int, n)
	for i := range rows {
		x, y := g.Float64(), g.Float64()
		rows[i] = []float64{x, y, 1 - x, 1 - y}
		classes[i] = int(g.Randint(0, 3))
	}
	return rows, classes
}

// mnistRows returns n MNIST-like input rows and random classes out of 10:
// 28×28 pixels k/256, three strokes of 22 unit steps each, a smooth random
// walk in the central 20×20 square painted with a soft brush. As in MNIST
// (81 % and 72 % in its first 2000 training images), about 80 % of the
// pixels are zero, and about 71 % of the aligned blocks of four pixels.
func mnistRows(g *rng.RandomState, n int) ([][]float64, []int) {
	rows, classes := make([][]float64, n), make([]int, n)
	for i := range rows {
		img := make([]float64, 784)
		for range 3 {
			x, y := 8+12*g.Float64(), 6+16*g.Float64()
			dir := 2 * math.Pi * g.Float64()
			for range 22 {
				dir += 0.6 * (g.Float64() - 0.5)
				x = math.Max(5, math.Min(22, x+math.Cos(dir)))
				y = math.Max(4, math.Min(23, y+math.Sin(dir)))
				for py := int(y) - 2; py <= int(y)+2; py++ {
					for px := int(x) - 2; px <= int(x)+2; px++ {
						v := math.Min(1, 1.9-math.Hypot(float64(px)+0.5-x, float64(py)+0.5-y))
						if k := 28*py + px; v > 0 {
							img[k] = math.Max(img[k], math.Floor(255*v)/256)
						}
					}
				}
			}
		}
		rows[i], classes[i] = img, int(g.Randint(0, 10))
	}
	return rows, classes
}

// benchmarkClassify times one Step of a network built from cfg with seed
// 123 on the given input rows, each held 100 steps, after 1000 warm-up
// steps. Training steps have every switch on and the target 1 for the
// row's class and 0.1 for the others; evaluation steps have every switch
// off and no target.
func benchmarkClassify(b *testing.B, cfg Config, rows [][]float64, classes []int, train bool) {
	n, err := New(cfg, 123)
	if err != nil {
		b.Fatal(err)
	}
	nOut := cfg.Layers[len(cfg.Layers)-1]
	targets := make([][]float64, len(rows))
	for i, c := range classes {
		targets[i] = make([]float64, nOut)
		for k := range targets[i] {
			targets[i][k] = 0.1
		}
		targets[i][c] = 1
	}
	sw := Switches{}
	if train {
		sw = fwBw
	}
	step := func(s int) {
		k := s / 100 % len(rows)
		var target []float64
		if train {
			target = targets[k]
		}
		n.Step(rows[k], target, sw, nil)
		if s%100 == 99 && cfg.InputUpdate == PerStep {
			// With LazyInputColumns, the columns of zero input owe the
			// steps of the row; in a run they are made when the matrices
			// are next read, at the latest. Here, after every row.
			n.Sync()
		}
	}
	for s := 0; s < 1000; s++ {
		step(s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step(1000 + i)
	}
}

func benchmarkYinYang(b *testing.B, model Model, train bool) {
	rows, classes := yinYangRows(rng.New(5), 20)
	benchmarkClassify(b, yinYangConfig(model), rows, classes, train)
}

func benchmarkMNIST(b *testing.B, model Model, train bool) {
	rows, classes := mnistRows(rng.New(5), 10)
	benchmarkClassify(b, mnistConfig(model), rows, classes, train)
}

func BenchmarkStepYinYangPAL(b *testing.B)  { benchmarkYinYang(b, PAL, true) }
func BenchmarkStepYinYangFA(b *testing.B)   { benchmarkYinYang(b, FA, true) }
func BenchmarkStepYinYangBP(b *testing.B)   { benchmarkYinYang(b, BP, true) }
func BenchmarkStepYinYangEval(b *testing.B) { benchmarkYinYang(b, PAL, false) }
func BenchmarkStepMNISTPAL(b *testing.B)    { benchmarkMNIST(b, PAL, true) }
func BenchmarkStepMNISTFA(b *testing.B)     { benchmarkMNIST(b, FA, true) }
func BenchmarkStepMNISTBP(b *testing.B)     { benchmarkMNIST(b, BP, true) }
func BenchmarkStepMNISTEval(b *testing.B)   { benchmarkMNIST(b, PAL, false) }

// lazy is cfg with LazyInputColumns.
func lazy(cfg Config) Config {
	cfg.LazyInputColumns = true
	return cfg
}

func BenchmarkStepMNISTPALLazy(b *testing.B) {
	rows, classes := mnistRows(rng.New(5), 10)
	benchmarkClassify(b, lazy(mnistConfig(PAL)), rows, classes, true)
}

func BenchmarkStepMNISTEvalLazy(b *testing.B) {
	rows, classes := mnistRows(rng.New(5), 10)
	benchmarkClassify(b, lazy(mnistConfig(PAL)), rows, classes, false)
}

// BenchmarkMNISTTraffic times the memory traffic that any training step of
// the MNIST network must have: one streaming pass that reads and writes
// WPP[0] and DWPPLO[0] (W·r0 reads W, the low-pass reads and writes
// dWPP_LO, the update writes W), each element touched once, with the least
// arithmetic (the AVX2 kernel scaleAddAVX2, or a Go loop without it).
// BenchmarkStepMNISTPAL divided by it is how far a step is from that floor.
func BenchmarkMNISTTraffic(b *testing.B) {
	n, err := New(mnistConfig(PAL), 123)
	if err != nil {
		b.Fatal(err)
	}
	w, lo := n.WPP[0].Data, n.DWPPLO[0].Data
	rng.New(1).FillUniform(lo, -1e-3, 1e-3)
	const c = 1 - 1e-9
	pass := func() {
		if useAVX2 {
			scaleAddAVX2(&w[0], &lo[0], len(w), c)
			return
		}
		for i, l := range lo[:len(w)] {
			l *= c
			lo[i] = l
			w[i] += l
		}
	}
	for range 100 {
		pass()
	}
	b.SetBytes(int64(32 * len(w)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pass()
	}
}

// perSample is cfg with per-sample input weights, as classify runs have
// them by default.
func perSample(cfg Config) Config {
	cfg.InputUpdate = PerSample
	return cfg
}

func benchmarkMNISTPerSample(b *testing.B, model Model, train bool) {
	rows, classes := mnistRows(rng.New(5), 10)
	benchmarkClassify(b, perSample(mnistConfig(model)), rows, classes, train)
}

func BenchmarkStepMNISTPALPerSample(b *testing.B)  { benchmarkMNISTPerSample(b, PAL, true) }
func BenchmarkStepMNISTFAPerSample(b *testing.B)   { benchmarkMNISTPerSample(b, FA, true) }
func BenchmarkStepMNISTBPPerSample(b *testing.B)   { benchmarkMNISTPerSample(b, BP, true) }
func BenchmarkStepMNISTEvalPerSample(b *testing.B) { benchmarkMNISTPerSample(b, PAL, false) }

// BenchmarkStepMNISTPALFloor times the rest of an MNIST step, the floor of
// the per-sample one: the network with one input instead of 784, so that
// WPP[0] costs next to nothing and the [100, 10] rest is what is left.
// BenchmarkStepMNISTPALPerSample minus it is what WPP[0] still costs.
func BenchmarkStepMNISTPALFloor(b *testing.B) {
	cfg := perSample(mnistConfig(PAL))
	cfg.Layers = append([]int{1}, cfg.Layers[1:]...)
	_, classes := mnistRows(rng.New(5), 10)
	rows := make([][]float64, len(classes))
	for i := range rows {
		rows[i] = []float64{0.1 + 0.08*float64(i)}
	}
	benchmarkClassify(b, cfg, rows, classes, true)
}
