package experiment

import (
	"time"

	"palmc/microcircuit"
	"palmc/params"
)

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
	if err := recorderFor(net, p, opts, total, 0, 0, true); err != nil {
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
	epochSteps := in.Steps()
	total := settleSteps + p.Epochs*epochSteps
	u := net.UpdateAngles()
	s := newStepper(stop, net, opts, total+replayExtra(p, u), p.Epochs)
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
	if u != nil {
		s.epoch = p.Epochs // also for a student restored after its training
		if err := replayUpdates(s, net, p, u, settleSteps); err != nil {
			return err
		}
	}
	s.report(true)
	return nil
}

// replayExtra returns the steps a student makes after its training for
// angle_dWPP_BP (none without u): its teacher's settling and pass, and
// the replays.
func replayExtra(p *params.Params, u *UpdateAngles) int {
	if u == nil || len(u.Points) == 0 {
		return 0
	}
	return p.SettlingSteps() + p.DatasetSize*p.StepsPerSample() + u.ReplaySteps()
}
