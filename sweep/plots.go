package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"palmc/compare"
	"palmc/params"
	"palmc/plot"
	"palmc/runfolder"
	"palmc/store"
)

// maxCurvePoints bounds the records drawn per learning curve.
const maxCurvePoints = 2000

// drawPlots draws the sweep's figures into dir and returns how many it
// drew: every metric against every axis (the variants count as one), and
// the learning curves of every grid point.
func (t *Table) drawPlots(ctx context.Context, dir string) (int, error) {
	n := 0
	var errs []error
	draw := func(name string, f func(path string) error) {
		if ctx.Err() != nil {
			return
		}
		if err := f(filepath.Join(dir, name)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			os.Remove(filepath.Join(dir, name))
			return
		}
		n++
	}
	points := t.Points()
	axes := t.Sweep.Index.Axes
	coords := len(axes)
	if len(t.Sweep.Index.Variants) > 0 {
		coords++
	}
	for a := range coords {
		name, ticks, xs, logX := t.axis(points, a)
		for _, m := range t.Metrics {
			series := t.metricSeries(points, a, xs, m)
			if !hasValues(series) {
				continue
			}
			label, unit := plot.SweepMetricName(m)
			ylabel := label
			if unit != "" {
				ylabel += " (" + unit + ")"
			}
			if unit == "%" {
				// Fractions in sweep.csv, percent in the figures, as in
				// a run's plots.
				ylabel += " (%)"
				for i := range series {
					for j := range series[i].Ys {
						for k := range series[i].Ys[j] {
							series[i].Ys[j][k] *= 100
						}
					}
				}
			}
			draw(fmt.Sprintf("%s_vs_%s.png", m, name), func(path string) error {
				return plot.SweepMetric(path, fmt.Sprintf("%s against %s", label, name), name, ylabel, ticks, logX, series)
			})
		}
	}
	curves, err := t.curves(points)
	if err != nil {
		errs = append(errs, err)
	}
	for _, c := range curves {
		draw("curve_"+c.name+".png", func(path string) error {
			return plot.SweepCurves(path, c.title, "epoch", c.ylabel, c.logY, c.curves)
		})
	}
	return n, errors.Join(errs...)
}

// coord returns the coordinate a of a point: 0 is the variant when the
// sweep has variants, the axes follow.
func (t *Table) coord(p Point, a int) string {
	if len(t.Sweep.Index.Variants) > 0 {
		if a == 0 {
			return p.Variant
		}
		a--
	}
	return string(p.Values[a])
}

// axis describes coordinate a: its name, tick labels for a categorical
// axis (nil for a numeric one), the x of every value, and whether a log
// scale suits it (positive values that span a decade or more, as learning
// rates and time constants often do).
func (t *Table) axis(points []Point, a int) (name string, ticks []string, xs map[string]float64, logX bool) {
	ix := t.Sweep.Index
	name = "variant"
	if len(ix.Variants) > 0 {
		a--
	}
	var vals []string
	if a < 0 {
		vals = ix.Variants
	} else {
		name = ix.Axes[a]
		for _, p := range points {
			if v := string(p.Values[a]); !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
	}
	xs = map[string]float64{}
	numeric := a >= 0
	for _, v := range vals {
		x, ok := number(json.RawMessage(v))
		if !ok {
			numeric = false
			break
		}
		xs[v] = x
	}
	if numeric {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range xs {
			lo, hi = min(lo, x), max(hi, x)
		}
		return name, nil, xs, lo > 0 && hi/lo >= 10
	}
	for i, v := range vals {
		xs[v] = float64(i)
		ticks = append(ticks, strings.Trim(v, "\""))
	}
	return name, ticks, xs, false
}

// number reads a grid value as a number: a number, or a list whose
// entries are one number (eta_bw [5, 5, 5] is 5).
func number(raw json.RawMessage) (float64, bool) {
	var x float64
	if json.Unmarshal(raw, &x) == nil {
		return x, true
	}
	var xs []float64
	if json.Unmarshal(raw, &xs) != nil || len(xs) == 0 {
		return 0, false
	}
	for _, y := range xs {
		if y != xs[0] {
			return 0, false
		}
	}
	return xs[0], true
}

// metricSeries returns the series of a metric against coordinate a: one
// per combination of the other coordinates.
func (t *Table) metricSeries(points []Point, a int, xs map[string]float64, metric string) []plot.SweepSeries {
	var out []plot.SweepSeries
	at := map[string]int{}
	coords := len(t.Sweep.Index.Axes)
	if len(t.Sweep.Index.Variants) > 0 {
		coords++
	}
	for _, p := range points {
		var others []string
		for b := range coords {
			if b != a {
				others = append(others, t.coordName(b)+" = "+strings.Trim(t.coord(p, b), "\""))
			}
		}
		label := strings.Join(others, ", ")
		j, ok := at[label]
		if !ok {
			j = len(out)
			at[label] = j
			out = append(out, plot.SweepSeries{Label: label})
		}
		out[j].X = append(out[j].X, xs[t.coord(p, a)])
		out[j].Ys = append(out[j].Ys, t.values(p, metric))
	}
	return out
}

// coordName names coordinate b.
func (t *Table) coordName(b int) string {
	if len(t.Sweep.Index.Variants) > 0 {
		if b == 0 {
			return "variant"
		}
		b--
	}
	return t.Sweep.Index.Axes[b]
}

func hasValues(series []plot.SweepSeries) bool {
	for _, s := range series {
		for _, ys := range s.Ys {
			if len(ys) > 0 {
				return true
			}
		}
	}
	return false
}

// curveSet is one learning-curve figure: a curve per grid point.
type curveSet struct {
	name, title, ylabel string
	logY                bool
	curves              []plot.SweepCurve
}

// curves returns the learning curves of the grid points: the validation
// accuracy per epoch (classify), the MSE (fw_bw) and the angle between
// WPP[k+1]ᵀ and BPP[k] per hidden layer (with --compare BP) per record.
func (t *Table) curves(points []Point) ([]curveSet, error) {
	sets := map[string]*curveSet{}
	var order []string
	add := func(name, title, ylabel string, logY bool, point int, label string, x, y []float64) {
		cs, ok := sets[name]
		if !ok {
			cs = &curveSet{name: name, title: title, ylabel: ylabel, logY: logY}
			sets[name] = cs
			order = append(order, name)
		}
		for len(cs.curves) <= point {
			cs.curves = append(cs.curves, plot.SweepCurve{})
		}
		c := &cs.curves[point]
		c.Label = label
		if len(x) > len(c.X) {
			c.X = x
		}
		c.Seeds = append(c.Seeds, y)
	}
	var errs []error
	task := t.Sweep.Index.Task
	for pi, p := range points {
		label := t.Label(p)
		for _, ri := range p.Rows {
			r := t.Rows[ri]
			if r.State != Done {
				continue
			}
			net := fmt.Sprintf("seed%d", r.Cell.Seed)
			if task == params.Classify {
				for _, n := range r.Summary.Networks {
					if n.Name == net && len(n.ValAccuracy) > 0 {
						x := make([]float64, len(n.ValAccuracy))
						y := make([]float64, len(n.ValAccuracy))
						for i, v := range n.ValAccuracy {
							x[i], y[i] = float64(i), 100*float64(v)
						}
						add("val_accuracy", "validation accuracy (epoch 0: before training)", "validation accuracy (%)", false, pi, label, x, y)
					}
				}
				continue
			}
			cd := t.Sweep.CellDir(r.Cell)
			p, _, err := params.Load(filepath.Join(cd, runfolder.ParamsFile), task)
			if err != nil {
				errs = append(errs, fmt.Errorf("learning curves: cell %d: %w", r.Cell.Index, err))
				continue
			}
			arrays, texts, err := store.ReadSelectedMeta(filepath.Join(cd, runfolder.ResultsFile), func(k string) bool {
				return k == "run_id" || k == net+"/MSE" || strings.HasPrefix(k, net+"/"+compare.WPPTBPP+"/")
			})
			if err != nil {
				errs = append(errs, fmt.Errorf("learning curves: cell %d: %w", r.Cell.Index, err))
				continue
			}
			if texts["run_id"] != r.Summary.RunID {
				errs = append(errs, fmt.Errorf("%s: %s and %s belong to different runs (run_id %q and %q); its curves are left out", cd, runfolder.ResultsFile, runfolder.SummaryFile, texts["run_id"], r.Summary.RunID))
				continue
			}
			if a, ok := arrays[net+"/MSE"]; ok {
				x, y := epochs(p, a.Data, true)
				add("MSE", "MSE of the output layer", "MSE", true, pi, label, x, y)
			}
			for k := 0; ; k++ {
				a, ok := arrays[fmt.Sprintf("%s/%s/%d", net, compare.WPPTBPP, k)]
				if !ok {
					break
				}
				x, y := epochs(p, a.Data, false)
				add(fmt.Sprintf("%s_%d", compare.WPPTBPP, k), fmt.Sprintf("angle between the backward weights B_{%d} and W_{%d}ᵀ", k, k+1),
					"angle (°)", false, pi, label, x, y)
			}
		}
	}
	var out []curveSet
	for _, name := range order {
		out = append(out, *sets[name])
	}
	return out, errors.Join(errs...)
}

// epochs returns the epoch of each record of a series after settling and
// its values, at most maxCurvePoints of them. Record r of a full series is
// taken at step (r+1)·rec_per_steps; a target-only series (MSE) starts at
// the first multiple of rec_per_steps after settling.
func epochs(p *params.Params, y []float64, target bool) ([]float64, []float64) {
	rec, settle := p.RecPerSteps, p.SettlingSteps()
	epoch := float64(p.DatasetSize * p.StepsPerSample())
	first := rec
	if target {
		first = (settle/rec + 1) * rec
	}
	// The stride follows from the records a full run makes, so that the
	// seeds of a point (one stopped early) share their x.
	full := (settle + p.Epochs*p.DatasetSize*p.StepsPerSample()) / rec
	stride := max(1, (max(full, len(y))+maxCurvePoints-1)/maxCurvePoints)
	var xs, ys []float64
	for r := 0; r < len(y); r += stride {
		step := first + r*rec
		if step <= settle {
			continue
		}
		xs, ys = append(xs, float64(step-settle)/epoch), append(ys, y[r])
	}
	return xs, ys
}
