package store

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"palmc/compare"
	"palmc/experiment"
	"palmc/microcircuit"
)

// ResultsEntries lays out a run as the published reference recordings do
// (see testdata/golden/README.md): per network "<net>/seed",
// "<net>/stimulus", every recorded series as "<net>/<var>[/<layer>]" with
// the records along the first axis, the final state as
// "<net>/final_<X>/<layer>", and "teacher/target_sequence". To these palmc
// adds what makes the file describe itself: per network the time (ms) and
// epoch of every record, "<net>/rec_time" and "<net>/rec_epoch", and of the
// records of MSE, error and target, which exist only where the network had
// a target, "<net>/rec_time_target" and "<net>/rec_epoch_target"; the
// classify task's results (classificationEntries); and the angles between a
// bw_only student's updates and backprop's (updateEntries).
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
			tm, ep, ttm, tep := res.RecordAxes(net)
			if len(tm) > 0 {
				out = append(out, Entry{pre + "rec_time", vecArray(tm)}, Entry{pre + "rec_epoch", vecArray(ep)})
			}
			if len(ttm) > 0 && hasTargetSeries(net) {
				out = append(out, Entry{pre + "rec_time_target", vecArray(ttm)}, Entry{pre + "rec_epoch_target", vecArray(tep)})
			}
			for _, s := range net.Recorder.Series() {
				shape := append([]int{s.Len()}, s.Shape...)
				out = append(out, Entry{pre + s.Name, &Array{Shape: shape, Data: s.Data}})
			}
		}
		out = append(out, FinalEntries(pre, net.Network)...)
		if c := net.Classification(); c != nil {
			out = append(out, classificationEntries(pre, c, res.Data)...)
		}
		if u := net.UpdateAngles(); u != nil {
			out = append(out, updateEntries(pre, u, res)...)
		}
	}
	return out
}

// classificationEntries are the results of the classify task of one
// network: "<net>/val_accuracy" (one per validation pass: before training
// and after every epoch), "<net>/test_accuracy", "<net>/confusion" (true
// class × predicted class, counts of test samples), "<net>/test_label" and
// "<net>/test_prediction" (per test sample, in the split's order),
// "<net>/epoch_angle_WPPT_BPP/<k>" (degrees, at every validation pass) and
// "<net>/epoch_train_mse" (the training error of every training pass).
func classificationEntries(pre string, c *experiment.Classification, d *experiment.ClassifyData) []Entry {
	out := []Entry{
		{pre + "val_accuracy", vecArray(c.ValAccuracy)},
		{pre + "test_accuracy", &Array{Data: []float64{c.TestAccuracy}}},
		{pre + "epoch_train_mse", vecArray(c.TrainMSE)},
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

// updateEntries are the angles between the updates of a bw_only student
// and backprop's (docs/model.md §8): "<net>/angle_dWPP_BP/<j>" per
// pyramidal layer j, one record per sample and replay, with the time (ms)
// and epoch of the training step whose weights each record replays,
// "<net>/rec_time_dWPP_BP" and "<net>/rec_epoch_dWPP_BP", and the sample
// replayed, "<net>/rec_sample_dWPP_BP" (its position in the input
// sequence). A student that did not finish has the records it made; one
// without any has none of these entries.
func updateEntries(pre string, u *experiment.UpdateAngles, res *experiment.Result) []Entry {
	L := u.Layers()
	records := len(u.Angles) / L
	if records == 0 {
		// No weights taken (rec_per_steps longer than the run), or a
		// student stopped before its replays.
		return nil
	}
	p := res.Params
	settle, epochSteps := p.SettlingSteps(), p.DatasetSize*p.StepsPerSample()
	tm, ep, sm := make([]float64, records), make([]float64, records), make([]float64, records)
	for r := range records {
		s := u.Points[r/u.Samples()]
		tm[r] = float64(s) * p.Dt
		ep[r] = float64((s-settle-1)/epochSteps + 1)
		sm[r] = float64(r % u.Samples())
	}
	out := []Entry{{pre + "rec_time_dWPP_BP", vecArray(tm)}, {pre + "rec_epoch_dWPP_BP", vecArray(ep)},
		{pre + "rec_sample_dWPP_BP", vecArray(sm)}}
	for j := 0; j < L; j++ {
		a := make([]float64, records)
		for r := range a {
			a[r] = u.Angles[r*L+j]
		}
		out = append(out, Entry{fmt.Sprintf("%s%s/%d", pre, compare.DWPPBP, j), vecArray(a)})
	}
	return out
}

// recordAxes are the names of the per-network entries that give the time
// and epoch of the records.
var recordAxes = []string{"rec_time", "rec_epoch", "rec_time_target", "rec_epoch_target",
	"rec_time_dWPP_BP", "rec_epoch_dWPP_BP", "rec_sample_dWPP_BP"}

// DescribesRecords reports whether a results key is one of the time and
// epoch entries that palmc adds to the published layout.
func DescribesRecords(key string) bool {
	_, name, ok := strings.Cut(key, "/")
	return ok && slices.Contains(recordAxes, name)
}

// hasTargetSeries reports whether net recorded MSE, error or target.
func hasTargetSeries(net *experiment.Net) bool {
	for _, name := range []string{"MSE", "error", "target/0"} {
		if s := net.Recorder.Get(name); s != nil && s.Len() > 0 {
			return true
		}
	}
	return false
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
