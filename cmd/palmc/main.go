// Command palmc simulates dendritic cortical microcircuits that learn their
// feedback weights with Phaseless Alignment Learning. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// usageError marks errors of the command line or the params file: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usage(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	if os.Getenv("GOGC") == "" {
		// A run allocates nothing while it simulates; afterwards, writing
		// results and plots works on the recordings, the bulk of the heap.
		// Collecting at 50 % growth instead of 100 % keeps the peak near
		// 1.5× the recordings (a Fig. 6 run with 10 seeds: 2.02 -> 1.52 GB).
		debug.SetGCPercent(50)
	}
	os.Exit(runWith(os.Args[1:], os.Stderr))
}

// runWith runs palmc with the given arguments and returns the exit code:
// 0 on success, 2 for bad usage or params, 1 for other failures.
func runWith(args []string, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "palmc:", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return 2
	}
	return 1
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "palmc",
		Short: "Simulate cortical microcircuits that learn their feedback weights (PAL)",
		Long: `palmc simulates the dendritic cortical microcircuit of Sacramento et al. with
Phaseless Alignment Learning (PAL), backprop (BP) or feedback alignment (FA),
reading the params.json files of the published numpy code and giving the same
numbers, faster.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(newRunCmd(), newPlotCmd(), newExampleCmd(), newParamsCmd(), newFigureCmd())
	root.AddCommand(newBenchCmd(), newDocsImagesCmd())
	return root
}

// isCobraUsage recognises cobra's own errors for unknown commands and
// arguments, which it returns without a type of their own.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.Contains(msg, "accepts") && strings.Contains(msg, "arg(s)")
}
