package params

// fieldSpec describes one JSON key: how to read it into Params, how to write
// it back, and how the template documents it.
type fieldSpec struct {
	key string
	// doc is the meaning and unit, def the requirement or default; both go
	// into the template.
	doc, def string
	// example is the JSON value the template gives.
	example string
	// commentOnly keeps the key out of the template's values (it is still
	// documented in a comment).
	commentOnly bool
	decode      func(p *Params, v jsonValue) *decodeErr
	// encode returns the value to write and whether to write it at all.
	encode func(p *Params) (any, bool)
}

// always is an encode result helper: the value is always written.
func always(x any) (any, bool) { return x, true }

// numField reads and writes a float64 field.
func numField(get func(*Params) *float64) (func(*Params, jsonValue) *decodeErr, func(*Params) (any, bool)) {
	return func(p *Params, v jsonValue) *decodeErr {
			x, err := v.float()
			if err == nil {
				*get(p) = x
			}
			return err
		}, func(p *Params) (any, bool) {
			return always(*get(p))
		}
}

// intField reads and writes an int field.
func intField(get func(*Params) *int) (func(*Params, jsonValue) *decodeErr, func(*Params) (any, bool)) {
	return func(p *Params, v jsonValue) *decodeErr {
			x, err := v.intValue()
			if err == nil {
				*get(p) = x
			}
			return err
		}, func(p *Params) (any, bool) {
			return always(*get(p))
		}
}

// boolField reads and writes a bool field.
func boolField(get func(*Params) *bool) (func(*Params, jsonValue) *decodeErr, func(*Params) (any, bool)) {
	return func(p *Params, v jsonValue) *decodeErr {
			x, err := v.boolean()
			if err == nil {
				*get(p) = x
			}
			return err
		}, func(p *Params) (any, bool) {
			return always(*get(p))
		}
}

// strField reads and writes a string field; an empty string is not written.
func strField(get func(*Params) *string) (func(*Params, jsonValue) *decodeErr, func(*Params) (any, bool)) {
	return func(p *Params, v jsonValue) *decodeErr {
			x, err := v.str()
			if err == nil {
				*get(p) = x
			}
			return err
		}, func(p *Params) (any, bool) {
			s := *get(p)
			return s, s != ""
		}
}

// floatsField reads and writes a list of numbers; a nil list is not written.
func floatsField(get func(*Params) *[]float64) (func(*Params, jsonValue) *decodeErr, func(*Params) (any, bool)) {
	return func(p *Params, v jsonValue) *decodeErr {
			xs, err := list(v, "a list of numbers", jsonValue.float)
			if err == nil {
				*get(p) = xs
			}
			return err
		}, func(p *Params) (any, bool) {
			xs := *get(p)
			return xs, xs != nil
		}
}

// rangeField reads and writes a [lo, hi] pair.
func rangeField(get func(*Params) *[2]float64) (func(*Params, jsonValue) *decodeErr, func(*Params) (any, bool)) {
	return func(p *Params, v jsonValue) *decodeErr {
			xs, err := list(v, "a list [lo, hi]", jsonValue.float)
			if err != nil {
				return err
			}
			if len(xs) != 2 {
				return v.fail(invalidf("needs exactly 2 numbers [lo, hi], has %d", len(xs)))
			}
			*get(p) = [2]float64{xs[0], xs[1]}
			return nil
		}, func(p *Params) (any, bool) {
			r := *get(p)
			return always(r[:])
		}
}

// decodeActivation reads one name or a list of names.
func decodeActivation(p *Params, v jsonValue) *decodeErr {
	if v.kind() == "a string" {
		s, err := v.str()
		if err == nil {
			p.Activation = []string{s}
		}
		return err
	}
	if v.kind() != "a list" {
		return v.fail(typeErr("a string or a list of strings", v.kind()))
	}
	names, err := list(v, "a list of strings", jsonValue.str)
	if err == nil {
		p.Activation = names
	}
	return err
}

// encodeActivation writes a single name when all layers share it.
func encodeActivation(p *Params) (any, bool) {
	a := p.Activation
	if len(a) == 0 {
		return nil, false
	}
	for _, s := range a[1:] {
		if s != a[0] {
			return a, true
		}
	}
	return a[0], true
}

// decodeSeeds reads a list of integers, or a bare integer as a list of one.
func decodeSeeds(p *Params, v jsonValue) *decodeErr {
	if v.isNumber() {
		s, err := v.integer()
		if err == nil {
			p.RandomSeed = []int64{s}
		}
		return err
	}
	seeds, err := list(v, "a list of integers", jsonValue.integer)
	if err == nil {
		p.RandomSeed = seeds
	}
	return err
}

// decodeLayers reads the list of population sizes.
func decodeLayers(p *Params, v jsonValue) *decodeErr {
	sizes, err := list(v, "a list of integers", jsonValue.intValue)
	if err == nil {
		p.Layers = sizes
	}
	return err
}

// spec builds a fieldSpec from a decode/encode pair.
func spec(key, doc, def, example string, dec func(*Params, jsonValue) *decodeErr, enc func(*Params) (any, bool)) fieldSpec {
	return fieldSpec{key: key, doc: doc, def: def, example: example, decode: dec, encode: enc}
}

// recDocs explains each recordable variable (docs/model.md §7).
var recDocs = map[string]string{
	"MSE":          "squared error of the output uP_breve against the target (only with a target)",
	"error":        "output uP_breve minus the target",
	"input":        "input rates r0",
	"target":       "target voltages",
	"WPP":          "forward weights",
	"WIP":          "pyramidal-to-interneuron weights",
	"BPP":          "backward weights",
	"BPI":          "interneuron-to-apical weights",
	"dWPP":         "raw forward weight increments",
	"dWIP":         "WIP increments",
	"dBPP":         "BPP increments",
	"dBPI":         "BPI increments",
	"uP":           "pyramidal somatic voltages",
	"uP_breve":     "pyramidal prospective voltages",
	"rP_breve":     "pyramidal rates",
	"rP_breve_HI":  "high-passed pyramidal rates (noise-driven models)",
	"uI":           "interneuron somatic voltages",
	"uI_breve":     "interneuron prospective voltages",
	"rI_breve":     "interneuron rates",
	"vbas":         "basal potentials",
	"vapi":         "apical potentials",
	"vapi_noise":   "apical potentials plus noise (noise-driven models)",
	"noise":        "injected noise (noise-driven models)",
	"epsilon":      "misalignment of uP_adaptive noise",
	"epsilon_LO":   "low-passed misalignment of uP_adaptive noise",
	"lat_mismatch": "interneuron uI_breve minus the scaled basal potential of the layer it mirrors",
}

// fieldSpecs lists every known key in the order of the published files; the
// template and MarshalJSON follow this order, and errors found while decoding
// are reported in it.
var fieldSpecs = buildSpecs()

// templateRecords are the variables the template switches on, so that a
// run of the template has something to plot.
var templateRecords = map[string]bool{"MSE": true, "WPP": true, "BPP": true, "BPI": true, "vbas": true}

// knownKeys holds every key of fieldSpecs.
var knownKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range fieldSpecs {
		m[f.key] = true
	}
	return m
}()

// buildSpecs returns the table of known keys: the published keys in the
// order of the published files, then the seed-era options of docs/model.md §11.
func buildSpecs() []fieldSpec {
	var s []fieldSpec
	add := func(f fieldSpec) { s = append(s, f) }
	num := func(key, doc, def, ex string, get func(*Params) *float64) {
		d, e := numField(get)
		add(spec(key, doc, def, ex, d, e))
	}
	// numIf writes the number only when write says so.
	numIf := func(key, doc, def, ex string, get func(*Params) *float64, write func(p *Params, x float64) bool) *fieldSpec {
		d, _ := numField(get)
		add(spec(key, doc, def, ex, d, func(p *Params) (any, bool) {
			x := *get(p)
			return x, write(p, x)
		}))
		return &s[len(s)-1]
	}
	// The fields of the noise-driven models are left out for BP and FA
	// when they are zero.
	noiseNum := func(key, doc, def, ex string, get func(*Params) *float64) {
		numIf(key, doc, def, ex, get, func(p *Params, x float64) bool { return p.UsesNoise() || x != 0 })
	}
	integer := func(key, doc, def, ex string, get func(*Params) *int) {
		d, e := intField(get)
		add(spec(key, doc, def, ex, d, e))
	}
	flag := func(key, doc, def, ex string, get func(*Params) *bool) {
		d, e := boolField(get)
		add(spec(key, doc, def, ex, d, e))
	}
	str := func(key, doc, def, ex string, get func(*Params) *string) {
		d, e := strField(get)
		add(spec(key, doc, def, ex, d, e))
	}
	nums := func(key, doc, def, ex string, get func(*Params) *[]float64) {
		d, e := floatsField(get)
		add(spec(key, doc, def, ex, d, e))
	}
	rng := func(key, doc, def, ex string, get func(*Params) *[2]float64) {
		d, e := rangeField(get)
		add(spec(key, doc, def, ex, d, e))
	}
	const (
		req      = "required"
		reqNoise = "required for PAL, LDRL and DTPDRL"
	)

	num("dt", "Euler time step (ms), > 0", req, "0.01",
		func(p *Params) *float64 { return &p.Dt })
	num("Tpres", "presentation time of each input sample (ms), a whole number of dt steps", req, "1",
		func(p *Params) *float64 { return &p.Tpres })
	noiseNum("dtxi", "interval between noise draws (ms), a whole number of dt steps", reqNoise, "0.01",
		func(p *Params) *float64 { return &p.Dtxi })
	// A seed-era file is recognised by the absence of tauHP: there its
	// value is written as tausyn instead. An absent tauLO is taken from
	// tausyn, so a seed-era file always carries its own.
	numIf("tauHP", "time constant of the high-pass on pyramidal rates (ms), > 0", reqNoise, "0.1",
		func(p *Params) *float64 { return &p.TauHP },
		func(p *Params, _ float64) bool { return !p.SeedEra })
	numIf("tauLO", "time constant of the low-pass filters on interneuron dendrites and WPP updates (ms), > 0", reqNoise, "100",
		func(p *Params) *float64 { return &p.TauLO },
		func(p *Params, x float64) bool { return p.SeedEra || p.UsesNoise() || x != 0 })
	numIf("tauxi", "correlation time of OU noise (ms), > 0", "required with noise_type OU", "0.1",
		func(p *Params) *float64 { return &p.Tauxi },
		func(p *Params, x float64) bool { return x != 0 || p.NoiseType == NoiseOU })
	num("taur", "look-ahead factor of the prospective voltages, u_breve = u_old + taur*taueff*(u-u_old)/dt (dimensionless; 1 = Latent Equilibrium, 0 = plain voltages), >= 0", "default 1", "1",
		func(p *Params) *float64 { return &p.Taur })

	integer("dataset_size", "number of input samples (count), >= 1", req, "100",
		func(p *Params) *int { return &p.DatasetSize })
	integer("epochs", "passes over the samples (count), >= 1", req, "100",
		func(p *Params) *int { return &p.Epochs })
	num("settling_time", "time to settle the voltages on the input with learning off before the first epoch (ms), >= 0, a whole number of dt steps, at most dataset_size*Tpres", req, "100",
		func(p *Params) *float64 { return &p.SettlingTime })

	add(spec("layers", "population sizes: input, hidden layers, output (neurons); at least 3 entries, each >= 1", req, "[5, 20, 10, 20, 5]",
		decodeLayers, func(p *Params) (any, bool) { return p.Layers, p.Layers != nil }))
	add(spec("activation", "activation of the pyramidal layers: one name for all or a list with one per pyramidal layer; linear, relu, soft_relu, logistic, tanh, hard_sigmoid", req, `"logistic"`,
		decodeActivation, encodeActivation))
	str("model_type", "how BPP is obtained: BP, FA, PAL (seed-era names LDRL = PAL, and DTPDRL)", req, `"PAL"`,
		func(p *Params) *string { return &p.ModelType })

	str("noise_type", "noise process: OU or hold_white_noise", reqNoise+"; seed-era default hold_white_noise", `"OU"`,
		func(p *Params) *string { return &p.NoiseType })
	nums("noise_scale", "factor on the noise of each hidden layer (voltage units), one per hidden layer, each >= 0", reqNoise, "[0.05, 0.05, 0.05]",
		func(p *Params) *[]float64 { return &p.NoiseScale })
	numIf("noise_deg", "uP_adaptive only: alignment angle below which no noise is injected (degrees, 0..180)", "required with noise_mode uP_adaptive", "30",
		func(p *Params) *float64 { return &p.NoiseDeg },
		func(p *Params, x float64) bool { return x != 0 || p.NoiseMode == ModeUPAdaptive })
	str("noise_mode", "per-neuron scale of the white noise: const, uP, uP_breve, vapi, or the seed-era uP_adaptive", reqNoise, `"const"`,
		func(p *Params) *string { return &p.NoiseMode })

	num("gl", "leak conductance (1/ms), >= 0", req, "0.03", func(p *Params) *float64 { return &p.Gl })
	num("gbas", "basal-to-soma conductance (1/ms), >= 0, gl+gbas > 0", req, "0.1", func(p *Params) *float64 { return &p.Gbas })
	num("gapi", "apical-to-soma conductance of hidden layers (1/ms), >= 0", req, "0.06", func(p *Params) *float64 { return &p.Gapi })
	num("gden", "dendrite-to-soma conductance of interneurons (1/ms), >= 0, gl+gden > 0, > 0 with init_in_SPS", req, "0.1", func(p *Params) *float64 { return &p.Gden })
	num("gnI", "nudging conductance of interneurons (1/ms), >= 0", req, "0.06", func(p *Params) *float64 { return &p.GnI })
	num("gntgt", "nudging conductance of the output layer by the target (1/ms), >= 0", req, "0.06", func(p *Params) *float64 { return &p.Gntgt })

	nums("eta_fw", "learning rate of WPP, one per pyramidal layer (1/ms), each >= 0", req, "[1, 1, 1, 1]",
		func(p *Params) *[]float64 { return &p.EtaFW })
	nums("eta_bw", "learning rate of BPP, one per hidden layer (1/ms), each >= 0", req, "[50, 50, 50]",
		func(p *Params) *[]float64 { return &p.EtaBW })
	nums("eta_IP", "learning rate of WIP, one per interneuron population (H; 1 with skip connectivity) (1/ms), each >= 0", req, "[0, 0, 0]",
		func(p *Params) *[]float64 { return &p.EtaIP })
	nums("eta_PI", "learning rate of BPI, one per hidden layer (1/ms), each >= 0", req, "[5, 5, 5]",
		func(p *Params) *[]float64 { return &p.EtaPI })

	rng("init_WPP_range", "[lo, hi] of the uniform initial WPP, lo <= hi", req+"; seed-era default [0, 1]", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitWPPRange })
	rng("init_WIP_range", "[lo, hi] of the uniform initial WIP (replaced in the self-predicting state)", req+"; seed-era default [-1, 1]", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitWIPRange })
	rng("init_BPP_range", "[lo, hi] of the uniform initial BPP", req+"; seed-era default [-1, 0]", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitBPPRange })
	rng("init_BPI_range", "[lo, hi] of the uniform initial BPI (replaced in the self-predicting state)", req+"; seed-era default [-1, 1]", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitBPIRange })
	rng("init_teacher_WPP_range", "init_WPP_range of the teacher", "required for task fw_bw and for bw_only with --compare BP; seed-era default init_WPP_range", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitTeacherWPPRange })
	rng("init_teacher_WIP_range", "init_WIP_range of the teacher", "required for task fw_bw and for bw_only with --compare BP; seed-era default init_WIP_range", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitTeacherWIPRange })
	rng("init_teacher_BPP_range", "init_BPP_range of the teacher", "required for task fw_bw and for bw_only with --compare BP; seed-era default init_BPP_range", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitTeacherBPPRange })
	rng("init_teacher_BPI_range", "init_BPI_range of the teacher", "required for task fw_bw and for bw_only with --compare BP; seed-era default init_BPI_range", "[-1, 1]",
		func(p *Params) *[2]float64 { return &p.InitTeacherBPIRange })

	nums("alpha", "weight of the BPP regulariser, one per hidden layer (dimensionless), each >= 0", reqNoise, "[1e-5, 1e-5, 1e-5]",
		func(p *Params) *[]float64 { return &p.Alpha })
	add(spec("random_seed", "numpy seeds of the students, one network per seed (a list, or one integer); no duplicates, each in 0..4294967295", req, "[123, 456, 789]",
		decodeSeeds, func(p *Params) (any, bool) { return p.RandomSeed, p.RandomSeed != nil }))
	flag("init_in_SPS", "start the students in the self-predicting state", req, "true",
		func(p *Params) *bool { return &p.InitInSPS })
	flag("inter_low_pass", "low-pass the interneuron dendrites with tauLO", reqNoise, "false",
		func(p *Params) *bool { return &p.InterLowPass })
	flag("pyr_hi_pass", "use the high-passed rates in the BPP update", reqNoise, "true",
		func(p *Params) *bool { return &p.PyrHiPass })
	flag("dWPP_low_pass", "low-pass the WPP increments with tauLO", reqNoise, "true",
		func(p *Params) *bool { return &p.DWPPLowPass })
	flag("dWPP_r_low_pass", "low-pass the presynaptic factor of dWPP with tauLO", "default false", "false",
		func(p *Params) *bool { return &p.DWPPRLowPass })
	flag("dWPP_post_low_pass", "low-pass the postsynaptic factor of dWPP with tauLO", "default false", "false",
		func(p *Params) *bool { return &p.DWPPPostLowPass })
	flag("gate_regularizer", "apply the BPP regulariser only where the presynaptic rate is > 0", "default false", "false",
		func(p *Params) *bool { return &p.GateRegularizer })
	flag("varphi_regularizer", "weigh the BPP regulariser with the activation derivatives", "default false", "false",
		func(p *Params) *bool { return &p.VarphiRegularizer })
	flag("dWPP_use_activation", "compare rates (true) or voltages (false) in dWPP", "default true", "true",
		func(p *Params) *bool { return &p.DWPPUseActivation })
	d, _ := strField(func(p *Params) *string { return &p.InputUpdate })
	add(spec("input_update", "how WPP[0] learns: per_step (every step, as the published code) or per_sample (in closed form once per held input: the same numbers to round-off, docs/model.md §4 I)",
		"default per_sample for task classify, per_step otherwise", `"per_step"`, d,
		func(p *Params) (any, bool) {
			return p.InputUpdate, p.InputUpdate == InputPerSample || (p.Dataset != "" && p.InputUpdate != "")
		}))
	s[len(s)-1].commentOnly = true
	str("input_signal", "input signal: step (uniform random rates, each held for Tpres)", req, `"step"`,
		func(p *Params) *string { return &p.InputSignal })
	flag("copy_teacher_weights", "give the students the teacher's weights at start (testing aid)", "default false", "false",
		func(p *Params) *bool { return &p.CopyTeacherWeights })
	flag("copy_teacher_voltages", "give the students the teacher's voltages at start (testing aid)", "default false", "false",
		func(p *Params) *bool { return &p.CopyTeacherVoltages })

	integer("rec_per_steps", "recording interval (steps), >= 1", "default 1000", "1000",
		func(p *Params) *int { return &p.RecPerSteps })
	for _, name := range recNames {
		example := "false"
		if templateRecords[name] {
			example = "true"
		}
		add(spec("rec_"+name, "record "+recDocs[name], "default false", example,
			func(p *Params, v jsonValue) *decodeErr {
				x, err := v.boolean()
				if err == nil {
					p.Rec[name] = x
				}
				return err
			},
			func(p *Params) (any, bool) { return always(p.Rec[name]) }))
	}

	str("bw_connection_mode", "backward connectivity: layered, or skip (every hidden layer fed straight from the output layer)", "default layered; seed-era default skip", `"layered"`,
		func(p *Params) *string { return &p.BwConnectionMode })
	numIf("Tbw", "phased noise: each hidden layer in turn gets noise and BPP learning for Tbw (ms); 0 = off, else a whole number of dt steps", "default 0", "0",
		func(p *Params) *float64 { return &p.Tbw },
		func(p *Params, x float64) bool { return x != 0 || p.SeedEra })
	numIf("taueps", "uP_adaptive only: time constant of the low-passed misalignment (ms), > 0", "required with noise_mode uP_adaptive", "1",
		func(p *Params) *float64 { return &p.Taueps },
		func(_ *Params, x float64) bool { return x != 0 })
	numIf("tausyn", "seed-era synaptic time constant (ms); only in a seed-era file (no tauHP) does it set tauHP and tauLO", "seed-era files only", "0.01",
		func(p *Params) *float64 { return &p.Tausyn },
		func(p *Params, x float64) bool { return x != 0 || p.SeedEra }).commentOnly = true
	classifySpecs(add)
	return s
}
