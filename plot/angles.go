package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

const angleLabel = "angle (°)"

// angleRange sets the y axis of an angle plot to [0, max(90, data max)],
// the data max rounded up to a multiple of 10 degrees; ticks every 15 or
// 30 degrees.
func angleRange(p *gplot.Plot) {
	p.Y.Label.Text = angleLabel
	p.Y.Min = 0
	top := 90.0
	if m := p.Y.Max; m > 90 && isFinite(m) { // Max is -Inf without data
		top = math.Ceil(m/10) * 10
	}
	p.Y.Max = top
	step := 15.0
	if top > 120 {
		step = 30
	}
	p.Y.Tick.Marker = gplot.TickerFunc(func(lo, hi float64) []gplot.Tick {
		var ticks []gplot.Tick
		for v := 0.0; v <= hi+1e-9; v += step / 3 {
			t := gplot.Tick{Value: v}
			if math.Mod(v+1e-9, step) < 1e-6 {
				t.Label = strconv.FormatFloat(math.Round(v), 'f', 0, 64)
			}
			ticks = append(ticks, t)
		}
		return ticks
	})
}

// perSeed draws a slow quantity with one value per record (an angle,
// epsilon_LO) over the run: one line per seed, or the distribution over
// the seeds when there are more than fewLines of them. The teacher is
// not drawn: it has no backward weights to compare and gets no noise.
func (pt *painter) perSeed(k key, get getter) (*panel, string) {
	students, colors, _ := pt.collect(k.v, get)
	pn := newPanel("", pt.x.label(), axisLabel(k.v))
	what := pt.overRun(pn, k.v, students, colors, overRun{seedLines: fewLines})
	switch {
	case (k.v == "epsilon_LO" || k.v == "cos_epsilon_LO") && !pt.run.Adaptive:
		what = joinNote(what, "the noise is not adaptive: the published code's constant")
	case pt.constant(students):
		what = joinNote(what, "constant during the run")
	}
	pt.xRange(pn.p)
	return pn, what
}

// angle draws an angle to backprop, one line per student.
func (pt *painter) angle(path string, k key, get getter) error {
	pn, what := pt.perSeed(k, get)
	angleRange(pn.p)
	return pt.save(path, describe(k, pt.run.Skip), joinNote(joinNote(what, replayNote(k.v)), "90° is no alignment, 0° perfect"), pn)
}

// slow draws a slow quantity other than an angle (epsilon_LO), one line
// per student.
func (pt *painter) slow(path string, k key, get getter) error {
	pn, what := pt.perSeed(k, get)
	margin(&pn.p.Y)
	return pt.save(path, describe(k, pt.run.Skip), what, pn)
}

// angleMean draws the mean of an angle over the students, with a band of
// ± one standard deviation (population std, over the students with a
// finite value at that record).
func (pt *painter) angleMean(path, name string, k key) error {
	students, _, _ := pt.collect(k.v, pt.get(name))
	pn := newPanel("", pt.x.label(), angleLabel)
	var x []float64
	var ys [][]float64
	if len(students) > 0 {
		n := students[0].records()
		for _, s := range students {
			n = min(n, s.records())
		}
		var rows []int
		for _, r := range students[0].afterSettling(pt.run.SettlingSteps) {
			if r < n {
				rows = append(rows, r)
			}
		}
		rows = decimate(rows, maxPoints)
		x = make([]float64, len(rows))
		for j, r := range rows {
			x[j] = pt.x.at(students[0].steps[r])
		}
		for _, s := range students {
			y := make([]float64, len(rows))
			for j, r := range rows {
				y[j] = s.at(r, 0)
			}
			ys = append(ys, y)
		}
	}
	mean, std := meanStd(ys, len(x))
	lo, hi := make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		lo[i], hi[i] = mean[i]-std[i], mean[i]+std[i]
	}
	band := addBand(pn.p, x, lo, hi, translucent(spreadColor, 0x55))
	msty := draw.LineStyle{Color: medianColor, Width: thickWidth}
	addLine(pn.p, x, mean, msty)
	pn.add("mean", lineThumb(msty))
	pn.add("± 1 std", band)
	pt.xRange(pn.p)
	angleRange(pn.p)
	return pt.save(path, describe(k, pt.run.Skip),
		joinNote(replayNote(k.v), fmt.Sprintf("mean ± std over %s; 90° is no alignment, 0° perfect", count(len(students), "seed"))), pn)
}

// cosEpsilon draws the alignment of adaptive noise, the cosine
// 1 - 2·epsilon_LO of the low-passed misalignment (name is "epsilon_LO/<k>"),
// one line per student, with the threshold cos(NoiseDeg), above which no
// more noise is injected, as a dashed horizontal line (docs/model.md §11).
func (pt *painter) cosEpsilon(path string, k key, name string) error {
	get := func(net string) (Array, bool) {
		a, ok := pt.run.Arrays[net+"/"+name]
		if !ok {
			return Array{}, false
		}
		c := Array{Shape: a.Shape, Data: make([]float64, len(a.Data))}
		for i, v := range a.Data {
			c.Data[i] = 1 - 2*v
		}
		return c, true
	}
	pn, what := pt.perSeed(k, get)
	if deg := pt.run.NoiseDeg; deg != 0 {
		c := math.Cos(deg * math.Pi / 180)
		xmax := 0.0
		students, _, _ := pt.collect(k.v, get)
		for _, s := range students {
			xmax = math.Max(xmax, pt.x.at(s.steps[s.records()-1]))
		}
		sty := draw.LineStyle{Color: color.RGBA{0x80, 0x80, 0x80, 0xff}, Width: thickWidth, Dashes: dashes}
		addLine(pn.p, []float64{0, xmax}, []float64{c, c}, sty)
		pn.add(fmt.Sprintf("cos %s° (no noise above)", strconv.FormatFloat(deg, 'g', 4, 64)), lineThumb(sty))
	}
	margin(&pn.p.Y)
	return pt.save(path, describe(k, pt.run.Skip), what, pn)
}

// replayNote says how angle_dWPP_BP is drawn: one point per set of
// weights, the mean over the samples of its replay; "" for other angles.
func replayNote(v string) string {
	if v != updatesAngle {
		return ""
	}
	return "one point per set of weights taken: the mean over the samples of its replay of the input"
}
