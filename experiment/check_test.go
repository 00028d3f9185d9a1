package experiment

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"palmc/experiments"
	"palmc/microcircuit"
	"palmc/params"
)

// otherValues are valid values, other than the tests' params have, of the
// keys that some task does not read.
var otherValues = map[string]any{
	"init_teacher_WPP_range": []float64{-0.5, 0.5}, "init_teacher_WIP_range": []float64{-0.5, 0.5},
	"init_teacher_BPP_range": []float64{-0.5, 0.5}, "init_teacher_BPI_range": []float64{-0.5, 0.5},
	"copy_teacher_weights": true, "copy_teacher_voltages": true,
	"dataset": "yinyang", "dataset_dir": "/nowhere", "dataset_sizes": []int{30, 30, 30}, "dataset_seeds": []int{1, 2, 3},
	"dataset_noise": 0.3, "uhigh": 2, "ulow": 0.5, "readout_every": 0.5, "readout_skip": 2,
	"dataset_size": 7, "input_signal": "step",
}

// weights returns every weight of a run's students, in order.
func weights(res *Result) []float64 {
	var out []float64
	for _, n := range res.Students {
		for _, ms := range [][]microcircuit.Mat{n.Network.WPP, n.Network.WIP, n.Network.BPP, n.Network.BPI} {
			for _, m := range ms {
				out = append(out, m.Data...)
			}
		}
		if c, ok := n.task.(*Classification); ok {
			out = append(out, c.TestAccuracy)
		}
	}
	return out
}

// The keys params.Unused names for a task change nothing of its runs: a
// sweep may call cells that differ only in them duplicates.
func TestUnusedKeysChangeNothing(t *testing.T) {
	tiny, err := os.ReadFile("../testdata/golden/pal_fw_tiny/params.json")
	if err != nil {
		t.Fatal(err)
	}
	yy, err := experiments.Params("yinyang-pal")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		task params.Task
		base []byte
		set  map[string]any
	}{
		{params.BwOnly, tiny, map[string]any{"epochs": 2}},
		{params.FwBw, tiny, map[string]any{"epochs": 2}},
		{params.Classify, yy, map[string]any{"epochs": 1, "dataset_sizes": []int{30, 9, 9}, "random_seed": []int{3}, "layers": []int{4, 5, 3},
			"eta_fw": []float64{0.1, 0.1}, "eta_bw": []float64{0.1}, "eta_IP": []float64{0}, "eta_PI": []float64{0.1}, "alpha": []float64{0}, "noise_scale": []float64{0.01}}},
	} {
		run := func(key string, val any) []float64 {
			t.Helper()
			var m map[string]any
			if err := json.Unmarshal(c.base, &m); err != nil {
				t.Fatal(err)
			}
			for k, v := range c.set {
				m[k] = v
			}
			if key != "" {
				m[key] = val
			}
			b, _ := json.Marshal(m)
			p, _, err := params.Parse(b, c.task)
			if err != nil {
				t.Fatalf("%s, %s = %v: %v", c.task, key, val, err)
			}
			res, err := Run(context.Background(), p, Options{Task: c.task, Workers: 1})
			if err != nil {
				t.Fatalf("%s, %s = %v: %v", c.task, key, val, err)
			}
			return weights(res)
		}
		want := run("", nil)
		for _, key := range params.Unused(c.task) {
			if !params.IsKey(key) {
				t.Errorf("%s: %q is no params key", c.task, key)
				continue
			}
			val, ok := otherValues[key]
			if !ok {
				t.Errorf("%s: no other value of %s to try", c.task, key)
				continue
			}
			got := run(key, val)
			if !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
				t.Errorf("%s: %s = %v changes the results", c.task, key, val)
			}
		}
	}
}
