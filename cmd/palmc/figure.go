package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"palmc/plot"
	"palmc/store"
)

func newFigureCmd() *cobra.Command {
	var out, formatName string
	cmd := &cobra.Command{
		Use:   "figure fig3 RUNDIR | fig4 BPDIR FADIR PALDIR",
		Short: "Draw the paper's Fig. 3 or Fig. 4 from run folders",
		Long: `Draw a figure of the paper from the saved results of palmc runs.

  fig3 RUNDIR                 a bw_only run with --compare BP (experiments
                              fig3abc or fig3def): the three angles to backprop,
                              mean ± std over seeds per hidden layer, by epoch
  fig4 BPDIR FADIR PALDIR     fw_bw runs of the fig4ab-bp, -fa and -pal
                              experiments: MSE and weights of BP, FA and PAL

The figure goes to --out (default: fig3.png in RUNDIR, fig4.png in the folder
that holds BPDIR). --format svg or pdf writes a vector figure instead
(fig3.svg, fig4.pdf, ...); with --out, the format is that of its extension.`,
		Example: `  palmc figure fig3 run_fig3abc
  palmc figure fig3 run_fig3abc --format pdf
  palmc figure fig4 run_fig4/bp run_fig4/fa run_fig4/pal --out docs/fig4.png`,
		Args: cobra.MinimumNArgs(2),
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
			switch args[0] {
			case "fig3":
				if len(args) != 2 {
					return usage("figure fig3 takes one run folder")
				}
				r, epochSteps, _, err := loadRun(args[1])
				if err != nil {
					return err
				}
				if out == "" {
					out = filepath.Join(args[1], name)
				}
				if err := plot.Fig3(r, epochSteps, out); err != nil {
					return err
				}
			case "fig4":
				if len(args) != 4 {
					return usage("figure fig4 takes three run folders: BP, FA and PAL")
				}
				var runs []plot.Fig4Run
				for _, dir := range args[1:] {
					r, epochSteps, model, err := loadRun(dir)
					if err != nil {
						return err
					}
					runs = append(runs, plot.Fig4Run{Model: model, Run: r, EpochSteps: epochSteps})
				}
				if out == "" {
					out = filepath.Join(filepath.Dir(filepath.Clean(args[1])), name)
				}
				if err := plot.Fig4(runs, out); err != nil {
					return err
				}
			default:
				return usage("figure %q: fig3 or fig4", args[0])
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "palmc: wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write (.png, .svg or .pdf)")
	cmd.Flags().StringVar(&formatName, "format", "png", "file format of the figure: png, svg or pdf")
	return cmd
}

// loadRun reads the results and params of a run folder.
func loadRun(dir string) (plot.Run, int, string, error) {
	m, err := store.ReadModel(filepath.Join(dir, modelFile))
	if err != nil {
		return plot.Run{}, 0, "", usage("%s: %v", dir, err)
	}
	arrays, err := store.ReadRecorded(filepath.Join(dir, resultsFile))
	if err != nil {
		return plot.Run{}, 0, "", usage("%s: %v", dir, err)
	}
	p := m.Params
	epochSteps := p.DatasetSize * p.StepsPerSample()
	return plot.Run{Arrays: arrays, Dt: p.Dt, RecPerSteps: p.RecPerSteps, SettlingSteps: p.SettlingSteps(),
		StepsPerSample: p.StepsPerSample(), EpochSteps: epochSteps}, epochSteps, p.ModelType, nil
}
