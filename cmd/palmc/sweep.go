package main

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"palmc/experiments"
	"palmc/runfolder"
	"palmc/sweep"
)

func newSweepCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep init|run|status|gather|slurm|cell",
		Short: "Run a study: seeds × parameter grids, here or on Slurm",
		Long: `A sweep runs one params file for every point of a grid of params values and
every seed: each (variant, grid point, seed) is a cell, a run folder of its
own with one seed. The sweep file (JSON) says what to vary:

  {"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP"],
   "grid": {"eta_bw": [[5], [20]]}, "seeds": [123, 456]}

  base      the params file the cells start from (its path relative to the
            sweep file), or a params object {...}
  task      bw_only, fw_bw or classify
  flags     palmc run flags for every cell: --compare BP, --shared-input,
            --checkpoint-every D, --max-memory SIZE, --no-plots
  grid      params key -> list of values; the cells are the product of all
            axes (a list-valued key takes a list of lists)
  variants  optional: [{"name": "slow", "params": {"Tpres": 10, "tauxi": 1}},
            …]: sets of keys that change together; each variant is crossed
            with the grid (a variant may also give its own "base")
  seeds     the seeds; one cell per seed

  palmc sweep init SWEEP.json DIR   expand it into DIR (cells/, index.json)
  palmc sweep run DIR               run the cells not done, here
  palmc sweep slurm DIR --submit    run them as a Slurm job array
  palmc sweep status DIR            a table of the cells
  palmc sweep gather DIR            DIR/sweep.csv, DIR/summary.json, DIR/plots/

A cell's results are those of palmc run on the cell's folder.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newSweepInitCmd(), newSweepRunCmd(), newSweepCellCmd(), newSweepStatusCmd(), newSweepGatherCmd(), newSweepSlurmCmd())
	return cmd
}

// sweepErr gives errors of the sweep package their exit code: refusals
// (bad sweep files, folders edited by hand, bad flags) are usage errors.
func sweepErr(err error) error {
	var r *sweep.Refusal
	var rr *runfolder.Refusal
	if errors.As(err, &r) || errors.As(err, &rr) {
		return usageError{err}
	}
	return err
}

func newSweepInitCmd() *cobra.Command {
	var experiment string
	cmd := &cobra.Command{
		Use:   "init SWEEP.json DIR | init --experiment NAME DIR",
		Short: "Expand a sweep file into a sweep folder: one run folder per cell",
		Long: `Expand a sweep file into DIR: DIR/sweep.json (the sweep file with its bases
written inline), DIR/index.json (the cells: variant, grid values, seed,
folder) and one run folder DIR/cells/NNN-…/ per cell with its complete
params.json (one seed). A bad sweep file — an unknown key, a value that makes
the params invalid or that palmc run would refuse before its first step (the
data set is loaded and checked), an empty axis, duplicate cells (also cells
that differ only in keys their task does not read) — is refused before
anything is written (exit code 2).

DIR must not exist or be empty. If DIR holds the same sweep already, init
writes again the cell folders that are missing, or miss their params.json
(they then run from the start), and touches nothing else; if DIR lost its
index.json, init writes it again once DIR's sweep.json (or, without it, its
cell folders) show that DIR holds this sweep. Ctrl-C stops init:
a new sweep folder is then not made at all.

--experiment NAME takes a sweep file that comes with palmc: fig6 (the paper's
Fig. 6: 3 noise time scales × with and without prospective voltages × 10
seeds).`,
		Example: `  palmc sweep init study.json study
  palmc sweep init --experiment fig6 fig6`,
		Args: usageArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var f *sweep.File
			var err error
			dir := args[len(args)-1]
			switch {
			case experiment != "" && len(args) == 1:
				text, rerr := experiments.Sweep(experiment)
				if rerr != nil {
					return usage("sweep init: --experiment %q: unknown; the sweeps that come with palmc: %s", experiment, strings.Join(experiments.Sweeps(), ", "))
				}
				f, err = sweep.Parse(text, "experiment "+experiment, func(p string) ([]byte, error) {
					return experiments.File(path.Join(experiment, p))
				})
			case experiment == "" && len(args) == 2:
				f, err = sweep.Load(args[0])
			default:
				return usage("sweep init: give SWEEP.json DIR, or --experiment NAME DIR")
			}
			if err != nil {
				return sweepErr(err)
			}
			for _, r := range f.Resolved {
				fmt.Fprintln(cmd.ErrOrStderr(), "palmc: note:", r)
			}
			stop, _, release := withSignals(cmd.ErrOrStderr(), "stopping; what this init wrote goes")
			defer release()
			rep, err := sweep.InitContext(stop, f, dir, commandLine(cmd))
			if rep != nil {
				for _, w := range rep.Warnings {
					fmt.Fprintln(cmd.ErrOrStderr(), "palmc: warning:", w)
				}
			}
			if err != nil {
				return sweepErr(err)
			}
			log := cmd.ErrOrStderr()
			if rep.IndexRestored {
				fmt.Fprintf(log, "palmc: %s had lost its %s; wrote it again\n", dir, sweep.IndexFile)
			}
			switch {
			case rep.Existing && len(rep.Repaired) == 0:
				fmt.Fprintf(log, "palmc: %s holds this sweep already (%d cells); nothing to write\n", dir, len(rep.Cells))
			case rep.Existing:
				fmt.Fprintf(log, "palmc: %s holds this sweep; wrote again %d missing cell folders: %s\n", dir, len(rep.Repaired), strings.Join(rep.Repaired, ", "))
			default:
				fmt.Fprintf(log, "palmc: wrote %d cells into %s (task %s); next: palmc sweep run %s, or palmc sweep slurm %s --submit\n",
					len(rep.Cells), dir, f.Task, dir, dir)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&experiment, "experiment", "", "a sweep that comes with palmc (fig6) instead of SWEEP.json")
	return cmd
}

func newSweepRunCmd() *cobra.Command {
	var workers int
	var cells string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "run DIR [--workers N] [--cells LIST]",
		Short: "Run the cells of a sweep that are not done, on this machine",
		Long: `Run every cell of the sweep folder DIR that is not done, --workers cells at
once (default: one per core), each through its run folder as palmc run does
(one seed per cell, so the results are those of palmc run on the cell's
folder). One progress display shows the whole sweep: cells done, running,
failed, and the time left. The cells that run at once fit together in the
memory available when the run starts: fewer than --workers run at once when
they would not (palmc says so), and cells that need more memory than they
may have are refused before any runs, as palmc run refuses them.

Ctrl-C (or SIGTERM, SIGHUP, SIGUSR1) saves the running cells to their
checkpoints (again: stop at once); palmc sweep run DIR again resumes them and
skips the cells that are done. Cells also save a checkpoint every
--checkpoint-every of the sweep file's flags (default 10m), so a kill loses
at most that much.

Only one palmc sweep run may use a sweep folder at a time; a folder whose
cell folders were removed or whose params.json files were edited is refused
until it is repaired (see palmc sweep init).

Exit codes: 0 every cell done, 1 a cell failed, a cell's network diverged
(as with palmc run: its results are saved and the cell is done; the message
and palmc sweep status name it) or the run was interrupted, 2 bad usage or
a sweep folder edited by hand.`,
		Example: `  palmc sweep run study
  palmc sweep run study --workers 2 --cells 0-9,12`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if workers < 0 {
				return usage("sweep run: --workers %d: must be positive (0: one per core)", workers)
			}
			s, err := sweep.Open(args[0])
			if err != nil {
				return sweepErr(err)
			}
			var list []int
			if cells != "" {
				if list, err = parseCellList(cells, len(s.Index.Cells)); err != nil {
					return usage("sweep run: --cells %q: %v", cells, err)
				}
			}
			log := cmd.ErrOrStderr()
			stop, abort, release := withSignals(log, "stopping the running cells after their current step and saving their checkpoints")
			defer release()
			rep, err := s.Run(stop, abort, sweep.RunOptions{Workers: workers, Cells: list, Command: commandLine(cmd),
				Log: log, Quiet: quiet, Terminal: isTerminal(log)})
			if err != nil {
				return sweepErr(err)
			}
			if !quiet {
				fmt.Fprintf(log, "palmc: ran %d cells, %d done before; next: palmc sweep gather %s\n", rep.Ran, len(rep.Skipped), args[0])
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&workers, "workers", 0, "cells run at once (default: number of cores)")
	cmd.Flags().StringVar(&cells, "cells", "", "run only these cells: numbers and ranges, e.g. 0-9,12 (palmc sweep status lists them)")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress output")
	return cmd
}

// parseCellList reads "0-9,12" into cell numbers below n.
func parseCellList(s string, n int) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b < a {
			return nil, fmt.Errorf("%q is not a cell number or a range such as 3-7", part)
		}
		if b >= n {
			return nil, fmt.Errorf("cell %d: the sweep has cells 0 to %d", b, n-1)
		}
		for i := a; i <= b; i++ {
			if !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	}
	return out, nil
}

func newSweepStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status DIR",
		Short: "Show the cells of a sweep: grid values, seed, state, wall time",
		Long: `Print a table of the cells of the sweep folder DIR: number, variant, grid
values, seed, state and wall time (and the Slurm job that ran it last), then
the count of cells per state.

States: pending (not run yet), running (a palmc holds its folder), done
(results written; a note names a network that diverged), interrupted (a
checkpoint waits: palmc sweep run or a requeued Slurm task resumes it),
failed (the note says why; it runs again with the cells not done), and the
faults of a folder edited by hand: missing (the cell's folder was removed)
and changed (its params.json was edited, or its results are not its own:
another cell's, or a palmc run by hand with other options).`,
		Example: "  palmc sweep status study",
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := sweep.Open(args[0])
			if err != nil {
				return sweepErr(err)
			}
			return s.WriteStatus(cmd.OutOrStdout())
		},
	}
}

func newSweepGatherCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "gather DIR",
		Short: "Collect a sweep's results: sweep.csv, summary.json, plots/",
		Long: `Collect the results of the sweep folder DIR:

  sweep.csv     one row per cell: cell, dir, variant, the grid values (a
                list of numbers also one column per entry: eta_bw_0, …), seed,
                state, status (of its network: ok, diverged, …),
                wall_seconds, and the final metrics: final_mse (fw_bw),
                val_accuracy and test_accuracy (classify), and with
                --compare BP final_angle_WPPT_BPP_<k>, final_angle_BPP_RHS_<k>,
                final_angle_jacobians_BP_<k> per hidden layer k (degrees);
                bw_only adds final_angle_dWPP_BP_<j> per pyramidal layer j
  summary.json  per grid point: the cells, their states, and mean ± std
                over seeds of every metric and of the wall time
  plots/        every metric against every grid axis (and the variants),
                mean ± std over seeds, one line per combination of the
                other axes (log axes for values that span a decade; the
                variants as points, not joined); learning curves per grid
                point (curve_*.png)

Cells that are not done get a row with their state and no metrics. The three
outputs replace those of the previous gather together, so a full disk or an
interruption leaves the previous ones whole.

sweep.csv opens in pandas (pandas.read_csv) and numpy
(numpy.genfromtxt(path, delimiter=",", names=True, dtype=None,
encoding="utf-8")): lists are written as [5 20], non-finite numbers as nan
and inf; text that starts with =, +, - or @ gets a ' in front (no formula in
a spreadsheet). Only text with a comma, a quote or a line break is quoted,
as CSV does, which numpy does not read.`,
		Example: "  palmc sweep gather study",
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := sweep.Open(args[0])
			if err != nil {
				return sweepErr(err)
			}
			stop, _, release := withSignals(cmd.ErrOrStderr(), "stopping; the gathered files stay as they were")
			defer release()
			rep, err := s.Gather(stop, commandLine(cmd))
			if err != nil {
				return sweepErr(err)
			}
			var parts []string
			for _, st := range []sweep.State{sweep.Done, sweep.Running, sweep.Interrupted, sweep.Failed, sweep.Pending, sweep.Missing, sweep.Changed} {
				if n := rep.States[st]; n > 0 {
					parts = append(parts, fmt.Sprintf("%d %s", n, st))
				}
			}
			log := cmd.ErrOrStderr()
			fmt.Fprintf(log, "palmc: wrote %s (%d cells: %s), %s and %d plots in %s\n", filepath.Join(args[0], sweep.CSVFile),
				len(rep.Table.Rows), strings.Join(parts, ", "), filepath.Join(args[0], sweep.SummaryFile), rep.Plots, filepath.Join(args[0], sweep.PlotsDir))
			for _, e := range rep.Table.Extra {
				fmt.Fprintf(log, "palmc: note: %s is no cell of this sweep; not gathered\n", e)
			}
			if rep.PlotErr != nil {
				return fmt.Errorf("some plots could not be drawn (sweep.csv and summary.json are written): %w", rep.PlotErr)
			}
			return nil
		},
	}
}
