package microcircuit

import (
	"math"
	"testing"

	"palmc/rng"
)

func randVec(g *rng.RandomState, n int, lo, hi float64) []float64 {
	x := make([]float64, n)
	g.FillUniform(x, lo, hi)
	return x
}

func sameBits(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}

// The logistic rates are math.Exp's bit for bit, kernel or not, also where
// some arguments are out of the kernel's range.
func TestLogisticToMatchesMathExp(t *testing.T) {
	g := rng.New(3)
	for _, r := range [][2]float64{{-1, 1}, {-40, 40}, {-690, 690}, {-750, 750}} {
		for n := 0; n <= 41; n++ {
			for rep := 0; rep < 200; rep++ {
				x := randVec(g, n, r[0], r[1])
				for _, s := range []float64{-1, -0.625, 1} {
					// Guards after dst catch stores past its end.
					guarded := append(make([]float64, n), 7, 7, 7)
					got := guarded[:n]
					logisticTo(got, s, x)
					if g := guarded[n:]; g[0] != 7 || g[1] != 7 || g[2] != 7 {
						t.Fatalf("n=%d: logisticTo wrote past the end", n)
					}
					for i, v := range x {
						if want := 1 / (1 + math.Exp(s*v)); math.Float64bits(got[i]) != math.Float64bits(want) {
							t.Fatalf("n=%d: 1/(1+exp(%v·%v)) = %v, want %v", n, s, v, got[i], want)
						}
					}
				}
			}
		}
	}
	x := []float64{math.NaN(), 0, 1, 2}
	got := make([]float64, 4)
	logisticTo(got, -1, x)
	if !math.IsNaN(got[0]) || got[1] != 0.5 {
		t.Errorf("logistic of NaN, 0 = %v", got[:2])
	}
}

// guardedMat returns a rows×cols matrix holding data, followed in memory by
// three guard values that checkGuards checks.
func guardedMat(rows, cols int, data []float64) Mat {
	d := append(make([]float64, 0, rows*cols+3), data...)
	d = append(d, 7, 7, 7)
	return Mat{Rows: rows, Cols: cols, Data: d[:rows*cols]}
}

// checkGuards fails if a kernel wrote past the end of a guardedMat.
func checkGuards(t *testing.T, name string, ms ...Mat) {
	t.Helper()
	for _, m := range ms {
		if g := m.Data[len(m.Data) : len(m.Data)+3]; g[0] != 7 || g[1] != 7 || g[2] != 7 {
			t.Fatalf("%s %dx%d: wrote past the end", name, m.Rows, m.Cols)
		}
	}
}

// The outer-product updates give the bits of their Go loops.
func TestOuterUpdatesMatchLoops(t *testing.T) {
	g := rng.New(4)
	for rows := 0; rows <= 9; rows++ {
		for cols := 1; cols <= 13; cols++ {
			x, y := randVec(g, rows, -2, 2), randVec(g, cols, -2, 2)
			w0, l0 := randVec(g, rows*cols, -1, 1), randVec(g, rows*cols, -1, 1)
			a, b, reg := 0.37, 1e-4, 3e-6

			want := append([]float64(nil), w0...)
			for i := range x {
				for j := range y {
					want[i*cols+j] += a * (x[i] * y[j])
				}
			}
			m := guardedMat(rows, cols, w0)
			m.addOuter(a, x, y)
			checkGuards(t, "addOuter", m)
			if i := sameBits(m.Data, want); i >= 0 {
				t.Fatalf("addOuter %dx%d: [%d] = %v, want %v", rows, cols, i, m.Data[i], want[i])
			}

			want = append(want[:0], w0...)
			for i := range x {
				for j := range y {
					w := want[i*cols+j]
					want[i*cols+j] = w + (a*(x[i]*y[j]) - reg*w)
				}
			}
			m = guardedMat(rows, cols, w0)
			m.addOuterDecay(a, x, y, reg)
			checkGuards(t, "addOuterDecay", m)
			if i := sameBits(m.Data, want); i >= 0 {
				t.Fatalf("addOuterDecay %dx%d: [%d] = %v, want %v", rows, cols, i, m.Data[i], want[i])
			}

			want = append(want[:0], w0...)
			wantLo := append([]float64(nil), l0...)
			for i := range x {
				for j := range y {
					d := a * (x[i] * y[j])
					wantLo[i*cols+j] += b * (d - wantLo[i*cols+j])
					want[i*cols+j] += wantLo[i*cols+j]
				}
			}
			m = guardedMat(rows, cols, w0)
			lo := guardedMat(rows, cols, l0)
			m.addLowPassedOuter(lo, b, a, x, y)
			checkGuards(t, "addLowPassedOuter", m, lo)
			if i := sameBits(m.Data, want); i >= 0 {
				t.Fatalf("addLowPassedOuter %dx%d: [%d] = %v, want %v", rows, cols, i, m.Data[i], want[i])
			}
			if i := sameBits(lo.Data, wantLo); i >= 0 {
				t.Fatalf("addLowPassedOuter %dx%d: lo[%d] = %v, want %v", rows, cols, i, lo.Data[i], wantLo[i])
			}
		}
	}
}

// mulVec agrees with the row sums to round-off.
func TestMulVec(t *testing.T) {
	g := rng.New(5)
	for rows := 0; rows <= 9; rows++ {
		for cols := 1; cols <= 13; cols++ {
			m := Mat{Rows: rows, Cols: cols, Data: randVec(g, rows*cols, -1, 1)}
			x := randVec(g, cols, -1, 1)
			got := make([]float64, rows)
			m.mulVec(got, x)
			for i := range got {
				s, abs := 0.0, 0.0
				for j := range x {
					s += m.Data[i*cols+j] * x[j]
					abs += math.Abs(m.Data[i*cols+j] * x[j])
				}
				if d := math.Abs(got[i] - s); d > 4*float64(cols)*0x1p-53*abs {
					t.Fatalf("mulVec %dx%d: [%d] = %v, row sum %v", rows, cols, i, got[i], s)
				}
			}
		}
	}
}

func BenchmarkLogisticTo(b *testing.B) {
	x := randVec(rng.New(1), 90, -3, 3) // the 90 neurons of Fig. 3
	dst := make([]float64, len(x))
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				dst[i] = 1 / (1 + math.Exp(-v))
			}
		}
	})
	b.Run("logisticTo", func(b *testing.B) {
		for b.Loop() {
			logisticTo(dst, -1, x)
		}
	})
}

// mulVec2 agrees with the sum of the two products to round-off.
func TestMulVec2(t *testing.T) {
	g := rng.New(6)
	for rows := 0; rows <= 9; rows++ {
		for cols := 1; cols <= 13; cols++ {
			a := Mat{Rows: rows, Cols: cols, Data: randVec(g, rows*cols, -1, 1)}
			b := Mat{Rows: rows, Cols: cols, Data: randVec(g, rows*cols, -1, 1)}
			xa, xb := randVec(g, cols, -1, 1), randVec(g, cols, -1, 1)
			got, tmp := make([]float64, rows), make([]float64, rows)
			mulVec2(got, tmp, a, xa, b, xb)
			for i := range got {
				s, abs := 0.0, 0.0
				for j := 0; j < cols; j++ {
					s += a.Data[i*cols+j]*xa[j] + b.Data[i*cols+j]*xb[j]
					abs += math.Abs(a.Data[i*cols+j]*xa[j]) + math.Abs(b.Data[i*cols+j]*xb[j])
				}
				if d := math.Abs(got[i] - s); d > 8*float64(cols)*0x1p-53*abs {
					t.Fatalf("mulVec2 %dx%d: [%d] = %v, sum %v", rows, cols, i, got[i], s)
				}
			}
		}
	}
}

// mulVecLanes is the summation order of the AVX2 product kernels, in Go:
// each row in four lanes of fused multiply-adds over blocks of four
// columns, then (lane 0 + lane 1) + (lane 2 + lane 3) for the first
// rows&^3 rows and (lane 0 + lane 2) + (lane 1 + lane 3) for the others.
func mulVecLanes(dst []float64, m Mat, x []float64) {
	for i := range dst {
		var l [4]float64
		for j, xj := range x {
			l[j%4] = math.FMA(m.Data[i*m.Cols+j], xj, l[j%4])
		}
		if i < len(dst)&^3 {
			dst[i] = (l[0] + l[1]) + (l[2] + l[3])
		} else {
			dst[i] = (l[0] + l[2]) + (l[1] + l[3])
		}
	}
}

// The AVX2 product kernel sums in the order of mulVecLanes, bit for bit,
// whatever the number of rows.
func TestGemvKernelOrder(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2")
	}
	g := rng.New(8)
	for rows := 0; rows <= 21; rows++ {
		for cols := 4; cols <= 13; cols++ {
			m := Mat{Rows: rows, Cols: cols, Data: randVec(g, rows*cols, -1, 1)}
			x := randVec(g, cols, -1, 1)
			got, want := make([]float64, rows), make([]float64, rows)
			m.mulVec(got, x)
			mulVecLanes(want, m, x)
			if i := sameBits(got, want); i >= 0 {
				t.Fatalf("mulVec %dx%d: [%d] = %v, want %v", rows, cols, i, got[i], want[i])
			}
		}
	}
}

// The fused products and updates give the bits of the product followed by
// the update.
func TestFusedMatchesSeparate(t *testing.T) {
	g := rng.New(7)
	for rows := 0; rows <= 13; rows++ {
		for cols := 1; cols <= 13; cols++ {
			v, x, y := randVec(g, cols, -1, 1), randVec(g, rows, -2, 2), randVec(g, cols, -2, 2)
			w0, l0 := randVec(g, rows*cols, -1, 1), randVec(g, rows*cols, -1, 1)
			a, b := 0.37, 1e-4

			want := Mat{Rows: rows, Cols: cols, Data: append([]float64(nil), w0...)}
			wantLo := Mat{Rows: rows, Cols: cols, Data: append([]float64(nil), l0...)}
			wantV := make([]float64, rows)
			want.mulVec(wantV, v)
			want.addLowPassedOuter(wantLo, b, a, x, y)

			m, lo := guardedMat(rows, cols, w0), guardedMat(rows, cols, l0)
			got := make([]float64, rows)
			m.mulVecLowPassedOuter(got, v, lo, b, a, x, y)
			checkGuards(t, "mulVecLowPassedOuter", m, lo)
			if i := sameBits(got, wantV); i >= 0 {
				t.Fatalf("mulVecLowPassedOuter %dx%d: product[%d] = %v, want %v", rows, cols, i, got[i], wantV[i])
			}
			if i := sameBits(m.Data, want.Data); i >= 0 {
				t.Fatalf("mulVecLowPassedOuter %dx%d: m[%d] = %v, want %v", rows, cols, i, m.Data[i], want.Data[i])
			}
			if i := sameBits(lo.Data, wantLo.Data); i >= 0 {
				t.Fatalf("mulVecLowPassedOuter %dx%d: lo[%d] = %v, want %v", rows, cols, i, lo.Data[i], wantLo.Data[i])
			}
		}
	}
}

// Narrow products are the row sums of mulVecLoops, bit for bit.
func TestMulVecNarrowMatchesLoops(t *testing.T) {
	g := rng.New(9)
	for rows := 0; rows <= 9; rows++ {
		for cols := 1; cols <= 3; cols++ {
			a := Mat{Rows: rows, Cols: cols, Data: randVec(g, rows*cols, -1, 1)}
			b := Mat{Rows: rows, Cols: cols, Data: randVec(g, rows*cols, -1, 1)}
			xa, xb := randVec(g, cols, -1, 1), randVec(g, cols, -1, 1)
			want, tmp := make([]float64, rows), make([]float64, rows)
			a.mulVecLoops(want, xa)
			got := make([]float64, rows)
			a.mulVec(got, xa)
			if i := sameBits(got, want); i >= 0 {
				t.Fatalf("mulVec %dx%d: [%d] = %v, want %v", rows, cols, i, got[i], want[i])
			}
			b.mulVecLoops(tmp, xb)
			for i := range want {
				want[i] += tmp[i]
			}
			mulVec2(got, tmp, a, xa, b, xb)
			if i := sameBits(got, want); i >= 0 {
				t.Fatalf("mulVec2 %dx%d: [%d] = %v, want %v", rows, cols, i, got[i], want[i])
			}
		}
	}
}

// The element-wise kernels of the rates' errors, the OU noise and the
// high-pass filter give the bits of their Go loops, at every length, and
// write nothing past the end.
func TestElementwiseMatchLoops(t *testing.T) {
	g := rng.New(10)
	for n := 0; n <= 21; n++ {
		x, r, w := randVec(g, n, -5, 5), randVec(g, n, 0, 1), randVec(g, n, -3, 3)
		h0 := randVec(g, n, -1, 1)
		guard := func(name string, d []float64) {
			if e := d[n : n+3]; e[0] != 7 || e[1] != 7 || e[2] != 7 {
				t.Fatalf("%s n=%d: wrote past the end", name, n)
			}
		}
		buf := append(make([]float64, n), 7, 7, 7)
		for _, s := range []float64{-0.625, -200} { // -200: some out of the kernel's range
			logisticErrorTo(buf[:n], r, s, x)
			guard("logisticErrorTo", buf)
			for i := range x {
				if want := r[i] - 1/(1+math.Exp(s*x[i])); math.Float64bits(buf[i]) != math.Float64bits(want) {
					t.Fatalf("logisticErrorTo n=%d: [%d] = %v, want %v", n, i, buf[i], want)
				}
			}
		}

		buf = append(append(buf[:0], h0...), 7, 7, 7)
		ouStep(buf[:n], w, 10, -0.01, math.Sqrt(0.001), 0.05)
		guard("ouStep", buf)
		for i := range w {
			want := h0[i] + 10*(-0.01*h0[i]+math.Sqrt(0.001)*(0.05*w[i]))
			if math.Float64bits(buf[i]) != math.Float64bits(want) {
				t.Fatalf("ouStep n=%d: [%d] = %v, want %v", n, i, buf[i], want)
			}
		}

		buf = append(append(buf[:0], h0...), 7, 7, 7)
		highPassStep(buf[:n], r, x, 0.1)
		guard("highPassStep", buf)
		for i := range r {
			want := h0[i] + ((r[i] - x[i]) - 0.1*h0[i])
			if math.Float64bits(buf[i]) != math.Float64bits(want) {
				t.Fatalf("highPassStep n=%d: [%d] = %v, want %v", n, i, buf[i], want)
			}
		}
	}
}
