package experiment

import (
	"context"
	"math"
	"testing"

	"palmc/microcircuit"
	"palmc/params"
)

// maxRel returns the largest |a-b| over the largest |b| of two matrices'
// values.
func maxRel(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / den
}

// weightDiffs returns, per weight family of the first student, the largest
// relative difference between two runs' final weights.
func weightDiffs(a, b *Result) map[string]float64 {
	out := map[string]float64{}
	na, nb := a.Students[0].Network, b.Students[0].Network
	mb := nb.StateMats()
	for i, f := range na.StateMats()[:4] {
		for l, m := range f.Mats {
			out[f.Name+"["+string(rune('0'+l))+"]"] = maxRel(m.Data, mb[i].Mats[l].Data)
		}
	}
	return out
}

// The per-sample input weights of MNIST give the per-step weights to
// round-off after one training sample, for BP, FA and PAL, on real MNIST
// images.
func TestMNISTPerSampleOneSample(t *testing.T) {
	for _, name := range []string{"mnist-pal", "mnist-fa", "mnist-bp"} {
		p := classifyParams(t, name, map[string]any{"epochs": 1, "dataset_sizes": []int{3, 1, 1}, "random_seed": []int{5}})
		d, err := LoadClassifyData(p)
		if err != nil {
			t.Fatal(err)
		}
		nets := map[microcircuit.InputUpdate]*microcircuit.Network{}
		for _, mode := range []microcircuit.InputUpdate{microcircuit.PerStep, microcircuit.PerSample} {
			cfg, err := Config(p, false)
			if err != nil {
				t.Fatal(err)
			}
			cfg.InputUpdate = mode
			n, err := microcircuit.New(cfg, 5)
			if err != nil {
				t.Fatal(err)
			}
			row := d.Train.Row(0)
			// The first sample follows another one (the zero input).
			for h := 0; h < d.hold; h++ {
				n.Step(d.Validation.Row(0), nil, microcircuit.Switches{}, nil)
			}
			for h := 0; h < d.hold; h++ {
				n.Step(row, d.targets[d.Train.Y[0]], microcircuit.Switches{LearnFW: true, LearnLat: true, LearnBW: true}, nil)
			}
			n.Sync()
			nets[mode] = n
		}
		a, b := nets[microcircuit.PerStep], nets[microcircuit.PerSample]
		mb := b.StateMats()
		for i, f := range a.StateMats() {
			if f.Name != "dWPP_LO" && f.Name[0] == 'd' {
				continue // the increments are stored only in observed steps
			}
			for l, m := range f.Mats {
				if d := maxRel(mb[i].Mats[l].Data, m.Data); d > 1e-12 || math.IsNaN(d) {
					t.Errorf("%s: %s[%d] differs by %.3g relative after one sample, more than 1e-12", name, f.Name, l, d)
				} else if f.Name == "WPP" && l == 0 {
					t.Logf("%s: WPP[0] differs by %.3g relative after one sample", name, d)
				}
			}
		}
	}
}

// Over an epoch of 3000 MNIST samples the two updates stay close: the
// final weights differ by less than 1e-9 relative (measured: 1e-14 to
// 2.4e-12), and the test accuracies on 1000 samples by at most 0.5 points
// (measured: the same predictions).
func TestMNISTPerSampleEpoch(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of simulation")
	}
	set := map[string]any{"epochs": 1, "dataset_sizes": []int{3000, 200, 1000}, "random_seed": []int{5}}
	for _, name := range []string{"mnist-pal", "mnist-bp"} {
		var runs []*Result
		for _, mode := range []string{params.InputPerStep, params.InputPerSample} {
			set["input_update"] = mode
			p := classifyParams(t, name, set)
			res, err := Run(context.Background(), p, Options{Task: params.Classify, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, res)
		}
		for k, d := range weightDiffs(runs[1], runs[0]) {
			t.Logf("%s: %s differs by %.3g relative after an epoch", name, k, d)
			if d > 1e-9 || math.IsNaN(d) {
				t.Errorf("%s: %s differs by %.3g relative after an epoch, more than 1e-9", name, k, d)
			}
		}
		a, b := runs[0].Students[0].Classification(), runs[1].Students[0].Classification()
		t.Logf("%s: test accuracy per step %.4f, per sample %.4f", name, a.TestAccuracy, b.TestAccuracy)
		if math.Abs(a.TestAccuracy-b.TestAccuracy) > 0.005 {
			t.Errorf("%s: test accuracy per step %.4f, per sample %.4f: more than 0.5 points apart", name, a.TestAccuracy, b.TestAccuracy)
		}
	}
}
