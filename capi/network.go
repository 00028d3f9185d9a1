package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"palmc/experiment"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/record"
)

// network is a microcircuit with the count of its steps and the recording
// under way. Its mutex serialises the calls of several caller threads.
type network struct {
	mu    sync.Mutex
	net   *microcircuit.Network
	p     *params.Params
	task  params.Task
	steps int64
	rec   *recording
	tgt   []float64 // the current step's target, owned by Go
}

// recording is a recorder of palmc run over the steps of one or more
// calls of run, with the step count of every record.
type recording struct {
	r      *record.Recorder
	at     []float64 // steps since the network was built, of every record
	target []float64 // the same for the records that had a target
}

// netInfo describes a network to the caller.
type netInfo struct {
	Layers   []int            `json:"layers"`
	Dt       float64          `json:"dt"`
	Model    string           `json:"model"`
	Seed     int64            `json:"seed"`
	Task     string           `json:"task"`
	Teacher  bool             `json:"teacher"`
	Vectors  map[string][]int `json:"vectors"`  // name → length per layer
	Matrices map[string][]int `json:"matrices"` // name → rows, cols per layer (flattened pairs)
	Params   json.RawMessage  `json:"params"`
	Warnings []string         `json:"warnings"`
	Vars     []string         `json:"recordable"`
}

// newNetwork builds the network of params text and seed as palmc run
// builds its students, or its teacher.
func newNetwork(text []byte, task string, seed int64, teacher bool) (*network, *netInfo, error) {
	t, err := taskOf(text, task)
	if err != nil {
		return nil, nil, err
	}
	if teacher && t != params.FwBw {
		return nil, nil, valueErr("palmc: a teacher belongs to the task fw_bw, not %s", t)
	}
	p, warnings, err := params.Parse(text, t)
	if err != nil {
		return nil, nil, err
	}
	if seed < 0 || seed > params.MaxSeed {
		return nil, nil, valueErr("palmc: seed %d is outside [0, %d], the seeds of numpy's RandomState", seed, int64(params.MaxSeed))
	}
	cfg, err := experiment.Config(p, teacher)
	if err != nil {
		return nil, nil, err
	}
	if t == params.Classify {
		// As palmc run does: the same bits, faster on images.
		cfg.LazyInputColumns = true
	}
	if err := fits(experiment.NetworkValues(cfg)*8, 0, fmt.Sprintf("a network of layers %v", p.Layers), "fewer or smaller layers"); err != nil {
		return nil, nil, err
	}
	n, err := microcircuit.New(cfg, uint32(seed))
	if err != nil {
		return nil, nil, err
	}
	nw := &network{net: n, p: p, task: t, tgt: make([]float64, p.Layers[p.N()])}
	text2, err := json.Marshal(p)
	if err != nil {
		return nil, nil, err
	}
	info := &netInfo{Layers: p.Layers, Dt: p.Dt, Model: cfg.Model.String(), Seed: seed, Task: string(t), Teacher: teacher,
		Vectors: map[string][]int{}, Matrices: map[string][]int{}, Params: text2, Warnings: warnings, Vars: record.Vars}
	if info.Warnings == nil {
		info.Warnings = []string{}
	}
	for _, v := range n.StateVecs() {
		for _, x := range v.Vecs {
			info.Vectors[v.Name] = append(info.Vectors[v.Name], len(x))
		}
	}
	for _, m := range n.StateMats() {
		for _, x := range m.Mats {
			info.Matrices[m.Name] = append(info.Matrices[m.Name], x.Rows, x.Cols)
		}
	}
	return nw, info, nil
}

// taskOf returns the task named by task, or when task is "" the one the
// params are for: classify if they name a data set, else bw_only.
func taskOf(text []byte, task string) (params.Task, error) {
	if task == "" {
		var m map[string]json.RawMessage
		if json.Unmarshal(text, &m) == nil {
			if _, ok := m["dataset"]; ok {
				return params.Classify, nil
			}
		}
		return params.BwOnly, nil
	}
	for _, t := range params.Tasks() {
		if string(t) == task {
			return t, nil
		}
	}
	return "", valueErr("palmc: unknown task %q (bw_only, fw_bw or classify)", task)
}

// slot finds the state of name and layer: a vector or a matrix's data.
func (nw *network) slot(name string, layer int) ([]float64, error) {
	n := nw.net
	var names []string
	for _, v := range n.StateVecs() {
		if v.Name == name {
			if layer < 0 || layer >= len(v.Vecs) {
				return nil, valueErr("palmc: %s has layers 0 to %d, not %d", name, len(v.Vecs)-1, layer)
			}
			return v.Vecs[layer], nil
		}
		names = append(names, v.Name)
	}
	for _, m := range n.StateMats() {
		if m.Name == name {
			if layer < 0 || layer >= len(m.Mats) {
				return nil, valueErr("palmc: %s has layers 0 to %d, not %d", name, len(m.Mats)-1, layer)
			}
			return m.Mats[layer].Data, nil
		}
		names = append(names, m.Name)
	}
	sort.Strings(names)
	return nil, valueErr("palmc: no state variable %q (the variables: %v)", name, names)
}

// get copies the state of name and layer into dst, whose length must be
// its size.
func (nw *network) get(name string, layer int, dst []float64) error {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	var err error
	// Look: with per-sample input weights WPP[0] and dWPP_LO[0] are read
	// as they are now, without folding the sample into them (which would
	// change the bits of the steps to come).
	nw.net.Look(func(*microcircuit.Network) {
		var src []float64
		if src, err = nw.slot(name, layer); err != nil {
			return
		}
		if len(dst) != len(src) {
			err = valueErr("palmc: %s[%d] has %d values, not %d", name, layer, len(src), len(dst))
			return
		}
		copy(dst, src)
	})
	return err
}

// set copies src into the state of name and layer. Every value must be
// finite; nothing is changed otherwise.
func (nw *network) set(name string, layer int, src []float64) error {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if strings.HasPrefix(name, "held_") {
		return valueErr("palmc: %s is the per-sample input weights' own bookkeeping (input_update \"per_sample\"), read-only", name)
	}
	// The stored input weights take the sample so far first.
	nw.net.Sync()
	dst, err := nw.slot(name, layer)
	if err != nil {
		return err
	}
	if len(dst) != len(src) {
		return valueErr("palmc: %s[%d] has %d values, not %d", name, layer, len(dst), len(src))
	}
	if i := notFinite(src); i >= 0 {
		return valueErr("palmc: %s[%d]: value %d is %v; the state must be finite", name, layer, i, src[i])
	}
	copy(dst, src)
	return nil
}

// notFinite returns the index of the first NaN or infinity of x, or -1.
func notFinite(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// startRecording starts recording the variables vars (rec_<name> of the
// params) every every steps, with the angles to backprop if compare,
// reserving room for steps steps. The recording, and the caller's copy of
// it, must fit in maxBytes (0: in the memory available).
func (nw *network) startRecording(vars []string, every, steps int64, compare bool, maxBytes int64) error {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if every < 1 {
		return valueErr("palmc: the recording interval %d must be at least one step", every)
	}
	if steps < 0 {
		return valueErr("palmc: %d steps", steps)
	}
	m := map[string]bool{}
	for _, v := range vars {
		m[v] = true
	}
	if compare && nw.p.H() < 1 {
		return valueErr("palmc: a network without hidden layers has no angles to backprop")
	}
	for v := range m {
		if !slices.Contains(record.Vars, v) {
			return valueErr("palmc: unknown variable %q to record (the recordable variables: %v)", v, record.Vars)
		}
	}
	// Records at the multiples of every among the next steps steps.
	records := (nw.steps+steps)/every - nw.steps/every
	opts := record.Options{Every: 1, Vars: m, Compare: compare, Steps: int(min(records, 1<<40)), TargetSteps: int(min(records, 1<<40))}
	values := record.Values(nw.net.Cfg, opts) + 2*float64(records)
	if err := fits(2*8*values, maxBytes, fmt.Sprintf("recording %d records of %v", records, vars),
		"record fewer variables, less often (every) or over fewer steps"); err != nil {
		return err
	}
	opts.Every = int(every)
	opts.Steps = int(records * every)
	opts.TargetSteps = opts.Steps
	r, err := record.New(nw.net, opts)
	if err != nil {
		return valueErr("palmc: %v", err)
	}
	if err := r.Restore(int(nw.steps), nil); err != nil {
		return err
	}
	nw.rec = &recording{r: r, at: make([]float64, 0, records), target: make([]float64, 0, records)}
	return nil
}

// stopRecording ends the recording under way and returns it.
func (nw *network) stopRecording() (*recording, error) {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if nw.rec == nil {
		return nil, valueErr("palmc: no recording under way")
	}
	rec := nw.rec
	nw.rec = nil
	return rec, nil
}

// run makes steps steps. Step i takes the input r0[i·r0Stride:][:n0] and,
// if tgt is not nil, the target tgt[i·tgtStride:][:nN] (a stride of 0
// repeats one row). The inputs and targets must be finite. A network whose
// voltages stop being finite stops at that step with a diverged error.
func (nw *network) run(r0 []float64, r0Stride int, tgt []float64, tgtStride int, steps int, sw microcircuit.Switches) error {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	n0, nN := nw.p.Layers[0], nw.p.Layers[nw.p.N()]
	if steps < 0 {
		return valueErr("palmc: %d steps", steps)
	}
	if steps == 0 {
		return nil
	}
	need := func(what string, data []float64, stride, width int) error {
		if stride != 0 && stride != width {
			return valueErr("palmc: %s rows of %d values, not %d", what, width, stride)
		}
		want := (steps-1)*stride + width
		if len(data) < want {
			return valueErr("palmc: %d steps need %d %s values, got %d", steps, want, what, len(data))
		}
		if i := notFinite(data[:want]); i >= 0 {
			return valueErr("palmc: %s value %d (step %d, entry %d) is %v; %ss must be finite", what, i, i/width, i%width, data[i], what)
		}
		return nil
	}
	if err := need("input", r0, r0Stride, n0); err != nil {
		return err
	}
	if tgt != nil {
		if err := need("target", tgt, tgtStride, nN); err != nil {
			return err
		}
	}
	n := nw.net
	for i := 0; i < steps; i++ {
		var target []float64
		if tgt != nil {
			copy(nw.tgt, tgt[i*tgtStride:i*tgtStride+nN])
			target = nw.tgt
		}
		var obs microcircuit.Observer
		if nw.rec != nil {
			if obs = nw.rec.r.Next(); obs != nil {
				nw.rec.at = append(nw.rec.at, float64(nw.steps+1))
				if target != nil {
					nw.rec.target = append(nw.rec.target, float64(nw.steps+1))
				}
			}
		}
		n.Step(r0[i*r0Stride:i*r0Stride+n0], target, sw, obs)
		nw.steps++
		if !experiment.Finite(n) {
			n.Sync()
			n.Target = nil
			bad := experiment.NonFinite(n)
			return &apiError{Kind: kindDiverged, Step: nw.steps, Variables: bad,
				Message: fmt.Sprintf("palmc: the network diverged at step %d: %v not finite or beyond %.0e", nw.steps, bad, experiment.VoltageLimit)}
		}
	}
	n.Target = nil
	return nil
}

// shuffle shuffles order in place with the network's own generator, as
// bw_only and fw_bw shuffle their sample order at the start of each epoch
// (the previous epoch's order, not a new one).
func (nw *network) shuffle(order []int) {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	nw.net.Rand.ShuffleInts(order)
}

// clone returns an independent copy of nw with its step count.
func (nw *network) clone() *network {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	return &network{net: nw.net.Clone(), p: nw.p, task: nw.task, steps: nw.steps, tgt: make([]float64, len(nw.tgt))}
}

// netState is the part of a network's state that is not an array.
type netState struct {
	Steps        int64   `json:"steps"`
	Time         float64 `json:"time"`
	NoiseCounter int     `json:"noise_counter"`
	BWSteps      int     `json:"bw_steps"`
	Recording    bool    `json:"recording"`
}

func (nw *network) state() netState {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	return netState{Steps: nw.steps, Time: float64(nw.steps) * nw.p.Dt, NoiseCounter: nw.net.NoiseCounter, BWSteps: nw.net.BWSteps, Recording: nw.rec != nil}
}

// seriesInfo describes one recorded series.
type seriesInfo struct {
	Name    string `json:"name"`
	Shape   []int  `json:"shape"`
	Records int    `json:"records"`
}

// series lists the recorded series of rec, with the step counts of the
// records as "rec_step" and "rec_step_target".
func (rec *recording) series() []seriesInfo {
	var out []seriesInfo
	for _, s := range rec.r.All() {
		out = append(out, seriesInfo{Name: s.Name, Shape: append([]int{}, s.Shape...), Records: s.Len()})
	}
	out = append(out, seriesInfo{Name: "rec_step", Shape: []int{}, Records: len(rec.at)},
		seriesInfo{Name: "rec_step_target", Shape: []int{}, Records: len(rec.target)})
	return out
}

// data returns the values of a series of rec.
func (rec *recording) data(name string) ([]float64, error) {
	switch name {
	case "rec_step":
		return rec.at, nil
	case "rec_step_target":
		return rec.target, nil
	}
	s := rec.r.Get(name)
	if s == nil {
		return nil, valueErr("palmc: no recorded series %q", name)
	}
	return s.Data, nil
}
