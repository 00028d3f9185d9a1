package plot

import (
	"math"
	"slices"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
)

// linearTicks labels about six round values (steps of 1, 2, 2.5 or 5 times
// a power of ten) with unlabelled minor ticks in between.
type linearTicks struct{}

func (linearTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || !isFinite(lo) || !isFinite(hi) {
		return []gplot.Tick{{Value: lo, Label: formatTick(lo, 1)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	var step float64
	var minors int
	for _, c := range []struct {
		m float64
		n int
	}{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}, {10, 5}} {
		if step = c.m * mag; step >= raw*0.999 {
			minors = c.n
			break
		}
	}
	minor := step / float64(minors)
	var ticks []gplot.Tick
	first := math.Ceil(lo/minor-1e-9) * minor
	for i := 0; ; i++ {
		v := first + float64(i)*minor
		if v > hi+minor*1e-9 {
			break
		}
		if k := math.Round(v / step); math.Abs(v-k*step) < minor*1e-6 {
			v = k * step
			ticks = append(ticks, gplot.Tick{Value: v, Label: formatTick(v, step)})
		} else {
			ticks = append(ticks, gplot.Tick{Value: v})
		}
	}
	return ticks
}

// epochTicks labels whole epochs only: every one on a short axis, else
// round steps of at least one epoch, with minor ticks at whole epochs.
type epochTicks struct{}

func (epochTicks) Ticks(lo, hi float64) []gplot.Tick {
	var ticks []gplot.Tick
	if hi-lo < 7 {
		for v := math.Ceil(lo); v <= hi; v++ {
			ticks = append(ticks, gplot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
		}
		return ticks
	}
	for _, t := range (linearTicks{}).Ticks(lo, hi) {
		if t.Value == math.Trunc(t.Value) {
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// formatTick writes v with as many decimals as the step needs.
func formatTick(v, step float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e5 || a < 1e-3 || step < 1e-4 {
		return sci(v)
	}
	prec := 0
	for s := step; prec < 8 && math.Abs(s-math.Round(s)) > 1e-9*step; s *= 10 {
		prec++
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// logTicks labels the decades of a log axis, and also 2× and 5× when the
// axis spans few decades; the other digits get minor ticks. Within about a
// decade it labels as many digits as stay apart (minLogGap), and an axis
// too short for three labelled digits gets linear ticks.
type logTicks struct{}

// digitLevels are the digits a log axis of less than 1.2 decades may
// label, densest first.
var digitLevels = [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 5, 6, 8}, {1, 2, 3, 5}, {1, 2, 5}}

// minLogGap is the least distance between two labels of a log axis, as a
// fraction of its length (0.1 beside 0.09 on a decade is 0.046).
const minLogGap = 0.07

func (logTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(lo > 0) || !(hi > lo) || !isFinite(hi) {
		return nil
	}
	span := math.Log10(hi / lo)
	labelled := func(d int) bool { return d == 1 }
	switch {
	case span < 1.2:
		level := digitLevels[len(digitLevels)-1]
		for _, digits := range digitLevels {
			if logGapOK(lo, hi, digits) {
				level = digits
				break
			}
		}
		if values := labelledDigits(lo, hi, level); len(values) < 3 {
			return linearTicks{}.Ticks(lo, hi)
		}
		labelled = func(d int) bool { return slices.Contains(level, d) }
	case span < 2.5:
		labelled = func(d int) bool { return d == 1 || d == 2 || d == 5 }
	}
	every := max(1, int(math.Ceil(span/8))) // at most ~8 labelled decades
	var ticks []gplot.Tick
	// One notation per axis: decimals when every label is within 0.01 to
	// 100, else powers of ten for all.
	decimal := true
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		p := math.Pow(10, float64(e))
		for d := 1; d <= 9; d++ {
			v := float64(d) * p
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := gplot.Tick{Value: v}
			if labelled(d) && (d != 1 || e%every == 0) {
				t.Label = "label"
				decimal = decimal && e > -3 && e < 3
			}
			ticks = append(ticks, t)
		}
	}
	for i, t := range ticks {
		if t.Label == "" {
			continue
		}
		if decimal {
			ticks[i].Label = strconv.FormatFloat(t.Value, 'g', 6, 64)
		} else {
			ticks[i].Label = sci(t.Value)
		}
	}
	return ticks
}

// labelledDigits returns the values d·10^e in [lo, hi] with d one of digits.
func labelledDigits(lo, hi float64, digits []int) []float64 {
	var out []float64
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		for _, d := range digits {
			if v := float64(d) * math.Pow(10, float64(e)); v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				out = append(out, v)
			}
		}
	}
	return out
}

// logGapOK reports whether the labels of digits on the log axis [lo, hi]
// are at least minLogGap of its length apart.
func logGapOK(lo, hi float64, digits []int) bool {
	values := labelledDigits(lo, hi, digits)
	span := math.Log10(hi / lo)
	for i := 1; i < len(values); i++ {
		if math.Log10(values[i]/values[i-1]) < minLogGap*span {
			return false
		}
	}
	return true
}

// logRange rounds [lo, hi] (lo > 0) outwards to values that logTicks
// labels, so that a log axis shows at least two labels.
func logRange(lo, hi float64) (float64, float64) {
	if !(hi > lo) {
		lo, hi = lo/2, hi*2
	}
	digits := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	switch span := math.Log10(hi / lo); {
	case span >= 2.5:
		digits = []float64{1}
	case span >= 1.2:
		digits = []float64{1, 2, 5}
	}
	down := func(x float64) float64 {
		p := math.Pow(10, math.Floor(math.Log10(x)))
		best := p
		for _, d := range digits {
			if d*p <= x*(1+1e-12) {
				best = d * p
			}
		}
		return best
	}
	up := func(x float64) float64 {
		p := math.Pow(10, math.Floor(math.Log10(x)))
		for _, d := range digits {
			if d*p >= x*(1-1e-12) {
				return d * p
			}
		}
		return 10 * p
	}
	return down(lo), up(hi)
}

// sci writes v as "2.5×10^{-5}" (or "10^{-5}"), with the exponent marked as
// a superscript for the figures' text handler.
func sci(v float64) string {
	if v == 0 || !isFinite(v) {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	e := int(math.Floor(math.Log10(math.Abs(v))))
	m := v / math.Pow(10, float64(e))
	if math.Abs(m) >= 9.9995 { // rounding of the mantissa
		m /= 10
		e++
	}
	exp := "10^{" + strings.ReplaceAll(strconv.Itoa(e), "-", "−") + "}"
	ms := strconv.FormatFloat(m, 'g', 4, 64)
	switch ms {
	case "1":
		return exp
	case "-1":
		return "−" + exp
	}
	return strings.ReplaceAll(ms, "-", "−") + "×" + exp
}
