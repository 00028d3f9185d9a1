package main

import (
	"context"
	"testing"
	"time"

	"palmc/experiment"
	"palmc/experiments"
	"palmc/microcircuit"
	"palmc/params"
)

// BenchmarkRunVsCLI times the steps of one seed of the Fig. 3 network
// (bw_only) and the Fig. 4 network (fw_bw) two ways: as palmc run makes
// them (experiment.Run with one worker: settling and epochs, its
// recordings, its divergence checks and progress; the wall time over all
// steps) and as the Python package makes them (network.run over given input
// rows, in calls of 50000 steps, recording the same variables every
// rec_per_steps, checking divergence after every step). It reports ns per
// step of both and their ratio (network/cli); the target is a ratio within
// 1.1.
func BenchmarkRunVsCLI(b *testing.B) {
	for _, c := range []struct {
		name string
		task params.Task
	}{{"fig3abc", params.BwOnly}, {"fig4ab-pal", params.FwBw}} {
		b.Run(c.name, func(b *testing.B) {
			text, err := experiments.Params(c.name)
			if err != nil {
				b.Fatal(err)
			}
			p, _, err := params.Parse(text, c.task)
			if err != nil {
				b.Fatal(err)
			}
			one := *p
			one.RandomSeed = p.RandomSeed[:1]
			one.Epochs = max(1, 400000/(p.DatasetSize*p.StepsPerSample()))
			// palmc run's steps, the teacher's included; the network makes
			// the student's.
			_, totals := experiment.Networks(&one, c.task)
			all := 0
			for _, t := range totals {
				all += t
			}
			steps := totals[len(totals)-1]
			var cli, net float64
			for i := 0; i < b.N; i++ {
				start := nowNanos()
				if _, err := experiment.Run(context.Background(), &one, experiment.Options{Task: c.task, Workers: 1}); err != nil {
					b.Fatal(err)
				}
				cli += float64(nowNanos()-start) / float64(all)
				net += networkNsPerStep(b, text, &one, c.task, steps)
			}
			b.ReportMetric(cli/float64(b.N), "cli-ns/step")
			b.ReportMetric(net/float64(b.N), "network-ns/step")
			b.ReportMetric(net/cli, "network/cli")
		})
	}
}

// networkNsPerStep times steps training steps of a network of the
// package's, inputs held as the task holds them, a target for fw_bw.
func networkNsPerStep(b *testing.B, text []byte, p *params.Params, task params.Task, steps int) float64 {
	nw, _, err := newNetwork(text, string(task), p.RandomSeed[0], false)
	if err != nil {
		b.Fatal(err)
	}
	n0, nN, hold := p.Layers[0], p.Layers[p.N()], p.StepsPerSample()
	in := experiment.NewInput(uint32(p.RandomSeed[0]), p.DatasetSize, n0, hold)
	const chunk = 50000
	x := make([]float64, chunk*n0)
	for t := 0; t < chunk; t++ {
		copy(x[t*n0:], in.Row(t/hold%in.Samples))
	}
	var tgt []float64
	sw := microcircuit.Switches{LearnLat: true, LearnBW: true}
	if task == params.FwBw {
		tgt = make([]float64, chunk*nN)
		sw.LearnFW = true
	}
	var vars []string
	for v, on := range p.Rec {
		if on {
			vars = append(vars, v)
		}
	}
	if err := nw.startRecording(vars, int64(p.RecPerSteps), int64(steps), false, 0); err != nil {
		b.Fatal(err)
	}
	stride := 0
	if tgt != nil {
		stride = nN
	}
	start := nowNanos()
	for done := 0; done < steps; done += chunk {
		if err := nw.run(x, n0, tgt, stride, min(chunk, steps-done), sw); err != nil {
			b.Fatal(err)
		}
	}
	return float64(nowNanos()-start) / float64(steps)
}

func nowNanos() int64 { return time.Now().UnixNano() }
