package params

import (
	"fmt"
	"slices"
	"strings"

	"palmc/inputfile"
)

// MaxFileSize is the largest params file palmc reads, far above any real
// one (the published files hold a few KiB); /dev/zero is no params file.
const MaxFileSize = 16 << 20

// ReadFile reads a params file: a regular file of at most MaxFileSize
// bytes (see package inputfile).
func ReadFile(path string) ([]byte, error) {
	return inputfile.Read(path, MaxFileSize)
}

// Load reads the params file at path and parses it for task (see Parse).
// Every error names the path; those about the content wrap *FieldError
// values.
func Load(path string, task Task) (*Params, []string, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("params: %w", err)
	}
	p, warnings, err := Parse(data, task)
	if err != nil {
		return nil, warnings, fmt.Errorf("%s: %w", path, err)
	}
	return p, warnings, nil
}

// Parse decodes a params.json document for task, fills in the defaults and
// validates the result before any simulation starts.
//
// The published files load unchanged: "_comment" keys may repeat and are
// ignored; unknown keys and repeated keys (the last value wins, as in
// Python) only produce warnings. An unknown key that misspells a known one
// ("epoch", "Eta_bw": one that differs only in case, or by an edit distance
// of at most 2 and less than a third of its length) is an error: the run
// it was meant for would not be the run that runs. No key of the published
// files is such a misspelling. Seed-era files (docs/model.md §11) get their
// defaults, which a warning lists.
//
// On failure the returned Params is nil and the error reports every problem
// found: a single *FieldError, or several joined with errors.Join (in a
// fixed order: misspelt keys in file order, then wrong types in key order,
// then missing keys, then broken rules). Malformed JSON stops at the first
// syntax error, with its line and column. errors.As finds a *FieldError in
// any such error.
func Parse(data []byte, task Task) (*Params, []string, error) {
	return parse(data, task, false)
}

// ParseAccepted parses the params text of a run that has started (a
// checkpoint's, a run folder's params.json to compare with it): as Parse,
// except that a misspelt key is a warning, as it was when palmc still ran
// such files, so that their runs can be resumed and compared.
func ParseAccepted(data []byte, task Task) (*Params, []string, error) {
	return parse(data, task, true)
}

func parse(data []byte, task Task, lenient bool) (*Params, []string, error) {
	doc, ferr := scanDocument(data, knownKeys, lenient)
	if ferr != nil {
		return nil, nil, ferr
	}
	warnings := doc.warnings
	p := defaults()
	present := map[string]bool{}
	bad := map[string]bool{}
	var errs []error
	for _, e := range doc.misspelt {
		errs = append(errs, e)
	}
	for _, f := range fieldSpecs {
		e := doc.entries[f.key]
		if e == nil {
			continue
		}
		present[f.key] = true
		if de := f.decode(p, e.val); de != nil {
			errs = append(errs, doc.fieldError(f.key, de))
			bad[f.key] = true
		}
	}
	if (present["Tbw"] || present["tausyn"]) && !present["tauHP"] {
		warnings = append(warnings, p.applySeedEra(present, bad))
	}
	p.TeacherRanges = present["init_teacher_WPP_range"] && present["init_teacher_WIP_range"] &&
		present["init_teacher_BPP_range"] && present["init_teacher_BPI_range"]
	errs = append(errs, p.missing(task, present, bad)...)
	if task == Classify || present["dataset"] {
		p.classifyDefaults(present)
	}
	if !present["input_update"] {
		p.InputUpdate = InputPerStep
		// A params file of another task ignores its data set keys.
		if task == Classify || task == "" && present["dataset"] {
			p.InputUpdate = InputPerSample
		}
	}
	if task == Classify {
		for _, k := range []string{"dataset_size", "input_signal"} {
			if present[k] {
				warnings = append(warnings, fmt.Sprintf("params: %s is not used by the classify task (its samples come from the data set: dataset, dataset_sizes)", k))
			}
		}
	}

	// One activation name stands for every pyramidal layer.
	if a := doc.entries["activation"]; a != nil && a.val.kind() == "a string" &&
		len(p.Activation) == 1 && len(p.Layers) >= 3 {
		p.Activation = repeat(p.Activation[0], p.N())
	}
	errs = append(errs, p.validate(task, bad)...)
	if len(errs) > 0 {
		return nil, warnings, joinErrors(errs)
	}
	p.Activation = slices.Clip(p.Activation[:p.N()])
	return p, warnings, nil
}

// defaults returns Params holding the default of every optional field.
func defaults() *Params {
	p := &Params{
		DWPPUseActivation: true,
		Taur:              1,
		RecPerSteps:       1000,
		BwConnectionMode:  ConnLayered,
		Rec:               make(map[string]bool, len(recNames)),
	}
	for _, name := range recNames {
		p.Rec[name] = false
	}
	return p
}

// applySeedEra fills in the seed-era defaults of docs/model.md §11 for the keys that
// are absent, marks them present, and returns a warning that lists them.
func (p *Params) applySeedEra(present, bad map[string]bool) string {
	p.SeedEra = true
	var notes []string
	if present["tausyn"] {
		p.TauHP = p.Tausyn
		present["tauHP"], bad["tauHP"] = true, bad["tausyn"]
		notes = append(notes, "tauHP")
		if !present["tauLO"] {
			p.TauLO = p.Tausyn
			present["tauLO"], bad["tauLO"] = true, bad["tausyn"]
			notes = append(notes, "tauLO")
		}
	}
	fromTausyn := ""
	if len(notes) > 0 {
		fromTausyn = "; " + strings.Join(notes, " and ") + " taken from tausyn"
	}
	var defs []string
	def := func(key string, set func(), shown string) {
		if present[key] {
			return
		}
		set()
		present[key] = true
		defs = append(defs, key+"="+shown)
	}
	def("noise_type", func() { p.NoiseType = NoiseHoldWhite }, `"hold_white_noise"`)
	def("bw_connection_mode", func() { p.BwConnectionMode = ConnSkip }, `"skip"`)
	def("settling_time", func() { p.SettlingTime = 0 }, "0")
	def("init_WPP_range", func() { p.InitWPPRange = [2]float64{0, 1} }, "[0, 1]")
	def("init_WIP_range", func() { p.InitWIPRange = [2]float64{-1, 1} }, "[-1, 1]")
	def("init_BPP_range", func() { p.InitBPPRange = [2]float64{-1, 0} }, "[-1, 0]")
	def("init_BPI_range", func() { p.InitBPIRange = [2]float64{-1, 1} }, "[-1, 1]")
	teacher := func(key, student string, dst, src *[2]float64) {
		if !present[key] {
			bad[key] = bad[student]
		}
		def(key, func() { *dst = *src }, student)
	}
	teacher("init_teacher_WPP_range", "init_WPP_range", &p.InitTeacherWPPRange, &p.InitWPPRange)
	teacher("init_teacher_WIP_range", "init_WIP_range", &p.InitTeacherWIPRange, &p.InitWIPRange)
	teacher("init_teacher_BPP_range", "init_BPP_range", &p.InitTeacherBPPRange, &p.InitBPPRange)
	teacher("init_teacher_BPI_range", "init_BPI_range", &p.InitTeacherBPIRange, &p.InitBPIRange)
	def("copy_teacher_weights", func() { p.CopyTeacherWeights = false }, "false")
	def("copy_teacher_voltages", func() { p.CopyTeacherVoltages = false }, "false")
	w := "params: seed-era file (Tbw or tausyn without tauHP)" + fromTausyn
	if len(defs) > 0 {
		w += "; defaults used: " + strings.Join(defs, ", ")
	}
	return w
}

// Keys every model needs.
var requiredKeys = []string{
	"dt", "Tpres", "dataset_size", "epochs", "settling_time", "layers",
	"activation", "model_type", "gl", "gbas", "gapi", "gden", "gnI", "gntgt",
	"eta_fw", "eta_bw", "eta_IP", "eta_PI",
	"init_WPP_range", "init_WIP_range", "init_BPP_range", "init_BPI_range",
	"random_seed", "init_in_SPS", "input_signal",
}

// Keys the fw_bw task needs in addition.
var teacherKeys = []string{
	"init_teacher_WPP_range", "init_teacher_WIP_range",
	"init_teacher_BPP_range", "init_teacher_BPI_range",
}

// Keys the noise-driven models (PAL, LDRL, DTPDRL) need in addition.
var noiseKeys = []string{
	"dtxi", "tauHP", "tauLO", "noise_type", "noise_mode", "noise_scale",
	"alpha", "pyr_hi_pass", "inter_low_pass", "dWPP_low_pass",
}

// missing reports every required key that is absent and marks it bad.
func (p *Params) missing(task Task, present, bad map[string]bool) []error {
	var errs []error
	reported := map[string]bool{}
	need := func(keys []string, why string) {
		for _, k := range keys {
			if present[k] {
				continue
			}
			field, msg := k, "missing (required"+why+")"
			if p.SeedEra && (k == "tauHP" || k == "tauLO") {
				// A seed-era file sets both from tausyn.
				field, msg = "tausyn", "missing (required"+why+"; it sets tauHP and tauLO in a seed-era file)"
			}
			bad[k], bad[field] = true, true
			if !reported[field] {
				reported[field] = true
				errs = append(errs, &FieldError{Field: field, Index: -1, Err: &kindError{ErrMissing, msg}})
			}
		}
	}
	if task == Classify {
		var keys []string
		for _, k := range requiredKeys {
			if !notForClassify[k] {
				keys = append(keys, k)
			}
		}
		need(keys, "")
		need(classifyKeys, " for task classify")
	} else {
		need(requiredKeys, "")
	}
	if task == FwBw {
		need(teacherKeys, " for task fw_bw")
	}
	if p.UsesNoise() && !bad["model_type"] {
		why := " for model_type " + p.ModelType
		need(noiseKeys, why)
		if p.NoiseType == NoiseOU && !bad["noise_type"] {
			need([]string{"tauxi"}, " with noise_type OU")
		}
		if p.NoiseMode == ModeUPAdaptive && !bad["noise_mode"] {
			need([]string{"noise_deg", "taueps"}, " with noise_mode uP_adaptive")
		}
	}
	return errs
}

// repeat returns n copies of s.
func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
