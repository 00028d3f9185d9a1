package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"palmc/experiment"
	"palmc/params"
	"palmc/store"
)

type runFlags struct {
	params  string
	task    string
	compare string
	out     string
	workers int
	quiet   bool
	shared  bool
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run --params FILE --task bw_only|fw_bw",
		Short: "Run a task on the networks of a params.json",
		Long: `Run a task on every seed of a params.json and write the results.

  bw_only  learn the backward weights; no teacher
  fw_bw    a teacher network gives targets; forward and backward weights learn

Results go to DIR/results.npz (default DIR: the folder of the params file),
with keys "<net>/<var>/<layer>" as the published reference recordings.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.params, "params", "", "params.json to run (required)")
	fl.StringVar(&f.task, "task", "", "task: bw_only or fw_bw (required)")
	fl.StringVar(&f.compare, "compare", "", "compare with a model: BP records the angles to backprop")
	fl.StringVar(&f.out, "out", "", "output folder (default: the folder of --params)")
	fl.IntVar(&f.workers, "workers", 0, "seeds simulated at once (default: number of cores)")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress output")
	fl.BoolVar(&f.shared, "shared-input", false, "bw_only: seeds share one input, as the published code run in one process\n(its notebooks); default: each seed has its own, as the published runner.py")
	return cmd
}

func runRun(cmd *cobra.Command, f runFlags) error {
	if f.params == "" {
		return usage("run: --params is required")
	}
	task := params.Task(f.task)
	if task != params.BwOnly && task != params.FwBw {
		return usage("run: --task %q: must be bw_only or fw_bw", f.task)
	}
	compare := false
	switch f.compare {
	case "":
	case "BP":
		compare = true
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
		fmt.Fprintln(cmd.ErrOrStderr(), "palmc: warning:", w)
	}
	out := f.out
	if out == "" {
		out = filepath.Dir(f.params)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return usage("run: --out %q: %v", out, err)
	}
	if err := checkWritable(out); err != nil {
		return usage("run: --out %q: not writable: %v", out, err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	res, err := experiment.Run(ctx, p, experiment.Options{
		Task: task, Compare: compare, Workers: f.workers, SharedInput: f.shared})
	if res == nil {
		return err
	}
	path := filepath.Join(out, "results.npz")
	if werr := store.WriteNPZ(path, store.ResultsEntries(res)); werr != nil {
		return errors.Join(err, werr)
	}
	if !f.quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "palmc: wrote %s (%d networks) in %.1fs\n", path, len(res.Nets()), time.Since(start).Seconds())
	}
	return err
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".palmc-write-test*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
