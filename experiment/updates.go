package experiment

import (
	"fmt"

	"palmc/compare"
	"palmc/microcircuit"
	"palmc/params"
)

// The angle between a student's forward-weight increments and backprop's
// updates, angle_dWPP_BP (docs/model.md §8), of a bw_only run with Compare,
// computed as the published code does: the student's forward and backward
// weights are taken at one record point per epoch during training; after
// training, a copy of the student replays the whole input sequence once per
// set of weights, learning off, its output nudged by the targets of a
// teacher run on the same input, and compares its increments with
// backprop's at the end of every sample. The replays follow one another on
// one copy, which starts from the state the training left.

// UpdateAngles is what a bw_only student of a run with Compare keeps for
// angle_dWPP_BP: the weights taken during training, the replays made so
// far and their angles. A checkpoint saves its exported fields.
type UpdateAngles struct {
	// Points are the student's step counts after which its weights are
	// taken, one per replay (see UpdatePoints).
	Points []int
	// Weights holds the weights taken so far, one set per point passed:
	// every WPP[j], then every BPP[k], each matrix in row-major order.
	Weights []float64
	// Angles holds N angles (degrees, one per pyramidal layer) per record;
	// replay m's sample i (in the order of the input sequence) is record
	// m·dataset_size + i.
	Angles []float64
	// Replayed counts the steps of the replays made, all replays together.
	Replayed int
	// Replay is the copy of the student that replays; nil before the
	// first replay step.
	Replay *microcircuit.Network

	size    int // values of one set of weights
	layers  int // N
	samples int // dataset_size
	hold    int // steps per sample
	cmp     compare.Updates
	dst     []float64
}

// UpdatePoints returns the step counts of a student of p after which its
// weights are taken for angle_dWPP_BP, as the published code picks them:
// with R records in the run (one every rec_per_steps steps) and
// T = floor(settling steps/rec_per_steps) of them during settling, records
// T, T+s, T+2s, … below R, s = floor((R-T)/epochs) (at least 1); record r
// is taken after step (r+1)·rec_per_steps. With the published Fig. 3 params
// that is 100 steps (one record) into every epoch.
func UpdatePoints(p *params.Params) []int {
	every := p.RecPerSteps
	total := p.SettlingSteps() + p.Epochs*p.DatasetSize*p.StepsPerSample()
	R, T := total/every, p.SettlingSteps()/every
	if R <= T || p.Epochs < 1 {
		return nil
	}
	stride := max(1, (R-T)/p.Epochs)
	var out []int
	for r := T; r < R; r += stride {
		out = append(out, (r+1)*every)
	}
	return out
}

// UpdateRecords returns the number of records of angle_dWPP_BP a student
// of p makes: one per sample and replay.
func UpdateRecords(p *params.Params) int { return len(UpdatePoints(p)) * p.DatasetSize }

func newUpdateAngles(p *params.Params, cfg microcircuit.Config) *UpdateAngles {
	u := &UpdateAngles{Points: UpdatePoints(p), layers: cfg.N(), samples: p.DatasetSize, hold: p.StepsPerSample()}
	L := cfg.Layers
	for j := 0; j < cfg.N(); j++ {
		u.size += L[j+1] * L[j]
	}
	for k := 0; k < cfg.H(); k++ {
		u.size += L[k+1] * L[cfg.ApicalSource(k)+1]
	}
	u.dst = make([]float64, u.layers)
	return u
}

// UpdateAngles returns the angle_dWPP_BP record of a student of a bw_only
// run with Compare, or nil.
func (n *Net) UpdateAngles() *UpdateAngles {
	u, _ := n.task.(*UpdateAngles)
	return u
}

// Layers returns the number of angles per record (N).
func (u *UpdateAngles) Layers() int { return u.layers }

// Samples returns the number of records per replay (dataset_size).
func (u *UpdateAngles) Samples() int { return u.samples }

// ReplaySteps returns the steps of all replays together.
func (u *UpdateAngles) ReplaySteps() int { return len(u.Points) * u.samples * u.hold }

func (u *UpdateAngles) clone() taskState {
	d := *u
	// Taking weights and recording angles only append.
	d.Weights = u.Weights[:len(u.Weights):len(u.Weights)]
	d.Angles = u.Angles[:len(u.Angles):len(u.Angles)]
	if u.Replay != nil {
		d.Replay = u.Replay.Clone()
	}
	d.cmp = compare.Updates{}
	d.dst = make([]float64, u.layers)
	return &d
}

// taken returns the number of weight sets taken by a student that has
// made steps steps.
func (u *UpdateAngles) taken(steps int) int {
	m := 0
	for m < len(u.Points) && u.Points[m] <= steps {
		m++
	}
	return m
}

// take keeps the weights of n when a student that has made steps steps
// has reached the next point.
func (u *UpdateAngles) take(n *microcircuit.Network, steps int) {
	m := len(u.Weights) / max(u.size, 1)
	if m >= len(u.Points) || u.Points[m] != steps {
		return
	}
	n.Sync()
	for _, w := range n.WPP {
		u.Weights = append(u.Weights, w.Data...)
	}
	for _, b := range n.BPP {
		u.Weights = append(u.Weights, b.Data...)
	}
}

// setWeights gives the replaying copy the weights of point m, puts it in
// the self-predicting state and zeroes its noise, as the published code
// does before each replay.
func (u *UpdateAngles) setWeights(m int) {
	n := u.Replay
	w := u.Weights[m*u.size : (m+1)*u.size]
	for _, mat := range n.WPP {
		w = w[copy(mat.Data, w):]
	}
	for _, mat := range n.BPP {
		w = w[copy(mat.Data, w):]
	}
	n.SetSelfPredictingState()
	for _, v := range n.Noise {
		clear(v)
	}
}

// Observe records the angles of the step the replaying copy has made
// (the last step of a sample).
func (u *UpdateAngles) Observe(n *microcircuit.Network) {
	u.cmp.UpdateAngles(u.dst, n, n.R0, n.Target)
	u.Angles = append(u.Angles, u.dst...)
}

// Check reports whether the state of u is that of a student that has made
// steps of training steps: the weights of the points passed, no replay
// before the training's end, one record per sample replayed.
func (u *UpdateAngles) Check(steps, training int) error {
	want := u.taken(steps) * u.size
	if len(u.Weights) != want {
		return fmt.Errorf("angle_dWPP_BP: %d weights kept, %d steps make %d", len(u.Weights), steps, want)
	}
	if u.Replayed < 0 || u.Replayed > u.ReplaySteps() {
		return fmt.Errorf("angle_dWPP_BP: %d replay steps made, the replays have %d", u.Replayed, u.ReplaySteps())
	}
	if u.Replayed > 0 && steps != training {
		return fmt.Errorf("angle_dWPP_BP: %d replay steps made before the training's end", u.Replayed)
	}
	if (u.Replay != nil) != (u.Replayed > 0) {
		return fmt.Errorf("angle_dWPP_BP: the replaying network and %d replay steps do not go together", u.Replayed)
	}
	if n := u.Replayed / u.hold * u.layers; len(u.Angles) != n {
		return fmt.Errorf("angle_dWPP_BP: %d angles recorded, %d replay steps make %d", len(u.Angles), u.Replayed, n)
	}
	return nil
}

// replayUpdates makes the replays of a student whose training is done,
// going on where a restored one stopped: first a teacher, as fw_bw builds
// it, settles on the student's input sequence and runs once through it,
// giving the target of every step; then the copy replays the sequence once
// per set of weights with every switch off and those targets.
func replayUpdates(s *stepper, net *Net, p *params.Params, u *UpdateAngles, settle int) error {
	total := u.ReplaySteps()
	if u.Replayed >= total {
		return nil
	}
	in := net.Stimulus
	cfg, err := Config(p, true)
	if err != nil {
		return err
	}
	teacher, err := microcircuit.New(cfg, uint32(TeacherSeed(p.RandomSeed[0])))
	if err != nil {
		return err
	}
	s.replays = len(u.Points)
	s.extra = 0
	off := microcircuit.Switches{}
	for t := 0; t < settle; t++ {
		teacher.Step(in.At(t), nil, off, nil)
		s.extra++
		if err := s.check(teacher); err != nil {
			return err
		}
	}
	nN := p.Layers[p.N()]
	steps := in.Steps()
	targets := make([]float64, 0, steps*nN)
	for t := 0; t < steps; t++ {
		targets = append(targets, teacher.UPBreve[p.N()-1]...)
		teacher.Step(in.At(t), nil, off, nil)
		s.extra++
		if err := s.check(teacher); err != nil {
			return err
		}
	}
	if u.Replay == nil {
		u.Replay = net.Network.Clone()
	}
	s.extra += u.Replayed
	for u.Replayed < total {
		m, t := u.Replayed/steps, u.Replayed%steps
		s.replay = m + 1
		if t == 0 {
			u.setWeights(m)
		}
		var obs microcircuit.Observer
		if (t+1)%in.Hold == 0 {
			obs = u
		}
		u.Replay.Step(in.At(t), targets[t*nN:(t+1)*nN], off, obs)
		u.Replayed++
		s.extra++
		if err := s.check(u.Replay); err != nil {
			return err
		}
	}
	return nil
}
