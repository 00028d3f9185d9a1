package store

import (
	"fmt"
	"math"

	"palmc/experiment"
	"palmc/microcircuit"
)

// ResultsEntries lays out a run as the published reference recordings do
// (see testdata/golden/README.md): per network "<net>/seed",
// "<net>/stimulus", every recorded series as "<net>/<var>[/<layer>]" with
// the records along the first axis, the final state as
// "<net>/final_<X>/<layer>", and "teacher/target_sequence".
func ResultsEntries(res *experiment.Result) []Entry {
	var out []Entry
	for _, net := range res.Nets() {
		in := net.Stimulus
		if in == nil {
			in = res.Input
		}
		pre := net.Name + "/"
		out = append(out, Entry{pre + "seed", net.Seed})
		if in != nil {
			out = append(out, Entry{pre + "stimulus", func() *Array { return stimulus(in) }})
		}
		if net == res.Teacher && res.TargetSequence != nil {
			nN := res.Params.Layers[len(res.Params.Layers)-1]
			out = append(out, Entry{pre + "target_sequence", &Array{
				Shape: []int{len(res.TargetSequence) / nN, nN}, Data: res.TargetSequence}})
		}
		if net.Recorder != nil {
			for _, s := range net.Recorder.Series() {
				shape := append([]int{s.Len()}, s.Shape...)
				out = append(out, Entry{pre + s.Name, &Array{Shape: shape, Data: s.Data}})
			}
		}
		out = append(out, FinalEntries(pre, net.Network)...)
		if c := net.Classification(); c != nil {
			out = append(out, classificationEntries(pre, c, res.Data)...)
		}
	}
	return out
}

// classificationEntries are the results of the classify task of one
// network: "<net>/val_accuracy" (one per validation pass: before training
// and after every epoch), "<net>/test_accuracy", "<net>/confusion" (true
// class × predicted class, counts of test samples), "<net>/test_label" and
// "<net>/test_prediction" (per test sample, in the split's order) and
// "<net>/epoch_angle_WPPT_BPP/<k>" (degrees, at every validation pass).
func classificationEntries(pre string, c *experiment.Classification, d *experiment.ClassifyData) []Entry {
	out := []Entry{
		{pre + "val_accuracy", vecArray(c.ValAccuracy)},
		{pre + "test_accuracy", &Array{Data: []float64{c.TestAccuracy}}},
	}
	if c.Confusion != nil {
		k := int(math.Sqrt(float64(len(c.Confusion))))
		out = append(out, Entry{pre + "confusion", &Array{Shape: []int{k, k}, Data: floats(c.Confusion)}})
	}
	if c.TestPrediction != nil && d != nil {
		labels := make([]int64, d.Test.Len())
		for i, y := range d.Test.Y {
			labels[i] = int64(y)
		}
		pred := make([]int64, len(c.TestPrediction))
		for i, y := range c.TestPrediction {
			pred[i] = int64(y)
		}
		out = append(out, Entry{pre + "test_label", labels}, Entry{pre + "test_prediction", pred})
	}
	for k, a := range c.Angles {
		out = append(out, Entry{fmt.Sprintf("%sepoch_angle_WPPT_BPP/%d", pre, k), vecArray(a)})
	}
	return out
}

// FinalEntries returns the weights and somatic voltages of n as
// "<prefix>final_<X>/<layer>".
func FinalEntries(prefix string, n *microcircuit.Network) []Entry {
	var out []Entry
	for _, f := range []struct {
		name string
		ms   []microcircuit.Mat
	}{{"WPP", n.WPP}, {"WIP", n.WIP}, {"BPP", n.BPP}, {"BPI", n.BPI}} {
		for i, m := range f.ms {
			out = append(out, Entry{fmt.Sprintf("%sfinal_%s/%d", prefix, f.name, i), matArray(m)})
		}
	}
	for _, f := range []struct {
		name string
		vs   [][]float64
	}{{"uP", n.UP}, {"uI", n.UI}} {
		for i, v := range f.vs {
			out = append(out, Entry{fmt.Sprintf("%sfinal_%s/%d", prefix, f.name, i), vecArray(v)})
		}
	}
	return out
}

func matArray(m microcircuit.Mat) *Array {
	return &Array{Shape: []int{m.Rows, m.Cols}, Data: m.Data}
}

func vecArray(v []float64) *Array { return &Array{Shape: []int{len(v)}, Data: v} }

// stimulus expands the input into one row per step.
func stimulus(in *experiment.Input) *Array {
	steps := in.Steps()
	data := make([]float64, 0, steps*in.Width)
	for t := 0; t < steps; t++ {
		data = append(data, in.At(t)...)
	}
	return &Array{Shape: []int{steps, in.Width}, Data: data}
}
