package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"palmc/experiments"
	"palmc/params"
	"palmc/store"
)

func newExampleCmd() *cobra.Command {
	var quiet, restart bool
	var workers int
	cmd := &cobra.Command{
		Use:   "example [DIR]",
		Short: "Run the built-in example into a run folder (default palmc-example)",
		Long: `Write the built-in example's params.json into DIR (default palmc-example) and
run it: PAL learns the backward weights of the paper's Fig. 3a-c network
(three seeds, 50 epochs, a few seconds), compared with backprop. Then look at
DIR/plots, DIR/summary.json and DIR/results.npz.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "palmc-example"
			if len(args) == 1 {
				dir = args[0]
			}
			b, err := experiments.Params(experiments.Example)
			if err != nil {
				return err
			}
			path := filepath.Join(dir, "params.json")
			if err := writeNew(path, b, false, ""); err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "palmc: %s holds the example's params; running: palmc run --params %s --task bw_only --compare BP\n", path, path)
			}
			err = runRun(cmd, runFlags{params: path, task: string(params.BwOnly), compare: "BP", workers: workers, quiet: quiet,
				restart: restart, checkpointEvery: defaultCheckpointEvery}, commandLine(cmd))
			if err == nil && !quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "palmc: see %s (angles to backprop: angle_WPPT_BPP_*_mean.png)\n", filepath.Join(dir, plotsDir))
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress output")
	cmd.Flags().IntVar(&workers, "workers", 0, "seeds simulated at once (default: number of cores)")
	cmd.Flags().BoolVar(&restart, "restart", false, "discard an unfinished run of the example in DIR and start anew")
	return cmd
}

func newParamsCmd() *cobra.Command {
	var out, name string
	var force bool
	cmd := &cobra.Command{
		Use:   "params [--out FILE] [--experiment NAME]",
		Short: "Write a commented params.json template, or an experiment's",
		Long: `Print a commented params.json template that documents every field with its
unit and default, or, with --experiment, one of palmc's experiment files
(the paper's figures and the built-in example). --out writes it to a file.`,
		Example: `  palmc params --out run01/params.json
  palmc params --experiment fig3abc --out run_fig3/params.json
  palmc params --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list, _ := cmd.Flags().GetBool("list"); list {
				return listExperiments(cmd.OutOrStdout())
			}
			b := params.Template()
			if name != "" {
				var err error
				if b, err = experiments.Params(name); err != nil {
					return usage("params: --experiment %q: unknown; palmc params --list shows them", name)
				}
			}
			if out == "" {
				_, err := cmd.OutOrStdout().Write(b)
				return err
			}
			if err := writeNew(out, b, force, "; --force replaces it"); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "palmc: wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&name, "experiment", "", "an experiment of palmc's experiments/ folder instead of the template")
	cmd.Flags().Bool("list", false, "list the experiments: task, run time, what each is")
	cmd.Flags().BoolVar(&force, "force", false, "replace --out if it exists and differs")
	return cmd
}

// listExperiments writes the experiments, each with its task and run time
// on one line and what it is on the next.
func listExperiments(w io.Writer) error {
	fmt.Fprintf(w, "%-23s %-9s %s\n", "NAME", "TASK", "TIME ON ONE CORE (a free one to a busy machine)")
	for _, n := range experiments.Names() {
		info, ok := experiments.About(n)
		if !ok {
			return fmt.Errorf("params: experiment %s is not described", n)
		}
		fmt.Fprintf(w, "%-23s %-9s %s\n", n, info.Task, info.Time)
		for _, l := range wrapText(info.About, 80-4) {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	_, err := fmt.Fprintln(w, "\nWrite one with palmc params --experiment NAME --out DIR/params.json; more in\nexperiments/README.md of palmc's source.")
	return err
}

// writeNew writes b to path, making its folder. A file that exists with
// other content is kept unless force: it may hold a user's edits. hint
// ends the refusal's message.
func writeNew(path string, b []byte, force bool, hint string) error {
	if err := regularOrAbsent(path); err != nil {
		return err
	}
	old, err := params.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, b):
		return nil
	case err == nil && !force:
		return usage("%s exists and differs from what palmc would write; keeping it (choose another path or remove it%s)", path, hint)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return usage("%s: %v", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), store.DirMode); err != nil {
		return usage("%v", err)
	}
	if err := store.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return usage("writing %s: %v", path, err)
	}
	return nil
}

// regularOrAbsent refuses a path that names something other than a regular
// file (a device, a pipe, a folder): palmc replaces files it writes, and
// must not replace those.
func regularOrAbsent(path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch m := fi.Mode(); {
	case m.IsDir():
		kind = "a folder"
	case m&os.ModeDevice != 0:
		kind = "a device"
	case m&os.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&os.ModeSocket != 0:
		kind = "a socket"
	}
	return usage("%s is %s, not a file: palmc writes only files there", path, kind)
}
