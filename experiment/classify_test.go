package experiment

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"palmc/experiments"
	"palmc/microcircuit"
	"palmc/params"
)

// classifyParams reads a classify experiment with some keys replaced.
func classifyParams(t *testing.T, name string, set map[string]any) *params.Params {
	t.Helper()
	b, err := experiments.Params(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		m[k] = v
	}
	b, _ = json.Marshal(m)
	p, _, err := params.Parse(b, params.Classify)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// small is a Yin-Yang run of a few seconds.
var small = map[string]any{"epochs": 3, "dataset_sizes": []int{1500, 300, 300}, "random_seed": []int{123456, 123457}}

// A validation pass changes no weight: plasticity is off and there is no
// target. A training pass changes them.
func TestValidationPassLeavesWeights(t *testing.T) {
	p := classifyParams(t, "yinyang-pal", map[string]any{"epochs": 1, "dataset_sizes": []int{200, 100, 100}, "random_seed": []int{7}})
	d, err := LoadClassifyData(p)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Config(p, false)
	if err != nil {
		t.Fatal(err)
	}
	n, err := microcircuit.New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	net := &Net{Name: "seed7", Seed: 7, Network: n, task: newClassification(7, 3, p.H())}
	if err := recorderFor(net, p, Options{}, ClassifySteps(p), 0, 1, false); err != nil {
		t.Fatal(err)
	}
	s := newStepper(&halt{ctx: context.Background()}, net, Options{}, ClassifySteps(p), p.Epochs)
	weights := func() []float64 {
		var out []float64
		for _, f := range n.StateMats()[:4] {
			for _, m := range f.Mats {
				out = append(out, m.Data...)
			}
		}
		return out
	}
	before := weights()
	if err := d.runPass(s, d.stages[0], 0); err != nil {
		t.Fatal(err)
	}
	if d.stages[0].kind != validating {
		t.Fatal("the first pass is not a validation pass")
	}
	for i, w := range weights() {
		if math.Float64bits(w) != math.Float64bits(before[i]) {
			t.Fatalf("weight %d changed in a validation pass: %v -> %v", i, before[i], w)
		}
	}
	if err := d.runPass(s, d.stages[1], 0); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i, w := range weights() {
		if w != before[i] {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("a training pass changed no weight")
	}
}

// A short Yin-Yang run learns: after three epochs on 1500 samples every
// seed classifies at least 55 % of the validation samples (chance is a
// third; the runs reach about 63-66 %), at least 15 points more than
// before training; the test results are consistent.
func TestYinYangLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of simulation")
	}
	for _, model := range []string{"yinyang-pal", "yinyang-fa", "yinyang-bp"} {
		p := classifyParams(t, model, small)
		res, err := Run(context.Background(), p, Options{Task: params.Classify, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, net := range res.Students {
			c := net.Classification()
			va := c.ValAccuracy
			if len(va) != p.Epochs+1 {
				t.Fatalf("%s %s: %d validation accuracies for %d epochs", model, net.Name, len(va), p.Epochs)
			}
			t.Logf("%s %s: validation accuracy %.3f", model, net.Name, va)
			if last := va[len(va)-1]; last < 0.55 || last < va[0]+0.15 {
				t.Errorf("%s %s: validation accuracy %.3f after %d epochs, %.3f before", model, net.Name, last, p.Epochs, va[0])
			}
			checkTest(t, c, res.Data)
		}
	}
}

// checkTest checks the test results against each other: the confusion
// matrix counts every test sample once, its diagonal is the accuracy, and
// the predictions give both.
func checkTest(t *testing.T, c *Classification, d *ClassifyData) {
	t.Helper()
	k := c.classes
	if len(c.Confusion) != k*k || len(c.TestPrediction) != d.Test.Len() {
		t.Fatalf("confusion %d entries, %d predictions", len(c.Confusion), len(c.TestPrediction))
	}
	count := make([]int, k*k)
	sum, diag := 0, 0
	for i, pred := range c.TestPrediction {
		count[d.Test.Y[i]*k+pred]++
	}
	for i, v := range c.Confusion {
		sum += v
		if i%(k+1) == 0 {
			diag += v
		}
		if v != count[i] {
			t.Fatalf("confusion[%d] = %d, the predictions give %d", i, v, count[i])
		}
	}
	if sum != d.Test.Len() {
		t.Errorf("the confusion matrix sums to %d, the test set has %d samples", sum, d.Test.Len())
	}
	if got := float64(diag) / float64(sum); got != c.TestAccuracy {
		t.Errorf("test accuracy %v, the confusion matrix gives %v", c.TestAccuracy, got)
	}
}

// The results of a classify run do not depend on the number of workers.
func TestClassifyWorkersBitIdentical(t *testing.T) {
	p := classifyParams(t, "yinyang-pal", map[string]any{"epochs": 2, "dataset_sizes": []int{300, 100, 100},
		"random_seed": []int{1, 2, 3}, "rec_per_steps": 500})
	var runs []*Result
	for _, w := range []int{1, 2} {
		res, err := Run(context.Background(), p, Options{Task: params.Classify, Workers: w, Compare: true})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, res)
	}
	for i, a := range runs[0].Students {
		b := runs[1].Students[i]
		ca, cb := a.Classification(), b.Classification()
		for j := range ca.ValAccuracy {
			if ca.ValAccuracy[j] != cb.ValAccuracy[j] {
				t.Fatalf("%s: validation accuracy %d differs", a.Name, j)
			}
		}
		for j := range ca.TestPrediction {
			if ca.TestPrediction[j] != cb.TestPrediction[j] {
				t.Fatalf("%s: test prediction %d differs", a.Name, j)
			}
		}
		for _, s := range a.Recorder.All() {
			o := b.Recorder.Get(s.Name)
			for j, v := range s.Data {
				if math.Float64bits(v) != math.Float64bits(o.Data[j]) {
					t.Fatalf("%s: %s[%d] differs", a.Name, s.Name, j)
				}
			}
		}
	}
}

// The training error of an epoch is the mean of the squared output errors
// at the readout steps of the epoch's training samples: recorded at every
// step (rec_MSE, records only in training passes), the readouts' records
// give it again.
func TestTrainingError(t *testing.T) {
	p := classifyParams(t, "yinyang-pal", map[string]any{"epochs": 3, "dataset_sizes": []int{60, 30, 30},
		"random_seed": []int{5}, "rec_per_steps": 1})
	res, err := Run(context.Background(), p, Options{Task: params.Classify, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	net := res.Students[0]
	got := net.Classification().TrainMSE
	mse := net.Recorder.Get("MSE").Data
	hold, every, skip := p.StepsPerSample(), p.ReadoutSteps(), p.ReadoutSkip
	perPass := p.TrainSize() * hold
	if len(got) != p.Epochs || len(mse) != p.Epochs*perPass {
		t.Fatalf("%d training errors for %d epochs, %d MSE records for %d training steps", len(got), p.Epochs, len(mse), p.Epochs*perPass)
	}
	for e := range p.Epochs {
		sum, n := 0.0, 0
		for r, v := range mse[e*perPass : (e+1)*perPass] {
			if h := r % hold; h%every == 0 && h/every >= skip {
				sum += v
				n++
			}
		}
		if want := sum / float64(n); math.Abs(got[e]-want) > 1e-12*want {
			t.Errorf("epoch %d: training error %v, the records give %v", e+1, got[e], want)
		}
	}
	if !(got[p.Epochs-1] < got[0]) {
		t.Errorf("the training error does not fall: %v", got)
	}
}

// A checkpoint of a palmc that kept no training error resumes: the
// training passes made before it have the error NaN.
func TestTrainingErrorOfOlderCheckpoint(t *testing.T) {
	p := classifyParams(t, "yinyang-pal", map[string]any{"epochs": 2, "dataset_sizes": []int{30, 9, 9}, "random_seed": []int{5}})
	d, err := LoadClassifyData(p)
	if err != nil {
		t.Fatal(err)
	}
	old := newClassification(5, 3, p.H())
	old.ValAccuracy = []float64{0.3, 0.5}
	old.Angles[0] = []float64{80, 70}
	m := old.State()
	delete(m, "train_mse")
	delete(m, "train_error")
	c := newClassification(5, 3, p.H())
	if err := c.SetState(m); err != nil {
		t.Fatal(err)
	}
	// In the second training pass: two validation passes and one training
	// pass made.
	net := &Net{Name: "seed5", Seed: 5, Steps: (2*9 + 30 + 3) * p.StepsPerSample(), task: c}
	if err := d.checkProgress(net, 0); err != nil {
		t.Fatal(err)
	}
	if len(c.TrainMSE) != 1 || !math.IsNaN(c.TrainMSE[0]) {
		t.Errorf("training errors %v, want one NaN", c.TrainMSE)
	}
	// A checkpoint that has them must have one per training pass.
	m = old.State()
	c = newClassification(5, 3, p.H())
	if err := c.SetState(m); err != nil {
		t.Fatal(err)
	}
	net.task = c
	if err := d.checkProgress(net, 0); err == nil {
		t.Error("no training error for a finished training pass, and no complaint")
	}
}

// LearningSteps counts the steps of the training passes, as the passes of
// a classify run lie; none of the teacher's or of settling.
func TestLearningSteps(t *testing.T) {
	p := classifyParams(t, "yinyang-pal", map[string]any{"epochs": 3, "dataset_sizes": []int{7, 3, 2}, "settling_time": 5})
	d, err := LoadClassifyData(p)
	if err != nil {
		t.Fatal(err)
	}
	settle, hold := p.SettlingSteps(), p.StepsPerSample()
	want, n := 0, 0
	check := func() {
		if got := LearningSteps(p, params.Classify, "seed1", n); got != want {
			t.Fatalf("after %d steps: %d learning steps, want %d", n, got, want)
		}
	}
	for ; n < settle; n++ {
		check()
	}
	for _, st := range d.stages {
		for range st.set.Len() * hold {
			check()
			n++
			if st.kind == training {
				want++
			}
		}
	}
	check()
	if n != ClassifySteps(p) {
		t.Fatalf("%d steps, ClassifySteps says %d", n, ClassifySteps(p))
	}
	fw := classifyParams(t, "yinyang-pal", nil)
	fw.SettlingTime = 1
	if got := LearningSteps(fw, params.FwBw, "teacher", 10000); got != 0 {
		t.Errorf("the teacher learns in %d steps", got)
	}
	if got := LearningSteps(fw, params.FwBw, "seed1", 10000); got != 10000-fw.SettlingSteps() {
		t.Errorf("a fw_bw student learns in %d of 10000 steps, settling %d", got, fw.SettlingSteps())
	}
}
