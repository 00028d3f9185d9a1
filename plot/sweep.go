package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The figures of a sweep (palmc sweep gather): a metric against a grid
// axis, learning curves per grid point, and the paper's Fig. 6. Every
// point and curve is the mean over seeds with ± one (population) standard
// deviation, over the seeds whose value is finite.

// sweepColors colour the lines of a sweep figure, in order.
var sweepColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
	{0x17, 0xbe, 0xcf, 0xff},
}

func sweepColor(i int) color.RGBA { return sweepColors[i%len(sweepColors)] }

// SweepSeries is one line of a figure of a metric against a grid axis:
// at each X, the values of the seeds.
type SweepSeries struct {
	Label string
	X     []float64
	Ys    [][]float64
}

// SweepMetric draws the mean ± std over seeds of a metric against a grid
// axis, one line with error bars per series, the legend below the axes.
// With ticks, the axis is categorical: X holds positions 0, 1, … and
// ticks their labels, and the series are points with error bars, not
// joined (the categories have no order), side by side at each category;
// logX draws a numeric axis on a log scale. The file format is that of
// the extension of path (.png, .svg or .pdf).
func SweepMetric(path, title, xlabel, ylabel string, ticks []string, logX bool, series []SweepSeries) error {
	pn, ns, err := sweepMetricPanel(title, xlabel, ylabel, ticks, logX, series)
	if err != nil {
		return err
	}
	return saveFigure(&sheet{title: title, subtitle: overSeeds(ns), panels: []*panel{{p: pn.p}}, cols: 1,
		legend: pn.legend, width: figWidth, height: figHeight}, path)
}

// sweepMetricPanel draws the axes of SweepMetric and returns them with
// the number of seeds behind each point.
func sweepMetricPanel(title, xlabel, ylabel string, ticks []string, logX bool, series []SweepSeries) (*panel, []int, error) {
	pn := newPanel("", xlabel, ylabel)
	p := pn.p
	if logX {
		p.X.Scale = gplot.LogScale{}
		p.X.Tick.Marker = logTicks{}
		var xs []float64
		for _, s := range series {
			xs = append(xs, s.X...)
		}
		logPad(&p.X, xs)
	}
	if ticks != nil {
		var ts []gplot.Tick
		for i, t := range ticks {
			ts = append(ts, gplot.Tick{Value: float64(i), Label: t})
		}
		p.X.Tick.Marker = gplot.ConstantTicks(ts)
		p.X.Min, p.X.Max = -0.5, float64(len(ticks))-0.5
	}
	var ns []int
	for _, s := range series {
		for _, ys := range s.Ys {
			if _, _, n := meanStdFinite(ys); n > 0 {
				ns = append(ns, n)
			}
		}
	}
	drawn := false
	xs, join := sweepPlaces(series, ticks != nil)
	for i, s := range series {
		thumb, ok := errorBarLine(p, xs[i], s.Ys, sweepColor(i), join)
		if !ok {
			continue
		}
		drawn = true
		if s.Label != "" {
			pn.add(s.Label, thumb)
		}
	}
	if !drawn {
		return nil, nil, fmt.Errorf("plot: %s: no finite values", title)
	}
	return pn, ns, nil
}

// sweepPlaces returns where the points of every series go, and whether
// they are joined by lines: on a categorical axis they are not (the
// categories have no order), and the series stand side by side within
// ±0.2 of their category.
func sweepPlaces(series []SweepSeries, categorical bool) ([][]float64, bool) {
	out := make([][]float64, len(series))
	for i, s := range series {
		out[i] = s.X
		if categorical && len(series) > 1 {
			out[i] = make([]float64, len(s.X))
			for j, x := range s.X {
				out[i][j] = x + 0.4*(float64(i)/float64(len(series)-1)-0.5)
			}
		}
	}
	return out, !categorical
}

// overSeeds says over how many seeds the means of a sweep figure are
// taken, given the number behind each point.
func overSeeds(ns []int) string {
	lo, hi := slices.Min(ns), slices.Max(ns)
	switch {
	case lo == hi && lo == 1:
		return "one seed per point: no spread"
	case lo == hi:
		return fmt.Sprintf("mean ± std (population) over %d seeds", lo)
	}
	return fmt.Sprintf("mean ± std (population) over %d to %d seeds per point", lo, hi)
}

// errorBarLine adds to p the mean ± std over the values at each x as points
// with error bars, joined by a line if join, and returns the legend
// thumbnail; false when no x has a finite value.
func errorBarLine(p *gplot.Plot, xs []float64, ys [][]float64, c color.RGBA, join bool) (gplot.Thumbnailer, bool) {
	var pts plotter.XYs
	eb := &plotter.YErrorBars{}
	for j, x := range xs {
		m, sd, n := meanStdFinite(ys[j])
		if n == 0 {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: m})
		eb.YErrors = append(eb.YErrors, struct{ Low, High float64 }{sd, sd})
	}
	if len(pts) == 0 {
		return nil, false
	}
	eb.XYs = pts
	l, sc, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, false
	}
	l.Color, l.Width = c, thickWidth
	sc.Color, sc.Radius, sc.Shape = c, vg.Points(3), draw.CircleGlyph{}
	eb.LineStyle.Color, eb.LineStyle.Width, eb.CapWidth = c, vg.Points(1), vg.Points(6)
	if join && len(pts) > 1 {
		p.Add(l)
	}
	p.Add(sc, eb)
	return sc, true
}

// SweepCurve is the learning curve of one grid point: X, and one series of
// len(X) values per seed (NaN where a seed has none).
type SweepCurve struct {
	Label string
	X     []float64
	Seeds [][]float64
}

// SweepCurves draws the mean ± std over seeds of each curve against X, a
// shaded band around each mean line, the legend below the axes. logY draws
// the y axis on a log scale (non-positive values are left out) when the
// means span more than a decade. The file format is that of the extension
// of path.
func SweepCurves(path, title, xlabel, ylabel string, logY bool, curves []SweepCurve) error {
	pn := newPanel("", xlabel, ylabel)
	p := pn.p
	type drawn struct{ mean, lo, hi plotter.XYs }
	ds := make([]drawn, len(curves))
	ylo, yhi := math.Inf(1), math.Inf(-1)
	var ns []int
	for i, cv := range curves {
		d := &ds[i]
		for j, x := range cv.X {
			var vals []float64
			for _, s := range cv.Seeds {
				if j < len(s) && (!logY || s[j] > 0) {
					vals = append(vals, s[j])
				}
			}
			m, sd, n := meanStdFinite(vals)
			if n == 0 || !isFinite(x) {
				continue
			}
			ns = append(ns, n)
			d.mean = append(d.mean, plotter.XY{X: x, Y: m})
			d.lo, d.hi = append(d.lo, plotter.XY{X: x, Y: m - sd}), append(d.hi, plotter.XY{X: x, Y: m + sd})
			ylo, yhi = min(ylo, m), max(yhi, m)
		}
	}
	if ylo > yhi {
		return fmt.Errorf("plot: %s: no finite values", title)
	}
	if logY && ylo > 0 && yhi/ylo > 10 {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		for i := range ds {
			for j := range ds[i].lo {
				if ds[i].lo[j].Y <= 0 {
					ds[i].lo[j].Y = ds[i].mean[j].Y
				}
			}
		}
	}
	for i, d := range ds {
		if len(d.mean) < 2 {
			continue
		}
		c := sweepColor(i)
		poly, err := plotter.NewPolygon(append(append(plotter.XYs{}, d.lo...), reverse(d.hi)...))
		if err != nil {
			return err
		}
		poly.Color = color.NRGBA{c.R, c.G, c.B, 0x40}
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	for i, d := range ds {
		if len(d.mean) == 0 {
			continue
		}
		l := &plotter.Line{XYs: d.mean}
		l.Color, l.Width = sweepColor(i), thickWidth
		p.Add(plainLine{l})
		if curves[i].Label != "" {
			pn.add(curves[i].Label, l)
		}
	}
	return saveFigure(&sheet{title: title, subtitle: overSeeds(ns), panels: []*panel{{p: p}}, cols: 1,
		legend: pn.legend, width: figWidth, height: figHeight}, path)
}

// Fig6Group is one group of Fig. 6: the runs with one noise correlation
// time, with or without prospective voltages.
type Fig6Group struct {
	// Tauxi is the noise's correlation time, in ms.
	Tauxi float64
	// Prospective is set for rates from prospective voltages (taur > 0).
	Prospective bool
	// Angles holds, per hidden layer, the final angle between W[k+1]ᵀ and
	// B[k] of each seed, in degrees.
	Angles [][]float64
}

// Fig6 draws the paper's Fig. 6 from the final angles of a sweep: one
// panel per hidden layer, the angle (mean ± std over seeds) against tauxi,
// with and without prospective voltages, one legend below the panels. The
// file format is that of the extension of path.
func Fig6(path string, groups []Fig6Group) error {
	layers := 0
	for _, g := range groups {
		layers = max(layers, len(g.Angles))
	}
	if layers == 0 {
		return fmt.Errorf("plot: Fig. 6 needs final angles")
	}
	s := &sheet{cols: layers, width: vg.Length(layers) * 4.2 * vg.Inch, height: 4 * vg.Inch,
		title:    "Final angles between the backward weights B and Wᵀ, with slow noise",
		subtitle: "for each hidden layer k: angle(W_{k+1}ᵀ, B_{k}) at the end of the run against the correlation time τ_{ξ} of the noise; mean ± std over seeds"}
	for k := range layers {
		pn := newPanel(fmt.Sprintf("hidden layer %d", k), "τ_{ξ} (ms)", angleLabel)
		for i, prosp := range []bool{false, true} {
			var xs []float64
			var ys [][]float64
			for _, g := range groups {
				if k < len(g.Angles) && g.Prospective == prosp {
					xs, ys = append(xs, g.Tauxi), append(ys, g.Angles[k])
				}
			}
			thumb, ok := errorBarLine(pn.p, xs, ys, sweepColor(i), true)
			if ok && k == 0 {
				label := "plain voltages (τ_{r} = 0)"
				if prosp {
					label = "prospective voltages"
				}
				s.legend = append(s.legend, legendEntry{label, thumb})
			}
		}
		pn.p.Y.Min, pn.p.Y.Max = 0, 100
		pn.p.X.Scale = gplot.LogScale{}
		pn.p.X.Tick.Marker = gplot.LogTicks{Prec: -1}
		logPad(&pn.p.X, groupsTauxi(groups))
		s.panels = append(s.panels, &panel{p: pn.p})
	}
	return saveFigure(s, path)
}

// meanStdFinite returns the mean and population standard deviation of the
// finite values of xs, and how many there are.
func meanStdFinite(xs []float64) (mean, std float64, n int) {
	s := 0.0
	for _, x := range xs {
		if isFinite(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = s / float64(n)
	ss := 0.0
	for _, x := range xs {
		if isFinite(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	return mean, math.Sqrt(ss / float64(n)), n
}

func reverse(xy plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(xy))
	for i := range xy {
		out[i] = xy[len(xy)-1-i]
	}
	return out
}

// logPad sets the range of a log axis to a third of the smallest positive
// x and three times the largest, so that points sit inside the frame (and
// a single point gives an axis at all).
func logPad(a *gplot.Axis, xs []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if x > 0 && isFinite(x) {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if lo <= hi {
		a.Min, a.Max = lo/3, hi*3
	}
}

func groupsTauxi(groups []Fig6Group) []float64 {
	var xs []float64
	for _, g := range groups {
		xs = append(xs, g.Tauxi)
	}
	return xs
}
