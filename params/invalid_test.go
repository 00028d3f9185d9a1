package params

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// baseDoc returns the published Fig3abc file as a map (without comments):
// a valid PAL file for both tasks, 3 hidden layers, dt = 0.01 ms.
func baseDoc(t testing.TB) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/paper/experiments/Fig3abc/params.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	delete(m, "_comment")
	return m
}

// edit returns base, changed by change, as JSON; base itself is unchanged.
func edit(t testing.TB, base map[string]any, change func(m map[string]any)) []byte {
	t.Helper()
	m := make(map[string]any, len(base))
	for k, v := range base {
		m[k] = v
	}
	if change != nil {
		change(m)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func nan() float64 { return math.NaN() }

// fieldErrors flattens a (possibly joined) error into its *FieldError parts.
func fieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if e := errors.Unwrap(err); e != nil {
			walk(e)
		}
	}
	walk(err)
	return out
}

// setRaw replaces the value of key in the JSON text doc by raw.
func setRaw(t testing.TB, doc []byte, key, raw string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	old := `"` + key + `": ` + string(m[key])
	if !bytes.Contains(doc, []byte(old)) {
		t.Fatalf("setRaw: %q not found", old)
	}
	return bytes.Replace(doc, []byte(old), []byte(`"`+key+`": `+raw), 1)
}

// TestInvalid checks that each broken variant of a valid file fails with a
// *FieldError that names the field, the index and the value.
func TestInvalid(t *testing.T) {
	base := baseDoc(t)
	set := func(kv ...any) func(m map[string]any) {
		return func(m map[string]any) {
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
		}
	}
	del := func(keys ...string) func(m map[string]any) {
		return func(m map[string]any) {
			for _, k := range keys {
				delete(m, k)
			}
		}
	}
	raw := func(key, value string) func(t testing.TB) []byte {
		return func(t testing.TB) []byte { return setRaw(t, edit(t, base, nil), key, value) }
	}
	text := func(s string) func(t testing.TB) []byte {
		return func(testing.TB) []byte { return []byte(s) }
	}
	seedEra, err := os.ReadFile("testdata/paper/seed-era/2022-04-12/params.json")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		task Task // FwBw when empty
		// Either change edits the base file, or doc gives the whole file.
		change func(m map[string]any)
		doc    func(t testing.TB) []byte
		field  string // Field of one of the *FieldError values
		index  int    // its Index
		want   []string
		kind   error // errors.Is target
	}{
		// Malformed JSON: position of the first syntax error.
		{name: "missing comma", doc: text("{\n  \"dt\": 0.01\n  \"Tpres\": 1\n}"), field: "", index: -1,
			want: []string{"params: line 3, column 3: malformed JSON: invalid character '\"' after object key:value pair"}, kind: ErrSyntax},
		{name: "trailing comma in a list", doc: text("{\n \"layers\": [5, 20,]\n}"), field: "layers", index: -1,
			want: []string{"params: layers: line 2, column 19: malformed JSON"}, kind: ErrSyntax},
		{name: "truncated file", doc: text(`{"dt": 0.01,`), field: "", index: -1,
			want: []string{"line 1, column 13", "unexpected end of JSON input"}, kind: ErrSyntax},
		{name: "single quotes", doc: text(`{'dt': 1}`), field: "", index: -1,
			want: []string{"line 1, column 2", "invalid character '\\''"}, kind: ErrSyntax},
		{name: "Python NaN", doc: text("{\n\t\"dt\": NaN}"), field: "dt", index: -1,
			want: []string{"params: dt: line 2, column 8: malformed JSON"}, kind: ErrSyntax},
		{name: "text after the object", doc: text("{}\n}"), field: "", index: -1,
			want: []string{"line 2, column 1", "after top-level value"}, kind: ErrSyntax},
		{name: "top level is a list", doc: text(` [1, 2]`), field: "", index: -1,
			want: []string{"line 1, column 2", "want a JSON object {...} at the top level, got a list"}, kind: ErrType},
		{name: "empty file", doc: text(""), field: "", index: -1,
			want: []string{"line 1, column 1", "unexpected end of JSON input"}, kind: ErrSyntax},

		// Missing required fields.
		{name: "missing layers", change: del("layers"), field: "layers", index: -1,
			want: []string{"params: layers: missing (required)"}, kind: ErrMissing},
		{name: "missing dt", change: del("dt"), field: "dt", index: -1,
			want: []string{"params: dt: missing (required)"}, kind: ErrMissing},
		{name: "missing eta_bw", change: del("eta_bw"), field: "eta_bw", index: -1,
			want: []string{"params: eta_bw: missing (required)"}, kind: ErrMissing},
		{name: "missing init_in_SPS", change: del("init_in_SPS"), field: "init_in_SPS", index: -1,
			want: []string{"params: init_in_SPS: missing (required)"}, kind: ErrMissing},
		{name: "missing teacher range for fw_bw", change: del("init_teacher_BPP_range"), field: "init_teacher_BPP_range", index: -1,
			want: []string{"params: init_teacher_BPP_range: missing (required for task fw_bw)"}, kind: ErrMissing},
		{name: "missing dtxi for PAL", change: del("dtxi"), field: "dtxi", index: -1,
			want: []string{"params: dtxi: missing (required for model_type PAL)"}, kind: ErrMissing},
		{name: "missing tauxi for OU", change: del("tauxi"), field: "tauxi", index: -1,
			want: []string{"params: tauxi: missing (required with noise_type OU)"}, kind: ErrMissing},
		{name: "missing taueps for uP_adaptive", change: set("noise_mode", "uP_adaptive"), field: "taueps", index: -1,
			want: []string{"params: taueps: missing (required with noise_mode uP_adaptive)"}, kind: ErrMissing},
		{name: "seed-era file without tausyn", task: BwOnly,
			doc:   func(testing.TB) []byte { return bytes.Replace(seedEra, []byte(`"tausyn": 1e-2,`), nil, 1) },
			field: "tausyn", index: -1, want: []string{"params: tausyn: missing (required for model_type DTPDRL"}, kind: ErrMissing},

		// Wrong JSON types.
		{name: "layers as a string", change: set("layers", "5"), field: "layers", index: -1,
			want: []string{`params: layers: line `, `value "5": wrong type: want a list of integers, got a string`}, kind: ErrType},
		{name: "dt as a string", change: set("dt", "0.01"), field: "dt", index: -1,
			want: []string{`value "0.01": wrong type: want a number, got a string`}, kind: ErrType},
		{name: "bool given as 1", change: set("init_in_SPS", 1), field: "init_in_SPS", index: -1,
			want: []string{`params: init_in_SPS: line `, `value 1: wrong type: want true or false, got a number`}, kind: ErrType},
		{name: "activation as a number", change: set("activation", 3), field: "activation", index: -1,
			want: []string{`value 3: wrong type: want a string or a list of strings, got a number`}, kind: ErrType},
		{name: "string in a number list", change: set("eta_fw", []any{1, 1, "1", 1}), field: "eta_fw", index: 2,
			want: []string{`params: eta_fw[2]: line `, `value "1": wrong type: want a number, got a string`}, kind: ErrType},
		{name: "null", change: set("gl", nil), field: "gl", index: -1,
			want: []string{`value null: wrong type: want a number, got null`}, kind: ErrType},
		{name: "rec switch as a string", change: set("rec_MSE", "yes"), field: "rec_MSE", index: -1,
			want: []string{`value "yes": wrong type: want true or false, got a string`}, kind: ErrType},
		{name: "object for a list", change: set("noise_scale", map[string]any{}), field: "noise_scale", index: -1,
			want: []string{`value {}: wrong type: want a list of numbers, got an object`}, kind: ErrType},
		{name: "non-integer epochs", change: set("epochs", 2.5), field: "epochs", index: -1,
			want: []string{`value 2.5: wrong type: want an integer, got a number with a fractional part`}, kind: ErrType},
		{name: "non-integer layer size", change: set("layers", []any{5, 20.5, 5}), field: "layers", index: 1,
			want: []string{`params: layers[1]: line `, `value 20.5: wrong type: want an integer`}, kind: ErrType},
		{name: "non-integer seed", change: set("random_seed", []any{1, 1.5}), field: "random_seed", index: 1,
			want: []string{`params: random_seed[1]: line `, `value 1.5`}, kind: ErrType},
		{name: "seed as a string", change: set("random_seed", "123"), field: "random_seed", index: -1,
			want: []string{`value "123": wrong type: want a list of integers, got a string`}, kind: ErrType},
		{name: "number beyond float64", doc: raw("dt", "1e400"), field: "dt", index: -1,
			want: []string{`value 1e400: not a finite number`}, kind: ErrInvalid},
		{name: "range not a list", change: set("init_WPP_range", "[-1, 1]"), field: "init_WPP_range", index: -1,
			want: []string{`value "[-1, 1]": wrong type: want a list [lo, hi], got a string`}, kind: ErrType},

		// Zero and negative times and sizes.
		{name: "dt zero", change: set("dt", 0), field: "dt", index: -1,
			want: []string{"params: dt: value 0: must be > 0 ms"}, kind: ErrInvalid},
		{name: "dt negative", change: set("dt", -0.01), field: "dt", index: -1,
			want: []string{"params: dt: value -0.01: must be > 0 ms"}, kind: ErrInvalid},
		{name: "Tpres zero", change: set("Tpres", 0), field: "Tpres", index: -1,
			want: []string{"params: Tpres: value 0: must be > 0 ms"}, kind: ErrInvalid},
		{name: "settling_time negative", change: set("settling_time", -1), field: "settling_time", index: -1,
			want: []string{"params: settling_time: value -1: must be >= 0 ms"}, kind: ErrInvalid},
		{name: "tauLO negative", change: set("tauLO", -100), field: "tauLO", index: -1,
			want: []string{"params: tauLO: value -100: must be > 0 ms"}, kind: ErrInvalid},
		{name: "tauHP zero", change: set("tauHP", 0), field: "tauHP", index: -1,
			want: []string{"params: tauHP: value 0: must be > 0 ms"}, kind: ErrInvalid},
		{name: "tauxi zero", change: set("tauxi", 0), field: "tauxi", index: -1,
			want: []string{"params: tauxi: value 0: must be > 0 ms"}, kind: ErrInvalid},
		{name: "dataset_size zero", change: set("dataset_size", 0), field: "dataset_size", index: -1,
			want: []string{"params: dataset_size: value 0: must be >= 1"}, kind: ErrInvalid},
		{name: "epochs negative", change: set("epochs", -1), field: "epochs", index: -1,
			want: []string{"params: epochs: value -1: must be >= 1"}, kind: ErrInvalid},
		{name: "rec_per_steps zero", change: set("rec_per_steps", 0), field: "rec_per_steps", index: -1,
			want: []string{"params: rec_per_steps: value 0: must be >= 1"}, kind: ErrInvalid},
		{name: "layer size zero", change: set("layers", []any{5, 20, 0, 20, 5}), field: "layers", index: 2,
			want: []string{"params: layers[2]: value 0: must be >= 1"}, kind: ErrInvalid},
		{name: "taur negative", change: set("taur", -1), field: "taur", index: -1,
			want: []string{"params: taur: value -1: must be >= 0"}, kind: ErrInvalid},
		{name: "Tbw negative", change: set("Tbw", -1), field: "Tbw", index: -1,
			want: []string{"params: Tbw: value -1: must be >= 0 ms"}, kind: ErrInvalid},
		{name: "taueps zero", change: set("noise_mode", "uP_adaptive", "taueps", 0), field: "taueps", index: -1,
			want: []string{"params: taueps: value 0: must be > 0 ms"}, kind: ErrInvalid},

		// Times that are not whole numbers of steps.
		{name: "Tpres not a multiple of dt", change: set("Tpres", 1.005), field: "Tpres", index: -1,
			want: []string{"params: Tpres: value 1.005: not a whole number of steps of dt = 0.01 ms (100.5 steps)"}, kind: ErrInvalid},
		{name: "Tpres shorter than dt", change: set("Tpres", 0.001), field: "Tpres", index: -1,
			want: []string{"params: Tpres: value 0.001: not a whole number of steps of dt = 0.01 ms (0.1"}, kind: ErrInvalid},
		{name: "settling_time not a multiple of dt", change: set("settling_time", 0.015), field: "settling_time", index: -1,
			want: []string{"params: settling_time: value 0.015: not a whole number of steps"}, kind: ErrInvalid},
		{name: "dtxi not a multiple of dt", change: set("dtxi", 0.015), field: "dtxi", index: -1,
			want: []string{"params: dtxi: value 0.015: not a whole number of steps"}, kind: ErrInvalid},
		{name: "Tbw not a multiple of dt", change: set("Tbw", 0.015), field: "Tbw", index: -1,
			want: []string{"params: Tbw: value 0.015: not a whole number of steps"}, kind: ErrInvalid},

		// Lists shorter than the layers need.
		{name: "layers too short", change: set("layers", []any{5, 5}), field: "layers", index: -1,
			want: []string{"params: layers: value [5, 5]: has 2 entries, needs at least 3"}, kind: ErrInvalid},
		{name: "eta_fw too short", change: set("eta_fw", []any{1, 1, 1}), field: "eta_fw", index: -1,
			want: []string{"params: eta_fw: value [1, 1, 1]: has 3 entries, needs at least 4"}, kind: ErrInvalid},
		{name: "eta_bw too short", change: set("eta_bw", []any{50, 50}), field: "eta_bw", index: -1,
			want: []string{"params: eta_bw: value [50, 50]: has 2 entries, needs at least 3 (one per hidden layer, H = 3)"}, kind: ErrInvalid},
		{name: "eta_IP too short", change: set("eta_IP", []any{0}), field: "eta_IP", index: -1,
			want: []string{"params: eta_IP: value [0]: has 1 entry, needs at least 3 (one per interneuron population, NI = 3)"}, kind: ErrInvalid},
		{name: "eta_PI empty", change: set("eta_PI", []any{}), field: "eta_PI", index: -1,
			want: []string{"params: eta_PI: value []: has 0 entries, needs at least 3"}, kind: ErrInvalid},
		{name: "alpha too short", change: set("alpha", []any{1e-5}), field: "alpha", index: -1,
			want: []string{"params: alpha: value [1e-05]: has 1 entry, needs at least 3"}, kind: ErrInvalid},
		{name: "noise_scale too short", change: set("noise_scale", []any{0.05, 0.05}), field: "noise_scale", index: -1,
			want: []string{"params: noise_scale: value [0.05, 0.05]: has 2 entries, needs at least 3"}, kind: ErrInvalid},
		{name: "activation list too short", change: set("activation", []any{"tanh", "tanh"}), field: "activation", index: -1,
			want: []string{`params: activation: value ["tanh", "tanh"]: has 2 entries, needs one per pyramidal layer (N = 4)`}, kind: ErrInvalid},

		// Unknown names.
		{name: "unknown model", change: set("model_type", "XYZ"), field: "model_type", index: -1,
			want: []string{`params: model_type: value "XYZ": unknown model type (allowed: BP, FA, PAL, LDRL, DTPDRL)`}, kind: ErrInvalid},
		{name: "unknown task", task: "both", field: "task", index: -1,
			want: []string{`params: task: value "both": unknown task (allowed: bw_only, fw_bw, classify)`}, kind: ErrInvalid},
		{name: "unknown activation", change: set("activation", "sigmoid"), field: "activation", index: -1,
			want: []string{`params: activation: value "sigmoid": unknown activation (allowed: linear, relu, soft_relu, logistic, tanh, hard_sigmoid)`}, kind: ErrInvalid},
		{name: "unknown activation in a list", change: set("activation", []any{"tanh", "tanh", "sigmoid", "tanh"}), field: "activation", index: 2,
			want: []string{`params: activation[2]: value "sigmoid": unknown activation`}, kind: ErrInvalid},
		{name: "unknown noise type", change: set("noise_type", "pink"), field: "noise_type", index: -1,
			want: []string{`params: noise_type: value "pink": unknown noise type (allowed: OU, hold_white_noise)`}, kind: ErrInvalid},
		{name: "unknown noise mode", change: set("noise_mode", "rP"), field: "noise_mode", index: -1,
			want: []string{`params: noise_mode: value "rP": unknown noise mode (allowed: const, uP, uP_breve, vapi, uP_adaptive)`}, kind: ErrInvalid},
		{name: "unknown input signal", change: set("input_signal", "sine"), field: "input_signal", index: -1,
			want: []string{`params: input_signal: value "sine": unknown input signal (allowed: step)`}, kind: ErrInvalid},
		{name: "unknown bw_connection_mode", change: set("bw_connection_mode", "dense"), field: "bw_connection_mode", index: -1,
			want: []string{`params: bw_connection_mode: value "dense": unknown backward connectivity (allowed: layered, skip)`}, kind: ErrInvalid},

		// Seeds.
		{name: "no seeds", change: set("random_seed", []any{}), field: "random_seed", index: -1,
			want: []string{"params: random_seed: value []: needs at least one seed"}, kind: ErrInvalid},
		{name: "duplicate seed", change: set("random_seed", []any{1, 2, 1}), field: "random_seed", index: 2,
			want: []string{"params: random_seed[2]: value 1: duplicate of random_seed[0]"}, kind: ErrInvalid},
		{name: "seed -1", change: set("random_seed", []any{-1}), field: "random_seed", index: 0,
			want: []string{"params: random_seed[0]: value -1: must be in 0..4294967295"}, kind: ErrInvalid},
		{name: "seed 2^32", change: set("random_seed", []any{7, 4294967296}), field: "random_seed", index: 1,
			want: []string{"params: random_seed[1]: value 4294967296: must be in 0..4294967295"}, kind: ErrInvalid},
		{name: "bare seed 2^32", change: set("random_seed", 4294967296), field: "random_seed", index: 0,
			want: []string{"params: random_seed[0]: value 4294967296"}, kind: ErrInvalid},

		// Other rules.
		{name: "settling longer than the input", change: set("settling_time", 101), field: "settling_time", index: -1,
			want: []string{"params: settling_time: value 101: longer than the input (dataset_size·Tpres = 100 ms)"}, kind: ErrInvalid},
		{name: "reversed range", change: set("init_WPP_range", []any{1, -1}), field: "init_WPP_range", index: -1,
			want: []string{"params: init_WPP_range: value [1, -1]: lo must not exceed hi"}, kind: ErrInvalid},
		{name: "range of three numbers", change: set("init_teacher_BPI_range", []any{-1, 0, 1}), field: "init_teacher_BPI_range", index: -1,
			want: []string{"params: init_teacher_BPI_range: line ", "value [-1,0,1]: needs exactly 2 numbers [lo, hi], has 3"}, kind: ErrInvalid},
		{name: "negative learning rate", change: set("eta_bw", []any{50, 50, -1}), field: "eta_bw", index: 2,
			want: []string{"params: eta_bw[2]: value -1: must be >= 0 (a learning rate)"}, kind: ErrInvalid},
		{name: "negative alpha", change: set("alpha", []any{-1e-5, 0, 0}), field: "alpha", index: 0,
			want: []string{"params: alpha[0]: value -1e-05: must be >= 0"}, kind: ErrInvalid},
		{name: "negative noise scale", change: set("noise_scale", []any{0.05, -0.05, 0.05}), field: "noise_scale", index: 1,
			want: []string{"params: noise_scale[1]: value -0.05: must be >= 0"}, kind: ErrInvalid},
		{name: "negative conductance", change: set("gl", -0.03), field: "gl", index: -1,
			want: []string{"params: gl: value -0.03: must be >= 0 (a conductance)"}, kind: ErrInvalid},
		{name: "no leak and no basal coupling", change: set("gl", 0, "gbas", 0), field: "gbas", index: -1,
			want: []string{"params: gbas: value 0: gl + gbas must be > 0"}, kind: ErrInvalid},
		{name: "gden zero in the self-predicting state", change: set("gden", 0), field: "gden", index: -1,
			want: []string{"params: gden: value 0: must be > 0 with init_in_SPS"}, kind: ErrInvalid},
		{name: "noise_deg beyond 180", change: set("noise_mode", "uP_adaptive", "taueps", 1, "noise_deg", 200), field: "noise_deg", index: -1,
			want: []string{"params: noise_deg: value 200: must be in 0..180 degrees"}, kind: ErrInvalid},
	}
	if len(tests) < 35 {
		t.Fatalf("only %d invalid cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []byte
			if tt.doc != nil {
				data = tt.doc(t)
			} else {
				data = edit(t, base, tt.change)
			}
			task := tt.task
			if task == "" {
				task = FwBw
			}
			p, _, err := Parse(data, task)
			if err == nil {
				t.Fatalf("Parse accepted the file:\n%s", data)
			}
			if p != nil {
				t.Errorf("Parse returned Params with an error")
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FieldError", err, err)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(err, %v) = false for %v", tt.kind, err)
			}
			msg := err.Error()
			t.Log(msg)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n  %s\nlacks %q", msg, w)
				}
			}
			matched := false
			for _, fe := range fieldErrors(err) {
				if fe.Field == tt.field && fe.Index == tt.index {
					matched = true
				}
			}
			if !matched {
				t.Errorf("no *FieldError with Field %q, Index %d in %v", tt.field, tt.index, err)
			}
		})
	}
}

// TestAllErrorsAtOnce checks that Parse reports every problem, in a fixed
// order, and that each is reported once.
func TestAllErrorsAtOnce(t *testing.T) {
	data := edit(t, baseDoc(t), func(m map[string]any) {
		m["dt"] = "0.01"
		delete(m, "layers")
		m["eta_bw"] = []any{-1, 50, 50}
		m["model_type"] = "PALL"
		m["random_seed"] = []any{1, 1}
	})
	var msgs []string
	for i := 0; i < 3; i++ {
		_, _, err := Parse(data, FwBw)
		fes := fieldErrors(err)
		var got []string
		for _, fe := range fes {
			got = append(got, fe.Field)
		}
		want := []string{"dt", "layers", "model_type", "eta_bw", "random_seed"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("fields in error = %q, want %q\n%v", got, want, err)
		}
		msgs = append(msgs, err.Error())
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Error("error order is not deterministic")
	}
}

// TestSyntaxPosition checks line and column against the offending byte.
func TestSyntaxPosition(t *testing.T) {
	fig3, err := os.ReadFile("testdata/paper/experiments/Fig3abc/params.json")
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(fig3, []byte(`"gapi": 0.06,`), []byte(`"gapi": 0.,`), 1)
	_, _, err = Parse(broken, FwBw)
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FieldError", err)
	}
	off := bytes.Index(broken, []byte(`"gapi": 0.,`)) + len(`"gapi": 0.`)
	line := bytes.Count(broken[:off], []byte("\n")) + 1
	col := off - bytes.LastIndexByte(broken[:off], '\n')
	if fe.Field != "gapi" || fe.Line != line || fe.Col != col {
		t.Errorf("got field %q line %d column %d, want gapi line %d column %d (%v)", fe.Field, fe.Line, fe.Col, line, col, err)
	}
}
