//go:build !amd64 || purego

package rng

// useAVX2 is false: the Go loops of rng.go run.
const useAVX2 = false

func twistAVX2(mt *uint32, off, chunks int) { panic("rng: no AVX2 kernels") }

func temperAVX2(out, mt *uint32, n int) { panic("rng: no AVX2 kernels") }

func polarAVX2(out *uint32, m int, x1, x2, r2 *float64, n int) (consumed, accepted int) {
	panic("rng: no AVX2 kernels")
}

func polarFactorAVX2(ln, r2 *float64, n int) { panic("rng: no AVX2 kernels") }
