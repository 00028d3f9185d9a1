package sweep

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/params"
)

// goldenBase returns a golden case's params with some keys replaced, as
// JSON text; rec_only switches off every record but those named.
func goldenBase(t *testing.T, name string, set map[string]any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata/golden", name, "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		if k == "rec_only" {
			for key := range m {
				if strings.HasPrefix(key, "rec_") && key != "rec_per_steps" {
					m[key] = false
				}
			}
			for _, r := range v.([]string) {
				m["rec_"+r] = true
			}
			continue
		}
		m[k] = v
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	return out
}

// writeSweep writes base.json and sweep.json into a new folder and returns
// the sweep file's path.
func writeSweep(t *testing.T, base []byte, sweep string) string {
	t.Helper()
	dir := t.TempDir()
	if base != nil {
		if err := os.WriteFile(filepath.Join(dir, "base.json"), base, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "sweep.json")
	if err := os.WriteFile(path, []byte(sweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tinyBase is pal_fw_tiny recording little: a fw_bw cell takes a fraction
// of a second.
func tinyBase(t *testing.T) []byte {
	return goldenBase(t, "pal_fw_tiny", map[string]any{"rec_only": []string{"MSE", "WPP", "BPP"}})
}

// The example: 2 values × 2 seeds = 4 cells, in order, each with
// its complete params and one seed.
func TestExpandExample(t *testing.T) {
	path := writeSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP"],
		"grid": {"eta_bw": [[5], [20]]}, "seeds": [123, 456]}`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cells, err := f.Expand()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		dir  string
		eta  float64
		seed int64
	}{{"cells/000-eta_bw=5-seed123", 5, 123}, {"cells/001-eta_bw=5-seed456", 5, 456},
		{"cells/002-eta_bw=20-seed123", 20, 123}, {"cells/003-eta_bw=20-seed456", 20, 456}}
	if len(cells) != len(want) {
		t.Fatalf("%d cells, want %d", len(cells), len(want))
	}
	base, _, err := params.Parse(tinyBase(t), params.FwBw)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cells {
		w := want[i]
		if c.Dir != w.dir || c.Params.EtaBW[0] != w.eta || len(c.Params.RandomSeed) != 1 || c.Params.RandomSeed[0] != w.seed {
			t.Errorf("cell %d: %s eta_bw %v seeds %v, want %+v", i, c.Dir, c.Params.EtaBW, c.Params.RandomSeed, w)
		}
		// Everything else is the base's.
		p := *base
		p.EtaBW, p.RandomSeed = []float64{w.eta}, []int64{w.seed}
		a, _ := p.MarshalJSON()
		b, _ := c.Params.MarshalJSON()
		if string(a) != string(b) {
			t.Errorf("cell %d: params differ from the base's:\n%s\n%s", i, b, a)
		}
	}
	if !f.Cell.Compare || f.Cell.CheckpointEvery != DefaultCheckpointEvery {
		t.Errorf("flags: %+v", f.Cell)
	}
}

// Bad sweep files are refused before anything is written, naming the key
// and value at fault.
func TestBadSweepFiles(t *testing.T) {
	base := tinyBase(t)
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"unknown key", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "gird": {}}`, []string{`unknown key "gird"`, `did you mean "grid"`}},
		{"params key at top", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "eta_bw": [5]}`, []string{`unknown key "eta_bw"`, "a params key"}},
		{"unknown params key", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"eta_bww": [[5]]}}`, []string{`grid: unknown params key "eta_bww"`, `did you mean "eta_bw"`}},
		{"seed in grid", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"random_seed": [[1]]}}`, []string{"grid: random_seed", "seeds"}},
		{"empty axis", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"eta_bw": []}}`, []string{"grid: eta_bw: empty list"}},
		{"axis not a list", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"eta_bw": 5}}`, []string{"grid: eta_bw: value 5: want a list"}},
		{"value twice", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"eta_bw": [[5], [5]]}}`, []string{"grid: eta_bw: value [5] given twice"}},
		{"same params", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"dt": [0.01, 1e-2]}}`, []string{"dt = 0.01", "dt = 1e-2", "duplicate cells"}},
		{"invalid value", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"eta_bw": [[5], [-1]]}}`, []string{"grid: eta_bw: value [-1]:", "must be >= 0"}},
		{"wrong type", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"epochs": [2, "3"]}}`, []string{`grid: epochs: value "3"`}},
		{"wrong type in a list", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"eta_bw": [[5, "x"]]}}`, []string{`grid: eta_bw: value [5, "x"]: entry 1 ("x"): wrong type`}},
		{"no seeds", `{"base": "base.json", "task": "fw_bw", "seeds": []}`, []string{"seeds: empty list"}},
		{"seed twice", `{"base": "base.json", "task": "fw_bw", "seeds": [1, 1]}`, []string{"seeds[1]: value 1 given twice"}},
		{"bad seed", `{"base": "base.json", "task": "fw_bw", "seeds": [-1]}`, []string{"seeds[0]: value -1"}},
		{"seed as text", `{"base": "base.json", "task": "fw_bw", "seeds": ["1"]}`, []string{`seeds[0]: value "1"`, "got a string"}},
		{"seeds as text", `{"base": "base.json", "task": "fw_bw", "seeds": [1, "01"]}`, []string{`seeds[1]: value "01"`, "got a string"}},
		{"missing keys", `{"grid": {}}`, []string{"base: missing", "task: missing", "seeds: missing"}},
		{"bad task", `{"base": "base.json", "task": "fwbw", "seeds": [1]}`, []string{`task: value "fwbw"`}},
		{"no base file", `{"base": "nope.json", "task": "fw_bw", "seeds": [1]}`, []string{`base: "nope.json"`, "no such file"}},
		{"base not a params object", `{"base": 5, "task": "fw_bw", "seeds": [1]}`, []string{"base: value 5"}},
		{"inline base unknown key", `{"base": {"dtt": 1}, "task": "fw_bw", "seeds": [1]}`, []string{`base: unknown params key "dtt"`}},
		{"base invalid for task", `{"base": "base.json", "task": "classify", "seeds": [1]}`, []string{"cell (seed 1)", "dataset"}},
		{"flag not allowed", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "flags": ["--workers", "2"]}`, []string{"flags: --workers"}},
		{"compare FA", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "flags": ["--compare", "FA"]}`, []string{`--compare "FA"`}},
		{"shared input fw_bw", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "flags": ["--shared-input"]}`, []string{"--shared-input is for task bw_only"}},
		{"flag value missing", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "flags": ["--checkpoint-every"]}`, []string{"--checkpoint-every needs a value"}},
		{"bad duration", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "flags": ["--checkpoint-every=soon"]}`, []string{`--checkpoint-every "soon"`}},
		{"variant name twice", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "a", "params": {"dt": 0.01}}, {"name": "a", "params": {"dt": 0.02}}]}`, []string{`name "a" given twice`}},
		{"variant bad name", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "a/b"}]}`, []string{`variants[0]: name: value "a/b"`}},
		{"variant and grid", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "grid": {"dt": [0.01]}, "variants": [{"name": "a", "params": {"dt": 0.02}}]}`, []string{"dt is also an axis"}},
		{"variant invalid", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "slow", "params": {"Tpres": 1.005}}]}`, []string{"variants: slow: params: Tpres: value 1.005"}},
		{"variant params key twice", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "a", "params": {"dt": 0.01, "dt": 0.02}}]}`, []string{"variants[0] params: dt given twice"}},
		{"variant key twice", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "a", "name": "b"}]}`, []string{"variants[0]: name given twice"}},
		{"variant unknown key", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "a", "parms": {}}]}`, []string{`variants[0]: unknown key "parms"`}},
		{"variants same", `{"base": "base.json", "task": "fw_bw", "seeds": [1], "variants": [{"name": "a"}, {"name": "b", "params": {"dt": 0.01}}]}`, []string{"variant a", "variant b", "duplicate cells"}},
		{"key the task ignores", `{"base": "base.json", "task": "bw_only", "seeds": [1], "grid": {"init_teacher_WPP_range": [[-1, 1], [-2, 2]]}}`,
			[]string{"differ only in init_teacher_WPP_range, which task bw_only does not use: duplicate cells"}},
		{"a run would refuse it", `{"base": "base.json", "task": "classify", "seeds": [1],
			"grid": {"dataset": ["bars"], "layers": [[9, 1, 3]], "dataset_sizes": [[30, 30, 30], [31, 30, 30]]}}`,
			[]string{"dataset_sizes = [31, 30, 30]", "31 is not a multiple of 3"}},
		{"too many cells", `{"base": "base.json", "task": "fw_bw", "seeds": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "grid": {"dt": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "gl": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
			"gbas": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "gapi": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "gden": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "gnI": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}`, []string{"more than 100000 cells"}},
		{"not JSON", `{"base": "base.json", "task": "fw_bw",, "seeds": [1]}`, []string{"line 1, column"}},
		{"not an object", `[1, 2]`, []string{"want a JSON object"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeSweep(t, base, c.file)
			dir := filepath.Join(t.TempDir(), "sweep")
			f, err := Load(path)
			if err == nil {
				_, err = Init(f, dir, nil)
			}
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("error %v (%T), want a refusal", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if _, serr := os.Stat(dir); serr == nil {
				t.Errorf("%s was written", dir)
			}
			if m, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*palmc-init*")); len(m) > 0 {
				t.Errorf("left behind: %v", m)
			}
		})
	}
}

// A base file may carry unknown keys, as a params file may, but not one
// that misspells a known key: palmc run would refuse every cell.
func TestBaseFileKeys(t *testing.T) {
	sweep := `{"base": "base.json", "task": "fw_bw", "seeds": [1]}`
	misspelt := goldenBase(t, "pal_fw_tiny", map[string]any{"epoch": 2})
	_, err := Load(writeSweep(t, misspelt, sweep))
	var r *Refusal
	if !errors.As(err, &r) || !strings.Contains(err.Error(), `base: "base.json": unknown params key "epoch" (did you mean "epochs"?)`) {
		t.Errorf("a base file with \"epoch\": %v (%T), want a refusal that names the key and suggests epochs", err, err)
	}
	f, err := Load(writeSweep(t, goldenBase(t, "pal_fw_tiny", map[string]any{"colour": "blue"}), sweep))
	if err != nil {
		t.Fatalf("a base file with \"colour\": %v", err)
	}
	cells, err := f.Expand()
	if err != nil || len(cells) != 1 || !slices.ContainsFunc(cells[0].Warnings, func(w string) bool { return strings.Contains(w, `"colour"`) }) {
		t.Errorf("a base file with \"colour\": cells %+v, %v; want one, warned about colour", cells, err)
	}
}

// A list-valued and an object-valued value are written on one line, numbers
// as written.
func TestFormat(t *testing.T) {
	for in, want := range map[string]string{
		`[ 1e-2,2 ,  3]`:               `[1e-2, 2, 3]`,
		"{\"a\" : [1,\n 2], \"b\":{}}": `{"a": [1, 2], "b": {}}`,
		`"x<y"`:                        `"x<y"`,
		`[[1,2],[3]]`:                  `[[1, 2], [3]]`,
		`[]`:                           `[]`,
		`true`:                         `true`,
		`null`:                         `null`,
	} {
		got, err := format([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("format(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// The variants of a sweep are crossed with its grid, a variant's keys set
// on top of its own base.
func TestVariants(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "other.json"), goldenBase(t, "pal_fw_tiny", map[string]any{"epochs": 5}), 0o644)
	path := writeSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "grid": {"eta_bw": [[1], [2]]}, "seeds": [7],
		"variants": [{"name": "plain"}, {"name": "slow", "params": {"Tpres": 2, "eta_fw": [1, 0.25]}}, {"name": "long", "base": "`+filepath.Join(dir, "other.json")+`"}]}`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cells, err := f.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 6 {
		t.Fatalf("%d cells", len(cells))
	}
	for _, c := range cells {
		switch c.Variant {
		case "plain":
			if c.Params.Tpres != 1 || c.Params.Epochs != 3 {
				t.Errorf("%s: %v %v", c.Dir, c.Params.Tpres, c.Params.Epochs)
			}
		case "slow":
			if c.Params.Tpres != 2 || c.Params.EtaFW[1] != 0.25 || c.Params.Epochs != 3 {
				t.Errorf("%s: %v %v", c.Dir, c.Params.Tpres, c.Params.EtaFW)
			}
		case "long":
			if c.Params.Epochs != 5 {
				t.Errorf("%s: epochs %d", c.Dir, c.Params.Epochs)
			}
		}
		if !strings.HasPrefix(c.Dir, "cells/00") || !strings.Contains(c.Dir, c.Variant+"-eta_bw=") {
			t.Errorf("folder %s", c.Dir)
		}
	}
}

// A relative dataset_dir is taken from the sweep file's folder, as base,
// wherever it is given, and written absolute into the folder's sweep.json;
// a sweep file without a folder (Parse) refuses it.
func TestRelativeDataDir(t *testing.T) {
	text := `{"base": {"dataset": "mnist", "dataset_dir": "data"}, "task": "classify", "seeds": [1],
		"grid": {"dataset_dir": ["data", "/abs", "x/../data2"]}, "variants": [{"name": "v", "base": {"dataset": "mnist", "dataset_dir": "d2"}}]}`
	dir := t.TempDir()
	path := filepath.Join(dir, "sweep.json")
	os.WriteFile(path, []byte(text), 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	value := func(ms []member) string {
		for _, m := range ms {
			if m.Key == "dataset_dir" {
				return string(m.Raw)
			}
		}
		return ""
	}
	q := func(p string) string { return string(quote(p)) }
	if got := value(f.Base.members); got != q(filepath.Join(dir, "data")) {
		t.Errorf("base: %s", got)
	}
	if got := value(f.Variants[0].Base.members); got != q(filepath.Join(dir, "d2")) {
		t.Errorf("variant: %s", got)
	}
	for i, want := range []string{filepath.Join(dir, "data"), "/abs", filepath.Join(dir, "data2")} {
		if got := string(f.Axes[0].Values[i]); got != q(want) {
			t.Errorf("grid value %d: %s, want %s", i, got, q(want))
		}
	}
	self, err := f.selfContained()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(self), `"data"`) || strings.Contains(string(self), `"d2"`) || !strings.Contains(string(self), q(filepath.Join(dir, "data2"))) {
		t.Errorf("sweep.json keeps relative folders:\n%s", self)
	}
	if len(f.Resolved) != 4 {
		t.Errorf("resolved: %q", f.Resolved)
	}
	var r *Refusal
	if _, err := Parse([]byte(text), "inline", nil); !errors.As(err, &r) || !strings.Contains(err.Error(), `dataset_dir: value "data": a relative folder`) {
		t.Errorf("Parse: %v", err)
	}
	// Two values that name one folder are duplicates.
	os.WriteFile(path, []byte(`{"base": {"dataset": "mnist"}, "task": "classify", "seeds": [1], "grid": {"dataset_dir": ["data", "`+filepath.Join(dir, "data")+`"]}}`), 0o644)
	if _, err := Load(path); !errors.As(err, &r) || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("the same folder twice: %v", err)
	}
}

// A sweep folder may be an empty folder, or a link to one: init writes the
// sweep into the folder it names, and the link opens as the sweep.
func TestInitIntoLink(t *testing.T) {
	path := writeSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "seeds": [1, 2]}`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if _, err := Init(f, empty, nil); err != nil {
		t.Fatalf("init into an empty folder: %v", err)
	}
	root := t.TempDir()
	target, link := filepath.Join(root, "data"), filepath.Join(root, "study")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("data", link); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(f, link, nil); err != nil {
		t.Fatalf("init into a link to an empty folder: %v", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	s, err := Open(link)
	if err != nil || len(s.Index.Cells) != 2 {
		t.Fatalf("open the link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, IndexFile)); err != nil {
		t.Errorf("the sweep is not in the folder the link names: %v", err)
	}
}

// A bw_only cell with --compare BP makes the replays of angle_dWPP_BP
// after its training: the index counts them, so that the share of the
// steps and the time left hold through them.
func TestIndexStepsCountReplays(t *testing.T) {
	steps := func(flags string) (int, *params.Params) {
		path := writeSweep(t, tinyBase(t), `{"base": "base.json", "task": "bw_only", "flags": [`+flags+`], "seeds": [123]}`)
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		cells, err := f.Expand()
		if err != nil {
			t.Fatal(err)
		}
		return newIndex(f, cells).Cells[0].Steps, cells[0].Params
	}
	plain, _ := steps("")
	compare, p := steps(`"--compare", "BP"`)
	_, nets := experiment.NetworksOf(p, experiment.Options{Task: params.BwOnly, Compare: true})
	want := 0
	for _, n := range nets {
		want += n
	}
	if compare != want || compare <= plain {
		t.Errorf("steps with --compare BP %d, without %d; the run makes %v", compare, plain, nets)
	}
}
