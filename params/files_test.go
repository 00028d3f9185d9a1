package params_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"

	"palmc/dataset"
	"palmc/experiments"
	"palmc/params"
)

// filesParams returns the yinyang-pal params turned to the data set
// "files" with three small files of 2 inputs and 2 classes, as JSON keys.
func filesParams(t *testing.T) map[string]any {
	t.Helper()
	b, err := experiments.Params("yinyang-pal")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "dataset_seeds")
	delete(m, "dataset_sizes")
	dir := t.TempDir()
	var files []any
	for i, n := range []int{8, 4, 4} {
		x := make([]float64, 2*n)
		y := make([]int64, n)
		for j := range y {
			y[j] = int64((i + j) % 2)
		}
		f := filepath.Join(dir, string(dataset.Splits()[i])+".npz")
		if err := npz.Write(f, map[string]any{"x": mat.NewDense(n, 2, x), "y": y}); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	m["dataset"] = "files"
	m["dataset_files"] = files
	m["layers"] = []any{2, 5, 2}
	return m
}

func parseMap(m map[string]any) (*params.Params, error) {
	b, _ := json.Marshal(m)
	p, _, err := params.Parse(b, params.Classify)
	return p, err
}

func TestDatasetFiles(t *testing.T) {
	m := filesParams(t)
	p, err := parseMap(m)
	if err != nil {
		t.Fatal(err)
	}
	if p.TrainSize() != 8 || p.ValidationSize() != 4 || p.TestSize() != 4 {
		t.Errorf("sizes %d %d %d", p.TrainSize(), p.ValidationSize(), p.TestSize())
	}
	c, err := p.DatasetConfig(dataset.Test)
	if err != nil || c.Name != dataset.Files || c.Files[2] != m["dataset_files"].([]any)[2] {
		t.Errorf("DatasetConfig = %+v, %v", c, err)
	}
	// written and read back: the same params
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := params.Parse(b, params.Classify)
	if err != nil || q.DatasetFiles[1] != p.DatasetFiles[1] {
		t.Errorf("round trip: %v", err)
	}
	m["dataset_sizes"] = []any{2, 0, 3}
	if p, err = parseMap(m); err != nil || p.TrainSize() != 2 || p.ValidationSize() != 4 || p.TestSize() != 3 {
		t.Errorf("dataset_sizes [2, 0, 3]: %v", err)
	}
}

func TestDatasetFilesInvalid(t *testing.T) {
	for _, c := range []struct {
		change func(m map[string]any)
		want   string
	}{
		{func(m map[string]any) { delete(m, "dataset_files") }, "dataset_files: missing"},
		{func(m map[string]any) { m["dataset_files"] = []any{"a.npz"} }, "needs 3 entries"},
		{func(m map[string]any) { m["dataset_files"] = "a.npz" }, "dataset_files"},
		{func(m map[string]any) { m["dataset_files"].([]any)[1] = "/nonexistent.npz" }, "dataset_files[1]"},
		{func(m map[string]any) { m["layers"] = []any{3, 5, 2} }, "layers[0]: value 3: must be 2"},
		{func(m map[string]any) { m["layers"] = []any{2, 5, 3} }, "layers[2]: value 3: must be 2"},
		{func(m map[string]any) { m["dataset_sizes"] = []any{9, 0, 0} }, "dataset_sizes[0]: value 9"},
		{func(m map[string]any) { m["dataset_seeds"] = []any{1, 2, 3} }, "dataset_seeds"},
		{func(m map[string]any) { m["dataset_dir"] = "x" }, "dataset_dir"},
		{func(m map[string]any) { m["dataset"] = "yinyang" }, "leave dataset_files out"},
		{func(m map[string]any) { m["readout_skip"] = 1000 }, "Tpres"},
	} {
		m := filesParams(t)
		c.change(m)
		if _, err := parseMap(m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}
