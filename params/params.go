package params

import (
	"math"

	"palmc/dataset"
)

// Task names an experiment of docs/model.md §6. It decides which fields are required:
// only FwBw needs the init_teacher_*_range fields (and BwOnly with the
// comparison to backprop, which experiment.Run checks).
type Task string

const (
	// BwOnly learns the lateral and backward weights without a teacher.
	BwOnly Task = "bw_only"
	// FwBw is the teacher–student task: forward, lateral and backward
	// weights are learned together.
	FwBw Task = "fw_bw"
	// Classify learns to classify a data set (docs/model.md §12): samples
	// held for Tpres, targets uhigh for the true class and ulow for the
	// others, a validation pass before every training epoch, a validation
	// and a test pass at the end.
	Classify Task = "classify"
)

// Tasks lists the tasks.
func Tasks() []Task { return []Task{BwOnly, FwBw, Classify} }

// Model types accepted in model_type.
const (
	// ModelBP copies the transposed forward weights into BPP (backprop).
	ModelBP = "BP"
	// ModelFA keeps BPP fixed (feedback alignment).
	ModelFA = "FA"
	// ModelPAL learns BPP from apical noise (Phaseless Alignment Learning).
	ModelPAL = "PAL"
	// ModelLDRL is the seed-era name of the PAL rule; it behaves as ModelPAL.
	ModelLDRL = "LDRL"
	// ModelDTPDRL is the second noise-driven rule of the seed-era code (docs/model.md §11).
	ModelDTPDRL = "DTPDRL"
)

// Noise types accepted in noise_type.
const (
	// NoiseOU is an Ornstein–Uhlenbeck process with time constant tauxi.
	NoiseOU = "OU"
	// NoiseHoldWhite holds each white-noise draw for dtxi.
	NoiseHoldWhite = "hold_white_noise"
)

// Noise modes accepted in noise_mode (docs/model.md §5 and §11).
const (
	// ModeConst draws normal(0, 1).
	ModeConst = "const"
	// ModeUP draws normal(0, |uP|) element by element.
	ModeUP = "uP"
	// ModeUPBreve draws normal(0, |uP_breve|) element by element.
	ModeUPBreve = "uP_breve"
	// ModeVapi draws normal(0, |vapi|) element by element.
	ModeVapi = "vapi"
	// ModeUPAdaptive is the seed-era adaptive mode: normal(0, |uP|) scaled by
	// the low-passed misalignment, and no noise once aligned to noise_deg.
	ModeUPAdaptive = "uP_adaptive"
)

// Backward connectivities accepted in bw_connection_mode (docs/model.md §11).
const (
	// ConnLayered feeds each hidden layer from the layer above (published default).
	ConnLayered = "layered"
	// ConnSkip feeds every hidden layer straight from the output layer.
	ConnSkip = "skip"
)

// InputStep is the only input signal: uniform random rates held for Tpres.
const InputStep = "step"

// The input_update values.
const (
	InputPerStep   = "per_step"
	InputPerSample = "per_sample"
)

// PerSample reports whether WPP[0] learns once per held input
// (InputUpdate "per_sample", or "" in a classify params).
func (p *Params) PerSample() bool {
	return p.InputUpdate == InputPerSample || (p.InputUpdate == "" && p.Dataset != "")
}

// MaxSeed is the largest seed numpy's RandomState accepts (2^32 - 1).
const MaxSeed = math.MaxUint32

// Params is the content of one params.json file, with defaults filled in.
// Lists indexed by pyramidal layer need N = len(Layers)-1 entries, lists
// indexed by hidden layer need H = N-1 entries; longer lists are kept as given
// and only their first N or H entries are meant to be read. All times are in
// ms; conductances are in 1/ms (so that 1/(gl+gbas+gapi) is a time in ms).
type Params struct {
	// Dt is the Euler time step (JSON "dt", ms). Required, > 0.
	Dt float64
	// Tpres is how long each input sample is presented (JSON "Tpres", ms).
	// Required, a whole number (>= 1) of Dt steps.
	Tpres float64
	// Dtxi is the interval between two noise draws (JSON "dtxi", ms).
	// Required for the noise-driven models, a whole number (>= 1) of Dt steps.
	Dtxi float64
	// TauHP is the time constant of the high-pass filter on pyramidal rates
	// (JSON "tauHP", ms). Required for the noise-driven models, > 0.
	TauHP float64
	// TauLO is the time constant of the low-pass filters on interneuron
	// dendrites and WPP updates (JSON "tauLO", ms). Required for the
	// noise-driven models, > 0.
	TauLO float64
	// Tauxi is the correlation time of Ornstein–Uhlenbeck noise (JSON "tauxi",
	// ms). Required when NoiseType is "OU", > 0.
	Tauxi float64

	// DatasetSize is the number of input samples (JSON "dataset_size",
	// count). Required, >= 1.
	DatasetSize int
	// Epochs is the number of passes over the samples (JSON "epochs", count).
	// Required, >= 1.
	Epochs int
	// SettlingTime is how long the networks run on the input with learning
	// off before the first epoch (JSON "settling_time", ms). Required, >= 0,
	// a whole number of Dt steps, at most DatasetSize·Tpres.
	SettlingTime float64

	// Layers lists the population sizes: input, hidden layers, output (JSON
	// "layers", neurons). Required, at least 3 entries, each >= 1.
	Layers []int
	// Activation names the activation of each pyramidal layer (JSON
	// "activation": one name for all layers or a list; names linear, relu,
	// soft_relu, logistic, tanh, hard_sigmoid). After Parse it has exactly N
	// entries.
	Activation []string
	// ModelType selects how BPP is obtained (JSON "model_type": BP, FA, PAL,
	// or the seed-era names LDRL (= PAL) and DTPDRL). Required.
	ModelType string

	// NoiseType is the temporal structure of the apical noise (JSON
	// "noise_type": OU or hold_white_noise). Required for the noise-driven
	// models.
	NoiseType string
	// NoiseMode sets the per-neuron scale of the white noise (JSON
	// "noise_mode": const, uP, uP_breve, vapi, or the seed-era uP_adaptive).
	// Required for the noise-driven models.
	NoiseMode string
	// NoiseScale multiplies the noise of each hidden layer (JSON
	// "noise_scale", voltage units, H entries). Required for the noise-driven
	// models, each >= 0.
	NoiseScale []float64
	// NoiseDeg is the alignment angle below which uP_adaptive injects no more
	// noise (JSON "noise_deg", degrees). Required with noise_mode
	// "uP_adaptive", in [0, 180].
	NoiseDeg float64

	// Gl is the leak conductance (JSON "gl", 1/ms). Required, >= 0.
	Gl float64
	// Gbas is the basal-to-soma coupling of pyramidal neurons (JSON "gbas",
	// 1/ms). Required, >= 0, and Gl+Gbas > 0.
	Gbas float64
	// Gapi is the apical-to-soma coupling of hidden pyramidal neurons (JSON
	// "gapi", 1/ms). Required, >= 0.
	Gapi float64
	// Gden is the dendrite-to-soma coupling of interneurons (JSON "gden",
	// 1/ms). Required, >= 0, and Gl+Gden > 0; > 0 when InitInSPS is set.
	Gden float64
	// GnI is the nudging conductance of interneurons by the pyramidal layer
	// they mirror (JSON "gnI", 1/ms). Required, >= 0.
	GnI float64
	// Gntgt is the nudging conductance of the output layer by the target
	// (JSON "gntgt", 1/ms). Required, >= 0.
	Gntgt float64

	// EtaFW is the learning rate of WPP per pyramidal layer (JSON "eta_fw",
	// 1/ms, N entries). Required, each >= 0.
	EtaFW []float64
	// EtaBW is the learning rate of BPP per hidden layer (JSON "eta_bw", 1/ms,
	// H entries). Required, each >= 0.
	EtaBW []float64
	// EtaIP is the learning rate of WIP per interneuron population (JSON
	// "eta_IP", 1/ms, H entries, 1 with skip connectivity). Required, each >= 0.
	EtaIP []float64
	// EtaPI is the learning rate of BPI per hidden layer (JSON "eta_PI", 1/ms,
	// H entries). Required, each >= 0.
	EtaPI []float64
	// Alpha weighs the BPP regulariser per hidden layer (JSON "alpha",
	// dimensionless, H entries). Required for the noise-driven models, each >= 0.
	Alpha []float64

	// InitWPPRange is the [lo, hi] range of the uniform initial forward
	// weights (JSON "init_WPP_range"). Required, lo <= hi.
	InitWPPRange [2]float64
	// InitWIPRange is the [lo, hi] range of the initial pyramidal-to-
	// interneuron weights (JSON "init_WIP_range"). Required, lo <= hi.
	InitWIPRange [2]float64
	// InitBPPRange is the [lo, hi] range of the initial backward weights
	// (JSON "init_BPP_range"). Required, lo <= hi.
	InitBPPRange [2]float64
	// InitBPIRange is the [lo, hi] range of the initial interneuron-to-apical
	// weights (JSON "init_BPI_range"). Required, lo <= hi.
	InitBPIRange [2]float64
	// InitTeacherWPPRange is InitWPPRange for the teacher (JSON
	// "init_teacher_WPP_range"). Required for the fw_bw task and for bw_only
	// with --compare BP.
	InitTeacherWPPRange [2]float64
	// InitTeacherWIPRange is InitWIPRange for the teacher (JSON
	// "init_teacher_WIP_range"). Required for the fw_bw task and for bw_only
	// with --compare BP.
	InitTeacherWIPRange [2]float64
	// InitTeacherBPPRange is InitBPPRange for the teacher (JSON
	// "init_teacher_BPP_range"). Required for the fw_bw task and for bw_only
	// with --compare BP.
	InitTeacherBPPRange [2]float64
	// InitTeacherBPIRange is InitBPIRange for the teacher (JSON
	// "init_teacher_BPI_range"). Required for the fw_bw task and for bw_only
	// with --compare BP.
	InitTeacherBPIRange [2]float64

	// RandomSeed lists the seeds of the student networks, one network per
	// seed (JSON "random_seed", a list or a single integer). Required,
	// non-empty, no duplicates, each in 0..2^32-1.
	RandomSeed []int64

	// InitInSPS puts the students into the self-predicting state at start
	// (JSON "init_in_SPS", bool). Required.
	InitInSPS bool
	// InterLowPass low-passes the interneuron dendrites with TauLO (JSON
	// "inter_low_pass", bool). Required for the noise-driven models.
	InterLowPass bool
	// PyrHiPass makes the BPP update use the high-passed rates (JSON
	// "pyr_hi_pass", bool). Required for the noise-driven models.
	PyrHiPass bool
	// DWPPLowPass low-passes the WPP increments with TauLO before applying
	// them (JSON "dWPP_low_pass", bool). Required for the noise-driven models.
	DWPPLowPass bool
	// DWPPRLowPass low-passes the presynaptic factor of dWPP (JSON
	// "dWPP_r_low_pass", bool). Default false.
	DWPPRLowPass bool
	// DWPPPostLowPass low-passes the postsynaptic factor of dWPP (JSON
	// "dWPP_post_low_pass", bool). Default false.
	DWPPPostLowPass bool
	// GateRegularizer applies the BPP regulariser only to columns with a
	// positive presynaptic rate (JSON "gate_regularizer", bool). Default false.
	GateRegularizer bool
	// VarphiRegularizer weighs the BPP regulariser with the activation
	// derivatives of both layers (JSON "varphi_regularizer", bool). Default false.
	VarphiRegularizer bool
	// DWPPUseActivation compares rates (true) or voltages (false) in the
	// postsynaptic factor of dWPP (JSON "dWPP_use_activation", bool).
	// Default true.
	DWPPUseActivation bool
	// InputUpdate is how the forward weights from the input learn (JSON
	// "input_update"): "per_step", in every step as the published code
	// does, or "per_sample", in closed form once per held input, the same
	// numbers to round-off (docs/model.md §4 I). Default per_sample for the
	// classify task (or a file with "dataset" parsed for no task), per_step
	// otherwise.
	InputUpdate string

	// InputSignal names the input (JSON "input_signal"; only "step").
	// Required.
	InputSignal string

	// CopyTeacherWeights gives the students the teacher's weights at start
	// (JSON "copy_teacher_weights", bool, a testing aid). Default false.
	CopyTeacherWeights bool
	// CopyTeacherVoltages gives the students the teacher's voltages at start
	// (JSON "copy_teacher_voltages", bool, a testing aid). Default false.
	CopyTeacherVoltages bool

	// Taur scales the look-ahead of the prospective voltages,
	// u_breve = u_old + Taur·taueff·(u-u_old)/dt (JSON "taur", dimensionless;
	// 1 is Latent Equilibrium, 0 the plain voltages). Default 1, >= 0.
	Taur float64
	// RecPerSteps is the recording interval (JSON "rec_per_steps", steps).
	// Default 1000, >= 1.
	RecPerSteps int
	// Rec tells which variables are recorded, keyed by the X of each JSON
	// "rec_X" key (see RecNames). After Parse it holds every name; a missing
	// key is false.
	Rec map[string]bool

	// BwConnectionMode is the backward connectivity (JSON
	// "bw_connection_mode": layered or skip, docs/model.md §11). Default "layered",
	// "skip" for seed-era files.
	BwConnectionMode string
	// Tbw is the period of the phased noise: noise and BPP learning visit one
	// hidden layer at a time for Tbw each (JSON "Tbw", ms; 0 = off, docs/model.md §11).
	// Default 0, >= 0, a whole number of Dt steps.
	Tbw float64
	// Taueps is the time constant of the low-passed misalignment of
	// uP_adaptive noise (JSON "taueps", ms). Required with noise_mode
	// "uP_adaptive", > 0.
	Taueps float64
	// Tausyn is the seed-era synaptic time constant (JSON "tausyn", ms); in a
	// seed-era file it sets TauHP and TauLO.
	Tausyn float64
	// Dataset names the data set of the classify task (JSON "dataset":
	// yinyang, mnist, fashion-mnist, bars). Required for classify.
	Dataset string
	// DatasetDir is the folder of the IDX files of mnist or fashion-mnist
	// (JSON "dataset_dir"); "" looks in the default places (see the
	// dataset package). Default "".
	DatasetDir string
	// DatasetSizes are the numbers of training, validation and test
	// samples (JSON "dataset_sizes", three counts; 0 takes the data set's
	// default). Default: the data set's defaults.
	DatasetSizes []int
	// DatasetSeeds seed the generation of the training, validation and
	// test samples of yinyang and bars (JSON "dataset_seeds", three numpy
	// seeds). Default: the data set's (yinyang: 42, 41, 40, its published
	// splits).
	DatasetSeeds []int64
	// DatasetNoise is the noise of the bars data set (JSON
	// "dataset_noise", in [0, 1]). Default: the data set's (0.1).
	DatasetNoise float64
	// DatasetFiles names the npz files (keys x and y) of the training,
	// validation and test samples of the data set "files", one's own
	// (JSON "dataset_files", three paths; a relative one is taken from the
	// directory palmc runs in). Required for that data set only.
	DatasetFiles []string
	// files is what validation found in DatasetFiles (not a JSON key):
	// their inputs, classes and sizes.
	files *dataset.Described
	// Uhigh is the target voltage of the output neuron of the true class
	// (JSON "uhigh"). Default 1.
	Uhigh float64
	// Ulow is the target voltage of the other output neurons (JSON
	// "ulow"). Default 0.1; Ulow < Uhigh.
	Ulow float64
	// ReadoutEvery is the interval of the readouts of the output layer's
	// prospective voltage during a sample (JSON "readout_every", ms, a
	// whole number of Dt steps): after the sample's first step and every
	// ReadoutEvery after it. Default 0.2.
	ReadoutEvery float64
	// ReadoutSkip is the number of leading readouts of each sample left
	// out of its prediction (JSON "readout_skip", count; the first is
	// still dominated by the previous sample). Default 1.
	ReadoutSkip int
	// DWPPLowPassAllModels makes BP and FA low-pass their WPP increments
	// too when DWPPLowPass is set (JSON "dWPP_low_pass_all_models", bool),
	// as the paper's GeNN port does for every model; the published numpy
	// code low-passes only PAL's. Default false.
	DWPPLowPassAllModels bool

	// SeedEra reports that the file was recognised as a seed-era file (it has
	// "Tbw" or "tausyn" and no "tauHP") and the seed-era defaults of docs/model.md §11
	// were applied. It is not a JSON key.
	SeedEra bool
	// TeacherRanges reports that the four init_teacher_*_range keys were
	// given (a seed-era file takes the students' ranges for missing ones):
	// a teacher can be built. It is not a JSON key.
	TeacherRanges bool
}

// recNames lists the recordable variables in the order of the published
// params files.
var recNames = []string{
	"MSE", "error", "input", "target",
	"WPP", "WIP", "BPP", "BPI",
	"dWPP", "dWIP", "dBPP", "dBPI",
	"uP", "uP_breve", "rP_breve", "rP_breve_HI",
	"uI", "uI_breve", "rI_breve",
	"vbas", "vapi", "vapi_noise", "noise",
	"epsilon", "epsilon_LO", "lat_mismatch",
}

// RecNames returns the names X of the recording switches "rec_X", in the order
// of the published params files. The slice is a fresh copy.
func RecNames() []string { return append([]string(nil), recNames...) }

// activationNames lists the known activations (docs/model.md §2).
var activationNames = []string{"linear", "relu", "soft_relu", "logistic", "tanh", "hard_sigmoid"}

// Activations returns the names accepted in "activation". The slice is a
// fresh copy.
func Activations() []string { return append([]string(nil), activationNames...) }

// N returns the number of pyramidal layers, len(Layers)-1 (0 without layers).
func (p *Params) N() int { return max(len(p.Layers)-1, 0) }

// H returns the number of hidden layers, N-1 (0 without layers).
func (p *Params) H() int { return max(len(p.Layers)-2, 0) }

// NI returns the number of interneuron populations: H with layered backward
// connectivity, 1 with skip connectivity (docs/model.md §11).
func (p *Params) NI() int {
	if p.BwConnectionMode == ConnSkip && p.H() > 0 {
		return 1
	}
	return p.H()
}

// Rule returns the plasticity rule of ModelType with the seed-era alias
// resolved: "BP", "FA", "PAL" (for PAL and LDRL) or "DTPDRL".
func (p *Params) Rule() string {
	if p.ModelType == ModelLDRL {
		return ModelPAL
	}
	return p.ModelType
}

// UsesNoise reports whether the model learns BPP from injected apical noise
// (PAL, LDRL, DTPDRL). The PAL-only fields are required only then.
func (p *Params) UsesNoise() bool {
	switch p.ModelType {
	case ModelPAL, ModelLDRL, ModelDTPDRL:
		return true
	}
	return false
}

// ReadoutSteps returns the interval of the readouts in steps.
func (p *Params) ReadoutSteps() int { return steps(p.ReadoutEvery, p.Dt) }

// Readouts returns how many readouts a sample has: after its first step
// and every ReadoutSteps after it, within Tpres.
func (p *Params) Readouts() int {
	m := p.ReadoutSteps()
	if m < 1 {
		return 0
	}
	return (p.StepsPerSample()-1)/m + 1
}

// StepsPerSample returns round(Tpres/dt), the steps each sample is held.
func (p *Params) StepsPerSample() int { return steps(p.Tpres, p.Dt) }

// SettlingSteps returns round(settling_time/dt).
func (p *Params) SettlingSteps() int { return steps(p.SettlingTime, p.Dt) }

// NoiseHoldSteps returns round(dtxi/dt), the steps between noise draws.
func (p *Params) NoiseHoldSteps() int { return steps(p.Dtxi, p.Dt) }

// PhaseSteps returns round(Tbw/dt), the steps each hidden layer is active
// with phased noise (0 when phased noise is off).
func (p *Params) PhaseSteps() int { return steps(p.Tbw, p.Dt) }

// maxSteps bounds every step count so that it converts exactly to an int.
const maxSteps = 1 << 53

// steps returns round(t/dt), or 0 when the quotient is not a usable count.
func steps(t, dt float64) int {
	if !(dt > 0) {
		return 0
	}
	x := math.Round(t / dt)
	if !(x >= 0 && x <= maxSteps) {
		return 0
	}
	return int(x)
}
