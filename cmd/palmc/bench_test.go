package main

import (
	"bytes"
	"strings"
	"testing"
)

// palmc bench refuses, as palmc run does, a network that does not fit in
// the memory allowed, and bad --max-memory and --steps values; a network
// that fits is timed.
func TestBenchChecksMemory(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, nil)
	if out := run(t, 2, "bench", "--params", par, "--task", "fw_bw", "--max-memory", "1M"); !strings.Contains(out, "--max-memory") {
		t.Errorf("refusal does not name --max-memory:\n%s", out)
	}
	run(t, 2, "bench", "--params", par, "--task", "fw_bw", "--max-memory", "NaN")
	run(t, 2, "bench", "--params", par, "--task", "fw_bw", "--steps", "0")
	run(t, 0, "bench", "--params", par, "--task", "fw_bw", "--steps", "100", "--max-memory", "0")
}

// palmc bench says which network it timed before the numbers.
func TestBenchNamesTheNetwork(t *testing.T) {
	par := writeParams(t, "pal_fw_tiny", t.TempDir(), nil)
	out := stdout(t, "bench", "--params", par, "--task", "fw_bw", "--steps", "100", "--max-memory", "0")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "network: PAL ") || !strings.Contains(lines[0], "task fw_bw") ||
		!strings.Contains(lines[0], "100 training steps") || !strings.HasPrefix(lines[1], "steps_per_second=") {
		t.Errorf("stdout:\n%s", out)
	}
}

// stdout runs palmc in-process and returns what it wrote to standard
// output; it fails the test unless palmc succeeds.
func stdout(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.Execute(); err != nil {
		t.Fatalf("palmc %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}
