package main

import (
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
