package plot

import "math"

// maxPoints is the largest number of records drawn per series; longer
// series are decimated by keeping every m-th record.
const maxPoints = 1000

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

// timeAxis converts record steps to model time in ms, measured from the end
// of settling: t = (step - settling)·dt. Records at or before the end of
// settling (step <= settling) are left out; idx lists the records kept and
// tms their times.
func timeAxis(steps []int, settling int, dt float64) (idx []int, tms []float64) {
	for r, s := range steps {
		if s <= settling {
			continue
		}
		idx = append(idx, r)
		tms = append(tms, float64(s-settling)*dt)
	}
	return idx, tms
}

// decimate keeps every m-th element of idx, with m the smallest step that
// leaves at most limit elements (limit <= 0 keeps all).
func decimate(idx []int, limit int) []int {
	m := decimation(len(idx), limit)
	if m == 1 {
		return idx
	}
	out := make([]int, 0, (len(idx)+m-1)/m)
	for i := 0; i < len(idx); i += m {
		out = append(out, idx[i])
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

// mseWindow returns the length, in records, of the MSE moving average over
// 10 presentations: 10·stepsPerSample/recPerSteps, at least 1.
func mseWindow(stepsPerSample, recPerSteps int) int {
	if recPerSteps <= 0 {
		return 1
	}
	return max(10*stepsPerSample/recPerSteps, 1)
}

// movingAverage returns the trailing mean of x over w records:
// out[i] = mean(x[i-w+1 .. i]). The first w-1 records average over the
// records available so far. Non-finite values are left out of the means
// (a mean with no finite value is NaN).
func movingAverage(x []float64, w int) []float64 {
	w = max(w, 1)
	out := make([]float64, len(x))
	sum, cnt := 0.0, 0
	for i, v := range x {
		if i%w == 0 {
			// Recompute the window's sum now and then, so that rounding
			// from adding and removing terms does not pile up.
			sum, cnt = 0, 0
			for _, u := range x[max(i-w+1, 0):i] {
				if isFinite(u) {
					sum += u
					cnt++
				}
			}
		} else if i >= w {
			if old := x[i-w]; isFinite(old) {
				sum -= old
				cnt--
			}
		}
		if isFinite(v) {
			sum += v
			cnt++
		}
		if cnt > 0 {
			out[i] = sum / float64(cnt)
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// timeUnit is the unit of the time axis.
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
