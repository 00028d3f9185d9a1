package plot

import (
	"fmt"
	"math"
	"strconv"
)

// maxPoints is the largest number of records drawn per line; longer
// series are decimated by keeping every m-th record.
const maxPoints = 1000

// maxBins is the largest number of bins of a per-epoch figure (an
// envelope, the MSE): longer runs put several epochs into a bin.
const maxBins = 250

// targetOnly lists the variables recorded only at records that have a
// target; they have no records during settling.
var targetOnly = map[string]bool{"MSE": true, "error": true, "target": true}

// recordSteps returns the simulation step of each of n records. A full
// series has record r at step (r+1)·recPerSteps. A target-only series
// (MSE, error, target) starts at the first multiple of recPerSteps greater
// than settling, and goes on every recPerSteps steps.
func recordSteps(n int, target bool, recPerSteps, settling int) []int {
	first := recPerSteps
	if target {
		first = (max(settling, 0)/recPerSteps + 1) * recPerSteps
	}
	steps := make([]int, n)
	for r := range steps {
		steps[r] = first + r*recPerSteps
	}
	return steps
}

// recordStepsOf returns the simulation step of each of the n records of
// variable v of network net: from the record times of the results
// ("<net>/rec_time", or "<net>/rec_time_target" for MSE, error and
// target) when they are there, else as recordSteps has them; those of
// angle_dWPP_BP from "<net>/rec_time_dWPP_BP", or, for its means over
// each replay (Run.replayMeans), one per replay. The times
// are needed where a run records targets only in some of its steps (the
// training passes of a classify run, not its validation passes).
func (r Run) recordStepsOf(net, v string, n int) []int {
	axis := "rec_time"
	if targetOnly[v] {
		axis = "rec_time_target"
	}
	if v == updatesAngle {
		_, steps := r.replayMeans(net, Array{})
		if len(steps) == n {
			return steps
		}
		axis = "rec_time_dWPP_BP"
	}
	if t, ok := r.Arrays[net+"/"+axis]; ok && len(t.Data) == n && r.Dt > 0 {
		steps := make([]int, n)
		for i, ms := range t.Data {
			steps[i] = int(math.Round(ms / r.Dt))
		}
		return steps
	}
	return recordSteps(n, targetOnly[v], r.RecPerSteps, r.SettlingSteps)
}

// decimate keeps every m-th element of idx and the last one, with m the
// smallest step that leaves at most limit elements (limit <= 0 keeps all):
// a decimated line still ends at the end of the run.
func decimate(idx []int, limit int) []int {
	m := decimation(len(idx), limit)
	if m == 1 {
		return idx
	}
	out := make([]int, 0, (len(idx)+m-1)/m)
	for i := 0; i < len(idx); i += m {
		out = append(out, idx[i])
	}
	if last := idx[len(idx)-1]; out[len(out)-1] != last {
		out[len(out)-1] = last
	}
	return out
}

// decimation returns the stride that brings n points down to at most limit.
func decimation(n, limit int) int {
	if limit <= 0 || n <= limit {
		return 1
	}
	return (n + limit - 1) / limit
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// timeUnit is the unit of a time axis.
type timeUnit struct {
	perMs float64 // the unit's value of 1 ms
	name  string  // "ms" or "s"
}

// chooseUnit picks ms, or s when the longest time axis exceeds 5 s.
func chooseUnit(maxMs float64) timeUnit {
	if maxMs > 5000 {
		return timeUnit{perMs: 1e-3, name: "s"}
	}
	return timeUnit{perMs: 1, name: "ms"}
}

// axis is the x axis of the figures that span a whole run: epochs when the
// run lasts at least two epochs, else the model time after settling, in ms
// (s for runs longer than 5 s).
type axis struct {
	epochSteps int // steps of one epoch; 0 on a time axis
	dt         float64
	settling   int
	unit       timeUnit
}

// newAxis chooses the axis of a run whose records end lastStep steps
// after settling.
func newAxis(run Run, lastStep int) axis {
	a := axis{dt: run.Dt, settling: run.SettlingSteps}
	if run.EpochSteps > 0 && lastStep >= 2*run.EpochSteps {
		a.epochSteps = run.EpochSteps
	}
	a.unit = chooseUnit(float64(lastStep) * run.Dt)
	return a
}

// epochs reports whether the axis counts epochs.
func (a axis) epochs() bool { return a.epochSteps > 0 }

// at is the x of a record taken at step: the epochs, or the time, since
// the end of settling.
func (a axis) at(step int) float64 {
	s := float64(step - a.settling)
	if a.epochs() {
		return s / float64(a.epochSteps)
	}
	return s * a.dt * a.unit.perMs
}

// label is the axis label.
func (a axis) label() string {
	if a.epochs() {
		return "epoch"
	}
	return "time (" + a.unit.name + ")"
}

// bin is the records [from, to) of a series, drawn at x.
type bin struct {
	from, to int
	x        float64
}

// bins groups records taken at steps (increasing, all after settling) into
// at most maxBins bins. On an epoch axis a bin holds the records of `per`
// whole epochs (a record taken at the last step of an epoch belongs to
// that epoch) and is drawn at its centre; on a time axis it holds `per`
// consecutive records, at least minRecords, and is drawn at their mean
// time.
func (a axis) bins(steps []int, minRecords int) (bins []bin, per int) {
	if len(steps) == 0 {
		return nil, 1
	}
	if a.epochs() {
		epoch := func(s int) int { return (s - a.settling - 1) / a.epochSteps }
		total := epoch(steps[len(steps)-1]) + 1
		per = max(1, (total+maxBins-1)/maxBins)
		for from := 0; from < len(steps); {
			b := epoch(steps[from]) / per
			to := from
			for to < len(steps) && epoch(steps[to])/per == b {
				to++
			}
			lo, hi := b*per, min((b+1)*per, total)
			bins = append(bins, bin{from: from, to: to, x: float64(lo+hi) / 2})
			from = to
		}
		return bins, per
	}
	per = max(minRecords, 1, (len(steps)+maxBins-1)/maxBins)
	for from := 0; from < len(steps); from += per {
		to := min(from+per, len(steps))
		bins = append(bins, bin{from: from, to: to, x: (a.at(steps[from]) + a.at(steps[to-1])) / 2})
	}
	return bins, per
}

// binName says what one bin of per epochs, or records taken every
// recPerSteps steps, spans: "epoch", "25 epochs", "1 ms".
func (a axis) binName(per, recPerSteps int) string {
	switch {
	case a.epochs() && per == 1:
		return "epoch"
	case a.epochs():
		return fmt.Sprintf("%d epochs", per)
	}
	return formatMs(float64(per*recPerSteps)*a.dt) + " ms"
}

// formatMs writes a time in ms with at most 4 significant digits.
func formatMs(ms float64) string { return strconv.FormatFloat(ms, 'g', 4, 64) }

// updatesAngle is the angle between a bw_only student's updates and
// backprop's, recorded per sample of a replay of its input for each set of
// weights taken (docs/model.md §8).
const updatesAngle = "angle_dWPP_BP"

// replayMeans returns the means of a network's angle_dWPP_BP record a over
// the samples of each replay (over the finite values; NaN where none is),
// and the steps whose weights each replay used, from the records' times
// "<net>/rec_time_dWPP_BP": consecutive records with one time are one
// replay. With a empty it returns no means, only the steps.
func (r Run) replayMeans(net string, a Array) (Array, []int) {
	t, ok := r.Arrays[net+"/rec_time_dWPP_BP"]
	if !ok || !(r.Dt > 0) || (len(a.Data) > 0 && len(t.Data) != len(a.Data)) {
		return a, nil
	}
	var steps []int
	var means []float64
	sum, count := 0.0, 0
	for i, ms := range t.Data {
		if i == 0 || ms != t.Data[i-1] {
			if i > 0 && len(a.Data) > 0 {
				means = append(means, meanOf(sum, count))
			}
			steps = append(steps, int(math.Round(ms/r.Dt)))
			sum, count = 0, 0
		}
		if len(a.Data) > 0 && isFinite(a.Data[i]) {
			sum += a.Data[i]
			count++
		}
	}
	if len(a.Data) == 0 {
		return a, steps
	}
	means = append(means, meanOf(sum, count))
	return Array{Shape: []int{len(means)}, Data: means}, steps
}

func meanOf(sum float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
