package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"palmc/experiment"
	"palmc/params"
	"palmc/runfolder"
)

type benchFlags struct {
	params    string
	task      string
	steps     int
	maxMemory string
}

func newBenchCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench --params FILE --task bw_only|fw_bw|classify [--steps N]",
		Short: "Time the training steps of one network",
		Long: `Time the training steps of the first seed of a params.json on one core.

The network is built as "palmc run" builds it (for fw_bw the teacher first,
which gives the targets) and settled; then --steps training steps are timed,
recording every rec_per_steps steps what the params ask for. For classify
the training steps run on the training samples with their targets, and a
line "evaluation: …" gives the steps of the validation and test passes
(plasticity off, no target) as well. A network that would not fit in the
memory available is refused, as by "palmc run" (--max-memory sets the
limit). The first line on stdout names the network timed, the last one is

  steps_per_second=<float> us_per_step=<float>`,
		Example: `  palmc bench --params experiments/fig3abc/params.json --task bw_only
  palmc bench --params experiments/fig4ab-pal/params.json --task fw_bw --steps 1000000
  palmc bench --params experiments/yinyang-pal/params.json --task classify`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBench(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.params, "params", "", "params.json to time, or a folder that holds one (required)")
	fl.StringVar(&f.task, "task", "", "task: bw_only, fw_bw or classify (required)")
	fl.IntVar(&f.steps, "steps", 200000, "training steps to time")
	fl.StringVar(&f.maxMemory, "max-memory", "", "memory the network may need, e.g. 8G (default: what is available; 0: no check)")
	return cmd
}

// benchNetwork names the network that bench times: its model, layers,
// seed, task and what it records.
func benchNetwork(p *params.Params, task params.Task, steps int) string {
	var rec []string
	for _, name := range params.RecNames() {
		if p.Rec[name] {
			rec = append(rec, name)
		}
	}
	what := "recording nothing"
	if len(rec) > 0 {
		what = fmt.Sprintf("recording %s every %d steps", strings.Join(rec, ", "), p.RecPerSteps)
	}
	data := ""
	if task == params.Classify {
		data = " on " + p.Dataset
	}
	layers := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(p.Layers)), "-"), "[]")
	return fmt.Sprintf("network: %s %s, seed %d, task %s%s; %d training steps, %s",
		p.ModelType, layers, p.RandomSeed[0], task, data, steps, what)
}

func runBench(cmd *cobra.Command, f benchFlags) error {
	if f.params == "" {
		return usage("bench: --params is required")
	}
	task := params.Task(f.task)
	if !slices.Contains(params.Tasks(), task) {
		return usage("bench: --task %q: must be bw_only, fw_bw or classify", f.task)
	}
	if f.steps < 1 {
		return usage("bench: --steps %d: must be positive", f.steps)
	}
	maxMem, err := parseMaxMemory(f.maxMemory)
	if err != nil {
		return err
	}
	path := f.params
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "params.json")
	}
	p, warnings, err := params.Load(path, task)
	if err != nil {
		return usageError{err}
	}
	for _, w := range warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "palmc: warning:", w)
	}
	// One network, recording at most what it records in --steps steps:
	// what palmc run checks, for that.
	one := *p
	one.RandomSeed = p.RandomSeed[:1]
	one.Epochs = 1
	if err := runfolder.CheckMemory(&one, runfolder.Options{Task: task, MaxMemory: maxMem}); err != nil {
		return usageError{err}
	}
	fmt.Fprintln(cmd.OutOrStdout(), benchNetwork(p, task, f.steps))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := experiment.Bench(ctx, p, task, f.steps)
	if err != nil {
		return err
	}
	if task == params.Classify {
		e, err := experiment.BenchEval(ctx, p, f.steps)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "evaluation: steps_per_second=%.6g us_per_step=%.6g\n", e.StepsPerSecond, e.MicrosPerStep)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "steps_per_second=%.6g us_per_step=%.6g\n", r.StepsPerSecond, r.MicrosPerStep)
	return nil
}
