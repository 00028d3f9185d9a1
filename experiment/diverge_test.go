package experiment_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/params"
)

// A network whose state becomes NaN stops at that step with its seed, step
// and variable named; the other seeds finish.
func TestDivergedNetworkStopsOthersFinish(t *testing.T) {
	p, _, err := params.Load("../testdata/golden/pal_bw_deep/params.json", params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	res, err := experiment.Run(context.Background(), p, experiment.Options{
		Task: params.BwOnly, Workers: 2,
		Restore: func(net *experiment.Net) error {
			if net.Seed == 456 {
				net.Network.BPP[1].Data[3] = math.Inf(1)
			}
			return nil
		},
	})
	var div *experiment.DivergedError
	if !errors.As(err, &div) {
		t.Fatalf("Run returned %v, want a *DivergedError", err)
	}
	if div.Seed != 456 || div.Step < 1 || div.Step > 5 {
		t.Errorf("diverged: seed %d at step %d, want seed 456 within the first steps", div.Seed, div.Step)
	}
	if !strings.Contains(div.Error(), "BPP[1]") || !strings.Contains(div.Error(), "seed456") {
		t.Errorf("message %q does not name the seed and the variable BPP[1]", div.Error())
	}
	checkSeed123Finished(t, p, res)
	for _, net := range res.Students {
		if net.Seed == 456 && net.Steps != div.Step {
			t.Errorf("seed456 made %d steps, diverged at %d", net.Steps, div.Step)
		}
	}
}

// A panic while one network runs (a bug) fails that network with a message
// naming it; the process goes on and the other seeds finish.
func TestPanicFailsOneNetwork(t *testing.T) {
	p, _, err := params.Load("../testdata/golden/pal_bw_deep/params.json", params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	res, err := experiment.Run(context.Background(), p, experiment.Options{
		Task: params.BwOnly, Workers: 2, ProgressEvery: 100,
		Progress: func(pr experiment.Progress) {
			if pr.Name == "seed456" && pr.Step >= 200 {
				panic("a bug in a report")
			}
		},
	})
	if err == nil || !strings.Contains(err.Error(), "seed456: internal error") || !strings.Contains(err.Error(), "a bug in a report") {
		t.Fatalf("Run returned %v, want seed456's internal error", err)
	}
	checkSeed123Finished(t, p, res)
	for _, net := range res.Students {
		if net.Seed == 456 && (net.Err == nil || !strings.Contains(net.Err.Error(), "internal error")) {
			t.Errorf("seed456: err %v, want an internal error", net.Err)
		}
	}
}

// checkSeed123Finished checks that the student of seed 123 made every step
// of the run without an error.
func checkSeed123Finished(t *testing.T, p *params.Params, res *experiment.Result) {
	t.Helper()
	total := p.SettlingSteps() + p.Epochs*p.DatasetSize*p.StepsPerSample()
	for _, net := range res.Students {
		if net.Seed == 123 && (net.Err != nil || net.Steps != total) {
			t.Errorf("seed123: err %v after %d steps, want none after %d", net.Err, net.Steps, total)
		}
	}
}
