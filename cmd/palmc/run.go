package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"palmc/experiment"
	"palmc/params"
	"palmc/plot"
	"palmc/runfolder"
	"palmc/store"
)

// The files of a run folder.
const (
	resultsFile = runfolder.ResultsFile
	modelFile   = runfolder.ModelFile
	summaryFile = runfolder.SummaryFile
	plotsDir    = runfolder.PlotsDir
)

// defaultCheckpointEvery is the interval of periodic checkpoints.
const defaultCheckpointEvery = 10 * time.Minute

type runFlags struct {
	params          string
	task            string
	compare         string
	out             string
	load            string
	workers         int
	quiet           bool
	shared          bool
	resume          string
	restart         bool
	checkpointEvery time.Duration
	maxMemory       string
	noPlots         bool
	progressJSON    bool
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run --params FILE --task bw_only|fw_bw|classify",
		Short: "Run a task on the networks of a params.json",
		Long: `Run a task on every seed of a params.json and write the run folder.

  bw_only   learn the backward weights; no teacher
  fw_bw     a teacher network gives targets; forward and backward weights learn
  classify  learn to classify a data set (yinyang, mnist, fashion-mnist, bars;
            the params key "dataset"): a validation pass before every
            training epoch, then a validation and a test pass

The run folder (default: the folder of the params file; --out: another one,
which then gets a copy of the params file) receives
  results.npz   every recorded variable, keys "<net>/<var>/<layer>"
  model.npz     the full state of every network after the run, with the params
  summary.json  where the run came from (palmc version, command, times),
                seeds, steps, wall time, final MSE and angles; for classify
                the validation accuracy after every epoch and the test
                accuracy
  plots/        one PNG per recorded variable and layer
A run replaces all of these at once when it ends, never some of them, and
locks the folder while it runs: a second palmc run into it is refused.

Interruptions: SIGINT (Ctrl-C), SIGTERM, SIGHUP or SIGUSR1 — every network
finishes its current step and the run is saved to checkpoint.npz in the
run folder (a second signal stops at once); --resume DIR goes on from there
and gives the results of a run that was never interrupted. Long runs also
save a checkpoint every --checkpoint-every (default 10m), so that a kill,
a crash or a batch system's hard limit loses at most that much. A folder
with an unfinished run is not overwritten by a new one unless --restart.

A network whose state becomes NaN or infinite stops; the others finish, its
results are saved, summary.json marks it and the exit code is 1.

Before it starts, palmc estimates the memory the run needs and refuses a run
that would not fit (--max-memory sets the limit).

Exit codes: 0 done, 1 failed or interrupted, 2 bad usage or params.`,
		Example: `  palmc run --params run01/params.json --task fw_bw
  palmc run --params run01 --task fw_bw                  # the same: DIR/params.json
  palmc run --resume run01
  palmc run --params run01/params.json --task bw_only --compare BP --workers 2
  palmc run --params run01/params.json --task bw_only --load run01/model.npz`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usage("run: %q: palmc run takes no arguments, only flags; a run folder is given with --params %s (a new run) or --resume %s (an unfinished one)", args[0], args[0], args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, f, commandLine(cmd))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.params, "params", "", "params.json to run, or a folder that holds one (required)")
	fl.StringVar(&f.task, "task", "", "task: bw_only, fw_bw or classify (required)")
	fl.StringVar(&f.compare, "compare", "", "compare with a model: BP records the angles to backprop (bw_only: also the\nupdates' angle, angle_dWPP_BP, from replays after training: about twice the steps)")
	fl.StringVar(&f.out, "out", "", "run folder (default: the folder of --params)")
	fl.StringVar(&f.load, "load", "", "redraw the plots of the run folder's saved run from its model.npz, without simulating")
	fl.IntVar(&f.workers, "workers", 0, "networks simulated at once (default: number of cores, at most the number of seeds)")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress output")
	fl.StringVar(&f.resume, "resume", "", "continue the unfinished run of this run folder from its checkpoint.npz")
	fl.BoolVar(&f.restart, "restart", false, "discard the unfinished run (checkpoint.npz) of the run folder and start anew")
	fl.DurationVar(&f.checkpointEvery, "checkpoint-every", defaultCheckpointEvery, "save a checkpoint this often while the run goes on (0: only when stopped)")
	fl.StringVar(&f.maxMemory, "max-memory", "", "memory the run may need, e.g. 64G (default: what is available; 0: no check)")
	fl.BoolVar(&f.noPlots, "no-plots", false, "leave out the plots (palmc plot DIR draws them later)")
	fl.BoolVar(&f.progressJSON, "progress-json", false, "progress as one JSON object per line on standard error, for programs (the Python package)")
	fl.BoolVar(&f.shared, "shared-input", false, "bw_only: seeds share one input, as the published code run in one process\n(its notebooks); default: each seed has its own, as the published runner.py")
	return cmd
}

// runRun carries out palmc run; command is the command line, for the
// provenance.
func runRun(cmd *cobra.Command, f runFlags, command []string) error {
	log := cmd.ErrOrStderr()
	if f.workers < 0 {
		return usage("run: --workers %d: must be positive (0: number of cores)", f.workers)
	}
	if f.checkpointEvery < 0 {
		return usage("run: --checkpoint-every %s: must not be negative (0: off)", f.checkpointEvery)
	}
	maxMem, err := parseMaxMemory(f.maxMemory)
	if err != nil {
		return err
	}
	// Signals are watched from here on, before files are read: a batch
	// system's warning that comes early is not lost.
	sig := startSignals(cmd)
	defer sig.release()
	if f.resume != "" {
		return resumeRun(cmd, f, maxMem, command, sig)
	}
	if f.restart && f.load != "" {
		return usage("run: --restart and --load: --load only redraws plots")
	}
	if f.params == "" {
		return usage("run: --params is required")
	}
	task := params.Task(f.task)
	if f.task == "" {
		return usage("run: --task is required: bw_only, fw_bw or classify")
	}
	if !slices.Contains(params.Tasks(), task) {
		return usage("run: --task %q: must be bw_only, fw_bw or classify", f.task)
	}
	if task == params.Classify && f.shared {
		return usage("run: --shared-input is for bw_only; classify runs on its data set")
	}
	switch f.compare {
	case "", "BP":
	default:
		return usage("run: --compare %q: only BP is supported", f.compare)
	}
	path := f.params
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, runfolder.ParamsFile)
	}
	text, err := params.ReadFile(path)
	if err != nil {
		return usage("run: --params: %v", err)
	}
	p, warnings, err := params.Parse(text, task)
	for _, w := range warnings {
		fmt.Fprintln(log, "palmc: warning:", w)
	}
	if err != nil {
		return usageError{fmt.Errorf("%s: %w", path, err)}
	}
	out := f.out
	if out == "" {
		out = filepath.Dir(path)
	}
	if f.load != "" {
		return loadPlots(cmd, f.load, out, task, command)
	}
	folder, err := openFolder(cmd, out, command)
	if err != nil {
		return err
	}
	defer folder.Close()
	o := runOptions(cmd, f, maxMem, command)
	o.Task, o.Compare, o.SharedInput = task, f.compare == "BP", f.shared
	names, totals := netTotals(p, experiment.Options{Task: task, Compare: f.compare == "BP"})
	return simulate(cmd, folder, f, o, names, totals, learningSteps(p, task), warnings, sig, func(stop, abort context.Context, o runfolder.Options) (*runfolder.Outcome, error) {
		return folder.Start(stop, abort, runfolder.Source{Path: path, Text: text, Params: p, Warnings: warnings}, o)
	})
}

// signals are the contexts that the signals of a run end.
type signals struct {
	stop, abort context.Context
	release     func()
}

func startSignals(cmd *cobra.Command) signals {
	stop, abort, release := withSignals(cmd.ErrOrStderr(), "stopping after the current step and saving a checkpoint")
	return signals{stop, abort, release}
}

// resumeRun continues the unfinished run of a run folder.
func resumeRun(cmd *cobra.Command, f runFlags, maxMem int64, command []string, sig signals) error {
	for _, c := range []struct {
		set  bool
		flag string
	}{{f.params != "", "--params"}, {f.task != "", "--task"}, {f.load != "", "--load"}, {f.out != "", "--out"},
		{f.compare != "", "--compare"}, {f.shared, "--shared-input"}, {f.restart, "--restart"}} {
		if c.set {
			return usage("run: --resume goes on with the params, task and options the run started with; drop %s", c.flag)
		}
	}
	cp, err := store.ReadCheckpointHead(filepath.Join(f.resume, runfolder.CheckpointFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return usage("run: --resume %s: no unfinished run there (no %s)", f.resume, runfolder.CheckpointFile)
		}
		return usage("run: --resume %s: %v", f.resume, err)
	}
	folder, err := openFolder(cmd, f.resume, command)
	if err != nil {
		return err
	}
	defer folder.Close()
	names, totals := netTotals(cp.Params, experiment.Options{Task: cp.Options.Task, Compare: cp.Options.Compare})
	if done, err := cp.Steps(); err == nil && !f.quiet {
		made, all := 0, 0
		for i, n := range names {
			made += done[n]
			if n != "teacher" {
				all += totals[i]
			}
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "palmc: resuming the %s run in %s: %d of %d student steps made (%.0f%%)\n",
			cp.Options.Task, f.resume, made, all, 100*float64(made)/float64(max(all, 1)))
	}
	o := runOptions(cmd, f, maxMem, command)
	return simulate(cmd, folder, f, o, names, totals, learningSteps(cp.Params, cp.Options.Task), runfolder.CheckpointWarnings(cp), sig, func(stop, abort context.Context, o runfolder.Options) (*runfolder.Outcome, error) {
		return folder.Resume(stop, abort, o)
	})
}

func runOptions(cmd *cobra.Command, f runFlags, maxMem int64, command []string) runfolder.Options {
	return runfolder.Options{Workers: f.workers, CheckpointEvery: f.checkpointEvery, Restart: f.restart,
		MaxMemory: maxMem, NoPlots: f.noPlots, Command: command, Log: cmd.ErrOrStderr()}
}

// parseMaxMemory reads --max-memory: "" is what is available (0), "0" no
// check (-1).
func parseMaxMemory(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := runfolder.ParseBytes(s)
	if err != nil {
		return 0, usage("--max-memory: %v", err)
	}
	if b == 0 {
		return -1, nil
	}
	return b, nil
}

// openFolder locks a run folder, with exit code 2 for a folder that cannot
// be one, and says what it finished that a stopped palmc left half done.
func openFolder(cmd *cobra.Command, dir string, command []string) (*runfolder.Folder, error) {
	return openWith(cmd, runfolder.Open, dir, command)
}

// openRunFolder is openFolder for a folder that must hold a run already
// (palmc plot, figure): any other is refused before palmc writes into it.
func openRunFolder(cmd *cobra.Command, dir string, command []string) (*runfolder.Folder, error) {
	return openWith(cmd, runfolder.OpenRun, dir, command)
}

func openWith(cmd *cobra.Command, open func(string, []string) (*runfolder.Folder, error), dir string, command []string) (*runfolder.Folder, error) {
	folder, err := open(dir, command)
	var r *runfolder.Refusal
	if errors.As(err, &r) {
		return nil, usageError{err}
	}
	if err == nil && folder.Recovered != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "palmc: %s: %s\n", dir, folder.Recovered)
	}
	return folder, err
}

// simulate runs start with progress and signals, and reports the outcome.
func simulate(cmd *cobra.Command, folder *runfolder.Folder, f runFlags, o runfolder.Options, names []string, totals []int,
	learning func(name string, n int) int, warnings []string, sig signals, start func(stop, abort context.Context, o runfolder.Options) (*runfolder.Outcome, error)) error {
	log := cmd.ErrOrStderr()
	pr := newProgress(log, f.quiet, names, totals, learning)
	if f.progressJSON && !f.quiet {
		pr = newJSONProgress(log)
	}
	o.Progress = pr.update
	began := time.Now()
	out, err := start(sig.stop, sig.abort, o)
	pr.wait()
	var refusal *runfolder.Refusal
	if errors.As(err, &refusal) {
		return usageError{err}
	}
	if out == nil || out.Result == nil || out.Checkpoint {
		return err
	}
	if !f.quiet && out.Written {
		nets := "networks"
		if len(out.Result.Nets()) == 1 {
			nets = "network"
		}
		fmt.Fprintf(log, "palmc: %d %s in %s; wrote %s, %s, %s and %d plots in %s\n", len(out.Result.Nets()), nets,
			time.Since(began).Round(10*time.Millisecond), resultsFile, modelFile, summaryFile, out.Plots, folder.Dir)
	}
	for _, w := range warnings {
		fmt.Fprintln(log, "palmc: note, as warned at the start:", w)
	}
	return err
}

// netTotals lists the networks of a run in order, teacher first, and the
// steps each makes.
func netTotals(p *params.Params, opts experiment.Options) ([]string, []int) {
	return experiment.NetworksOf(p, opts)
}

// learningSteps counts the steps that learn, for the progress display.
func learningSteps(p *params.Params, task params.Task) func(name string, n int) int {
	return func(name string, n int) int { return experiment.LearningSteps(p, task, name, n) }
}

// loadPlots is --load: it redraws the plots of the run folder's own run.
func loadPlots(cmd *cobra.Command, load, out string, task params.Task, command []string) error {
	if !sameFolder(filepath.Dir(load), out) {
		return usage("--load %s: the plots of a run are drawn in its own folder, and %s is not in %s; use: palmc plot %s", load, load, out, filepath.Dir(load))
	}
	m, err := store.ReadModel(load)
	if err != nil {
		return usage("--load %s: %v", load, err)
	}
	if m.Task != task {
		return usage("--load %q: the saved run is %s, not --task %s", load, m.Task, task)
	}
	return replot(cmd, out, plot.PNG, command)
}

// sameFolder reports whether a and b are the same folder.
func sameFolder(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// replot redraws the plots of a run folder in the given format.
func replot(cmd *cobra.Command, dir string, format plot.Format, command []string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usage("plot: %s is not a palmc run folder", dir)
	}
	folder, err := openRunFolder(cmd, dir, command)
	if err != nil {
		return err
	}
	defer folder.Close()
	stop, _, release := withSignals(cmd.ErrOrStderr(), "stopping; the plots stay as they were")
	defer release()
	n, unfinished, err := folder.Replot(stop, format)
	var refusal *runfolder.Refusal
	if errors.As(err, &refusal) {
		return usageError{err}
	}
	if err != nil {
		if stop.Err() != nil {
			return fmt.Errorf("interrupted: the plots of %s are as they were", dir)
		}
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "palmc: redrew %d plots in %s\n", n, filepath.Join(dir, plotsDir))
	if unfinished {
		fmt.Fprintf(cmd.ErrOrStderr(), "palmc: note: %s also holds an unfinished run (%s); these are the plots of its last finished run\n", dir, runfolder.CheckpointFile)
	}
	return nil
}

func newPlotCmd() *cobra.Command {
	var formatName string
	cmd := &cobra.Command{
		Use:   "plot RUNDIR",
		Short: "Redraw the plots of a run folder from its saved files",
		Long: `Redraw every plot of a run folder from its results.npz and model.npz,
without simulating. The plots replace RUNDIR/plots at once, as PNG pictures
or, with --format svg or pdf, as vector figures.`,
		Example: "  palmc plot run01\n  palmc plot --format pdf run01",
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := plot.ParseFormat(formatName)
			if err != nil {
				return usage("plot: --format %q: png, svg or pdf", formatName)
			}
			return replot(cmd, args[0], format, commandLine(cmd))
		},
	}
	cmd.Flags().StringVar(&formatName, "format", "png", "file format of the plots: png, svg or pdf")
	return cmd
}
