package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"palmc/dataset"
	"palmc/experiments"
	"palmc/params"
)

// dataRequest names one split of a data set, as palmc data takes it; nil
// fields take the split's defaults.
type dataRequest struct {
	Name  string    `json:"name"`
	Split string    `json:"split"`
	Size  int       `json:"size"`
	Seed  *int64    `json:"seed"`
	Noise *float64  `json:"noise"`
	Dir   string    `json:"dir"`
	Files [3]string `json:"files"`
}

// dataInfo describes a loaded split.
type dataInfo struct {
	Name    string `json:"name"`
	Split   string `json:"split"`
	Inputs  int    `json:"inputs"`
	Classes int    `json:"classes"`
	Samples int    `json:"samples"`
	Dir     string `json:"dir"`
}

// loadData loads the split that the JSON request names.
func loadData(req []byte) (*dataset.Set, *dataInfo, error) {
	var r dataRequest
	if err := json.Unmarshal(req, &r); err != nil {
		return nil, nil, valueErr("palmc: data request: %v", err)
	}
	split, err := dataset.ParseSplit(r.Split)
	if err != nil {
		return nil, nil, err
	}
	var cfg dataset.Config
	if r.Name == dataset.Files {
		cfg = dataset.Config{Name: dataset.Files, Files: r.Files}
	} else if cfg, err = dataset.Default(r.Name, split); err != nil {
		return nil, nil, err
	}
	if r.Size != 0 {
		cfg.Size = r.Size
	}
	if r.Seed != nil {
		cfg.Seed = *r.Seed
	}
	if r.Noise != nil {
		cfg.Noise = *r.Noise
	}
	cfg.Dir = r.Dir
	set, err := dataset.Load(cfg, split)
	if err != nil {
		return nil, nil, err
	}
	return set, &dataInfo{Name: set.Name, Split: string(set.Split), Inputs: set.Inputs, Classes: set.Classes, Samples: set.Len(), Dir: set.Dir}, nil
}

// copyData copies the samples of set into x (samples × inputs) and its
// labels into y.
func copyData(set *dataset.Set, x []float64, y []int64) error {
	if len(x) != set.Len()*set.Inputs || len(y) != set.Len() {
		return valueErr("palmc: the data set has %d×%d samples and %d labels, not room for %d and %d", set.Len(), set.Inputs, set.Len(), len(x), len(y))
	}
	for i := 0; i < set.Len(); i++ {
		copy(x[i*set.Inputs:(i+1)*set.Inputs], set.Row(i))
		y[i] = int64(set.Y[i])
	}
	return nil
}

// paramsResult is a checked params file: its full text with every default
// written out, and the warnings.
type paramsResult struct {
	Text     string   `json:"text"`
	Task     string   `json:"task"`
	Warnings []string `json:"warnings"`
	// Unused lists the keys of Text that the task does not read and the
	// params did not give (classify: dataset_size, input_signal), which
	// the caller leaves out so that they bring no warning when run.
	Unused []string `json:"unused"`
}

// checkParams reads params from JSON text (kind "json"), a file ("file")
// or an experiment of palmc's ("experiment") and checks them for task (""
// as for newNetwork).
func checkParams(kind, value, task string) (*paramsResult, error) {
	var text []byte
	switch kind {
	case "json":
		text = []byte(value)
	case "file":
		t, err := readParamsFile(value)
		if err != nil {
			return nil, err
		}
		text = t
	case "experiment":
		t, err := experiments.Params(value)
		if err != nil {
			return nil, valueErr("palmc: no experiment %q (the experiments: %s)", value, strings.Join(experiments.Names(), ", "))
		}
		text = t
	default:
		return nil, valueErr("palmc: params kind %q (json, file or experiment)", kind)
	}
	t, err := taskOf(text, task)
	if err != nil {
		return nil, err
	}
	p, warnings, err := params.Parse(text, t)
	if err != nil {
		if kind == "file" {
			err = fmt.Errorf("%s: %w", value, err)
		}
		return nil, err
	}
	out, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	if warnings == nil {
		warnings = []string{}
	}
	unused := []string{}
	if t == params.Classify {
		var given map[string]json.RawMessage
		json.Unmarshal(text, &given)
		for _, k := range []string{"dataset_size", "input_signal"} {
			if _, ok := given[k]; !ok {
				unused = append(unused, k)
			}
		}
	}
	return &paramsResult{Text: string(out), Task: string(t), Warnings: warnings, Unused: unused}, nil
}

// readParamsFile reads a params file, or the params.json of a folder, as
// palmc run --params does.
func readParamsFile(path string) ([]byte, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "params.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, valueErr("palmc: %v", err)
	}
	return b, nil
}
