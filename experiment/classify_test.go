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
