package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"palmc/experiment"
	"palmc/params"
	"palmc/runfolder"
)

// CellOptions control how a cell runs.
type CellOptions struct {
	// Command is the command line, for the cell's provenance.
	Command []string
	// Log receives the run's warnings; nil: none.
	Log io.Writer
	// Progress receives the networks' progress (see runfolder.Options).
	Progress      func(experiment.Progress)
	ProgressEvery int
}

// RunCell runs a cell to its end through the run folder, as palmc run
// does: it resumes the cell's checkpoint if it has one, does nothing if the
// cell is done, and starts it otherwise. When stop ends, the cell is saved
// to its checkpoint (State Interrupted); when abort ends too, it stops at
// once. It returns the cell's state afterwards. A diverged network is a
// result: the cell is Done, and the error says which network diverged.
func (s *Sweep) RunCell(stop, abort context.Context, c IndexCell, o CellOptions) (State, error) {
	dir := s.CellDir(c)
	if _, err := os.Stat(dir); err != nil {
		return Missing, refusef("%s: the cell's folder %s is missing: palmc sweep init %s %s writes it again", s.Describe(c), dir, filepath.Join(s.Dir, SweepFile), s.Dir)
	}
	folder, err := openCell(dir, o.Command)
	if err != nil {
		var busy *runfolder.BusyError
		if errors.As(err, &busy) {
			return Running, err
		}
		return Failed, err
	}
	defer folder.Close()
	// The temporary files of a record write that a kill cut short.
	if tmp, _ := filepath.Glob(filepath.Join(dir, "."+recordFile+".tmp*")); len(tmp) > 0 {
		for _, f := range tmp {
			os.Remove(f)
		}
	}
	if note := s.paramsChanged(c); note != "" {
		return Changed, refusef("%s: %s: %s; restore it, or remove the cell's folder and write it again with palmc sweep init %s %s",
			s.Describe(c), filepath.Join(dir, runfolder.ParamsFile), note, filepath.Join(s.Dir, SweepFile), s.Dir)
	}
	resume := exists(folder.Path(runfolder.CheckpointFile))
	if !resume && exists(folder.Path(runfolder.SummaryFile)) {
		// Finished before. Results are never overwritten: a damaged one
		// is left to the user.
		sum, err := readSummary(folder.Path(runfolder.SummaryFile))
		if err != nil {
			return Failed, fmt.Errorf("%s: the cell has results, but %v; it is not run again over them: move its results.npz, model.npz and summary.json away to run it anew", s.Describe(c), err)
		}
		if note := s.foreignOutputs(c, sum); note != "" {
			return Changed, refusef("%s: %s", s.Describe(c), note)
		}
		return Done, nil
	}
	ro := s.Flags.RunOptions(s.Index.Task)
	ro.Command, ro.Log, ro.Progress, ro.ProgressEvery = o.Command, o.Log, o.Progress, o.ProgressEvery
	rec := readRecord(dir)
	if rec == nil {
		rec = &record{}
	}
	host, _ := os.Hostname()
	rec.State, rec.Error, rec.Host, rec.PID = Running, "", host, os.Getpid()
	rec.Started, rec.Ended, rec.Attempts = time.Now().UTC().Round(time.Millisecond), time.Time{}, rec.Attempts+1
	rec.Slurm = slurmEnv()
	if err := writeJSON(filepath.Join(dir, recordFile), rec); err != nil {
		return Failed, err
	}
	var out *runfolder.Outcome
	if resume {
		out, err = folder.Resume(stop, abort, ro)
	} else {
		path := folder.Path(runfolder.ParamsFile)
		text, rerr := params.ReadFile(path)
		if rerr != nil {
			return Failed, rerr
		}
		p, warnings, perr := params.Parse(text, s.Index.Task)
		if perr != nil {
			err = &runfolder.Refusal{Err: fmt.Errorf("%s: %w", path, perr)}
		} else {
			out, err = folder.Start(stop, abort, runfolder.Source{Path: path, Text: text, Params: p, Warnings: warnings}, ro)
		}
	}
	state := Failed
	switch {
	case out != nil && out.Checkpoint:
		state = Interrupted
	case errors.Is(err, runfolder.ErrInterrupted):
		state = Failed
		if exists(folder.Path(runfolder.CheckpointFile)) {
			state = Interrupted
		}
	case out != nil && out.Summary != nil && committed(folder, out.Summary.RunID):
		state = Done
	}
	rec.State, rec.Ended = state, time.Now().UTC().Round(time.Millisecond)
	rec.Seconds += rec.Ended.Sub(rec.Started).Seconds()
	if state == Failed && err != nil {
		rec.Error = err.Error()
	}
	if werr := writeJSON(filepath.Join(dir, recordFile), rec); werr != nil && err == nil {
		err = werr
	}
	return state, err
}

// openCell locks a cell's run folder. A BusyError that names no holder may
// come from a palmc that looked at the folder's lock that instant (palmc
// sweep status): try again for a moment.
func openCell(dir string, command []string) (*runfolder.Folder, error) {
	for i := 0; ; i++ {
		f, err := runfolder.Open(dir, command)
		var busy *runfolder.BusyError
		if err == nil || !errors.As(err, &busy) || busy.Holder != nil || i == 20 {
			return f, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// committed reports whether the folder's summary.json is that of run id.
func committed(f *runfolder.Folder, id string) bool {
	sum, err := readSummary(f.Path(runfolder.SummaryFile))
	return err == nil && sum.RunID == id && !exists(f.Path(runfolder.CheckpointFile))
}

// slurmEnv returns the SLURM_* variables that name the job running this
// process, or nil outside Slurm.
func slurmEnv() map[string]string {
	var out map[string]string
	for _, k := range []string{"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT", "SLURM_JOB_NODELIST"} {
		if v, ok := os.LookupEnv(k); ok {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// Command returns the palmc run command line that runs a cell by itself,
// with the same results.
func (s *Sweep) Command(c IndexCell) string {
	args := []string{"palmc", "run", "--params", filepath.Join(s.CellDir(c), runfolder.ParamsFile), "--task", string(s.Index.Task)}
	args = append(args, s.Index.Flags...)
	return strings.Join(args, " ")
}
