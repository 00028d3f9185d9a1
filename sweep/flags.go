package sweep

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"palmc/params"
	"palmc/runfolder"
)

// DefaultCheckpointEvery is the interval of a cell's periodic checkpoints
// when the sweep file's flags do not set --checkpoint-every (that of palmc
// run).
const DefaultCheckpointEvery = 10 * time.Minute

// CellFlags are the palmc run flags a sweep file may give its cells.
type CellFlags struct {
	// Compare is --compare BP: record the angles to backprop.
	Compare bool
	// SharedInput is --shared-input (bw_only).
	SharedInput bool
	// CheckpointEvery is --checkpoint-every (0: only when stopped).
	CheckpointEvery time.Duration
	// MaxMemory is --max-memory in bytes: 0 what is available, -1 no check.
	MaxMemory int64
	// NoPlots is --no-plots.
	NoPlots bool
}

// parseFlags reads the "flags" of a sweep file: palmc run flags, as on the
// command line ("--compare", "BP" or "--compare=BP").
func parseFlags(args []string, task params.Task) (CellFlags, error) {
	f := CellFlags{CheckpointEvery: DefaultCheckpointEvery}
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(name, "--") || name == "--" {
			return f, fmt.Errorf("flags: %q is not a flag (flags are palmc run flags such as \"--compare\", \"BP\")", a)
		}
		if seen[name] {
			return f, fmt.Errorf("flags: %s given twice", name)
		}
		seen[name] = true
		value := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("flags: %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		boolean := func() (bool, error) {
			if !hasVal {
				return true, nil
			}
			b, err := strconv.ParseBool(val)
			if err != nil {
				return false, fmt.Errorf("flags: %s: %q is not true or false", name, val)
			}
			return b, nil
		}
		var err error
		switch name {
		case "--compare":
			var v string
			if v, err = value(); err == nil && v != "BP" {
				err = fmt.Errorf("flags: --compare %q: only BP is supported", v)
			}
			f.Compare = true
		case "--shared-input":
			if f.SharedInput, err = boolean(); err == nil && f.SharedInput && task != params.BwOnly {
				err = fmt.Errorf("flags: --shared-input is for task bw_only, not %s", task)
			}
		case "--no-plots":
			f.NoPlots, err = boolean()
		case "--checkpoint-every":
			var v string
			if v, err = value(); err == nil {
				f.CheckpointEvery, err = time.ParseDuration(v)
				if err != nil || f.CheckpointEvery < 0 {
					err = fmt.Errorf("flags: --checkpoint-every %q: want a duration such as 10m or 30s (0: only when stopped)", v)
				}
			}
		case "--max-memory":
			var v string
			if v, err = value(); err == nil {
				var b int64
				if b, err = runfolder.ParseBytes(v); err != nil {
					err = fmt.Errorf("flags: --max-memory: %v", err)
				}
				f.MaxMemory = b
				if b == 0 {
					f.MaxMemory = -1
				}
			}
		case "--task":
			err = fmt.Errorf("flags: --task: the sweep file's key \"task\" gives the task")
		case "--workers":
			err = fmt.Errorf("flags: --workers: a cell simulates one seed; palmc sweep run --workers sets how many cells run at once")
		case "--params", "--out", "--resume", "--restart", "--load":
			err = fmt.Errorf("flags: %s: palmc sweep chooses each cell's params and run folder itself", name)
		case "--quiet":
			err = fmt.Errorf("flags: --quiet: palmc sweep run --quiet hides the progress")
		default:
			err = fmt.Errorf("flags: %s: not a flag a sweep's cells take (allowed: --compare BP, --shared-input, --checkpoint-every D, --max-memory SIZE, --no-plots)", name)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

// RunOptions returns the runfolder options of a cell with these flags.
func (f CellFlags) RunOptions(task params.Task) runfolder.Options {
	return runfolder.Options{Task: task, Compare: f.Compare, SharedInput: f.SharedInput, Workers: 1,
		CheckpointEvery: f.CheckpointEvery, MaxMemory: f.MaxMemory, NoPlots: f.NoPlots}
}
