package plot

import (
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Figure size and resolution.
const (
	figWidth  = 6 * vg.Inch
	figHeight = 4 * vg.Inch
	figDPI    = 150
)

// maxLines is the largest number of lines (matrix entries, neurons, summed
// over the networks) drawn in one figure; larger arrays are shown by evenly
// spaced components, and the title says how many.
const maxLines = 300

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

var teacherColor = color.RGBA{0x20, 0x20, 0x20, 0xff}

// Line widths: thin for one line per component, thicker for one per seed.
var (
	thinWidth  = vg.Points(0.7)
	thickWidth = vg.Points(1.4)
	dashes     = []vg.Length{vg.Points(4), vg.Points(2.5)}
)

// weightVars are the matrices; their titles name the connection.
var weightVars = map[string]bool{
	"WPP": true, "WIP": true, "BPP": true, "BPI": true,
	"dWPP": true, "dWIP": true, "dBPP": true, "dBPI": true, "BPI+BPP": true,
}

// yLabels describe the recorded variables.
var yLabels = map[string]string{
	"WPP": "weight", "WIP": "weight", "BPP": "weight", "BPI": "weight", "BPI+BPP": "weight",
	"dWPP": "weight change per step", "dWIP": "weight change per step",
	"dBPP": "weight change per step", "dBPI": "weight change per step",
	"uP": "somatic voltage", "uI": "somatic voltage",
	"uP_breve": "prospective voltage", "uI_breve": "prospective voltage",
	"rP_breve": "rate", "rI_breve": "rate", "rP_breve_HI": "high-passed rate",
	"vbas": "basal potential", "vapi": "apical potential", "vapi_noise": "apical potential with noise",
	"noise": "apical noise", "lat_mismatch": "lateral mismatch",
	"input": "input rate", "error": "output error", "target": "target",
	"epsilon": "epsilon", "epsilon_LO": "low-passed epsilon",
	"cos_epsilon_LO": "cosine 1 - 2·epsilon_LO",
	"MSE":            "MSE",
}

// sans is the sans-serif font of the figures.
func sans(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
}

// title is the figure title of a variable: "uP[1]", "WPP[0]: input → layer 0".
func title(k key) string {
	name := k.v
	if k.layer != "" {
		name += "[" + k.layer + "]"
	}
	j, err := strconv.Atoi(k.layer)
	if err != nil {
		return name
	}
	v := k.v
	if len(v) > 1 && v[0] == 'd' && weightVars[v] {
		v = v[1:]
	}
	switch v {
	case "WPP":
		if j == 0 {
			return name + ": input → layer 0"
		}
		return fmt.Sprintf("%s: layer %d → layer %d", name, j-1, j)
	case "WIP":
		return fmt.Sprintf("%s: layer %d → interneurons %d", name, j, j)
	case "BPP":
		return fmt.Sprintf("%s: layer %d → apical of layer %d", name, j+1, j)
	case "BPI":
		return fmt.Sprintf("%s: interneurons %d → apical of layer %d", name, j, j)
	case "BPI+BPP":
		return fmt.Sprintf("BPI[%d] + BPP[%d]", j, j)
	case "angle_WPPT_BPP":
		return fmt.Sprintf("angle between WPP[%d]^T and BPP[%d]", j+1, j)
	case "angle_jacobians_BP":
		return fmt.Sprintf("angle to BP, with Jacobians (layer %d)", j)
	case "angle_BPP_RHS":
		return fmt.Sprintf("angle between BPP[%d] and D·WPP[%d]^T·D", j, j+1)
	case "cos_epsilon_LO":
		return fmt.Sprintf("alignment of layer %d: 1 - 2·epsilon_LO[%d]", j, j)
	}
	return name
}

// title is the figure title of a variable of this run: with skip
// connectivity (Run.Skip) the backward matrices come from the output layer
// and the one interneuron population reads the last hidden layer.
func (pt *painter) title(k key) string {
	if !pt.run.Skip {
		return title(k)
	}
	j, err := strconv.Atoi(k.layer)
	if err != nil {
		return title(k)
	}
	name := k.v + "[" + k.layer + "]"
	v := k.v
	if len(v) > 1 && v[0] == 'd' && weightVars[v] {
		v = v[1:]
	}
	switch v {
	case "WIP":
		return name + ": last hidden layer → interneurons"
	case "BPP":
		return fmt.Sprintf("%s: output layer → apical of layer %d", name, j)
	case "BPI":
		return fmt.Sprintf("%s: interneurons → apical of layer %d", name, j)
	case "angle_WPPT_BPP":
		return fmt.Sprintf("angle between WPP[%d]^T⋯WPP[out]^T and BPP[%d]", j+1, j)
	}
	return title(k)
}

func yLabel(v string) string {
	if l, ok := yLabels[v]; ok {
		return l
	}
	return v
}

// figure is one plot and its legend, drawn to the right of the axes.
type figure struct {
	p       *gplot.Plot
	leg     gplot.Legend
	entries int
}

// newPlot returns a plot in palmc's style: sans-serif text, palmc's linear
// ticks and a light grid.
func newPlot(titleText, xlabel, ylabel string, titleSize, titlePad float64) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = titleText
	p.Title.TextStyle.Font = sans(titleSize)
	p.Title.Padding = vg.Points(titlePad)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Tick.Label.Font = sans(10)
		a.Tick.Marker = linearTicks{}
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{0xdd}
	grid.Horizontal.Color = color.Gray{0xdd}
	p.Add(grid)
	return p
}

func (pt *painter) newFigure(titleText, ylabel string) *figure {
	p := newPlot(titleText, "time ("+pt.unit.name+")", ylabel, 13, 8)
	leg := gplot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.TextStyle.Font = sans(10)
	leg.ThumbnailWidth = vg.Points(18)
	leg.Padding = vg.Points(2)
	return &figure{p: p, leg: leg}
}

// legend adds a legend entry drawn as a line of the given style.
func (f *figure) legend(name string, sty draw.LineStyle) {
	f.leg.Add(name, &plotter.Line{LineStyle: sty})
	f.entries++
}

// line adds the curve (t, y), split where y is not finite.
func (f *figure) line(t, y []float64, sty draw.LineStyle) error {
	for _, seg := range segments(t, y) {
		l, err := plotter.NewLine(seg)
		if err != nil {
			return err
		}
		l.LineStyle = sty
		f.p.Add(plainLine{l})
	}
	return nil
}

// plainLine is a line without glyph boxes: plotter.Line reports one per
// point, which makes laying out a figure of thousands of long lines slow,
// and a line needs no padding for glyphs.
type plainLine struct{ l *plotter.Line }

func (p plainLine) Plot(c draw.Canvas, plt *gplot.Plot) { p.l.Plot(c, plt) }

func (p plainLine) DataRange() (xmin, xmax, ymin, ymax float64) { return p.l.DataRange() }

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

// save draws the figure into a PNG file at path.
func (f *figure) save(path string) error {
	c := vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(figDPI))
	dc := draw.New(c)
	dc = draw.Crop(dc, vg.Points(4), -vg.Points(6), vg.Points(2), -vg.Points(4))
	gap := vg.Points(10)
	var lw vg.Length
	if f.entries > 0 {
		lw = f.leg.Rectangle(dc).Size().X + gap
	}
	pc := draw.Crop(dc, 0, -lw, 0, 0)
	f.p.Draw(pc)
	if f.entries > 0 {
		da := f.p.DataCanvas(pc)
		lc := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: pc.Max.X + gap, Y: da.Min.Y},
			Max: vg.Point{X: dc.Max.X, Y: da.Max.Y},
		}}
		f.leg.Draw(lc)
	}
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	// BestSpeed: the default compression takes most of the drawing time and
	// saves little on these mostly white pictures.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, c.Image()); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// margin widens a linear axis by 4% of its data range on each side, so
// that lines do not run along the frame.
func margin(a *gplot.Axis) {
	if d := a.Max - a.Min; d > 0 && isFinite(d) {
		a.Min -= 0.04 * d
		a.Max += 0.04 * d
	}
}

// translucent returns c with alpha a.
func translucent(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// seedLabel is the legend name of a student network.
func seedLabel(net string) string {
	if n, ok := seedNumber(net); ok {
		return "seed " + strconv.FormatInt(n, 10)
	}
	return net
}

// components returns the components of a record to draw for one of nets
// networks: all of them, or evenly spaced ones so that the figure holds
// about maxLines lines (at least 20 per network).
func components(size, nets int) []int {
	n := min(size, max(maxLines/max(nets, 1), 20))
	cs := make([]int, n)
	for i := range cs {
		cs[i] = i * size / n
	}
	return cs
}

// lines draws every component of a variable over time: the students in
// their colours, the teacher dashed on top where get finds it.
func (pt *painter) lines(path string, k key, get func(net string) (Array, bool)) error {
	f, err := pt.linesFigure(k, get)
	if err != nil {
		return err
	}
	return f.save(path)
}

// linesFigure makes the figure of lines.
func (pt *painter) linesFigure(k key, get func(net string) (Array, bool)) (*figure, error) {
	f := pt.newFigure(pt.title(k), yLabel(k.v))
	maxSize, shown := 0, 0
	drawNet := func(net string, sty draw.LineStyle, name string) error {
		a, ok := get(net)
		if !ok {
			return nil
		}
		v := pt.view(a, k.v)
		legSty := sty
		if v.size > 1 {
			sty.Width = thinWidth
		}
		if v.size > 20 {
			// Let crowded entries of different seeds show through.
			sty.Color = translucent(sty.Color, 0xa0)
		}
		maxSize = max(maxSize, v.size)
		shown = len(components(v.size, len(pt.seeds)))
		for _, c := range components(v.size, len(pt.seeds)) {
			if err := f.line(v.t, v.col(c), sty); err != nil {
				return err
			}
		}
		f.legend(name, legSty)
		return nil
	}
	for i, net := range pt.seeds {
		sty := draw.LineStyle{Color: seedColor(i), Width: thickWidth}
		if err := drawNet(net, sty, seedLabel(net)); err != nil {
			return nil, err
		}
	}
	tsty := draw.LineStyle{Color: teacherColor, Width: thickWidth, Dashes: dashes}
	if err := drawNet(teacherNet, tsty, "teacher"); err != nil {
		return nil, err
	}
	if shown < maxSize {
		f.p.Title.Text += fmt.Sprintf(" (%d of %d)", shown, maxSize)
	}
	f.p.X.Min = 0
	margin(&f.p.Y)
	return f, nil
}

// mse draws the MSE of every student, averaged over 10 presentations, on a
// log scale.
func (pt *painter) mse(path, name string) error {
	f := pt.newFigure("MSE (moving average over 10 presentations)", "MSE")
	w := mseWindow(pt.run.StepsPerSample, pt.run.RecPerSteps)
	type curve struct {
		t, y []float64
		sty  draw.LineStyle
		name string
	}
	var curves []curve
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, net := range pt.seeds {
		a, ok := pt.run.Arrays[net+"/"+name]
		if !ok {
			continue
		}
		// Average over all records, then keep the drawn ones.
		v := pt.view(a, "MSE")
		n := len(a.Data)
		if len(a.Shape) > 0 {
			n = min(n, a.Shape[0]*v.size)
		}
		raw := make([]float64, n/max(v.size, 1))
		for r := range raw {
			raw[r] = a.Data[r*v.size]
		}
		avg := movingAverage(raw, w)
		y := make([]float64, len(v.rows))
		for j, r := range v.rows {
			y[j] = avg[r]
			if isFinite(y[j]) && y[j] > 0 {
				lo, hi = math.Min(lo, y[j]), math.Max(hi, y[j])
			}
		}
		curves = append(curves, curve{t: v.t, y: y, name: seedLabel(net),
			sty: draw.LineStyle{Color: seedColor(i), Width: thickWidth}})
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1e-3, 1
	}
	// Clip zeros and negatives to the smallest positive value, so that the
	// log axis can show them; the axis spans whole decades.
	f.p.Y.Scale = gplot.LogScale{}
	f.p.Y.Tick.Marker = logTicks{}
	f.p.Y.Min, f.p.Y.Max = logRange(lo, hi)
	for _, c := range curves {
		for j, y := range c.y {
			if isFinite(y) && y < lo {
				c.y[j] = lo
			}
		}
		if err := f.line(c.t, c.y, c.sty); err != nil {
			return err
		}
		f.legend(c.name, c.sty)
	}
	f.p.X.Min = 0
	return f.save(path)
}
