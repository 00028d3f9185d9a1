package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure size and resolution.
const (
	figWidth  = 6 * vg.Inch
	figHeight = 4 * vg.Inch
	figDPI    = 150
)

// palette gives student i (in the order of seed numbers) the colour
// palette[i % len(palette)]: matplotlib's tab10 with navy instead of its grey, which
// would be confused with the teacher.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
	{0x39, 0x3b, 0x79, 0xff}, // navy
}

// seedColor is the colour of the i-th student.
func seedColor(i int) color.RGBA { return palette[i%len(palette)] }

var (
	teacherColor = color.RGBA{0x20, 0x20, 0x20, 0xff}
	// spreadColor draws distributions: the median in its dark shade, the
	// ranges translucent; sampleColor the representative entries on top.
	spreadColor = color.RGBA{0x1f, 0x5f, 0xa8, 0xff}
	medianColor = color.RGBA{0x10, 0x2a, 0x5c, 0xff}
	sampleColor = color.RGBA{0xe0, 0x6a, 0x00, 0xff}
	refColor    = color.RGBA{0x70, 0x70, 0x70, 0xff}
)

// Line widths: thin for one line per entry, thicker for one per seed.
var (
	thinWidth  = vg.Points(0.8)
	thickWidth = vg.Points(1.4)
	dashes     = []vg.Length{vg.Points(4), vg.Points(2.5)}
)

// sans is the sans-serif font of the figures.
func sans(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
}

// newPlot returns axes in palmc's style: sans-serif text, palmc's linear
// ticks and a light grid.
func newPlot(titleText, xlabel, ylabel string, titleSize, titlePad float64) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = titleText
	p.Title.TextStyle.Font = sans(titleSize)
	p.Title.TextStyle.Handler = scriptsHandler
	p.Title.Padding = vg.Points(titlePad)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Label.TextStyle.Handler = scriptsHandler
		a.Tick.Label.Font = sans(10)
		a.Tick.Label.Handler = scriptsHandler
		a.Tick.Marker = linearTicks{}
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{0xdd}
	grid.Horizontal.Color = color.Gray{0xdd}
	p.Add(grid)
	return p
}

// newPanel returns a panel with axes labelled xlabel and ylabel.
func newPanel(title, xlabel, ylabel string) *panel {
	return &panel{p: newPlot(title, xlabel, ylabel, 11, 4)}
}

// addLine adds the curve (x, y), split where y is not finite.
func addLine(p *gplot.Plot, x, y []float64, sty draw.LineStyle) {
	for _, seg := range segments(x, y) {
		l := &plotter.Line{XYs: seg, LineStyle: sty}
		p.Add(plainLine{l})
	}
}

// plainLine is a line without glyph boxes: plotter.Line reports one per
// point, which makes laying out a figure of thousands of long lines slow,
// and a line needs no padding for glyphs.
type plainLine struct{ l *plotter.Line }

func (p plainLine) Plot(c draw.Canvas, plt *gplot.Plot) { p.l.Plot(c, plt) }

func (p plainLine) DataRange() (xmin, xmax, ymin, ymax float64) { return plotter.XYRange(p.l) }

// maxSegment is the longest polyline stroked at once. The rasteriser's
// cost grows with the square of the cells one stroke covers, so long noisy
// lines are drawn as consecutive pieces that share their end points.
const maxSegment = 64

// segments splits (t, y) into runs of finite points of at most maxSegment
// points each.
func segments(t, y []float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range t {
		if !isFinite(y[i]) || !isFinite(t[i]) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: t[i], Y: y[i]})
		if len(cur) == maxSegment {
			out = append(out, cur)
			cur = plotter.XYs{cur[len(cur)-1]}
		}
	}
	if len(cur) == 1 && len(out) > 0 {
		cur = nil
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// addBand adds the region between lo and hi along x, split where either
// is not finite, and returns its legend thumbnail.
func addBand(p *gplot.Plot, x, lo, hi []float64, c color.Color) gplot.Thumbnailer {
	var seg []int
	flush := func() {
		if len(seg) < 2 {
			seg = seg[:0]
			return
		}
		ring := make(plotter.XYs, 0, 2*len(seg))
		for _, i := range seg {
			ring = append(ring, plotter.XY{X: x[i], Y: hi[i]})
		}
		for j := len(seg) - 1; j >= 0; j-- {
			ring = append(ring, plotter.XY{X: x[seg[j]], Y: lo[seg[j]]})
		}
		poly := &plotter.Polygon{XYs: []plotter.XYs{ring}, Color: c}
		poly.LineStyle.Width = 0
		p.Add(poly)
		seg = seg[:0]
	}
	for i := range x {
		if !isFinite(lo[i]) || !isFinite(hi[i]) || !isFinite(x[i]) {
			flush()
			continue
		}
		seg = append(seg, i)
	}
	flush()
	return &plotter.Polygon{Color: c}
}

// lineThumb is the legend thumbnail of a line style.
func lineThumb(sty draw.LineStyle) gplot.Thumbnailer { return &plotter.Line{LineStyle: sty} }

// translucent returns c with alpha a.
func translucent(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// addSpread draws the ranges of a distribution, the outer one below the
// inner one, with legend entries for them and the median, and returns the
// function that draws the median: call it once whatever goes between the
// ranges and the median is drawn.
func addSpread(pn *panel, sp *spread, c color.Color, median color.Color) (drawMedian func()) {
	outer := addBand(pn.p, sp.x, sp.lo2, sp.hi2, translucent(c, 0x38))
	inner := addBand(pn.p, sp.x, sp.lo1, sp.hi1, translucent(c, 0x70))
	msty := draw.LineStyle{Color: median, Width: thickWidth}
	pn.add("median", lineThumb(msty))
	pn.add(rangeName(sp.lvl.inner), inner)
	pn.add(rangeName(sp.lvl.outer), outer)
	return func() { addLine(pn.p, sp.x, sp.med, msty) }
}

// margin widens a linear axis by 4% of its data range on each side, so
// that lines do not run along the frame.
func margin(a *gplot.Axis) {
	if d := a.Max - a.Min; d > 0 && isFinite(d) {
		a.Min -= 0.04 * d
		a.Max += 0.04 * d
	}
}

// seedLabel is the legend name of a student network.
func seedLabel(net string) string {
	if n, ok := seedNumber(net); ok {
		return "seed " + strconv.FormatInt(n, 10)
	}
	return net
}

// count writes n with its noun: "1 seed", "3 seeds".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// entryNoun is what one value of a record of v is: a matrix entry, an
// input, a neuron.
func entryNoun(v string) string {
	_, inc := increment(v)
	switch {
	case weightVars[v] || inc:
		return "entry"
	case v == "input":
		return "input"
	}
	return "neuron"
}

// plural of entryNoun.
func nouns(n int, noun string) string {
	if noun == "entry" {
		if n == 1 {
			return "1 entry"
		}
		return fmt.Sprintf("%d entries", n)
	}
	return count(n, noun)
}

// overRun says how overRun draws.
type overRun struct {
	// seedLines is the largest number of students drawn one line per
	// entry, coloured by seed (at most fewLines lines in all).
	seedLines int
	// samples draws representative entries over a distribution.
	samples bool
}

// overRun draws the students' series (records after settling, decimated)
// against the run's axis on pn: every entry of every student as a line,
// coloured by seed, when there are at most o.seedLines students and
// fewLines lines; otherwise the distribution at each record — across the
// entries and students (median, 25–75 % and 5–95 %), or across the
// students when each has one entry (median, 25–75 % and range) — with, if
// o.samples, the entries of the first student whose last values rank at
// 10, 50 and 90 % (its only entry, when it has one) drawn on top. It
// returns what is shown, for the subtitle.
func (pt *painter) overRun(pn *panel, v string, students []series, colors []int, o overRun) string {
	if len(students) == 0 {
		return ""
	}
	noun := entryNoun(v)
	size, lines := 0, 0
	for _, s := range students {
		size = max(size, s.size)
		lines += s.size
	}
	if lines <= fewLines && len(students) <= o.seedLines {
		for i, s := range students {
			rows := decimate(s.afterSettling(pt.run.SettlingSteps), maxPoints)
			x := make([]float64, len(rows))
			for j, r := range rows {
				x[j] = pt.x.at(s.steps[r])
			}
			sty := draw.LineStyle{Color: seedColor(colors[i]), Width: thickWidth}
			if s.size > 1 {
				sty.Width = thinWidth
			}
			for c := range s.size {
				y := make([]float64, len(rows))
				for j, r := range rows {
					y[j] = s.at(r, c)
				}
				addLine(pn.p, x, y, sty)
			}
			pn.add(seedLabel(s.net), lineThumb(draw.LineStyle{Color: sty.Color, Width: thickWidth}))
		}
		switch {
		case len(students) == 1 && size == 1:
			return ""
		case size == 1:
			return "one line per seed"
		}
		return "every " + noun + ", one colour per seed"
	}

	// The distribution at each record the students have in common.
	lv := entryLevels
	if size == 1 {
		lv = seedLevels
	}
	first := students[0]
	n := first.records()
	for _, s := range students {
		n = min(n, s.records())
	}
	var rows []int
	for _, r := range first.afterSettling(pt.run.SettlingSteps) {
		if r < n {
			rows = append(rows, r)
		}
	}
	rows = decimate(rows, maxPoints)
	entries := sampleEntries(size, len(students))
	sp := newSpread(lv)
	buf := make([]float64, 0, len(entries)*len(students))
	for _, r := range rows {
		buf = buf[:0]
		for _, s := range students {
			for _, c := range entries {
				if c < s.size {
					buf = append(buf, s.at(r, c))
				}
			}
		}
		sp.add(pt.x.at(first.steps[r]), buf)
	}
	drawMedian := addSpread(pn, sp, spreadColor, medianColor)
	defer drawMedian()
	var what string
	if size == 1 {
		what = lv.describe() + " over " + count(len(students), "seed")
	} else {
		what = fmt.Sprintf("%s of %s", lv.describe(), nouns(size, noun))
		if len(students) > 1 {
			what += " × " + count(len(students), "seed")
		}
	}
	if len(entries) < size {
		what += fmt.Sprintf(" (%d evenly spaced %s per seed)", len(entries), pluralNoun(noun))
	}
	if o.samples && len(rows) > 0 {
		last := rows[len(rows)-1]
		all := make([]int, first.size)
		for c := range all {
			all[c] = c
		}
		rep := representative(all, func(c int) float64 { return first.at(last, c) })
		x := make([]float64, len(rows))
		for j, r := range rows {
			x[j] = pt.x.at(first.steps[r])
		}
		sty := draw.LineStyle{Color: sampleColor, Width: thinWidth}
		for _, c := range rep {
			y := make([]float64, len(rows))
			for j, r := range rows {
				y[j] = first.at(r, c)
			}
			addLine(pn.p, x, y, sty)
		}
		label := seedLabel(first.net)
		if first.size > 1 {
			label += ", " + nouns(len(rep), noun)
		}
		pn.add(label, lineThumb(draw.LineStyle{Color: sampleColor, Width: thickWidth}))
		what += "; line: " + label
		if first.size > 1 {
			what = strings.Replace(what, "; line: ", "; lines: ", 1)
		}
	}
	return what
}

// pluralNoun is the plural of a noun of entryNoun.
func pluralNoun(noun string) string {
	if noun == "entry" {
		return "entries"
	}
	return noun + "s"
}

// constant reports whether no entry of any series changes after settling
// (of large matrices, the entries a distribution takes).
func (pt *painter) constant(students []series) bool {
	for _, s := range students {
		rows := s.afterSettling(pt.run.SettlingSteps)
		if len(rows) < 2 {
			return false
		}
		for _, c := range sampleEntries(s.size, len(students)) {
			first := s.at(rows[0], c)
			for _, r := range rows[1:] {
				if s.at(r, c) != first {
					return false
				}
			}
		}
	}
	return true
}

// weights draws a weight matrix (WPP, WIP, BPP, BPI, BPI+BPP) over the
// run. For the forward weights of a fw_bw run the teacher's values, which
// do not change, are drawn as dashed lines across the run: the values the
// students should reach.
func (pt *painter) weights(path string, k key, get getter) error {
	students, colors, teacher := pt.collect(k.v, get)
	pn := newPanel("", pt.x.label(), axisLabel(k.v))
	constant := pt.constant(students)
	what := pt.overRun(pn, k.v, students, colors, overRun{seedLines: 3, samples: !constant})
	if constant {
		what = joinNote("constant during the run", what)
	}
	if k.v == "WPP" && teacher != nil && teacher.size <= 4 && pt.constant([]series{*teacher}) {
		xmax := 0.0
		for _, s := range students {
			xmax = math.Max(xmax, pt.x.at(s.steps[s.records()-1]))
		}
		sty := draw.LineStyle{Color: teacherColor, Width: thickWidth, Dashes: dashes}
		r := teacher.records() - 1
		for c := range teacher.size {
			v := teacher.at(r, c)
			addLine(pn.p, []float64{0, xmax}, []float64{v, v}, sty)
		}
		pn.add("teacher", lineThumb(sty))
		what = joinNote(what, "dashed: the teacher's fixed weights")
	}
	pt.xRange(pn.p)
	margin(&pn.p.Y)
	return pt.save(path, describe(k, pt.run.Skip), what, pn)
}

// xRange sets the x axis of a figure over the whole run: from the end of
// settling to the students' last record.
func (pt *painter) xRange(p *gplot.Plot) {
	p.X.Min, p.X.Max = 0, pt.x.at(pt.run.SettlingSteps+pt.lastStep)
}

// joinNote appends a note to a subtitle.
func joinNote(what, note string) string {
	switch {
	case what == "":
		return note
	case note == "":
		return what
	}
	return what + "; " + note
}

// save writes a one-panel figure with its legend in a row below the axes.
func (pt *painter) save(path, title, subtitle string, pn *panel) error {
	s := newSheet(title, subtitle)
	s.panels = []*panel{{p: pn.p}}
	s.legend = pn.legend
	return s.save(path, pt.format)
}

// mse draws the MSE of the students on a log axis: per seed the mean over
// every bin (an epoch, or several), and across seeds the median with the
// 25–75 % range and the full range; with at most three seeds one line per
// seed. Zeros and negative means are clipped to the axis' lower end.
func (pt *painter) mse(path, name string) error {
	students, colors, _ := pt.collect("MSE", pt.get(name))
	pn := newPanel("", pt.x.label(), axisLabel("MSE"))
	var bins []bin
	var per int
	var what string
	if len(students) > 0 {
		first := students[0]
		rows := first.afterSettling(pt.run.SettlingSteps)
		steps := make([]int, len(rows))
		for i, r := range rows {
			steps[i] = first.steps[r]
		}
		minRecords := 1
		if pt.run.RecPerSteps > 0 {
			minRecords = max(1, pt.run.StepsPerSample/pt.run.RecPerSteps)
		}
		bins, per = pt.x.bins(steps, minRecords)
		if len(rows) > 0 {
			for i := range bins {
				bins[i].from += rows[0]
				bins[i].to += rows[0]
			}
		}
		what = "mean per " + pt.x.binName(per, pt.run.RecPerSteps)
	}
	means := make([][]float64, len(students))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range students {
		means[i] = binMeans(s, 0, bins)
		for _, v := range means[i] {
			if isFinite(v) && v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	x := make([]float64, len(bins))
	for i, b := range bins {
		x[i] = b.x
	}
	if len(students) <= 3 {
		for i, s := range students {
			sty := draw.LineStyle{Color: seedColor(colors[i]), Width: thickWidth}
			addLine(pn.p, x, clipBelow(means[i], lo), sty)
			pn.add(seedLabel(s.net), lineThumb(sty))
		}
		if len(students) > 1 {
			what += ", one line per seed"
		}
	} else {
		sp := newSpread(seedLevels)
		buf := make([]float64, len(students))
		for j := range bins {
			for i := range students {
				buf[i] = means[i][j]
			}
			sp.add(x[j], buf)
		}
		for _, ys := range [][]float64{sp.med, sp.lo1, sp.hi1, sp.lo2, sp.hi2} {
			clipBelow(ys, lo)
		}
		addSpread(pn, sp, spreadColor, medianColor)()
		what += "; " + seedLevels.describe() + " over " + count(len(students), "seed")
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1e-3, 1
	}
	pn.p.Y.Scale = gplot.LogScale{}
	pn.p.Y.Tick.Marker = logTicks{}
	pn.p.Y.Min, pn.p.Y.Max = logRange(lo, hi)
	pt.xRange(pn.p)
	return pt.save(path, describe(key{v: "MSE"}, false), what, pn)
}

// clipBelow raises the finite values of ys below lo to lo, in place, so
// that a log axis shows them.
func clipBelow(ys []float64, lo float64) []float64 {
	for i, y := range ys {
		if isFinite(y) && y < lo {
			ys[i] = lo
		}
	}
	return ys
}
