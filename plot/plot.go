package plot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"palmc/store"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Array is an n-dimensional float64 array in row-major order. The first
// dimension of a recorded variable counts the records.
type Array = store.Array

// Run is what the plots need besides the arrays.
type Run struct {
	// Context, if not nil, stops All between two plots when it ends.
	Context context.Context
	// TestInputs, if not nil, holds the inputs of a classify run's test
	// samples (samples × inputs): its first two are the coordinates of the
	// figure of the test predictions (Yin-Yang's x and y).
	TestInputs *Array
	// Arrays holds the contents of results.npz, keyed "<net>/<var>/<layer>"
	// or "<net>/<var>" (without ".npy"), <net> being "teacher" or
	// "seed<S>".
	Arrays map[string]Array
	// Dt is the length of one step in ms.
	Dt float64
	// RecPerSteps is the number of steps between records.
	RecPerSteps int
	// SettlingSteps is the number of settling steps at the start of each
	// network's run; they are recorded but not plotted.
	SettlingSteps int
	// StepsPerSample is the number of steps per input sample (Tpres/dt):
	// signals recorded less often than that are drawn as distributions.
	StepsPerSample int
	// EpochSteps is the number of steps of one epoch (dataset_size·Tpres/dt);
	// runs of at least two epochs are drawn against epochs. 0: against time.
	EpochSteps int
	// Adaptive marks a run with the seed-era adaptive noise (noise_mode
	// uP_adaptive): its epsilon_LO gets a figure of the cosine
	// 1 - 2·epsilon_LO as well.
	Adaptive bool
	// NoiseDeg is the adaptive noise's alignment angle (degrees): the
	// cosine figure draws the threshold cos(NoiseDeg) as a horizontal line.
	// 0: no threshold line.
	NoiseDeg float64
	// Skip marks a run with skip connectivity (bw_connection_mode "skip"):
	// the titles of the backward matrices name the output layer as their
	// source.
	Skip bool
}

// teacherNet is the network name of the teacher in results.npz.
const teacherNet = "teacher"

// notPlotted are variables that are not time series of the run.
var notPlotted = map[string]bool{"seed": true, "stimulus": true, "target_sequence": true,
	// The time and epoch of the records, and the classify task's results,
	// which have figures of their own.
	"rec_time": true, "rec_epoch": true, "rec_time_target": true, "rec_epoch_target": true,
	"val_accuracy": true, "test_accuracy": true, "confusion": true, "test_label": true, "test_prediction": true,
	"epoch_angle_WPPT_BPP": true, "epoch_train_mse": true, "rec_time_dWPP_BP": true, "rec_epoch_dWPP_BP": true, "rec_sample_dWPP_BP": true}

// key is a parsed results.npz key.
type key struct {
	net, v, layer string // layer is "" for "<net>/<var>"
}

func parseKey(k string) (key, bool) {
	parts := strings.Split(strings.TrimSuffix(k, ".npy"), "/")
	switch len(parts) {
	case 2:
		return key{net: parts[0], v: parts[1]}, true
	case 3:
		return key{net: parts[0], v: parts[1], layer: parts[2]}, true
	}
	return key{}, false
}

// name is the key within a network: "<var>/<layer>" or "<var>".
func (k key) name() string {
	if k.layer == "" {
		return k.v
	}
	return k.v + "/" + k.layer
}

// seedNumber returns S of a student network "seed<S>".
func seedNumber(net string) (int64, bool) {
	s, ok := strings.CutPrefix(net, "seed")
	if !ok || s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// sortSeeds sorts student networks by seed number ("seed7" before
// "seed10"); this order gives them their colours.
func sortSeeds(nets []string) {
	sort.Slice(nets, func(i, j int) bool {
		a, _ := seedNumber(nets[i])
		b, _ := seedNumber(nets[j])
		if a != b {
			return a < b
		}
		return nets[i] < nets[j]
	})
}

// plottable reports whether a variable is drawn as a time series.
func plottable(v string) bool {
	return !notPlotted[v] && !strings.HasPrefix(v, "final_")
}

// job is one figure to draw.
type job struct {
	file string
	draw func(path string) error
}

// painter holds what every figure of a run shares.
type painter struct {
	run      Run
	seeds    []string // student networks, sorted by seed number
	x        axis     // the x axis of figures over the whole run
	lastStep int      // the last record of the students, in steps after settling
	format   Format
}

// All writes every plot the arrays of run allow into dir (created if need
// be) in the given format (PNG when empty) and returns their file names,
// sorted.
//
// For every "<var>/<layer>" (or "<var>") that a student network has, it
// draws "<var>_<layer>.<ext>" (or "<var>.<ext>") with all students, as the
// package documentation describes per kind of variable. It adds
// "BPI+BPP_<k>.<ext>" where the students have both BPI/k and BPP/k,
// "<angle>_<k>_mean.<ext>" (mean ± std over seeds) for every angle to
// backprop, and for an adaptive run (Run.Adaptive) "cos_epsilon_LO_<k>.<ext>"
// for every epsilon_LO/k. Keys "seed", "stimulus", "target_sequence" and
// "final_*" are not plotted.
func All(run Run, dir string, format Format) ([]string, error) {
	if format == "" {
		format = PNG
	}
	if _, err := ParseFormat(string(format)); err != nil {
		return nil, err
	}
	if run.RecPerSteps <= 0 {
		return nil, fmt.Errorf("plot: RecPerSteps must be positive, got %d", run.RecPerSteps)
	}
	if !(run.Dt > 0) {
		return nil, fmt.Errorf("plot: Dt must be positive, got %v", run.Dt)
	}
	// Accept keys as npz.Reader lists them, with a ".npy" suffix.
	for k := range run.Arrays {
		if strings.HasSuffix(k, ".npy") {
			arrays := make(map[string]Array, len(run.Arrays))
			for k, a := range run.Arrays {
				arrays[strings.TrimSuffix(k, ".npy")] = a
			}
			run.Arrays = arrays
			break
		}
	}
	p := &painter{run: run, format: format}

	// Student networks, sorted by seed number, and the variables they have.
	seen := map[string]bool{}
	names := map[string]key{} // "<var>/<layer>" of the students
	for k, a := range run.Arrays {
		pk, ok := parseKey(k)
		if !ok || !plottable(pk.v) {
			continue
		}
		if pk.net != teacherNet {
			if _, ok := seedNumber(pk.net); !ok {
				continue
			}
			if !seen[pk.net] {
				seen[pk.net] = true
				p.seeds = append(p.seeds, pk.net)
			}
			names[pk.name()] = key{v: pk.v, layer: pk.layer}
		}
		if len(a.Shape) > 0 && pk.net != teacherNet && pk.v != updatesAngle {
			steps := run.recordStepsOf(pk.net, pk.v, a.Shape[0])
			if n := len(steps); n > 0 {
				p.lastStep = max(p.lastStep, steps[n-1]-run.SettlingSteps)
			}
		}
	}
	sortSeeds(p.seeds)
	p.x = newAxis(run, p.lastStep)

	var jobs []job
	add := func(file string, draw func(path string) error) {
		jobs = append(jobs, job{file: file, draw: draw})
	}
	ext := "." + string(format)
	// A classify run's recorded MSE is a few single steps per epoch, each of
	// one training sample: its MSE.png is the training error of every
	// epoch (classifyJobs), or none.
	classify := len(studentSeries(run, "val_accuracy")) > 0
	for name, k := range names {
		file := fileName(k.v, k.layer) + ext
		switch {
		case k.v == "MSE" && classify:
		case k.v == "MSE":
			add(file, func(path string) error { return p.mse(path, name) })
		case strings.HasPrefix(k.v, "angle_"):
			add(file, func(path string) error { return p.angle(path, k, p.get(name)) })
			add(fileName(k.v, k.layer)+"_mean"+ext,
				func(path string) error { return p.angleMean(path, name, k) })
		case weightVars[k.v]:
			add(file, func(path string) error { return p.weights(path, k, p.get(name)) })
		case k.v == "epsilon_LO":
			add(file, func(path string) error { return p.slow(path, k, p.get(name)) })
		default:
			add(file, func(path string) error { return p.signal(path, k, p.get(name)) })
		}
		if k.v == "epsilon_LO" && run.Adaptive {
			ck := key{v: "cos_epsilon_LO", layer: k.layer}
			add(fileName(ck.v, ck.layer)+ext, func(path string) error { return p.cosEpsilon(path, ck, name) })
		}
		if k.v == "BPI" {
			if _, ok := names["BPP/"+k.layer]; ok {
				sk := key{v: "BPI+BPP", layer: k.layer}
				add(fileName(sk.v, sk.layer)+ext, func(path string) error {
					return p.weights(path, sk, p.sum("BPI/"+k.layer, "BPP/"+k.layer))
				})
			}
		}
	}
	p.classifyJobs(add, ext)
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].file < jobs[j].file })

	if err := os.MkdirAll(dir, 0o777); err != nil { // the umask decides, as for the run folder
		return nil, err
	}
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = drawGuarded(jobs[i], dir)
			}
		}()
	}
	ctx := run.Context
	if ctx == nil {
		ctx = context.Background()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := joinPlotErrors(errs); err != nil {
		return nil, err
	}
	files := make([]string, len(jobs))
	for i, j := range jobs {
		files[i] = j.file
	}
	return files, nil
}

// joinPlotErrors joins the errors of the plots that failed; beyond three,
// it names the first three and counts the others (a full disk fails every
// plot for one cause).
func joinPlotErrors(errs []error) error {
	var failed []error
	for _, e := range errs {
		if e != nil {
			failed = append(failed, e)
		}
	}
	if len(failed) <= 3 {
		return errors.Join(failed...)
	}
	return errors.Join(append(failed[:3:3], fmt.Errorf("and %d more plots failed", len(failed)-3))...)
}

// drawGuarded draws one plot, turning a panic of the plotting code into
// that plot's error.
func drawGuarded(j job, dir string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: %s: internal error: %v", j.file, r)
		}
	}()
	if err := j.draw(filepath.Join(dir, j.file)); err != nil {
		return fmt.Errorf("plot: %s: %w", j.file, err)
	}
	return nil
}

// fileName is "<var>_<layer>", or "<var>" without a layer: the name of a
// figure's file without its extension.
func fileName(v, layer string) string {
	if layer == "" {
		return v
	}
	return v + "_" + layer
}

// get returns a function that looks up name ("<var>/<layer>") in a network.
// angle_dWPP_BP, recorded per sample of each replay, comes as the mean over
// the samples of each replay (see Run.replayMeans).
func (p *painter) get(name string) getter {
	return func(net string) (Array, bool) {
		a, ok := p.run.Arrays[net+"/"+name]
		if ok && strings.HasPrefix(name, updatesAngle+"/") {
			a, _ = p.run.replayMeans(net, a)
		}
		return a, ok
	}
}

// sum returns a function that gives the entry-wise sum of two keys of a
// network, when it has both with the same shape.
func (p *painter) sum(a, b string) getter {
	return func(net string) (Array, bool) {
		x, ok1 := p.run.Arrays[net+"/"+a]
		y, ok2 := p.run.Arrays[net+"/"+b]
		if !ok1 || !ok2 || !sameShape(x.Shape, y.Shape) || len(x.Data) != len(y.Data) {
			return Array{}, false
		}
		s := Array{Shape: x.Shape, Data: make([]float64, len(x.Data))}
		for i := range s.Data {
			s.Data[i] = x.Data[i] + y.Data[i]
		}
		return s, true
	}
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
