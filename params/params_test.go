package params

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// publishedFiles returns every params.json under testdata, in a fixed order.
func publishedFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "params.json" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) != 23 {
		t.Fatalf("found %d published params files under testdata, want 23", len(files))
	}
	return files
}

// mustLoad loads a published file or stops the test.
func mustLoad(t *testing.T, path string, task Task) (*Params, []string) {
	t.Helper()
	p, warnings, err := Load(path, task)
	if err != nil {
		t.Fatalf("Load(%s, %s): %v", path, task, err)
	}
	return p, warnings
}

// TestPublishedFilesLoad loads every published file for both tasks.
func TestPublishedFilesLoad(t *testing.T) {
	for _, path := range publishedFiles(t) {
		for _, task := range []Task{BwOnly, FwBw} {
			t.Run(path+"/"+string(task), func(t *testing.T) {
				p, warnings := mustLoad(t, path, task)
				seedEra := strings.Contains(path, "seed-era")
				if p.SeedEra != seedEra {
					t.Errorf("SeedEra = %v, want %v", p.SeedEra, seedEra)
				}
				if !seedEra && len(warnings) != 0 {
					t.Errorf("unexpected warnings: %q", warnings)
				}
				if len(p.Activation) != p.N() {
					t.Errorf("len(Activation) = %d, want N = %d", len(p.Activation), p.N())
				}
				if len(p.Rec) != len(recNames) {
					t.Errorf("len(Rec) = %d, want %d", len(p.Rec), len(recNames))
				}
				if err := p.Validate(task); err != nil {
					t.Errorf("Validate after Parse: %v", err)
				}
			})
		}
	}
}

// TestPublishedValues spot-checks decoded values of the published files.
func TestPublishedValues(t *testing.T) {
	type check struct {
		name      string
		got, want any
	}
	tests := []struct {
		path   string
		checks func(p *Params) []check
	}{
		{"testdata/paper/experiments/Fig3abc/params.json", func(p *Params) []check {
			return []check{
				{"Layers", p.Layers, []int{5, 20, 10, 20, 5}},
				{"RandomSeed", p.RandomSeed, []int64{123, 456, 789, 111, 222, 1, 3, 5, 7, 9}},
				{"Activation", p.Activation, []string{"logistic", "logistic", "logistic", "logistic"}},
				{"RecPerSteps", p.RecPerSteps, 1000},
				{"N", p.N(), 4},
				{"H", p.H(), 3},
				{"ModelType", p.ModelType, "PAL"},
				{"NoiseType", p.NoiseType, "OU"},
				{"NoiseMode", p.NoiseMode, "const"},
				{"Dt", p.Dt, 0.01},
				{"TauLO", p.TauLO, 100.0},
				{"StepsPerSample", p.StepsPerSample(), 100},
				{"SettlingSteps", p.SettlingSteps(), 10000},
				{"NoiseHoldSteps", p.NoiseHoldSteps(), 1},
				{"EtaBW", p.EtaBW, []float64{50, 50, 50}},
				{"Alpha", p.Alpha, []float64{1e-5, 1e-5, 1e-5}},
				{"Taur (default)", p.Taur, 1.0},
				{"DWPPUseActivation", p.DWPPUseActivation, true},
				{"BwConnectionMode (default)", p.BwConnectionMode, "layered"},
				{"Rec[MSE]", p.Rec["MSE"], true},
				{"Rec[target]", p.Rec["target"], false},
				{"Rec[vbas]", p.Rec["vbas"], true},
				{"InitInSPS", p.InitInSPS, true},
				{"PyrHiPass", p.PyrHiPass, true},
				{"DWPPLowPass", p.DWPPLowPass, true},
			}
		}},
		{"testdata/paper/experiments/Fig3def/params.json", func(p *Params) []check {
			return []check{
				{"Epochs", p.Epochs, 500},
				{"InitWPPRange", p.InitWPPRange, [2]float64{-5, 5}},
				{"InitTeacherBPPRange", p.InitTeacherBPPRange, [2]float64{-5, 5}},
			}
		}},
		{"testdata/paper/experiments/Fig4ab/BP/params.json", func(p *Params) []check {
			return []check{
				{"ModelType", p.ModelType, "BP"},
				{"Layers", p.Layers, []int{1, 1, 1}},
				{"Alpha (longer than H)", p.Alpha, []float64{1e-6, 1e-6, 1e-6}},
				{"InitTeacherWPPRange", p.InitTeacherWPPRange, [2]float64{2, 2}},
				{"Epochs", p.Epochs, 5000},
			}
		}},
		{"testdata/paper/experiments/Fig6/tauxi1000_rescale_lr/u/params.json", func(p *Params) []check {
			return []check{
				{"Taur", p.Taur, 0.0},
				{"Tpres", p.Tpres, 100.0},
				{"StepsPerSample", p.StepsPerSample(), 10000},
				{"RecPerSteps", p.RecPerSteps, 10000},
				{"Tauxi", p.Tauxi, 10.0},
			}
		}},
		{"testdata/golden/pal_fw_postlowpass/params.json", func(p *Params) []check {
			return []check{
				{"Activation", p.Activation, []string{"tanh", "linear"}},
				{"NoiseMode", p.NoiseMode, "vapi"},
				{"DWPPPostLowPass", p.DWPPPostLowPass, true},
			}
		}},
		{"testdata/golden/pal_taur/params.json", func(p *Params) []check {
			return []check{{"Taur", p.Taur, 0.5}}
		}},
		{"testdata/golden/pal_varphi/params.json", func(p *Params) []check {
			return []check{{"VarphiRegularizer", p.VarphiRegularizer, true}}
		}},
		{"testdata/golden/pal_white_uP/params.json", func(p *Params) []check {
			return []check{
				{"NoiseType", p.NoiseType, "hold_white_noise"},
				{"NoiseHoldSteps", p.NoiseHoldSteps(), 5},
				{"GateRegularizer", p.GateRegularizer, true},
				{"PyrHiPass", p.PyrHiPass, false},
			}
		}},
		{"testdata/golden/fa_fw_noact/params.json", func(p *Params) []check {
			return []check{{"DWPPUseActivation", p.DWPPUseActivation, false}}
		}},
		{"testdata/paper/seed-era/2022-04-12/params.json", func(p *Params) []check {
			return []check{
				{"SeedEra", p.SeedEra, true},
				{"ModelType", p.ModelType, "DTPDRL"},
				{"Rule", p.Rule(), "DTPDRL"},
				{"UsesNoise", p.UsesNoise(), true},
				{"TauHP (from tausyn)", p.TauHP, 0.01},
				{"TauLO (from tausyn)", p.TauLO, 0.01},
				{"NoiseType (seed-era default)", p.NoiseType, "hold_white_noise"},
				{"NoiseMode", p.NoiseMode, "uP_adaptive"},
				{"NoiseDeg", p.NoiseDeg, 30.0},
				{"Taueps", p.Taueps, 1.0},
				{"Tbw", p.Tbw, 1.0},
				{"PhaseSteps", p.PhaseSteps(), 1000},
				{"NoiseHoldSteps", p.NoiseHoldSteps(), 10},
				{"BwConnectionMode (seed-era default)", p.BwConnectionMode, "skip"},
				{"NI", p.NI(), 1},
				{"SettlingTime (seed-era default)", p.SettlingTime, 0.0},
				{"InitWPPRange (seed-era default)", p.InitWPPRange, [2]float64{0, 1}},
				{"InitWIPRange (seed-era default)", p.InitWIPRange, [2]float64{-1, 1}},
				{"InitBPPRange (seed-era default)", p.InitBPPRange, [2]float64{-1, 0}},
				{"InitBPIRange (seed-era default)", p.InitBPIRange, [2]float64{-1, 1}},
				{"InitTeacherWPPRange (= student)", p.InitTeacherWPPRange, [2]float64{0, 1}},
				{"InitTeacherBPPRange (= student)", p.InitTeacherBPPRange, [2]float64{-1, 0}},
				{"CopyTeacherWeights", p.CopyTeacherWeights, false},
				{"DWPPUseActivation (default)", p.DWPPUseActivation, true},
				{"RecPerSteps", p.RecPerSteps, 1},
				{"Rec[epsilon_LO]", p.Rec["epsilon_LO"], true},
				{"Rec[uP_breve] (absent)", p.Rec["uP_breve"], false},
				{"EtaIP (longer than needed)", p.EtaIP, []float64{0, 0}},
				{"RandomSeed", p.RandomSeed, []int64{325551, 123333, 333121, 777777}},
			}
		}},
		{"testdata/paper/seed-era/2022-05-05/params.json", func(p *Params) []check {
			return []check{
				{"SeedEra", p.SeedEra, true},
				{"ModelType", p.ModelType, "FA"},
				{"UsesNoise", p.UsesNoise(), false},
				{"Activation", p.Activation, []string{"soft_relu", "soft_relu"}},
				{"InitWPPRange (given)", p.InitWPPRange, [2]float64{-1, 1}},
				{"InitBPPRange (given)", p.InitBPPRange, [2]float64{-1, 1}},
				{"InitTeacherBPPRange (= student)", p.InitTeacherBPPRange, [2]float64{-1, 1}},
				{"SettlingTime", p.SettlingTime, 0.0},
				{"TauHP", p.TauHP, 0.01},
				{"RecPerSteps", p.RecPerSteps, 100},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, _ := mustLoad(t, tt.path, FwBw)
			for _, c := range tt.checks(p) {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
				}
			}
		})
	}
}

// TestSeedEraWarning checks that the seed-era defaults are announced.
func TestSeedEraWarning(t *testing.T) {
	_, warnings := mustLoad(t, "testdata/paper/seed-era/2022-04-12/params.json", BwOnly)
	if len(warnings) != 1 {
		t.Fatalf("warnings = %q, want one", warnings)
	}
	for _, want := range []string{"seed-era", "tausyn", `noise_type="hold_white_noise"`, `bw_connection_mode="skip"`, "settling_time=0", "init_BPP_range=[-1, 0]"} {
		if !strings.Contains(warnings[0], want) {
			t.Errorf("warning %q lacks %q", warnings[0], want)
		}
	}
}

// TestLDRLIsPAL checks the seed-era alias of the PAL rule.
func TestLDRLIsPAL(t *testing.T) {
	data := edit(t, baseDoc(t), func(m map[string]any) { m["model_type"] = "LDRL" })
	p, _, err := Parse(data, FwBw)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rule() != ModelPAL || !p.UsesNoise() {
		t.Errorf("LDRL: Rule() = %q, UsesNoise() = %v; want PAL, true", p.Rule(), p.UsesNoise())
	}
}

// TestBPIgnoresNoiseFields checks that BP and FA do not require the fields of
// the noise-driven models but still type-check them.
func TestBPIgnoresNoiseFields(t *testing.T) {
	base := baseDoc(t)
	data := edit(t, base, func(m map[string]any) {
		m["model_type"] = "BP"
		for _, k := range noiseKeys {
			delete(m, k)
		}
		delete(m, "tauxi")
	})
	if _, _, err := Parse(data, FwBw); err != nil {
		t.Fatalf("BP without noise fields: %v", err)
	}
	data = edit(t, base, func(m map[string]any) {
		m["model_type"] = "FA"
		m["noise_scale"] = "big"
	})
	_, _, err := Parse(data, FwBw)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "noise_scale" || !errors.Is(err, ErrType) {
		t.Fatalf("FA with noise_scale \"big\": err = %v, want a type error of noise_scale", err)
	}
}

// TestWarnings checks unknown and repeated keys: warnings, no error.
func TestWarnings(t *testing.T) {
	fig3, err := os.ReadFile("testdata/paper/experiments/Fig3abc/params.json")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(fig3), `"_comment"`); n < 2 {
		t.Fatalf("Fig3abc has %d _comment keys; the test needs repeated ones", n)
	}
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"repeated _comment keys", string(fig3), nil},
		{"unknown key", strings.Replace(string(fig3), `"dt": 1e-2,`, `"dt": 1e-2, "foo": [1, {"a": 2}],`, 1),
			[]string{`params: unknown key "foo" ignored`}},
		{"unknown key near none", strings.Replace(string(fig3), `"dt": 1e-2,`, `"dt": 1e-2, "tp": 2,`, 1),
			[]string{`params: unknown key "tp" ignored`}},
		{"unknown rec key", strings.Replace(string(fig3), `"rec_MSE": true,`, `"rec_MSE": true, "rec_weights": true,`, 1),
			[]string{`params: unknown key "rec_weights" ignored`}},
		{"repeated key", strings.Replace(string(fig3), `"epochs": 100,`, `"epochs": 100, "epochs": 7,`, 1),
			[]string{`params: key "epochs" repeated (line 15); the last value is used`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, warnings, err := Parse([]byte(tt.data), FwBw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(warnings, tt.want) {
				t.Errorf("warnings = %q, want %q", warnings, tt.want)
			}
			if tt.name == "repeated key" && p.Epochs != 7 {
				t.Errorf("Epochs = %d, want the last value 7", p.Epochs)
			}
		})
	}
}

// TestMisspeltKeys checks that an unknown key within the suggestion's
// distance of a known one is refused, naming both, while ParseAccepted (the
// params of a run that has started) only warns about it.
func TestMisspeltKeys(t *testing.T) {
	fig3, err := os.ReadFile("testdata/paper/experiments/Fig3abc/params.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, add, key, want string
	}{
		{"one letter short", `"epoch": 2,`, "epoch", "epochs"},
		{"wrong case", `"tpres": 2,`, "tpres", "Tpres"},
		{"one letter more", `"eta_fww": [1, 1, 1],`, "eta_fww", "eta_fw"},
		{"rec key", `"rec_vbass": true,`, "rec_vbass", "rec_vbas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := []byte(strings.Replace(string(fig3), `"dt": 1e-2,`, `"dt": 1e-2, `+tt.add, 1))
			_, _, err := Parse(text, BwOnly)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.key || !errors.Is(err, ErrInvalid) || fe.Line == 0 ||
				!strings.Contains(err.Error(), fmt.Sprintf("did you mean %q?", tt.want)) {
				t.Fatalf("Parse: err = %v, want an invalid-value error of %s that suggests %q", err, tt.key, tt.want)
			}
			p, warnings, err := ParseAccepted(text, BwOnly)
			if err != nil || p == nil {
				t.Fatalf("ParseAccepted: %v", err)
			}
			want := fmt.Sprintf("params: unknown key %q ignored (did you mean %q?)", tt.key, tt.want)
			if !slices.Contains(warnings, want) {
				t.Errorf("ParseAccepted: warnings %q, want %q", warnings, want)
			}
		})
	}
}

// TestFriendlyForms checks the accepted variants of a few fields.
func TestFriendlyForms(t *testing.T) {
	base := baseDoc(t)
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		check func(p *Params) bool
	}{
		{"bare integer seed", func(m map[string]any) { m["random_seed"] = 42 },
			func(p *Params) bool { return reflect.DeepEqual(p.RandomSeed, []int64{42}) }},
		{"integer written as 5.0", func(m map[string]any) { m["epochs"] = json.Number("5.0") },
			func(p *Params) bool { return p.Epochs == 5 }},
		{"integer written as 1e2", func(m map[string]any) { m["dataset_size"] = json.Number("1e2") },
			func(p *Params) bool { return p.DatasetSize == 100 }},
		{"largest seed", func(m map[string]any) { m["random_seed"] = []any{0, 4294967295} },
			func(p *Params) bool { return reflect.DeepEqual(p.RandomSeed, []int64{0, 4294967295}) }},
		{"activation list longer than N", func(m map[string]any) {
			m["activation"] = []any{"tanh", "relu", "linear", "logistic", "soft_relu"}
		}, func(p *Params) bool {
			return reflect.DeepEqual(p.Activation, []string{"tanh", "relu", "linear", "logistic"})
		}},
		{"settling_time 0", func(m map[string]any) { m["settling_time"] = 0 },
			func(p *Params) bool { return p.SettlingSteps() == 0 }},
		{"settling_time equal to the input", func(m map[string]any) { m["settling_time"] = 100 },
			func(p *Params) bool { return p.SettlingSteps() == 10000 }},
		{"taur 0", func(m map[string]any) { m["taur"] = 0 },
			func(p *Params) bool { return p.Taur == 0 }},
		{"skip connectivity needs one eta_IP", func(m map[string]any) {
			m["bw_connection_mode"] = "skip"
			m["eta_IP"] = []any{0.5}
		}, func(p *Params) bool { return p.NI() == 1 }},
		{"hold_white_noise needs no tauxi", func(m map[string]any) {
			m["noise_type"] = "hold_white_noise"
			delete(m, "tauxi")
		}, func(p *Params) bool { return p.Tauxi == 0 }},
		{"Tbw a whole number of steps", func(m map[string]any) { m["Tbw"] = 0.5 },
			func(p *Params) bool { return p.PhaseSteps() == 50 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := Parse(edit(t, base, tt.edit), FwBw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tt.check(p) {
				t.Errorf("unexpected value: %+v", p)
			}
		})
	}
}

// TestRoundTrip writes every published file back and parses it again.
func TestRoundTrip(t *testing.T) {
	for _, path := range publishedFiles(t) {
		for _, task := range []Task{BwOnly, FwBw} {
			t.Run(path+"/"+string(task), func(t *testing.T) {
				p, _ := mustLoad(t, path, task)
				out, err := p.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				q, warnings, err := Parse(out, task)
				if err != nil {
					t.Fatalf("Parse(MarshalJSON): %v\n%s", err, out)
				}
				if !reflect.DeepEqual(p, q) {
					t.Errorf("round trip changed the params:\n got %+v\nwant %+v", q, p)
				}
				for _, w := range warnings {
					if !p.SeedEra || !strings.HasPrefix(w, "params: seed-era") {
						t.Errorf("unexpected warning after round trip: %s", w)
					}
				}
				// json.Marshal calls MarshalJSON and compacts the result.
				compact, err := json.Marshal(p)
				if err != nil {
					t.Fatal(err)
				}
				if r, _, err := Parse(compact, task); err != nil || !reflect.DeepEqual(p, r) {
					t.Errorf("json.Marshal round trip: err %v, equal %v", err, reflect.DeepEqual(p, r))
				}
			})
		}
	}
}

// TestMarshalOmitsNoiseFieldsForBP checks that BP without the fields of
// the noise-driven models writes none of them.
func TestMarshalOmitsNoiseFieldsForBP(t *testing.T) {
	data := edit(t, baseDoc(t), func(m map[string]any) {
		m["model_type"] = "BP"
		for _, k := range append(noiseKeys, "tauxi", "noise_deg") {
			if k != "tauHP" {
				delete(m, k)
			}
		}
	})
	p, _, err := Parse(data, FwBw)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"dtxi", "tauLO", "tauxi", "noise_type", "noise_mode", "noise_scale", "alpha", "noise_deg", "Tbw", "taueps", "tausyn"} {
		if strings.Contains(string(out), `"`+k+`"`) {
			t.Errorf("MarshalJSON of BP writes %q:\n%s", k, out)
		}
	}
}

// TestTemplate checks that the template parses for both tasks, warns about
// nothing and documents every key.
func TestTemplate(t *testing.T) {
	tmpl := Template()
	for _, task := range []Task{BwOnly, FwBw} {
		p, warnings, err := Parse(tmpl, task)
		if err != nil {
			t.Fatalf("Parse(Template(), %s): %v", task, err)
		}
		if len(warnings) != 0 {
			t.Errorf("template warnings: %q", warnings)
		}
		if p.SeedEra {
			t.Error("the template is read as a seed-era file")
		}
	}
	s := string(tmpl)
	for _, f := range fieldSpecs {
		if !strings.Contains(s, `"_comment": "`+f.key+": ") {
			t.Errorf("template does not document %q", f.key)
		}
		if !f.commentOnly && !strings.Contains(s, `"`+f.key+`": `) {
			t.Errorf("template has no value for %q", f.key)
		}
	}
	for _, word := range []string{"(ms)", "Default 1000", "Default true", "Required."} {
		if !strings.Contains(s, word) {
			t.Errorf("template lacks %q", word)
		}
	}
}

// TestLoadErrors checks the errors of Load itself.
func TestLoadErrors(t *testing.T) {
	if _, _, err := Load("testdata/no-such-file.json", BwOnly); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "params.json")
	if err := os.WriteFile(path, []byte(`{"dt": "0.01"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Load(path, BwOnly)
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), path) {
		t.Errorf("bad file: err = %v, want a *FieldError mentioning the path", err)
	}
}

// TestValidateProgrammatic checks Validate on Params built in code.
func TestValidateProgrammatic(t *testing.T) {
	p, _ := mustLoad(t, "testdata/golden/pal_bw_deep/params.json", BwOnly)
	if err := p.Validate(BwOnly); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	tests := []struct {
		name   string
		modify func(p *Params)
		want   string
	}{
		{"NaN dt", func(p *Params) { p.Dt = nan() }, "params: dt: value NaN: must be a finite number"},
		{"NaN eta", func(p *Params) { p.EtaBW = []float64{1, nan(), 1} }, "params: eta_bw[1]: value NaN: must be a finite number"},
		{"unknown rec", func(p *Params) { p.Rec["spikes"] = true }, "params: rec_spikes: unknown recording variable"},
		{"empty bw_connection_mode", func(p *Params) { p.BwConnectionMode = "" }, `params: bw_connection_mode: value "": unknown backward connectivity`},
		{"short activation", func(p *Params) { p.Activation = p.Activation[:1] }, "params: activation: value [\"logistic\"]: has 1 entry"},
		{"zero Params", func(p *Params) { *p = Params{} }, "params: model_type: value \"\": unknown model type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := mustLoad(t, "testdata/golden/pal_bw_deep/params.json", BwOnly)
			tt.modify(q)
			err := q.Validate(BwOnly)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate: err = %v, want a *FieldError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// TestDocComments checks that every field of Params has a doc comment that
// starts with its name and gives its JSON key.
func TestDocComments(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "params.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Params" {
			return true
		}
		found = true
		for _, field := range ts.Type.(*ast.StructType).Fields.List {
			for _, name := range field.Names {
				doc := strings.Join(strings.Fields(field.Doc.Text()), " ")
				if !strings.HasPrefix(doc, name.Name+" ") {
					t.Errorf("doc of %s does not start with its name: %q", name.Name, doc)
				}
				if !strings.Contains(doc, `JSON "`) && !strings.Contains(doc, "not a JSON key") {
					t.Errorf("doc of %s does not give its JSON key: %q", name.Name, doc)
				}
			}
		}
		return false
	})
	if !found {
		t.Fatal("type Params not found in params.go")
	}
}
