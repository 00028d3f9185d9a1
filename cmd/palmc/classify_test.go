package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"palmc/dataset"
	"palmc/experiments"
	"palmc/runfolder"
	"palmc/store"
)

// classifyParams writes a classify experiment's params with some keys
// replaced (nil removes a key) into dir.
func classifyParams(t *testing.T, name, dir string, set map[string]any) string {
	t.Helper()
	b, err := experiments.Params(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ = json.Marshal(m)
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "params.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tinyYinYang is a Yin-Yang run of a second.
var tinyYinYang = map[string]any{"epochs": 2, "dataset_sizes": []int{300, 90, 90}, "random_seed": []int{1, 2}}

// A classify run writes the accuracies and the confusion matrix, which
// numpy reads, and summary.json gives them per network.
func TestClassifyRun(t *testing.T) {
	dir := t.TempDir()
	par := classifyParams(t, "yinyang-pal", dir, tinyYinYang)
	run(t, 0, "run", "--params", par, "--task", "classify", "--quiet")
	s := readSummary(t, dir)
	for _, n := range s.Networks {
		if len(n.ValAccuracy) != 3 || n.TestAccuracy == nil || *n.TestAccuracy < 0 || *n.TestAccuracy > 1 {
			t.Errorf("%s: val_accuracy %v, test_accuracy %v", n.Name, n.ValAccuracy, n.TestAccuracy)
		}
		// The last MSE is one training sample's: not a result of the run.
		if n.FinalMSE != nil {
			t.Errorf("%s: final_mse %v in a classify run", n.Name, *n.FinalMSE)
		}
	}
	plots := plotFiles(t, dir)
	for _, f := range []string{"accuracy.png", "confusion.png", "angle_W_B_0.png", "test_predictions.png"} {
		if !slices.Contains(plots, f) {
			t.Errorf("no %s among the plots %v", f, plots)
		}
	}
	fa := t.TempDir()
	run(t, 0, "run", "--params", classifyParams(t, "yinyang-fa", fa, tinyYinYang), "--task", "classify", "--quiet")
	fig := filepath.Join(t.TempDir(), "cmp.svg")
	run(t, 0, "figure", "classify", fa, dir, "--out", fig)
	if b, err := os.ReadFile(fig); err != nil || !strings.HasPrefix(string(b), "<?xml") {
		t.Errorf("figure classify: %v", err)
	}
	run(t, 2, "figure", "classify", fa, writeCaseRun(t))
	py := numpy(t)
	check := `import sys, numpy as np
r = np.load(sys.argv[1])
for n in ("seed1", "seed2"):
    va, c = r[n + "/val_accuracy"], r[n + "/confusion"]
    assert va.shape == (3,) and va.dtype == np.float64, va
    assert c.shape == (3, 3) and c.sum() == 90, c
    assert r[n + "/test_prediction"].dtype == np.int64 and r[n + "/test_prediction"].shape == (90,)
    assert abs(np.trace(c) / 90 - float(r[n + "/test_accuracy"])) < 1e-12
    assert r[n + "/epoch_angle_WPPT_BPP/0"].shape == (3,)
print("ok")`
	if out, err := exec.Command(py, "-c", check, filepath.Join(dir, resultsFile)).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
}

// palmc data --params writes the samples a classify run uses: the test
// split's labels are those the run's results give in the split's order,
// and every split has the run's size, not the data set's default.
func TestDataOfParams(t *testing.T) {
	dir := t.TempDir()
	par := classifyParams(t, "yinyang-pal", dir, tinyYinYang)
	run(t, 0, "run", "--params", par, "--task", "classify", "--quiet", "--no-plots")
	res, err := store.ReadNPZ(filepath.Join(dir, resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	for i, split := range []string{"train", "validation", "test"} {
		out := filepath.Join(t.TempDir(), split+".npz")
		run(t, 0, "data", "--params", dir, "--split", split, "--out", out)
		d, err := store.ReadNPZ(out)
		if err != nil {
			t.Fatal(err)
		}
		want := tinyYinYang["dataset_sizes"].([]int)[i]
		if n := len(d["y"].Data); n != want || len(d["x"].Data) != 4*want {
			t.Errorf("%s: %d labels, %d inputs; want %d samples", split, n, len(d["x"].Data), want)
		}
		if split == "test" && !slices.Equal(d["y"].Data, res["seed1/test_label"].Data) {
			t.Errorf("test labels %v, the run's %v", d["y"].Data, res["seed1/test_label"].Data)
		}
	}
	for _, args := range [][]string{
		{"yinyang", "--params", dir},
		{"--params", dir, "--size", "10"},
		{"--params", dir, "--split", "all"},
		{"--params", filepath.Join(dir, "nothing.json")},
		{"--params", "/dev/zero"},
		{"--params", writeParams(t, "pal_fw_tiny", t.TempDir(), nil)},
	} {
		run(t, 2, append([]string{"data", "--out", filepath.Join(t.TempDir(), "x.npz")}, args...)...)
	}
}

// Bad classify input is refused before any simulation with exit code 2
// and a message that names the field or file.
func TestClassifyBadInput(t *testing.T) {
	set, err := dataset.Load(dataset.Config{Name: "mnist"}, dataset.Test)
	if err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		b, err := os.ReadFile(filepath.Join(set.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "t10k-images-idx3-ubyte.gz" {
			b = b[:len(b)/2]
		}
		os.WriteFile(filepath.Join(broken, f), b, 0o644)
	}
	empty := t.TempDir()
	for _, c := range []struct {
		name string
		set  map[string]any
		want []string
	}{
		{"yinyang-pal", map[string]any{"dataset": "iris"}, []string{"dataset", "yinyang"}},
		{"yinyang-pal", map[string]any{"layers": []int{4, 30, 2}}, []string{"layers[2]", "3 classes"}},
		{"yinyang-pal", map[string]any{"layers": []int{5, 30, 3}}, []string{"layers[0]", "4 inputs"}},
		{"yinyang-pal", map[string]any{"ulow": 1.0}, []string{"ulow", "uhigh"}},
		{"yinyang-pal", map[string]any{"Tpres": 0.1}, []string{"Tpres", "readout"}},
		{"yinyang-pal", map[string]any{"dataset_sizes": []int{0, -3, 1}}, []string{"dataset_sizes[1]"}},
		{"yinyang-pal", map[string]any{"dataset": nil}, []string{"dataset", "missing"}},
		{"mnist-pal", map[string]any{"dataset_dir": empty}, []string{empty, "train-images"}},
		{"mnist-pal", map[string]any{"dataset_dir": broken, "epochs": 1}, []string{"t10k-images-idx3-ubyte.gz"}},
		{"mnist-pal", map[string]any{"dataset_sizes": []int{60000, 0, 0}}, []string{"dataset_sizes[0]", "50000"}},
	} {
		dir := t.TempDir()
		par := classifyParams(t, c.name, dir, c.set)
		stderr := run(t, 2, "run", "--params", par, "--task", "classify", "--quiet")
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: %s; want it to mention %q", c.set, stderr, w)
			}
		}
		if exists(filepath.Join(dir, resultsFile)) || exists(filepath.Join(dir, runfolder.CheckpointFile)) {
			t.Errorf("%v: a refused run wrote files", c.set)
		}
	}
}

// writeCaseRun makes a finished fw_bw run folder of a golden case.
func writeCaseRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	run(t, 0, "run", "--params", writeParams(t, "pal_fw_tiny", dir, nil), "--task", "fw_bw", "--quiet")
	return dir
}

// A classify run resumed on other data (its files replaced while it was
// interrupted) is refused: the checkpoint knows its data's fingerprint.
func TestResumeOnOtherDataIsRefused(t *testing.T) {
	mnist, err := dataset.Load(dataset.Config{Name: "mnist"}, dataset.Test)
	if err != nil {
		t.Fatal(err)
	}
	fashion, err := dataset.Load(dataset.Config{Name: "fashion-mnist"}, dataset.Test)
	if err != nil {
		if os.Getenv("PALMC_REQUIRE_DATA") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	files := []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
	copyData := func(from, to string) {
		for _, f := range files {
			for _, name := range []string{f, f + ".gz"} {
				if b, err := os.ReadFile(filepath.Join(from, name)); err == nil {
					os.Remove(filepath.Join(to, f))
					os.Remove(filepath.Join(to, f+".gz"))
					if err := os.WriteFile(filepath.Join(to, name), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	data := t.TempDir()
	copyData(mnist.Dir, data)
	dir := t.TempDir()
	par := classifyParams(t, "mnist-pal", dir, map[string]any{"epochs": 1, "dataset_dir": data,
		"dataset_sizes": []int{60, 20, 20}, "random_seed": []int{1}})
	saveCheckpoint(t, par, dir, "classify", "seed1", 3000)
	copyData(fashion.Dir, data)
	stderr := run(t, 2, "run", "--resume", dir, "--quiet")
	if !strings.Contains(stderr, "not those the run started with") {
		t.Errorf("resume on other data: %s", stderr)
	}
	copyData(mnist.Dir, data)
	run(t, 0, "run", "--resume", dir, "--quiet")
	if s := readSummary(t, dir); len(s.Data) != 64 {
		t.Errorf("summary.json: data fingerprint %q", s.Data)
	}
}

// With --compare BP a classify run's summary has one final angle per hidden
// layer: the one after the last validation pass.
func TestClassifyCompareOneAnglePerLayer(t *testing.T) {
	dir := t.TempDir()
	par := classifyParams(t, "yinyang-pal", dir, tinyYinYang)
	run(t, 0, "run", "--params", par, "--task", "classify", "--compare", "BP", "--quiet")
	s := readSummary(t, dir)
	for _, n := range s.Networks {
		if got := len(n.FinalAngles["angle_WPPT_BPP"]); got != 1 {
			t.Errorf("%s: %d final angles for 1 hidden layer: %v", n.Name, got, n.FinalAngles)
		}
	}
}
