package sweep_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"palmc/experiments"
	"palmc/params"
	"palmc/plot"
	"palmc/sweep"
)

// The Fig. 6 sweep that comes with palmc expands to the params of the six
// experiments fig6-tauxi{10,100,1000}-{u,prosp-u}, one seed per cell.
func TestFig6SweepMatchesExperiments(t *testing.T) {
	text, err := experiments.Sweep("fig6")
	if err != nil {
		t.Fatal(err)
	}
	f, err := sweep.Parse(text, "experiment fig6", func(p string) ([]byte, error) {
		return experiments.File(path.Join("fig6", p))
	})
	if err != nil {
		t.Fatal(err)
	}
	cells, err := f.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 60 {
		t.Fatalf("%d cells, want 60", len(cells))
	}
	for _, c := range cells {
		prosp := "u"
		if c.Params.Taur != 0 {
			prosp = "prosp-u"
		}
		name := fmt.Sprintf("fig6-%s-%s", c.Variant, prosp)
		b, err := experiments.Params(name)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := params.Parse(b, params.BwOnly)
		if err != nil {
			t.Fatal(err)
		}
		want.RandomSeed = []int64{c.Seed}
		wj, _ := want.MarshalJSON()
		gj, _ := c.Params.MarshalJSON()
		if !bytes.Equal(wj, gj) {
			t.Errorf("cell %d (%s, seed %d): params differ from %s:\n%s\n%s", c.Index, c.Variant, c.Seed, name, gj, wj)
		}
		if len(c.Warnings) > 0 {
			t.Errorf("cell %d: warnings %v", c.Index, c.Warnings)
		}
	}
}

// Fig. 6 groups the done cells of a sweep by tauxi and prospective
// voltages, plain voltages first, and draws them.
func TestFig6FromSweep(t *testing.T) {
	dir, s := deepSweep(t, `{"base": "base.json", "task": "bw_only", "flags": ["--compare", "BP", "--no-plots"],
		"variants": [{"name": "slow", "params": {"tauxi": 1, "epochs": 2}}, {"name": "fast", "params": {"tauxi": 0.1, "epochs": 2}}],
		"grid": {"taur": [1, 0]}, "seeds": [1, 2]}`)
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, sweep.RunOptions{Workers: 2, Quiet: true, Cells: []int{0, 1, 2, 4, 5, 6, 7}}); err != nil {
		t.Fatal(err)
	}
	groups, err := s.Collect().Fig6()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		tauxi       float64
		prosp       bool
		seeds, left int
	}{{0.1, false, 2, 0}, {0.1, true, 2, 0}, {1, false, 1, 1}, {1, true, 2, 0}}
	if len(groups) != len(want) {
		t.Fatalf("%d groups", len(groups))
	}
	for i, g := range groups {
		w := want[i]
		if g.Tauxi != w.tauxi || g.Prospective != w.prosp || len(g.Seeds) != w.seeds || g.Left != w.left || len(g.Angles) != 3 || len(g.Angles[0]) != w.seeds {
			t.Errorf("group %d: %+v, want %+v", i, g, w)
		}
	}
	var pg []plot.Fig6Group
	for _, g := range groups {
		pg = append(pg, g.Fig6Group)
	}
	if err := plot.Fig6(filepath.Join(dir, "fig6.png"), pg); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	sweep.WriteFig6(&b, groups)
	if !strings.Contains(b.String(), "1 (1 not done)") {
		t.Errorf("table:\n%s", b.String())
	}
}

// A sweep whose cells differ in more than tauxi, taur and the seed is not
// drawn as Fig. 6: its grid points would be pooled as seeds.
func TestFig6RefusesOtherSweeps(t *testing.T) {
	_, s := deepSweep(t, `{"base": "base.json", "task": "bw_only", "flags": ["--compare", "BP"],
		"grid": {"tauxi": [1], "eta_bw": [[10, 10, 10], [50, 50, 50]]}, "seeds": [1, 2]}`)
	if _, err := s.Collect().Fig6(); err == nil || !strings.Contains(err.Error(), "eta_bw differs") {
		t.Errorf("Fig. 6 of a sweep over eta_bw: %v", err)
	}
}

// deepSweep initialises the sweep file text, on pal_bw_deep's params as
// base.json, in a temporary folder, and returns the folder and the sweep
// (in its subfolder sw).
func deepSweep(t *testing.T, text string) (string, *sweep.Sweep) {
	t.Helper()
	base, err := os.ReadFile("../testdata/golden/pal_bw_deep/params.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.json"), base, 0o644)
	os.WriteFile(filepath.Join(dir, "sweep.json"), []byte(text), 0o644)
	f, err := sweep.Load(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	sd := filepath.Join(dir, "sw")
	if _, err := sweep.Init(f, sd, nil); err != nil {
		t.Fatal(err)
	}
	s, err := sweep.Open(sd)
	if err != nil {
		t.Fatal(err)
	}
	return dir, s
}
