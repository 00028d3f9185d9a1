package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figures of the classify task (docs/model.md §12), from the entries
// "<net>/val_accuracy", "<net>/test_accuracy", "<net>/confusion",
// "<net>/test_label", "<net>/test_prediction",
// "<net>/epoch_angle_WPPT_BPP/<k>" and "<net>/epoch_train_mse" of
// results.npz.

// classifyJobs adds the classification figures of a run, if it has any.
func (pt *painter) classifyJobs(add func(file string, draw func(path string) error), ext string) {
	if len(studentSeries(pt.run, "val_accuracy")) == 0 {
		return
	}
	add("accuracy"+ext, pt.accuracy)
	if ys := studentSeries(pt.run, "epoch_train_mse"); len(ys) > 0 && len(ys[0]) > 0 {
		add("MSE"+ext, pt.trainError)
	}
	if len(studentSeries(pt.run, "confusion")) > 0 {
		add("confusion"+ext, pt.confusion)
	}
	for k := 0; ; k++ {
		name := fmt.Sprintf("epoch_angle_WPPT_BPP/%d", k)
		if len(studentSeries(pt.run, name)) == 0 {
			break
		}
		add(fmt.Sprintf("angle_W_B_%d", k)+ext, func(path string) error { return pt.epochAngle(path, k) })
	}
	if pt.run.TestInputs != nil && pt.run.TestInputs.Shape[1] >= 2 && len(studentSeries(pt.run, "test_prediction")) > 0 {
		add("test_predictions"+ext, pt.testPredictions)
	}
}

// epochLines draws one series per seed against the epochs 0, 1, …, thin,
// and their mean ± std, thick with a band; it returns the number of seeds.
func epochLines(pn *panel, ys [][]float64, scale float64, c color.RGBA, label string, perSeed bool) int {
	if len(ys) == 0 || len(ys[0]) == 0 {
		return 0
	}
	n := len(ys[0])
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	scaled := make([][]float64, len(ys))
	for i, y := range ys {
		scaled[i] = make([]float64, n)
		for j, v := range y[:n] {
			scaled[i][j] = scale * v
		}
	}
	if perSeed && len(ys) > 1 {
		seedSty := draw.LineStyle{Color: translucent(refColor, 0x90), Width: thinWidth}
		for _, y := range scaled {
			addLine(pn.p, x, y, seedSty)
		}
		pn.add("each seed", lineThumb(seedSty))
	}
	mean, std := meanStd(scaled, n)
	lo, hi := make([]float64, n), make([]float64, n)
	for j := range mean {
		lo[j], hi[j] = mean[j]-std[j], mean[j]+std[j]
	}
	if len(ys) > 1 {
		addBand(pn.p, x, lo, hi, translucent(c, 0x40))
	}
	sty := draw.LineStyle{Color: c, Width: thickWidth}
	addLine(pn.p, x, mean, sty)
	if len(ys) > 1 {
		label += " (mean ± std)"
	}
	pn.add(label, lineThumb(sty))
	return len(ys)
}

// accuracy draws the validation accuracy by epoch and the test accuracy.
func (pt *painter) accuracy(path string) error {
	val := studentSeries(pt.run, "val_accuracy")
	pn := newPanel("", "epoch (0: before training)", "accuracy (%)")
	seeds := epochLines(pn, val, 100, medianColor, "validation", true)
	test := studentSeries(pt.run, "test_accuracy")
	last := float64(len(val[0]) - 1)
	var pts plotter.XYs
	var accs []float64
	for _, t := range test {
		if len(t) == 1 && isFinite(t[0]) {
			pts = append(pts, plotter.XY{X: last, Y: 100 * t[0]})
			accs = append(accs, 100*t[0])
		}
	}
	if len(pts) > 0 {
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: draw.CrossGlyph{}}
		pn.p.Add(sc)
		pn.add("test after the last epoch: "+percentMeanStd(accs), sc)
	}
	pn.p.Y.Max = 100
	pn.p.X.Min, pn.p.X.Max = 0, math.Max(last, 1)
	pn.p.X.Tick.Marker = epochTicks{}
	return pt.save(path, "Classification accuracy", fmt.Sprintf("validation after every epoch, test at the end; %s", count(seeds, "seed")), pn)
}

// trainError draws the training error of every epoch.
func (pt *painter) trainError(path string) error {
	pn, err := trainErrorPanel(pt.run)
	if err != nil {
		return err
	}
	return pt.save(path, "Training error", fmt.Sprintf(
		"%s, averaged over the samples of each training pass (at the readouts of each sample)", describe(key{v: "MSE"}, false)), pn)
}

// trainErrorPanel draws the training error of every epoch on a log axis:
// each seed, and their mean.
func trainErrorPanel(run Run) (*panel, error) {
	ys := studentSeries(run, "epoch_train_mse")
	n := len(ys[0])
	pn := newPanel("", "epoch", axisLabel("MSE"))
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, y := range ys {
		for _, v := range y {
			if isFinite(v) && v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1e-3, 1
	}
	// A single epoch is a point, not a line.
	marks := func(y []float64, c color.Color, radius float64) error {
		if n > 1 {
			return nil
		}
		var pts plotter.XYs
		for i, v := range y {
			if isFinite(v) {
				pts = append(pts, plotter.XY{X: x[i], Y: math.Max(v, lo)})
			}
		}
		if len(pts) == 0 {
			return nil
		}
		sc, err := plotter.NewScatter(pts)
		if err == nil {
			sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(radius), Shape: draw.CircleGlyph{}}
			pn.p.Add(sc)
		}
		return err
	}
	if len(ys) > 1 {
		seedSty := draw.LineStyle{Color: translucent(refColor, 0x90), Width: thinWidth}
		for _, y := range ys {
			addLine(pn.p, x, clipBelow(append([]float64(nil), y...), lo), seedSty)
			if err := marks(y, seedSty.Color, 2); err != nil {
				return nil, err
			}
		}
		pn.add("each seed", lineThumb(seedSty))
	}
	mean, _ := meanStd(ys, n)
	sty := draw.LineStyle{Color: medianColor, Width: thickWidth}
	addLine(pn.p, x, clipBelow(mean, lo), sty)
	if err := marks(mean, medianColor, 3); err != nil {
		return nil, err
	}
	label := seedLabel(studentNets(run, "epoch_train_mse")[0])
	if len(ys) > 1 {
		label = "mean over " + count(len(ys), "seed")
	}
	pn.add(label, lineThumb(sty))
	pn.p.Y.Scale = gplot.LogScale{}
	pn.p.Y.Tick.Marker = logTicks{}
	pn.p.Y.Min, pn.p.Y.Max = logRange(lo, hi)
	pn.p.X.Tick.Marker = epochTicks{}
	pn.p.X.Min, pn.p.X.Max = 1, float64(n)
	if n == 1 {
		pn.p.X.Min, pn.p.X.Max = 0.5, 1.5
	}
	return pn, nil
}

// percentMeanStd writes accuracies (in %) as "97.1 ± 0.8 % (10 seeds)",
// one alone as "97.1 % (1 seed)".
func percentMeanStd(accs []float64) string {
	m, sd := meanStd1(accs)
	if len(accs) == 1 {
		return fmt.Sprintf("%.1f %% (1 seed)", m)
	}
	return fmt.Sprintf("%.1f ± %.1f %% (%s)", m, sd, count(len(accs), "seed"))
}

// meanStd1 returns the mean and standard deviation of xs.
func meanStd1(xs []float64) (float64, float64) {
	m, v := 0.0, 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / float64(len(xs)))
}

// epochAngle draws the angle between B[k] and W[k+1]ᵀ at every validation
// pass.
func (pt *painter) epochAngle(path string, k int) error {
	ys := studentSeries(pt.run, fmt.Sprintf("epoch_angle_WPPT_BPP/%d", k))
	pn := newPanel("", "epoch (0: before training)", angleLabel)
	seeds := epochLines(pn, ys, 1, medianColor, angleName("angle_WPPT_BPP", k, false), true)
	pn.p.Y.Min, pn.p.Y.Max = 0, math.Max(90, pn.p.Y.Max)
	pn.p.X.Min = 0
	pn.p.X.Tick.Marker = epochTicks{}
	return pt.save(path, "Angle between the backward weights and the transposed forward weights",
		fmt.Sprintf("hidden layer %d: %s at the end of every validation pass; %s", k, angleName("angle_WPPT_BPP", k, false), count(seeds, "seed")), pn)
}

// confusionGrid is a confusion matrix as a heat map grid: rows are the
// true classes, drawn from the top.
type confusionGrid struct {
	m    []float64
	k    int
	text bool
}

func (g confusionGrid) Dims() (c, r int)   { return g.k, g.k }
func (g confusionGrid) X(c int) float64    { return float64(c) }
func (g confusionGrid) Y(r int) float64    { return float64(r) }
func (g confusionGrid) Z(c, r int) float64 { return g.m[(g.k-1-r)*g.k+c] }

// confusion draws the test confusion matrix, summed over seeds, each row
// as fractions of its class.
func (pt *painter) confusion(path string) error {
	cs := studentSeries(pt.run, "confusion")
	k := int(math.Round(math.Sqrt(float64(len(cs[0])))))
	sum := make([]float64, k*k)
	for _, c := range cs {
		for i, v := range c[:k*k] {
			sum[i] += v
		}
	}
	frac := make([]float64, k*k)
	for r := 0; r < k; r++ {
		row := 0.0
		for c := 0; c < k; c++ {
			row += sum[r*k+c]
		}
		for c := 0; c < k; c++ {
			if row > 0 {
				frac[r*k+c] = sum[r*k+c] / row
			}
		}
	}
	p := newPlot("", "predicted class", "true class", 0, 0)
	hm := plotter.NewHeatMap(confusionGrid{m: frac, k: k}, sequential(64))
	hm.Min, hm.Max = 0, 1
	p.Add(hm)
	if k <= 12 {
		var xys plotter.XYs
		var labels []string
		var dark []bool
		for r := 0; r < k; r++ {
			for c := 0; c < k; c++ {
				xys = append(xys, plotter.XY{X: float64(c), Y: float64(k - 1 - r)})
				labels = append(labels, fmt.Sprintf("%.0f%%", 100*frac[r*k+c]))
				dark = append(dark, frac[r*k+c] > 0.5)
			}
		}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return err
		}
		for i := range lb.TextStyle {
			// White on the dark cells, black on the light ones.
			c := color.Color(color.Black)
			if dark[i] {
				c = color.White
			}
			lb.TextStyle[i] = textStyle(9, c, -0.5, -0.5)
		}
		p.Add(lb)
	}
	ticks := make([]gplot.Tick, k)
	yticks := make([]gplot.Tick, k)
	for c := 0; c < k; c++ {
		ticks[c] = gplot.Tick{Value: float64(c), Label: fmt.Sprint(c)}
		yticks[c] = gplot.Tick{Value: float64(k - 1 - c), Label: fmt.Sprint(c)}
	}
	p.X.Tick.Marker = gplot.ConstantTicks(ticks)
	p.Y.Tick.Marker = gplot.ConstantTicks(yticks)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, float64(k)-0.5, -0.5, float64(k)-0.5
	total := 0.0
	for _, v := range sum {
		total += v
	}
	s := &sheet{title: "Test confusion matrix", subtitle: fmt.Sprintf(
		"each row: how the test samples of one true class were classified (fraction of the class); %s, %.0f test samples in all",
		count(len(cs), "seed"), total), cols: 1, width: 5.2 * vg.Inch, height: 5 * vg.Inch}
	s.panels = []*panel{{p: p}}
	return s.save(path, pt.format)
}

// sequential is a palette of n colours from white to the dark blue of the
// medians: the darker, the larger the fraction.
type sequential int

func (n sequential) Colors() []color.Color {
	out := make([]color.Color, n)
	for i := range out {
		f := float64(i) / float64(n-1)
		mix := func(a uint8) uint8 { return uint8(math.Round(255 + f*(float64(a)-255))) }
		out[i] = color.RGBA{mix(medianColor.R), mix(medianColor.G), mix(medianColor.B), 0xff}
	}
	return out
}

// testPredictions draws the test samples at their first two inputs (the
// Yin-Yang coordinates), coloured by the class predicted by the seed with
// the median test accuracy, misclassified samples ringed.
func (pt *painter) testPredictions(path string) error {
	nets := studentNets(pt.run, "test_accuracy")
	type acc struct {
		net string
		a   float64
	}
	var as []acc
	for _, n := range nets {
		if t, ok := pt.run.Arrays[n+"/test_accuracy"]; ok && len(t.Data) == 1 {
			as = append(as, acc{n, t.Data[0]})
		}
	}
	if len(as) == 0 {
		return fmt.Errorf("no test accuracy")
	}
	sort.SliceStable(as, func(i, j int) bool { return as[i].a < as[j].a })
	net := as[len(as)/2].net
	which := fmt.Sprintf("the median of %s", count(len(as), "seed"))
	if len(as)%2 == 0 {
		which = fmt.Sprintf("the upper of the middle two of %s", count(len(as), "seed"))
	}
	pred, label := pt.run.Arrays[net+"/test_prediction"].Data, pt.run.Arrays[net+"/test_label"].Data
	in := pt.run.TestInputs
	w := in.Shape[1]
	if len(pred) != in.Shape[0] || len(label) != len(pred) {
		return fmt.Errorf("%d predictions for %d test samples", len(pred), in.Shape[0])
	}
	p := newPlot("", "x (input 0)", "y (input 1)", 0, 0)
	classes := 0
	for _, y := range label {
		classes = max(classes, int(y)+1)
	}
	pn := &panel{p: p}
	var wrong plotter.XYs
	for c := 0; c < classes; c++ {
		var pts plotter.XYs
		for i, y := range pred {
			if int(y) == c {
				pts = append(pts, plotter.XY{X: in.Data[i*w], Y: in.Data[i*w+1]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: translucent(seedColor(c), 0xc0), Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		pn.add(fmt.Sprintf("predicted class %d", c), sc)
	}
	for i, y := range pred {
		if y != label[i] {
			wrong = append(wrong, plotter.XY{X: in.Data[i*w], Y: in.Data[i*w+1]})
		}
	}
	if len(wrong) > 0 {
		sc, err := plotter.NewScatter(wrong)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3.5), Shape: draw.RingGlyph{}}
		p.Add(sc)
		pn.add(fmt.Sprintf("misclassified (%d of %d)", len(wrong), len(pred)), sc)
	}
	s := &sheet{title: "Test samples by predicted class", subtitle: fmt.Sprintf(
		"%s: test accuracy %.1f %%, %s; rings mark the misclassified samples", seedLabel(net), 100*as[len(as)/2].a, which),
		cols: 1, width: 5.6 * vg.Inch, height: 6 * vg.Inch, panels: []*panel{pn}}
	return s.save(path, pt.format)
}

// ClassifyRun is one model's classify run for FigClassify.
type ClassifyRun struct {
	// Model names the run in the legend (BP, FA, PAL).
	Model string
	// ModelType is the run's model_type (BP, FA, PAL, …): the title names
	// the models compared. Model when empty.
	ModelType string
	Run       Run
}

// modelNames are the names of the model types in titles.
var modelNames = map[string]string{"BP": "backprop", "FA": "feedback alignment", "PAL": "PAL", "LDRL": "PAL (LDRL)"}

// classifyTitle names the models of runs, each once, in their order:
// "Classification with feedback alignment and PAL".
func classifyTitle(runs []ClassifyRun) string {
	var names []string
	for _, r := range runs {
		t := r.ModelType
		if t == "" {
			t = r.Model
		}
		name, ok := modelNames[t]
		if !ok {
			name = t
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	switch n := len(names); n {
	case 0:
		return "Classification"
	case 1:
		return "Classification with " + names[0]
	default:
		return "Classification with " + strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
}

// FigClassify compares classify runs of several models: the validation
// accuracy by epoch, the test accuracy of every seed, and the angle
// between B and Wᵀ of the first hidden layer by epoch (mean ± std over
// seeds). The format is that of path's extension.
func FigClassify(runs []ClassifyRun, path string) error {
	s := &sheet{width: 13 * vg.Inch, height: 4.4 * vg.Inch, cols: 3}
	accPn := newPanel("validation accuracy", "epoch (0: before training)", "accuracy (%)")
	testPn := newPanel("test accuracy", "", "accuracy (%)")
	angPn := newPanel(angleName("angle_WPPT_BPP", 0, false), "epoch (0: before training)", angleLabel)
	var ticks []gplot.Tick
	for i, r := range runs {
		c := layerColors[i%len(layerColors)]
		val := studentSeries(r.Run, "val_accuracy")
		if len(val) == 0 {
			return fmt.Errorf("plot: %s has no validation accuracy: not a classify run", r.Model)
		}
		epochLines(accPn, val, 100, c, r.Model, false)
		if ang := studentSeries(r.Run, "epoch_angle_WPPT_BPP/0"); len(ang) > 0 {
			epochLines(angPn, ang, 1, c, r.Model, false)
		}
		var pts plotter.XYs
		var accs []float64
		for j, t := range studentSeries(r.Run, "test_accuracy") {
			if len(t) == 1 && isFinite(t[0]) {
				// Seeds side by side around the model's place.
				pts = append(pts, plotter.XY{X: float64(i) + 0.3*(float64(j)/9-0.5), Y: 100 * t[0]})
				accs = append(accs, 100*t[0])
			}
		}
		if len(pts) > 0 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			testPn.p.Add(sc)
			m, sd := meanStd1(accs)
			addLine(testPn.p, []float64{float64(i) - 0.25, float64(i) + 0.25}, []float64{m, m}, draw.LineStyle{Color: c, Width: thickWidth})
			addLine(testPn.p, []float64{float64(i), float64(i)}, []float64{m - sd, m + sd}, draw.LineStyle{Color: c, Width: thinWidth})
			testPn.add(fmt.Sprintf("%s: %s", r.Model, percentMeanStd(accs)), sc)
		}
		ticks = append(ticks, gplot.Tick{Value: float64(i), Label: r.Model})
	}
	testPn.p.X.Tick.Marker = gplot.ConstantTicks(ticks)
	testPn.p.X.Min, testPn.p.X.Max = -0.6, float64(len(runs))-0.4
	accPn.p.Y.Max = 100
	angPn.p.Y.Min = 0
	accPn.p.X.Tick.Marker, angPn.p.X.Tick.Marker = epochTicks{}, epochTicks{}
	s.panels = []*panel{accPn, testPn, angPn}
	s.title = classifyTitle(runs)
	s.subtitle = "validation accuracy and the angle between the backward weights B₀ and W₁ᵀ after every epoch (mean ± std over seeds); test accuracy of every seed with its mean ± std"
	return saveFigure(s, path)
}

// studentNets lists the students that have the entry "<net>/<name>", in
// the order of seed numbers.
func studentNets(run Run, name string) []string {
	var nets []string
	for k := range run.Arrays {
		if net, rest, ok := strings.Cut(k, "/"); ok && rest == name {
			if _, isSeed := seedNumber(net); isSeed {
				nets = append(nets, net)
			}
		}
	}
	sortSeeds(nets)
	return nets
}
