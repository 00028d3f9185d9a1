package experiment

import (
	"errors"
	"sync"
	"time"
)

// A run can be copied while it goes on (Options.Snapshot): every network
// is copied at a step boundary of its own — those that run finish their
// current step, copy themselves and go on; those that wait for a worker or
// have finished are copied as they are. The copies can then be written
// while the simulation continues.

// runState tells whether a network waits for a worker, runs or has
// finished (for this run).
type runState int

const (
	pending runState = iota
	running
	finished
)

// snapshotter coordinates the copies of one run's students. Its mutex
// guards every student's runState, segment start and the requests.
type snapshotter struct {
	halt     *halt
	students []*Net

	mu    sync.Mutex
	want  map[*Net]int // running students that still owe a copy, with their index
	got   []*Net
	ready chan struct{} // closed when want becomes empty
}

func newSnapshotter(h *halt, students []*Net) *snapshotter {
	return &snapshotter{halt: h, students: students}
}

// start marks a student as running.
func (sn *snapshotter) start(net *Net) {
	sn.mu.Lock()
	net.run, net.segment = running, time.Now()
	sn.mu.Unlock()
}

// finish marks a student as finished after its last step with the error
// it ended with, counts the time it ran and hands over a copy still owed.
func (sn *snapshotter) finish(net *Net, err error) {
	// A network that ended brings WPP[0] up to date: from here on it is
	// read as it is (results, model). One that was interrupted keeps the
	// state of its per-sample input weights as it is, which its checkpoint
	// saves, so that it goes on bit for bit.
	if !errors.Is(err, ErrInterrupted) {
		net.Network.Sync()
	}
	sn.mu.Lock()
	net.Err = err
	net.Wall += time.Since(net.segment)
	net.run = finished
	sn.deliver(net)
	sn.mu.Unlock()
}

// attend is called by a running student between two steps when the halt
// asks for attention: it hands over a copy if one is owed.
func (sn *snapshotter) attend(net *Net) {
	sn.mu.Lock()
	sn.deliver(net)
	sn.mu.Unlock()
}

// deliver hands over the copy net owes, if any; sn.mu is held.
func (sn *snapshotter) deliver(net *Net) {
	i, ok := sn.want[net]
	if !ok {
		return
	}
	sn.got[i] = net.copy()
	delete(sn.want, net)
	if len(sn.want) == 0 {
		close(sn.ready)
	}
}

// take returns copies of every student, each at a step boundary of its own.
func (sn *snapshotter) take() []*Net {
	sn.mu.Lock()
	sn.got = make([]*Net, len(sn.students))
	sn.want = map[*Net]int{}
	for i, net := range sn.students {
		if net.run == running {
			sn.want[net] = i
		} else {
			sn.got[i] = net.copy()
		}
	}
	var ready chan struct{}
	if len(sn.want) > 0 {
		sn.ready = make(chan struct{})
		ready = sn.ready
		sn.halt.attention.Store(true)
	}
	sn.mu.Unlock()
	if ready != nil {
		<-ready
		sn.halt.quiet()
	}
	sn.mu.Lock()
	got := sn.got
	sn.got, sn.want = nil, nil
	sn.mu.Unlock()
	return got
}

// copy returns a copy of a student that shares no mutable state with it:
// the network is cloned, the recordings are a read-only view of those made
// so far (recording only appends), the sample order is copied. sn.mu is
// held, so net is not stepping.
func (net *Net) copy() *Net {
	c := &Net{Name: net.Name, Seed: net.Seed, Network: net.Network.Clone(), Steps: net.Steps,
		Wall: net.Wall, Err: net.Err, Input: net.Input, Stimulus: net.Stimulus, run: net.run}
	if net.run == running {
		c.Wall += time.Since(net.segment)
	}
	if net.Recorder != nil {
		c.Recorder = net.Recorder.Snapshot()
	}
	if net.Order != nil {
		c.Order = append([]int(nil), net.Order...)
	}
	if net.task != nil {
		c.task = net.task.clone()
	}
	return c
}

// snapshots calls opts.Snapshot every opts.SnapshotEvery with a copy of
// the run until stop is closed; it returns when a call under way when stop
// closes has returned.
func (sn *snapshotter) loop(res *Result, opts Options, stop <-chan struct{}) {
	t := time.NewTimer(opts.SnapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			snap := *res
			snap.Teacher = nil
			snap.Students = sn.take()
			opts.Snapshot(&snap)
			t.Reset(opts.SnapshotEvery)
		}
	}
}
