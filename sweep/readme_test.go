package sweep_test

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"palmc/experiments"
	"palmc/sweep"
)

// The sweep file of README.md's Sweeps section expands as the README says:
// the example's params, 2 values × 3 seeds.
func TestReadmeSweepFile(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "cat > study/sweep.json <<'END'\n")
	text, _, ok2 := strings.Cut(rest, "\nEND\n")
	if !ok || !ok2 {
		t.Fatal("README.md has no sweep file written with cat > study/sweep.json <<'END'")
	}
	dir := t.TempDir()
	base, err := experiments.Params(experiments.Example)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "base.json"), base, 0o644)
	os.WriteFile(filepath.Join(dir, "sweep.json"), []byte(text), 0o644)
	f, err := sweep.Load(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := f.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 6 || !strings.Contains(string(b), "# 2 values × 3 seeds = 6 cells") {
		t.Errorf("%d cells; README.md says 6", len(cells))
	}
}

// Every sweep that comes with palmc expands without a warning.
func TestEmbeddedSweeps(t *testing.T) {
	names := experiments.Sweeps()
	if len(names) == 0 {
		t.Fatal("no sweep embedded")
	}
	for _, name := range names {
		text, err := experiments.Sweep(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := sweep.Parse(text, "experiment "+name, func(p string) ([]byte, error) {
			return experiments.File(path.Join(name, p))
		})
		if err != nil {
			t.Fatal(err)
		}
		cells, err := f.Expand()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			if len(c.Warnings) > 0 {
				t.Errorf("%s: %s: %v", name, c.Dir, c.Warnings)
			}
		}
	}
}
