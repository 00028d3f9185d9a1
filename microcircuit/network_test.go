package microcircuit

import (
	"math"
	"testing"
)

func testConfig(model Model) Config {
	return Config{
		Layers:      []int{3, 5, 4, 2},
		Model:       model,
		Activations: []Activation{Logistic, Logistic, Logistic},
		Dt:          0.01, Taur: 1,
		Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: []float64{1, 1, 1}, EtaBW: []float64{10, 10}, EtaIP: []float64{0, 0}, EtaPI: []float64{0, 0},
		Alpha:   []float64{1e-5, 1e-5},
		InitWPP: [2]float64{-1, 1}, InitWIP: [2]float64{-1, 1}, InitBPP: [2]float64{-1, 1}, InitBPI: [2]float64{-1, 1},
		InitInSPS:  true,
		NoiseScale: []float64{0.05, 0.05}, NoiseHoldSteps: 1, TauHP: 0.1, TauLO: 100, Tauxi: 0.1,
		PyrHiPass: true, DWPPLowPass: true, DWPPUseActivation: true,
	}
}

// In the self-predicting state, without a target and without noise, the
// interneurons predict the layer above and the apical potentials decay to
// zero.
func TestSelfPredictingStateSilencesApical(t *testing.T) {
	for _, model := range []Model{BP, FA, PAL} {
		n, err := New(testConfig(model), 5)
		if err != nil {
			t.Fatal(err)
		}
		r0 := []float64{0.2, 0.5, 0.9}
		for i := 0; i < 20000; i++ {
			n.Step(r0, nil, Switches{}, nil)
		}
		for k, v := range n.VApi {
			for i, x := range v {
				if math.Abs(x) > 1e-6 {
					t.Errorf("%v: vapi[%d][%d] = %g after settling in the SPS, want ~0", model, k, i, x)
				}
			}
		}
	}
}

// BP keeps BPP equal to the transposed forward weights while they learn.
func TestBPKeepsTranspose(t *testing.T) {
	n, err := New(testConfig(BP), 9)
	if err != nil {
		t.Fatal(err)
	}
	target := []float64{0.3, -0.2}
	r0 := []float64{0.2, 0.5, 0.9}
	for i := 0; i < 500; i++ {
		n.Step(r0, target, Switches{LearnFW: true, LearnLat: true, LearnBW: true}, nil)
	}
	n.Step(r0, target, Switches{}, nil) // sync BPP with the last WPP update
	for k := range n.BPP {
		b, w := n.BPP[k], n.WPP[k+1]
		for i := 0; i < b.Rows; i++ {
			for j := 0; j < b.Cols; j++ {
				if b.Data[i*b.Cols+j] != w.Data[j*w.Cols+i] {
					t.Fatalf("BPP[%d][%d,%d] = %g, WPP[%d]ᵀ = %g", k, i, j, b.Data[i*b.Cols+j], k+1, w.Data[j*w.Cols+i])
				}
			}
		}
	}
}

// FA never changes BPP.
func TestFAKeepsBackwardWeights(t *testing.T) {
	n, err := New(testConfig(FA), 9)
	if err != nil {
		t.Fatal(err)
	}
	before := n.BPP[0].Clone()
	for i := 0; i < 500; i++ {
		n.Step([]float64{0.2, 0.5, 0.9}, []float64{0.3, -0.2}, Switches{LearnFW: true, LearnLat: true, LearnBW: true}, nil)
	}
	for i, v := range before.Data {
		if n.BPP[0].Data[i] != v {
			t.Fatalf("FA changed BPP[0][%d]: %g -> %g", i, v, n.BPP[0].Data[i])
		}
	}
}

// Deriv is the true derivative, except for hard_sigmoid, whose published
// "derivative" is the indicator of the linear range (docs/model.md §2), without 1/6.
func TestActivationDerivatives(t *testing.T) {
	for _, x := range []float64{-3.5, -2.5, 0, 2.9, 3.5} {
		want := 0.0
		if y := x/6 + 0.5; y > 0 && y < 1 {
			want = 1
		}
		if d := HardSigmoid.Deriv(x); d != want {
			t.Errorf("hard_sigmoid: phi'(%g) = %g, want %g", x, d, want)
		}
	}
	for a := Linear; a < HardSigmoid; a++ {
		for _, x := range []float64{-2.5, -0.3, 0.4, 1.7} {
			h := 1e-6
			num := (a.Phi(x+h) - a.Phi(x-h)) / (2 * h)
			if d := a.Deriv(x); math.Abs(d-num) > 1e-6 {
				t.Errorf("%v: phi'(%g) = %g, numerical %g", a, x, d, num)
			}
		}
	}
}
