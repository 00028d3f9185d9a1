package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"palmc/inputfile"
	"palmc/params"
	"palmc/runfolder"
)

// State is where a cell stands.
type State string

// The states of a cell. Missing and Changed are faults of a folder edited
// by hand; such a cell does not run until it is repaired.
const (
	Pending     State = "pending"
	Running     State = "running"
	Done        State = "done"
	Failed      State = "failed"
	Interrupted State = "interrupted"
	Missing     State = "missing"
	Changed     State = "changed"
)

// recordFile is what the palmc that ran a cell last said about it, kept in
// the cell's folder.
const recordFile = ".palmc-sweep-cell.json"

// record is recordFile.
type record struct {
	State State  `json:"state"`
	Error string `json:"error,omitempty"`
	Host  string `json:"host"`
	PID   int    `json:"pid"`
	// Started and Ended bound the last attempt.
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitzero"`
	// Attempts counts the processes that ran the cell; Seconds their wall
	// time in all.
	Attempts int     `json:"attempts"`
	Seconds  float64 `json:"seconds"`
	// Slurm holds the job's SLURM_* variables when Slurm ran the cell.
	Slurm map[string]string `json:"slurm,omitempty"`
}

func readRecord(dir string) *record {
	b, err := inputfile.Read(filepath.Join(dir, recordFile), maxSmallFile)
	if err != nil {
		return nil
	}
	var r record
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	return &r
}

// CellStatus is a cell's state and what is known about it.
type CellStatus struct {
	Cell  IndexCell
	State State
	// Note says why a cell failed, who runs it, what changed.
	Note string
	// Seconds is the wall time palmc spent on the cell, over all its
	// attempts (for a cell run by palmc run, the simulation time of its
	// summary.json).
	Seconds float64
	// Summary is the cell's summary.json when it is done.
	Summary *runfolder.Summary
	// Slurm names the Slurm job that ran the cell last, if any.
	Slurm string
}

// Status returns the state of one cell. It reads the cell's folder; to
// tell whether a palmc runs the cell, it takes the folder's lock for an
// instant (see runfolder.InUse).
func (s *Sweep) Status(c IndexCell) CellStatus {
	st := s.status(c)
	if st.State != Running && st.State != Missing && runfolder.SwitchCutShort(s.CellDir(c)) {
		// What the cell's files say may be the previous run's.
		st.Note = strings.TrimPrefix(st.Note+"; a palmc was stopped while it put the cell's outputs in place: palmc sweep run or sweep cell finishes that first", "; ")
	}
	return st
}

// status is Status without the note of a switch cut short.
func (s *Sweep) status(c IndexCell) CellStatus {
	st := CellStatus{Cell: c}
	dir := s.CellDir(c)
	if _, err := os.Stat(dir); err != nil {
		st.State, st.Note = Missing, "the cell's folder is missing"
		return st
	}
	if note := s.paramsChanged(c); note != "" {
		st.State, st.Note = Changed, note
		return st
	}
	rec := readRecord(dir)
	if rec != nil {
		st.Seconds = rec.Seconds
		if id := rec.Slurm["SLURM_JOB_ID"]; id != "" {
			st.Slurm = id
			if a, t := rec.Slurm["SLURM_ARRAY_JOB_ID"], rec.Slurm["SLURM_ARRAY_TASK_ID"]; a != "" {
				st.Slurm = a + "_" + t
			}
		}
	}
	busy, err := runfolder.InUse(dir)
	if err != nil {
		st.State, st.Note = Failed, err.Error()
		return st
	}
	if busy != nil {
		st.State = Running
		if h := busy.Holder; h != nil {
			st.Note = fmt.Sprintf("pid %d on %s", h.PID, h.Host)
		}
		if rec != nil && rec.State == Running {
			st.Seconds += time.Since(rec.Started).Seconds()
		}
		return st
	}
	if exists(filepath.Join(dir, runfolder.CheckpointFile)) {
		st.State, st.Note = Interrupted, "a checkpoint waits to be resumed"
		return st
	}
	if exists(filepath.Join(dir, runfolder.SummaryFile)) {
		sum, err := readSummary(filepath.Join(dir, runfolder.SummaryFile))
		if err != nil {
			st.State, st.Note = Failed, err.Error()
			return st
		}
		if note := s.foreignOutputs(c, sum); note != "" {
			st.State, st.Note = Changed, note
			return st
		}
		st.State, st.Summary, st.Seconds = Done, sum, sum.WallSeconds
		if rec != nil && rec.State == Done {
			// The time palmc spent on the cell, writing its outputs too.
			st.Seconds = rec.Seconds
		}
		var bad []string
		for _, n := range sum.Networks {
			if n.Status != "ok" {
				bad = append(bad, n.Name+" "+n.Status)
			}
		}
		st.Note = strings.Join(bad, ", ")
		return st
	}
	if rec != nil {
		switch rec.State {
		case Failed:
			st.State, st.Note = Failed, rec.Error
			return st
		case Running, Interrupted:
			st.State, st.Note = Failed, fmt.Sprintf("the palmc that ran it (pid %d on %s) stopped without a checkpoint (killed?)", rec.PID, rec.Host)
			return st
		}
	}
	st.State = Pending
	return st
}

// Statuses returns the state of every cell, and the folders in cells/
// that are no cells of the sweep (made by hand: left alone).
func (s *Sweep) Statuses() ([]CellStatus, []string) {
	out := make([]CellStatus, len(s.Index.Cells))
	for i, c := range s.Index.Cells {
		out[i] = s.Status(c)
	}
	return out, s.extraDirs()
}

// extraDirs lists the entries of cells/ that the index does not name.
func (s *Sweep) extraDirs() []string {
	entries, err := os.ReadDir(filepath.Join(s.Dir, CellsDir))
	if err != nil {
		return nil
	}
	known := map[string]bool{}
	for _, c := range s.Index.Cells {
		known[c.Dir] = true
	}
	var extra []string
	for _, e := range entries {
		if d := CellsDir + "/" + e.Name(); !known[d] {
			extra = append(extra, d)
		}
	}
	slices.Sort(extra)
	return extra
}

// paramsChanged says how a cell's params.json differs from the one the
// index names, or "" when it is the same.
func (s *Sweep) paramsChanged(c IndexCell) string {
	path := filepath.Join(s.CellDir(c), runfolder.ParamsFile)
	text, err := params.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "its params.json is missing"
		}
		return err.Error()
	}
	if digest(text) == c.ParamsSHA256 {
		return ""
	}
	note := "its params.json was changed since palmc sweep init"
	if want := s.expectedText(c); want != nil {
		if keys := changedKeys(text, want, s.Index.Task); keys != "" {
			note += " (" + keys + ")"
		}
	}
	return note
}

// expectedText returns a cell's params.json as palmc sweep init wrote it,
// from the folder's sweep.json, or nil when that no longer gives it. The
// sweep file is expanded once.
func (s *Sweep) expectedText(c IndexCell) []byte {
	s.expandOnce.Do(func() {
		if f, err := Load(filepath.Join(s.Dir, SweepFile)); err == nil {
			s.expanded, _ = f.Expand()
		}
	})
	if c.Index >= len(s.expanded) || digest(s.expanded[c.Index].Text) != c.ParamsSHA256 {
		return nil
	}
	return s.expanded[c.Index].Text
}

// changedKeys names the params keys in which two params texts differ.
func changedKeys(got, want []byte, task params.Task) string {
	pg, _, err := params.ParseAccepted(got, task)
	if err != nil {
		return "it no longer parses: " + err.Error()
	}
	pw, _, err := params.ParseAccepted(want, task)
	if err != nil {
		return ""
	}
	keys := differingKeys(pg, pw)
	if len(keys) == 0 {
		return "the same params, written differently"
	}
	return "changed: " + strings.Join(keys, ", ")
}

// differingKeys names, sorted, the params keys whose values differ
// between a and b.
func differingKeys(a, b *params.Params) []string {
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	var keys []string
	for k, v := range ma {
		if w, ok := mb[k]; !ok || string(w) != string(v) {
			keys = append(keys, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// readSummary reads a cell's summary.json.
func readSummary(path string) (*runfolder.Summary, error) {
	b, err := inputfile.Read(path, runfolder.MaxSummarySize)
	if err != nil {
		return nil, err
	}
	var s runfolder.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &s, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
