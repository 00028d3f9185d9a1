package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"palmc/compare"
	"palmc/experiment"
	"palmc/params"
	"palmc/plot"
	"palmc/store"
)

// The files of a run folder.
const (
	resultsFile = "results.npz"
	modelFile   = "model.npz"
	summaryFile = "summary.json"
	plotsDir    = "plots"
)

// summary is summary.json: what ran, how long it took and where it ended.
type summary struct {
	Task        string       `json:"task"`
	Model       string       `json:"model_type"`
	Layers      []int        `json:"layers"`
	Compare     string       `json:"compare,omitempty"`
	Epochs      int          `json:"epochs"`
	WallSeconds float64      `json:"wall_seconds"`
	Workers     int          `json:"workers"`
	Networks    []netSummary `json:"networks"`
}

type netSummary struct {
	Name        string  `json:"name"`
	Seed        int64   `json:"seed"`
	Steps       int     `json:"steps"`
	WallSeconds float64 `json:"wall_seconds"`
	Status      string  `json:"status"`
	Error       string  `json:"error,omitempty"`
	// FinalMSE is the last recorded MSE (rec_MSE, fw_bw students).
	FinalMSE *float64 `json:"final_mse,omitempty"`
	// FinalAngles holds the last recorded angle to backprop per hidden
	// layer, in degrees (--compare BP).
	FinalAngles map[string][]float64 `json:"final_angles,omitempty"`
}

func newSummary(res *experiment.Result, compareWith string, wall time.Duration, workers int) summary {
	p := res.Params
	s := summary{Task: string(res.Task), Model: p.ModelType, Layers: p.Layers, Compare: compareWith,
		Epochs: p.Epochs, WallSeconds: wall.Seconds(), Workers: workers}
	for _, net := range res.Nets() {
		ns := netSummary{Name: net.Name, Seed: net.Seed, Steps: net.Steps, WallSeconds: net.Wall.Seconds(), Status: "ok"}
		var div *experiment.DivergedError
		switch {
		case errors.As(net.Err, &div):
			ns.Status, ns.Error = "diverged", net.Err.Error()
		case net.Err != nil:
			ns.Status, ns.Error = "failed", net.Err.Error()
		}
		if r := net.Recorder; r != nil {
			if m := r.Get("MSE"); m != nil && m.Len() > 0 {
				v := m.At(m.Len() - 1)[0]
				ns.FinalMSE = &v
			}
			for _, name := range compare.Names {
				for k := 0; k < p.H(); k++ {
					a := r.Get(fmt.Sprintf("%s/%d", name, k))
					if a == nil || a.Len() == 0 {
						continue
					}
					if ns.FinalAngles == nil {
						ns.FinalAngles = map[string][]float64{}
					}
					ns.FinalAngles[name] = append(ns.FinalAngles[name], a.At(a.Len() - 1)[0])
				}
			}
		}
		s.Networks = append(s.Networks, ns)
	}
	return s
}

// writeRunFolder writes results, model, summary and plots of a run into dir.
func writeRunFolder(dir string, res *experiment.Result, sum summary, log io.Writer) error {
	entries := store.ResultsEntries(res)
	if err := store.WriteNPZ(filepath.Join(dir, resultsFile), entries); err != nil {
		return err
	}
	if err := store.WriteModel(filepath.Join(dir, modelFile), res); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, summaryFile), sum); err != nil {
		return err
	}
	files, err := drawPlots(recorded(entries), res.Params, filepath.Join(dir, plotsDir), plot.PNG)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "palmc: wrote %s, %s, %s and %d plots in %s\n", resultsFile, modelFile, summaryFile, len(files), filepath.Join(dir, plotsDir))
	return nil
}

// recorded returns the recorded series of a run's entries, leaving out
// what the plots do not use (stimulus, final state, target sequence).
func recorded(entries []store.Entry) map[string]store.Array {
	var keep []store.Entry
	for _, e := range entries {
		if k := e.Key; strings.HasSuffix(k, "/stimulus") || strings.HasSuffix(k, "/target_sequence") || strings.Contains(k, "/final_") {
			continue
		}
		keep = append(keep, e)
	}
	return store.Arrays(keep)
}

// drawPlots draws every plot of the recorded arrays into dir.
func drawPlots(arrays map[string]store.Array, p *params.Params, dir string, format plot.Format) ([]string, error) {
	run := plot.Run{
		Arrays:         arrays,
		Dt:             p.Dt,
		RecPerSteps:    p.RecPerSteps,
		SettlingSteps:  p.SettlingSteps(),
		StepsPerSample: p.StepsPerSample(),
		EpochSteps:     p.DatasetSize * p.StepsPerSample(),
	}
	if p.UsesNoise() && p.NoiseMode == params.ModeUPAdaptive {
		run.Adaptive, run.NoiseDeg = true, p.NoiseDeg
	}
	run.Skip = p.BwConnectionMode == params.ConnSkip
	return plot.All(run, dir, format)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return store.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}
