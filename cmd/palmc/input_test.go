package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Devices, named pipes and huge files are refused as params files, sweep
// files, bases and run folder files, at once and with exit code 2: none
// makes palmc read for ever or run out of memory.
func TestInputsThatAreNoFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(huge, nil, 0o644); err != nil || os.Truncate(huge, 1<<40) != nil {
		t.Skip("no sparse files here")
	}
	sweepFile := func(base string) string {
		p := filepath.Join(t.TempDir(), "sweep.json")
		os.WriteFile(p, []byte(`{"base": "`+base+`", "task": "bw_only", "seeds": [1]}`), 0o644)
		return p
	}
	done := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_fw_tiny", done, nil)
	run(t, 0, "run", "--params", par, "--task", "fw_bw", "--quiet", "--no-plots")
	os.Remove(filepath.Join(done, resultsFile))
	syscall.Mkfifo(filepath.Join(done, resultsFile), 0o644)
	unfinished := filepath.Join(t.TempDir(), "unfinished")
	os.MkdirAll(unfinished, 0o755)
	syscall.Mkfifo(filepath.Join(unfinished, "checkpoint.npz"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--params", "/dev/zero", "--task", "bw_only"}, "a character device"},
		{[]string{"run", "--params", fifo, "--task", "bw_only"}, "a named pipe"},
		{[]string{"run", "--params", huge, "--task", "bw_only"}, "palmc reads at most 16 MiB"},
		{[]string{"sweep", "init", "/dev/zero", filepath.Join(t.TempDir(), "x")}, "a character device"},
		{[]string{"sweep", "init", fifo, filepath.Join(t.TempDir(), "x")}, "a named pipe"},
		{[]string{"sweep", "init", huge, filepath.Join(t.TempDir(), "x")}, "palmc reads at most 64 MiB"},
		{[]string{"sweep", "init", sweepFile("/dev/urandom"), filepath.Join(t.TempDir(), "x")}, "base: \"/dev/urandom\": not a regular file"},
		{[]string{"sweep", "init", sweepFile(fifo), filepath.Join(t.TempDir(), "x")}, "a named pipe"},
		{[]string{"plot", done}, "a named pipe"},
		{[]string{"run", "--resume", unfinished}, "a named pipe"},
	} {
		cmd := exec.Command(buildPalmc(t), c.args...)
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if code := exitCode(t, cmd, 20*time.Second); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr.String())
		}
	}
}
