package experiment_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/store"
)

// Tests of the seed-era options (docs/model.md §11) through whole runs.

// seedEraFiles are the repository's copies of paper/seed-era/*/params.json.
var seedEraFiles = []string{
	"../params/testdata/paper/seed-era/2022-04-12/params.json",
	"../params/testdata/paper/seed-era/2022-05-05/params.json",
}

func loadGolden(t *testing.T, dir string) (*params.Params, goldenCase) {
	t.Helper()
	var c goldenCase
	raw, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	p, _, err := params.Load(filepath.Join(dir, "params.json"), params.Task(c.Task))
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

// With one hidden layer, skip and layered connectivity are the same
// network: every golden case with one hidden layer, run with
// bw_connection_mode "skip", records the same numbers as the layered run,
// bit for bit (the test allows 1e-12 relative and reports how close).
func TestSkipEqualsLayeredWithOneHiddenLayer(t *testing.T) {
	n := 0
	for _, dir := range goldenCases(t) {
		p, c := loadGolden(t, dir)
		if len(p.Layers) != 3 {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts := experiment.Options{Task: params.Task(c.Task), Compare: c.Compare, Workers: 1, SharedInput: true}
			layered := entries(t, p, opts)
			q := *p
			q.BwConnectionMode = params.ConnSkip
			skip := entries(t, &q, opts)
			if len(skip) != len(layered) {
				t.Fatalf("%d keys with skip, %d layered", len(skip), len(layered))
			}
			bitwise := true
			for k, a := range layered {
				b, ok := skip[k]
				if !ok {
					t.Fatalf("skip run lacks %s", k)
				}
				if fmt.Sprint(a.Shape) != fmt.Sprint(b.Shape) || len(a.Data) != len(b.Data) {
					t.Fatalf("%s: shape %v with skip, %v layered", k, b.Shape, a.Shape)
				}
				for i, x := range a.Data {
					y := b.Data[i]
					if math.Float64bits(x) == math.Float64bits(y) {
						continue
					}
					bitwise = false
					if d := math.Abs(x-y) / math.Max(math.Abs(x), 1e-300); !(d <= 1e-12) {
						t.Fatalf("%s[%d]: skip %v, layered %v", k, i, y, x)
					}
				}
			}
			if !bitwise {
				t.Log("equal to 1e-12 relative, not bit for bit")
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden case with one hidden layer")
	}
}

// A phase longer than the run: only the first hidden layer gets noise and
// BPP learning. Checked on pal_bw_deep against a PAL run with noise_scale
// and eta_bw 0 in layers 1 and 2: in both, noise/1 and noise/2 are zero at
// every record, dBPP/1 and dBPP/2 at every record after settling (while
// settling the phased run records the regulariser part of the unapplied
// increment, as the published code does, which eta_bw 0 makes zero in the
// reference), and BPP/1, BPP/2 keep their initial values, the same in both
// runs; every other record made while settling is the same bit for bit;
// layer 0 has noise and learns. (After settling the two
// runs differ: the PAL run still draws, zeros times white values, for the
// silent layers, which moves its generator and its sample order. The exact
// comparison step by step is TestPhasedLongPhaseIsFirstLayerPAL in
// microcircuit.)
func TestPhasedLongPhaseLeavesOtherLayers(t *testing.T) {
	p, c := loadGolden(t, "../testdata/golden/pal_bw_deep")
	opts := experiment.Options{Task: params.Task(c.Task), Workers: 2}
	ph := *p
	ph.Tbw = 1000 // ms; the run is 40 ms
	ref := *p
	ref.NoiseScale = []float64{p.NoiseScale[0], 0, 0}
	ref.EtaBW = []float64{p.EtaBW[0], 0, 0}
	a := entries(t, &ph, opts)
	b := entries(t, &ref, opts)
	settleRecords := p.SettlingSteps() / p.RecPerSteps
	for _, seed := range p.RandomSeed {
		pre := fmt.Sprintf("seed%d/", seed)
		for k := 1; k < 3; k++ {
			for _, run := range []map[string]store.Array{a, b} {
				for _, v := range []string{"noise", "dBPP"} {
					arr := run[fmt.Sprintf("%s%s/%d", pre, v, k)]
					from := 0
					if v == "dBPP" {
						from = settleRecords * len(arr.Data) / arr.Shape[0]
					}
					for i, x := range arr.Data[from:] {
						if x != 0 {
							t.Fatalf("%s%s/%d[%d] = %v, want 0", pre, v, k, i, x)
						}
					}
				}
			}
			key := fmt.Sprintf("%sBPP/%d", pre, k)
			final := a[fmt.Sprintf("%sfinal_BPP/%d", pre, k)].Data
			for _, run := range []map[string]store.Array{a, b} {
				for i, x := range run[key].Data {
					if x != final[i%len(final)] {
						t.Fatalf("%s changed: record value %v, final %v", key, x, final[i%len(final)])
					}
				}
			}
		}
		moved := false
		for _, x := range a[pre+"dBPP/0"].Data {
			moved = moved || x != 0
		}
		if !moved {
			t.Errorf("%sdBPP/0 is zero: layer 0 does not learn", pre)
		}
		for k, x := range a {
			if !strings.HasPrefix(k, pre) || len(x.Shape) == 0 || strings.Contains(k, "final_") ||
				strings.HasSuffix(k, "/stimulus") || strings.HasSuffix(k, "/seed") ||
				strings.HasSuffix(k, "dBPP/1") || strings.HasSuffix(k, "dBPP/2") {
				continue
			}
			y := b[k]
			size := len(x.Data) / x.Shape[0]
			for i := 0; i < settleRecords*size; i++ {
				if math.Float64bits(x.Data[i]) != math.Float64bits(y.Data[i]) {
					t.Fatalf("%s[%d] differs while settling: %v, %v", k, i, x.Data[i], y.Data[i])
				}
			}
		}
	}
}

// With two hidden layers and Tbw = 0.5 ms (50 steps), the recorded noise
// and dBPP of a layer are non-zero exactly in its phases: training step t
// (counted from the first step with learn_bw) belongs to layer
// floor(t/50) mod 2. Checked at every step, so also on both sides of every
// switch (t = 49 | 50, 99 | 100, …).
func TestPhasedNoiseRecordsSwitch(t *testing.T) {
	p, c := loadGolden(t, "../testdata/golden/pal_varphi")
	p.Tbw = 0.5
	p.RecPerSteps = 1
	for _, v := range []string{"noise", "dBPP", "BPP"} {
		p.Rec[v] = true
	}
	e := entries(t, p, experiment.Options{Task: params.Task(c.Task), Workers: 1})
	settle := p.SettlingSteps()
	pre := fmt.Sprintf("seed%d/", p.RandomSeed[0])
	switches := 0
	for k := 0; k < 2; k++ {
		noise, d := e[fmt.Sprintf("%snoise/%d", pre, k)], e[fmt.Sprintf("%sdBPP/%d", pre, k)]
		nSize, dSize := len(noise.Data)/noise.Shape[0], len(d.Data)/d.Shape[0]
		for r := settle; r < noise.Shape[0]; r++ {
			step := r - settle // record r is taken after step r (0-based)
			active := (step/50)%2 == k
			if step%50 == 0 && k == 0 {
				switches++
			}
			nz := !allZeros(noise.Data[r*nSize : (r+1)*nSize])
			dz := !allZeros(d.Data[r*dSize : (r+1)*dSize])
			if nz != active || dz != active {
				t.Fatalf("training step %d, layer %d: active %v, noise non-zero %v, dBPP non-zero %v", step, k, active, nz, dz)
			}
		}
	}
	if switches < 10 {
		t.Errorf("only %d phases", switches)
	}
}

func allZeros(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// Adaptive noise stops once the alignment passes noise_deg: on the
// 2022-04-12 seed-era network (DTPDRL, skip, uP_adaptive with noise_deg
// 30, noise redrawn every 10 steps), seed 123333 reaches
// epsilon_LO < (1 - cos 30°)/2 within the run. At every step where
// epsilon_LO is at or below that threshold the noise is zero, and the
// generator has not moved, and the noise is either still the value drawn
// before (noise is held for dtxi) or zero, and once zero it stays zero
// while the layer stays aligned; every step that moves the generator has
// epsilon_LO above it.
func TestAdaptiveNoiseStopsWhenAligned(t *testing.T) {
	p, _, err := params.Load(seedEraFiles[0], params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := experiment.Config(p, false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.NoiseMode != microcircuit.NoiseUPAdaptive || cfg.Model != microcircuit.DTPDRL || cfg.Connectivity != microcircuit.Skip {
		t.Fatalf("config: %+v", cfg)
	}
	n, err := microcircuit.New(cfg, 123333)
	if err != nil {
		t.Fatal(err)
	}
	in := experiment.NewInput(uint32(p.RandomSeed[0]), p.DatasetSize, p.Layers[0], p.StepsPerSample())
	thr := (1 - math.Cos(p.NoiseDeg*math.Pi/180)) / 2
	sw := microcircuit.Switches{LearnLat: true, LearnBW: true}
	quiet, draws, stops := 0, 0, 0
	prev := append([]float64(nil), n.Noise[0]...)
	// The samples in the order of runStudent's first epoch.
	order := make([]int, in.Samples)
	for i := range order {
		order[i] = i
	}
	n.Rand.ShuffleInts(order)
	for s := 0; s < in.Steps(); s++ {
		st := n.Rand.State()
		n.Step(in.FirstRow(order[s/in.Hold]), nil, sw, nil)
		moved := n.Rand.State() != st
		if moved {
			draws++
		}
		lo := n.EpsilonLO[0]
		held := fmt.Sprint(prev) == fmt.Sprint(n.Noise[0])
		if lo <= thr {
			quiet++
			if moved {
				t.Fatalf("step %d: epsilon_LO %v <= %v but the generator moved", s, lo, thr)
			}
			if !held && !allZeros(n.Noise[0]) {
				t.Fatalf("step %d: epsilon_LO %v <= %v but new noise %v", s, lo, thr, n.Noise[0])
			}
			if allZeros(prev) && !allZeros(n.Noise[0]) {
				t.Fatalf("step %d: aligned, but the noise started again", s)
			}
			if !allZeros(prev) && allZeros(n.Noise[0]) {
				stops++
			}
		} else if moved && allZeros(n.Noise[0]) {
			t.Fatalf("step %d: a draw above the threshold gave no noise", s)
		}
		prev = append(prev[:0], n.Noise[0]...)
	}
	if quiet == 0 || stops == 0 {
		t.Fatalf("aligned steps %d, noise stopped %d times: not a case where the noise stops", quiet, stops)
	}
	if draws == 0 {
		t.Fatal("no draws at all")
	}
	t.Logf("%d of %d steps aligned, %d draws, noise stopped %d times", quiet, in.Steps(), draws, stops)
}

// Both seed-era files run, for both tasks (2022-05-05 cut to 2 epochs), and
// record the adaptive misalignment with its real values.
func TestSeedEraFilesRun(t *testing.T) {
	for _, path := range seedEraFiles {
		for _, task := range []params.Task{params.BwOnly, params.FwBw} {
			name := filepath.Base(filepath.Dir(path)) + "/" + string(task)
			t.Run(name, func(t *testing.T) {
				p, _, err := params.Load(path, task)
				if err != nil {
					t.Fatal(err)
				}
				p.Epochs = min(p.Epochs, 2)
				res, err := experiment.Run(context.Background(), p, experiment.Options{Task: task, Compare: true})
				if err != nil {
					t.Fatal(err)
				}
				for _, net := range res.Students {
					if !net.Finished() {
						t.Fatalf("%s: %v", net.Name, net.Err)
					}
					if p.NoiseMode != params.ModeUPAdaptive || !p.UsesNoise() {
						continue
					}
					s := net.Recorder.Get("epsilon_LO/0")
					if s == nil || s.Len() == 0 {
						t.Fatalf("%s: epsilon_LO not recorded", net.Name)
					}
					if s.Data[0] == 1 && s.Data[len(s.Data)-1] == 1 {
						t.Errorf("%s: epsilon_LO stays 1", net.Name)
					}
					for _, v := range s.Data {
						if !(v >= 0 && v <= 1) {
							t.Fatalf("%s: epsilon_LO = %v", net.Name, v)
						}
					}
				}
			})
		}
	}
}

// A deep network with skip connectivity records with its own shapes (one
// interneuron population the size of the output layer, backward matrices
// from the output layer), and compares with backprop: BP's skip weights
// are the product of the transposed forward weights, at angle 0.
func TestSkipDeepRecordsAndCompares(t *testing.T) {
	p, c := loadGolden(t, "../testdata/golden/pal_bw_deep")
	p.BwConnectionMode = params.ConnSkip
	for _, model := range []string{params.ModelPAL, params.ModelBP} {
		q := *p
		q.ModelType = model
		e := entries(t, &q, experiment.Options{Task: params.Task(c.Task), Compare: true, Workers: 2})
		pre := fmt.Sprintf("seed%d/", p.RandomSeed[0])
		L := p.Layers
		nN := L[len(L)-1]
		shape := func(k string) string { return fmt.Sprint(e[pre+k].Shape[1:]) }
		if got, want := shape("WIP/0"), fmt.Sprint([]int{nN, L[len(L)-2]}); got != want {
			t.Errorf("%s: WIP/0 shape %s, want %s", model, got, want)
		}
		if _, ok := e[pre+"WIP/1"]; ok {
			t.Errorf("%s: WIP/1 recorded", model)
		}
		for _, v := range []string{"uI/0", "uI_breve/0", "rI_breve/0", "lat_mismatch/0"} {
			if got := shape(v); got != fmt.Sprint([]int{nN}) {
				t.Errorf("%s: %s shape %s, want [%d]", model, v, got, nN)
			}
		}
		for k := 0; k < p.H(); k++ {
			for _, v := range []string{"BPP", "BPI", "dBPI"} {
				if got, want := shape(fmt.Sprintf("%s/%d", v, k)), fmt.Sprint([]int{L[k+1], nN}); got != want {
					t.Errorf("%s: %s/%d shape %s, want %s", model, v, k, got, want)
				}
			}
			a := e[fmt.Sprintf("%sangle_WPPT_BPP/%d", pre, k)]
			if a.Shape[0] == 0 {
				t.Fatalf("%s: no angles for layer %d", model, k)
			}
			if model == params.ModelBP && !(a.Data[0] < 1e-4) {
				t.Errorf("BP: angle_WPPT_BPP/%d = %v at the first record, want 0", k, a.Data[0])
			}
			if model == params.ModelPAL && !(a.Data[0] > 1) {
				t.Errorf("PAL: angle_WPPT_BPP/%d = %v at the first record", k, a.Data[0])
			}
		}
	}
}
