package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"palmc/runfolder"
	"palmc/store"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildPalmc builds the command once for the tests that need a real
// process.
func buildPalmc(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the palmc binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "palmc-test-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "palmc")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	// Under nohup the palmc processes the tests start would inherit an
	// ignored SIGHUP, which palmc keeps ignored (signals.go); catching it
	// here gives them its default action, as when run from a terminal.
	if signal.Ignored(syscall.SIGHUP) {
		signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
	}
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// writeParams writes a golden case's params with some fields replaced.
func writeParams(t *testing.T, name, dir string, set map[string]any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata/golden", name, "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		if k == "rec_only" {
			for key := range m {
				if strings.HasPrefix(key, "rec_") && key != "rec_per_steps" {
					m[key] = false
				}
			}
			for _, r := range v.([]string) {
				m["rec_"+r] = true
			}
			continue
		}
		m[k] = v
	}
	b, _ = json.Marshal(m)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "params.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

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
	if len(x) != len(y) {
		t.Fatalf("%s has %d keys, %s %d", a, len(x), b, len(y))
	}
	for k, v := range x {
		w, ok := y[k]
		if !ok || len(w.Data) != len(v.Data) {
			t.Fatalf("%s: %s differs in presence or size", b, k)
		}
		for i := range v.Data {
			if v.Data[i] != w.Data[i] && !(math.IsNaN(v.Data[i]) && math.IsNaN(w.Data[i])) {
				t.Fatalf("%s[%d]: %v in %s, %v in %s", k, i, v.Data[i], a, w.Data[i], b)
			}
		}
	}
}

// SIGINT stops a real palmc process after the current step and leaves a
// checkpoint; --resume finishes the run with the results of a run that was
// never interrupted.
func TestSignalCheckpointResume(t *testing.T) {
	bin := buildPalmc(t)
	set := map[string]any{"epochs": 200, "rec_per_steps": 500, "rec_only": []string{"WPP", "BPP", "vbas", "noise"}}
	ref := writeParams(t, "pal_bw_deep", filepath.Join(t.TempDir(), "ref"), set)
	if out, err := exec.Command(bin, "run", "--params", ref, "--task", "bw_only", "--compare", "BP", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}

	dir := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_bw_deep", dir, set)
	cmd := exec.Command(bin, "run", "--params", par, "--task", "bw_only", "--compare", "BP")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var lines []string
	signalled := false
	for sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		if strings.ContainsAny(line, "\x1b\r") {
			t.Errorf("progress without a terminal has control characters: %q", line)
		}
		if !signalled && strings.Contains(line, " step ") {
			cmd.Process.Signal(syscall.SIGINT)
			signalled = true
		}
	}
	err = cmd.Wait()
	if !signalled {
		t.Fatalf("no progress line to interrupt after; stderr:\n%s", strings.Join(lines, "\n"))
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("interrupted run: %v, want exit code 1; stderr:\n%s", err, strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "--resume") {
		t.Errorf("the message does not say how to resume:\n%s", strings.Join(lines, "\n"))
	}
	if _, err := os.Stat(filepath.Join(dir, store.CheckpointFile)); err != nil {
		t.Fatalf("no checkpoint after SIGINT: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "results.npz")); err == nil {
		t.Fatal("results.npz written by an interrupted run")
	}
	if out, err := exec.Command(bin, "run", "--resume", dir, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, store.CheckpointFile)); !os.IsNotExist(err) {
		t.Errorf("checkpoint still there after a finished resume: %v", err)
	}
	sameNPZ(t, filepath.Join(filepath.Dir(ref), "results.npz"), filepath.Join(dir, "results.npz"))
	sameNPZ(t, filepath.Join(filepath.Dir(ref), "model.npz"), filepath.Join(dir, "model.npz"))
}

// A diverging run saves every result, marks the diverged networks in
// summary.json and exits with 1.
func TestDivergedRunExitCode(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "fa_fw_relu", dir, map[string]any{"eta_fw": []float64{1e300, 1e300}})
	code, stderr := palmc(t, "run", "--params", par, "--task", "fw_bw", "--quiet")
	if code != 1 || !strings.Contains(stderr, "diverged") {
		t.Fatalf("exit %d, stderr %q; want 1 and a divergence message", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s runfolder.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	diverged := 0
	for _, n := range s.Networks {
		if n.Status == "diverged" {
			diverged++
		}
	}
	if diverged == 0 {
		t.Errorf("summary.json marks no network as diverged: %s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "results.npz")); err != nil {
		t.Errorf("results.npz not saved: %v", err)
	}
}
