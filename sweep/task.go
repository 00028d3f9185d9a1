package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"palmc/experiment"
)

// TaskOptions control RunTask.
type TaskOptions struct {
	// Block is the number of cells per task (0: 1).
	Block int
	// Command is the command line, for the cells' provenance.
	Command []string
	// Log receives progress lines and messages.
	Log   io.Writer
	Quiet bool
}

// TaskReport says how the cells of a task ended.
type TaskReport struct {
	Done, Failed, Interrupted int
	// Diverged counts the cells done whose network diverged (or failed).
	Diverged int
}

// RunTask runs the cells of one task of a Slurm array (palmc sweep cell):
// task t runs cells t·Block … t·Block+Block-1, one after the other,
// skipping those done and resuming those with a checkpoint. Tasks share
// the sweep's lock, so that they run side by side, and a palmc sweep run
// holds it alone. When stop ends, the running cell is saved to its
// checkpoint and no other starts.
func (s *Sweep) RunTask(stop, abort context.Context, task int, o TaskOptions) (*TaskReport, error) {
	block := max(o.Block, 1)
	n := len(s.Index.Cells)
	// Compared before multiplying: task·block may overflow.
	if task < 0 || n == 0 || task > (n-1)/block {
		return nil, refusef("task %d: the sweep has %d cells (cells 0 to %d, %d per task: tasks 0 to %d)", task, n, n-1, block, max(n-1, 0)/block)
	}
	first := task * block
	l, err := lock(s.Dir, false, o.Command)
	if err != nil {
		return nil, err
	}
	defer l.unlock()
	var cells []CellStatus
	for i := first; i < first+min(block, n-first); i++ {
		cells = append(cells, CellStatus{Cell: s.Index.Cells[i]})
	}
	rep := &TaskReport{}
	disp := newDisplay(o.Log, o.Quiet, false, len(cells), cells, 0)
	defer disp.stop()
	var errs []error
	for _, st := range cells {
		if stop.Err() != nil {
			break
		}
		c := st.Cell
		disp.started(c)
		logf(o.Log, "palmc: %s: %s", c.Dir, s.Describe(c))
		state, err := s.RunCell(stop, abort, c, CellOptions{Command: o.Command, Log: o.Log,
			Progress: func(p experiment.Progress) { disp.progress(c.Index, p) }})
		disp.ended(c, state, err)
		switch state {
		case Done:
			rep.Done++
			if err != nil {
				// A result, as palmc run's, with its exit code 1.
				rep.Diverged++
				errs = append(errs, fmt.Errorf("%s: %w", c.Dir, err))
			}
		case Interrupted:
			rep.Interrupted++
		default:
			rep.Failed++
			errs = append(errs, fmt.Errorf("%s: %w", c.Dir, err))
		}
	}
	if err := s.keepIndex(o.Log); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return rep, errors.Join(errs...)
	}
	if rep.Interrupted > 0 || stop.Err() != nil {
		return rep, fmt.Errorf("interrupted: the cells are saved to their checkpoints; palmc sweep cell or palmc sweep run goes on from there")
	}
	return rep, nil
}

// Requeue asks Slurm to requeue job id (the job running this process):
// it starts again later, and palmc sweep cell resumes its cells.
func Requeue(id string) error {
	out, err := exec.Command("scontrol", "requeue", id).CombinedOutput()
	if err != nil {
		return fmt.Errorf("scontrol requeue %s: %v: %s", id, err, strings.TrimSpace(string(out)))
	}
	return nil
}
