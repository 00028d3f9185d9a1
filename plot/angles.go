package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

const angleLabel = "angle (degrees)"

// angleRange sets the y axis of an angle plot to [0, max(90, data max)],
// the data max rounded up to a multiple of 10 degrees; ticks every 15 or
// 30 degrees.
func angleRange(f *figure) {
	f.p.Y.Label.Text = angleLabel
	f.p.Y.Min = 0
	top := 90.0
	if m := f.p.Y.Max; m > 90 && isFinite(m) { // Max is -Inf without data
		top = math.Ceil(m/10) * 10
	}
	f.p.Y.Max = top
	step := 15.0
	if top > 120 {
		step = 30
	}
	f.p.Y.Tick.Marker = gplot.TickerFunc(func(lo, hi float64) []gplot.Tick {
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

// angle draws an angle to backprop, one line per student.
func (pt *painter) angle(path, name string, k key) error {
	f, err := pt.linesFigure(k, pt.get(name))
	if err != nil {
		return err
	}
	angleRange(f)
	return f.save(path)
}

// angleMean draws the mean of an angle over the students, with a band of
// ± one standard deviation (population std, over the students with a
// finite value at that record).
func (pt *painter) angleMean(path, name string, k key) error {
	f := pt.newFigure(pt.title(k), angleLabel)
	var t []float64
	var ys [][]float64
	for _, net := range pt.seeds {
		a, ok := pt.run.Arrays[net+"/"+name]
		if !ok {
			continue
		}
		v := pt.view(a, k.v)
		if len(ys) == 0 || len(v.t) < len(t) {
			t = v.t
		}
		ys = append(ys, v.col(0))
	}
	mean, std := meanStd(ys, len(t))
	f.p.Title.Text += fmt.Sprintf(" (mean of %d seeds)", len(ys))

	band := color.NRGBA{0x1f, 0x77, 0xb4, 0x55}
	for _, seg := range segmentIndexes(mean) {
		ring := make(plotter.XYs, 0, 2*len(seg))
		for _, i := range seg {
			ring = append(ring, plotter.XY{X: t[i], Y: mean[i] + std[i]})
		}
		for j := len(seg) - 1; j >= 0; j-- {
			i := seg[j]
			ring = append(ring, plotter.XY{X: t[i], Y: mean[i] - std[i]})
		}
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return err
		}
		poly.Color = band
		poly.LineStyle.Width = 0
		f.p.Add(poly)
	}
	msty := draw.LineStyle{Color: color.RGBA{0x1f, 0x3a, 0x73, 0xff}, Width: thickWidth}
	if err := f.line(t, mean, msty); err != nil {
		return err
	}
	f.legend("mean", msty)
	f.leg.Add("± std", &plotter.Polygon{Color: band})
	f.entries++
	f.p.X.Min = 0
	angleRange(f)
	return f.save(path)
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
	f, err := pt.linesFigure(k, get)
	if err != nil {
		return err
	}
	if deg := pt.run.NoiseDeg; deg != 0 {
		c := math.Cos(deg * math.Pi / 180)
		xmin, xmax := 0.0, 1.0
		for _, net := range pt.seeds {
			if a, ok := get(net); ok {
				if v := pt.view(a, k.v); len(v.t) > 0 {
					xmax = math.Max(xmax, v.t[len(v.t)-1])
				}
			}
		}
		sty := draw.LineStyle{Color: color.RGBA{0x80, 0x80, 0x80, 0xff}, Width: thickWidth, Dashes: dashes}
		if err := f.line([]float64{xmin, xmax}, []float64{c, c}, sty); err != nil {
			return err
		}
		f.legend(fmt.Sprintf("cos(%s°)", strconv.FormatFloat(deg, 'g', 4, 64)), sty)
	}
	return f.save(path)
}

// meanStd returns the mean and population standard deviation over the
// series of each of the first n points, ignoring non-finite values (NaN
// where no series is finite).
func meanStd(ys [][]float64, n int) (mean, std []float64) {
	mean = make([]float64, n)
	std = make([]float64, n)
	for i := range n {
		s, c := 0.0, 0
		for _, y := range ys {
			if isFinite(y[i]) {
				s += y[i]
				c++
			}
		}
		if c == 0 {
			mean[i], std[i] = math.NaN(), math.NaN()
			continue
		}
		m := s / float64(c)
		ss := 0.0
		for _, y := range ys {
			if isFinite(y[i]) {
				ss += (y[i] - m) * (y[i] - m)
			}
		}
		mean[i], std[i] = m, math.Sqrt(ss/float64(c))
	}
	return mean, std
}

// segmentIndexes splits the indexes of y into runs of finite values.
func segmentIndexes(y []float64) [][]int {
	var out [][]int
	var cur []int
	for i, v := range y {
		if !isFinite(v) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, i)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
