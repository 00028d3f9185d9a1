package runfolder

import (
	"encoding/json"
	"math"
	"testing"
)

// NaN and the infinities, which JSON has not, are written as strings and
// read back as the same numbers; finite numbers stay numbers.
func TestFloatWritesNonFinite(t *testing.T) {
	in := []Float{Float(math.NaN()), Float(math.Inf(1)), Float(math.Inf(-1)), 0.25, -3e-300}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `["NaN","Infinity","-Infinity",0.25,-3e-300]`; string(b) != want {
		t.Errorf("written %s, want %s", b, want)
	}
	var out []Float
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(out[0])) || !math.IsInf(float64(out[1]), 1) || !math.IsInf(float64(out[2]), -1) || out[3] != 0.25 || out[4] != -3e-300 {
		t.Errorf("read back %v", out)
	}
	var f Float
	if err := json.Unmarshal([]byte(`"nan?"`), &f); err == nil {
		t.Error(`"nan?" read as a number`)
	}
}
