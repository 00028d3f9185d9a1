package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"palmc/store"
)

// palmc runs the command in-process and returns its exit code and stderr.
func palmc(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var errOut bytes.Buffer
	code := runWith(args, &errOut)
	return code, errOut.String()
}

// copyCase copies a golden case into a fresh folder, as a user copies a
// params.json into a run folder.
func copyCase(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"params.json", "case.json", "reference.npz"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/golden", name, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func caseArgs(t *testing.T, dir string) []string {
	t.Helper()
	var c struct {
		Task    string `json:"task"`
		Compare bool   `json:"compare"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "--params", filepath.Join(dir, "params.json"), "--task", c.Task, "--quiet", "--shared-input"}
	if c.Compare {
		args = append(args, "--compare", "BP")
	}
	return args
}

// numpy returns the python interpreter that has numpy, or skips the test
// outside CI (CI installs python3-numpy, see .ci/run).
func numpy(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import numpy").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("numpy is not installed; .ci/run installs python3-numpy")
	}
	t.Skip("numpy not installed")
	return ""
}

// palmc run writes results.npz into the folder of the params file, and
// numpy opens it and finds every key of the published reference, equal to
// the golden tolerance.
func TestRunResultsOpenInNumpy(t *testing.T) {
	py := numpy(t)
	for _, name := range []string{"pal_fw_tiny", "pal_bw_deep", "bp_fw_tanh"} {
		dir := copyCase(t, name)
		if code, stderr := palmc(t, caseArgs(t, dir)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		out, err := exec.Command(py, "../../testdata/compare_npz.py",
			filepath.Join(dir, "results.npz"), filepath.Join(dir, "reference.npz")).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: numpy comparison failed: %v\n%s", name, err, out)
		}
		t.Logf("%s: %s", name, strings.TrimSpace(string(out)))
		// The model file opens in numpy too, text included.
		check := `import json, sys, numpy as np
m = np.load(sys.argv[1])
p = json.loads(bytes(m["params"]).decode())
nets = bytes(m["nets"]).decode().split(",")
assert bytes(m["task"]).decode() in ("bw_only", "fw_bw")
for n in nets:
    assert m[n + "/WPP/0"].shape == (p["layers"][1], p["layers"][0]), n
print(len(nets), "networks")`
		if out, err := exec.Command(py, "-c", check, filepath.Join(dir, "model.npz")).CombinedOutput(); err != nil {
			t.Fatalf("%s: numpy cannot read model.npz: %v\n%s", name, err, out)
		}
	}
}

// --out puts the results elsewhere; the file is complete and readable.
func TestRunOut(t *testing.T) {
	dir := copyCase(t, "fa_fw_noact")
	out := filepath.Join(t.TempDir(), "nested", "run")
	args := append(caseArgs(t, dir), "--out", out, "--workers", "2")
	if code, stderr := palmc(t, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	arrays, err := store.ReadNPZ(filepath.Join(out, "results.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := arrays["teacher/target_sequence"]; !ok {
		t.Errorf("results.npz lacks teacher/target_sequence; keys: %d", len(arrays))
	}
}

// Bad usage and bad params exit with 2 and name what is wrong, before any
// simulation.
func TestRunUsageErrors(t *testing.T) {
	dir := copyCase(t, "pal_fw_tiny")
	good := filepath.Join(dir, "params.json")
	bad := filepath.Join(dir, "bad.json")
	var m map[string]any
	src, _ := os.ReadFile(good)
	if err := json.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	m["eta_bw"] = []float64{-20}
	src, _ = json.Marshal(m)
	os.WriteFile(bad, src, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--task", "fw_bw"}, "--params"},
		{[]string{"run", "--params", good}, "--task is required"},
		{[]string{"plot", filepath.Join(dir, "nowhere")}, "not a palmc run folder"},
		{[]string{"run", "--params", good, "--task", "both"}, "both"},
		{[]string{"run", "--params", good, "--task", "fw_bw", "--compare", "GN"}, "GN"},
		{[]string{"run", "--params", good, "--task", "fw_bw", "--workers", "-1"}, "--workers"},
		{[]string{"run", "--params", filepath.Join(dir, "missing.json"), "--task", "fw_bw"}, "missing.json"},
		{[]string{"run", "--params", bad, "--task", "fw_bw"}, "eta_bw[0]"},
		{[]string{"run", "--params", good, "--task", "fw_bw", "--bogus"}, "bogus"},
		{[]string{"frobnicate"}, "frobnicate"},
	} {
		code, stderr := palmc(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("palmc %s: exit %d, stderr %q; want exit 2 mentioning %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "results.npz")); err == nil {
		t.Error("a rejected run wrote results.npz")
	}
}

// Every command's help reads in a terminal of 80 columns: its text and the
// list of subcommands; the examples (command lines) and cobra's flag table
// may be longer.
func TestHelpWidth(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		var out bytes.Buffer
		c.SetOut(&out)
		if err := c.Help(); err != nil {
			t.Fatal(err)
		}
		section := ""
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasSuffix(l, ":") && !strings.HasPrefix(l, " ") {
				section = l
			}
			if section == "Examples:" || strings.HasSuffix(section, "Flags:") {
				continue
			}
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("%s --help: a line of %d characters: %q", c.CommandPath(), n, l)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot())
}
