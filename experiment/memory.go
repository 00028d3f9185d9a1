package experiment

import (
	"fmt"

	"palmc/dataset"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/record"
)

// MemoryPart is one part of the memory a run needs.
type MemoryPart struct {
	// What names the part, Fields the params fields it grows with.
	What   string
	Fields string
	// Bytes is its size; a float64, so that absurd params do not overflow.
	Bytes float64
}

// Memory estimates the memory a run of p with opts needs at its peak,
// before anything is allocated: the recordings (reserved whole at the
// start) and what writing them into results and plots adds, the networks
// (with the copies of periodic checkpoints), the input and, for fw_bw, the
// teacher's targets. The estimate is meant to refuse runs that cannot fit,
// not to predict the peak exactly.
func Memory(p *params.Params, opts Options) ([]MemoryPart, error) {
	scfg, err := Config(p, false)
	if err != nil {
		return nil, err
	}
	students := float64(len(p.RandomSeed))
	hold := float64(p.StepsPerSample())
	samples := float64(p.DatasetSize)
	n0 := float64(p.Layers[0])
	nN := float64(p.Layers[p.N()])
	epochSteps := samples * hold
	settle := p.SettlingSteps()
	total := settle + p.Epochs*p.DatasetSize*p.StepsPerSample()
	targetRecords := 0
	if opts.Task == params.Classify {
		total = ClassifySteps(p)
		// The target records: those of the training passes, at most.
		targetRecords = max(1, p.Epochs*p.TrainSize()*p.StepsPerSample()/p.RecPerSteps+p.Epochs)
	}
	recVars := map[string]bool{}
	for k, v := range p.Rec {
		recVars[k] = v
	}
	rec := students * record.Values(scfg, record.Options{Every: p.RecPerSteps, Vars: recVars, Compare: opts.Compare,
		Steps: total, TargetSteps: total - settle, TargetRecords: targetRecords})
	nets := students
	if opts.Task == params.FwBw {
		nets++
		tsteps := settle + p.DatasetSize*p.StepsPerSample()
		rec += record.Values(scfg, record.Options{Every: p.RecPerSteps, Vars: map[string]bool{"uP_breve": true}, Steps: tsteps})
	}
	const f64 = 8
	parts := []MemoryPart{
		{"recordings", fmt.Sprintf("rec_* and rec_per_steps (every %d steps), epochs, seeds", p.RecPerSteps), rec * f64},
		// Results and plots are written from the recordings in memory;
		// the plots' own data, the encoding and the heap's growth add
		// about half of them.
		{"writing results and plots", "rec_*, rec_per_steps", rec * f64 / 2},
		// Each student has a copy of its state while a periodic
		// checkpoint is taken.
		{"networks", "layers, seeds", (nets + students) * networkValues(scfg) * f64},
	}
	if opts.Task == params.Classify {
		all := float64(p.TrainSize() + p.ValidationSize() + p.TestSize())
		// Image data sets keep a byte per pixel, the others a float64 per
		// value; a label is an int.
		perValue := float64(f64)
		if generated, _ := dataset.Generated(p.Dataset); !generated {
			perValue = 1
		}
		parts = append(parts, MemoryPart{"data set", "dataset, dataset_sizes", all * (n0*perValue + f64)},
			MemoryPart{"test predictions", "dataset_sizes, seeds", 3 * students * float64(p.TestSize()) * f64})
	} else {
		inputCopies := 1.0
		if opts.Task == params.BwOnly && !opts.SharedInput {
			inputCopies += students
		}
		parts = append(parts, MemoryPart{"input", "dataset_size, layers[0]", inputCopies * samples * n0 * f64})
		// results.npz holds each network's input sequence, made one network
		// at a time.
		parts = append(parts, MemoryPart{"input sequence written to results.npz", "dataset_size, Tpres/dt, layers[0]", epochSteps * n0 * f64})
	}
	if opts.Task == params.FwBw {
		parts = append(parts, MemoryPart{"teacher's targets", "dataset_size, Tpres/dt, layers[-1]", epochSteps * nN * f64})
	}
	if opts.Task == params.BwOnly && opts.Compare {
		// angle_dWPP_BP: per student the weights taken, the angles, and
		// while it replays a teacher's targets, a teacher and a copy of
		// the network (twice with the checkpoints' copies).
		u := newUpdateAngles(p, scfg)
		points := float64(len(u.Points))
		per := points*float64(u.size) + points*samples*float64(u.layers)
		parts = append(parts, MemoryPart{"angles of the updates (angle_dWPP_BP, --compare BP)", "epochs, rec_per_steps, dataset_size, seeds",
			students * (2*per + epochSteps*nN + 3*networkValues(scfg)) * f64})
	}
	parts = append(parts, MemoryPart{"palmc itself", "", 64 << 20})
	return parts, nil
}

// networkValues is about the number of float64 values of one network's
// state and scratch buffers: three matrices per forward matrix (weights,
// increments, low-passed increments), two per interneuron matrix, four per
// backward pair, and some forty vectors per population.
func networkValues(c microcircuit.Config) float64 {
	L := make([]float64, len(c.Layers))
	neurons := 0.0
	for i, n := range c.Layers {
		L[i] = float64(n)
		neurons += L[i]
	}
	v := 40 * neurons
	for j := 0; j < c.N(); j++ {
		v += 3 * L[j+1] * L[j]
	}
	for i := 0; i < c.NI(); i++ {
		v += 2 * L[c.InterMirror(i)+1] * L[c.InterSource(i)+1]
	}
	for k := 0; k < c.H(); k++ {
		v += 4 * L[k+1] * L[c.ApicalSource(k)+1]
	}
	if c.InputUpdate == microcircuit.PerSample {
		// What an observer sees of WPP[0] and its low-passed increments.
		v += 2 * L[1] * L[0]
	}
	return v
}
