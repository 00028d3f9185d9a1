// Command palmc simulates dendritic cortical microcircuits that learn their
// feedback weights with Phaseless Alignment Learning. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"palmc/runfolder"
)

// usageError marks errors of the command line or the params file: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usage(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// usageArgs makes the errors of an argument check usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{fmt.Errorf("%s: %w (see %s --help)", cmd.CommandPath(), err, cmd.CommandPath())}
		}
		return nil
	}
}

func main() {
	if os.Getenv("GOGC") == "" {
		// A run allocates nothing while it simulates; afterwards, writing
		// results and plots works on the recordings, the bulk of the heap.
		// Collecting at 50 % growth instead of 100 % keeps the peak near
		// 1.5× the recordings (a Fig. 6 run with 10 seeds: 2.02 -> 1.52 GB).
		debug.SetGCPercent(50)
	}
	s := newStream(os.Stderr)
	code := runWith(os.Args[1:], s)
	s.flush(2 * time.Second)
	os.Exit(code)
}

// runWith runs palmc with the given arguments and returns the exit code:
// 0 on success, 2 for bad usage or params, 1 for other failures. A panic
// becomes a message and exit code 1.
func runWith(args []string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "palmc: internal error: %v\n%s", r, crashReport(r))
			code = 1
		}
	}()
	root := newRoot()
	root.Annotations = map[string]string{"command": strings.Join(append([]string{os.Args[0]}, args...), "\x00")}
	root.SetArgs(args)
	root.SetOut(&output{w: os.Stdout})
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

// crashReport writes the stack of a panic to a file and says where.
func crashReport(r any) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("palmc-crash-%d.txt", os.Getpid()))
	text := fmt.Sprintf("%s\npanic: %v\n\n%s", runfolder.BuildInfo(), r, debug.Stack())
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return "palmc: this is a bug in palmc; please report it with the command line\n"
	}
	return fmt.Sprintf("palmc: this is a bug in palmc; please report it with the command line and %s\n", path)
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "palmc",
		Short: "Simulate cortical microcircuits that learn their feedback weights (PAL)",
		Long: `palmc simulates the dendritic cortical microcircuit of Sacramento et al. with
Phaseless Alignment Learning (PAL), backprop (BP) or feedback alignment (FA),
reading the params.json files of the published numpy code and giving the same
numbers, faster.`,
		Version:       runfolder.BuildInfo().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(newRunCmd(), newPlotCmd(), newExampleCmd(), newParamsCmd(), newFigureCmd())
	root.AddCommand(newBenchCmd(), newDataCmd(), newDocsImagesCmd())
	root.AddCommand(newSweepCmd())
	return root
}

// commandLine returns the command line palmc was started with (as given
// to runWith), for the provenance of a run.
func commandLine(cmd *cobra.Command) []string {
	if c, ok := cmd.Root().Annotations["command"]; ok {
		return strings.Split(c, "\x00")
	}
	return os.Args
}

// isCobraUsage recognises cobra's own errors for unknown commands and
// arguments, which it returns without a type of their own.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") ||
		strings.Contains(msg, "accepts") && strings.Contains(msg, "arg(s)")
}
