package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeSweepFile writes a golden case's params (with some keys replaced)
// as base.json and a sweep file beside it; it returns the sweep file.
func writeSweepFile(t *testing.T, name string, set map[string]any, sweep string) string {
	t.Helper()
	dir := t.TempDir()
	par := writeParams(t, name, dir, set)
	os.Rename(par, filepath.Join(dir, "base.json"))
	path := filepath.Join(dir, "sweep.json")
	if err := os.WriteFile(path, []byte(sweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// palmcOut runs the palmc binary and returns its exit code and standard
// output.
func palmcOut(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(buildPalmc(t), args...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// cellDirs lists the cell folders of a sweep folder.
func cellDirs(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "cells", "*"))
	return m
}

// referenceRun runs palmc run on a copy of a cell's params.json and
// returns the run folder.
func referenceRun(t *testing.T, cell string, args ...string) string {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref")
	os.MkdirAll(ref, 0o755)
	b, err := os.ReadFile(filepath.Join(cell, "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(ref, "params.json"), b, 0o644)
	run(t, 0, append([]string{"run", "--params", ref, "--quiet", "--no-plots"}, args...)...)
	return ref
}

// From a sweep file to sweep.csv with the commands of README.md; a bad
// sweep file writes nothing; a cell's results are those of palmc run on
// its folder.
func TestSweepCommands(t *testing.T) {
	tiny := map[string]any{"rec_only": []string{"MSE", "WPP", "BPP"}}
	bad := writeSweepFile(t, "pal_fw_tiny", tiny, `{"base": "base.json", "task": "fw_bw", "grid": {"eta_bw": [[5], [-1]]}, "seeds": [1]}`)
	dir := filepath.Join(t.TempDir(), "study")
	msg := run(t, 2, "sweep", "init", bad, dir)
	if !strings.Contains(msg, "grid: eta_bw: value [-1]") {
		t.Errorf("bad sweep file: %s", msg)
	}
	if exists(dir) {
		t.Fatal("a bad sweep file wrote the folder")
	}
	good := writeSweepFile(t, "pal_fw_tiny", tiny, `{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP"],
		"grid": {"eta_bw": [[5], [20]]}, "seeds": [123, 456]}`)
	run(t, 0, "sweep", "init", good, dir)
	if msg := run(t, 2, "sweep", "init", bad, dir); !strings.Contains(msg, "eta_bw") {
		t.Errorf("init of a bad file over a sweep: %s", msg)
	}
	run(t, 0, "sweep", "run", dir, "--workers", "2", "--quiet")
	code, out := palmcOut(t, "sweep", "status", dir)
	if code != 0 || !strings.Contains(out, "4 cells: 4 done") {
		t.Errorf("status: %d\n%s", code, out)
	}
	run(t, 0, "sweep", "gather", dir)
	b, err := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if err != nil || strings.Count(string(b), "\n") != 5 {
		t.Fatalf("sweep.csv: %v\n%s", err, b)
	}
	cells := cellDirs(t, dir)
	for _, c := range []string{cells[0], cells[3]} {
		ref := referenceRun(t, c, "--task", "fw_bw", "--compare", "BP")
		sameNPZ(t, filepath.Join(c, resultsFile), filepath.Join(ref, resultsFile))
		sameNPZ(t, filepath.Join(ref, modelFile), filepath.Join(c, modelFile))
	}
	// Every cell done: the array script has nothing to run, and says so.
	if msg := run(t, 0, "sweep", "slurm", dir); !strings.Contains(msg, "no cell to run") {
		t.Errorf("sweep slurm with every cell done: %s", msg)
	}
	// palmc sweep cell runs a cell by hand; done, it does nothing.
	run(t, 0, "sweep", "cell", dir, "3")
	if msg := run(t, 2, "sweep", "cell", dir, "4"); !strings.Contains(msg, "4 cells") {
		t.Errorf("cell 4: %s", msg)
	}
	for _, args := range [][]string{{"sweep", "run", dir, "--cells", "4"}, {"sweep", "run", dir, "--workers", "-1"},
		{"sweep", "status", filepath.Join(dir, "cells")}, {"sweep", "gather", t.TempDir()}, {"sweep", "init", "--experiment", "fig7", dir},
		{"figure", "fig6", dir}, {"sweep", "slurm", dir, "--cpus-per-task", "0"}, {"sweep", "slurm", dir, "--signal-before", "0"},
		{"sweep", "slurm", dir, "--partition", "a b"}, {"sweep", "slurm", dir, "--mem", "-5G"}} {
		if code, msg := palmc(t, args...); code != 2 {
			t.Errorf("%v: exit %d: %s", args, code, msg)
		}
	}
}

// Ctrl-C saves the running cells, a second sweep run is refused, a kill
// loses at most one checkpoint interval, and the resumed cells end as an
// uninterrupted run does.
func TestSweepInterruptions(t *testing.T) {
	// A cell runs for about 5 s on one free core, so that the resumed
	// cells are still running after their first periodic checkpoint even
	// on a faster machine.
	set := map[string]any{"epochs": 1500, "rec_per_steps": 500, "rec_only": []string{"WPP", "BPP"}}
	file := writeSweepFile(t, "pal_bw_deep", set, `{"base": "base.json", "task": "bw_only", "flags": ["--compare", "BP", "--checkpoint-every", "300ms", "--no-plots"],
		"seeds": [123, 456]}`)
	dir := filepath.Join(t.TempDir(), "study")
	run(t, 0, "sweep", "init", file, dir)
	cells := cellDirs(t, dir)
	cmd, stderr := start(t, "sweep", "run", dir, "--workers", "2")
	waitFor(t, "cells running", func() bool {
		return exists(filepath.Join(cells[0], ".palmc.lock")) && exists(filepath.Join(cells[1], ".palmc.lock"))
	})
	time.Sleep(200 * time.Millisecond)
	code, msg := palmc(t, "sweep", "run", dir, "--quiet")
	if code != 1 || !strings.Contains(msg, fmt.Sprintf("in use by palmc (pid %d", cmd.Process.Pid)) {
		t.Errorf("second sweep run: exit %d: %s", code, msg)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitCode(t, cmd, 30*time.Second); code != 1 || !strings.Contains(stderr.String(), "palmc sweep run "+dir+" goes on") {
		t.Fatalf("exit %d after SIGINT:\n%s", code, stderr)
	}
	_, out := palmcOut(t, "sweep", "status", dir)
	if !strings.Contains(out, "2 interrupted") {
		t.Fatalf("status after SIGINT:\n%s", out)
	}
	// Resumed, then killed after a periodic checkpoint.
	before, _ := os.Stat(filepath.Join(cells[0], "checkpoint.npz"))
	cmd, _ = start(t, "sweep", "run", dir, "--workers", "2", "--quiet")
	waitFor(t, "a periodic checkpoint", func() bool {
		fi, err := os.Stat(filepath.Join(cells[0], "checkpoint.npz"))
		return err == nil && fi.ModTime().After(before.ModTime())
	})
	cmd.Process.Kill()
	exitCode(t, cmd, 10*time.Second)
	if _, out = palmcOut(t, "sweep", "status", dir); !strings.Contains(out, "interrupted") {
		t.Fatalf("status after SIGKILL:\n%s", out)
	}
	run(t, 0, "sweep", "run", dir, "--quiet")
	if _, out = palmcOut(t, "sweep", "status", dir); !strings.Contains(out, "2 cells: 2 done") {
		t.Fatalf("status at the end:\n%s", out)
	}
	ref := referenceRun(t, cells[0], "--task", "bw_only", "--compare", "BP")
	sameNPZ(t, filepath.Join(cells[0], resultsFile), filepath.Join(ref, resultsFile))
	sum := readSummary(t, cells[0])
	if len(sum.Segments) != 3 {
		t.Errorf("cell 0 ran in %d segments, want 3", len(sum.Segments))
	}
}
