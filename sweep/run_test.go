package sweep

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"palmc/params"
	"palmc/runfolder"
	"palmc/store"
)

// newSweep writes a sweep folder from a base and a sweep file's text.
func newSweep(t *testing.T, base []byte, text string) *Sweep {
	t.Helper()
	f, err := Load(writeSweep(t, base, text))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sweep")
	if _, err := Init(f, dir, []string{"test"}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reference runs a cell's params in a folder of its own as palmc run does
// (runfolder, default workers) and returns that folder.
func reference(t *testing.T, s *Sweep, c IndexCell) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ref")
	os.MkdirAll(dir, 0o755)
	text, err := os.ReadFile(filepath.Join(s.CellDir(c), runfolder.ParamsFile))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, runfolder.ParamsFile)
	os.WriteFile(path, text, 0o644)
	p, w, err := params.Parse(text, s.Index.Task)
	if err != nil {
		t.Fatal(err)
	}
	f, err := runfolder.Open(dir, []string{"reference"})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o := s.Flags.RunOptions(s.Index.Task)
	o.Workers, o.CheckpointEvery, o.NoPlots = 0, 0, true
	ctx := context.Background()
	if _, err := f.Start(ctx, ctx, runfolder.Source{Path: path, Text: text, Params: p, Warnings: w}, o); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sameResults compares every numeric array of two npz files bit for bit.
func sameResults(t *testing.T, a, b string) {
	t.Helper()
	x, err := store.ReadNPZ(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := store.ReadNPZ(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != len(y) || len(x) == 0 {
		t.Fatalf("%s has %d arrays, %s %d", a, len(x), b, len(y))
	}
	for k, v := range x {
		w, ok := y[k]
		if !ok || len(w.Data) != len(v.Data) {
			t.Fatalf("%s: %s differs in presence or size", b, k)
		}
		for i := range v.Data {
			if math.Float64bits(v.Data[i]) != math.Float64bits(w.Data[i]) {
				t.Fatalf("%s[%d]: %v in %s, %v in %s", k, i, v.Data[i], a, w.Data[i], b)
			}
		}
	}
}

func states(s *Sweep) map[State]int {
	sts, _ := s.Statuses()
	out := map[State]int{}
	for _, st := range sts {
		out[st.State]++
	}
	return out
}

// A local run gives every cell the results of palmc run on its folder.
func TestRunMatchesPalmcRun(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP", "--no-plots"],
		"grid": {"eta_bw": [[5], [20]]}, "seeds": [123, 456]}`)
	ctx := context.Background()
	rep, err := s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true})
	if err != nil || rep.Done != 4 {
		t.Fatalf("%+v %v", rep, err)
	}
	if st := states(s); st[Done] != 4 {
		t.Fatalf("states %v", st)
	}
	for _, c := range []IndexCell{s.Index.Cells[0], s.Index.Cells[3]} {
		ref := reference(t, s, c)
		for _, f := range []string{runfolder.ResultsFile, runfolder.ModelFile} {
			sameResults(t, filepath.Join(s.CellDir(c), f), filepath.Join(ref, f))
		}
	}
	// Run again: nothing to do.
	rep, err = s.Run(ctx, ctx, RunOptions{Quiet: true})
	if err != nil || rep.Ran != 0 || len(rep.Skipped) != 4 {
		t.Fatalf("second run: %+v %v", rep, err)
	}
}

// slowBase is pal_bw_deep with enough epochs to be stopped while it runs.
func slowBase(t *testing.T, epochs int) []byte {
	return goldenBase(t, "pal_bw_deep", map[string]any{"epochs": epochs, "rec_per_steps": 500, "rec_only": []string{"WPP", "BPP"}})
}

// waitRunning waits until a palmc holds the cell's folder.
func waitRunning(t *testing.T, s *Sweep, c IndexCell) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if b, _ := runfolder.InUse(s.CellDir(c)); b != nil {
			return
		}
	}
	t.Fatalf("%s never ran", c.Dir)
}

// Stopped, a run saves its running cells to their checkpoints; run again,
// it resumes them and skips the finished ones, and the results are those
// of an uninterrupted run.
func TestInterruptAndResume(t *testing.T) {
	s := newSweep(t, slowBase(t, 150), `{"base": "base.json", "task": "bw_only", "flags": ["--compare", "BP", "--no-plots"],
		"seeds": [123, 456, 789]}`)
	stop, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var rep *RunReport
	var err error
	go func() {
		rep, err = s.Run(stop, context.Background(), RunOptions{Workers: 2, Quiet: true})
		close(done)
	}()
	waitRunning(t, s, s.Index.Cells[0])
	time.Sleep(100 * time.Millisecond)
	cancel()
	<-done
	if err == nil || !strings.Contains(err.Error(), "interrupted") || rep.Interrupted == 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	st := states(s)
	if st[Interrupted] == 0 || st[Pending] == 0 || st[Interrupted]+st[Pending]+st[Done] != 3 {
		t.Fatalf("states after the stop: %v", st)
	}
	ctx := context.Background()
	if rep, err = s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if st := states(s); st[Done] != 3 {
		t.Fatalf("states: %v", st)
	}
	c := s.Index.Cells[0]
	sum, _ := readSummary(filepath.Join(s.CellDir(c), runfolder.SummaryFile))
	if len(sum.Segments) != 2 {
		t.Errorf("cell 0 ran in %d segments, want 2 (resumed)", len(sum.Segments))
	}
	sameResults(t, filepath.Join(s.CellDir(c), runfolder.ResultsFile), filepath.Join(reference(t, s, c), runfolder.ResultsFile))
}

// One palmc sweep run per folder: a second is refused with a message that
// names the first, and so is a Slurm task; a run is refused while tasks
// run.
func TestSecondRunIsRefused(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "seeds": [1]}`)
	l, err := lock(s.Dir, true, []string{"palmc", "sweep", "run", s.Dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = s.Run(ctx, ctx, RunOptions{Quiet: true})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Holder == nil || busy.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "palmc sweep run") {
		t.Errorf("second run: %v", err)
	}
	if _, err = s.RunTask(ctx, ctx, 0, TaskOptions{Quiet: true}); !errors.As(err, &busy) {
		t.Errorf("task: %v", err)
	}
	l.unlock()
	// A killed sweep run leaves its name in the lock file: tasks that hold
	// the lock together later must not have it named.
	os.WriteFile(filepath.Join(s.Dir, lockFile), []byte(`{"pid": 999999, "host": "gone", "command": ["palmc", "sweep", "run"]}`), 0o644)
	shared, err := lock(s.Dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer shared.unlock()
	if _, err = s.Run(ctx, ctx, RunOptions{Quiet: true}); !errors.As(err, &busy) || !strings.Contains(err.Error(), "cells of it are running") || strings.Contains(err.Error(), "999999") {
		t.Errorf("run beside tasks: %v", err)
	}
	if st := states(s); st[Pending] != 1 {
		t.Errorf("states %v", st)
	}
}

// A folder edited by hand: a cell folder removed, a params.json edited, a
// folder added. Nothing runs until it is repaired; init writes the missing
// cell again and leaves the edited one and the extra folder alone.
func TestEditedFolder(t *testing.T) {
	base := tinyBase(t)
	text := `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "grid": {"eta_bw": [[5], [20]]}, "seeds": [1, 2]}`
	path := writeSweep(t, base, text)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sweep")
	if _, err := Init(f, dir, nil); err != nil {
		t.Fatal(err)
	}
	s, _ := Open(dir)
	c1, c2 := s.Index.Cells[1], s.Index.Cells[2]
	os.RemoveAll(s.CellDir(c1))
	p2 := filepath.Join(s.CellDir(c2), runfolder.ParamsFile)
	b, _ := os.ReadFile(p2)
	edited := strings.Replace(string(b), `"eta_bw": [20]`, `"eta_bw": [21]`, 1)
	os.WriteFile(p2, []byte(edited), 0o644)
	os.MkdirAll(filepath.Join(dir, CellsDir, "mine"), 0o755)

	sts, extra := s.Statuses()
	if sts[1].State != Missing || sts[2].State != Changed || !strings.Contains(sts[2].Note, "changed: eta_bw") {
		t.Errorf("states: %+v / %+v", sts[1], sts[2])
	}
	if len(extra) != 1 || extra[0] != "cells/mine" {
		t.Errorf("extra: %v", extra)
	}
	ctx := context.Background()
	_, err = s.Run(ctx, ctx, RunOptions{Quiet: true})
	var r *Refusal
	if !errors.As(err, &r) || !strings.Contains(err.Error(), c1.Dir) || !strings.Contains(err.Error(), c2.Dir) {
		t.Fatalf("run: %v", err)
	}
	if st := states(s); st[Pending] != 2 {
		t.Fatalf("something ran: %v", st)
	}
	// A cell run by itself is refused too.
	if state, err := s.RunCell(ctx, ctx, c2, CellOptions{}); state != Changed || !errors.As(err, &r) {
		t.Errorf("cell: %v %v", state, err)
	}
	// Init with another sweep file is refused; with the same, it repairs.
	other := writeSweep(t, base, strings.Replace(text, "[1, 2]", "[1, 3]", 1))
	of, _ := Load(other)
	if _, err := Init(of, dir, nil); !errors.As(err, &r) || !strings.Contains(err.Error(), "another sweep") {
		t.Errorf("init of another sweep: %v", err)
	}
	rep, err := Init(f, dir, nil)
	if err != nil || len(rep.Repaired) != 1 || rep.Repaired[0] != c1.Dir {
		t.Fatalf("repair: %+v %v", rep, err)
	}
	if b, _ := os.ReadFile(p2); string(b) != edited {
		t.Error("init overwrote an edited params.json")
	}
	// From the folder's own sweep.json too.
	os.RemoveAll(s.CellDir(c1))
	sf, err := Load(filepath.Join(dir, SweepFile))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Init(sf, dir, nil); err != nil || len(rep.Repaired) != 1 {
		t.Fatalf("repair from DIR/sweep.json: %+v %v", rep, err)
	}
	os.WriteFile(p2, b, 0o644)
	if _, err := s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if st := states(s); st[Done] != 4 {
		t.Errorf("states %v", st)
	}
	if _, err := os.Stat(filepath.Join(dir, CellsDir, "mine")); err != nil {
		t.Error("the extra folder is gone")
	}
}

// A cell that fails is listed with its error; a cell in use is running;
// a periodic checkpoint left by a killed palmc is interrupted.
func TestStates(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--max-memory", "1K"], "seeds": [1, 2, 3]}`)
	ctx := context.Background()
	// Run refuses the cells before any runs; a Slurm task runs its cell
	// alone, which then fails.
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true, Cells: []int{0}}); err == nil || !strings.Contains(err.Error(), "need more memory") {
		t.Fatalf("run: %v", err)
	}
	state, err := s.RunCell(ctx, ctx, s.Index.Cells[0], CellOptions{})
	if state != Failed || err == nil || !strings.Contains(err.Error(), "memory") {
		t.Fatalf("cell: %s %v", state, err)
	}
	f, err := runfolder.Open(s.CellDir(s.Index.Cells[1]), []string{"palmc", "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	os.WriteFile(filepath.Join(s.CellDir(s.Index.Cells[2]), runfolder.CheckpointFile), nil, 0o644)
	sts, _ := s.Statuses()
	want := []State{Failed, Running, Interrupted}
	for i, st := range sts {
		if st.State != want[i] {
			t.Errorf("cell %d: %s (%s), want %s", i, st.State, st.Note, want[i])
		}
	}
	if !strings.Contains(sts[0].Note, "memory") || !strings.Contains(sts[1].Note, "pid") {
		t.Errorf("notes: %q, %q", sts[0].Note, sts[1].Note)
	}
}

// A cell whose results are damaged is not run again over them.
func TestDamagedResultsAreKept(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1]}`)
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	c := s.Index.Cells[0]
	sum := filepath.Join(s.CellDir(c), runfolder.SummaryFile)
	os.WriteFile(sum, []byte("{broken"), 0o644)
	res, _ := os.ReadFile(filepath.Join(s.CellDir(c), runfolder.ResultsFile))
	if st := s.Status(c); st.State != Failed || !strings.Contains(st.Note, "summary.json") {
		t.Errorf("status: %+v", st)
	}
	_, err := s.Run(ctx, ctx, RunOptions{Quiet: true})
	if err == nil || !strings.Contains(err.Error(), "not run again over them") {
		t.Fatalf("run: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(s.CellDir(c), runfolder.ResultsFile)); string(b) != string(res) {
		t.Error("results.npz was overwritten")
	}
}

// A task beyond the last block is refused, whatever the block size: a
// product task·block that overflows names no cell.
func TestRunTaskBounds(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1, 2, 3]}`)
	ctx := context.Background()
	huge := math.MaxInt64/2 + 1
	for _, c := range []struct{ task, block int }{{1, huge}, {2, huge}, {4, huge}, {3, 1}, {2, 2}, {-1, 1}, {math.MaxInt64, 1}} {
		var r *Refusal
		if _, err := s.RunTask(ctx, ctx, c.task, TaskOptions{Block: c.block, Quiet: true}); !errors.As(err, &r) {
			t.Errorf("task %d, block %d: %v", c.task, c.block, err)
		}
	}
	if st := states(s); st[Pending] != 3 {
		t.Fatalf("refused tasks ran cells: %v", st)
	}
	if rep, err := s.RunTask(ctx, ctx, 0, TaskOptions{Block: huge, Quiet: true}); err != nil || rep.Done != 3 {
		t.Fatalf("task 0 of one block: %+v %v", rep, err)
	}
}

// A cell whose network diverges is done, its results saved, and the run
// says so with an error, as palmc run does with its exit code 1; run again,
// it is skipped as done.
func TestDivergedCell(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "grid": {"eta_fw": [[2, 0.5], [2, 1e306]]}, "seeds": [1]}`)
	ctx := context.Background()
	rep, err := s.Run(ctx, ctx, RunOptions{Quiet: true})
	var r *Refusal
	if err == nil || errors.As(err, &r) || rep.Done != 2 || len(rep.Diverged) != 1 || !strings.Contains(err.Error(), "1 cells ended with a network that diverged") {
		t.Fatalf("%+v %v", rep, err)
	}
	if st := states(s); st[Done] != 2 {
		t.Fatalf("states %v", st)
	}
	if rep, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil || rep.Ran != 0 {
		t.Fatalf("run again: %+v %v", rep, err)
	}
	s = newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "grid": {"eta_fw": [[2, 0.5], [2, 1e306]]}, "seeds": [1]}`)
	trep, err := s.RunTask(ctx, ctx, 0, TaskOptions{Block: 2, Quiet: true})
	if err == nil || errors.As(err, &r) || trep.Done != 2 || trep.Diverged != 1 || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("task: %+v %v", trep, err)
	}
}

// A cell whose outputs' switch a killed palmc left half done is noted by
// status, and finished by the next run of the sweep.
func TestSwitchCutShortInACell(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1]}`)
	c := s.Index.Cells[0]
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(s.CellDir(c), ".palmc-commit", ".old-plots"), 0o755)
	if st := s.Status(c); !strings.Contains(st.Note, "stopped while it put the cell's outputs in place") {
		t.Errorf("status: %s (%s)", st.State, st.Note)
	}
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if st := s.Status(c); st.State != Done || st.Note != "" {
		t.Errorf("after the run: %s (%s)", st.State, st.Note)
	}
}
