package experiments

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"palmc/params"
)

// published is where the published params files of the paper are kept,
// unchanged, for comparison: testdata/published/<name>/params.json. They
// are not embedded (the embed pattern matches one level only).
const published = "testdata/published"

// Every embedded params file has a task and loads for it without error or
// warning.
func TestParamsLoad(t *testing.T) {
	names := Names()
	if len(names) == 0 {
		t.Fatal("no experiments embedded")
	}
	for _, name := range names {
		info, ok := infos[name]
		if !ok {
			t.Errorf("%s: not described in the infos table of experiments.go", name)
			continue
		}
		task := info.Task
		b, err := Params(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, warns, err := params.Parse(b, task); err != nil || len(warns) > 0 {
			t.Errorf("%s: %v %v", name, err, warns)
		}
	}
	for name := range infos {
		if !slices.Contains(names, name) {
			t.Errorf("%s: in the infos table but not embedded", name)
		}
	}
}

// The published copies are test data only: none of them is embedded.
func TestParamsPublishedNotEmbedded(t *testing.T) {
	for _, name := range Names() {
		if filepath.Dir(name) != "." {
			t.Errorf("%s: embedded from a nested folder", name)
		}
	}
	if _, err := Params(filepath.Join(published, "fig3abc")); err == nil {
		t.Error("testdata/published is embedded")
	}
}

// Every experiment with a published counterpart has exactly the published
// keys, in the published order, with the same values; only the comments
// differ. Both files also decode to the same Params.
func TestParamsMatchPublished(t *testing.T) {
	dirs, err := os.ReadDir(published)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no published files in " + published)
	}
	for _, name := range Names() {
		if infos[name].Task == params.Classify {
			continue // the GeNN port's runs, see TestClassifyCarriesTheGeNNPort
		}
		if _, err := os.Stat(filepath.Join(published, name, "params.json")); name != Example && err != nil {
			t.Errorf("%s: no published counterpart: %v", name, err)
		}
	}
	for _, d := range dirs {
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(published, name, "params.json"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Params(name)
			if err != nil {
				t.Fatalf("published file without a palmc experiment: %v", err)
			}
			wk, wv := members(t, want)
			gk, gv := members(t, got)
			if !slices.Equal(gk, wk) {
				t.Errorf("keys differ:\n got %v\nwant %v", gk, wk)
			}
			for i, k := range wk {
				j := slices.Index(gk, k)
				if j < 0 {
					continue
				}
				if !reflect.DeepEqual(gv[j], wv[i]) {
					t.Errorf("%s = %v, published %v", k, gv[j], wv[i])
				}
			}
			task := infos[name].Task
			pw, _, err := params.Parse(want, task)
			if err != nil {
				t.Fatalf("published file: %v", err)
			}
			pg, _, err := params.Parse(got, task)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pg, pw) {
				t.Errorf("decoded params differ:\n got %+v\nwant %+v", pg, pw)
			}
		})
	}
}

// members returns the keys of a JSON object in order, without "_comment",
// and their values (numbers as float64). A repeated key is an error.
func members(t *testing.T, data []byte) ([]string, []any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %v %v", tok, err)
	}
	var keys []string
	var vals []any
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprint(tok)
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if k == "_comment" {
			continue
		}
		if slices.Contains(keys, k) {
			t.Fatalf("%s: repeated key", k)
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return keys, vals
}

// The classify experiments carry the parameters of the paper's GeNN port
// (its configs sweep_yin_yang_le_backw/_fa and sweep_mnist_backw/_fa): the
// values below are the port's, in palmc's keys (docs/classification.md).
func TestClassifyCarriesTheGeNNPort(t *testing.T) {
	common := map[string]any{
		"dt": 0.01, "Tpres": 1.0, "tauLO": 100.0, "gl": 0.03, "gbas": 0.1, "gapi": 0.06, "gden": 0.1, "gnI": 0.06, "gntgt": 0.06,
		"init_WPP_range": []any{-0.1, 0.1}, "init_BPP_range": []any{-1.0, 1.0}, "init_in_SPS": true, "dWPP_low_pass": true,
		"activation": "logistic", "uhigh": 1.0, "ulow": 0.1, "readout_every": 0.2, "readout_skip": 1.0, "settling_time": 0.0,
	}
	pal := map[string]any{"model_type": "PAL", "noise_type": "OU", "noise_mode": "const", "noise_scale": []any{0.01},
		"tauxi": 0.1, "dtxi": 0.01, "tauHP": 0.1, "pyr_hi_pass": true, "alpha": []any{1e-6}, "eta_PI": []any{0.02}}
	yy := map[string]any{"layers": []any{4.0, 30.0, 3.0}, "epochs": 400.0, "dataset": "yinyang",
		"dataset_sizes": []any{6000.0, 900.0, 900.0}, "dataset_seeds": []any{9876543.0, 9876544.0, 9876545.0}}
	mn := map[string]any{"layers": []any{784.0, 100.0, 10.0}, "epochs": 100.0, "dataset": "mnist", "dataset_sizes": []any{50000.0, 10000.0, 10000.0}}
	for name, want := range map[string][]map[string]any{
		"yinyang-pal": {common, pal, yy, {"eta_fw": []any{50.0, 0.01}, "eta_bw": []any{0.5}, "eta_IP": []any{0.05}}},
		"yinyang-fa":  {common, yy, {"model_type": "FA", "eta_fw": []any{50.0, 0.01}, "eta_IP": []any{0.05}, "eta_PI": []any{0.0}, "dWPP_low_pass_all_models": true}},
		// BP has no run in the port: the FA run with weight transport, and
		// ten times the hidden layer's rate (docs/classification.md).
		"yinyang-bp": {common, yy, {"model_type": "BP", "eta_fw": []any{500.0, 0.01}, "eta_IP": []any{0.05}, "dWPP_low_pass_all_models": true}},
		"mnist-pal":  {common, pal, mn, {"eta_fw": []any{1.0, 0.005}, "eta_bw": []any{0.2}, "eta_IP": []any{0.02}}},
		"mnist-fa":   {common, mn, {"model_type": "FA", "eta_fw": []any{1.0, 0.005}, "eta_IP": []any{0.02}, "eta_PI": []any{0.0}, "dWPP_low_pass_all_models": true}},
		"mnist-bp":   {common, mn, {"model_type": "BP", "eta_fw": []any{10.0, 0.005}, "eta_IP": []any{0.02}, "dWPP_low_pass_all_models": true}},
	} {
		b, err := Params(name)
		if err != nil {
			t.Fatal(err)
		}
		keys, vals := members(t, b)
		for _, m := range want {
			for k, v := range m {
				i := slices.Index(keys, k)
				if i < 0 {
					t.Errorf("%s: no %s", name, k)
					continue
				}
				if !reflect.DeepEqual(vals[i], v) {
					t.Errorf("%s: %s = %v, the GeNN port's is %v", name, k, vals[i], v)
				}
			}
		}
	}
}

// README.md's table gives every experiment the run time that palmc params
// --list gives.
func TestReadmeTimes(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		// The rows of the table of experiments: name, what, command, time.
		if len(cells) < 6 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") || !strings.HasPrefix(strings.TrimSpace(cells[3]), "`palmc ") {
			continue
		}
		for _, name := range strings.Split(cells[1], ",") {
			name = strings.Trim(strings.TrimSpace(name), "`")
			info, ok := infos[name]
			if !ok {
				t.Errorf("README.md: %s is no experiment", name)
				continue
			}
			rows++
			if got := strings.TrimSpace(cells[4]); got != info.Time {
				t.Errorf("README.md: %s takes %q, palmc params --list says %q", name, got, info.Time)
			}
		}
	}
	if rows < len(infos) {
		t.Errorf("README.md's table names %d of the %d experiments", rows, len(infos))
	}
}
