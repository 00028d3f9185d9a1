// Package experiment runs the published tasks on a set of networks
// (SPEC §6): students built from their seeds, for fw_bw a teacher whose
// output becomes the target, the step input, settling and epochs with
// shuffling, and seeds in parallel on a bounded number of workers.
//
// The result of a seed does not depend on the number of workers: every
// network owns its generator and reads only shared, immutable input.
package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"palmc/microcircuit"
	"palmc/params"
	"palmc/record"
	"palmc/rng"
)

// Options controls a run.
type Options struct {
	// Task is bw_only or fw_bw.
	Task params.Task
	// Compare records the angles to backprop (SPEC §8).
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
}

// Progress reports how far one network has come.
type Progress struct {
	// Name is "teacher" or "seed<S>".
	Name string
	// Epoch is the current epoch (0 while settling), Epochs the total.
	Epoch, Epochs int
	// Step and Steps count the network's steps, settling included.
	Step, Steps int
	// Done is set on the last report of a network.
	Done bool
}

// Net is the outcome for one network.
type Net struct {
	// Name is "teacher" or "seed<S>".
	Name string
	// Seed is the network's seed (the teacher's is drawn, SPEC §6).
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
}

// Finished reports whether the network made all its steps.
func (n *Net) Finished() bool { return n.Err == nil }

// assignInputs gives every student the input it runs on and the input as
// the published code leaves it for that network (its "stimulus").
//
// In bw_only the published code shuffles a strided view of its input in
// place, so each student's first shuffle reorders the first step of every
// hold (see Input). With the published runner.py every seed runs in its own
// process on its own copy of the input: each student settles on the drawn
// input and leaves it reordered by its own first shuffle. Run in one process
// (shared), the students run one after another on one input, and student k
// settles on the input as the students before it left it. The first
// shuffle is the first draw of a student's own generator, so either way all
// inputs are known before any simulation and do not depend on the order of
// execution or the number of workers.
func assignInputs(students []*Net, in *Input, p *params.Params, task params.Task, shared bool) *Input {
	for _, net := range students {
		net.Input, net.Stimulus = in, in
		if task != params.BwOnly || p.Epochs == 0 {
			continue
		}
		order := make([]int, in.Samples)
		for i := range order {
			order[i] = i
		}
		rng.New(uint32(net.Seed)).ShuffleInts(order)
		net.Stimulus = in.permuted(order)
		if shared {
			in = net.Stimulus
		}
	}
	if shared {
		for _, net := range students {
			net.Stimulus = in
		}
	}
	return in
}

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
}

// Nets returns the teacher (if any) followed by the students.
func (r *Result) Nets() []*Net {
	var out []*Net
	if r.Teacher != nil {
		out = append(out, r.Teacher)
	}
	return append(out, r.Students...)
}

// Input is the step signal: Samples rows of Width rates, each held for
// Hold steps.
//
// The published bw_only code shuffles a strided view of the shared input in
// place, so the first step of each hold sees the shuffled row while the
// other steps keep the drawn one; First holds the rows seen at the first
// step (equal to Rows until such a shuffle).
type Input struct {
	Rows    []float64
	First   []float64
	Samples int
	Width   int
	Hold    int
}

// Steps returns the length of the input sequence in steps.
func (in *Input) Steps() int { return in.Samples * in.Hold }

// Row returns sample i as drawn.
func (in *Input) Row(i int) []float64 { return in.Rows[i*in.Width : (i+1)*in.Width] }

// FirstRow returns the row of sample i seen at the first step of its hold.
func (in *Input) FirstRow(i int) []float64 { return in.First[i*in.Width : (i+1)*in.Width] }

// At returns the input of step t of the sequence.
func (in *Input) At(t int) []float64 {
	if t%in.Hold == 0 {
		return in.FirstRow(t / in.Hold)
	}
	return in.Row(t / in.Hold)
}

// NewInput draws the step input of the published code:
// RandomState(seed).uniform(0, 1, size=(samples, width)).
func NewInput(seed uint32, samples, width, hold int) *Input {
	in := &Input{Rows: make([]float64, samples*width), Samples: samples, Width: width, Hold: hold}
	rng.New(seed).FillUniform(in.Rows, 0, 1)
	in.First = in.Rows
	return in
}

// permuted returns a copy of in whose first-step rows are those of in in
// the given order.
func (in *Input) permuted(order []int) *Input {
	out := *in
	out.First = make([]float64, len(in.First))
	for i, o := range order {
		copy(out.First[i*in.Width:(i+1)*in.Width], in.FirstRow(o))
	}
	return &out
}

// Config returns the network configuration of p; teacher selects the
// teacher's initial ranges, no taur and the self-predicting state.
func Config(p *params.Params, teacher bool) (microcircuit.Config, error) {
	N := p.N()
	c := microcircuit.Config{
		Layers: append([]int(nil), p.Layers...),
		Dt:     p.Dt, Taur: p.Taur,
		Gl: p.Gl, Gbas: p.Gbas, Gapi: p.Gapi, Gden: p.Gden, GnI: p.GnI, Gntgt: p.Gntgt,
		EtaFW: p.EtaFW, EtaBW: p.EtaBW, EtaIP: p.EtaIP, EtaPI: p.EtaPI, Alpha: p.Alpha,
		InitWPP: p.InitWPPRange, InitWIP: p.InitWIPRange, InitBPP: p.InitBPPRange, InitBPI: p.InitBPIRange,
		InitInSPS:  p.InitInSPS,
		NoiseScale: p.NoiseScale,
		TauHP:      p.TauHP, TauLO: p.TauLO, Tauxi: p.Tauxi,
		PyrHiPass:         p.PyrHiPass,
		InterLowPass:      p.InterLowPass,
		DWPPLowPass:       p.DWPPLowPass,
		DWPPRLowPass:      p.DWPPRLowPass,
		DWPPPostLowPass:   p.DWPPPostLowPass,
		GateRegularizer:   p.GateRegularizer,
		VarphiRegularizer: p.VarphiRegularizer,
		DWPPUseActivation: p.DWPPUseActivation,
	}
	for j := 0; j < N; j++ {
		a, err := microcircuit.ParseActivation(p.Activation[j])
		if err != nil {
			return c, err
		}
		c.Activations = append(c.Activations, a)
	}
	switch p.ModelType {
	case "BP":
		c.Model = microcircuit.BP
	case "FA":
		c.Model = microcircuit.FA
	case params.ModelPAL, params.ModelLDRL:
		c.Model = microcircuit.PAL
	case params.ModelDTPDRL:
		c.Model = microcircuit.DTPDRL
	default:
		return c, fmt.Errorf("experiment: model_type %q is not supported", p.ModelType)
	}
	switch p.BwConnectionMode {
	case params.ConnLayered, "":
		c.Connectivity = microcircuit.Layered
	case params.ConnSkip:
		c.Connectivity = microcircuit.Skip
	default:
		return c, fmt.Errorf("experiment: bw_connection_mode %q is not supported", p.BwConnectionMode)
	}
	if c.Model.Noisy() {
		c.NoiseHoldSteps = p.NoiseHoldSteps()
		c.PhaseSteps = p.PhaseSteps()
		switch p.NoiseType {
		case "OU":
			c.NoiseType = microcircuit.OU
		case "hold_white_noise":
			c.NoiseType = microcircuit.HoldWhiteNoise
		default:
			return c, fmt.Errorf("experiment: noise_type %q is not supported", p.NoiseType)
		}
		switch p.NoiseMode {
		case "const":
			c.NoiseMode = microcircuit.NoiseConst
		case "uP":
			c.NoiseMode = microcircuit.NoiseUP
		case "uP_breve":
			c.NoiseMode = microcircuit.NoiseUPBreve
		case "vapi":
			c.NoiseMode = microcircuit.NoiseVapi
		case params.ModeUPAdaptive:
			c.NoiseMode = microcircuit.NoiseUPAdaptive
			c.NoiseDeg, c.Taueps = p.NoiseDeg, p.Taueps
		default:
			return c, fmt.Errorf("experiment: noise_mode %q is not supported", p.NoiseMode)
		}
	}
	if teacher {
		c.InitWPP, c.InitWIP = p.InitTeacherWPPRange, p.InitTeacherWIPRange
		c.InitBPP, c.InitBPI = p.InitTeacherBPPRange, p.InitTeacherBPIRange
		c.Taur = 1
		c.InitInSPS = true
	}
	return c, nil
}

// TeacherSeed returns the teacher's seed drawn by the published code:
// randint(100000, 999999) right after seeding with the first student seed.
func TeacherSeed(firstStudent int64) int64 {
	return rng.New(uint32(firstStudent)).Randint(100000, 999999)
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
	if opts.Task != params.BwOnly && opts.Task != params.FwBw {
		return nil, fmt.Errorf("experiment: unknown task %q (bw_only or fw_bw)", opts.Task)
	}
	scfg, err := Config(p, false)
	if err != nil {
		return nil, err
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
	res.Input = NewInput(inputSeed, p.DatasetSize, p.Layers[0], hold)
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
	}
	res.Students = students
	assignInputs(students, res.Input, p, opts.Task, opts.SharedInput)
	total := settle + p.Epochs*res.Input.Steps()
	targetSteps := 0
	if opts.Task == params.FwBw {
		targetSteps = p.Epochs * res.Input.Steps()
	}
	for _, net := range students {
		if err := recorderFor(net, p, opts, total, targetSteps, false); err != nil {
			return nil, err
		}
		if opts.Restore != nil {
			if err := opts.Restore(net); err != nil {
				return nil, fmt.Errorf("experiment: restoring %s: %w", net.Name, err)
			}
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
			stop.flag.Store(true)
		case <-watchDone:
		}
	}()

	var targets [][]float64
	if res.Teacher != nil {
		res.TargetSequence, err = runTeacher(&stop, res.Teacher, p, res.Input, settle, opts)
		if err != nil {
			res.Teacher.Err = err
			return res, err
		}
		nN := p.Layers[p.N()]
		targets = make([][]float64, p.DatasetSize)
		for i := range targets {
			t := (i+1)*hold - 1
			targets[i] = res.TargetSequence[t*nN : (t+1)*nN]
		}
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	jobs := make(chan *Net)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for net := range jobs {
				if net.Err == nil { // a restored network may have diverged before
					net.Err = runStudent(&stop, net, p, targets, settle, opts)
				}
			}
		}()
	}
	for _, net := range students {
		jobs <- net
	}
	close(jobs)
	wg.Wait()
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

func recorderFor(net *Net, p *params.Params, opts Options, steps, targetSteps int, teacher bool) error {
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
		Every: p.RecPerSteps, Vars: vars, Compare: compare, Steps: steps, TargetSteps: targetSteps,
	})
	net.Recorder = r
	return err
}

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
	return fmt.Sprintf("%s (seed %d) diverged at step %d: %s not finite", e.Name, e.Seed, e.Step, strings.Join(e.Found, ", "))
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
}

func newStepper(stop *halt, net *Net, opts Options, steps, epochs int) *stepper {
	every := opts.ProgressEvery
	if every <= 0 {
		every = 10000
	}
	return &stepper{net: net, opts: opts, every: every, steps: steps, epochs: epochs, stop: stop}
}

func (s *stepper) step(r0, target []float64, sw microcircuit.Switches) error {
	n := s.net.Network
	n.Step(r0, target, sw, s.net.Recorder.Next())
	s.net.Steps++
	if !voltagesFinite(n) {
		return &DivergedError{Name: s.net.Name, Seed: s.net.Seed, Step: s.net.Steps, Found: nonFinite(n)}
	}
	if s.net.Steps%s.every == 0 {
		s.report(false)
		// The watcher goroutine may not have run yet on busy cores.
		if s.stop.ctx.Err() != nil {
			s.stop.flag.Store(true)
		}
	}
	if s.stop.flag.Load() {
		return ErrInterrupted
	}
	return nil
}

// halt is the end of a run's context as a flag that is cheap to check
// after every step.
type halt struct {
	ctx  context.Context
	flag atomic.Bool
}

func (s *stepper) report(done bool) {
	if s.opts.Progress != nil {
		s.opts.Progress(Progress{Name: s.net.Name, Epoch: s.epoch, Epochs: s.epochs, Step: s.net.Steps, Steps: s.steps, Done: done})
	}
}

// voltagesFinite checks the somatic voltages, which every other variable
// reaches within a few steps; it is cheap enough for every step.
func voltagesFinite(n *microcircuit.Network) bool {
	sum := 0.0
	for _, u := range n.UP {
		for _, v := range u {
			sum += v
		}
	}
	for _, u := range n.UI {
		for _, v := range u {
			sum += v
		}
	}
	return !math.IsNaN(sum) && !math.IsInf(sum, 0)
}

// nonFinite names every variable of n that holds a NaN or an infinity.
func nonFinite(n *microcircuit.Network) []string {
	var out []string
	bad := func(x []float64) bool {
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
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

func settle(s *stepper, in *Input, steps int) error {
	for t := s.net.Steps; t < steps; t++ {
		if err := s.step(in.At(t), nil, microcircuit.Switches{}); err != nil {
			return err
		}
	}
	return nil
}

func runTeacher(stop *halt, net *Net, p *params.Params, in *Input, settleSteps int, opts Options) ([]float64, error) {
	start := time.Now()
	defer func() { net.Wall = time.Since(start) }()
	total := settleSteps + in.Steps()
	if err := recorderFor(net, p, opts, total, 0, true); err != nil {
		return nil, err
	}
	s := newStepper(stop, net, opts, total, 1)
	if err := settle(s, in, settleSteps); err != nil {
		return nil, err
	}
	s.epoch = 1
	n := net.Network
	nN := p.Layers[p.N()]
	seq := make([]float64, 0, in.Steps()*nN)
	for t := 0; t < in.Steps(); t++ {
		seq = append(seq, n.UPBreve[p.N()-1]...)
		if err := s.step(in.At(t), nil, microcircuit.Switches{}); err != nil {
			return nil, err
		}
	}
	s.report(true)
	return seq, nil
}

// runStudent settles a student and trains it for the epochs of p. A
// student restored from a checkpoint (net.Steps > 0) goes on where it
// stopped: net.Order is the sample order of the epoch it was in.
func runStudent(stop *halt, net *Net, p *params.Params, targets [][]float64, settleSteps int, opts Options) error {
	in := net.Input
	start := time.Now()
	defer func() { net.Wall += time.Since(start) }()
	epochSteps := in.Steps()
	total := settleSteps + p.Epochs*epochSteps
	s := newStepper(stop, net, opts, total, p.Epochs)
	if err := settle(s, in, settleSteps); err != nil {
		return err
	}
	sw := microcircuit.Switches{LearnLat: true, LearnBW: true, LearnFW: targets != nil}
	if net.Order == nil {
		net.Order = make([]int, in.Samples)
		for i := range net.Order {
			net.Order[i] = i
		}
	}
	done := net.Steps - settleSteps // training steps made before
	n := net.Network
	for e := done/epochSteps + 1; e <= p.Epochs; e++ {
		s.epoch = e
		within := 0
		if e == done/epochSteps+1 {
			within = done % epochSteps
		}
		if within == 0 {
			n.Rand.ShuffleInts(net.Order)
		}
		for pos := within / in.Hold; pos < in.Samples; pos++ {
			i := net.Order[pos]
			r0 := in.FirstRow(i)
			var tgt []float64
			if targets != nil {
				tgt = targets[i]
			}
			h0 := 0
			if pos == within/in.Hold {
				h0 = within % in.Hold
			}
			for h := h0; h < in.Hold; h++ {
				if err := s.step(r0, tgt, sw); err != nil {
					return err
				}
			}
		}
	}
	s.report(true)
	return nil
}
