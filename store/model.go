package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"palmc/experiment"
	"palmc/microcircuit"
	"palmc/params"
	"palmc/rng"
)

// A model file (model.npz) holds the full state of every network after a
// run, teacher first, together with the params used:
//
//	params                 the params.json text, as UTF-8 bytes
//	                       (numpy: bytes(m["params"]).decode())
//	task                   bw_only or fw_bw
//	nets                   network names in order, comma-separated
//	<net>/seed             the network's seed
//	<net>/steps            steps made, settling included
//	<net>/<var>/<i>        every state variable: WPP, WIP, BPP, BPI, their
//	                       increments dWPP… and dWPP_LO, the voltages uP,
//	                       uP_old, uP_breve, rP_breve, vbas, uI, vden, vapi,
//	                       noise, rP_breve_HI, the filters r_LO and post_LO…
//	<net>/r0, <net>/r0_old the input of the last and the previous step
//	<net>/rng_key, rng_pos, rng_has_gauss, rng_gauss, noise_counter
//	                       the network's generator and noise counter
//	<net>/epsilon/0, <net>/epsilon_LO/0
//	                       the misalignment of adaptive noise and its
//	                       low-pass, one value per hidden layer (docs/model.md §11)
//	<net>/bw_steps         steps made with BPP learning (phased noise)
//
// The seed-era entries (epsilon, epsilon_LO, bw_steps) are optional when
// reading: files written before them restore with their initial values.
//
// Restoring a network from it and stepping on gives the same numbers as if
// the run had gone on.

// optionalVecFields may be absent from files written before them.
var optionalVecFields = map[string]bool{"epsilon": true, "epsilon_LO": true,
	// The per-sample input weights' state: absent, nothing is owed.
	"held_p": true, "held_delta": true, "held_Wp": true, "held_LOp": true, "held_u": true, "held_v": true,
	"held_U": true, "held_V": true, "held_done": true, "held_scalars": true}

// NetworkEntries returns the full state of n under "<prefix><var>/<i>".
func NetworkEntries(prefix string, n *microcircuit.Network) []Entry {
	var out []Entry
	for _, f := range n.StateVecs() {
		for i, v := range f.Vecs {
			out = append(out, Entry{fmt.Sprintf("%s%s/%d", prefix, f.Name, i), vecArray(v)})
		}
	}
	for _, f := range n.StateMats() {
		for i, m := range f.Mats {
			out = append(out, Entry{fmt.Sprintf("%s%s/%d", prefix, f.Name, i), matArray(m)})
		}
	}
	st := n.Rand.State()
	gauss := st.Gauss
	out = append(out,
		Entry{prefix + "rng_key", st.Key[:]},
		Entry{prefix + "rng_pos", int64(st.Pos)},
		Entry{prefix + "rng_has_gauss", b2i(st.HasGauss)},
		Entry{prefix + "rng_gauss", &Array{Data: []float64{gauss}}},
		Entry{prefix + "noise_counter", int64(n.NoiseCounter)},
		Entry{prefix + "bw_steps", int64(n.BWSteps)},
	)
	return out
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// RestoreNetwork sets the state of n, a network of the same shape, from
// arrays written by NetworkEntries.
func RestoreNetwork(arrays map[string]Array, prefix string, n *microcircuit.Network) error {
	get := func(key string, size int) ([]float64, error) {
		a, ok := arrays[prefix+key]
		if !ok {
			return nil, fmt.Errorf("store: %s%s missing", prefix, key)
		}
		if len(a.Data) != size {
			return nil, fmt.Errorf("store: %s%s has %d values, want %d", prefix, key, len(a.Data), size)
		}
		return a.Data, nil
	}
	for _, f := range n.StateVecs() {
		for i, v := range f.Vecs {
			key := fmt.Sprintf("%s/%d", f.Name, i)
			if _, ok := arrays[prefix+key]; !ok && optionalVecFields[f.Name] {
				continue
			}
			d, err := get(key, len(v))
			if err != nil {
				return err
			}
			copy(v, d)
		}
	}
	for _, f := range n.StateMats() {
		for i, m := range f.Mats {
			d, err := get(fmt.Sprintf("%s/%d", f.Name, i), len(m.Data))
			if err != nil {
				return err
			}
			copy(m.Data, d)
		}
	}
	var st rng.State
	key, err := get("rng_key", len(st.Key))
	if err != nil {
		return err
	}
	for i, v := range key {
		st.Key[i] = uint32(v)
	}
	var pos, has, gauss, counter float64
	for k, p := range map[string]*float64{"rng_pos": &pos, "rng_has_gauss": &has, "rng_gauss": &gauss, "noise_counter": &counter} {
		d, err := get(k, 1)
		if err != nil {
			return err
		}
		*p = d[0]
	}
	if pos < 0 || pos > 624 || math.Trunc(pos) != pos {
		return fmt.Errorf("store: %srng_pos = %v out of range", prefix, pos)
	}
	if has != 0 && has != 1 {
		return fmt.Errorf("store: %srng_has_gauss = %v is not 0 or 1", prefix, has)
	}
	st.Pos, st.HasGauss, st.Gauss = int(pos), has != 0, gauss
	n.Rand.SetState(st)
	n.NoiseCounter = int(counter)
	if _, ok := arrays[prefix+"bw_steps"]; ok {
		d, err := get("bw_steps", 1)
		if err != nil {
			return err
		}
		if d[0] < 0 || math.Trunc(d[0]) != d[0] {
			return fmt.Errorf("store: %sbw_steps = %v out of range", prefix, d[0])
		}
		n.BWSteps = int(d[0])
	}
	return nil
}

// WriteModel writes the final state of every network of res, teacher
// first, with the params used and the entries meta (text entries that
// describe the run), to path (atomically; see WriteNPZContext for ctx).
func WriteModel(ctx context.Context, path string, res *experiment.Result, meta []Entry) error {
	pj, err := res.Params.MarshalJSON()
	if err != nil {
		return err
	}
	var names []string
	entries := append(slices.Clone(meta), Entry{"params", string(pj)}, Entry{"task", string(res.Task)})
	for _, net := range res.Nets() {
		names = append(names, net.Name)
		pre := net.Name + "/"
		entries = append(entries, Entry{pre + "seed", net.Seed}, Entry{pre + "steps", int64(net.Steps)})
		entries = append(entries, NetworkEntries(pre, net.Network)...)
	}
	entries = append(entries, Entry{"nets", strings.Join(names, ",")})
	return WriteNPZContext(ctx, path, entries, true)
}

// Model is a model file read back.
type Model struct {
	Params *params.Params
	Task   params.Task
	// Meta holds the text entries that describe the run (run_id, …).
	Meta map[string]string
	// Nets are the restored networks, teacher first.
	Nets []*experiment.Net
}

// ReadModel reads a model file and rebuilds its networks.
func ReadModel(path string) (*Model, error) {
	arrays, texts, p, task, err := readRun(path)
	if err != nil {
		return nil, err
	}
	m := &Model{Params: p, Task: task, Meta: map[string]string{}}
	for k, v := range texts {
		if !strings.Contains(k, "/") {
			m.Meta[k] = v
		}
	}
	names := strings.Split(texts["nets"], ",")
	if texts["nets"] == "" {
		return nil, fmt.Errorf("store: %s: not a palmc model file (no nets)", path)
	}
	for _, name := range names {
		pre := name + "/"
		seed, ok := arrays[pre+"seed"]
		if !ok || len(seed.Data) != 1 {
			return nil, fmt.Errorf("store: %s: %sseed missing", path, pre)
		}
		cfg, err := experiment.Config(p, name == "teacher")
		if err != nil {
			return nil, err
		}
		n, err := microcircuit.New(cfg, uint32(seed.Data[0]))
		if err != nil {
			return nil, err
		}
		if err := RestoreNetwork(arrays, pre, n); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		net := &experiment.Net{Name: name, Seed: int64(seed.Data[0]), Network: n}
		if s, ok := arrays[pre+"steps"]; ok && len(s.Data) == 1 {
			net.Steps = int(s.Data[0])
		}
		m.Nets = append(m.Nets, net)
	}
	return m, nil
}

// readRun reads a model or checkpoint file with the params and task it
// holds.
func readRun(path string) (map[string]Array, map[string]string, *params.Params, params.Task, error) {
	arrays, texts, err := readNPZ(path, nil)
	if err != nil {
		return nil, nil, nil, "", err
	}
	task := params.Task(texts["task"])
	if _, ok := texts["task"]; !ok {
		return nil, nil, nil, "", fmt.Errorf("store: %s is not a model file of palmc: it names no task (a model.npz does; results.npz does not)", path)
	}
	p, _, err := params.Parse([]byte(texts["params"]), task)
	if err != nil {
		return nil, nil, nil, "", fmt.Errorf("store: %s: params: %w", path, err)
	}
	return arrays, texts, p, task, nil
}
