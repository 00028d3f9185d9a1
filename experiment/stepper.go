package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	"palmc/microcircuit"
)

// ErrInterrupted is the error of a network stopped by the context before
// it finished; its state can be saved and the run resumed.
var ErrInterrupted = errors.New("interrupted")

// DivergedError reports the step at which a network's state stopped being
// finite. The network stops there; the other seeds go on.
type DivergedError struct {
	Name  string
	Seed  int64
	Step  int
	Found []string // non-finite variables, e.g. "uP[2]", "WPP[1]"
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("%s diverged at step %d: %s not finite or beyond %.0e", e.Name, e.Step, strings.Join(e.Found, ", "), VoltageLimit)
}

// NotRunError is the error of a student that could not run because the
// teacher that gives its targets failed.
type NotRunError struct {
	Name  string
	Cause error
}

func (e *NotRunError) Error() string {
	return fmt.Sprintf("%s not run: the teacher failed (%v)", e.Name, e.Cause)
}

// stepper steps one network, counting, reporting, watching for divergence
// and for the context's end.
type stepper struct {
	net    *Net
	opts   Options
	every  int
	steps  int
	epochs int
	epoch  int
	stop   *halt
	// extra counts the steps made after the training for a measure
	// (angle_dWPP_BP's teacher and replays); replay is the replay under
	// way (from 1) of replays.
	extra, replay, replays int
}

// newStepper returns the stepper of a network that starts (or goes on)
// now, and reports that start.
func newStepper(stop *halt, net *Net, opts Options, steps, epochs int) *stepper {
	every := opts.ProgressEvery
	if every <= 0 {
		every = 10000
	}
	s := &stepper{net: net, opts: opts, every: every, steps: steps, epochs: epochs, stop: stop}
	s.report(false)
	return s
}

func (s *stepper) step(r0, target []float64, sw microcircuit.Switches) error {
	n := s.net.Network
	n.Step(r0, target, sw, s.net.Recorder.Next())
	s.net.Steps++
	if u := s.net.UpdateAngles(); u != nil {
		// Before a snapshot or an interruption can see the step.
		u.take(n, s.net.Steps)
	}
	return s.check(n)
}

// check follows a step of n, the network's own or one it runs for a
// measure after its training: it stops a network whose voltages diverged,
// reports progress, and looks after interruptions and snapshots.
func (s *stepper) check(n *microcircuit.Network) error {
	step := s.net.Steps + s.extra
	if !voltagesFinite(n) {
		n.Sync()
		return &DivergedError{Name: s.net.Name, Seed: s.net.Seed, Step: step, Found: nonFinite(n)}
	}
	if step%s.every == 0 {
		s.report(false)
		// The watcher goroutine may not have run yet on busy cores.
		if s.stop.ctx.Err() != nil {
			s.stop.interrupt()
		}
	}
	if s.stop.attention.Load() {
		if s.stop.flag.Load() {
			return ErrInterrupted
		}
		if s.stop.snap != nil {
			s.stop.snap.attend(s.net)
		}
	}
	return nil
}

// halt is what the stepping networks check after every step: the end of
// the run's context, as a flag, and requests for a copy of their state.
// attention is set when either needs a look, so that a step checks one
// flag.
type halt struct {
	ctx       context.Context
	flag      atomic.Bool
	attention atomic.Bool
	snap      *snapshotter
}

// interrupt asks every network to stop after its current step.
func (h *halt) interrupt() {
	h.flag.Store(true)
	h.attention.Store(true)
}

// quiet clears attention unless the run is stopping.
func (h *halt) quiet() {
	h.attention.Store(false)
	if h.flag.Load() {
		h.attention.Store(true)
	}
}

func (s *stepper) report(done bool) {
	if s.opts.Progress != nil {
		s.opts.Progress(Progress{Name: s.net.Name, Epoch: s.epoch, Epochs: s.epochs, Step: s.net.Steps + s.extra, Steps: s.steps,
			Replay: s.replay, Replays: s.replays, Done: done})
	}
}

// VoltageLimit bounds the somatic voltages of a network that has not
// diverged. The published networks' voltages stay within a few hundred;
// beyond 1e100 their squares overflow and squared errors, norms and angles
// lose their meaning before the state itself becomes infinite.
const VoltageLimit = 1e100

// voltagesFinite checks that the somatic voltages are finite and within
// VoltageLimit; every other variable reaches them within a few steps. It
// is cheap enough for every step.
func voltagesFinite(n *microcircuit.Network) bool {
	sum := 0.0
	for _, u := range n.UP {
		for _, v := range u {
			sum += math.Abs(v)
		}
	}
	for _, u := range n.UI {
		for _, v := range u {
			sum += math.Abs(v)
		}
	}
	return sum <= VoltageLimit // false for NaN
}

// nonFinite names every variable of n that holds a NaN, an infinity or a
// value beyond VoltageLimit.
func nonFinite(n *microcircuit.Network) []string {
	var out []string
	bad := func(x []float64) bool {
		for _, v := range x {
			if !(math.Abs(v) <= VoltageLimit) {
				return true
			}
		}
		return false
	}
	for _, f := range []struct {
		name string
		ms   []microcircuit.Mat
	}{{"WPP", n.WPP}, {"WIP", n.WIP}, {"BPP", n.BPP}, {"BPI", n.BPI}} {
		for i, m := range f.ms {
			if bad(m.Data) {
				out = append(out, fmt.Sprintf("%s[%d]", f.name, i))
			}
		}
	}
	for _, f := range []struct {
		name string
		vs   [][]float64
	}{{"uP", n.UP}, {"uI", n.UI}, {"vbas", n.VBas}, {"vapi", n.VApi}, {"vden", n.VDen}, {"noise", n.Noise}} {
		for i, v := range f.vs {
			if bad(v) {
				out = append(out, fmt.Sprintf("%s[%d]", f.name, i))
			}
		}
	}
	return out
}
