package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"palmc/experiment"
	"palmc/params"
	"palmc/plot"
	"palmc/store"
)

type runFlags struct {
	params  string
	task    string
	compare string
	out     string
	load    string
	workers int
	quiet   bool
	shared  bool
	resume  string
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run --params FILE --task bw_only|fw_bw",
		Short: "Run a task on the networks of a params.json",
		Long: `Run a task on every seed of a params.json and write the run folder.

  bw_only  learn the backward weights; no teacher
  fw_bw    a teacher network gives targets; forward and backward weights learn

The run folder (default: the folder of the params file) receives
  results.npz   every recorded variable, keys "<net>/<var>/<layer>"
  model.npz     the full state of every network after the run, with the params
  summary.json  seeds, steps, wall time, final MSE and angles
  plots/        one PNG per recorded variable and layer

With --load, the plots are redrawn from a saved run without simulating.

On SIGINT or SIGTERM every network finishes its current step, the run is
saved to checkpoint.npz in the run folder and palmc exits; --resume DIR goes
on from there and gives the results of a run that was never interrupted.
A network whose state becomes NaN or infinite stops; the others finish, its
results are saved, summary.json marks it and the exit code is 1.`,
		Example: `  palmc run --params run01/params.json --task fw_bw
  palmc run --resume run01
  palmc run --params run01/params.json --task bw_only --compare BP --workers 2
  palmc run --params run01/params.json --task bw_only --load run01/model.npz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.params, "params", "", "params.json to run (required)")
	fl.StringVar(&f.task, "task", "", "task: bw_only or fw_bw (required)")
	fl.StringVar(&f.compare, "compare", "", "compare with a model: BP records the angles to backprop")
	fl.StringVar(&f.out, "out", "", "run folder (default: the folder of --params)")
	fl.StringVar(&f.load, "load", "", "redraw the plots of a saved run from its model.npz, without simulating")
	fl.IntVar(&f.workers, "workers", 0, "seeds simulated at once (default: number of cores)")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress output")
	fl.StringVar(&f.resume, "resume", "", "continue the interrupted run of this run folder from its checkpoint.npz")
	fl.BoolVar(&f.shared, "shared-input", false, "bw_only: seeds share one input, as the published code run in one process\n(its notebooks); default: each seed has its own, as the published runner.py")
	return cmd
}

func runRun(cmd *cobra.Command, f runFlags) error {
	log := cmd.ErrOrStderr()
	if f.resume != "" {
		return resumeRun(cmd, f)
	}
	if f.params == "" {
		return usage("run: --params is required")
	}
	task := params.Task(f.task)
	if f.task == "" {
		return usage("run: --task is required: bw_only or fw_bw")
	}
	if task != params.BwOnly && task != params.FwBw {
		return usage("run: --task %q: must be bw_only or fw_bw", f.task)
	}
	switch f.compare {
	case "", "BP":
	default:
		return usage("run: --compare %q: only BP is supported", f.compare)
	}
	if f.workers < 0 {
		return usage("run: --workers %d: must be positive (0: number of cores)", f.workers)
	}
	p, warnings, err := params.Load(f.params, task)
	if err != nil {
		return usageError{err}
	}
	for _, w := range warnings {
		fmt.Fprintln(log, "palmc: warning:", w)
	}
	out := f.out
	if out == "" {
		out = filepath.Dir(f.params)
	}
	if err := prepareOut(out); err != nil {
		return err
	}
	if f.load != "" {
		return replot(f.load, out, task, plot.PNG, log)
	}
	ro := store.RunOptions{Task: task, Compare: f.compare == "BP", SharedInput: f.shared}
	return simulate(cmd, p, ro, f, out, nil)
}

// resumeRun continues the interrupted run of a run folder.
func resumeRun(cmd *cobra.Command, f runFlags) error {
	if f.params != "" || f.task != "" || f.load != "" {
		return usage("run: --resume takes the params, task and options from the checkpoint; drop --params, --task and --load")
	}
	path := filepath.Join(f.resume, store.CheckpointFile)
	cp, err := store.ReadCheckpoint(path)
	if err != nil {
		return usage("run: --resume %q: %v", f.resume, err)
	}
	if err := prepareOut(f.resume); err != nil {
		return err
	}
	if err := simulate(cmd, cp.Params, cp.Options, f, f.resume, cp.Restore); err != nil {
		return err
	}
	return os.Remove(path)
}

// simulate runs p and writes the run folder, or a checkpoint when
// interrupted.
func simulate(cmd *cobra.Command, p *params.Params, ro store.RunOptions, f runFlags, out string, restore func(*experiment.Net) error) error {
	log := cmd.ErrOrStderr()
	workers := f.workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	names := netNames(p, ro.Task)
	totals := make([]int, len(names))
	for i, n := range names {
		totals[i] = p.SettlingSteps() + p.Epochs*p.DatasetSize*p.StepsPerSample()
		if n == "teacher" {
			totals[i] = p.SettlingSteps() + p.DatasetSize*p.StepsPerSample()
		}
	}
	pr := newProgress(log, f.quiet, names, totals)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	res, err := experiment.Run(ctx, p, experiment.Options{
		Task: ro.Task, Compare: ro.Compare, Workers: workers, SharedInput: ro.SharedInput,
		Progress: pr.update, Restore: restore,
	})
	pr.wait()
	if res == nil {
		return err
	}
	if errors.Is(err, experiment.ErrInterrupted) {
		path := filepath.Join(out, store.CheckpointFile)
		if werr := store.WriteCheckpoint(path, res, ro); werr != nil {
			return fmt.Errorf("interrupted, and the checkpoint could not be written: %w", werr)
		}
		return fmt.Errorf("interrupted; saved %s, continue with: palmc run --resume %s", path, out)
	}
	wall := time.Since(start)
	compareWith := ""
	if ro.Compare {
		compareWith = "BP"
	}
	if werr := writeRunFolder(out, res, newSummary(res, compareWith, wall, workers), log); werr != nil {
		return errors.Join(err, werr)
	}
	if !f.quiet {
		fmt.Fprintf(log, "palmc: %d networks done in %s\n", len(res.Nets()), wall.Round(10*time.Millisecond))
	}
	if err != nil {
		return fmt.Errorf("%w (the results of every network are saved; summary.json marks the failed ones)", err)
	}
	return nil
}

// netNames lists the networks of a run in order, teacher first.
func netNames(p *params.Params, task params.Task) []string {
	var names []string
	if task == params.FwBw {
		names = append(names, "teacher")
	}
	for _, s := range p.RandomSeed {
		names = append(names, fmt.Sprintf("seed%d", s))
	}
	return names
}

// prepareOut makes the run folder and checks that it can be written.
func prepareOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usage("--out %q: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".palmc-write-test*")
	if err != nil {
		return usage("--out %q: not writable: %v", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// replot redraws the plots of the run whose model file is given, reading
// the results.npz beside it, into out/plots in the given format.
func replot(modelPath, out string, task params.Task, format plot.Format, log io.Writer) error {
	m, err := store.ReadModel(modelPath)
	if err != nil {
		return usage("%s: %v", modelPath, err)
	}
	if task != "" && m.Task != task {
		return usage("--load %q: the saved run is %s, not --task %s", modelPath, m.Task, task)
	}
	resultsPath := filepath.Join(filepath.Dir(modelPath), resultsFile)
	arrays, err := store.ReadRecorded(resultsPath)
	if err != nil {
		return fmt.Errorf("--load: reading %s: %w", resultsPath, err)
	}
	files, err := drawPlots(arrays, m.Params, filepath.Join(out, plotsDir), format)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "palmc: redrew %d plots of %s in %s\n", len(files), modelPath, filepath.Join(out, plotsDir))
	return nil
}

func newPlotCmd() *cobra.Command {
	var formatName string
	cmd := &cobra.Command{
		Use:   "plot RUNDIR",
		Short: "Redraw the plots of a run folder from its saved files",
		Long: `Redraw every plot of a run folder from its results.npz and model.npz,
without simulating. The plots go to RUNDIR/plots, as PNG pictures or, with
--format svg or pdf, as vector figures.`,
		Example: "  palmc plot run01\n  palmc plot --format pdf run01",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := plot.ParseFormat(formatName)
			if err != nil {
				return usage("plot: --format %q: png, svg or pdf", formatName)
			}
			dir := args[0]
			if _, err := os.Stat(filepath.Join(dir, modelFile)); err != nil {
				return usage("plot: %s is not a palmc run folder (no %s): %v", dir, modelFile, err)
			}
			if err := prepareOut(dir); err != nil {
				return err
			}
			return replot(filepath.Join(dir, modelFile), dir, "", format, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&formatName, "format", "png", "file format of the plots: png, svg or pdf")
	return cmd
}
