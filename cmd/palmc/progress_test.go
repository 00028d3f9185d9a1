package main

import (
	"testing"
	"time"

	"palmc/experiment"
)

// The time left of a network comes from its own rate, also when it starts
// after another has finished (one worker); the run's from the steps all
// networks made since the run started; a resumed network counts from the
// step it goes on at; a network that diverged leaves nothing to do.
func TestETA(t *testing.T) {
	t0 := time.Now()
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	e := newETA([]string{"seed1", "seed2", "seed3"}, []int{1000, 1000, 1000}, nil)
	e.start = t0
	near := func(what string, got time.Duration, ok bool, want float64) {
		t.Helper()
		if !ok || got.Seconds() < want-1e-6 || got.Seconds() > want+1e-6 {
			t.Errorf("%s: %v (%v), want %gs", what, got, ok, want)
		}
	}

	// seed1 makes 100 steps a second and finishes after 10 s.
	e.add(experiment.Progress{Name: "seed1"}, at(0))
	if _, ok := e.net("seed1", at(0)); ok {
		t.Error("an eta before any step was made")
	}
	e.add(experiment.Progress{Name: "seed1", Step: 400}, at(4))
	d, ok := e.net("seed1", at(4))
	near("seed1 at 4 s", d, ok, 6)
	d, ok = e.run(at(4))
	near("run at 4 s", d, ok, 26) // 2600 steps left at 100 a second
	e.add(experiment.Progress{Name: "seed1", Step: 1000, Done: true}, at(10))

	// seed2 starts at 10 s: halfway after 5 s of its own, not after 15.
	e.add(experiment.Progress{Name: "seed2"}, at(10))
	e.add(experiment.Progress{Name: "seed2", Step: 500}, at(15))
	d, ok = e.net("seed2", at(15))
	near("seed2 at 15 s", d, ok, 5)
	d, ok = e.run(at(15))
	near("run at 15 s", d, ok, 15) // 1500 steps in 15 s, 1500 left

	// seed3 goes on from a checkpoint at step 600 and diverges at 700.
	e.add(experiment.Progress{Name: "seed3", Step: 600}, at(15))
	e.add(experiment.Progress{Name: "seed3", Step: 650}, at(16))
	d, ok = e.net("seed3", at(16))
	near("resumed seed3 at 16 s", d, ok, 7) // 50 steps a second, 350 left
	e.add(experiment.Progress{Name: "seed3", Step: 700, Done: true}, at(17))
	d, ok = e.run(at(17))
	near("run after seed3 diverged", d, ok, 17/1600.0*500) // only seed2's 500 steps are left
}

// Steps that learn take longer than those that do not (classify's
// validation and test passes): the time left weighs each kind by its own
// measured cost, and before the learning steps were timed by
// priorCostRatio. Without that, a run that starts with a fast validation
// pass was given a third of its time.
func TestETALearningSteps(t *testing.T) {
	t0 := time.Now()
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	// One network: 300 steps of validation, 900 of training, 300 of
	// validation, 300 of test; 300 validation steps and 100 training steps
	// a second: 1 + 9 + 1 + 1 = 12 s in all.
	learning := func(name string, n int) int { return min(max(n-300, 0), 900) }
	e := newETA([]string{"seed1"}, []int{1800}, learning)
	e.start = t0
	near := func(what string, got time.Duration, ok bool, want float64) {
		t.Helper()
		if !ok || got.Seconds() < want-1e-6 || got.Seconds() > want+1e-6 {
			t.Errorf("%s: %v (%v), want %gs", what, got, ok, want)
		}
	}
	e.add(experiment.Progress{Name: "seed1"}, at(0))
	e.add(experiment.Progress{Name: "seed1", Step: 300}, at(1))
	// Only validation timed: training steps count priorCostRatio = 3 times,
	// as they do here: exact.
	d, ok := e.run(at(1))
	near("after the validation pass", d, ok, 11)
	e.add(experiment.Progress{Name: "seed1", Step: 600}, at(4))
	d, ok = e.run(at(4))
	near("in the training pass", d, ok, 8)
	d, ok = e.net("seed1", at(4))
	near("seed1 in the training pass", d, ok, 8)
	// Measured costs replace the prior: training 5 times slower here.
	e = newETA([]string{"seed1"}, []int{1800}, learning)
	e.start = t0
	e.add(experiment.Progress{Name: "seed1"}, at(0))
	e.add(experiment.Progress{Name: "seed1", Step: 300}, at(1))
	e.add(experiment.Progress{Name: "seed1", Step: 600}, at(6))
	d, ok = e.run(at(6))
	near("with measured costs", d, ok, 10+2) // 600 training steps at 60 a second, 600 others at 300
}

// A bw_only student with --compare BP shows its replays after its epochs.
func TestPhase(t *testing.T) {
	for _, c := range []struct {
		p    experiment.Progress
		want string
	}{
		{experiment.Progress{Epoch: 3, Epochs: 100}, "epoch 3/100"},
		{experiment.Progress{Epoch: 100, Epochs: 100, Replays: 100}, "updates 0/100"},
		{experiment.Progress{Epoch: 100, Epochs: 100, Replay: 7, Replays: 100}, "updates 7/100"},
		{experiment.Progress{Epoch: 100, Epochs: 100, Replay: 100, Replays: 100, Done: true}, "epoch 100/100"},
	} {
		if got := phase(c.p); got != c.want {
			t.Errorf("phase(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}
