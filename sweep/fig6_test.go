package sweep_test

import (
	"bytes"
	"fmt"
	"path"
	"testing"

	"palmc/experiments"
	"palmc/params"
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
