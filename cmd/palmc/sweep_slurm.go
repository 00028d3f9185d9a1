package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"palmc/sweep"
)

// The Slurm side of palmc sweep: the scripts, and the command their tasks
// run.

func newSweepSlurmCmd() *cobra.Command {
	var o sweep.SlurmOptions
	cmd := &cobra.Command{
		Use:   "slurm DIR [--time HH:MM:SS] [--mem M] [--submit]",
		Short: "Write (and submit) a Slurm job array that runs a sweep's cells",
		Long: `Write DIR/slurm/array.sbatch, a Slurm job array whose task T runs cell T (or,
with --block B, cells T·B to T·B+B-1) with palmc sweep cell, and
DIR/slurm/gather.sbatch, which runs palmc sweep gather. With --submit, submit
both with sbatch — the gather job with --dependency=afterany on the array — and
print the job ids. The array holds only the cells that are not done: submit
again after a failure, and only those run again (cells running, or still
queued by an earlier array, are left out).

Long cells survive the time limit and preemption: the array asks Slurm for
SIGUSR1 --signal-before its time limit (#SBATCH --signal=B:USR1@…); palmc
then saves the running cell's checkpoint and requeues the task (#SBATCH
--requeue), which resumes where it stopped. Cells also save a checkpoint
every --checkpoint-every of the sweep file's flags (default 10m), so a node
failure or a hard kill loses at most that much. To checkpoint and requeue a
task by hand: scancel --batch --signal=USR1 JOBID_TASK.

The scripts run the palmc that wrote them, by its absolute path (--palmc
names another), so compute nodes need nothing on their PATH; the sweep folder
must be on a file system that the compute nodes share. Logs go to
DIR/slurm/logs/task-<T>.log and gather.log.

Every path and value in the scripts is quoted as the shell and sbatch read
it. Options that Slurm would refuse or misread are refused (exit code 2), and
so is a --mem below what a cell needs; a warning says when the array's task
ids exceed Slurm's default MaxArraySize (1001): then use --block.

Without Slurm on this machine, --submit fails with a message; the scripts
are written all the same.`,
		Example: `  palmc sweep slurm study --time 02:00:00 --mem 2G --submit
  palmc sweep slurm study --partition gpu --max-parallel 20 --sbatch-arg=--account=lab --submit
  palmc sweep slurm study --block 10        # write the scripts only: 10 cells per task`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.CPUsPerTask < 1:
				return usage("sweep slurm: --cpus-per-task %d: at least 1", o.CPUsPerTask)
			case o.MaxParallel < 0:
				return usage("sweep slurm: --max-parallel %d: must not be negative (0: no bound)", o.MaxParallel)
			case o.Block < 1:
				return usage("sweep slurm: --block %d: at least 1", o.Block)
			case cmd.Flags().Changed("signal-before") && o.SignalBefore < time.Second:
				return usage("sweep slurm: --signal-before %s: at least 1s (Slurm signals whole seconds before the time limit)", o.SignalBefore)
			}
			if o.Palmc == "" {
				exe, err := os.Executable()
				if err != nil {
					return fmt.Errorf("sweep slurm: where is this palmc? %v (name one with --palmc)", err)
				}
				if o.Palmc, err = filepath.EvalSymlinks(exe); err != nil {
					return fmt.Errorf("sweep slurm: %v (name palmc with --palmc)", err)
				}
				if strings.Contains(o.Palmc, string(filepath.Separator)+"go-build") {
					fmt.Fprintf(cmd.ErrOrStderr(), "palmc: warning: this palmc (%s) is a temporary build of go run, which go removes; the scripts name it: install palmc (go install ./cmd/palmc) or name it with --palmc\n", o.Palmc)
				}
			} else if abs, err := filepath.Abs(o.Palmc); err == nil {
				o.Palmc = abs
			}
			s, err := sweep.Open(args[0])
			if err != nil {
				return sweepErr(err)
			}
			rep, err := s.Slurm(o)
			log := cmd.ErrOrStderr()
			if rep != nil {
				for _, w := range rep.Warnings {
					fmt.Fprintf(log, "palmc: warning: %s\n", w)
				}
				for _, f := range rep.Failed {
					fmt.Fprintf(log, "palmc: failed before, runs again: %s\n", f)
				}
				for _, l := range rep.Left {
					fmt.Fprintf(log, "palmc: left out: %s\n", l)
				}
				if len(rep.Tasks) == 0 {
					fmt.Fprintf(log, "palmc: wrote %s (no cell to run: it covers every cell, and its tasks would skip the done ones) and %s\n", rep.Array, rep.Gather)
				} else {
					fmt.Fprintf(log, "palmc: wrote %s (%d tasks, %d cells) and %s\n", rep.Array, len(rep.Tasks), rep.Cells, rep.Gather)
				}
			}
			if err != nil {
				return sweepErr(err)
			}
			switch {
			case !o.Submit:
				fmt.Fprintf(log, "palmc: submit with: palmc sweep slurm %s --submit\n", args[0])
			case rep.ArrayJob != "":
				fmt.Fprintf(cmd.OutOrStdout(), "array job %s\ngather job %s\n", rep.ArrayJob, rep.GatherJob)
			case rep.GatherJob != "":
				fmt.Fprintf(log, "palmc: every cell is done; submitted only the gather job\n")
				fmt.Fprintf(cmd.OutOrStdout(), "gather job %s\n", rep.GatherJob)
			default:
				fmt.Fprintf(log, "palmc: nothing to submit: the cells not done are running or queued\n")
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Partition, "partition", "", "Slurm partition")
	fl.StringVar(&o.Time, "time", "", "time limit per task, HH:MM:SS or D-HH:MM:SS (default: the partition's)")
	fl.StringVar(&o.Mem, "mem", "", "memory per task, e.g. 4G (default: the partition's)")
	fl.IntVar(&o.CPUsPerTask, "cpus-per-task", 1, "CPUs per task (a cell simulates on one)")
	fl.IntVar(&o.MaxParallel, "max-parallel", 0, "tasks that run at once (--array=…%K; default: no bound)")
	fl.StringArrayVar(&o.SbatchArgs, "sbatch-arg", nil, "an extra #SBATCH line, e.g. --sbatch-arg=--account=lab (repeatable)")
	fl.IntVar(&o.Block, "block", 1, "cells per array task, run one after the other")
	fl.DurationVar(&o.SignalBefore, "signal-before", 0, "SIGUSR1 this long before the time limit, at least 1s (default 5m, at most a quarter of --time)")
	fl.StringVar(&o.Palmc, "palmc", "", "the palmc binary the scripts run (default: this one)")
	fl.BoolVar(&o.Submit, "submit", false, "submit the scripts with sbatch and print the job ids")
	return cmd
}

func newSweepCellCmd() *cobra.Command {
	var block int
	var quiet, requeue bool
	cmd := &cobra.Command{
		Use:   "cell DIR TASK [--block B] [--requeue]",
		Short: "Run one task of a sweep's Slurm array: a cell, or a block of cells",
		Long: `Run the cells of task TASK of the sweep folder DIR: with --block B (default
1), cells TASK·B to TASK·B+B-1, one after the other. Cells that are done are
skipped, cells with a checkpoint are resumed. This is what the Slurm array of
palmc sweep slurm runs (TASK is $SLURM_ARRAY_TASK_ID), and it works by hand
too: palmc sweep cell DIR 3 runs cell 3.

A signal (SIGINT, SIGTERM, SIGHUP, SIGUSR1) saves the running cell to its
checkpoint. With --requeue, inside a Slurm job, SIGUSR1 — the warning the
array asks for before its time limit (#SBATCH --signal), or scancel --batch
--signal=USR1 — also requeues the job (scontrol requeue), which then
resumes where it stopped.

Exit codes: 0 every cell done (or requeued), 1 a cell failed, was
interrupted, or its network diverged (as with palmc run: the results are
saved and the cell is done), 2 bad usage or a cell that cannot run as it
is (edited by hand, or refused as palmc run refuses it, e.g. for its
memory).`,
		Example: `  palmc sweep cell study 3
  palmc sweep cell study "$SLURM_ARRAY_TASK_ID" --block 4 --requeue`,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			task, err := strconv.Atoi(args[1])
			if err != nil || task < 0 {
				return usage("sweep cell: TASK %q: want a task number (0, 1, …)", args[1])
			}
			if block < 1 {
				return usage("sweep cell: --block %d: must be at least 1", block)
			}
			s, err := sweep.Open(args[0])
			if err != nil {
				return sweepErr(err)
			}
			log := cmd.ErrOrStderr()
			stop, abort, first, release := watchSignals(log, "stopping after the current step and saving the checkpoint")
			defer release()
			rep, err := s.RunTask(stop, abort, task, sweep.TaskOptions{Block: block, Command: commandLine(cmd), Log: log, Quiet: quiet})
			if rep != nil && rep.Failed == 0 && rep.Interrupted > 0 && requeue && first() == syscall.SIGUSR1 {
				if id := os.Getenv("SLURM_JOB_ID"); id != "" {
					if rerr := sweep.Requeue(id); rerr != nil {
						return fmt.Errorf("%v; and requeueing failed: %v", err, rerr)
					}
					fmt.Fprintf(log, "palmc: checkpoint saved; Slurm job %s requeued: it resumes when it starts again\n", id)
					return nil
				}
			}
			return sweepErr(err)
		},
	}
	cmd.Flags().IntVar(&block, "block", 1, "cells per task")
	cmd.Flags().BoolVar(&requeue, "requeue", false, "in a Slurm job, requeue it after SIGUSR1 has saved the checkpoint")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress output")
	return cmd
}
