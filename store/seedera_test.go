package store

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"palmc/experiment"
	"palmc/microcircuit"
	"palmc/params"
)

// A model file keeps the seed-era state (epsilon, epsilon_LO, the phase
// clock bw_steps) and the skip shapes: restored networks go on bit for bit.
func TestSeedEraModelRoundTrip(t *testing.T) {
	seedEra, _, err := params.Load("../params/testdata/paper/seed-era/2022-04-12/params.json", params.FwBw)
	if err != nil {
		t.Fatal(err)
	}
	deep, _, err := params.Load("../testdata/golden/pal_bw_deep/params.json", params.FwBw)
	if err != nil {
		t.Fatal(err)
	}
	deep.BwConnectionMode, deep.Tbw = params.ConnSkip, 0.07
	for name, p := range map[string]*params.Params{"2022-04-12": seedEra, "deep-skip-phased": deep} {
		res, err := experiment.Run(context.Background(), p, experiment.Options{Task: params.FwBw})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "model.npz")
		if err := WriteModel(context.Background(), path, res, nil); err != nil {
			t.Fatal(err)
		}
		m, err := ReadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		r0 := make([]float64, p.Layers[0])
		for i := range r0 {
			r0[i] = 0.1 + 0.2*float64(i)
		}
		sw := microcircuit.Switches{LearnFW: true, LearnLat: true, LearnBW: true}
		for i, net := range res.Students {
			a, b := net.Network, m.Nets[i+1].Network
			if a.BWSteps != b.BWSteps || (p.Tbw > 0 && p.H() > 1 && a.BWSteps == 0) {
				t.Errorf("%s %s: bw_steps %d restored as %d", name, net.Name, a.BWSteps, b.BWSteps)
			}
			for s := 0; s < 500; s++ {
				a.Step(r0, nil, sw, nil)
				b.Step(r0, nil, sw, nil)
			}
			same := func(what string, x, y []float64) {
				for j, v := range x {
					if math.Float64bits(v) != math.Float64bits(y[j]) {
						t.Fatalf("%s %s: %s[%d] = %v after restore, %v without", name, net.Name, what, j, y[j], v)
					}
				}
			}
			same("epsilon", a.Epsilon, b.Epsilon)
			same("epsilon_LO", a.EpsilonLO, b.EpsilonLO)
			for k := range a.BPP {
				same("BPP", a.BPP[k].Data, b.BPP[k].Data)
			}
			same("WIP", a.WIP[0].Data, b.WIP[0].Data)
			for j := range a.UP {
				same("uP", a.UP[j], b.UP[j])
			}
		}
	}
}

// Files written before the seed-era entries restore, with the initial
// values of those entries.
func TestRestoreWithoutSeedEraEntries(t *testing.T) {
	res := runGolden(t, "pal_fw_tiny", params.FwBw)
	net := res.Students[0]
	path := filepath.Join(t.TempDir(), "state.npz")
	if err := WriteNPZ(path, NetworkEntries("x/", net.Network)); err != nil {
		t.Fatal(err)
	}
	arrays, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"x/epsilon/0", "x/epsilon_LO/0", "x/bw_steps"} {
		if _, ok := arrays[k]; !ok {
			t.Fatalf("%s not written", k)
		}
		delete(arrays, k)
	}
	n, err := microcircuit.New(net.Network.Cfg, uint32(net.Seed))
	if err != nil {
		t.Fatal(err)
	}
	if err := RestoreNetwork(arrays, "x/", n); err != nil {
		t.Fatal(err)
	}
	if n.EpsilonLO[0] != 1 || n.BWSteps != 0 {
		t.Errorf("epsilon_LO %v, bw_steps %d", n.EpsilonLO[0], n.BWSteps)
	}
}
