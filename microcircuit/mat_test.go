package microcircuit

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"palmc/rng"
)

// matSizes are the matrix shapes of the benchmarked networks: Fig3abc's
// [5,20,10,20,5], Fig4ab's [1,1,1] and an MNIST-sized [784,500,10].
var matSizes = [][2]int{{1, 1}, {5, 20}, {20, 5}, {10, 20}, {20, 10}, {10, 500}, {500, 784}}

// BenchmarkMulVec compares the matrix-vector products, the AVX2 kernel
// (where the CPU has it) and the Go loops, with gonum's blas64.Gemv at the
// sizes of the benchmarked networks.
func BenchmarkMulVec(b *testing.B) {
	for _, s := range matSizes {
		m := NewMat(s[0], s[1])
		g := rng.New(1)
		g.FillUniform(m.Data, -1, 1)
		x := make([]float64, s[1])
		g.FillUniform(x, 0, 1)
		dst := make([]float64, s[0])
		if useAVX2 {
			b.Run(fmt.Sprintf("avx2/%dx%d", s[0], s[1]), func(b *testing.B) {
				for b.Loop() {
					m.mulVec(dst, x)
				}
			})
		}
		b.Run(fmt.Sprintf("loops/%dx%d", s[0], s[1]), func(b *testing.B) {
			for b.Loop() {
				m.mulVecLoops(dst, x)
			}
		})
		b.Run(fmt.Sprintf("gonum/%dx%d", s[0], s[1]), func(b *testing.B) {
			a := blas64.General{Rows: m.Rows, Cols: m.Cols, Stride: m.Cols, Data: m.Data}
			xv := blas64.Vector{N: len(x), Inc: 1, Data: x}
			yv := blas64.Vector{N: len(dst), Inc: 1, Data: dst}
			for b.Loop() {
				blas64.Gemv(blas.NoTrans, 1, a, xv, 0, yv)
			}
		})
	}
}
