package store

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/microcircuit"
	"palmc/params"
)

func runGolden(t *testing.T, name string, task params.Task) *experiment.Result {
	t.Helper()
	p, _, err := params.Load(filepath.Join("../testdata/golden", name, "params.json"), task)
	if err != nil {
		t.Fatal(err)
	}
	res, err := experiment.Run(context.Background(), p, experiment.Options{Task: task, Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A network restored from a model file continues exactly as the original.
func TestModelRoundTrip(t *testing.T) {
	res := runGolden(t, "pal_fw_tiny", params.FwBw)
	path := filepath.Join(t.TempDir(), "model.npz")
	if err := WriteModel(context.Background(), path, res, nil); err != nil {
		t.Fatal(err)
	}
	m, err := ReadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Nets) != len(res.Nets()) || m.Nets[0].Name != "teacher" || m.Task != params.FwBw {
		t.Fatalf("read %d nets, first %q, task %q", len(m.Nets), m.Nets[0].Name, m.Task)
	}
	r0, target := []float64{0.3}, []float64{0.7}
	sw := microcircuit.Switches{LearnFW: true, LearnLat: true, LearnBW: true}
	for i, net := range res.Nets() {
		a, b := net.Network, m.Nets[i].Network
		if m.Nets[i].Steps != net.Steps || m.Nets[i].Seed != net.Seed {
			t.Errorf("%s: steps %d seed %d, want %d %d", net.Name, m.Nets[i].Steps, m.Nets[i].Seed, net.Steps, net.Seed)
		}
		for s := 0; s < 2000; s++ {
			a.Step(r0, target, sw, nil)
			b.Step(r0, target, sw, nil)
		}
		for k := range a.BPP {
			for j, v := range a.BPP[k].Data {
				if math.Float64bits(v) != math.Float64bits(b.BPP[k].Data[j]) {
					t.Fatalf("%s: BPP[%d][%d] = %v after restore, %v without", net.Name, k, j, b.BPP[k].Data[j], v)
				}
			}
		}
		for j := range a.UP {
			for i, v := range a.UP[j] {
				if v != b.UP[j][i] {
					t.Fatalf("%s: uP[%d][%d] = %v after restore, %v without", net.Name, j, i, b.UP[j][i], v)
				}
			}
		}
	}
}

// Results written and read back keep every value (numpy reads the exact
// bits; the Go reader may return -0 as 0, which compares equal).
func TestResultsRoundTrip(t *testing.T) {
	res := runGolden(t, "pal_bw_deep", params.BwOnly)
	entries := ResultsEntries(res)
	path := filepath.Join(t.TempDir(), "results.npz")
	if err := WriteNPZ(path, entries); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Arrays(entries)
	if len(got) != len(want) {
		t.Fatalf("read %d keys, wrote %d", len(got), len(want))
	}
	for k, w := range want {
		g := got[k]
		if len(g.Shape) != len(w.Shape) || len(g.Data) != len(w.Data) {
			t.Fatalf("%s: shape %v, wrote %v", k, g.Shape, w.Shape)
		}
		for i := range w.Shape {
			if g.Shape[i] != w.Shape[i] {
				t.Fatalf("%s: shape %v, wrote %v", k, g.Shape, w.Shape)
			}
		}
		for i, v := range w.Data {
			if v != g.Data[i] && !(math.IsNaN(v) && math.IsNaN(g.Data[i])) {
				t.Fatalf("%s[%d] = %v, wrote %v", k, i, g.Data[i], v)
			}
		}
	}
}

// Every recorded series has a time and an epoch per record: its own
// length matches rec_time (or rec_time_target for MSE, error and target),
// times grow by rec_per_steps·dt, epochs are 0 exactly while settling and
// never fall.
func TestRecordAxesMatchTheRecords(t *testing.T) {
	for _, c := range []struct {
		name string
		task params.Task
	}{{"pal_fw_tiny", params.FwBw}, {"pal_bw_deep", params.BwOnly}, {"bp_fw_tanh", params.FwBw}} {
		p, _, err := params.Load(filepath.Join("../testdata/golden", c.name, "params.json"), c.task)
		if err != nil {
			t.Fatal(err)
		}
		res, err := experiment.Run(context.Background(), p, experiment.Options{Task: c.task, Compare: true})
		if err != nil {
			t.Fatal(err)
		}
		arrays := Arrays(ResultsEntries(res))
		for _, net := range res.Nets() {
			pre := net.Name + "/"
			tm, ep := arrays[pre+"rec_time"], arrays[pre+"rec_epoch"]
			if len(tm.Data) == 0 || len(tm.Data) != len(ep.Data) {
				t.Fatalf("%s %s: rec_time %d, rec_epoch %d", c.name, net.Name, len(tm.Data), len(ep.Data))
			}
			settle := float64(p.SettlingSteps()) * p.Dt
			for i, x := range tm.Data {
				if want := float64((i+1)*p.RecPerSteps) * p.Dt; math.Abs(x-want) > 1e-9*want {
					t.Fatalf("%s %s: rec_time[%d] = %v, want %v", c.name, net.Name, i, x, want)
				}
				if (ep.Data[i] == 0) != (x <= settle+1e-9) || (i > 0 && ep.Data[i] < ep.Data[i-1]) {
					t.Fatalf("%s %s: record %d at %v ms has epoch %v (settling until %v ms)", c.name, net.Name, i, x, ep.Data[i], settle)
				}
			}
			for _, s := range net.Recorder.Series() {
				axis := tm
				if s.Name == "MSE" || s.Name == "error" || s.Name == "target/0" {
					axis = arrays[pre+"rec_time_target"]
				}
				if s.Len() != len(axis.Data) {
					t.Errorf("%s %s: %s has %d records, its time axis %d", c.name, net.Name, s.Name, s.Len(), len(axis.Data))
				}
			}
		}
	}
}

// A file that is not a model says so: an npz without a task (a
// results.npz), a file that is no npz at all.
func TestReadModelOfOtherFiles(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "results.npz")
	if err := WriteNPZ(res, []Entry{{"params", "{}"}, {"dt", &Array{Data: []float64{0.01}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadModel(res); err == nil || !strings.Contains(err.Error(), "names no task") || strings.Contains(err.Error(), "params: params") {
		t.Errorf("a results.npz read as a model: %v", err)
	}
	txt := filepath.Join(dir, "params.json")
	if err := os.WriteFile(txt, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadModel(txt); err == nil || !strings.Contains(err.Error(), "is not an npz file") {
		t.Errorf("a text file read as a model: %v", err)
	}
}
