package experiment_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/experiments"
	"palmc/params"
)

func fig3abcParams(t *testing.T) *params.Params {
	t.Helper()
	b, err := experiments.Params("fig3abc")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := params.Parse(b, params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The weights of angle_dWPP_BP are taken at the published code's records:
// one per epoch, the first after settling; none when no record falls after
// settling; every record when there are fewer than epochs.
func TestUpdatePoints(t *testing.T) {
	p := fig3abcParams(t) // 10 000 settling steps, 100 epochs of 10 000 steps, a record every 1000
	pts := experiment.UpdatePoints(p)
	if len(pts) != 100 || pts[0] != 11000 || pts[1] != 21000 || pts[99] != 1001000 {
		t.Errorf("fig3abc: %d points, %v … %v; want 100: 11000, 21000 … 1001000", len(pts), pts[:min(2, len(pts))], pts[len(pts)-1:])
	}
	if n := experiment.UpdateRecords(p); n != 10000 {
		t.Errorf("fig3abc: %d records, want 10000", n)
	}
	p.RecPerSteps = 2_000_000
	if pts := experiment.UpdatePoints(p); len(pts) != 0 {
		t.Errorf("rec_per_steps beyond the run: points %v, want none", pts)
	}
	p.RecPerSteps = 400_000 // R = 2, T = 0: fewer records than epochs
	if pts := experiment.UpdatePoints(p); len(pts) != 2 || pts[0] != 400_000 || pts[1] != 800_000 {
		t.Errorf("records every 400 000 steps: points %v, want [400000 800000]", pts)
	}
}

// A bw_only run with the comparison needs a teacher for angle_dWPP_BP's
// targets: without the teacher's ranges it is refused before it starts.
func TestUpdatesNeedTeacherRanges(t *testing.T) {
	b, err := experiments.Params("fig3abc")
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`\s*"init_teacher_[A-Z]+_range":\s*\[[^\]]*\],?`).ReplaceAll(b, nil)
	p, _, err := params.Parse(b, params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	if p.TeacherRanges {
		t.Fatal("TeacherRanges set without the init_teacher_*_range keys")
	}
	res, err := experiment.Run(context.Background(), p, experiment.Options{Task: params.BwOnly, Compare: true})
	if res != nil || err == nil || !strings.Contains(err.Error(), "init_teacher_WPP_range") {
		t.Fatalf("Run = %v, %v; want no result and an error naming init_teacher_WPP_range", res, err)
	}
	if q := fig3abcParams(t); !q.TeacherRanges {
		t.Error("TeacherRanges not set for fig3abc, which has the teacher's ranges")
	}
}

// The steps a bw_only student with the comparison reports are those
// NetworksOf counts for it: training, the teacher of angle_dWPP_BP and the
// replays, each replay reported as it runs.
func TestUpdateReplayProgress(t *testing.T) {
	p, _, err := params.Load("../testdata/golden/pal_bw_deep/params.json", params.BwOnly)
	if err != nil {
		t.Fatal(err)
	}
	opts := experiment.Options{Task: params.BwOnly, Compare: true, Workers: 1, ProgressEvery: 100}
	names, steps := experiment.NetworksOf(p, opts)
	want := map[string]int{}
	for i, n := range names {
		want[n] = steps[i]
	}
	last := map[string]experiment.Progress{}
	replays := map[string]map[int]bool{}
	opts.Progress = func(pr experiment.Progress) {
		last[pr.Name] = pr
		if replays[pr.Name] == nil {
			replays[pr.Name] = map[int]bool{}
		}
		replays[pr.Name][pr.Replay] = true
	}
	res, err := experiment.Run(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, net := range res.Students {
		pr := last[net.Name]
		u := net.UpdateAngles()
		if !pr.Done || pr.Step != want[net.Name] || pr.Steps != want[net.Name] || pr.Replays != len(u.Points) {
			t.Errorf("%s: last report %+v; want step and steps %d, %d replays", net.Name, pr, want[net.Name], len(u.Points))
		}
		for m := 0; m <= len(u.Points); m++ {
			if !replays[net.Name][m] {
				t.Errorf("%s: replay %d never reported", net.Name, m)
			}
		}
		if len(u.Angles) != experiment.UpdateRecords(p)*p.N() {
			t.Errorf("%s: %d angles, want %d", net.Name, len(u.Angles), experiment.UpdateRecords(p)*p.N())
		}
	}
}
