// Package experiments holds palmc's params files: the built-in example and
// the experiments of the paper (Fig. 3, 4 and 6 of arXiv:2212.10249), each
// in a folder of its own with the command that runs it in README.md, and
// the sweep files of the studies made of several of them (fig6/sweep.json:
// Fig. 6 as one sweep). They are embedded in the palmc binary.
package experiments

import (
	"embed"
	"io/fs"
	"path"
	"sort"

	"palmc/params"
)

//go:embed */params.json */sweep.json
var files embed.FS

// Example is the name of the built-in example.
const Example = "example"

// Names lists the folders that hold a params.json, sorted.
func Names() []string {
	var out []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Base(p) == "params.json" {
			out = append(out, path.Dir(p))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Info says what an experiment is, for palmc params --list.
type Info struct {
	// Task is the task the experiment runs with.
	Task params.Task
	// About says in a line what it is.
	About string
	// Time is how long a run takes on one core, from a free core to a
	// busy machine (measured, or scaled from a measured run).
	Time string
}

// infos describes every experiment; README.md has the same times.
var infos = map[string]Info{
	Example:                  {params.BwOnly, "the built-in example: Fig. 3a-c's network, 3 seeds, 50 epochs", "5–15 s"},
	"fig3abc":                {params.BwOnly, "Fig. 3a-c: PAL aligns the backward weights of a 5-20-10-20-5 network (10 seeds, 100 epochs)", "40 s–1.5 min"},
	"fig3def":                {params.BwOnly, "Fig. 3d-f: as fig3abc with weights from [-5, 5], the nonlinear regime (10 seeds, 500 epochs)", "3–6 min"},
	"fig4ab-bp":              {params.FwBw, "Fig. 4a-b, backprop: a 1-1-1 student learns a teacher (10 seeds, 5000 epochs)", "3–7 min"},
	"fig4ab-fa":              {params.FwBw, "Fig. 4a-b, feedback alignment", "3–7 min"},
	"fig4ab-pal":             {params.FwBw, "Fig. 4a-b, PAL", "3–7 min"},
	"fig6-tauxi10-u":         {params.BwOnly, "Fig. 6: the Fig. 3a-c network, noise tauxi 0.1 ms, plain voltages", "40 s–1.5 min"},
	"fig6-tauxi10-prosp-u":   {params.BwOnly, "Fig. 6: as above, prospective voltages (the same as fig3abc)", "40 s–1.5 min"},
	"fig6-tauxi100-u":        {params.BwOnly, "Fig. 6: noise and input 10 times slower, plain voltages", "5–9 min"},
	"fig6-tauxi100-prosp-u":  {params.BwOnly, "Fig. 6: noise and input 10 times slower, prospective voltages", "5–9 min"},
	"fig6-tauxi1000-u":       {params.BwOnly, "Fig. 6: noise and input 100 times slower, plain voltages", "40 min–1.5 h"},
	"fig6-tauxi1000-prosp-u": {params.BwOnly, "Fig. 6: noise and input 100 times slower, prospective voltages", "40 min–1.5 h"},
	"yinyang-bp":             {params.Classify, "Yin-Yang, backprop: a 4-30-3 network, the GeNN port's run (10 seeds, 400 epochs)", "3–10 min per seed"},
	"yinyang-fa":             {params.Classify, "Yin-Yang, feedback alignment (10 seeds, 400 epochs)", "3–10 min per seed"},
	"yinyang-pal":            {params.Classify, "Yin-Yang, PAL (10 seeds, 400 epochs)", "3–10 min per seed"},
	"yinyang-pal-bw0":        {params.Classify, "Yin-Yang, PAL with eta_bw 0: the control for PAL's gain", "3–10 min per seed"},
	"mnist-bp":               {params.Classify, "MNIST, backprop: a 784-100-10 network, the GeNN port's run (10 seeds, 100 epochs)", "15 min–1 h per seed"},
	"mnist-fa":               {params.Classify, "MNIST, feedback alignment (10 seeds, 100 epochs)", "15 min–1 h per seed"},
	"mnist-pal":              {params.Classify, "MNIST, PAL (10 seeds, 100 epochs)", "15 min–1 h per seed"},
	"mnist-pal-bw0":          {params.Classify, "MNIST, PAL with eta_bw 0: the control for PAL's gain", "15 min–1 h per seed"},
	"fashion-mnist-bp":       {params.Classify, "Fashion-MNIST, backprop: mnist-bp's network and parameters (10 seeds, 100 epochs)", "15 min–1 h per seed"},
	"fashion-mnist-fa":       {params.Classify, "Fashion-MNIST, feedback alignment (10 seeds, 100 epochs)", "15 min–1 h per seed"},
	"fashion-mnist-pal":      {params.Classify, "Fashion-MNIST, PAL (10 seeds, 100 epochs)", "15 min–1 h per seed"},
}

// About describes the named experiment; false for an unknown name.
func About(name string) (Info, bool) {
	i, ok := infos[name]
	return i, ok
}

// Params returns the params.json of the named experiment.
func Params(name string) ([]byte, error) {
	return files.ReadFile(path.Join(name, "params.json"))
}

// Sweeps lists the folders that hold a sweep.json, sorted.
func Sweeps() []string {
	var out []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Base(p) == "sweep.json" {
			out = append(out, path.Dir(p))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Sweep returns the sweep.json of the named sweep.
func Sweep(name string) ([]byte, error) {
	return files.ReadFile(path.Join(name, "sweep.json"))
}

// File returns an embedded file by its slash-separated path in
// experiments/ ("fig6-tauxi10-u/params.json"); a sweep file's bases are
// found this way, relative to the sweep's folder.
func File(name string) ([]byte, error) {
	return files.ReadFile(path.Clean(name))
}
