//go:build amd64 && !purego

package rng

import (
	"math"
	"testing"
)

// drawMix makes a mixed sequence of draws, as a simulation does: normals
// of many sizes (so that batches start at every offset of the state
// vector and cross its regeneration), uniforms, integers and single
// normals in between.
func drawMix(r *RandomState, rounds int) []float64 {
	var out []float64
	buf := make([]float64, 300)
	scale := make([]float64, 300)
	for i := range scale {
		scale[i] = float64(i%7) - 2.5
	}
	for i := 0; i < rounds; i++ {
		n := (i*37 + 11) % 300
		r.FillNormal(buf[:n], 0.5, 2)
		out = append(out, buf[:n]...)
		if i%3 == 0 {
			out = append(out, r.Uniform(-1, 1), float64(r.Uint32()))
		}
		if i%5 == 0 {
			r.FillNormalScaled(buf[:n], 0, scale[:n])
			out = append(out, buf[:n]...)
			out = append(out, r.Gauss(), float64(r.Randint(0, 1000)))
		}
	}
	st := r.State()
	return append(out, float64(st.Pos), st.Gauss)
}

// The AVX2 kernels give the draws of the Go loops bit for bit.
func TestAVX2MatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 on this machine")
	}
	for _, seed := range []uint32{0, 1, 123, 4294967295} {
		a := drawMix(New(seed), 400)
		useAVX2 = false
		b := drawMix(New(seed), 400)
		useAVX2 = true
		if len(a) != len(b) {
			t.Fatalf("seed %d: %d draws with AVX2, %d without", seed, len(a), len(b))
		}
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				t.Fatalf("seed %d: draw %d = %v with AVX2, %v without", seed, i, a[i], b[i])
			}
		}
	}
}
