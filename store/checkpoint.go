package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"palmc/experiment"
	"palmc/params"
)

// A checkpoint (checkpoint.npz) holds an interrupted run: the params and
// options, and for every student its full state (as in a model file), its
// step count, the sample order of its epoch, its wall time, its status and
// the recordings so far ("<net>/rec/<series>", flat, with "<net>/rec_steps").
// The teacher is not saved: it is rerun on resume, which gives it bit for
// bit again.

// CheckpointFile is the name of the checkpoint in a run folder.
const CheckpointFile = "checkpoint.npz"

// RunOptions are the options of a run that a checkpoint keeps.
type RunOptions struct {
	Task        params.Task
	Compare     bool
	SharedInput bool
}

// WriteCheckpoint saves an interrupted run to path (atomically).
func WriteCheckpoint(path string, res *experiment.Result, ro RunOptions) error {
	pj, err := res.Params.MarshalJSON()
	if err != nil {
		return err
	}
	entries := []Entry{{"params", string(pj)}, {"task", string(ro.Task)},
		{"compare", b2i(ro.Compare)}, {"shared_input", b2i(ro.SharedInput)}}
	var names []string
	for _, net := range res.Students {
		names = append(names, net.Name)
		pre := net.Name + "/"
		status := "running"
		if net.Err != nil && !errors.Is(net.Err, experiment.ErrInterrupted) {
			status = "failed: " + net.Err.Error()
		}
		order := make([]float64, len(net.Order))
		for i, o := range net.Order {
			order[i] = float64(o)
		}
		entries = append(entries,
			Entry{pre + "seed", net.Seed},
			Entry{pre + "steps", int64(net.Steps)},
			Entry{pre + "order", &Array{Shape: []int{len(order)}, Data: order}},
			Entry{pre + "wall_ns", int64(net.Wall)},
			Entry{pre + "status", status},
		)
		entries = append(entries, NetworkEntries(pre, net.Network)...)
		if r := net.Recorder; r != nil {
			entries = append(entries, Entry{pre + "rec_steps", int64(r.Steps())})
			for _, s := range r.All() {
				entries = append(entries, Entry{pre + "rec/" + s.Name, &Array{Shape: []int{len(s.Data)}, Data: s.Data}})
			}
		}
	}
	entries = append(entries, Entry{"nets", strings.Join(names, ",")})
	return WriteNPZ(path, entries)
}

// Checkpoint is a checkpoint read back.
type Checkpoint struct {
	Params  *params.Params
	Options RunOptions
	arrays  map[string]Array
	texts   map[string]string
	nets    map[string]bool
}

// ReadCheckpoint reads a checkpoint file.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	arrays, texts, p, task, err := readRun(path)
	if err != nil {
		return nil, err
	}
	flag := func(k string) bool { a, ok := arrays[k]; return ok && len(a.Data) == 1 && a.Data[0] != 0 }
	c := &Checkpoint{Params: p, arrays: arrays, texts: texts, nets: map[string]bool{},
		Options: RunOptions{Task: task, Compare: flag("compare"), SharedInput: flag("shared_input")}}
	for _, n := range strings.Split(texts["nets"], ",") {
		c.nets[n] = true
	}
	return c, nil
}

// Restore sets a student built by experiment.Run to its saved state; it is
// meant for experiment.Options.Restore.
func (c *Checkpoint) Restore(net *experiment.Net) error {
	if !c.nets[net.Name] {
		return fmt.Errorf("store: checkpoint has no network %s", net.Name)
	}
	pre := net.Name + "/"
	scalar := func(k string) (float64, error) {
		a, ok := c.arrays[pre+k]
		if !ok || len(a.Data) != 1 {
			return 0, fmt.Errorf("store: checkpoint lacks %s%s", pre, k)
		}
		return a.Data[0], nil
	}
	if err := RestoreNetwork(c.arrays, pre, net.Network); err != nil {
		return err
	}
	steps, err := scalar("steps")
	if err != nil {
		return err
	}
	wall, err := scalar("wall_ns")
	if err != nil {
		return err
	}
	net.Steps, net.Wall = int(steps), time.Duration(wall)
	if o := c.arrays[pre+"order"].Data; len(o) > 0 {
		net.Order = make([]int, len(o))
		for i, v := range o {
			net.Order[i] = int(v)
		}
	}
	if st := c.texts[pre+"status"]; strings.HasPrefix(st, "failed: ") {
		net.Err = errors.New(strings.TrimPrefix(st, "failed: "))
	}
	if r := net.Recorder; r != nil {
		recSteps, err := scalar("rec_steps")
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
		if err := r.Restore(int(recSteps), data); err != nil {
			return err
		}
	}
	return nil
}
