//go:build amd64 && !purego

package rng

import "golang.org/x/sys/cpu"

// useAVX2 selects the AVX2 kernels of mt_amd64.s.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

//go:noescape
func twistAVX2(mt *uint32, off, chunks int)

//go:noescape
func temperAVX2(out, mt *uint32, n int)

//go:noescape
func polarAVX2(out *uint32, m int, x1, x2, r2 *float64, n int) (consumed, accepted int)

//go:noescape
func polarFactorAVX2(ln, r2 *float64, n int)
