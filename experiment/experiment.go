package experiment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"palmc/microcircuit"
	"palmc/params"
	"palmc/record"
)

// Options controls a run.
type Options struct {
	// Task is bw_only or fw_bw.
	Task params.Task
	// Compare records the angles to backprop (docs/model.md §8).
	Compare bool
	// Workers bounds the number of seeds simulated at once; 0 means
	// runtime.NumCPU().
	Workers int
	// Progress, if not nil, is called from the simulating goroutines with
	// the state of one network; it must be safe for concurrent use.
	Progress func(Progress)
	// ProgressEvery is the number of steps between Progress calls (0: 10000).
	ProgressEvery int
	// Restore, if not nil, is called for every student after it is built
	// and before it runs, to set its state from a checkpoint: network,
	// recorder, Steps and Order.
	Restore func(*Net) error
	// SharedInput reproduces the published code run in one process (its
	// notebooks, and the reference recordings in testdata/golden): in
	// bw_only the students share one input that each one's first shuffle
	// reorders in place. By default every student gets its own copy, as
	// with the published runner.py, whose seeds run in separate processes.
	SharedInput bool
	// SnapshotEvery, if positive, makes Run call Snapshot about that
	// often, from a goroutine of its own, with a copy of the students'
	// state: each copied after a step of its own, the copies sharing no
	// mutable state with the run, which goes on meanwhile. The next copy is
	// taken after Snapshot returns, and Run returns only after a call under
	// way has returned. The copies can be saved and restored (Restore) as
	// an interrupted run's can.
	SnapshotEvery time.Duration
	Snapshot      func(*Result)
	// CheckData, if not nil, sees the data of a classify run after it is
	// loaded and before anything runs; an error stops the run there.
	CheckData func(*ClassifyData) error
	// Ready, if not nil, is called when everything is prepared (data,
	// networks, recordings, restores) and before the first step; an error
	// stops the run there.
	Ready func() error
}

// Progress reports how far one network has come.
type Progress struct {
	// Name is "teacher" or "seed<S>".
	Name string
	// Epoch is the current epoch (0 while settling), Epochs the total.
	Epoch, Epochs int
	// Step and Steps count the network's steps, settling included, and
	// those made after a bw_only student's training for angle_dWPP_BP
	// (docs/model.md §8): its teacher's, then its replays'.
	Step, Steps int
	// Replays is the number of those replays (0 for other networks), and
	// Replay the one under way, from 1 (0 while the teacher runs).
	Replay, Replays int
	// Done is set on the last report of a network. Every network reports
	// when it starts (or goes on after a restore), every ProgressEvery
	// steps and when it is done.
	Done bool
}

// Net is the outcome for one network.
type Net struct {
	// Name is "teacher" or "seed<S>".
	Name string
	// Seed is the network's seed (the teacher's is drawn, docs/model.md §6).
	Seed int64
	// Network is the final state.
	Network *microcircuit.Network
	// Recorder holds the recorded series.
	Recorder *record.Recorder
	// Steps is the number of steps made, settling included.
	Steps int
	// Wall is the time the network took.
	Wall time.Duration
	// Err is set when the network could not finish.
	Err error
	// Input is the input the network ran on.
	Input *Input
	// Stimulus is the input as the published code leaves it for this
	// network (see assignInputs); the results file stores it.
	Stimulus *Input
	// Order is the sample order of the current epoch (students).
	Order []int

	// run and segment are the network's state in its worker pool and when
	// it last started; task is what its task keeps besides the network.
	// The snapshotter's mutex guards run and segment.
	run     runState
	segment time.Time
	task    taskState
}

// taskState is what a task keeps for a network besides the network itself
// and its recordings; it must copy itself for snapshots.
type taskState interface {
	clone() taskState
}

// Finished reports whether the network made all its steps.
func (n *Net) Finished() bool { return n.Err == nil }

// Result is the outcome of a run.
type Result struct {
	Params *params.Params
	Task   params.Task
	// Input is the step input as drawn.
	Input *Input
	// Teacher is nil for bw_only.
	Teacher *Net
	// TargetSequence is the teacher's output uP_breve before each step of
	// its pass over the input (fw_bw only), Input.Steps() rows of nN.
	TargetSequence []float64
	// Students in the order of random_seed.
	Students []*Net
	// Data is the data of a classify run (nil for the other tasks).
	Data *ClassifyData
}

// Nets returns the teacher (if any) followed by the students.
func (r *Result) Nets() []*Net {
	var out []*Net
	if r.Teacher != nil {
		out = append(out, r.Teacher)
	}
	return append(out, r.Students...)
}

// Run performs the task on the networks of p. It returns an error before
// any simulation when p cannot be run. A network that diverges stops with
// a *DivergedError in its Err and the others finish. When ctx ends, every
// network stops after its current step with ErrInterrupted, and its state
// can be saved and restored (Options.Restore) to go on bit for bit.
// The returned error joins the networks' errors.
func Run(ctx context.Context, p *params.Params, opts Options) (*Result, error) {
	if err := p.Validate(opts.Task); err != nil {
		return nil, err
	}
	if opts.Task != params.BwOnly && opts.Task != params.FwBw && opts.Task != params.Classify {
		return nil, fmt.Errorf("experiment: unknown task %q (bw_only, fw_bw or classify)", opts.Task)
	}
	if opts.Task == params.BwOnly && opts.Compare && !p.TeacherRanges {
		return nil, fmt.Errorf("experiment: bw_only with --compare BP needs the teacher's init_teacher_WPP_range, init_teacher_WIP_range, init_teacher_BPP_range and init_teacher_BPI_range: the angle between the updates and backprop's (angle_dWPP_BP) takes its targets from a teacher (docs/model.md §8)")
	}
	var data *ClassifyData
	if opts.Task == params.Classify {
		var err error
		if data, err = LoadClassifyData(p); err != nil {
			return nil, err
		}
		if opts.CheckData != nil {
			if err := opts.CheckData(data); err != nil {
				return nil, err
			}
		}
	}
	scfg, err := Config(p, false)
	if err != nil {
		return nil, err
	}
	if data != nil {
		// Image inputs are mostly zero: the columns of WPP[0] that see
		// zeros are skipped and caught up with later, to the same bits.
		scfg.LazyInputColumns = true
	}
	res := &Result{Params: p, Task: opts.Task}
	hold := p.StepsPerSample()
	settle := p.SettlingSteps()
	var tnet *microcircuit.Network
	inputSeed := uint32(p.RandomSeed[0])
	if opts.Task == params.FwBw {
		tcfg, err := Config(p, true)
		if err != nil {
			return nil, err
		}
		ts := TeacherSeed(p.RandomSeed[0])
		tnet, err = microcircuit.New(tcfg, uint32(ts))
		if err != nil {
			return nil, err
		}
		res.Teacher = &Net{Name: "teacher", Seed: ts, Network: tnet}
		inputSeed = uint32(ts)
	}
	if data == nil {
		res.Input = NewInput(inputSeed, p.DatasetSize, p.Layers[0], hold)
	}
	if res.Teacher != nil {
		res.Teacher.Input, res.Teacher.Stimulus = res.Input, res.Input
	}

	students := make([]*Net, len(p.RandomSeed))
	for i, s := range p.RandomSeed {
		n, err := microcircuit.New(scfg, uint32(s))
		if err != nil {
			return nil, err
		}
		if tnet != nil {
			if p.CopyTeacherWeights {
				n.CopyWeightsFrom(tnet)
			}
			if p.CopyTeacherVoltages {
				n.CopyVoltagesFrom(tnet)
			}
		}
		students[i] = &Net{Name: fmt.Sprintf("seed%d", s), Seed: s, Network: n}
		if opts.Task == params.BwOnly && opts.Compare {
			students[i].task = newUpdateAngles(p, scfg)
		}
	}
	res.Students = students
	var total, targetSteps, targetRecords int
	// samples returns the number of samples the order of a student that
	// has made steps steps must have.
	var samples func(steps int) int
	if data != nil {
		res.Data = data
		total = settle + data.steps()
		targetRecords = data.trainingRecords(settle, p.RecPerSteps, total)
		targetSteps = total - settle
		for _, net := range students {
			net.task = newClassification(net.Seed, p.Layers[p.N()], p.H())
		}
		samples = func(steps int) int {
			// At the start of a pass the order is the last pass's: a new
			// one is drawn.
			i, within := data.locate(steps - settle)
			if steps < settle || i == len(data.stages) || within == 0 {
				return -1
			}
			return data.stages[i].set.Len()
		}
	} else {
		assignInputs(students, res.Input, p, opts.Task, opts.SharedInput)
		total = settle + p.Epochs*res.Input.Steps()
		if opts.Task == params.FwBw {
			targetSteps = p.Epochs * res.Input.Steps()
		}
		samples = func(int) int { return res.Input.Samples }
	}
	// targetRecordsAt counts the record points with a target among the
	// first steps steps of a student.
	targetRecordsAt := func(steps int) int {
		every := p.RecPerSteps
		switch {
		case data != nil:
			return data.trainingRecords(settle, every, steps)
		case opts.Task == params.FwBw && steps > settle:
			return steps/every - settle/every
		}
		return 0
	}
	for _, net := range students {
		if err := recorderFor(net, p, opts, total, targetSteps, targetRecords, false); err != nil {
			return nil, err
		}
		if opts.Restore != nil {
			if err := opts.Restore(net); err != nil {
				return nil, fmt.Errorf("experiment: restoring %s: %w", net.Name, err)
			}
			if err := checkRestored(net, total, samples(net.Steps), targetRecordsAt(net.Steps)); err != nil {
				return nil, fmt.Errorf("experiment: restoring %s: %w", net.Name, err)
			}
			if u := net.UpdateAngles(); u != nil {
				if err := u.Check(net.Steps, total); err != nil {
					return nil, fmt.Errorf("experiment: restoring %s: %w", net.Name, err)
				}
			}
			if data != nil {
				if err := data.checkProgress(net, settle); err != nil {
					return nil, fmt.Errorf("experiment: restoring %s: %w", net.Name, err)
				}
			}
		}
	}

	if opts.Ready != nil {
		if err := opts.Ready(); err != nil {
			return nil, err
		}
	}

	// stop turns the context's end into a flag that every network checks
	// after each step, so that each finishes its current step.
	stop := halt{ctx: ctx}
	watchDone := make(chan struct{})
	defer close(watchDone)
	go func() {
		select {
		case <-ctx.Done():
			stop.interrupt()
		case <-watchDone:
		}
	}()
	stop.snap = newSnapshotter(&stop, students)
	if opts.SnapshotEvery > 0 && opts.Snapshot != nil {
		loopDone := make(chan struct{})
		loopStop := make(chan struct{})
		go func() {
			defer close(loopDone)
			stop.snap.loop(res, opts, loopStop)
		}()
		// Run returns only after a snapshot under way has been handled.
		defer func() {
			close(loopStop)
			<-loopDone
		}()
	}

	var targets [][]float64
	if res.Teacher != nil {
		res.TargetSequence, err = runTeacher(&stop, res.Teacher, p, res.Input, settle, opts)
		if err != nil {
			res.Teacher.Err = err
			if errors.Is(err, ErrInterrupted) {
				return res, err
			}
			for _, net := range students {
				net.Err = &NotRunError{Name: net.Name, Cause: err}
			}
			return res, errors.Join(err, fmt.Errorf("no student ran: the teacher gives their targets"))
		}
		nN := p.Layers[p.N()]
		targets = make([][]float64, p.DatasetSize)
		for i := range targets {
			t := (i+1)*hold - 1
			targets[i] = res.TargetSequence[t*nN : (t+1)*nN]
		}
	}

	runPool(opts.Workers, students, stop.snap, func(net *Net) error {
		if data != nil {
			return runClassifier(&stop, net, p, data, settle, opts)
		}
		return runStudent(&stop, net, p, targets, settle, opts)
	})
	var errs []error
	for _, net := range students {
		if net.Err != nil && !errors.Is(net.Err, ErrInterrupted) {
			errs = append(errs, net.Err)
		}
	}
	if stop.flag.Load() || ctx.Err() != nil {
		errs = append(errs, ErrInterrupted)
	}
	return res, errors.Join(errs...)
}

// checkRestored checks that a restored student can go on: its step count
// within the run, its sample order a permutation of the samples of its
// epoch or pass (samples < 0: any), its recordings those of its steps
// (targets: the record points with a target among them).
func checkRestored(net *Net, total, samples, targets int) error {
	if net.Steps < 0 || net.Steps > total {
		return fmt.Errorf("%d steps made, the run has %d", net.Steps, total)
	}
	if net.Order != nil && samples >= 0 {
		if len(net.Order) != samples {
			return fmt.Errorf("the sample order has %d entries, the data %d samples", len(net.Order), samples)
		}
		seen := make([]bool, samples)
		for i, o := range net.Order {
			if o < 0 || o >= samples || seen[o] {
				return fmt.Errorf("the sample order is not a permutation (entry %d is %d)", i, o)
			}
			seen[o] = true
		}
	}
	if r := net.Recorder; r != nil {
		if r.Steps() != net.Steps {
			return fmt.Errorf("the recorder counted %d steps, the network %d", r.Steps(), net.Steps)
		}
		if err := r.Check(targets); err != nil {
			return err
		}
	}
	return nil
}

// recorderFor gives net a recorder for a run of steps steps, targetSteps of
// them with a target; targetRecords > 0 counts the records that have one
// when those steps are not the last ones.
func recorderFor(net *Net, p *params.Params, opts Options, steps, targetSteps, targetRecords int, teacher bool) error {
	vars := map[string]bool{}
	for k, v := range p.Rec {
		vars[k] = v
	}
	compare := opts.Compare
	if teacher {
		vars["uP_breve"] = true
		compare = false
	}
	r, err := record.New(net.Network, record.Options{
		Every: p.RecPerSteps, Vars: vars, Compare: compare, Steps: steps, TargetSteps: targetSteps, TargetRecords: targetRecords,
	})
	net.Recorder = r
	return err
}

// Networks lists the networks of a run of p in order, teacher first, with
// the steps each makes (settling included): what progress displays count.
// It leaves out the steps that --compare BP adds to bw_only students
// (NetworksOf counts them).
func Networks(p *params.Params, task params.Task) (names []string, steps []int) {
	return NetworksOf(p, Options{Task: task})
}

// NetworksOf is Networks for a run with opts: a bw_only student with
// Compare also counts the steps it makes after its training for
// angle_dWPP_BP (its teacher's and its replays', docs/model.md §8).
func NetworksOf(p *params.Params, opts Options) (names []string, steps []int) {
	task := opts.Task
	student := p.SettlingSteps() + p.Epochs*p.DatasetSize*p.StepsPerSample()
	if task == params.BwOnly && opts.Compare && len(UpdatePoints(p)) > 0 {
		student += p.SettlingSteps() + (1+len(UpdatePoints(p)))*p.DatasetSize*p.StepsPerSample()
	}
	switch task {
	case params.FwBw:
		names = append(names, "teacher")
		steps = append(steps, p.SettlingSteps()+p.DatasetSize*p.StepsPerSample())
	case params.Classify:
		student = ClassifySteps(p)
	}
	for _, s := range p.RandomSeed {
		names = append(names, fmt.Sprintf("seed%d", s))
		steps = append(steps, student)
	}
	return names, steps
}

// LearningSteps returns how many of the first n steps of network name in a
// run of p learn (plasticity on, and PAL's noise): none of the teacher's or
// of settling, and of classify only those of the training passes. They
// take longer than the others, which progress displays take into account.
func LearningSteps(p *params.Params, task params.Task, name string, n int) int {
	settle := p.SettlingSteps()
	if name == "teacher" || n <= settle {
		return 0
	}
	x := n - settle
	if task != params.Classify {
		return x
	}
	hold := p.StepsPerSample()
	val, train := p.ValidationSize()*hold, p.TrainSize()*hold
	e := min(x/(val+train), p.Epochs)
	learned := e * train
	if e < p.Epochs {
		learned += min(max(x-e*(val+train)-val, 0), train)
	}
	return learned
}

// RecordAxes returns, for the records of net's recorded series, the time
// (ms since the network started, settling included) and the epoch of every
// record (0 while settling; for classify the epoch of the pass): the first
// pair for every series but MSE, error and target, the second for those,
// which have records only where the network had a target. A record is taken
// during step s = (i+1)·rec_per_steps of the network, at time s·dt.
func (r *Result) RecordAxes(net *Net) (time, epoch, ttime, tepoch []float64) {
	p := r.Params
	every, settle := p.RecPerSteps, p.SettlingSteps()
	if net.Recorder == nil {
		return
	}
	epochOf := func(s int) (int, bool) { return 0, false }
	switch {
	case r.Data != nil:
		epochOf = func(s int) (int, bool) {
			if s <= settle {
				return 0, false
			}
			i, _ := r.Data.locate(s - settle - 1)
			if i >= len(r.Data.stages) {
				i = len(r.Data.stages) - 1
			}
			return r.Data.stages[i].epoch, r.Data.stages[i].kind == training
		}
	case net == r.Teacher:
		epochOf = func(s int) (int, bool) { return min(1, max(0, s-settle)), false }
	default:
		epochSteps := p.DatasetSize * p.StepsPerSample()
		target := r.Task == params.FwBw
		epochOf = func(s int) (int, bool) {
			if s <= settle {
				return 0, false
			}
			return (s-settle-1)/epochSteps + 1, target
		}
	}
	n := net.Recorder.Steps() / every
	for i := 0; i < n; i++ {
		s := (i + 1) * every
		e, tgt := epochOf(s)
		time = append(time, float64(s)*p.Dt)
		epoch = append(epoch, float64(e))
		if tgt {
			ttime = append(ttime, float64(s)*p.Dt)
			tepoch = append(tepoch, float64(e))
		}
	}
	return
}
