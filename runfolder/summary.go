package runfolder

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"palmc/compare"
	"palmc/experiment"
	"palmc/params"
)

// MaxSummarySize is the largest summary.json palmc reads, far above what a
// run writes.
const MaxSummarySize = 64 << 20

// Float is a number of summary.json. JSON has no NaN or infinities, which
// a diverging network or an undefined angle produce: they are written as
// the strings "NaN", "Infinity" and "-Infinity" (Python's float() reads
// them), finite values as numbers.
type Float float64

// MarshalJSON writes f as a number or one of the three strings.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*f = Float(math.NaN())
		case "Infinity":
			*f = Float(math.Inf(1))
		case "-Infinity":
			*f = Float(math.Inf(-1))
		default:
			return fmt.Errorf("runfolder: %q is not a number", s)
		}
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = Float(x)
	return nil
}

// Summary is summary.json: what ran, where it came from, how long it took
// and where it ended.
type Summary struct {
	Provenance
	Task    string          `json:"task"`
	Model   string          `json:"model_type"`
	Layers  []int           `json:"layers"`
	Epochs  int             `json:"epochs"`
	Options RunOptions      `json:"options"`
	Params  json.RawMessage `json:"params"`
	// Compare is "BP" when the angles to backprop were recorded.
	Compare string `json:"compare,omitempty"`
	// WallSeconds is the time of the simulation, summed over the
	// segments (without writing results and plots).
	WallSeconds float64 `json:"wall_seconds"`
	Workers     int     `json:"workers"`
	// AngleUnit is the unit of every angle.
	AngleUnit string `json:"angle_unit"`
	// HiddenLayers numbers the entries of per-hidden-layer lists.
	HiddenLayers []int        `json:"hidden_layers"`
	Networks     []NetSummary `json:"networks"`
	// Warnings are the params file's warnings (unknown keys, seed-era
	// defaults).
	Warnings []string `json:"warnings,omitempty"`
	// Data is the SHA-256 of the samples and labels of a classify run's
	// three splits, in order.
	Data string `json:"data_sha256,omitempty"`
}

// RunOptions are the options of a run that change its results, and those
// of how it ran.
type RunOptions struct {
	Task            params.Task `json:"task"`
	Compare         bool        `json:"compare_bp"`
	SharedInput     bool        `json:"shared_input"`
	Workers         int         `json:"workers"`
	CheckpointEvery string      `json:"checkpoint_every"`
}

// NetSummary is one network's line of summary.json.
type NetSummary struct {
	Name        string  `json:"name"`
	Seed        int64   `json:"seed"`
	Steps       int     `json:"steps"`
	WallSeconds float64 `json:"wall_seconds"`
	// Status is ok, diverged, failed or not run.
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// FinalMSE is the last recorded MSE (rec_MSE, fw_bw students; not
	// for classify, whose last MSE is one training sample's).
	FinalMSE *Float `json:"final_mse,omitempty"`
	// FinalAngles holds the last recorded angle to backprop per hidden
	// layer (--compare BP; for classify the angle between BPP[k] and
	// WPP[k+1]ᵀ after the last epoch), in degrees; for a bw_only student
	// also angle_dWPP_BP, one per pyramidal layer (N entries): the mean
	// over the samples of its last replay (docs/model.md §8).
	FinalAngles map[string][]Float `json:"final_angles,omitempty"`
	// ValAccuracy (classify) is the fraction of validation samples
	// classified correctly before training and after every epoch;
	// TestAccuracy the fraction of test samples after the last epoch.
	ValAccuracy  []Float `json:"val_accuracy,omitempty"`
	TestAccuracy *Float  `json:"test_accuracy,omitempty"`
}

// Status names how a network ended.
func Status(err error) string {
	var div *experiment.DivergedError
	var nr *experiment.NotRunError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &div):
		return "diverged"
	case errors.As(err, &nr):
		return "not run"
	}
	return "failed"
}

func newSummary(res *experiment.Result, prov Provenance, ro RunOptions, warnings []string, wall float64) (*Summary, error) {
	p := res.Params
	pj, err := p.MarshalJSON()
	if err != nil {
		return nil, err
	}
	s := &Summary{Provenance: prov, Task: string(res.Task), Model: p.ModelType, Layers: p.Layers,
		Epochs: p.Epochs, Options: ro, Params: pj, WallSeconds: wall, Workers: ro.Workers,
		AngleUnit: "degrees", Warnings: warnings}
	if ro.Compare {
		s.Compare = "BP"
	}
	for k := 0; k < p.H(); k++ {
		s.HiddenLayers = append(s.HiddenLayers, k)
	}
	for _, net := range res.Nets() {
		ns := NetSummary{Name: net.Name, Seed: net.Seed, Steps: net.Steps, WallSeconds: net.Wall.Seconds(), Status: Status(net.Err)}
		if net.Err != nil {
			ns.Error = net.Err.Error()
		}
		if r := net.Recorder; r != nil {
			// A classify run's last MSE is one training sample's error:
			// its accuracies say how it learned.
			if m := r.Get("MSE"); m != nil && m.Len() > 0 && res.Task != params.Classify {
				v := Float(m.At(m.Len() - 1)[0])
				ns.FinalMSE = &v
			}
			for _, name := range compare.Names {
				for k := 0; k < p.H(); k++ {
					a := r.Get(fmt.Sprintf("%s/%d", name, k))
					if a == nil || a.Len() == 0 {
						continue
					}
					if ns.FinalAngles == nil {
						ns.FinalAngles = map[string][]Float{}
					}
					ns.FinalAngles[name] = append(ns.FinalAngles[name], Float(a.At(a.Len() - 1)[0]))
				}
			}
		}
		if u := net.UpdateAngles(); u != nil {
			if final := lastReplayMeans(u); final != nil {
				if ns.FinalAngles == nil {
					ns.FinalAngles = map[string][]Float{}
				}
				ns.FinalAngles[compare.DWPPBP] = final
			}
		}
		if c := net.Classification(); c != nil {
			for _, a := range c.ValAccuracy {
				ns.ValAccuracy = append(ns.ValAccuracy, Float(a))
			}
			if !math.IsNaN(c.TestAccuracy) {
				t := Float(c.TestAccuracy)
				ns.TestAccuracy = &t
			}
			// The angle after the last validation pass, per hidden layer:
			// it replaces the one --compare BP recorded during training.
			var final []Float
			for _, a := range c.Angles {
				if len(a) > 0 {
					final = append(final, Float(a[len(a)-1]))
				}
			}
			if len(final) > 0 {
				if ns.FinalAngles == nil {
					ns.FinalAngles = map[string][]Float{}
				}
				ns.FinalAngles[compare.WPPTBPP] = final
			}
		}
		s.Networks = append(s.Networks, ns)
	}
	return s, nil
}

// lastReplayMeans returns, per pyramidal layer, the mean of angle_dWPP_BP
// over the samples of the last replay that u finished (over the finite
// values; NaN when none is), or nil before the first one.
func lastReplayMeans(u *experiment.UpdateAngles) []Float {
	L, S := u.Layers(), u.Samples()
	replays := len(u.Angles) / (L * S)
	if replays == 0 {
		return nil
	}
	last := u.Angles[(replays-1)*L*S : replays*L*S]
	out := make([]Float, L)
	for j := range out {
		sum, n := 0.0, 0
		for i := 0; i < S; i++ {
			if v := last[i*L+j]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				sum += v
				n++
			}
		}
		out[j] = Float(math.NaN())
		if n > 0 {
			out[j] = Float(sum / float64(n))
		}
	}
	return out
}
