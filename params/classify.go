package params

import (
	"strings"

	"palmc/dataset"
)

// The fields of the classify task (docs/model.md §12).

// classifyKeys are required by the classify task.
var classifyKeys = []string{"dataset"}

// notForClassify are required by the other tasks but not by classify,
// whose samples come from the data set.
var notForClassify = map[string]bool{"dataset_size": true, "input_signal": true, "settling_time": true}

// Split sizes and seeds as the data set defines them when the params do
// not say.

// TrainSize returns the number of training samples of the classify task.
func (p *Params) TrainSize() int { return p.splitSize(0) }

// ValidationSize returns the number of validation samples.
func (p *Params) ValidationSize() int { return p.splitSize(1) }

// TestSize returns the number of test samples.
func (p *Params) TestSize() int { return p.splitSize(2) }

func (p *Params) splitSize(i int) int {
	if len(p.DatasetSizes) == 3 && p.DatasetSizes[i] > 0 {
		return p.DatasetSizes[i]
	}
	c, err := dataset.Default(p.Dataset, dataset.Splits()[i])
	if err != nil {
		return 0
	}
	return c.Size
}

// DatasetConfig returns the dataset.Config of one split (0 train, 1
// validation, 2 test) as the params give it.
func (p *Params) DatasetConfig(split dataset.Split) (dataset.Config, error) {
	c, err := dataset.Default(p.Dataset, split)
	if err != nil {
		return c, err
	}
	i := 0
	for j, s := range dataset.Splits() {
		if s == split {
			i = j
		}
	}
	c.Dir = p.DatasetDir
	c.Size = p.splitSize(i)
	if len(p.DatasetSeeds) == 3 {
		c.Seed = p.DatasetSeeds[i]
	}
	c.Noise = p.DatasetNoise
	return c, nil
}

// validateDataset checks the classify fields against the data set and the
// layers (n: pyramidal layers, -1 if unknown) and reports whether the
// split sizes are usable.
func (p *Params) validateDataset(v *validator, n int, dtOK, tpresOK bool) bool {
	if v.skip("dataset") {
		return false
	}
	names := dataset.Names()
	inputs, classes, err := dataset.Describe(p.Dataset)
	if err != nil {
		v.errs = append(v.errs, &FieldError{Field: "dataset", Index: -1, Value: p.Dataset,
			Err: invalidf("unknown data set"), Allowed: strings.Join(names, ", ")})
		return false
	}
	ok := true
	if n > 0 && !v.skip("layers") {
		if p.Layers[0] != inputs {
			v.fail("layers", 0, p.Layers[0], invalidf("must be %d: the %s data set has %d inputs per sample", inputs, p.Dataset, inputs))
		}
		if p.Layers[n] != classes {
			v.fail("layers", n, p.Layers[n], invalidf("must be %d: the %s data set has %d classes, one output neuron each", classes, p.Dataset, classes))
		}
	}
	if !v.skip("dataset_sizes") && p.DatasetSizes != nil {
		if len(p.DatasetSizes) != 3 {
			v.fail("dataset_sizes", -1, p.DatasetSizes, invalidf("needs 3 entries: training, validation and test samples (0: the data set's default)"))
			ok = false
		} else {
			for i, sz := range p.DatasetSizes {
				max, _ := dataset.MaxSize(p.Dataset, dataset.Splits()[i])
				switch {
				case sz < 0:
					v.fail("dataset_sizes", i, sz, invalidf("must be >= 0 (0: the data set's default)"))
					ok = false
				case sz > max:
					v.fail("dataset_sizes", i, sz, invalidf("the %s %s split has at most %d samples", p.Dataset, dataset.Splits()[i], max))
					ok = false
				}
			}
		}
	}
	generated, _ := dataset.Generated(p.Dataset)
	if !v.skip("dataset_seeds") && p.DatasetSeeds != nil {
		switch {
		case !generated:
			v.fail("dataset_seeds", -1, p.DatasetSeeds, invalidf("%s is read from files, not generated: leave dataset_seeds out", p.Dataset))
		case len(p.DatasetSeeds) != 3:
			v.fail("dataset_seeds", -1, p.DatasetSeeds, invalidf("needs 3 entries: the seeds of the training, validation and test samples"))
		default:
			for i, s := range p.DatasetSeeds {
				if s < 0 || s > MaxSeed {
					v.fail("dataset_seeds", i, s, invalidf("must be in 0..%d (a numpy seed)", MaxSeed))
				}
			}
		}
	}
	if !v.skip("dataset_dir") && p.DatasetDir != "" && generated {
		v.fail("dataset_dir", -1, p.DatasetDir, invalidf("%s is generated, not read from files: leave dataset_dir out", p.Dataset))
	}
	if !v.skip("dataset_noise") {
		if p.Dataset == "bars" {
			if !(p.DatasetNoise >= 0 && p.DatasetNoise <= 1) {
				v.fail("dataset_noise", -1, p.DatasetNoise, invalidf("must be in [0, 1]"))
			}
		} else if p.DatasetNoise != 0 {
			v.fail("dataset_noise", -1, p.DatasetNoise, invalidf("only the bars data set has noise"))
		}
	}
	if !v.skip("uhigh") && !v.skip("ulow") {
		fin := v.finite("uhigh", -1, p.Uhigh) && v.finite("ulow", -1, p.Ulow)
		if fin && !(p.Ulow < p.Uhigh) {
			v.fail("ulow", -1, p.Ulow, invalidf("must be below uhigh = %s: the true class's target is the higher one", formatFloat(p.Uhigh)))
		}
	}
	everyOK := v.time("readout_every", p.ReadoutEvery, false, p.Dt, dtOK)
	skipOK := v.atLeast("readout_skip", p.ReadoutSkip, 0)
	if dtOK && tpresOK && everyOK && skipOK && p.Readouts() <= p.ReadoutSkip {
		v.fail("Tpres", -1, p.Tpres, invalidf(
			"shorter than the readout window: a sample of %d steps has %d readouts (after its first step and every %d steps), readout_skip = %d leaves none for the prediction",
			p.StepsPerSample(), p.Readouts(), p.ReadoutSteps(), p.ReadoutSkip))
	}
	if ok && (p.TrainSize() < 1 || p.ValidationSize() < 1 || p.TestSize() < 1) {
		v.fail("dataset_sizes", -1, p.DatasetSizes, invalidf("every split needs at least one sample"))
		ok = false
	}
	return ok
}

// classifySpecs are the keys of the classify task, written only for it;
// the template mentions them in its comments (palmc params --experiment
// yinyang-pal gives a classify file).
func classifySpecs(add func(fieldSpec)) {
	plain := add
	add = func(f fieldSpec) {
		f.commentOnly = f.key != "dWPP_low_pass_all_models"
		plain(f)
	}
	isClassify := func(p *Params) bool { return p.Dataset != "" }
	str := func(key, doc, def, ex string, get func(*Params) *string) {
		d, _ := strField(get)
		add(spec(key, doc, def, ex, d, func(p *Params) (any, bool) { return *get(p), isClassify(p) && *get(p) != "" }))
	}
	num := func(key, doc, def, ex string, get func(*Params) *float64) {
		d, _ := numField(get)
		add(spec(key, doc, def, ex, d, func(p *Params) (any, bool) { return *get(p), isClassify(p) }))
	}
	str("dataset", "classify: the data set, "+strings.Join(dataset.Names(), ", "), "required for task classify", `"yinyang"`,
		func(p *Params) *string { return &p.Dataset })
	str("dataset_dir", "classify: folder of the IDX files of mnist or fashion-mnist; \"\" looks in the default places", `default ""`, `""`,
		func(p *Params) *string { return &p.DatasetDir })
	add(spec("dataset_sizes", "classify: training, validation and test samples (counts; 0 = the data set's default)", "default: the data set's", "[5000, 1000, 1000]",
		func(p *Params, v jsonValue) *decodeErr {
			sizes, err := list(v, "a list of integers", jsonValue.intValue)
			if err == nil {
				p.DatasetSizes = sizes
			}
			return err
		}, func(p *Params) (any, bool) { return p.DatasetSizes, isClassify(p) && p.DatasetSizes != nil }))
	add(spec("dataset_seeds", "classify: numpy seeds of the generated training, validation and test samples (yinyang, bars)", "default: the data set's (yinyang: 42, 41, 40)", "[42, 41, 40]",
		func(p *Params, v jsonValue) *decodeErr {
			seeds, err := list(v, "a list of integers", jsonValue.integer)
			if err == nil {
				p.DatasetSeeds = seeds
			}
			return err
		}, func(p *Params) (any, bool) { return p.DatasetSeeds, isClassify(p) && p.DatasetSeeds != nil }))
	d, _ := numField(func(p *Params) *float64 { return &p.DatasetNoise })
	add(spec("dataset_noise", "classify, bars: noise added to every pixel (0..1)", "default 0.1 for bars", "0.1", d,
		func(p *Params) (any, bool) { return p.DatasetNoise, p.Dataset == "bars" }))
	num("uhigh", "classify: target voltage of the output neuron of the true class", "default 1", "1",
		func(p *Params) *float64 { return &p.Uhigh })
	num("ulow", "classify: target voltage of the other output neurons, < uhigh", "default 0.1", "0.1",
		func(p *Params) *float64 { return &p.Ulow })
	num("readout_every", "classify: interval of the readouts of the output's prospective voltage within a sample, after its first step (ms), a whole number of dt steps", "default 0.2", "0.2",
		func(p *Params) *float64 { return &p.ReadoutEvery })
	di, _ := intField(func(p *Params) *int { return &p.ReadoutSkip })
	add(spec("readout_skip", "classify: leading readouts of each sample left out of its prediction (count)", "default 1", "1", di,
		func(p *Params) (any, bool) { return p.ReadoutSkip, isClassify(p) }))
	db, _ := boolField(func(p *Params) *bool { return &p.DWPPLowPassAllModels })
	add(spec("dWPP_low_pass_all_models", "low-pass the WPP increments of BP and FA too (with dWPP_low_pass), as the paper's GeNN port does; the published code does it for PAL only", "default false", "false", db,
		func(p *Params) (any, bool) { return p.DWPPLowPassAllModels, p.DWPPLowPassAllModels }))
}

// classifyDefaults fills in the defaults of the classify fields that the
// file does not give.
func (p *Params) classifyDefaults(present map[string]bool) {
	if !present["uhigh"] {
		p.Uhigh = 1
	}
	if !present["ulow"] {
		p.Ulow = 0.1
	}
	if !present["readout_every"] {
		p.ReadoutEvery = 0.2
	}
	if !present["readout_skip"] {
		p.ReadoutSkip = 1
	}
	if !present["dataset_noise"] {
		if c, err := dataset.Default(p.Dataset, dataset.Train); err == nil {
			p.DatasetNoise = c.Noise
		}
	}
}
