package experiment_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/sbinet/npyio/npy"

	"palmc/experiment"
	"palmc/experiments"
	"palmc/params"
)

// paperTol is the agreement asked of palmc with the published Fig. 3 data,
// in degrees.
const paperTol = 1e-6

// readPaperData reads one of the published angle arrays, shape
// (seeds, records, hidden layers).
func readPaperData(t *testing.T, name string) ([]float64, []int) {
	t.Helper()
	f, err := os.Open("../testdata/paper/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := npy.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var data []float64
	if err := r.Read(&data); err != nil {
		t.Fatal(err)
	}
	return data, r.Header.Descr.Shape
}

// checkFig3 runs palmc's own params of a Fig. 3 panel (bw_only, --compare
// BP, seeds run on their own input as with the published runner.py) and
// compares the recorded angles of every seed, record and hidden layer with
// the published data, for the first `epochs` epochs.
func checkFig3(t *testing.T, experimentName, suffix string, epochs, seeds int) {
	b, err := experiments.Params(experimentName)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := params.Parse(b, params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	if epochs > 0 {
		p.Epochs = epochs
	}
	if seeds > 0 {
		p.RandomSeed = p.RandomSeed[:seeds]
	}
	res, err := experiment.Run(context.Background(), p, experiment.Options{Task: params.BwOnly, Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for _, which := range []string{"WPPT_BPP", "BPP_RHS"} {
		data, shape := readPaperData(t, fmt.Sprintf("data_angle_%s_%s.npy", which, suffix))
		seeds, records, layers := shape[0], shape[1], shape[2]
		if seeds < len(p.RandomSeed) || layers != p.H() {
			t.Fatalf("%s: data shape %v for %d seeds, %d hidden layers", which, shape, len(p.RandomSeed), p.H())
		}
		for i, net := range res.Students {
			for k := 0; k < layers; k++ {
				s := net.Recorder.Get(fmt.Sprintf("angle_%s/%d", which, k))
				n := s.Len()
				if epochs == 0 && n != records {
					t.Fatalf("%s %s/%d: %d records, the data has %d", net.Name, which, k, n, records)
				}
				for r := 0; r < n; r++ {
					want := data[(i*records+r)*layers+k]
					d := math.Abs(s.Data[r] - want)
					if !(d <= paperTol) {
						t.Fatalf("%s angle_%s/%d record %d: %.12g degrees, published %.12g (difference %.3g)",
							net.Name, which, k, r, s.Data[r], want, d)
					}
					worst = math.Max(worst, d)
				}
			}
		}
	}
	t.Logf("%s: %d seeds, largest deviation from the published data %.3g degrees", experimentName, len(res.Students), worst)
	if suffix == "lin" {
		checkUpdates(t, res, "data_angle_BP_lin.npy")
	}
}

// updatesTol is the agreement asked of angle_dWPP_BP with the published
// data, in degrees. Where a published angle is within nearEnd of 0° or
// 180°, whose cosine hardly moves with it, the cosines are compared
// instead, to cosTol.
const (
	updatesTol = 1e-7
	nearEnd    = 0.01
	cosTol     = 1e-12
)

// checkUpdates compares every record of angle_dWPP_BP of the students of
// res with the published array (seeds × records × layers), whose seeds are
// the first of the run's (as many as both have).
func checkUpdates(t *testing.T, res *experiment.Result, name string) {
	t.Helper()
	data, shape := readPaperData(t, name)
	seeds, records, layers := shape[0], shape[1], shape[2]
	if layers != res.Params.N() {
		t.Fatalf("%s: data shape %v for %d layers", name, shape, res.Params.N())
	}
	for i, net := range res.Students[:min(seeds, len(res.Students))] {
		u := net.UpdateAngles()
		if u == nil || len(u.Angles) != records*layers {
			t.Fatalf("%s: angle_dWPP_BP has not the %d records of the data", net.Name, records)
		}
		worst, at := 0.0, 0
		for r := 0; r < records; r++ {
			for j := 0; j < layers; j++ {
				got, want := u.Angles[r*layers+j], data[(i*records+r)*layers+j]
				d := math.Abs(got - want)
				ok := d <= updatesTol
				if min(want, 180-want) < nearEnd {
					d = math.Abs(math.Cos(got*math.Pi/180) - math.Cos(want*math.Pi/180))
					ok = d <= cosTol
				}
				if !ok {
					t.Fatalf("%s angle_dWPP_BP/%d record %d: %.12g degrees, published %.12g (difference %.3g)",
						net.Name, j, r, got, want, math.Abs(got-want))
				}
				if d > worst {
					worst, at = d, r*layers+j
				}
			}
		}
		t.Logf("%s angle_dWPP_BP: %d records × %d layers, largest deviation %.3g degrees (record %d, layer %d)",
			net.Name, records, layers, worst, at/layers, at%layers)
	}
}

// Fig. 3a-c: all 10 seeds, all 1010 records, both published angles, and
// the angle between the updates and backprop's of the five published seeds
// (10 000 records each). With -short, the first seed alone (none with the
// race detector).
func TestFig3abcMatchesPublishedData(t *testing.T) {
	seeds := 0
	if testing.Short() {
		if raceDetector {
			t.Skip("2 M steps, ten times slower with the race detector")
		}
		seeds = 1
	}
	checkFig3(t, "fig3abc", "lin", 0, seeds)
}

// Fig. 3d-f: the first 50 of 500 epochs (the full run is a documented
// command, see experiments/README.md).
func TestFig3defFirst50EpochsMatchPublishedData(t *testing.T) {
	if testing.Short() {
		t.Skip("10 seeds × 0.5 M steps")
	}
	checkFig3(t, "fig3def", "nonlin", 50, 0)
}
