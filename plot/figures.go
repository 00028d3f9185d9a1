package plot

import (
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"sort"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The paper's figures, drawn from the results of palmc runs: Fig. 3 (the
// angles between PAL's backward weights and backprop's, mean ± std over
// seeds) and Fig. 4 (BP, FA and PAL learning a teacher's weights).

// layerColors colour hidden layers 0, 1, 2, … in the figures.
var layerColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff},
}

// epochAxis returns the epoch of each of n records of a series: record r
// is at step first+r·RecPerSteps, and epoch = (step - settling)/epochSteps.
func epochAxis(run Run, n int, target bool, epochSteps int) []float64 {
	steps := recordSteps(n, target, run.RecPerSteps, run.SettlingSteps)
	out := make([]float64, n)
	for i, s := range steps {
		out[i] = float64(s-run.SettlingSteps) / float64(epochSteps)
	}
	return out
}

func panel(titleText, xlabel, ylabel string) *gplot.Plot {
	p := newPlot(titleText, xlabel, ylabel, 12, 6)
	p.Legend.TextStyle.Font = sans(10)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(18)
	return p
}

// curve is one mean ± std curve of a figure panel.
type curve struct {
	x      []float64
	ys     [][]float64
	c      color.RGBA
	label  string
	dashed bool
	// positive clips the band to positive values, for log axes.
	positive bool
}

// addCurves adds the curves to p: all bands first, then all mean lines, so
// that no band covers a line.
func addCurves(p *gplot.Plot, cs []curve) error {
	for _, pass := range []bool{true, false} {
		for _, c := range cs {
			if err := addBand(p, c, pass); err != nil {
				return err
			}
		}
	}
	return nil
}

// addBand adds the band (band true) or the mean line of mean ± std of ys
// (one series per seed) against x, skipping records before epoch 0
// (settling).
func addBand(p *gplot.Plot, cv curve, bandPass bool) error {
	x, c := cv.x, cv.c
	mean, std := meanStd(cv.ys, len(x))
	var xs, ms, ss []float64
	for i := range x {
		if x[i] >= 0 {
			xs, ms, ss = append(xs, x[i]), append(ms, mean[i]), append(ss, std[i])
		}
	}
	idx := decimate(seq(len(xs)), maxPoints)
	band := translucent(c, 0x40)
	for _, seg := range segmentIndexes(pick(ms, idx)) {
		if !bandPass {
			break
		}
		ring := make(plotter.XYs, 0, 2*len(seg))
		for _, j := range seg {
			i := idx[j]
			ring = append(ring, plotter.XY{X: xs[i], Y: ms[i] + ss[i]})
		}
		for j := len(seg) - 1; j >= 0; j-- {
			i := idx[seg[j]]
			lo := ms[i] - ss[i]
			if cv.positive {
				lo = math.Max(lo, ms[i]/100)
			}
			ring = append(ring, plotter.XY{X: xs[i], Y: lo})
		}
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return err
		}
		poly.Color = band
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	if bandPass {
		return nil
	}
	sty := draw.LineStyle{Color: c, Width: thickWidth}
	if cv.dashed {
		sty.Dashes = dashes
	}
	for _, s := range segments(pick(xs, idx), pick(ms, idx)) {
		l, err := plotter.NewLine(s)
		if err != nil {
			return err
		}
		l.LineStyle = sty
		p.Add(l)
	}
	p.Legend.Add(cv.label, &plotter.Line{LineStyle: sty})
	return nil
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func pick(x []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = x[j]
	}
	return out
}

// studentSeries returns, for every student of run, the flat data of key
// "<net>/<name>" (nil when absent), in the order of seed numbers.
func studentSeries(run Run, name string) [][]float64 {
	var nets []string
	for k := range run.Arrays {
		if net, rest, ok := cut(k); ok && rest == name {
			if _, isSeed := seedNumber(net); isSeed {
				nets = append(nets, net)
			}
		}
	}
	sortSeeds(nets)
	var out [][]float64
	n := -1
	for _, net := range nets {
		d := run.Arrays[net+"/"+name].Data
		if n < 0 || len(d) < n {
			n = len(d)
		}
		out = append(out, d)
	}
	for i := range out {
		out[i] = out[i][:n]
	}
	return out
}

func cut(key string) (net, rest string, ok bool) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return "", "", false
}

// savePanels draws the panels in a grid of the given columns into a PNG
// at path.
func savePanels(path string, panels []*gplot.Plot, cols int, w, h vg.Length) error {
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(figDPI))
	dc := draw.New(c)
	dc = draw.Crop(dc, vg.Points(6), -vg.Points(8), vg.Points(4), -vg.Points(4))
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*gplot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*gplot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(panels) {
				grid[i][j] = panels[k]
			}
		}
	}
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(18), PadY: vg.Points(14)}
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(t.At(dc, j, i))
			}
		}
	}
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

// Fig3 draws the paper's Fig. 3 from a bw_only run with --compare BP: for
// each of the three angles (between WPP[k+1]ᵀ and BPP[k], between BPP[k] and
// backprop's matrix with the activation derivatives, between the
// Jacobians), the mean ± std over seeds of every hidden layer k against
// epochs. epochSteps is the number of steps of one epoch.
func Fig3(run Run, epochSteps int, path string) error {
	names := []struct{ key, title string }{
		{"angle_WPPT_BPP", "angle between WPP[k+1]ᵀ and BPP[k]"},
		{"angle_BPP_RHS", "angle between BPP[k] and φ'·WPP[k+1]ᵀ·φ'"},
		{"angle_jacobians_BP", "angle between the Jacobians"},
	}
	var panels []*gplot.Plot
	for _, nm := range names {
		p := panel(nm.title, "epoch", "angle (degrees)")
		var cs []curve
		for k := 0; ; k++ {
			ys := studentSeries(run, fmt.Sprintf("%s/%d", nm.key, k))
			if len(ys) == 0 {
				break
			}
			cs = append(cs, curve{epochAxis(run, len(ys[0]), false, epochSteps), ys,
				layerColors[k%len(layerColors)], fmt.Sprintf("hidden layer %d", k), false, false})
		}
		if len(cs) == 0 {
			continue
		}
		if err := addCurves(p, cs); err != nil {
			return err
		}
		p.Y.Min, p.Y.Max = 0, 100
		p.X.Min = 0
		p.Legend.Left = false
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return fmt.Errorf("plot: Fig. 3 needs the angles of a run with --compare BP")
	}
	return savePanels(path, panels, len(panels), vg.Length(len(panels))*4.2*vg.Inch, 3.6*vg.Inch)
}

// Fig4Run is one model's run for Fig. 4.
type Fig4Run struct {
	// Model names the run in the legend (BP, FA, PAL).
	Model string
	Run   Run
	// EpochSteps is the number of steps of one epoch.
	EpochSteps int
}

var modelColors = map[string]color.RGBA{
	"BP": {0x20, 0x20, 0x20, 0xff}, "FA": {0xd6, 0x27, 0x28, 0xff}, "PAL": {0x1f, 0x77, 0xb4, 0xff},
}

// weightColors colour WPP[0], WPP[1] and BPP[0] in the weight panels.
var weightColors = []color.RGBA{{0x1f, 0x77, 0xb4, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xd6, 0x27, 0x28, 0xff}}

// perEpoch averages the records of every epoch of a series whose records
// start after settling (MSE): epochRecords records an epoch.
func perEpoch(y []float64, epochRecords int) []float64 {
	epochRecords = max(epochRecords, 1)
	out := make([]float64, 0, len(y)/epochRecords)
	for i := 0; i+epochRecords <= len(y); i += epochRecords {
		s := 0.0
		for _, v := range y[i : i+epochRecords] {
			s += v
		}
		out = append(out, s/float64(epochRecords))
	}
	return out
}

// Fig4 draws the paper's Fig. 4a-b from fw_bw runs of BP, FA and PAL on
// the [1, 1, 1] teacher task: the MSE of each model (mean over the records
// of each epoch, then mean ± std over seeds, log scale), and for each model
// the forward weights WPP[0], WPP[1] and the backward weight BPP[0]
// (mean ± std over seeds), with the teacher's forward weights dashed.
func Fig4(runs []Fig4Run, path string) error {
	order := map[string]int{"BP": 0, "FA": 1, "PAL": 2}
	sort.SliceStable(runs, func(i, j int) bool { return order[runs[i].Model] < order[runs[j].Model] })
	mse := panel("MSE", "epoch", "MSE (mean over each epoch)")
	mse.Y.Scale = gplot.LogScale{}
	mse.Y.Tick.Marker = logTicks{}
	mse.Legend.Left, mse.Legend.Top = false, false
	panels := []*gplot.Plot{mse}
	lo, hi := math.Inf(1), math.Inf(-1)
	var mc []curve
	for _, r := range runs {
		c, ok := modelColors[r.Model]
		if !ok {
			c = palette[4]
		}
		epochRecords := r.EpochSteps / max(r.Run.RecPerSteps, 1)
		if ys := studentSeries(r.Run, "MSE"); len(ys) > 0 {
			for i := range ys {
				ys[i] = perEpoch(ys[i], epochRecords)
				for j, v := range ys[i] {
					ys[i][j] = math.Max(v, 1e-15)
					lo, hi = math.Min(lo, ys[i][j]), math.Max(hi, ys[i][j])
				}
			}
			x := make([]float64, len(ys[0]))
			for e := range x {
				x[e] = float64(e + 1)
			}
			mc = append(mc, curve{x, ys, c, r.Model, false, true})
		}
		w := panel(r.Model+": weights", "epoch", "weight")
		w.Legend.Left = false
		var wc []curve
		for i, key := range []string{"WPP/0", "WPP/1", "BPP/0"} {
			ys := studentSeries(r.Run, key)
			if len(ys) == 0 || len(ys[0]) == 0 {
				continue
			}
			wc = append(wc, curve{epochAxis(r.Run, len(ys[0]), false, r.EpochSteps), ys, weightColors[i], key, false, false})
		}
		if err := addCurves(w, wc); err != nil {
			return err
		}
		for _, key := range []string{"WPP/0", "WPP/1"} {
			if a, ok := r.Run.Arrays["teacher/"+key]; ok && len(a.Data) > 0 {
				v := a.Data[0]
				tl := plotter.NewFunction(func(float64) float64 { return v })
				tl.LineStyle = draw.LineStyle{Color: color.Gray{0x80}, Width: thinWidth, Dashes: dashes}
				w.Add(tl)
				if key == "WPP/0" {
					w.Legend.Add("teacher WPP", tl)
				}
			}
		}
		w.X.Min = 0
		panels = append(panels, w)
	}
	if err := addCurves(mse, mc); err != nil {
		return err
	}
	if lo < hi {
		mse.Y.Min, mse.Y.Max = logRange(lo, hi)
	}
	mse.X.Min = 0
	return savePanels(path, panels, 2, 10*vg.Inch, 7.2*vg.Inch)
}
