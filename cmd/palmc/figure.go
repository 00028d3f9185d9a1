package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"palmc/params"
	"palmc/plot"
	"palmc/runfolder"
	"palmc/store"
	"palmc/sweep"
)

func newFigureCmd() *cobra.Command {
	var out, formatName string
	cmd := &cobra.Command{
		Use:   "figure fig3|fig4|fig6|classify DIR...",
		Short: "Draw the paper's Fig. 3, 4 or 6, or compare classify runs",
		Long: `Draw a figure of the paper from the saved results of palmc runs.

  fig3 RUNDIR                 a bw_only run with --compare BP (experiments
                              fig3abc or fig3def): the angles between the
                              backward weights and backprop's per hidden layer,
                              and between the updates and backprop's per layer
                              (angle_dWPP_BP), mean ± std over seeds, by epoch
  fig4 BPDIR FADIR PALDIR     fw_bw runs of the fig4ab-bp, -fa and -pal
                              experiments: MSE and weights of BP, FA and PAL
  fig6 SWEEPDIR               a bw_only sweep with --compare BP (palmc sweep
                              init --experiment fig6): the final angle between
                              WPP[k+1]ᵀ and BPP[k] per hidden layer against
                              tauxi, with and without prospective voltages,
                              mean ± std over the seeds that are done; the
                              numbers are printed as a table too
  classify RUNDIR...          classify runs, e.g. of yinyang-bp, -fa and -pal:
                              validation accuracy and the angle between B and
                              Wᵀ by epoch, test accuracy of every seed

The figure goes to --out (default: fig3.png in RUNDIR, fig6.png in SWEEPDIR,
fig4.png or classify.png in the folder that holds the first run folder).
--format svg or pdf writes a vector figure instead (fig3.svg, fig4.pdf, ...);
with --out, the format is that of its extension.`,
		Example: `  palmc figure fig3 run_fig3abc
  palmc figure fig3 run_fig3abc --format pdf
  palmc figure fig4 run_fig4/bp run_fig4/fa run_fig4/pal --out docs/fig4.png
  palmc figure fig6 run_fig6
  palmc figure classify yy/bp yy/fa yy/pal`,
		Args: usageArgs(cobra.MinimumNArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := plot.ParseFormat(formatName)
			if err != nil {
				return usage("figure: --format %q: png, svg or pdf", formatName)
			}
			if out != "" {
				ext, err := plot.FormatOf(out)
				if err != nil {
					return usage("figure: --out %q: the file name must end in .png, .svg or .pdf", out)
				}
				if cmd.Flags().Changed("format") && ext != format {
					return usage("figure: --out %q is %s, --format says %s", out, ext, format)
				}
			}
			name := args[0] + "." + string(format)
			stop, abort, release := withSignals(cmd.ErrOrStderr(), "stopping; the figure is not written")
			defer release()
			writeFigure := func(path string, draw func(path string) error) error {
				return writeFigureFile(stop, abort, path, draw)
			}
			switch args[0] {
			case "fig3":
				if len(args) != 2 {
					return usage("figure fig3 takes one run folder")
				}
				if out == "" {
					// The figure goes into the run folder: no run may
					// start there, and switch in new results, until it is
					// written (a new run's switch removes it).
					if runfolder.IsRunFolder(args[1]) {
						folder, err := openFolder(cmd, args[1], commandLine(cmd))
						var busy *runfolder.BusyError
						if errors.As(err, &busy) {
							return fmt.Errorf("figure fig3: %w", err)
						}
						if err == nil {
							defer folder.Close()
						}
					}
				}
				r, epochSteps, m, err := loadRun(args[1])
				if err != nil {
					return err
				}
				if m.Task != params.BwOnly {
					return usage("figure fig3: %s is a %s run; Fig. 3 is drawn from a bw_only run with --compare BP (experiments fig3abc, fig3def)", args[1], m.Task)
				}
				if _, ok := r.Arrays[firstStudent(m)+"/angle_WPPT_BPP/0"]; !ok {
					return usage("figure fig3: %s has no recorded angles to backprop: run it with --compare BP, and with a rec_per_steps shorter than the run", args[1])
				}
				if out == "" {
					out = filepath.Join(args[1], name)
				}
				if err := writeFigure(out, func(path string) error { return plot.Fig3(r, epochSteps, path) }); err != nil {
					return err
				}
			case "fig4":
				if len(args) != 4 {
					return usage("figure fig4 takes three run folders: BP, FA and PAL")
				}
				var runs []plot.Fig4Run
				for i, dir := range args[1:] {
					r, epochSteps, m, err := loadRun(dir)
					if err != nil {
						return err
					}
					want := []string{"BP", "FA", "PAL"}[i]
					model := m.Params.ModelType
					if model == params.ModelLDRL {
						model = params.ModelPAL
					}
					if m.Task != params.FwBw || model != want {
						return usage("figure fig4: %s is a %s %s run; Fig. 4 needs fw_bw runs of BP, FA and PAL, in that order (experiments fig4ab-bp, -fa, -pal)", dir, m.Params.ModelType, m.Task)
					}
					if _, ok := r.Arrays[firstStudent(m)+"/MSE"]; !ok {
						return usage("figure fig4: %s has no MSE: set rec_MSE to true in its params and run it again", dir)
					}
					runs = append(runs, plot.Fig4Run{Model: m.Params.ModelType, Run: r, EpochSteps: epochSteps})
				}
				if out == "" {
					out = filepath.Join(filepath.Dir(filepath.Clean(args[1])), name)
				}
				if err := writeFigure(out, func(path string) error { return plot.Fig4(runs, path) }); err != nil {
					return err
				}
			case "fig6":
				if len(args) != 2 {
					return usage("figure fig6 takes one sweep folder")
				}
				s, err := sweep.Open(args[1])
				if err != nil {
					return sweepErr(err)
				}
				groups, err := s.Collect().Fig6()
				if err != nil {
					return sweepErr(err)
				}
				var pg []plot.Fig6Group
				for _, g := range groups {
					if len(g.Seeds) > 0 {
						pg = append(pg, g.Fig6Group)
					}
				}
				if len(pg) == 0 {
					return usage("figure fig6: no cell of %s is done yet (palmc sweep status %s)", args[1], args[1])
				}
				if out == "" {
					out = filepath.Join(args[1], name)
				}
				if err := writeFigure(out, func(path string) error { return plot.Fig6(path, pg) }); err != nil {
					return err
				}
				if err := sweep.WriteFig6(cmd.OutOrStdout(), groups); err != nil {
					return err
				}
			case "classify":
				var runs []plot.ClassifyRun
				var first *runfolder.Results
				seen := map[string]int{}
				for _, dir := range args[1:] {
					r, _, m, err := loadRun(dir)
					if err != nil {
						return err
					}
					if m.Task != params.Classify {
						return usage("figure classify: %s is a %s run, not a classify run", dir, m.Task)
					}
					if first == nil {
						first = m
					} else if m.Params.Dataset != first.Params.Dataset || fmt.Sprint(m.Params.Layers) != fmt.Sprint(first.Params.Layers) {
						return usage("figure classify: %s learns %s with layers %v, %s %s with %v: compare runs of one data set and network",
							dir, m.Params.Dataset, m.Params.Layers, args[1], first.Params.Dataset, first.Params.Layers)
					}
					seen[m.Params.ModelType]++
					runs = append(runs, plot.ClassifyRun{Model: m.Params.ModelType, ModelType: m.Params.ModelType, Run: r})
				}
				// Runs of one model are told apart by their folders.
				for i, r := range runs {
					if seen[r.Model] > 1 {
						runs[i].Model += " (" + filepath.Base(filepath.Clean(args[1+i])) + ")"
					}
				}
				if out == "" {
					out = filepath.Join(filepath.Dir(filepath.Clean(args[1])), name)
				}
				if err := writeFigure(out, func(path string) error { return plot.FigClassify(runs, path) }); err != nil {
					return err
				}
			default:
				return usage("figure %q: fig3, fig4, fig6 or classify", args[0])
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "palmc: wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write (.png, .svg or .pdf)")
	cmd.Flags().StringVar(&formatName, "format", "png", "file format of the figure: png, svg or pdf")
	return cmd
}

// loadRun reads the results of a run folder (with its model, if any: they
// must belong to one run).
func loadRun(dir string) (plot.Run, int, *runfolder.Results, error) {
	// A switch of outputs that a stopped palmc left half done is finished
	// first, unless a palmc holds the folder (it is then its own to finish).
	if f, err := runfolder.OpenRun(dir, nil); err == nil {
		f.Close()
	}
	r, err := runfolder.ReadResults(dir)
	var refusal *runfolder.Refusal
	if errors.As(err, &refusal) {
		return plot.Run{}, 0, nil, usageError{err}
	}
	if err != nil {
		return plot.Run{}, 0, nil, err
	}
	p := r.Params
	epochSteps := p.DatasetSize * p.StepsPerSample()
	if r.Task == params.Classify {
		epochSteps = (p.TrainSize() + p.ValidationSize()) * p.StepsPerSample()
	}
	return plot.Run{Arrays: r.Arrays, Dt: p.Dt, RecPerSteps: p.RecPerSteps, SettlingSteps: p.SettlingSteps(),
		StepsPerSample: p.StepsPerSample(), EpochSteps: epochSteps}, epochSteps, r, nil
}

// firstStudent names the first student of a run.
func firstStudent(m *runfolder.Results) string {
	return fmt.Sprintf("seed%d", m.Params.RandomSeed[0])
}

// figureTemp marks the temporary file of a figure being drawn:
// ".<name>.palmc-figure-<random>.<ext>" beside the figure <name>.
const figureTemp = ".palmc-figure-"

// writeFigureFile draws a figure into a temporary file beside path (with
// the same extension, which selects the format) and renames it into place.
// The temporary file is locked while it is drawn, so that a palmc that
// finds it unlocked knows that its palmc was killed and removes it. A stop
// signal lets the drawing end and writes nothing; a second one returns at
// once.
func writeFigureFile(stop, abort context.Context, path string, draw func(path string) error) error {
	if err := regularOrAbsent(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, store.DirMode); err != nil {
		return usage("--out %s: %v", path, err)
	}
	removeStaleFigureTemps(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+figureTemp+"*"+filepath.Ext(path))
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %v", tmp, err)
	}
	done := make(chan error, 1)
	go func() { done <- draw(tmp) }()
	select {
	case err = <-done:
	case <-abort.Done():
		os.Remove(tmp)
		return errors.New("stopped at once: the figure is not written")
	}
	if err == nil && stop.Err() != nil {
		err = errors.New("stopped: the figure is not written")
	}
	if err == nil {
		// The mode is set through a descriptor of the file drawn, which
		// must be a file, not a link put in its place.
		var g *os.File
		if g, err = os.OpenFile(tmp, os.O_RDONLY|syscall.O_NOFOLLOW, 0); err == nil {
			err = g.Chmod(store.FileMode)
			g.Close()
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// removeStaleFigureTemps removes the temporary files that a palmc killed
// while drawing path left beside it: those that no palmc holds locked.
func removeStaleFigureTemps(path string) {
	dir, base := filepath.Split(path)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "."+base+figureTemp) || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.Remove(p)
		}
		f.Close()
	}
}
