package experiment

import (
	"palmc/params"
	"palmc/rng"
)

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
