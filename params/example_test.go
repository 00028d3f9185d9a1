package params_test

import (
	"errors"
	"fmt"

	"palmc/params"
)

// minimal is a complete params file for a BP network.
const minimal = `{
    "_comment": "a small BP network",
    "dt": 0.01, "Tpres": 1, "dataset_size": 10, "epochs": 2, "settling_time": 10,
    "layers": [3, 4, 3], "activation": "tanh", "model_type": "BP",
    "gl": 0.03, "gbas": 0.1, "gapi": 0.06, "gden": 0.1, "gnI": 0.06, "gntgt": 0.06,
    "eta_fw": [1, 0.5], "eta_bw": [0], "eta_IP": [1], "eta_PI": [0],
    "init_WPP_range": [-1, 1], "init_WIP_range": [-1, 1],
    "init_BPP_range": [-1, 1], "init_BPI_range": [-1, 1],
    "random_seed": 7, "init_in_SPS": true, "input_signal": "step",
    "rec_MSE": true, "colour": "blue"
}`

func ExampleParse() {
	p, warnings, err := params.Parse([]byte(minimal), params.BwOnly)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(warnings)
	fmt.Println(p.N(), p.H(), p.Activation, p.RandomSeed)
	fmt.Println(p.StepsPerSample(), p.SettlingSteps(), p.RecPerSteps, p.Rec["MSE"], p.Rec["WPP"])
	// Output:
	// [params: unknown key "colour" ignored]
	// 2 1 [tanh tanh] [7]
	// 100 1000 1000 true false
}

func ExampleFieldError() {
	// The fw_bw task needs the teacher's ranges, and epochs must be whole.
	_, _, err := params.Parse([]byte(`{"dt": 0.01, "epochs": 2.5}`), params.FwBw)
	var fe *params.FieldError
	if errors.As(err, &fe) {
		fmt.Println(fe)
		fmt.Println(fe.Field, fe.Line, fe.Col, errors.Is(err, params.ErrType))
	}
	fmt.Println(errors.Is(err, params.ErrMissing))
	// Output:
	// params: epochs: line 1, column 24: value 2.5: wrong type: want an integer, got a number with a fractional part
	// epochs 1 24 true
	// true
}
