package plot

import (
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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
// axis, one line with error bars per series. With ticks, the axis is
// categorical: X holds positions 0, 1, … and ticks their labels; logX
// draws a numeric axis on a log scale.
func SweepMetric(path, title, xlabel, ylabel string, ticks []string, logX bool, series []SweepSeries) error {
	p, leg := sweepPlot(title, xlabel, ylabel), sweepLegend()
	if logX {
		p.X.Scale = gplot.LogScale{}
		p.X.Tick.Marker = gplot.LogTicks{Prec: -1}
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
	drawn := false
	for i, s := range series {
		var pts, errs plotter.XYs
		var lo, hi []float64
		for j, x := range s.X {
			m, sd, n := meanStdFinite(s.Ys[j])
			if n == 0 {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: m})
			errs = append(errs, plotter.XY{X: x, Y: m})
			lo, hi = append(lo, sd), append(hi, sd)
		}
		if len(pts) == 0 {
			continue
		}
		drawn = true
		c := sweepColor(i)
		if len(pts) > 1 {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			l.Color, l.Width = c, vg.Points(1.5)
			p.Add(l)
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = c, vg.Points(3), draw.CircleGlyph{}
		p.Add(sc)
		eb := &plotter.YErrorBars{XYs: errs, YErrors: make(plotter.YErrors, len(errs))}
		for k := range errs {
			eb.YErrors[k] = struct{ Low, High float64 }{lo[k], hi[k]}
		}
		eb.LineStyle.Color, eb.LineStyle.Width, eb.CapWidth = c, vg.Points(1), vg.Points(6)
		p.Add(eb)
		if s.Label != "" {
			leg.Add(s.Label, sc)
		}
	}
	if !drawn {
		return fmt.Errorf("plot: %s: no finite values", title)
	}
	return sweepSave(path, p, leg, 6*vg.Inch, 4*vg.Inch)
}

// SweepCurve is the learning curve of one grid point: X, and one series of
// len(X) values per seed (NaN where a seed has none).
type SweepCurve struct {
	Label string
	X     []float64
	Seeds [][]float64
}

// SweepCurves draws the mean ± std over seeds of each curve against X, a
// shaded band around each mean line. logY draws the y axis on a log scale
// (non-positive values are left out) when the means span more than a
// decade.
func SweepCurves(path, title, xlabel, ylabel string, logY bool, curves []SweepCurve) error {
	p, leg := sweepPlot(title, xlabel, ylabel), sweepLegend()
	type drawn struct{ mean, lo, hi plotter.XYs }
	ds := make([]drawn, len(curves))
	ylo, yhi := math.Inf(1), math.Inf(-1)
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
			if n == 0 || !finite(x) {
				continue
			}
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
		p.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
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
		c := sweepColor(i)
		l, err := plotter.NewLine(d.mean)
		if err != nil {
			return err
		}
		l.Color, l.Width = c, vg.Points(1.5)
		p.Add(l)
		if curves[i].Label != "" {
			leg.Add(curves[i].Label, l)
		}
	}
	return sweepSave(path, p, leg, 6*vg.Inch, 4*vg.Inch)
}

// Fig6Group is one bar group of Fig. 6: the runs with one noise
// correlation time, with or without prospective voltages.
type Fig6Group struct {
	// Tauxi is the noise's correlation time, in ms.
	Tauxi float64
	// Prospective is set for rates from prospective voltages (taur > 0).
	Prospective bool
	// Angles holds, per hidden layer, the final angle between WPP[k+1]ᵀ
	// and BPP[k] of each seed, in degrees.
	Angles [][]float64
}

// Fig6 draws the paper's Fig. 6 from the final angles of a sweep: one
// panel per hidden layer, the angle (mean ± std over seeds) against tauxi,
// with and without prospective voltages.
func Fig6(path string, groups []Fig6Group) error {
	layers := 0
	for _, g := range groups {
		layers = max(layers, len(g.Angles))
	}
	if layers == 0 {
		return fmt.Errorf("plot: Fig. 6 needs final angles")
	}
	var panels []*gplot.Plot
	for k := range layers {
		var with, without SweepSeries
		with.Label, without.Label = "prospective voltages (taur 1)", "plain voltages (taur 0)"
		for _, g := range groups {
			if k >= len(g.Angles) {
				continue
			}
			s := &without
			if g.Prospective {
				s = &with
			}
			s.X, s.Ys = append(s.X, g.Tauxi), append(s.Ys, g.Angles[k])
		}
		p := sweepPlot(fmt.Sprintf("hidden layer %d", k), "noise correlation time tauxi (ms)", "final angle WPP[k+1]ᵀ, BPP[k] (degrees)")
		p.X.Scale = gplot.LogScale{}
		p.X.Tick.Marker = gplot.LogTicks{Prec: -1}
		for i, s := range []SweepSeries{without, with} {
			if len(s.X) == 0 {
				continue
			}
			var pts plotter.XYs
			eb := &plotter.YErrorBars{}
			for j, x := range s.X {
				m, sd, n := meanStdFinite(s.Ys[j])
				if n == 0 {
					continue
				}
				pts = append(pts, plotter.XY{X: x, Y: m})
				eb.YErrors = append(eb.YErrors, struct{ Low, High float64 }{sd, sd})
			}
			if len(pts) == 0 {
				continue
			}
			eb.XYs = pts
			c := sweepColor(i)
			l, sc, err := plotter.NewLinePoints(pts)
			if err != nil {
				return err
			}
			l.Color, l.Width = c, vg.Points(1.5)
			sc.Color, sc.Radius, sc.Shape = c, vg.Points(3), draw.CircleGlyph{}
			eb.LineStyle.Color, eb.LineStyle.Width, eb.CapWidth = c, vg.Points(1), vg.Points(6)
			p.Add(l, sc, eb)
			// The legend goes where the lines leave room: top right of the
			// last panel.
			if k == layers-1 {
				p.Legend.Add(s.Label, l, sc)
			}
		}
		p.Y.Min, p.Y.Max = 0, 100
		logPad(&p.X, groupsTauxi(groups))
		panels = append(panels, p)
	}
	w := vg.Length(len(panels)) * 4.2 * vg.Inch
	c := vgimg.NewWith(vgimg.UseWH(w, 3.8*vg.Inch), vgimg.UseDPI(150))
	dc := draw.Crop(draw.New(c), vg.Points(6), -vg.Points(8), vg.Points(4), -vg.Points(4))
	t := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Points(18)}
	for j, p := range panels {
		p.Draw(t.At(dc, j, 0))
	}
	return sweepWrite(path, c)
}

// sweepPlot returns an empty figure with a light grid.
func sweepPlot(title, xlabel, ylabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{0xdd}, color.Gray{0xdd}
	p.Add(grid)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(18)
	return p
}

// legendBeside is a legend drawn beside the axes, and its entries' count.
type legendBeside struct {
	gplot.Legend
	n int
}

func (l *legendBeside) Add(name string, thumbs ...gplot.Thumbnailer) {
	l.Legend.Add(name, thumbs...)
	l.n++
}

// sweepLegend returns a legend to draw beside the axes.
func sweepLegend() *legendBeside {
	leg := gplot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.ThumbnailWidth = vg.Points(18)
	leg.Padding = vg.Points(2)
	return &legendBeside{Legend: leg}
}

// sweepSave draws p into a PNG file, widened by the legend, which goes to
// the right of the axes so that it covers no line.
func sweepSave(path string, p *gplot.Plot, leg *legendBeside, w, h vg.Length) error {
	var lw vg.Length
	if leg.n > 0 {
		lw = leg.Rectangle(draw.New(vgimg.New(w, h))).Size().X + vg.Points(12)
	}
	c := vgimg.NewWith(vgimg.UseWH(w+lw, h), vgimg.UseDPI(150))
	dc := draw.Crop(draw.New(c), vg.Points(4), -vg.Points(6), vg.Points(2), -vg.Points(4))
	pc := draw.Crop(dc, 0, -lw, 0, 0)
	p.Draw(pc)
	if lw > 0 {
		da := p.DataCanvas(pc)
		leg.Draw(draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: pc.Max.X + vg.Points(12), Y: da.Min.Y},
			Max: vg.Point{X: dc.Max.X, Y: da.Max.Y},
		}})
	}
	return sweepWrite(path, c)
}

func sweepWrite(path string, c *vgimg.Canvas) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, c.Image()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// meanStdFinite returns the mean and population standard deviation of the
// finite values of xs, and how many there are.
func meanStdFinite(xs []float64) (mean, std float64, n int) {
	s := 0.0
	for _, x := range xs {
		if finite(x) {
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
		if finite(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	return mean, math.Sqrt(ss / float64(n)), n
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

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
		if x > 0 && finite(x) {
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
