package microcircuit

import (
	"fmt"
	"math"
)

// Model selects how the backward weights BPP are obtained.
type Model int

const (
	// BP copies the transposed forward weights into BPP every step (backprop).
	BP Model = iota
	// FA keeps BPP fixed at its random initial value (feedback alignment).
	FA
	// PAL learns BPP from injected apical noise (Phaseless Alignment Learning).
	PAL
)

func (m Model) String() string {
	switch m {
	case BP:
		return "BP"
	case FA:
		return "FA"
	case PAL:
		return "PAL"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// NoiseType is the temporal structure of PAL's apical noise (SPEC §5).
type NoiseType int

const (
	// OU is an Ornstein–Uhlenbeck process with time constant Tauxi.
	OU NoiseType = iota
	// HoldWhiteNoise holds each white-noise draw for NoiseHoldSteps steps.
	HoldWhiteNoise
)

// NoiseMode sets the per-neuron scale of the white values (SPEC §5).
type NoiseMode int

const (
	// NoiseConst draws normal(0, 1).
	NoiseConst NoiseMode = iota
	// NoiseUP draws normal(0, |uP|) per neuron.
	NoiseUP
	// NoiseUPBreve draws normal(0, |uP_breve|) per neuron.
	NoiseUPBreve
	// NoiseVapi draws normal(0, |vapi|) per neuron.
	NoiseVapi
)

// Config is everything that defines one network. Lists indexed by pyramidal
// layer have N = len(Layers)-1 entries, lists indexed by hidden layer have
// H = N-1 entries; longer lists are allowed and only their first entries are
// read. All times are in ms.
type Config struct {
	// Layers lists population sizes: input, hidden layers, output.
	Layers []int
	// Model is BP, FA or PAL.
	Model Model
	// Activations holds phi of each pyramidal layer (N entries); interneuron
	// population k uses the activation of pyramidal layer k+1.
	Activations []Activation

	// Dt is the Euler step (ms).
	Dt float64
	// Taur scales the look-ahead of the prospective voltages: 1 is the
	// published prospective voltage, 0 no look-ahead (u_breve = u_old).
	Taur float64

	// Gl is the leak conductance.
	Gl float64
	// Gbas is the basal-to-soma conductance.
	Gbas float64
	// Gapi is the apical-to-soma conductance.
	Gapi float64
	// Gden is the interneuron dendrite-to-soma conductance.
	Gden float64
	// GnI is the nudging conductance of interneurons by their pyramidal layer.
	GnI float64
	// Gntgt is the nudging conductance of the output layer by the target.
	Gntgt float64

	// EtaFW is the learning rate of WPP per pyramidal layer (N).
	EtaFW []float64
	// EtaBW is the learning rate of BPP per hidden layer (H, PAL).
	EtaBW []float64
	// EtaIP is the learning rate of WIP per hidden layer (H).
	EtaIP []float64
	// EtaPI is the learning rate of BPI per hidden layer (H).
	EtaPI []float64
	// Alpha scales the BPP regulariser per hidden layer (H, PAL).
	Alpha []float64

	// InitWPP, InitWIP, InitBPP, InitBPI are the [lo, hi) ranges of the
	// uniform initial weights.
	InitWPP, InitWIP, InitBPP, InitBPI [2]float64
	// InitInSPS puts the network into the self-predicting state at start.
	InitInSPS bool

	// NoiseType is OU or HoldWhiteNoise (PAL).
	NoiseType NoiseType
	// NoiseMode scales the white values (PAL).
	NoiseMode NoiseMode
	// NoiseScale multiplies the white values per hidden layer (H, PAL).
	NoiseScale []float64
	// NoiseHoldSteps is round(dtxi/dt): steps between noise draws (PAL).
	NoiseHoldSteps int
	// TauHP is the time constant of the high-pass on pyramidal rates (ms, PAL).
	TauHP float64
	// TauLO is the time constant of PAL's low-pass filters (ms).
	TauLO float64
	// Tauxi is the OU noise time constant (ms, PAL with OU).
	Tauxi float64

	// PyrHiPass makes PAL's BPP update use the high-passed rates.
	PyrHiPass bool
	// InterLowPass low-passes the interneuron dendrites (PAL).
	InterLowPass bool
	// DWPPLowPass low-passes the WPP increments before applying them (PAL).
	DWPPLowPass bool
	// DWPPRLowPass low-passes the presynaptic factor of dWPP (PAL).
	DWPPRLowPass bool
	// DWPPPostLowPass low-passes the postsynaptic factor of dWPP (PAL);
	// DWPPRLowPass takes precedence when both are set, as in the published
	// code.
	DWPPPostLowPass bool
	// GateRegularizer applies the BPP regulariser only to columns whose
	// presynaptic rate is positive (PAL).
	GateRegularizer bool
	// VarphiRegularizer weights the BPP regulariser with the derivatives of
	// both layers' activations (PAL). As in the published code, the last
	// hidden layer's regulariser is then zero.
	VarphiRegularizer bool
	// DWPPUseActivation compares rates (true) or voltages (false) in dWPP.
	DWPPUseActivation bool
}

// N returns the number of pyramidal layers.
func (c *Config) N() int { return len(c.Layers) - 1 }

// H returns the number of hidden layers.
func (c *Config) H() int { return len(c.Layers) - 2 }

// Check reports the first inconsistency of c that would make a network
// impossible to build. Validation of user input with field names belongs to
// the params package; this is the model's own guard.
func (c *Config) Check() error {
	if len(c.Layers) < 3 {
		return fmt.Errorf("microcircuit: need at least 3 layers, have %d", len(c.Layers))
	}
	for i, n := range c.Layers {
		if n < 1 {
			return fmt.Errorf("microcircuit: layers[%d] = %d must be positive", i, n)
		}
	}
	N, H := c.N(), c.H()
	type need struct {
		name       string
		have, want int
	}
	lists := []need{
		{"Activations", len(c.Activations), N}, {"EtaFW", len(c.EtaFW), N},
		{"EtaIP", len(c.EtaIP), H}, {"EtaPI", len(c.EtaPI), H},
	}
	if c.Model == PAL {
		lists = append(lists, need{"EtaBW", len(c.EtaBW), H},
			need{"Alpha", len(c.Alpha), H}, need{"NoiseScale", len(c.NoiseScale), H})
	}
	for _, l := range lists {
		if l.have < l.want {
			return fmt.Errorf("microcircuit: %s has %d entries, need %d", l.name, l.have, l.want)
		}
	}
	if !(c.Dt > 0) || math.IsInf(c.Dt, 0) {
		return fmt.Errorf("microcircuit: Dt = %v must be positive", c.Dt)
	}
	if c.Model == PAL {
		if c.NoiseHoldSteps < 1 {
			return fmt.Errorf("microcircuit: NoiseHoldSteps = %d must be positive", c.NoiseHoldSteps)
		}
		if !(c.TauHP > 0) || !(c.TauLO > 0) || (c.NoiseType == OU && !(c.Tauxi > 0)) {
			return fmt.Errorf("microcircuit: PAL time constants must be positive")
		}
	}
	return nil
}
