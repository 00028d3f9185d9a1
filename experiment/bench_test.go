package experiment

import (
	"context"
	"math"
	"reflect"
	"testing"

	"palmc/experiments"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/record"
)

// paperParams returns the params of one of palmc's paper experiments.
func paperParams(t testing.TB, name string, task params.Task) *params.Params {
	t.Helper()
	b, err := experiments.Params(name)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := params.Parse(b, task)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The network Bench times is the first student of Run: trained on for the
// epochs of a run, it ends in Run's final state bit for bit.
func TestBenchTrainerIsRunsFirstStudent(t *testing.T) {
	for _, c := range []struct {
		name string
		task params.Task
	}{{"fig4ab-pal", params.FwBw}, {"fig3abc", params.BwOnly}} {
		p := paperParams(t, c.name, c.task)
		p.Epochs = 2
		p.DatasetSize = 20
		p.SettlingTime = 10
		p.RandomSeed = p.RandomSeed[:2]
		res, err := Run(context.Background(), p, Options{Task: c.task})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := newTrainer(p, c.task)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.train(context.Background(), p.Epochs*tr.in.Steps(), nil); err != nil {
			t.Fatal(err)
		}
		want := res.Students[0].Network
		for _, f := range []struct {
			name      string
			got, want []microcircuit.Mat
		}{{"WPP", tr.net.WPP, want.WPP}, {"BPP", tr.net.BPP, want.BPP}, {"BPI", tr.net.BPI, want.BPI}, {"WIP", tr.net.WIP, want.WIP}} {
			for i := range f.got {
				if !reflect.DeepEqual(f.got[i].Data, f.want[i].Data) {
					t.Errorf("%s: %s[%d] differs from Run's first student", c.name, f.name, i)
				}
			}
		}
		if !reflect.DeepEqual(tr.net.UP, want.UP) || !reflect.DeepEqual(tr.net.Rand.State(), want.Rand.State()) {
			t.Errorf("%s: voltages or generator differ from Run's first student", c.name)
		}
	}
}

// A training step allocates nothing, a recorded one included.
func TestTrainingStepDoesNotAllocate(t *testing.T) {
	for _, c := range []struct {
		name string
		task params.Task
	}{{"fig3abc", params.BwOnly}, {"fig4ab-pal", params.FwBw}} {
		p := paperParams(t, c.name, c.task)
		tr, err := newTrainer(p, c.task)
		if err != nil {
			t.Fatal(err)
		}
		const runs = 2000
		rec, err := record.New(tr.net, record.Options{Every: 1, Vars: p.Rec, Steps: runs + 1, TargetSteps: runs + 1})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if appendMakeAllocates() {
			t.Log("append(s, make(…)...) allocates in this build (race detector): not checking recorded steps")
		} else if a := testing.AllocsPerRun(runs, func() { tr.train(ctx, 1, rec) }); a != 0 {
			t.Errorf("%s: %v allocations per recorded training step", c.name, a)
		}
		if a := testing.AllocsPerRun(runs, func() { tr.train(ctx, 1, nil) }); a != 0 {
			t.Errorf("%s: %v allocations per training step", c.name, a)
		}
	}
}

// appendMakeAllocates reports whether append(s, make([]float64, n)...)
// allocates although s has room, as it does with the race detector; the
// recorder grows its series that way.
func appendMakeAllocates() bool {
	buf := make([]float64, 0, 1000)
	n := cap(buf) / 2
	return testing.AllocsPerRun(10, func() { buf = append(buf[:0], make([]float64, n)...) }) > 0
}

func TestBenchReportsSpeed(t *testing.T) {
	p := paperParams(t, "fig4ab-pal", params.FwBw)
	r, err := Bench(context.Background(), p, params.FwBw, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if r.Steps != 5000 || !(r.StepsPerSecond > 0) || math.Abs(r.StepsPerSecond*r.MicrosPerStep-1e6) > 1e-3 {
		t.Errorf("Bench = %+v", r)
	}
	if _, err := Bench(context.Background(), p, params.FwBw, 0); err == nil {
		t.Error("Bench with 0 steps: no error")
	}
}

// benchmarkTraining times training steps of the first student of a paper
// experiment, recording as its params ask (record) or not at all.
func benchmarkTraining(b *testing.B, name string, task params.Task, withRecorder bool) {
	p := paperParams(b, name, task)
	tr, err := newTrainer(p, task)
	if err != nil {
		b.Fatal(err)
	}
	var rec *record.Recorder
	if withRecorder {
		targets := 0
		if task == params.FwBw {
			targets = b.N
		}
		if rec, err = record.New(tr.net, record.Options{Every: p.RecPerSteps, Vars: p.Rec, Steps: b.N, TargetSteps: targets}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := tr.train(context.Background(), b.N, rec); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTraining times training steps of Fig3abc (bw_only) and Fig4ab
// PAL (fw_bw), with the params' recording and without any.
func BenchmarkTraining(b *testing.B) {
	for _, c := range []struct {
		name string
		task params.Task
	}{{"fig3abc", params.BwOnly}, {"fig4ab-pal", params.FwBw}} {
		b.Run(c.name+"/record", func(b *testing.B) { benchmarkTraining(b, c.name, c.task, true) })
		b.Run(c.name+"/norecord", func(b *testing.B) { benchmarkTraining(b, c.name, c.task, false) })
	}
}
