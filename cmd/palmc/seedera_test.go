package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The seed-era params files run from the command line as the README of the
// published project's code of spring 2022 said (copy the file into a
// folder, run it there), for both tasks. The
// adaptive one draws the cosine of its misalignment against noise_deg.
func TestSeedEraFilesRunFromCommandLine(t *testing.T) {
	for _, c := range []struct {
		name     string
		adaptive bool
	}{{"2022-04-12", true}, {"2022-05-05", false}} {
		for _, task := range []string{"bw_only", "fw_bw"} {
			t.Run(c.name+"/"+task, func(t *testing.T) {
				b, err := os.ReadFile(filepath.Join("../../params/testdata/paper/seed-era", c.name, "params.json"))
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "params.json"), b, 0o644); err != nil {
					t.Fatal(err)
				}
				code, stderr := palmc(t, "run", "--params", filepath.Join(dir, "params.json"), "--task", task, "--quiet")
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				plots := pngFiles(t, filepath.Join(dir, "plots"))
				has := slices.Contains(plots, "cos_epsilon_LO_0.png")
				if has != c.adaptive {
					t.Errorf("cos_epsilon_LO_0.png drawn: %v, want %v (plots %v)", has, c.adaptive, plots)
				}
				if c.adaptive {
					checkPNGs(t, filepath.Join(dir, "plots"), []string{"cos_epsilon_LO_0.png", "epsilon_LO_0.png"})
				}
				for _, f := range []string{"results.npz", "model.npz", "summary.json"} {
					if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
}
