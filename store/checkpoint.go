package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"palmc/experiment"
	"palmc/params"
)

// A checkpoint (checkpoint.npz) holds an unfinished run: the params and
// options, text entries that the caller keeps with it (Meta), and for every
// student its full state (as in a model file), its step count, the sample
// order of its epoch, its wall time, its status and the recordings so far
// ("<net>/rec/<series>", flat, with "<net>/rec_steps"), and for a bw_only
// student with --compare BP what angle_dWPP_BP has made: the weights taken
// ("<net>/updates/weights"), the angles ("<net>/updates/angles"), the
// replay steps made ("<net>/updates/replayed") and the replaying network
// ("<net>/updates/replay/…", once it has made a step). The teacher is not
// saved: it is rerun on resume, which gives it bit for bit again.
//
// Status is "running" (not finished: interrupted, not started, or as
// far as a periodic checkpoint saw it; finished networks too), "diverged"
// (with "<net>/diverged_step" and "<net>/diverged_found", the non-finite
// variables), "not run: <why>" or "failed: <why>".
//
// Checkpoints are not compressed: they are written while a run goes on,
// and when a run must stop quickly.

// CheckpointFile is the name of the checkpoint in a run folder.
const CheckpointFile = "checkpoint.npz"

// RunOptions are the options of a run that a checkpoint keeps.
type RunOptions struct {
	Task        params.Task
	Compare     bool
	SharedInput bool
}

// metaPrefix starts the keys of the caller's text entries.
const metaPrefix = "meta/"

// WriteCheckpoint saves an unfinished run to path (atomically), with the
// caller's text entries meta. When ctx ends it stops, leaving path as it
// was, and returns ctx's error.
func WriteCheckpoint(ctx context.Context, path string, res *experiment.Result, ro RunOptions, meta map[string]string) error {
	pj, err := res.Params.MarshalJSON()
	if err != nil {
		return err
	}
	entries := []Entry{{"params", string(pj)}, {"task", string(ro.Task)},
		{"compare", b2i(ro.Compare)}, {"shared_input", b2i(ro.SharedInput)}}
	for k, v := range meta {
		entries = append(entries, Entry{metaPrefix + k, v})
	}
	var names []string
	for _, net := range res.Students {
		names = append(names, net.Name)
		pre := net.Name + "/"
		order := make([]float64, len(net.Order))
		for i, o := range net.Order {
			order[i] = float64(o)
		}
		entries = append(entries,
			Entry{pre + "seed", net.Seed},
			Entry{pre + "steps", int64(net.Steps)},
			Entry{pre + "order", &Array{Shape: []int{len(order)}, Data: order}},
			Entry{pre + "wall_ns", int64(net.Wall)},
		)
		entries = append(entries, statusEntries(pre, net)...)
		entries = append(entries, NetworkEntries(pre, net.Network)...)
		if c := net.Classification(); c != nil {
			for k, v := range c.State() {
				entries = append(entries, Entry{pre + "task/" + k, vecArray(v)})
			}
		}
		if u := net.UpdateAngles(); u != nil {
			entries = append(entries, Entry{pre + "updates/weights", vecArray(u.Weights)},
				Entry{pre + "updates/angles", vecArray(u.Angles)}, Entry{pre + "updates/replayed", int64(u.Replayed)})
			if u.Replay != nil {
				entries = append(entries, NetworkEntries(pre+"updates/replay/", u.Replay)...)
			}
		}
		if r := net.Recorder; r != nil {
			entries = append(entries, Entry{pre + "rec_steps", int64(r.Steps())})
			for _, s := range r.All() {
				entries = append(entries, Entry{pre + "rec/" + s.Name, &Array{Shape: []int{len(s.Data)}, Data: s.Data}})
			}
		}
	}
	entries = append(entries, Entry{"nets", strings.Join(names, ",")})
	return WriteNPZContext(ctx, path, entries, false)
}

func statusEntries(pre string, net *experiment.Net) []Entry {
	var div *experiment.DivergedError
	var nr *experiment.NotRunError
	switch err := net.Err; {
	case err == nil || errors.Is(err, experiment.ErrInterrupted):
		return []Entry{{pre + "status", "running"}}
	case errors.As(err, &div):
		return []Entry{{pre + "status", "diverged"}, {pre + "diverged_step", int64(div.Step)},
			{pre + "diverged_found", strings.Join(div.Found, ",")}}
	case errors.As(err, &nr):
		return []Entry{{pre + "status", "not run: " + nr.Cause.Error()}}
	default:
		return []Entry{{pre + "status", "failed: " + err.Error()}}
	}
}

// Checkpoint is a checkpoint read back.
type Checkpoint struct {
	Params  *params.Params
	Options RunOptions
	// Meta holds the caller's text entries.
	Meta   map[string]string
	arrays map[string]Array
	texts  map[string]string
	nets   map[string]bool
}

// ReadCheckpoint reads a checkpoint file and checks what can be checked
// without the run: the params, the options, the network names against the
// params' seeds.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	return readCheckpoint(path, nil)
}

// ReadCheckpointHead reads what a checkpoint says about its run — params,
// options, the caller's entries, each network's steps — without the
// networks and recordings: a Checkpoint that cannot Restore.
func ReadCheckpointHead(path string) (*Checkpoint, error) {
	return readCheckpoint(path, func(k string) bool {
		return !strings.Contains(k, "/") || strings.HasPrefix(k, metaPrefix) || strings.HasSuffix(k, "/steps") || strings.HasSuffix(k, "/seed") ||
			strings.HasSuffix(k, "/updates/replayed")
	})
}

func readCheckpoint(path string, keep func(string) bool) (*Checkpoint, error) {
	arrays, texts, err := readNPZ(path, keep)
	if err != nil {
		return nil, err
	}
	task := params.Task(texts["task"])
	p, _, err := params.Parse([]byte(texts["params"]), task)
	if err != nil {
		return nil, fmt.Errorf("store: %s: params: %w", path, err)
	}
	fail := func(format string, a ...any) (*Checkpoint, error) {
		return nil, fmt.Errorf("store: %s: %s", path, fmt.Sprintf(format, a...))
	}
	if task != params.BwOnly && task != params.FwBw && task != params.Classify {
		return fail("unknown task %q", task)
	}
	flag := func(k string) (bool, error) {
		a, ok := arrays[k]
		if !ok || len(a.Data) != 1 || (a.Data[0] != 0 && a.Data[0] != 1) {
			return false, fmt.Errorf("store: %s: %s must be 0 or 1", path, k)
		}
		return a.Data[0] == 1, nil
	}
	c := &Checkpoint{Params: p, arrays: arrays, texts: texts, nets: map[string]bool{}, Meta: map[string]string{},
		Options: RunOptions{Task: task}}
	if c.Options.Compare, err = flag("compare"); err != nil {
		return nil, err
	}
	if c.Options.SharedInput, err = flag("shared_input"); err != nil {
		return nil, err
	}
	for k, v := range texts {
		if m, ok := strings.CutPrefix(k, metaPrefix); ok {
			c.Meta[m] = v
		}
	}
	want := map[string]bool{}
	for _, s := range p.RandomSeed {
		want[fmt.Sprintf("seed%d", s)] = true
	}
	for _, n := range strings.Split(texts["nets"], ",") {
		if !want[n] {
			return fail("network %q is not one of the params' seeds", n)
		}
		if c.nets[n] {
			return fail("network %q appears twice", n)
		}
		c.nets[n] = true
	}
	if len(c.nets) != len(want) {
		return fail("has %d networks, the params %d seeds", len(c.nets), len(want))
	}
	return c, nil
}

// Restore sets a student built by experiment.Run to its saved state; it is
// meant for experiment.Options.Restore, which checks the step count, order
// and recordings against the run.
func (c *Checkpoint) Restore(net *experiment.Net) error {
	if !c.nets[net.Name] {
		return fmt.Errorf("store: checkpoint has no network %s", net.Name)
	}
	pre := net.Name + "/"
	// count reads a non-negative whole number.
	count := func(k string) (int, error) {
		a, ok := c.arrays[pre+k]
		if !ok || len(a.Data) != 1 {
			return 0, fmt.Errorf("store: checkpoint lacks %s%s", pre, k)
		}
		v := a.Data[0]
		if v < 0 || v != math.Trunc(v) || v > 1<<62 {
			return 0, fmt.Errorf("store: checkpoint: %s%s = %v is not a count", pre, k, v)
		}
		return int(v), nil
	}
	seed, err := count("seed")
	if err != nil {
		return err
	}
	if int64(seed) != net.Seed {
		return fmt.Errorf("store: checkpoint: %sseed = %d, want %d", pre, seed, net.Seed)
	}
	if err := RestoreNetwork(c.arrays, pre, net.Network); err != nil {
		return err
	}
	steps, err := count("steps")
	if err != nil {
		return err
	}
	wall, err := count("wall_ns")
	if err != nil {
		return err
	}
	net.Steps, net.Wall = steps, time.Duration(wall)
	net.Order = nil
	if o := c.arrays[pre+"order"].Data; len(o) > 0 {
		net.Order = make([]int, len(o))
		for i, v := range o {
			if v < 0 || v != math.Trunc(v) || v >= float64(len(o)) {
				return fmt.Errorf("store: checkpoint: %sorder[%d] = %v is not a sample index below %d", pre, i, v, len(o))
			}
			net.Order[i] = int(v)
		}
	}
	switch st := c.texts[pre+"status"]; {
	case st == "running":
	case st == "diverged":
		step, err := count("diverged_step")
		if err != nil {
			return err
		}
		var found []string
		if f := c.texts[pre+"diverged_found"]; f != "" {
			found = strings.Split(f, ",")
		}
		net.Err = &experiment.DivergedError{Name: net.Name, Seed: net.Seed, Step: step, Found: found}
	case strings.HasPrefix(st, "not run: "):
		net.Err = &experiment.NotRunError{Name: net.Name, Cause: errors.New(strings.TrimPrefix(st, "not run: "))}
	case strings.HasPrefix(st, "failed: "):
		net.Err = errors.New(strings.TrimPrefix(st, "failed: "))
	default:
		return fmt.Errorf("store: checkpoint: %sstatus = %q is unknown", pre, st)
	}
	if r := net.Recorder; r != nil {
		recSteps, err := count("rec_steps")
		if err != nil {
			return err
		}
		data := map[string][]float64{}
		for _, s := range r.All() {
			a, ok := c.arrays[pre+"rec/"+s.Name]
			if !ok {
				return fmt.Errorf("store: checkpoint lacks the recording %s%s", pre, s.Name)
			}
			data[s.Name] = a.Data
		}
		if err := r.Restore(recSteps, data); err != nil {
			return fmt.Errorf("store: checkpoint: %s%w", pre, err)
		}
	}
	if cl := net.Classification(); cl != nil {
		state := map[string][]float64{}
		for k, a := range c.arrays {
			if name, ok := strings.CutPrefix(k, pre+"task/"); ok {
				state[name] = a.Data
			}
		}
		if err := cl.SetState(state); err != nil {
			return fmt.Errorf("store: checkpoint: %s%w", pre, err)
		}
	}
	if u := net.UpdateAngles(); u != nil {
		w, ok1 := c.arrays[pre+"updates/weights"]
		a, ok2 := c.arrays[pre+"updates/angles"]
		if !ok1 || !ok2 {
			return fmt.Errorf("store: checkpoint lacks %supdates/: it was written by a palmc without angle_dWPP_BP; start the run anew with --restart", pre)
		}
		replayed, err := count("updates/replayed")
		if err != nil {
			return err
		}
		u.Weights, u.Angles, u.Replayed, u.Replay = w.Data, a.Data, replayed, nil
		if replayed > 0 {
			u.Replay = net.Network.Clone()
			if err := RestoreNetwork(c.arrays, pre+"updates/replay/", u.Replay); err != nil {
				return err
			}
		}
	}
	// The network now holds its state: let the checkpoint's copy go, so
	// that a resumed run does not keep its recordings twice.
	for k := range c.arrays {
		if strings.HasPrefix(k, pre) {
			delete(c.arrays, k)
		}
	}
	return nil
}

// Steps returns the steps made by each network of the checkpoint (students
// only), counted as progress counts them: with those made after a bw_only
// student's training for angle_dWPP_BP once its replays have begun.
func (c *Checkpoint) Steps() (done map[string]int, err error) {
	done = map[string]int{}
	p := c.Params
	for n := range c.nets {
		a := c.arrays[n+"/steps"]
		if len(a.Data) != 1 {
			return nil, fmt.Errorf("store: checkpoint lacks %s/steps", n)
		}
		done[n] = int(a.Data[0])
		if r := c.arrays[n+"/updates/replayed"]; len(r.Data) == 1 && r.Data[0] > 0 {
			done[n] += p.SettlingSteps() + p.DatasetSize*p.StepsPerSample() + int(r.Data[0])
		}
	}
	return done, nil
}
