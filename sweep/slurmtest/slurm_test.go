package slurmtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"palmc/runfolder"
	"palmc/store"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// palmc builds the palmc command once for the tests.
func palmc(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "palmc-slurmtest-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "palmc")
		if out, err := exec.Command("go", "build", "-o", binPath, "palmc/cmd/palmc").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// run runs palmc and fails the test unless it exits with 0; it returns the
// standard output.
func run(t *testing.T, c *Cluster, bin string, args ...string) string {
	t.Helper()
	return runIn(t, c, "", bin, args...)
}

// runIn is run in the working folder wd ("": this process's).
func runIn(t *testing.T, c *Cluster, wd, bin string, args ...string) string {
	t.Helper()
	cmd := c.Command(bin, args...)
	cmd.Dir = wd
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("palmc %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// writeSweep writes pal_bw_deep's params, recording little, as base.json
// and a sweep file beside it, and returns the sweep file.
func writeSweep(t *testing.T, sweep string) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/golden/pal_bw_deep/params.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for k := range m {
		if strings.HasPrefix(k, "rec_") && k != "rec_per_steps" {
			m[k] = false
		}
	}
	m["rec_WPP"], m["rec_BPP"], m["rec_per_steps"] = true, true, 500
	b, _ = json.Marshal(m)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.json"), b, 0o644)
	path := filepath.Join(dir, "sweep.json")
	os.WriteFile(path, []byte(sweep), 0o644)
	return path
}

// sameNPZ compares every numeric array of two npz files bit for bit.
func sameNPZ(t *testing.T, a, b string) {
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

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// waitFor polls until ok, failing after three minutes.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(3 * time.Minute); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited 3 minutes for %s", what)
}

// A sweep of 4 cells through palmc sweep slurm --submit on a real Slurm:
// every cell done, the results those of a local palmc run, sweep.csv
// complete; a cell signalled with SIGUSR1 checkpoints, requeues and ends
// with the results of an uninterrupted run. The cluster is stopped by PID
// and nothing of it is left running.
func TestSweepOnSlurm(t *testing.T) {
	Need(t)
	if testing.Short() {
		t.Skip("starts a Slurm cluster")
	}
	bin := palmc(t)
	before := Processes()
	t.Cleanup(func() {
		for pid, name := range Processes() {
			if _, ok := before[pid]; !ok {
				t.Errorf("left running: %s (pid %d)", name, pid)
			}
		}
	})
	began := time.Now()
	c := Start(t)
	t.Logf("timing: Slurm started in %s", time.Since(began).Round(100*time.Millisecond))

	file := writeSweep(t, `{"base": "base.json", "task": "bw_only",
		"flags": ["--compare", "BP", "--checkpoint-every", "500ms", "--no-plots"],
		"grid": {"epochs": [100, 900]}, "seeds": [123, 456]}`)
	// A folder name that a shell would run, sbatch split or cut at #, and
	// Slurm take for a file name pattern (%j), unless the scripts quote it.
	parent := t.TempDir()
	dir := filepath.Join(parent, `study&id>pwned 'q"x%j#(y)`)
	run(t, c, bin, "sweep", "init", file, dir)
	cells, _ := filepath.Glob(filepath.Join(strings.ReplaceAll(dir, "[", "[[]"), "cells", "*"))
	if len(cells) != 4 {
		t.Fatalf("cells: %v", cells)
	}

	submitted := time.Now()
	// Jobs start in the folder they were submitted from.
	work := t.TempDir()
	out := runIn(t, c, work, bin, "sweep", "slurm", dir, "--time", "00:10:00", "--submit")
	m := regexp.MustCompile(`array job (\d+)\ngather job (\d+)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("job ids: %q", out)
	}
	array, gather := m[1], m[2]

	// Cell 2 (900 epochs) runs; after its first periodic checkpoint it is
	// asked to checkpoint and requeue, as the time-limit warning would.
	waitFor(t, "cell 2 to save a periodic checkpoint", func() bool { return exists(filepath.Join(cells[2], runfolder.CheckpointFile)) })
	signalled := time.Now()
	c.Must(t, "scancel", "--batch", "--signal=USR1", array+"_2")
	log2 := filepath.Join(dir, "slurm", "logs", "task-2.log")
	waitFor(t, "cell 2 to requeue", func() bool {
		b, _ := os.ReadFile(log2)
		return bytes.Contains(b, []byte("requeued"))
	})
	requeued := time.Now()
	record := filepath.Join(cells[2], ".palmc-sweep-cell.json")
	waitFor(t, "cell 2 to end", func() bool {
		b, _ := os.ReadFile(record)
		return bytes.Contains(b, []byte(`"state": "done"`))
	})
	resumed := time.Now()
	waitFor(t, "the array", func() bool {
		out, err := c.Command("squeue", "-h", "-j", array).Output()
		return err == nil && len(bytes.TrimSpace(out)) == 0
	})
	arrayDone := time.Now()
	waitFor(t, "the gather job", func() bool {
		s := c.JobState(gather)
		return s == "COMPLETED" || s == "FAILED" || s == "CANCELLED" || s == "TIMEOUT"
	})
	gathered := time.Now()
	if s := c.JobState(gather); s != "COMPLETED" {
		b, _ := os.ReadFile(filepath.Join(dir, "slurm", "logs", "gather.log"))
		t.Fatalf("gather job %s: %s\n%s", gather, s, b)
	}
	t.Logf("timing: array of 4 cells %s from submission to its end; cell 2 signalled %s after submission, checkpointed and requeued %s later, restarted, resumed and done %s after the requeue; gather job %s after the array",
		arrayDone.Sub(submitted).Round(100*time.Millisecond), signalled.Sub(submitted).Round(100*time.Millisecond),
		requeued.Sub(signalled).Round(100*time.Millisecond), resumed.Sub(requeued).Round(100*time.Millisecond),
		gathered.Sub(arrayDone).Round(100*time.Millisecond))

	if status := run(t, c, bin, "sweep", "status", dir); !strings.Contains(status, "4 cells: 4 done") {
		t.Fatalf("status:\n%s", status)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 {
		t.Fatalf("sweep.csv:\n%s", csv)
	}
	col := map[string]int{}
	for i, h := range strings.Split(lines[0], ",") {
		col[h] = i
	}
	if _, ok := col["final_angle_WPPT_BPP_2"]; !ok {
		t.Fatalf("sweep.csv header: %s", lines[0])
	}
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); f[col["state"]] != "done" || f[col["status"]] != "ok" || f[col["final_angle_WPPT_BPP_2"]] == "" {
			t.Errorf("sweep.csv row: %s", l)
		}
	}
	// The requeued cell ran twice, the second time as Slurm's restart.
	var rec struct {
		Attempts int
		Slurm    map[string]string
	}
	b, _ := os.ReadFile(record)
	json.Unmarshal(b, &rec)
	var sum runfolder.Summary
	b, _ = os.ReadFile(filepath.Join(cells[2], runfolder.SummaryFile))
	json.Unmarshal(b, &sum)
	if rec.Attempts != 2 || rec.Slurm["SLURM_RESTART_COUNT"] != "1" || len(sum.Segments) != 2 {
		t.Errorf("cell 2: %d attempts, Slurm %v, %d segments", rec.Attempts, rec.Slurm, len(sum.Segments))
	}
	// Every cell's results are those of palmc run on a copy of its params.
	for _, cell := range cells {
		ref := filepath.Join(t.TempDir(), "ref")
		os.MkdirAll(ref, 0o755)
		b, _ := os.ReadFile(filepath.Join(cell, runfolder.ParamsFile))
		os.WriteFile(filepath.Join(ref, runfolder.ParamsFile), b, 0o644)
		run(t, c, bin, "run", "--params", ref, "--task", "bw_only", "--compare", "BP", "--quiet", "--no-plots")
		sameNPZ(t, filepath.Join(cell, runfolder.ResultsFile), filepath.Join(ref, runfolder.ResultsFile))
	}
	// A cell whose network diverges: its task ends with exit code 1, as
	// palmc run does, and the gather job runs all the same.
	file = writeSweep(t, `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"],
		"grid": {"epochs": [5], "eta_fw": [[1, 1, 1, 1], [1, 1, 1, 1e306]]}, "seeds": [1]}`)
	div := filepath.Join(t.TempDir(), "diverging")
	run(t, c, bin, "sweep", "init", file, div)
	m = regexp.MustCompile(`array job (\d+)\ngather job (\d+)\n`).FindStringSubmatch(runIn(t, c, work, bin, "sweep", "slurm", div, "--submit"))
	if m == nil {
		t.Fatal("no job ids")
	}
	waitFor(t, "the gather job of the diverging sweep", func() bool {
		s := c.JobState(m[2])
		return s == "COMPLETED" || s == "FAILED" || s == "CANCELLED" || s == "TIMEOUT"
	})
	if s0, s1, g := c.JobState(m[1]+"_0"), c.JobState(m[1]+"_1"), c.JobState(m[2]); s0 != "COMPLETED" || s1 != "FAILED" || g != "COMPLETED" {
		t.Errorf("diverging sweep: tasks %s and %s, gather %s", s0, s1, g)
	}
	if csv, err := os.ReadFile(filepath.Join(div, "sweep.csv")); err != nil || !strings.Contains(string(csv), ",done,diverged,") {
		t.Errorf("diverging sweep's sweep.csv: %v\n%s", err, csv)
	}
	for _, d := range []string{parent, work} {
		if entries, _ := os.ReadDir(d); d == parent && len(entries) != 1 || d == work && len(entries) != 0 {
			t.Errorf("the scripts made files in %s: %v", d, entries)
		}
	}
	t.Logf("timing: whole test before the stop %s", time.Since(began).Round(100*time.Millisecond))
}

// Without Slurm's commands, palmc sweep slurm --submit says so and writes
// the scripts all the same.
func TestSubmitWithoutSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds palmc")
	}
	bin := palmc(t)
	file := writeSweep(t, `{"base": "base.json", "task": "bw_only", "seeds": [1, 2]}`)
	dir := filepath.Join(t.TempDir(), "study")
	c := &Cluster{Env: append(os.Environ(), "PATH="+t.TempDir())}
	run(t, c, bin, "sweep", "init", file, dir)
	cmd := c.Command(bin, "sweep", "slurm", dir, "--submit")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "no Slurm here: sbatch is not on this machine's PATH") {
		t.Errorf("%v\n%s", err, out)
	}
	for _, f := range []string{"array.sbatch", "gather.sbatch"} {
		b, err := os.ReadFile(filepath.Join(dir, "slurm", f))
		if err != nil || !strings.Contains(string(b), fmt.Sprintf("\nexec %s sweep ", bin)) {
			t.Errorf("%s: %v\n%s", f, err, b)
		}
	}
}
