package store

import (
	"fmt"

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
		out = append(out, Entry{pre + "seed", net.Seed}, Entry{pre + "stimulus", func() *Array { return stimulus(in) }})
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
