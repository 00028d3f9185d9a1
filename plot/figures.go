package plot

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The paper's figures, drawn from the results of palmc runs: Fig. 3 (the
// angles between PAL's backward weights and backprop's, mean ± std over
// seeds) and Fig. 4 (BP, FA and PAL learning a teacher's weights).

// layerColors colour hidden layers 0, 1, 2, … in the figures.
var layerColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff},
}

// figureAxis is the epoch axis of a paper figure's run.
func figureAxis(run Run, epochSteps int) axis {
	return axis{epochSteps: max(epochSteps, 1), dt: run.Dt, settling: run.SettlingSteps, unit: chooseUnit(0)}
}

// meanStdCurve is one mean ± std curve of a figure panel: ys holds one
// series per seed, all taken at the steps.
type meanStdCurve struct {
	steps  []int
	ys     [][]float64
	c      color.RGBA
	label  string
	dashed bool
}

// addMeanStd adds the curves to pn, all bands first and then all mean
// lines, so that no band covers a line; records before epoch 0 (settling)
// are left out and long series decimated.
func addMeanStd(pn *panel, ax axis, cs []meanStdCurve) {
	type drawn struct{ x, mean []float64 }
	ds := make([]drawn, len(cs))
	for i, cv := range cs {
		var idx []int
		for j, s := range cv.steps {
			if s > ax.settling {
				idx = append(idx, j)
			}
		}
		idx = decimate(idx, maxPoints)
		ys := make([][]float64, len(cv.ys))
		for k, y := range cv.ys {
			ys[k] = make([]float64, len(idx))
			for j, r := range idx {
				ys[k][j] = y[r]
			}
		}
		mean, std := meanStd(ys, len(idx))
		x, lo, hi := make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx))
		for j, r := range idx {
			x[j] = ax.at(cv.steps[r])
			lo[j], hi[j] = mean[j]-std[j], mean[j]+std[j]
		}
		addBand(pn.p, x, lo, hi, translucent(cv.c, 0x40))
		ds[i] = drawn{x, mean}
	}
	for i, cv := range cs {
		sty := draw.LineStyle{Color: cv.c, Width: thickWidth}
		if cv.dashed {
			sty.Dashes = dashes
		}
		addLine(pn.p, ds[i].x, ds[i].mean, sty)
		pn.add(cv.label, lineThumb(sty))
	}
}

// studentSeries returns, for every student of run, the flat data of key
// "<net>/<name>" cut to the shortest, in the order of seed numbers.
func studentSeries(run Run, name string) [][]float64 {
	var nets []string
	for k := range run.Arrays {
		if net, rest, ok := strings.Cut(k, "/"); ok && rest == name {
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

// saveFigure writes a paper figure; its format is that of the file name's
// extension.
func saveFigure(s *sheet, path string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	return s.save(path, format)
}

// Fig3 draws the paper's Fig. 3 from a bw_only run with --compare BP, one
// panel per measure, mean ± std over seeds against epochs: the angles of
// every hidden layer k between W[k+1]ᵀ and B[k], and between B[k] and
// backprop's matrix with the slopes φ′ on both sides (the paper's first two
// panels); the angle of every pyramidal layer j between the increments of
// W[j] and backprop's updates (angle_dWPP_BP, the paper's third panel; per
// seed the mean over the samples of each replay first, drawn at the step
// whose weights it replays); and palmc's fourth, the angle between the
// Jacobians. Measures the run lacks are left out. epochSteps is the number
// of steps of one epoch. The file format is that of the extension of path
// (.png, .svg or .pdf).
func Fig3(run Run, epochSteps int, path string) error {
	ax := figureAxis(run, epochSteps)
	s := &sheet{}
	seeds := 0
	xmax := 0.0
	for _, name := range []string{"angle_WPPT_BPP", "angle_BPP_RHS", updatesAngle, "angle_jacobians_BP"} {
		pn := newPanel(angleName(name, -1, false), "epoch", angleLabel)
		var cs []meanStdCurve
		if name == updatesAngle {
			cs = updateCurves(run)
		}
		for k := 0; name != updatesAngle; k++ {
			ys := studentSeries(run, fmt.Sprintf("%s/%d", name, k))
			if len(ys) == 0 {
				break
			}
			seeds = len(ys)
			cs = append(cs, meanStdCurve{steps: recordSteps(len(ys[0]), false, run.RecPerSteps, run.SettlingSteps),
				ys: ys, c: layerColors[k%len(layerColors)], label: fmt.Sprintf("hidden layer %d (B%s, W%s)", k, subInt(k), subInt(k+1))})
		}
		if len(cs) == 0 {
			continue
		}
		addMeanStd(pn, ax, cs)
		// Updates may point away from backprop's: above 100°, the axis
		// goes on to the next 10°.
		top := 100.0
		if m := pn.p.Y.Max; m > top && isFinite(m) {
			top = math.Ceil(m/10) * 10
		}
		pn.p.Y.Min, pn.p.Y.Max = 0, top
		for _, cv := range cs {
			xmax = math.Max(xmax, ax.at(cv.steps[len(cv.steps)-1]))
		}
		if name == updatesAngle {
			// Its curves are the forward weights of every layer: a legend
			// of its own.
			s.panels = append(s.panels, &panel{p: pn.p, legend: pn.legend})
			continue
		}
		// The other panels have the same hidden layers: one legend below
		// all of them.
		s.legend = pn.legend
		s.panels = append(s.panels, &panel{p: pn.p})
	}
	if len(s.panels) == 0 {
		return fmt.Errorf("plot: Fig. 3 needs the angles of a run with --compare BP")
	}
	for _, pn := range s.panels {
		pn.p.X.Min, pn.p.X.Max = 0, xmax
	}
	s.cols = len(s.panels)
	s.width, s.height = vg.Length(len(s.panels))*4.2*vg.Inch, 4*vg.Inch
	if len(s.panels) == 4 {
		s.cols = 2
		s.width, s.height = 8.8*vg.Inch, 7.8*vg.Inch
	}
	s.title = "Angles between the backward weights B and backprop's, and between the updates and backprop's"
	s.subtitle = fmt.Sprintf("for each hidden layer k: B = B_{k}, W = W_{k+1}, φ′ the slopes diag(φ′) of layers k and k+1; "+
		"ΔW: the increments of the forward weights W_{j} into layer j, for the same input and target; mean ± std over %s",
		count(seeds, "seed"))
	return saveFigure(s, path)
}

// updateCurves returns the curves of angle_dWPP_BP, one per pyramidal
// layer j: per seed the mean over the samples of each replay, at the step
// whose weights the replay used. W[j+1] has the colour of hidden layer j,
// whose backward weights B[j] stand for its transpose.
func updateCurves(run Run) []meanStdCurve {
	var cs []meanStdCurve
	for j := 0; ; j++ {
		name := fmt.Sprintf("%s/%d", updatesAngle, j)
		var nets []string
		for k := range run.Arrays {
			if net, rest, ok := strings.Cut(k, "/"); ok && rest == name {
				if _, isSeed := seedNumber(net); isSeed {
					nets = append(nets, net)
				}
			}
		}
		if len(nets) == 0 {
			return cs
		}
		sortSeeds(nets)
		var ys [][]float64
		var steps []int
		for _, net := range nets {
			m, st := run.replayMeans(net, run.Arrays[net+"/"+name])
			if len(st) == 0 || len(st) != len(m.Data) {
				continue
			}
			if steps == nil || len(st) < len(steps) {
				steps = st
			}
			ys = append(ys, m.Data)
		}
		if len(ys) == 0 {
			return cs
		}
		for i := range ys {
			ys[i] = ys[i][:len(steps)]
		}
		c := color.RGBA{0x40, 0x40, 0x40, 0xff}
		from := "input"
		if j > 0 {
			c = layerColors[(j-1)%len(layerColors)]
			from = fmt.Sprintf("layer %d", j-1)
		}
		cs = append(cs, meanStdCurve{steps: steps, ys: ys, c: c, label: fmt.Sprintf("ΔW%s (%s → layer %d)", subInt(j), from, j)})
	}
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

// weightColors colour W₀, W₁ and B₀ in the weight panels.
var weightColors = []color.RGBA{{0x1f, 0x77, 0xb4, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xd6, 0x27, 0x28, 0xff}}

// sameSeries reports whether two sets of series agree to 0.1 % of their
// largest magnitude (at least 1): BP's B₀, copied from W₁ᵀ at every step,
// is recorded one step behind it.
func sameSeries(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	scale, diff := 1.0, 0.0
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			scale = math.Max(scale, math.Abs(a[i][j]))
			diff = math.Max(diff, math.Abs(a[i][j]-b[i][j]))
		}
	}
	return diff <= 1e-3*scale
}

// Fig4 draws the paper's Fig. 4a-b from fw_bw runs of BP, FA and PAL on
// the [1, 1, 1] teacher task: the MSE of each model (per seed the mean
// over bins of epochs, then the median, 25–75 % and range over seeds on a
// log axis), and for each model the forward weights W₀, W₁ and the
// backward weight B₀ (mean ± std over seeds), with the teacher's forward
// weights dashed. The file format is that of the extension of path.
func Fig4(runs []Fig4Run, path string) error {
	order := map[string]int{"BP": 0, "FA": 1, "PAL": 2}
	sort.SliceStable(runs, func(i, j int) bool { return order[runs[i].Model] < order[runs[j].Model] })
	mse := newPanel("MSE", "epoch", axisLabel("MSE"))
	panels := []*panel{mse}
	lo, hi := math.Inf(1), math.Inf(-1)
	type mseCurve struct {
		sp *spread
		c  color.RGBA
		m  string
	}
	var mc []mseCurve
	seeds, binEpochs, lastEpoch := 0, 1, 0.0
	for _, r := range runs {
		c, ok := modelColors[r.Model]
		if !ok {
			c = palette[4]
		}
		ax := figureAxis(r.Run, r.EpochSteps)
		if ys := studentSeries(r.Run, "MSE"); len(ys) > 0 && len(ys[0]) > 0 {
			seeds = max(seeds, len(ys))
			steps := recordSteps(len(ys[0]), true, r.Run.RecPerSteps, r.Run.SettlingSteps)
			bins, per := ax.bins(steps, 1)
			binEpochs = per
			lastEpoch = math.Max(lastEpoch, ax.at(steps[len(steps)-1]))
			sp := newSpread(seedLevels)
			buf := make([]float64, len(ys))
			for _, b := range bins {
				for i, y := range ys {
					sum, n := 0.0, 0
					for _, v := range y[b.from:b.to] {
						if isFinite(v) {
							sum, n = sum+v, n+1
						}
					}
					buf[i] = math.NaN()
					if n > 0 {
						buf[i] = sum / float64(n)
					}
				}
				sp.add(b.x, buf)
			}
			for _, v := range sp.lo2 {
				if v > 0 {
					lo = math.Min(lo, v)
				}
			}
			hi = math.Max(hi, sp.greatest)
			mc = append(mc, mseCurve{sp, c, r.Model})
		}
		w := newPanel(r.Model+": weights", "epoch", "weight (a.u.)")
		var wc []meanStdCurve
		series := map[string][][]float64{}
		for _, k := range []string{"WPP/0", "WPP/1", "BPP/0"} {
			series[k] = studentSeries(r.Run, k)
		}
		bEqualsW := len(series["BPP/0"]) > 0 && sameSeries(series["BPP/0"], series["WPP/1"])
		for i, k := range []string{"WPP/0", "WPP/1", "BPP/0"} {
			ys := series[k]
			if len(ys) == 0 || len(ys[0]) == 0 {
				continue
			}
			v, layer, _ := strings.Cut(k, "/")
			label := symbol(v, layer)
			if k == "WPP/1" && bEqualsW {
				label = "W₁ and B₀ (BP: B₀ = W₁ᵀ)"
			}
			if k == "BPP/0" && bEqualsW {
				continue
			}
			wc = append(wc, meanStdCurve{steps: recordSteps(len(ys[0]), false, r.Run.RecPerSteps, r.Run.SettlingSteps),
				ys: ys, c: weightColors[i], label: label})
		}
		addMeanStd(w, ax, wc)
		// The teacher's forward weights, which the students should reach.
		var tv []float64
		var tl []string
		for _, k := range []string{"WPP/0", "WPP/1"} {
			if a, ok := r.Run.Arrays["teacher/"+k]; ok && len(a.Data) > 0 {
				v, layer, _ := strings.Cut(k, "/")
				val := a.Data[len(a.Data)-1]
				merged := false
				for i := range tv {
					if tv[i] == val {
						tl[i] += ", " + symbol(v, layer)
						merged = true
					}
				}
				if !merged {
					tv, tl = append(tv, val), append(tl, "teacher "+symbol(v, layer))
				}
			}
		}
		xmax := 0.0
		if len(wc) > 0 {
			xmax = ax.at(wc[0].steps[len(wc[0].steps)-1])
		}
		for i, v := range tv {
			sty := draw.LineStyle{Color: refColor, Width: thinWidth, Dashes: dashes}
			addLine(w.p, []float64{0, xmax}, []float64{v, v}, sty)
			w.add(tl[i], lineThumb(sty))
		}
		w.p.X.Min, w.p.X.Max = 0, xmax
		margin(&w.p.Y)
		panels = append(panels, w)
	}
	for _, m := range mc {
		for _, ys := range [][]float64{m.sp.med, m.sp.lo1, m.sp.hi1, m.sp.lo2, m.sp.hi2} {
			clipBelow(ys, lo)
		}
		addBand(mse.p, m.sp.x, m.sp.lo2, m.sp.hi2, translucent(m.c, 0x30))
	}
	for _, m := range mc {
		addBand(mse.p, m.sp.x, m.sp.lo1, m.sp.hi1, translucent(m.c, 0x60))
	}
	for _, m := range mc {
		sty := draw.LineStyle{Color: m.c, Width: thickWidth}
		addLine(mse.p, m.sp.x, m.sp.med, sty)
		mse.add(m.m, lineThumb(sty))
	}
	mse.p.Y.Scale = gplot.LogScale{}
	mse.p.Y.Tick.Marker = logTicks{}
	if lo < hi {
		mse.p.Y.Min, mse.p.Y.Max = logRange(lo, hi)
	}
	mse.p.X.Min, mse.p.X.Max = 0, lastEpoch
	per := "epoch"
	if binEpochs > 1 {
		per = fmt.Sprintf("%d epochs", binEpochs)
	}
	s := &sheet{panels: panels, cols: 2, width: 10 * vg.Inch, height: 7.6 * vg.Inch,
		title: "A teacher with positive weights, students that start negative",
		subtitle: fmt.Sprintf("MSE: mean per %s, median (line), 25–75 %% and range (bands) over %s; weights: mean ± std over %s",
			per, count(seeds, "seed"), count(seeds, "seed"))}
	return saveFigure(s, path)
}
