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
	// PAL learns BPP from injected apical noise (Phaseless Alignment Learning;
	// the seed-era name LDRL is the same rule).
	PAL
	// DTPDRL is the second noise-driven rule of the seed-era code (docs/model.md §11):
	// dBPP[k] = -dt·eta_bw[k]·outer(BPP[k]·r_pre - noise[k], r_pre) - dt·alpha[k]·eta_bw[k]·R,
	// the first term only while noise[k] is non-zero; without PyrHiPass,
	// r_pre = RPBreve of the layer feeding BPP[k] and BPI[k]·RIBreve is
	// added inside the bracket (which is then vapi[k] - noise[k]). Noise,
	// filters and everything else are as for PAL.
	DTPDRL
)

func (m Model) String() string {
	switch m {
	case BP:
		return "BP"
	case FA:
		return "FA"
	case PAL:
		return "PAL"
	case DTPDRL:
		return "DTPDRL"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// Noisy reports whether the model learns BPP from injected apical noise
// (PAL and DTPDRL): only these have noise, high-passed rates and the
// low-pass filters of PAL.
func (m Model) Noisy() bool { return m == PAL || m == DTPDRL }

// Connectivity is the shape of the backward pathway (docs/model.md §1 and §11).
type Connectivity int

const (
	// Layered feeds hidden layer k from layer k+1 and gives every hidden
	// layer its own interneurons (the published default).
	Layered Connectivity = iota
	// Skip feeds every hidden layer straight from the output layer, with
	// one interneuron population that mirrors the output layer (the
	// seed-era "skip" bw_connection_mode).
	Skip
)

func (c Connectivity) String() string {
	switch c {
	case Layered:
		return "layered"
	case Skip:
		return "skip"
	}
	return fmt.Sprintf("Connectivity(%d)", int(c))
}

// NoiseType is the temporal structure of PAL's apical noise (docs/model.md §5).
type NoiseType int

const (
	// OU is an Ornstein–Uhlenbeck process with time constant Tauxi.
	OU NoiseType = iota
	// HoldWhiteNoise holds each white-noise draw for NoiseHoldSteps steps.
	HoldWhiteNoise
)

// NoiseMode sets the per-neuron scale of the white values (docs/model.md §5).
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
	// NoiseUPAdaptive is the seed-era adaptive noise (docs/model.md §11): per hidden
	// layer, epsilon[k] = (1 - cos(uP_breve[k], BPP[k]·r_top))/2, r_top the
	// rate that drives BPP[k], is low-passed into epsilon_LO[k] with
	// Taueps; while epsilon_LO[k] > (1 - cos(NoiseDeg))/2 a due draw is
	// epsilon_LO[k]·normal(0, |uP[k][i]|) per neuron (times NoiseScale[k]),
	// otherwise its white values are zero and nothing is drawn.
	NoiseUPAdaptive
)

// InputUpdate is how the forward weights from the input, WPP[0], learn
// (docs/model.md §4 I).
type InputUpdate int

const (
	// PerStep updates WPP[0] and its low-passed increments in every step,
	// as the published code does.
	PerStep InputUpdate = iota
	// PerSample updates them in closed form over each stretch of steps
	// with the same input (a sample held for Tpres): the same numbers to
	// round-off, with the matrices read and written once per sample.
	PerSample
)

func (u InputUpdate) String() string {
	switch u {
	case PerStep:
		return "per_step"
	case PerSample:
		return "per_sample"
	}
	return fmt.Sprintf("InputUpdate(%d)", int(u))
}

// Config is everything that defines one network. Lists indexed by pyramidal
// layer have N = len(Layers)-1 entries, lists indexed by hidden layer have
// H = N-1 entries; longer lists are allowed and only their first entries are
// read. All times are in ms.
type Config struct {
	// Layers lists population sizes: input, hidden layers, output.
	Layers []int
	// Connectivity is Layered (the published network) or Skip (docs/model.md §11):
	// with Skip, BPP[k] and BPI[k] are layers[k+1] × nN, fed by the output
	// layer, and there is one interneuron population (UI[0], size nN) with
	// WIP[0] of shape nN × layers[N-1], which mirrors the output layer.
	Connectivity Connectivity
	// Model is BP, FA, PAL or DTPDRL. The fields marked "PAL" below apply
	// to both noise-driven models, PAL and DTPDRL.
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
	// EtaIP is the learning rate of WIP per interneuron population (NI).
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
	// PhaseSteps is round(Tbw/dt), the length of one phase of phased noise
	// in steps (docs/model.md §11; 0: off). With phased noise, only hidden layer
	// k = floor(t/Tbw) mod H gets noise and BPP updates, t counted from the
	// first step with LearnBW (Network.BWSteps); the others have zero noise,
	// draw nothing and keep their BPP.
	PhaseSteps int
	// NoiseDeg is the alignment angle below which NoiseUPAdaptive stops
	// injecting noise (degrees).
	NoiseDeg float64
	// Taueps is the time constant of the low-passed misalignment epsilon_LO
	// of NoiseUPAdaptive (ms).
	Taueps float64

	// PyrHiPass makes PAL's BPP update use the high-passed rates.
	PyrHiPass bool
	// InterLowPass low-passes the interneuron dendrites (PAL).
	InterLowPass bool
	// DWPPLowPass low-passes the WPP increments before applying them (PAL;
	// every model with DWPPLowPassAllModels).
	DWPPLowPass bool
	// DWPPLowPassAllModels makes BP and FA honour DWPPLowPass too: their
	// WPP increments are then low-passed with TauLO, dWPP_LO += dt/TauLO·
	// (dWPP - dWPP_LO), and dWPP_LO is added, as for PAL. False keeps the
	// published behaviour: the published Fig. 4 BP and FA params set
	// dWPP_low_pass true and the numpy code ignores it for them.
	DWPPLowPassAllModels bool
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
	// both layers' activations (PAL). As in the published code, the
	// regulariser of a hidden layer fed by the output layer (the last one;
	// every one with Skip) is then zero.
	VarphiRegularizer bool
	// DWPPUseActivation compares rates (true) or voltages (false) in dWPP.
	DWPPUseActivation bool

	// LazyInputColumns defers work on the columns of WPP[0] whose input
	// rates are zero, which are about 70 % of MNIST's in blocks of four
	// (see lazy.go). The numbers are the same bits as without it, for
	// finite weights; but between steps WPP[0] and DWPPLO[0] may lag
	// behind the steps made: call Network.Sync before reading or writing
	// them outside an Observer. It takes effect where the AVX2 kernels run
	// and WPP[0]'s columns are a multiple of four; otherwise Sync does
	// nothing and nothing lags.
	LazyInputColumns bool

	// InputUpdate is PerStep (the published update) or PerSample. With
	// PerSample, LazyInputColumns has no effect, and WPP[0] and DWPPLO[0]
	// lag between steps as with LazyInputColumns: call Network.Sync before
	// reading or writing them outside an Observer.
	InputUpdate InputUpdate
}

// N returns the number of pyramidal layers.
func (c *Config) N() int { return len(c.Layers) - 1 }

// H returns the number of hidden layers.
func (c *Config) H() int { return len(c.Layers) - 2 }

// NI returns the number of interneuron populations: H when Layered, 1 with
// Skip.
func (c *Config) NI() int {
	if c.Connectivity == Skip {
		return 1
	}
	return c.H()
}

// ApicalSource returns the pyramidal layer whose rates reach the apical
// dendrites of hidden layer k through BPP[k]: k+1 when Layered, the output
// layer N-1 with Skip.
func (c *Config) ApicalSource(k int) int {
	if c.Connectivity == Skip {
		return c.N() - 1
	}
	return k + 1
}

// ApicalInter returns the interneuron population that reaches the apical
// dendrites of hidden layer k through BPI[k]: k when Layered, 0 with Skip.
func (c *Config) ApicalInter(k int) int {
	if c.Connectivity == Skip {
		return 0
	}
	return k
}

// InterSource returns the pyramidal layer that drives interneuron
// population i through WIP[i]: i when Layered, the last hidden layer N-2
// with Skip.
func (c *Config) InterSource(i int) int {
	if c.Connectivity == Skip {
		return c.N() - 2
	}
	return i
}

// InterMirror returns the pyramidal layer that interneuron population i
// mirrors: it nudges them with its prospective voltage and lends them its
// activation. It is InterSource(i)+1: i+1 when Layered, the output layer
// with Skip.
func (c *Config) InterMirror(i int) int { return c.InterSource(i) + 1 }

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
	if c.Connectivity != Layered && c.Connectivity != Skip {
		return fmt.Errorf("microcircuit: unknown connectivity %v", c.Connectivity)
	}
	if c.Model < BP || c.Model > DTPDRL {
		return fmt.Errorf("microcircuit: unknown model %v", c.Model)
	}
	lists := []need{
		{"Activations", len(c.Activations), N}, {"EtaFW", len(c.EtaFW), N},
		{"EtaIP", len(c.EtaIP), c.NI()}, {"EtaPI", len(c.EtaPI), H},
	}
	if c.Model.Noisy() {
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
	if c.InputUpdate != PerStep && c.InputUpdate != PerSample {
		return fmt.Errorf("microcircuit: unknown input update %v", c.InputUpdate)
	}
	if c.PhaseSteps < 0 {
		return fmt.Errorf("microcircuit: PhaseSteps = %d must not be negative", c.PhaseSteps)
	}
	if c.DWPPLowPass && c.DWPPLowPassAllModels && !(c.TauLO > 0) {
		return fmt.Errorf("microcircuit: TauLO = %v must be positive with DWPPLowPass", c.TauLO)
	}
	if c.Model.Noisy() {
		if c.NoiseHoldSteps < 1 {
			return fmt.Errorf("microcircuit: NoiseHoldSteps = %d must be positive", c.NoiseHoldSteps)
		}
		if !(c.TauHP > 0) || !(c.TauLO > 0) || (c.NoiseType == OU && !(c.Tauxi > 0)) {
			return fmt.Errorf("microcircuit: PAL time constants must be positive")
		}
		if c.NoiseMode == NoiseUPAdaptive && (!(c.Taueps > 0) || !(c.NoiseDeg >= 0 && c.NoiseDeg <= 180)) {
			return fmt.Errorf("microcircuit: adaptive noise needs Taueps > 0 and NoiseDeg in [0, 180], have %v and %v", c.Taueps, c.NoiseDeg)
		}
	}
	return nil
}
