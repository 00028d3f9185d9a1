package experiment

import (
	"context"
	"fmt"
	"time"

	"palmc/dataset"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/record"
)

// BenchResult is the speed of one network's training steps.
type BenchResult struct {
	// Steps is the number of timed steps.
	Steps int
	// Wall is the time they took.
	Wall time.Duration
	// StepsPerSecond is Steps/Wall.
	StepsPerSecond float64
	// MicrosPerStep is Wall/Steps in µs.
	MicrosPerStep float64
}

// Bench times steps of the training loop of the first seed of p. It builds
// that network as Run does (for fw_bw the teacher first, and from it the
// targets), settles it, and then times steps training steps, epoch after
// epoch with their shuffles, recording every rec_per_steps steps the
// variables p enables, on the calling goroutine.
func Bench(ctx context.Context, p *params.Params, task params.Task, steps int) (BenchResult, error) {
	if steps < 1 {
		return BenchResult{}, fmt.Errorf("experiment: bench steps = %d must be positive", steps)
	}
	tr, err := newTrainer(p, task)
	if err != nil {
		return BenchResult{}, err
	}
	targetSteps := 0
	if tr.targets != nil {
		targetSteps = steps
	}
	rec, err := record.New(tr.net, record.Options{Every: p.RecPerSteps, Vars: p.Rec, Steps: steps, TargetSteps: targetSteps})
	if err != nil {
		return BenchResult{}, err
	}
	start := time.Now()
	if err := tr.train(ctx, steps, rec); err != nil {
		return BenchResult{}, err
	}
	return benchResult(steps, time.Since(start)), nil
}

func benchResult(steps int, wall time.Duration) BenchResult {
	return BenchResult{
		Steps:          steps,
		Wall:           wall,
		StepsPerSecond: float64(steps) / wall.Seconds(),
		MicrosPerStep:  wall.Seconds() * 1e6 / float64(steps),
	}
}

// BenchEval times steps of the classify task's evaluation passes
// (plasticity off, no target) of the first seed of p, after as many
// training steps, on the calling goroutine.
func BenchEval(ctx context.Context, p *params.Params, steps int) (BenchResult, error) {
	if steps < 1 {
		return BenchResult{}, fmt.Errorf("experiment: bench steps = %d must be positive", steps)
	}
	tr, err := newTrainer(p, params.Classify)
	if err != nil {
		return BenchResult{}, err
	}
	if err := tr.train(ctx, steps, nil); err != nil {
		return BenchResult{}, err
	}
	tr.sw, tr.targets = microcircuit.Switches{}, nil
	start := time.Now()
	if err := tr.train(ctx, steps, nil); err != nil {
		return BenchResult{}, err
	}
	return benchResult(steps, time.Since(start)), nil
}

// trainer is the first student of a run, settled, with what its training
// loop needs: the input, the targets (fw_bw) and the sample order.
type trainer struct {
	net     *microcircuit.Network
	in      *Input
	targets [][]float64
	sw      microcircuit.Switches
	order   []int
	pos, h  int // sample position in the epoch and step within its hold
	// set, for classify, gives the samples (in has no rows), read into
	// row at the first step of each.
	set      *dataset.Set
	row, cur []float64
}

// newTrainer builds and settles the first student of p as Run does. For
// classify it trains on the training split, every sample with its target.
func newTrainer(p *params.Params, task params.Task) (*trainer, error) {
	if err := p.Validate(task); err != nil {
		return nil, err
	}
	if task == params.Classify {
		return newClassifyTrainer(p)
	}
	if task != params.BwOnly && task != params.FwBw {
		return nil, fmt.Errorf("experiment: unknown task %q (bw_only, fw_bw or classify)", task)
	}
	scfg, err := Config(p, false)
	if err != nil {
		return nil, err
	}
	hold, settleSteps := p.StepsPerSample(), p.SettlingSteps()
	inputSeed := uint32(p.RandomSeed[0])
	var teacher *microcircuit.Network
	if task == params.FwBw {
		tcfg, err := Config(p, true)
		if err != nil {
			return nil, err
		}
		ts := TeacherSeed(p.RandomSeed[0])
		if teacher, err = microcircuit.New(tcfg, uint32(ts)); err != nil {
			return nil, err
		}
		inputSeed = uint32(ts)
	}
	in := NewInput(inputSeed, p.DatasetSize, p.Layers[0], hold)
	n, err := microcircuit.New(scfg, uint32(p.RandomSeed[0]))
	if err != nil {
		return nil, err
	}
	tr := &trainer{net: n, in: in, sw: microcircuit.Switches{LearnLat: true, LearnBW: true}}
	if teacher != nil {
		if p.CopyTeacherWeights {
			n.CopyWeightsFrom(teacher)
		}
		if p.CopyTeacherVoltages {
			n.CopyVoltagesFrom(teacher)
		}
		for t := 0; t < settleSteps; t++ {
			teacher.Step(in.At(t), nil, microcircuit.Switches{}, nil)
		}
		nN := p.Layers[p.N()]
		seq := make([]float64, 0, in.Steps()*nN)
		for t := 0; t < in.Steps(); t++ {
			seq = append(seq, teacher.UPBreve[p.N()-1]...)
			teacher.Step(in.At(t), nil, microcircuit.Switches{}, nil)
		}
		tr.targets = make([][]float64, p.DatasetSize)
		for i := range tr.targets {
			t := (i+1)*hold - 1
			tr.targets[i] = seq[t*nN : (t+1)*nN]
		}
		tr.sw.LearnFW = true
	}
	for t := 0; t < settleSteps; t++ {
		n.Step(in.At(t), nil, microcircuit.Switches{}, nil)
	}
	tr.order = make([]int, in.Samples)
	for i := range tr.order {
		tr.order[i] = i
	}
	return tr, nil
}

// train makes steps training steps, going on from where the last call
// stopped, with the recorder rec (nil: none).
func (tr *trainer) train(ctx context.Context, steps int, rec *record.Recorder) error {
	n, in := tr.net, tr.in
	for s := 0; s < steps; s++ {
		if tr.pos == 0 && tr.h == 0 {
			n.Rand.ShuffleInts(tr.order)
		}
		i := tr.order[tr.pos]
		var tgt []float64
		if tr.targets != nil {
			tgt = tr.targets[i]
		}
		var obs microcircuit.Observer
		if rec != nil {
			obs = rec.Next()
		}
		var r0 []float64
		if tr.set != nil {
			if tr.h == 0 || tr.cur == nil {
				tr.cur = tr.set.RowTo(tr.row, i)
			}
			r0 = tr.cur
		} else {
			r0 = in.FirstRow(i)
		}
		n.Step(r0, tgt, tr.sw, obs)
		if tr.h++; tr.h == in.Hold {
			tr.h = 0
			if tr.pos++; tr.pos == in.Samples {
				tr.pos = 0
			}
		}
		if s%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// newClassifyTrainer is newTrainer for the classify task.
func newClassifyTrainer(p *params.Params) (*trainer, error) {
	d, err := LoadClassifyData(p)
	if err != nil {
		return nil, err
	}
	scfg, err := Config(p, false)
	if err != nil {
		return nil, err
	}
	scfg.LazyInputColumns = true // as Run does for classify
	n, err := microcircuit.New(scfg, uint32(p.RandomSeed[0]))
	if err != nil {
		return nil, err
	}
	set := d.Train
	in := &Input{Samples: set.Len(), Width: set.Inputs, Hold: d.hold}
	tr := &trainer{net: n, in: in, set: set, row: make([]float64, set.Inputs),
		sw: microcircuit.Switches{LearnFW: true, LearnLat: true, LearnBW: true}}
	tr.targets = make([][]float64, set.Len())
	for i, y := range set.Y {
		tr.targets[i] = d.targets[y]
	}
	for t := 0; t < p.SettlingSteps(); t++ {
		n.Step(set.RowTo(tr.row, t/in.Hold%set.Len()), nil, microcircuit.Switches{}, nil)
	}
	tr.order = make([]int, in.Samples)
	for i := range tr.order {
		tr.order[i] = i
	}
	return tr, nil
}
