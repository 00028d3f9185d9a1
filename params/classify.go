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
	if p.Dataset == dataset.Files {
		if p.files == nil {
			return 0
		}
		return p.files.Sizes[i]
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
	if p.Dataset == dataset.Files {
		c := dataset.Config{Name: dataset.Files}
		copy(c.Files[:], p.DatasetFiles)
		for i, s := range dataset.Splits() {
			if s == split && len(p.DatasetSizes) == 3 {
				c.Size = p.DatasetSizes[i]
			}
		}
		return c, nil
	}
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
	var ok bool
	if p.Dataset == dataset.Files {
		ok = p.validateFiles(v, n)
	} else if ok = p.validateBuiltin(v, n); !ok && !p.known() {
		return false
	}
	return p.validateProtocol(v, dtOK, tpresOK, ok)
}

// known reports whether p names a built-in data set.
func (p *Params) known() bool {
	_, _, err := dataset.Describe(p.Dataset)
	return err == nil
}

// validateBuiltin checks the data set fields of a built-in data set
// against the layers and reports whether the split sizes are usable.
func (p *Params) validateBuiltin(v *validator, n int) bool {
	if !v.skip("dataset_files") && p.DatasetFiles != nil {
		v.fail("dataset_files", -1, p.DatasetFiles, invalidf("only the data set %q reads files of one's own: leave dataset_files out", dataset.Files))
	}
	names := append(dataset.Names(), dataset.Files)
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
	return ok
}

// validateProtocol checks the targets and readouts of the classify task,
// and, where the split sizes are usable (ok), that every split has a
// sample; it reports whether they are.
func (p *Params) validateProtocol(v *validator, dtOK, tpresOK, ok bool) bool {
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
	str("dataset", "classify: the data set, "+strings.Join(dataset.Names(), ", ")+", or files (one's own: dataset_files)", "required for task classify", `"yinyang"`,
		func(p *Params) *string { return &p.Dataset })
	add(spec("dataset_files", "classify, dataset \"files\": npz files (keys x: samples × inputs, y: labels) of the training, validation and test samples, as palmc data writes them; a relative path is taken from the directory palmc runs in", "required for dataset \"files\"", `["train.npz", "validation.npz", "test.npz"]`,
		func(p *Params, v jsonValue) *decodeErr {
			files, err := list(v, "a list of file names", jsonValue.str)
			if err == nil {
				p.DatasetFiles = files
			}
			return err
		}, func(p *Params) (any, bool) { return p.DatasetFiles, p.DatasetFiles != nil }))
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

// validateFiles checks the fields of the data set "files": three readable
// npz files whose inputs and classes match the layers, sizes within them,
// and none of the fields of the built-in data sets.
func (p *Params) validateFiles(v *validator, n int) bool {
	for _, k := range []string{"dataset_seeds", "dataset_dir"} {
		if v.skip(k) {
			continue
		}
		if (k == "dataset_seeds" && p.DatasetSeeds != nil) || (k == "dataset_dir" && p.DatasetDir != "") {
			v.fail(k, -1, map[string]any{"dataset_seeds": p.DatasetSeeds, "dataset_dir": p.DatasetDir}[k],
				invalidf("the data set %q is read from dataset_files: leave %s out", dataset.Files, k))
		}
	}
	if !v.skip("dataset_noise") && p.DatasetNoise != 0 {
		v.fail("dataset_noise", -1, p.DatasetNoise, invalidf("only the bars data set has noise"))
	}
	if v.skip("dataset_files") {
		return false
	}
	if len(p.DatasetFiles) != 3 {
		if p.DatasetFiles == nil {
			v.errs = append(v.errs, &FieldError{Field: "dataset_files", Index: -1, Err: ErrMissing})
		} else {
			v.fail("dataset_files", -1, p.DatasetFiles, invalidf("needs 3 entries: the npz files of the training, validation and test samples"))
		}
		return false
	}
	var paths [3]string
	copy(paths[:], p.DatasetFiles)
	d, err := dataset.DescribeFiles(paths)
	if err != nil {
		idx := -1
		for i, f := range paths {
			if strings.Contains(err.Error(), f) {
				idx = i
				break
			}
		}
		v.fail("dataset_files", idx, nil, invalidf("%s", strings.TrimPrefix(err.Error(), "dataset: ")))
		return false
	}
	p.files = &d
	if n > 0 && !v.skip("layers") {
		if p.Layers[0] != d.Inputs {
			v.fail("layers", 0, p.Layers[0], invalidf("must be %d: the samples of dataset_files have %d inputs", d.Inputs, d.Inputs))
		}
		if p.Layers[n] != d.Classes {
			v.fail("layers", n, p.Layers[n], invalidf("must be %d: the labels of dataset_files go up to %d, one output neuron per class", d.Classes, d.Classes-1))
		}
	}
	ok := true
	if !v.skip("dataset_sizes") && p.DatasetSizes != nil {
		if len(p.DatasetSizes) != 3 {
			v.fail("dataset_sizes", -1, p.DatasetSizes, invalidf("needs 3 entries: training, validation and test samples (0: the whole file)"))
			return false
		}
		for i, sz := range p.DatasetSizes {
			switch {
			case sz < 0:
				v.fail("dataset_sizes", i, sz, invalidf("must be >= 0 (0: the whole file)"))
				ok = false
			case sz > d.Sizes[i]:
				v.fail("dataset_sizes", i, sz, invalidf("%s has %d samples", paths[i], d.Sizes[i]))
				ok = false
			}
		}
	}
	return ok
}
