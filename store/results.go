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
	stims := map[*experiment.Input]*Array{}
	for _, net := range res.Nets() {
		in := net.Stimulus
		if in == nil {
			in = res.Input
		}
		stim, ok := stims[in]
		if !ok {
			stim = stimulus(in)
			stims[in] = stim
		}
		pre := net.Name + "/"
		seed := net.Seed
		out = append(out, Entry{Key: pre + "seed", Int: &seed})
		out = append(out, Entry{Key: pre + "stimulus", Array: stim})
		if net == res.Teacher && res.TargetSequence != nil {
			nN := res.Params.Layers[len(res.Params.Layers)-1]
			out = append(out, Entry{Key: pre + "target_sequence", Array: &Array{
				Shape: []int{len(res.TargetSequence) / nN, nN}, Data: res.TargetSequence}})
		}
		if net.Recorder != nil {
			for _, s := range net.Recorder.Series() {
				shape := append([]int{s.Len()}, s.Shape...)
				out = append(out, Entry{Key: pre + s.Name, Array: &Array{Shape: shape, Data: s.Data}})
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
	mats := func(name string, ms []microcircuit.Mat) {
		for i, m := range ms {
			out = append(out, Entry{Key: fmt.Sprintf("%sfinal_%s/%d", prefix, name, i),
				Array: &Array{Shape: []int{m.Rows, m.Cols}, Data: m.Data}})
		}
	}
	vecs := func(name string, vs [][]float64) {
		for i, v := range vs {
			out = append(out, Entry{Key: fmt.Sprintf("%sfinal_%s/%d", prefix, name, i),
				Array: &Array{Shape: []int{len(v)}, Data: v}})
		}
	}
	mats("WPP", n.WPP)
	mats("WIP", n.WIP)
	mats("BPP", n.BPP)
	mats("BPI", n.BPI)
	vecs("uP", n.UP)
	vecs("uI", n.UI)
	return out
}

// stimulus expands the input into one row per step.
func stimulus(in *experiment.Input) *Array {
	steps := in.Steps()
	data := make([]float64, 0, steps*in.Width)
	for t := 0; t < steps; t++ {
		data = append(data, in.At(t)...)
	}
	return &Array{Shape: []int{steps, in.Width}, Data: data}
}
