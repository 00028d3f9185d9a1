package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"palmc/experiment"
	"palmc/runfolder"
)

// RunOptions control a local run of a sweep.
type RunOptions struct {
	// Workers is the number of cells run at once (0: one per core).
	Workers int
	// Cells, if not nil, restricts the run to these cell numbers, run in
	// this order.
	Cells []int
	// Command is the command line, for the cells' provenance.
	Command []string
	// Log receives the progress display and messages; it must never block
	// for long (palmc's standard error is such a stream).
	Log io.Writer
	// Quiet leaves out the progress display; Terminal redraws one status
	// line in place instead of writing a line every few seconds.
	Quiet, Terminal bool
}

// RunReport says what a local run did.
type RunReport struct {
	// Ran counts the cells run (started or resumed) by this run; Done,
	// Failed and Interrupted how they ended.
	Ran, Done, Failed, Interrupted int
	// Diverged lists the cells done whose network diverged (or failed),
	// with why: results, as palmc run's, with its exit code 1.
	Diverged []string
	// Skipped lists the cells left out: done before, or run by another
	// palmc.
	Skipped []string
}

// Run runs every cell of the sweep that is not done, Workers at once, in
// this process: each through the run folder as palmc run would (RunCell),
// simulating its networks one at a time. It holds the sweep's lock: a
// second palmc sweep run on the folder is refused (*BusyError). A sweep
// folder edited by hand (a cell folder missing, a params.json changed) is
// refused before anything runs, and so are cells that need more memory
// than they may have; the cells that run at once need together at most
// the memory available when the run starts (see planMemory), so fewer
// than Workers may run at once. When stop ends, no more cells start and
// the running ones are saved to their checkpoints; a later Run resumes
// them. The error reports the cells that failed or were interrupted.
func (s *Sweep) Run(stop, abort context.Context, o RunOptions) (*RunReport, error) {
	l, err := lock(s.Dir, true, o.Command)
	if err != nil {
		return nil, err
	}
	defer l.unlock()
	statuses, extra := s.Statuses()
	var todo []CellStatus
	var faults []string
	rep := &RunReport{}
	for _, st := range statuses {
		if o.Cells != nil && !slices.Contains(o.Cells, st.Cell.Index) {
			continue
		}
		switch st.State {
		case Missing, Changed:
			faults = append(faults, fmt.Sprintf("  %s: %s", st.Cell.Dir, st.Note))
		case Done:
			if runfolder.SwitchCutShort(s.CellDir(st.Cell)) {
				// Opened, the cell's folder finishes the switch.
				todo = append(todo, st)
				continue
			}
			rep.Skipped = append(rep.Skipped, st.Cell.Dir+" (done)")
		case Running:
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s (running elsewhere: %s)", st.Cell.Dir, st.Note))
		default:
			todo = append(todo, st)
		}
	}
	if o.Cells != nil {
		// Run them in the order asked for.
		slices.SortStableFunc(todo, func(a, b CellStatus) int {
			return slices.Index(o.Cells, a.Cell.Index) - slices.Index(o.Cells, b.Cell.Index)
		})
	}
	if len(faults) > 0 {
		return nil, refusef("sweep %s was edited by hand; these cells cannot run:\n%s\nrestore them, or remove their folders and write them again with: palmc sweep init %s/%s %s",
			s.Dir, strings.Join(faults, "\n"), s.Dir, SweepFile, s.Dir)
	}
	for _, e := range extra {
		logf(o.Log, "palmc: note: %s is no cell of this sweep (not in %s); left alone", e, IndexFile)
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	mem, err := s.planMemory(todo, min(workers, len(todo)), o.Log)
	if err != nil {
		return nil, err
	}
	doneBefore := 0
	for _, st := range statuses {
		if st.State == Done {
			doneBefore++
		}
	}
	disp := newDisplay(o.Log, o.Quiet, o.Terminal, len(statuses), todo, doneBefore)
	defer disp.stop()
	queue := make(chan CellStatus)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for st := range queue {
				c := st.Cell
				// A cell starts when the memory it needs is free.
				if mem.sem != nil {
					if mem.sem.Acquire(stop, mem.bytes(c.Index)) != nil {
						continue
					}
				}
				disp.started(c)
				state, err := s.runGuarded(stop, abort, c, CellOptions{Command: o.Command, Log: o.Log,
					Progress: func(p experiment.Progress) { disp.progress(c.Index, p) }})
				disp.ended(c, state, err)
				if mem.sem != nil {
					mem.sem.Release(mem.bytes(c.Index))
				}
				mu.Lock()
				rep.Ran++
				switch state {
				case Done:
					rep.Done++
					if err != nil {
						rep.Diverged = append(rep.Diverged, fmt.Sprintf("%s: %v", c.Dir, firstLine(err.Error())))
					}
				case Interrupted:
					rep.Interrupted++
				default:
					rep.Failed++
					errs = append(errs, fmt.Errorf("%s (%s): %v", c.Dir, state, err))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, st := range todo {
		select {
		case queue <- st:
		case <-stop.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	disp.stop()
	var parts []string
	if err := s.keepIndex(o.Log); err != nil {
		parts = append(parts, err.Error())
	}
	if n := len(rep.Diverged); n > 0 {
		slices.Sort(rep.Diverged)
		parts = append(parts, fmt.Sprintf("%d cells ended with a network that diverged or failed (their results are saved, and summary.json, palmc sweep status and sweep.csv mark them):\n  %s",
			n, strings.Join(rep.Diverged, "\n  ")))
	}
	if rep.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d cells failed:\n  %s", rep.Failed, joinErrs(errs)))
	}
	if rep.Interrupted > 0 || stop.Err() != nil {
		left := len(todo) - rep.Done - rep.Failed
		parts = append(parts, fmt.Sprintf("interrupted: %d cells not done (%d saved to their checkpoints); palmc sweep run %s goes on from there", left, rep.Interrupted, s.Dir))
	}
	if len(parts) > 0 {
		return rep, errors.New(strings.Join(parts, "; "))
	}
	return rep, nil
}

func joinErrs(errs []error) string {
	var lines []string
	for _, e := range errs {
		lines = append(lines, strings.ReplaceAll(e.Error(), "\n", "\n  "))
	}
	return strings.Join(lines, "\n  ")
}

func logf(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", a...)
	}
}

// runGuarded runs a cell; a panic of the code that runs it fails that cell
// only (the other cells go on).
func (s *Sweep) runGuarded(stop, abort context.Context, c IndexCell, o CellOptions) (state State, err error) {
	defer func() {
		if r := recover(); r != nil {
			state, err = Failed, fmt.Errorf("internal error (a bug in palmc; please report it): %v\n%s", r, debug.Stack())
		}
	}()
	return s.RunCell(stop, abort, c, o)
}
