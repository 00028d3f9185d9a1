package plot

import (
	"math"
	"slices"
	"testing"
)

// An adaptive run gets "cos_epsilon_LO_<k>.png" for every epsilon_LO/k;
// other runs do not.
func TestCosEpsilonFigure(t *testing.T) {
	const R = 500
	arrays := map[string]Array{}
	for si, net := range []string{"seed1", "seed2"} {
		e := Array{Shape: []int{R}, Data: make([]float64, R)}
		for i := range e.Data {
			e.Data[i] = math.Exp(-float64(i*(si+1)) / 100)
		}
		arrays[net+"/epsilon_LO/0"] = e
		arrays[net+"/epsilon/0"] = e
	}
	for _, adaptive := range []bool{false, true} {
		run := Run{Arrays: arrays, Dt: 0.01, RecPerSteps: 1, StepsPerSample: 100, Adaptive: adaptive, NoiseDeg: 30}
		dir := outDir(t, "cos_epsilon")
		got, err := All(run, dir, PNG)
		if err != nil {
			t.Fatal(err)
		}
		if has := slices.Contains(got, "cos_epsilon_LO_0.png"); has != adaptive {
			t.Errorf("adaptive %v: files %v", adaptive, got)
		}
		if adaptive {
			checkPNGs(t, dir, []string{"cos_epsilon_LO_0.png"})
		}
	}
	if got := describe(key{v: "cos_epsilon_LO", layer: "1"}, false); got != "alignment of the top-down prediction, layer 1" {
		t.Errorf("title %q", got)
	}
	for k, want := range map[key]string{
		{v: "BPP", layer: "1"}:            "backward weights B₁: output layer → apical, layer 1",
		{v: "dWIP", layer: "0"}:           "weight increments ΔWᴵᴾ₀ per step: last hidden layer → interneurons",
		{v: "angle_WPPT_BPP", layer: "0"}: "angle(W₁ᵀ⋯Wₙᵀ, B₀)",
		{v: "uP", layer: "0"}:             "somatic voltage u₀, layer 0",
	} {
		if got := describe(k, true); got != want {
			t.Errorf("skip describe(%v) = %q, want %q", k, got, want)
		}
	}
}
