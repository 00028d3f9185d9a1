// Package record stores selected variables of a network every n-th step
// (docs/model.md §7). A Recorder is a read-only microcircuit.Observer: it copies
// values out of the network and never modifies it.
//
// Each recorded quantity is a Series: a name such as "WPP/0" or "MSE", the
// shape of one record, and the records one after another in row-major order.
// Storage is reserved once for the number of records the run will make, so
// recording does not allocate while the network steps.
package record

import (
	"fmt"
	"sort"
	"strings"

	"palmc/compare"
	"palmc/microcircuit"
)

// Vars lists the recordable variables in the order of the published params
// (rec_<name>).
var Vars = []string{
	"MSE", "error", "input", "target",
	"WPP", "WIP", "BPP", "BPI",
	"dWPP", "dWIP", "dBPP", "dBPI",
	"uP", "uP_breve", "rP_breve", "rP_breve_HI", "uI", "uI_breve", "rI_breve",
	"vbas", "vapi", "vapi_noise", "noise", "epsilon", "epsilon_LO", "lat_mismatch",
}

// palOnly are the variables that exist only in PAL networks.
var palOnly = map[string]bool{"rP_breve_HI": true, "vapi_noise": true, "noise": true, "epsilon": true, "epsilon_LO": true}

// targetOnly are recorded only at steps that have a target.
var targetOnly = map[string]bool{"MSE": true, "error": true, "target": true}

// Series is one recorded quantity.
type Series struct {
	// Name is the key within a network: "<var>/<layer>" or "<var>".
	Name string
	// Shape is the shape of one record (empty for a scalar).
	Shape []int
	// Data holds Len() records of Size() values each.
	Data []float64
}

// Size returns the number of values in one record.
func (s *Series) Size() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Len returns the number of records.
func (s *Series) Len() int { return len(s.Data) / s.Size() }

// At returns record t.
func (s *Series) At(t int) []float64 {
	z := s.Size()
	return s.Data[t*z : (t+1)*z]
}

// Options selects what a Recorder stores.
type Options struct {
	// Every is the number of steps between records (rec_per_steps).
	Every int
	// Vars holds the enabled variables (rec_<name> true).
	Vars map[string]bool
	// Compare adds the angles to backprop of every hidden layer (docs/model.md §8).
	Compare bool
	// Steps is the number of steps the network will make, to reserve storage.
	Steps int
	// TargetSteps is how many of them have a target: the last ones.
	TargetSteps int
	// TargetRecords, if positive, is the number of records that have a
	// target, for runs whose target steps are not the last ones (the
	// classify task's training passes).
	TargetRecords int
}

// Recorder stores the enabled variables of one network every Every steps.
type Recorder struct {
	opts   Options
	step   int
	series []*Series
	fill   []func(dst []float64, n *microcircuit.Network) bool
	byName map[string]*Series
	cmp    compare.Comparer
	angles [][3]*Series
}

// New returns a recorder for network n. Variables that n's model does not
// have are left out.
func New(n *microcircuit.Network, opts Options) (*Recorder, error) {
	if opts.Every < 1 {
		return nil, fmt.Errorf("record: Every = %d must be positive", opts.Every)
	}
	for v := range opts.Vars {
		if !known(v) {
			return nil, fmt.Errorf("record: unknown variable %q", v)
		}
	}
	r := &Recorder{opts: opts, byName: map[string]*Series{}}
	records := opts.Steps / opts.Every
	targetRecords := records
	if opts.TargetRecords > 0 {
		targetRecords = min(opts.TargetRecords, records)
	} else if opts.TargetSteps < opts.Steps {
		targetRecords = opts.TargetSteps/opts.Every + 1
		if targetRecords > records {
			targetRecords = records
		}
	}
	// Shapes come from the network itself, so that both connectivities
	// (layered and skip, docs/model.md §11) are recorded as they are.
	cfg := &n.Cfg
	L := cfg.Layers
	N, H, NI := cfg.N(), cfg.H(), cfg.NI()
	pal := cfg.Model.Noisy()
	for _, v := range Vars {
		if !opts.Vars[v] || (palOnly[v] && !pal) {
			continue
		}
		cap := records
		if targetOnly[v] {
			cap = targetRecords
		}
		add := func(name string, shape []int, f func(dst []float64, n *microcircuit.Network) bool) {
			s := &Series{Name: name, Shape: shape}
			s.Data = make([]float64, 0, cap*s.Size())
			r.series = append(r.series, s)
			r.fill = append(r.fill, f)
			r.byName[name] = s
		}
		switch v {
		case "MSE":
			add("MSE", nil, func(dst []float64, n *microcircuit.Network) bool {
				if n.Target == nil {
					return false
				}
				out := n.UPBreve[N-1]
				s := 0.0
				for i, u := range out {
					d := u - n.Target[i]
					s += d * d
				}
				dst[0] = s
				return true
			})
		case "error":
			// One record is the vector of the output layer, (nN), as for
			// every other variable; the published code kept (1, nN).
			add("error", []int{L[N]}, func(dst []float64, n *microcircuit.Network) bool {
				if n.Target == nil {
					return false
				}
				for i, u := range n.UPBreve[N-1] {
					dst[i] = u - n.Target[i]
				}
				return true
			})
		case "target":
			add("target/0", []int{L[N]}, func(dst []float64, n *microcircuit.Network) bool {
				if n.Target == nil {
					return false
				}
				copy(dst, n.Target)
				return true
			})
		case "input":
			add("input", []int{L[0]}, func(dst []float64, n *microcircuit.Network) bool {
				copy(dst, n.R0)
				return true
			})
		case "WPP", "dWPP":
			for j := 0; j < N; j++ {
				j := j
				get := func(n *microcircuit.Network) microcircuit.Mat { return n.WPP[j] }
				if v == "dWPP" {
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.DWPP[j] }
				}
				add(fmt.Sprintf("%s/%d", v, j), []int{L[j+1], L[j]}, func(dst []float64, n *microcircuit.Network) bool {
					copy(dst, get(n).Data)
					return true
				})
			}
		case "WIP", "BPP", "BPI", "dWIP", "dBPP", "dBPI":
			count := H
			if v == "WIP" || v == "dWIP" {
				count = NI
			}
			for k := 0; k < count; k++ {
				k := k
				var get func(n *microcircuit.Network) microcircuit.Mat
				switch v {
				case "WIP":
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.WIP[k] }
				case "BPP":
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.BPP[k] }
				case "BPI":
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.BPI[k] }
				case "dWIP":
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.DWIP[k] }
				case "dBPP":
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.DBPP[k] }
				case "dBPI":
					get = func(n *microcircuit.Network) microcircuit.Mat { return n.DBPI[k] }
				}
				m := get(n)
				add(fmt.Sprintf("%s/%d", v, k), []int{m.Rows, m.Cols}, func(dst []float64, n *microcircuit.Network) bool {
					copy(dst, get(n).Data)
					return true
				})
			}
		case "uP", "uP_breve", "rP_breve", "rP_breve_HI", "vbas", "noise":
			for j := 0; j < N; j++ {
				j := j
				var get func(n *microcircuit.Network) []float64
				switch v {
				case "uP":
					get = func(n *microcircuit.Network) []float64 { return n.UP[j] }
				case "uP_breve":
					get = func(n *microcircuit.Network) []float64 { return n.UPBreve[j] }
				case "rP_breve":
					get = func(n *microcircuit.Network) []float64 { return n.RPBreve[j] }
				case "rP_breve_HI":
					get = func(n *microcircuit.Network) []float64 { return n.RPBreveHI[j] }
				case "vbas":
					get = func(n *microcircuit.Network) []float64 { return n.VBas[j] }
				case "noise":
					get = func(n *microcircuit.Network) []float64 { return n.Noise[j] }
				}
				add(fmt.Sprintf("%s/%d", v, j), []int{L[j+1]}, func(dst []float64, n *microcircuit.Network) bool {
					copy(dst, get(n))
					return true
				})
			}
		case "uI", "uI_breve", "rI_breve", "lat_mismatch":
			for k := 0; k < NI; k++ {
				k := k
				var f func(dst []float64, n *microcircuit.Network) bool
				switch v {
				case "uI":
					f = func(dst []float64, n *microcircuit.Network) bool { copy(dst, n.UI[k]); return true }
				case "uI_breve":
					f = func(dst []float64, n *microcircuit.Network) bool { copy(dst, n.UIBreve[k]); return true }
				case "rI_breve":
					f = func(dst []float64, n *microcircuit.Network) bool { copy(dst, n.RIBreve[k]); return true }
				case "lat_mismatch":
					// The interneurons mirror layer m: k+1, or the output
					// layer with skip connectivity.
					m := cfg.InterMirror(k)
					c := cfg.Gbas / (cfg.Gl + cfg.Gbas + cfg.Gapi)
					if m == N-1 {
						c = cfg.Gbas / (cfg.Gl + cfg.Gbas)
					}
					f = func(dst []float64, n *microcircuit.Network) bool {
						for i, u := range n.UIBreve[k] {
							dst[i] = u - c*n.VBas[m][i]
						}
						return true
					}
				}
				add(fmt.Sprintf("%s/%d", v, k), []int{len(n.UI[k])}, f)
			}
		case "vapi", "vapi_noise":
			for k := 0; k < H; k++ {
				k := k
				get := func(n *microcircuit.Network) []float64 { return n.VApi[k] }
				if v == "vapi_noise" {
					get = func(n *microcircuit.Network) []float64 { return n.VApiNoise[k] }
				}
				add(fmt.Sprintf("%s/%d", v, k), []int{L[k+1]}, func(dst []float64, n *microcircuit.Network) bool {
					copy(dst, get(n))
					return true
				})
			}
		case "epsilon", "epsilon_LO":
			// The network holds 1 unless its noise is adaptive (docs/model.md §11),
			// the constant that the published PAL records.
			for k := 0; k < H; k++ {
				k := k
				get := func(n *microcircuit.Network) []float64 { return n.Epsilon }
				if v == "epsilon_LO" {
					get = func(n *microcircuit.Network) []float64 { return n.EpsilonLO }
				}
				add(fmt.Sprintf("%s/%d", v, k), nil, func(dst []float64, n *microcircuit.Network) bool {
					dst[0] = get(n)[k]
					return true
				})
			}
		}
	}
	if opts.Compare {
		for k := 0; k < H; k++ {
			var a [3]*Series
			for i, name := range compare.Names {
				s := &Series{Name: fmt.Sprintf("%s/%d", name, k), Data: make([]float64, 0, records)}
				r.byName[s.Name] = s
				a[i] = s
			}
			r.angles = append(r.angles, a)
		}
	}
	return r, nil
}

func known(v string) bool {
	for _, k := range Vars {
		if k == v {
			return true
		}
	}
	return false
}

// Next counts one step and returns the recorder if that step is to be
// recorded, or nil. Pass the result to Network.Step.
func (r *Recorder) Next() microcircuit.Observer {
	r.step++
	if r.step%r.opts.Every == 0 {
		return r
	}
	return nil
}

// Steps returns the number of steps counted so far.
func (r *Recorder) Steps() int { return r.step }

// Observe stores one record of every enabled variable.
func (r *Recorder) Observe(n *microcircuit.Network) {
	for i, s := range r.series {
		z := s.Size()
		m := len(s.Data)
		if cap(s.Data) >= m+z {
			s.Data = s.Data[:m+z]
		} else {
			s.Data = append(s.Data, make([]float64, z)...)
		}
		if !r.fill[i](s.Data[m:m+z], n) {
			s.Data = s.Data[:m]
		}
	}
	for k, a := range r.angles {
		x, y, z := r.cmp.Angles(n, k)
		a[0].Data = append(a[0].Data, x)
		a[1].Data = append(a[1].Data, y)
		a[2].Data = append(a[2].Data, z)
	}
}

// Series returns every recorded series, sorted by name, leaving out those
// with no records (such as MSE of a network that never had a target).
func (r *Recorder) Series() []*Series {
	var out []*Series
	for _, s := range r.byName {
		if len(s.Data) > 0 {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Get returns the series of the given name, or nil.
func (r *Recorder) Get(name string) *Series { return r.byName[name] }

// All returns every series, recorded or not, sorted by name.
func (r *Recorder) All() []*Series {
	out := make([]*Series, 0, len(r.byName))
	for _, s := range r.byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Check reports whether the records of r are those of a recorder that has
// counted r.Steps() steps, targets of them at record points with a target:
// every series but the target-only ones (MSE, error, target) has one
// record per Every steps, those one per record point with a target.
func (r *Recorder) Check(targets int) error {
	want := r.step / r.opts.Every
	for name, s := range r.byName {
		n := s.Len()
		base, _, _ := strings.Cut(name, "/")
		w := want
		if targetOnly[base] {
			w = targets
		}
		if n != w {
			return fmt.Errorf("record: %s has %d records, %d steps make %d", name, n, r.step, w)
		}
	}
	return nil
}

// Snapshot returns a read-only view of what r has recorded so far, for
// saving while r goes on recording: its series hold the records made until
// now. Recording only appends, so the view stays valid; Observe and Next
// must not be called on it.
func (r *Recorder) Snapshot() *Recorder {
	c := &Recorder{opts: r.opts, step: r.step, byName: make(map[string]*Series, len(r.byName))}
	for name, s := range r.byName {
		c.byName[name] = &Series{Name: s.Name, Shape: s.Shape, Data: s.Data[:len(s.Data):len(s.Data)]}
	}
	return c
}

// Restore sets the step count and the records of every series, as saved
// from All and Steps, so that recording goes on where it stopped.
func (r *Recorder) Restore(steps int, data map[string][]float64) error {
	for name, d := range data {
		s := r.byName[name]
		if s == nil {
			return fmt.Errorf("record: no series %q to restore", name)
		}
		if len(d)%s.Size() != 0 {
			return fmt.Errorf("record: %s: %d values are not whole records of %d", name, len(d), s.Size())
		}
		s.Data = append(s.Data[:0], d...)
	}
	r.step = steps
	return nil
}
