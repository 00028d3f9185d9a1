package params

import (
	"errors"
	"os"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns
// holds a *FieldError, and that accepted Params validate again, have one
// activation per pyramidal layer, usable step counts, and survive a
// MarshalJSON round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, path := range publishedFiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, true)
		f.Add(data, false)
	}
	f.Add(Template(), true)
	broken := []string{
		``,
		`{`,
		`[]`,
		`null`,
		`{"dt": "0.01"}`,
		`{"layers": [5, 20,]}`,
		`{"dt": 1e400, "random_seed": 4294967296}`,
		`{"dt": 0.01, "Tpres": 1.005, "layers": [1, 0, 1], "activation": ["x"]}`,
		`{"Tbw": 1, "model_type": "LDRL", "layers": [2, 3, 2]}`,
		`{"_comment": 1, "_comment": [], "rec_MSE": 1}`,
	}
	for _, s := range broken {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fw bool) {
		task := BwOnly
		if fw {
			task = FwBw
		}
		p, _, err := Parse(data, task)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error without a *FieldError: %v", err)
			}
			if p != nil {
				t.Fatal("Params returned together with an error")
			}
			_ = err.Error()
			return
		}
		if err := p.Validate(task); err != nil {
			t.Fatalf("accepted Params fail Validate: %v", err)
		}
		if len(p.Activation) != p.N() {
			t.Fatalf("len(Activation) = %d, N = %d", len(p.Activation), p.N())
		}
		if p.StepsPerSample() < 1 || p.SettlingSteps() < 0 || p.SettlingSteps() > p.DatasetSize*p.StepsPerSample() {
			t.Fatalf("step counts: per sample %d, settling %d", p.StepsPerSample(), p.SettlingSteps())
		}
		if p.UsesNoise() && p.NoiseHoldSteps() < 1 {
			t.Fatalf("NoiseHoldSteps = %d", p.NoiseHoldSteps())
		}
		out, err := p.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		q, _, err := Parse(out, task)
		if err != nil {
			t.Fatalf("Parse(MarshalJSON(p)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the params:\n got %+v\nwant %+v", q, p)
		}
	})
}
