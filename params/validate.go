package params

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Names accepted by the string fields.
var (
	modelTypes  = []string{ModelBP, ModelFA, ModelPAL, ModelLDRL, ModelDTPDRL}
	noiseTypes  = []string{NoiseOU, NoiseHoldWhite}
	noiseModes  = []string{ModeConst, ModeUP, ModeUPBreve, ModeVapi, ModeUPAdaptive}
	connModes   = []string{ConnLayered, ConnSkip}
	inputSignal = []string{InputStep}
	inputUpdate = []string{InputPerStep, InputPerSample}
	tasks       = []string{string(BwOnly), string(FwBw), string(Classify)}
)

// stepTolerance is the relative tolerance of "a whole number of dt steps".
const stepTolerance = 1e-9

// Validate checks p for task against the rules of docs/model.md §10 and §11 and
// returns nil or every problem found (one *FieldError, or several joined
// with errors.Join).
//
// Validate checks values only: whether a key was present in the file is
// known to Parse alone, so a zero value stands for itself here (a zero Dt is
// "must be > 0", not "missing"). The rules:
//   - task is bw_only or fw_bw; model_type is BP, FA, PAL, LDRL or DTPDRL;
//   - layers has at least 3 entries, each >= 1; activation has at least N
//     known names;
//   - dt > 0; Tpres (>= 1 step), settling_time (>= 0) and Tbw (>= 0, 0 = off)
//     are whole numbers of dt steps within a relative 1e-9; settling_time is
//     at most dataset_size·Tpres; dataset_size, epochs, rec_per_steps >= 1;
//   - every conductance >= 0, gl+gbas > 0, gl+gden > 0, and gden > 0 with
//     init_in_SPS (the self-predicting weights divide by it);
//   - eta_fw has N entries, eta_bw and eta_PI H, eta_IP one per interneuron
//     population (NI); every learning rate is >= 0; longer lists are fine;
//   - every [lo, hi] range has lo <= hi;
//   - random_seed is non-empty, without duplicates, each in 0..2^32-1;
//   - input_signal is step; taur >= 0; bw_connection_mode is layered or skip;
//   - for the noise-driven models (PAL, LDRL, DTPDRL): dtxi >= 1 whole step,
//     tauHP, tauLO > 0, noise_type OU (then tauxi > 0) or hold_white_noise,
//     noise_mode known (uP_adaptive needs 0 <= noise_deg <= 180 and
//     taueps > 0), noise_scale and alpha have H entries, each >= 0. For BP
//     and FA these fields are not checked: the model does not read them.
//
// Every number must be finite.
func (p *Params) Validate(task Task) error {
	return joinErrors(p.validate(task, nil))
}

// validator collects the problems of one Params. Fields in bad failed to
// decode or are missing; their rules are skipped so that each problem is
// reported once.
type validator struct {
	bad  map[string]bool
	errs []error
}

// skip reports whether any of keys is already known to be bad.
func (v *validator) skip(keys ...string) bool {
	for _, k := range keys {
		if v.bad[k] {
			return true
		}
	}
	return false
}

// fail records a problem of field (index -1 for none) with its value.
func (v *validator) fail(field string, index int, value any, err error) {
	v.errs = append(v.errs, &FieldError{Field: field, Index: index, Value: value, Err: err})
}

// oneOf checks that s is one of allowed.
func (v *validator) oneOf(field, s string, allowed []string, what string) bool {
	if v.skip(field) {
		return false
	}
	if !slices.Contains(allowed, s) {
		v.errs = append(v.errs, &FieldError{Field: field, Index: -1, Value: s,
			Err: invalidf("unknown %s", what), Allowed: strings.Join(allowed, ", ")})
		return false
	}
	return true
}

// finite checks that x is a finite number.
func (v *validator) finite(field string, index int, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.fail(field, index, x, invalidf("must be a finite number"))
		return false
	}
	return true
}

// positive checks 0 < x < inf; unit goes into the message.
func (v *validator) positive(field string, x float64, unit string) bool {
	if v.skip(field) || !v.finite(field, -1, x) {
		return false
	}
	if !(x > 0) {
		v.fail(field, -1, x, invalidf("must be > 0%s", unit))
		return false
	}
	return true
}

// nonNegative checks 0 <= x < inf; why goes into the message.
func (v *validator) nonNegative(field string, index int, x float64, why string) bool {
	if !v.finite(field, index, x) {
		return false
	}
	if !(x >= 0) {
		v.fail(field, index, x, invalidf("must be >= 0%s", why))
		return false
	}
	return true
}

// atLeast checks an integer count n >= lo.
func (v *validator) atLeast(field string, n, lo int) bool {
	if v.skip(field) {
		return false
	}
	if n < lo {
		v.fail(field, -1, n, invalidf("must be >= %d", lo))
		return false
	}
	return true
}

// time checks a duration in ms: finite, > 0 (or >= 0 with allowZero) and,
// when dt is usable and t > 0, a whole number of at least one dt step.
func (v *validator) time(field string, t float64, allowZero bool, dt float64, dtOK bool) bool {
	if v.skip(field) || !v.finite(field, -1, t) {
		return false
	}
	if allowZero && !(t >= 0) {
		v.fail(field, -1, t, invalidf("must be >= 0 ms"))
		return false
	}
	if !allowZero && !(t > 0) {
		v.fail(field, -1, t, invalidf("must be > 0 ms"))
		return false
	}
	if !dtOK || t == 0 {
		return dtOK
	}
	r := t / dt
	k := math.Round(r)
	if k > maxSteps {
		v.fail(field, -1, t, invalidf("too many steps of dt = %s ms (%s)", formatFloat(dt), formatFloat(r)))
		return false
	}
	if k < 1 || math.Abs(r-k) > stepTolerance*math.Max(1, k) {
		v.fail(field, -1, t, invalidf("not a whole number of steps of dt = %s ms (%s steps)",
			formatFloat(dt), strconv.FormatFloat(r, 'g', 10, 64)))
		return false
	}
	return true
}

// rates checks a per-layer list: at least need entries (need < 0: length
// not checked) and every entry finite and >= 0.
func (v *validator) rates(field string, xs []float64, need int, per, why string) {
	if v.skip(field) {
		return
	}
	if need >= 0 && len(xs) < need {
		v.fail(field, -1, xs, invalidf("has %s, needs at least %d (%s)", entries(len(xs)), need, per))
	}
	for i, x := range xs {
		v.nonNegative(field, i, x, why)
	}
}

// interval checks a [lo, hi] range.
func (v *validator) interval(field string, r [2]float64) {
	if v.skip(field) || !v.finite(field, 0, r[0]) || !v.finite(field, 1, r[1]) {
		return
	}
	if r[0] > r[1] {
		v.fail(field, -1, r, invalidf("lo must not exceed hi"))
	}
}

// validate returns every problem of p, skipping the rules of the keys in bad.
// MaxSteps bounds the steps of one network in a run.
const MaxSteps = 1e15

func (p *Params) validate(task Task, bad map[string]bool) []error {
	v := &validator{bad: bad}

	if !slices.Contains(tasks, string(task)) {
		v.errs = append(v.errs, &FieldError{Field: "task", Index: -1, Value: string(task),
			Err: invalidf("unknown task"), Allowed: strings.Join(tasks, ", ")})
	}
	modelOK := v.oneOf("model_type", p.ModelType, modelTypes, "model type")

	// Network shape.
	layersOK := false
	if !v.skip("layers") {
		if len(p.Layers) < 3 {
			v.fail("layers", -1, p.Layers, invalidf(
				"has %s, needs at least 3 (input, at least one hidden layer, output)", entries(len(p.Layers))))
		} else {
			layersOK = true
			for i, n := range p.Layers {
				if n < 1 {
					v.fail("layers", i, n, invalidf("must be >= 1"))
				}
			}
		}
	}
	n, h := -1, -1 // -1: lengths are not checked
	if layersOK {
		n, h = p.N(), p.H()
	}
	p.validateActivation(v, n)

	// Times and sizes.
	dtOK := v.positive("dt", p.Dt, " ms")
	tpresOK := v.time("Tpres", p.Tpres, false, p.Dt, dtOK)
	settleOK := v.time("settling_time", p.SettlingTime, true, p.Dt, dtOK)
	var sizeOK bool
	samples := float64(p.DatasetSize)
	if task == Classify {
		sizeOK = p.validateDataset(v, n, dtOK, tpresOK)
		samples = float64(p.TrainSize() + p.ValidationSize())
	} else {
		sizeOK = v.atLeast("dataset_size", p.DatasetSize, 1)
	}
	epochsOK := v.atLeast("epochs", p.Epochs, 1)
	if tpresOK && sizeOK && epochsOK {
		// Step counts are ints, and float64 values in the results: keep
		// them far from either limit. 10^15 steps take 30 years at 1 µs.
		steps := float64(p.Epochs) * samples * math.Round(p.Tpres/p.Dt)
		if steps > MaxSteps {
			v.fail("epochs", -1, p.Epochs, invalidf(
				"epochs × dataset_size × Tpres/dt = %.3g steps per network, more than %.0g", steps, float64(MaxSteps)))
		}
	}
	if tpresOK && settleOK && sizeOK {
		input, what := float64(p.DatasetSize)*p.Tpres, "dataset_size·Tpres"
		if task == Classify {
			input, what = float64(p.TrainSize())*p.Tpres, "training samples·Tpres"
		}
		if p.SettlingTime > input*(1+stepTolerance) {
			v.fail("settling_time", -1, p.SettlingTime, invalidf(
				"longer than the input (%s = %s ms)", what, formatFloat(input)))
		}
	}

	// Conductances.
	g := []struct {
		key string
		x   float64
	}{{"gl", p.Gl}, {"gbas", p.Gbas}, {"gapi", p.Gapi}, {"gden", p.Gden}, {"gnI", p.GnI}, {"gntgt", p.Gntgt}}
	gOK := map[string]bool{}
	for _, c := range g {
		gOK[c.key] = !v.skip(c.key) && v.nonNegative(c.key, -1, c.x, " (a conductance)")
	}
	if gOK["gl"] && gOK["gbas"] && !(p.Gl+p.Gbas > 0) {
		v.fail("gbas", -1, p.Gbas, invalidf("gl + gbas must be > 0 (the output time constant is 1/(gl+gbas))"))
	}
	if gOK["gl"] && gOK["gden"] && !(p.Gl+p.Gden > 0) {
		v.fail("gden", -1, p.Gden, invalidf("gl + gden must be > 0 (the interneuron dendrite is read through gden/(gl+gden))"))
	} else if gOK["gden"] && !v.skip("init_in_SPS") && p.InitInSPS && !(p.Gden > 0) {
		v.fail("gden", -1, p.Gden, invalidf("must be > 0 with init_in_SPS (the self-predicting WIP divides by gden)"))
	}

	// Learning rates.
	ni := -1
	if layersOK {
		ni = p.NI()
	}
	const lr = " (a learning rate)"
	v.rates("eta_fw", p.EtaFW, n, fmt.Sprintf("one per pyramidal layer, N = %d", n), lr)
	v.rates("eta_bw", p.EtaBW, h, fmt.Sprintf("one per hidden layer, H = %d", h), lr)
	v.rates("eta_IP", p.EtaIP, ni, fmt.Sprintf("one per interneuron population, NI = %d", ni), lr)
	v.rates("eta_PI", p.EtaPI, h, fmt.Sprintf("one per hidden layer, H = %d", h), lr)

	// Initial weights.
	v.interval("init_WPP_range", p.InitWPPRange)
	v.interval("init_WIP_range", p.InitWIPRange)
	v.interval("init_BPP_range", p.InitBPPRange)
	v.interval("init_BPI_range", p.InitBPIRange)
	v.interval("init_teacher_WPP_range", p.InitTeacherWPPRange)
	v.interval("init_teacher_WIP_range", p.InitTeacherWIPRange)
	v.interval("init_teacher_BPP_range", p.InitTeacherBPPRange)
	v.interval("init_teacher_BPI_range", p.InitTeacherBPIRange)

	p.validateSeeds(v)
	if (p.InputUpdate == "" || v.oneOf("input_update", p.InputUpdate, inputUpdate, "input update")) &&
		p.PerSample() && dtOK && tpresOK && p.StepsPerSample() < 2 {
		v.fail("input_update", -1, p.InputUpdate, invalidf(
			"per_sample needs each input held for two steps or more, and Tpres/dt is %d: use per_step", p.StepsPerSample()))
	}
	if task != Classify {
		v.oneOf("input_signal", p.InputSignal, inputSignal, "input signal")
	}

	// Optional fields.
	if !v.skip("taur") {
		v.nonNegative("taur", -1, p.Taur, "")
	}
	v.atLeast("rec_per_steps", p.RecPerSteps, 1)
	unknown := []string{}
	for name := range p.Rec {
		if !slices.Contains(recNames, name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		v.errs = append(v.errs, &FieldError{Field: "rec_" + name, Index: -1,
			Err: invalidf("unknown recording variable"), Allowed: strings.Join(recNames, ", ")})
	}
	v.oneOf("bw_connection_mode", p.BwConnectionMode, connModes, "backward connectivity")
	v.time("Tbw", p.Tbw, true, p.Dt, dtOK)

	if modelOK && p.UsesNoise() {
		p.validateNoise(v, h, dtOK)
	}
	return v.errs
}

// validateActivation checks the activation names; n < 0 skips the length
// check. A name repeated in every entry (one name for all layers) is
// reported once.
func (p *Params) validateActivation(v *validator, n int) {
	const field = "activation"
	if v.skip(field) {
		return
	}
	a := p.Activation
	if len(a) == 0 {
		v.fail(field, -1, a, invalidf("needs at least one name"))
		return
	}
	if n >= 0 && len(a) < n {
		v.fail(field, -1, a, invalidf(
			"has %s, needs one per pyramidal layer (N = %d) or a single name", entries(len(a)), n))
	}
	allowed := strings.Join(activationNames, ", ")
	same := !slices.ContainsFunc(a, func(s string) bool { return s != a[0] })
	for i, name := range a {
		if slices.Contains(activationNames, name) {
			continue
		}
		idx := i
		if same {
			idx = -1
		}
		v.errs = append(v.errs, &FieldError{Field: field, Index: idx, Value: name,
			Err: invalidf("unknown activation"), Allowed: allowed})
		if same {
			return
		}
	}
}

// validateSeeds checks random_seed.
func (p *Params) validateSeeds(v *validator) {
	const field = "random_seed"
	if v.skip(field) {
		return
	}
	if len(p.RandomSeed) == 0 {
		v.fail(field, -1, p.RandomSeed, invalidf("needs at least one seed"))
		return
	}
	first := map[int64]int{}
	for i, s := range p.RandomSeed {
		if s < 0 || s > MaxSeed {
			v.fail(field, i, s, invalidf("must be in 0..%d (numpy's seed range)", int64(MaxSeed)))
			continue
		}
		if j, dup := first[s]; dup {
			v.fail(field, i, s, invalidf("duplicate of random_seed[%d]", j))
			continue
		}
		first[s] = i
	}
}

// validateNoise checks the fields of the noise-driven models; h < 0 skips
// the length checks.
func (p *Params) validateNoise(v *validator, h int, dtOK bool) {
	v.time("dtxi", p.Dtxi, false, p.Dt, dtOK)
	// A seed-era file gives tauHP (and tauLO unless it has its own) as tausyn.
	hpKey, loKey := "tauHP", "tauLO"
	if p.SeedEra {
		hpKey = "tausyn"
		if p.TauLO == p.Tausyn {
			loKey = "tausyn"
		}
	}
	if !v.skip("tauHP", hpKey) {
		v.positive(hpKey, p.TauHP, " ms")
	}
	if loKey != hpKey && !v.skip("tauLO", loKey) {
		v.positive(loKey, p.TauLO, " ms")
	}
	if v.oneOf("noise_type", p.NoiseType, noiseTypes, "noise type") && p.NoiseType == NoiseOU {
		v.positive("tauxi", p.Tauxi, " ms")
	}
	if v.oneOf("noise_mode", p.NoiseMode, noiseModes, "noise mode") && p.NoiseMode == ModeUPAdaptive {
		if !v.skip("noise_deg") && v.finite("noise_deg", -1, p.NoiseDeg) && !(p.NoiseDeg >= 0 && p.NoiseDeg <= 180) {
			v.fail("noise_deg", -1, p.NoiseDeg, invalidf("must be in 0..180 degrees"))
		}
		v.positive("taueps", p.Taueps, " ms")
	}
	per := fmt.Sprintf("one per hidden layer, H = %d", h)
	v.rates("noise_scale", p.NoiseScale, h, per, "")
	v.rates("alpha", p.Alpha, h, per, " (a regulariser weight)")
}

// entries words a list length: "1 entry", "3 entries".
func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
