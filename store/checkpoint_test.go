package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"palmc/experiments"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"palmc/experiment"
	"palmc/params"
)

// An interrupted run, saved and resumed, gives exactly the results of a
// run that was never interrupted, for every task and at several stopping
// points (while settling, inside an epoch, across epochs, in the replays of
// angle_dWPP_BP).
func TestInterruptResumeBitIdentical(t *testing.T) {
	for _, c := range []struct {
		name   string
		task   params.Task
		stopAt []int          // steps of the first student at which to interrupt
		set    map[string]any // keys of a classify experiment replaced
	}{
		// Training ends at step 4000; then angle_dWPP_BP's teacher runs
		// (to 6000) and three replays of 1000 steps each.
		{"pal_bw_deep", params.BwOnly, []int{300, 2500, 3100, 5000, 6500, 7000, 8950}, nil},
		{"fa_fw_relu", params.FwBw, []int{200, 1700}, nil},
		// After a readout step of the first validation pass, at its last
		// step, inside a training pass, at its last step, after a readout
		// step of the test pass (interrupted at exactly these steps).
		{"yinyang-pal", params.Classify, []int{5021, 10000, 25013, 40000, 95081}, nil},
		// Per-sample input weights: stopped inside samples (the open
		// segment and the blocks' owed steps are in the checkpoint), at a
		// sample's end, and in the test pass.
		{"yinyang-pal", params.Classify, []int{5021, 25013, 30000, 40057, 95081}, map[string]any{"input_update": "per_sample"}},
		{"mnist-pal", params.Classify, []int{12345, 30000, 40057, 95081}, nil},
	} {
		var p *params.Params
		var err error
		if c.task == params.Classify {
			p = classifyParams(t, c.name, c.set)
		} else {
			p, _, err = params.Load(filepath.Join("../testdata/golden", c.name, "params.json"), c.task)
		}
		if err != nil {
			t.Fatal(err)
		}
		opts := experiment.Options{Task: c.task, Compare: true, Workers: 2}
		full, err := experiment.Run(context.Background(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := Arrays(ResultsEntries(full))

		ro := RunOptions{Task: c.task, Compare: true}
		dir := t.TempDir()
		path := filepath.Join(dir, CheckpointFile)
		var restore func(*experiment.Net) error
		for round, stopAt := range c.stopAt {
			ctx, cancel := context.WithCancel(context.Background())
			var fired atomic.Bool
			o := opts
			o.ProgressEvery = 100
			if c.task == params.Classify {
				o.ProgressEvery = 1
			}
			o.Restore = restore
			o.Progress = func(pr experiment.Progress) {
				if pr.Name != "teacher" && pr.Step >= stopAt && !fired.Swap(true) {
					cancel()
				}
			}
			res, err := experiment.Run(ctx, p, o)
			cancel()
			if !errors.Is(err, experiment.ErrInterrupted) {
				t.Fatalf("%s round %d: Run returned %v, want ErrInterrupted", c.name, round, err)
			}
			meta := map[string]string{"caller": fmt.Sprintf("round %d", round)}
			if err := WriteCheckpoint(context.Background(), path, res, ro, meta); err != nil {
				t.Fatal(err)
			}
			cp, err := ReadCheckpoint(path)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Options != ro {
				t.Fatalf("checkpoint options %+v, want %+v", cp.Options, ro)
			}
			// The head says as much about the run, without the networks.
			head, err := ReadCheckpointHead(path)
			if err != nil {
				t.Fatal(err)
			}
			if head.Options != ro || !maps.Equal(head.Meta, meta) || !maps.Equal(cp.Meta, meta) {
				t.Fatalf("head options %+v, entries %v, full entries %v; want %+v, %v", head.Options, head.Meta, cp.Meta, ro, meta)
			}
			if c.task == params.BwOnly && stopAt > 6000 {
				replayed := 0.0
				for k, a := range cp.arrays {
					if strings.HasSuffix(k, "/updates/replayed") {
						replayed = max(replayed, a.Data[0])
					}
				}
				if replayed == 0 {
					t.Fatalf("%s round %d: no replay step in the checkpoint", c.name, round)
				}
			}
			restore = cp.Restore
		}
		o := opts
		o.Restore = restore
		resumed, err := experiment.Run(context.Background(), p, o)
		if err != nil {
			t.Fatalf("%s: resumed run: %v", c.name, err)
		}
		got := Arrays(ResultsEntries(resumed))
		if len(got) != len(want) {
			t.Fatalf("%s: %d keys after resume, %d without interruption", c.name, len(got), len(want))
		}
		for k, w := range want {
			g := got[k]
			if len(g.Data) != len(w.Data) {
				t.Fatalf("%s: %s has %d values after resume, %d without", c.name, k, len(g.Data), len(w.Data))
			}
			for i, v := range w.Data {
				if math.Float64bits(v) != math.Float64bits(g.Data[i]) {
					t.Fatalf("%s: %s[%d] = %v after resume, %v without", c.name, k, i, g.Data[i], v)
				}
			}
		}
	}
}

// classifyParams reads a classify experiment, made small: 2 epochs on 300
// training, 100 validation and 100 test samples (100,000 steps), 2 seeds.
func classifyParams(t *testing.T, name string, set map[string]any) *params.Params {
	t.Helper()
	b, err := experiments.Params(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["epochs"], m["dataset_sizes"], m["random_seed"], m["rec_per_steps"] = 2, []int{300, 100, 100}, []int{11, 12}, 700
	for k, v := range set {
		m[k] = v
	}
	b, _ = json.Marshal(m)
	p, _, err := params.Parse(b, params.Classify)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
