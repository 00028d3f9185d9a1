package microcircuit

// Mat is a dense row-major matrix: entry (i, j) is Data[i*Cols+j]. It is the
// layout numpy uses for the published arrays, so a Mat fills from a
// generator in the same order as numpy's uniform(size=(rows, cols)).
//
// The matrix-vector products of the dendrites use the AVX2 kernel of
// kernels_amd64.s for four columns or more, and hand-written Go loops
// otherwise (and without AVX2), not gonum's blas64.Gemv: measured
// (BenchmarkMulVec, best of 5, AMD EPYC), the kernel takes 12-20 ns for
// the 5×20 to 20×10 matrices of the Fig. 3 network where Gemv takes 28-47
// ns and the loops 36-63 ns, 0.46 µs against 0.70 µs (loops 1.7 µs) for
// 10×500 and 37 µs against 50 µs (loops 88 µs) for 500×784; for the 1×1
// matrices of Fig. 4 the loops take 4 ns and Gemv 16 ns, most of it the
// cost of the call.
type Mat struct {
	Rows, Cols int
	Data       []float64
}

// NewMat returns a zero rows×cols matrix.
func NewMat(rows, cols int) Mat {
	return Mat{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
}

// Row returns row i as a slice sharing Data.
func (m Mat) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// Clone returns a deep copy of m.
func (m Mat) Clone() Mat {
	return Mat{Rows: m.Rows, Cols: m.Cols, Data: append([]float64(nil), m.Data...)}
}

// CopyFrom sets m = src; the shapes must agree.
func (m Mat) CopyFrom(src Mat) {
	if m.Rows != src.Rows || m.Cols != src.Cols {
		panic("microcircuit: shape mismatch in CopyFrom")
	}
	copy(m.Data, src.Data)
}

// SetTranspose sets m = srcᵀ.
func (m Mat) SetTranspose(src Mat) {
	if m.Rows != src.Cols || m.Cols != src.Rows {
		panic("microcircuit: shape mismatch in SetTranspose")
	}
	for i := 0; i < src.Rows; i++ {
		row := src.Data[i*src.Cols : (i+1)*src.Cols]
		for j, v := range row {
			m.Data[j*m.Cols+i] = v
		}
	}
}

// setTransposeNeg sets m = srcᵀ and neg = -1·srcᵀ in one pass (the same
// numbers as SetTranspose followed by neg.SetScaled(-1, m)).
func setTransposeNeg(m, neg, src Mat) {
	if m.Rows != src.Cols || m.Cols != src.Rows || neg.Rows != m.Rows || neg.Cols != m.Cols {
		panic("microcircuit: shape mismatch in setTransposeNeg")
	}
	c := src.Cols
	d, e := m.Data, neg.Data[:len(m.Data)]
	for i := 0; i < src.Rows; i++ {
		row := src.Data[i*c : (i+1)*c]
		k := i
		for _, v := range row {
			d[k] = v
			e[k] = -1 * v
			k += m.Cols
		}
	}
}

// setTransposeMul sets m = aᵀ·b, each entry summed over the rows of a and
// b in order. m must not share memory with a or b.
func (m Mat) setTransposeMul(a, b Mat) {
	if a.Rows != b.Rows || m.Rows != a.Cols || m.Cols != b.Cols {
		panic("microcircuit: shape mismatch in setTransposeMul")
	}
	clear(m.Data)
	c := m.Cols
	for l := 0; l < a.Rows; l++ {
		arow := a.Data[l*a.Cols : (l+1)*a.Cols]
		brow := b.Data[l*c : (l+1)*c]
		for i, ai := range arow {
			row := m.Data[i*c : (i+1)*c]
			for j, bj := range brow {
				row[j] += ai * bj
			}
		}
	}
}

// SetScaled sets m = a·src.
func (m Mat) SetScaled(a float64, src Mat) {
	if len(m.Data) != len(src.Data) {
		panic("microcircuit: shape mismatch in SetScaled")
	}
	d := m.Data[:len(src.Data)]
	for i, v := range src.Data {
		d[i] = a * v
	}
}

// mulVec sets dst = m·x. With AVX2 and at least four columns, the AVX2
// kernel sums each row in four lanes of fused multiply-adds; otherwise
// mulVecLoops sums each row from its first column to its last. The two
// differ by round-off.
func (m Mat) mulVec(dst, x []float64) {
	if len(dst) != m.Rows || len(x) != m.Cols {
		panic("microcircuit: shape mismatch in mulVec")
	}
	if useAVX2 && len(x) >= 4 && len(dst) > 0 {
		gemvAVX2(&dst[0], &m.Data[0], len(dst), len(x), &x[0])
		return
	}
	if len(x) < 4 {
		m.mulVecNarrow(dst, x)
		return
	}
	m.mulVecLoops(dst, x)
}

// mulVecNarrow is mulVecLoops for a matrix of one to three columns, with
// the columns of x held in registers: each entry is summed along its row
// from the first column to the last, the same bits.
func (m Mat) mulVecNarrow(dst, x []float64) {
	switch len(x) {
	case 1:
		x0 := x[0]
		for i, v := range m.Data[:len(dst)] {
			s := 0.0
			s += v * x0
			dst[i] = s
		}
	case 2:
		x0, x1 := x[0], x[1]
		d := m.Data[:2*len(dst)]
		for i := range dst {
			r := d[2*i : 2*i+2 : 2*i+2]
			s := 0.0
			s += r[0] * x0
			s += r[1] * x1
			dst[i] = s
		}
	case 3:
		x0, x1, x2 := x[0], x[1], x[2]
		d := m.Data[:3*len(dst)]
		for i := range dst {
			r := d[3*i : 3*i+3 : 3*i+3]
			s := 0.0
			s += r[0] * x0
			s += r[1] * x1
			s += r[2] * x2
			dst[i] = s
		}
	}
}

// mulVecLoops sets dst = m·x, each entry summed along its row from the
// first column to the last. Four rows are summed side by side, which keeps
// that order but lets the four sums proceed in parallel.
func (m Mat) mulVecLoops(dst, x []float64) {
	c := len(x)
	d := m.Data[:len(dst)*c]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		r0 := d[i*c:][:c]
		r1 := d[(i+1)*c:][:c]
		r2 := d[(i+2)*c:][:c]
		r3 := d[(i+3)*c:][:c]
		var s0, s1, s2, s3 float64
		for j, xj := range x {
			s0 += r0[j] * xj
			s1 += r1[j] * xj
			s2 += r2[j] * xj
			s3 += r3[j] * xj
		}
		dst[i], dst[i+1], dst[i+2], dst[i+3] = s0, s1, s2, s3
	}
	for ; i < len(dst); i++ {
		row := d[i*c:][:c]
		s := 0.0
		for j, xj := range x {
			s += row[j] * xj
		}
		dst[i] = s
	}
}

// mulVec2 sets dst = a·xa + b·xb for matrices of the same shape. The Go
// loops compute the two products into dst and tmp and add them; the AVX2
// kernel sums both in the same lanes. The two differ by round-off.
func mulVec2(dst, tmp []float64, a Mat, xa []float64, b Mat, xb []float64) {
	if a.Rows != b.Rows || a.Cols != b.Cols || len(xa) != a.Cols || len(xb) != b.Cols || len(dst) != a.Rows {
		panic("microcircuit: shape mismatch in mulVec2")
	}
	if useAVX2 && a.Cols >= 4 && len(dst) > 0 {
		gemv2AVX2(&dst[0], &a.Data[0], &b.Data[0], len(dst), a.Cols, &xa[0], &xb[0])
		return
	}
	if a.Cols == 3 {
		// mulVecNarrow of both, added, in one loop: the same bits.
		a0, a1, a2, b0, b1, b2 := xa[0], xa[1], xa[2], xb[0], xb[1], xb[2]
		da, db := a.Data[:3*len(dst)], b.Data[:3*len(dst)]
		for i := range dst {
			ra, rb := da[3*i:3*i+3:3*i+3], db[3*i:3*i+3:3*i+3]
			s := 0.0
			s += ra[0] * a0
			s += ra[1] * a1
			s += ra[2] * a2
			t := 0.0
			t += rb[0] * b0
			t += rb[1] * b1
			t += rb[2] * b2
			dst[i] = s + t
		}
		return
	}
	a.mulVec(dst, xa)
	b.mulVec(tmp, xb)
	tmp = tmp[:len(dst)]
	for i := range dst {
		dst[i] += tmp[i]
	}
}

// setOuter sets m = a·outer(x, y), computed as a·(x[i]·y[j]) like numpy's
// scalar times np.outer.
func (m Mat) setOuter(a float64, x, y []float64) {
	if len(x) != m.Rows || len(y) != m.Cols {
		panic("microcircuit: shape mismatch in setOuter")
	}
	c := len(y)
	for i, xi := range x {
		row := m.Data[i*c:][:c]
		for j, yj := range y {
			row[j] = a * (xi * yj)
		}
	}
}

// add sets m += d.
func (m Mat) add(d Mat) {
	md := m.Data
	for i, v := range d.Data[:len(md)] {
		md[i] += v
	}
}

// addLowPass sets m += b·(d - m), a low-pass filter step towards d.
func (m Mat) addLowPass(b float64, d Mat) {
	md := m.Data
	for i, v := range d.Data[:len(md)] {
		md[i] += b * (v - md[i])
	}
}

// addOuter sets m += a·outer(x, y), the same as setOuter into a scratch
// matrix followed by add, in one pass.
func (m Mat) addOuter(a float64, x, y []float64) {
	if len(x) != m.Rows || len(y) != m.Cols {
		panic("microcircuit: shape mismatch in addOuter")
	}
	c := len(y)
	if useAVX2 && c >= 4 && len(x) > 0 {
		addOuterAVX2(&m.Data[0], len(x), c, &x[0], &y[0], a)
		return
	}
	if c == 3 {
		// Three columns: four rows at a time in a kernel, the rest with
		// the columns in registers.
		y0, y1, y2 := y[0], y[1], y[2]
		d := m.Data[:3*len(x)]
		i := 0
		if useAVX2 && len(x) >= 4 {
			yp := [12]float64{y0, y1, y2, y0, y1, y2, y0, y1, y2, y0, y1, y2}
			i = len(x) &^ 3
			addOuter3AVX2(&d[0], i/4, &x[0], &yp[0], a)
		}
		for ; i < len(x); i++ {
			xi := x[i]
			row := d[3*i : 3*i+3 : 3*i+3]
			row[0] += a * (xi * y0)
			row[1] += a * (xi * y1)
			row[2] += a * (xi * y2)
		}
		return
	}
	for i, xi := range x {
		row := m.Data[i*c:][:c]
		for j, yj := range y {
			row[j] += a * (xi * yj)
		}
	}
}

// addOuterDecay sets m += a·outer(x, y) - reg·m in one pass: PAL's BPP
// update with its plain regulariser.
func (m Mat) addOuterDecay(a float64, x, y []float64, reg float64) {
	if len(x) != m.Rows || len(y) != m.Cols {
		panic("microcircuit: shape mismatch in addOuterDecay")
	}
	c := len(y)
	if useAVX2 && c >= 4 && len(x) > 0 {
		addOuterDecayAVX2(&m.Data[0], len(x), c, &x[0], &y[0], a, reg)
		return
	}
	if c == 3 {
		// Three columns: four rows at a time in a kernel, the rest with
		// the columns in registers.
		y0, y1, y2 := y[0], y[1], y[2]
		d := m.Data[:3*len(x)]
		i := 0
		if useAVX2 && len(x) >= 4 {
			yp := [12]float64{y0, y1, y2, y0, y1, y2, y0, y1, y2, y0, y1, y2}
			i = len(x) &^ 3
			addOuterDecay3AVX2(&d[0], i/4, &x[0], &yp[0], a, reg)
		}
		for ; i < len(x); i++ {
			xi := x[i]
			row := d[3*i : 3*i+3 : 3*i+3]
			w0, w1, w2 := row[0], row[1], row[2]
			row[0] = w0 + (a*(xi*y0) - reg*w0)
			row[1] = w1 + (a*(xi*y1) - reg*w1)
			row[2] = w2 + (a*(xi*y2) - reg*w2)
		}
		return
	}
	for i, xi := range x {
		row := m.Data[i*c:][:c]
		for j, yj := range y {
			w := row[j]
			row[j] = w + (a*(xi*yj) - reg*w)
		}
	}
}

// addLowPassedOuter advances the low-pass filter lo += b·(d - lo) of the
// increment d = a·outer(x, y) and adds the filtered value, m += lo, in one
// pass: PAL's low-passed WPP update.
func (m Mat) addLowPassedOuter(lo Mat, b, a float64, x, y []float64) {
	if len(x) != m.Rows || len(y) != m.Cols || len(lo.Data) != len(m.Data) {
		panic("microcircuit: shape mismatch in addLowPassedOuter")
	}
	c := len(y)
	if useAVX2 && c >= 4 && len(x) > 0 {
		addLowPassedOuterAVX2(&m.Data[0], &lo.Data[0], len(x), c, &x[0], &y[0], b, a)
		return
	}
	for i, xi := range x {
		row := m.Data[i*c:][:c]
		lrow := lo.Data[i*c:][:c]
		for j, yj := range y {
			l := lrow[j]
			l += b * (a*(xi*yj) - l)
			lrow[j] = l
			row[j] += l
		}
	}
}

// mulVecLowPassedOuter sets dst = m·v and then advances m and lo as
// addLowPassedOuter does, in one pass over m and lo where the AVX2 kernel
// runs: the same bits as mulVec followed by addLowPassedOuter.
func (m Mat) mulVecLowPassedOuter(dst, v []float64, lo Mat, b, a float64, x, y []float64) {
	if len(dst) != m.Rows || len(v) != m.Cols || len(x) != m.Rows || len(y) != m.Cols || len(lo.Data) != len(m.Data) {
		panic("microcircuit: shape mismatch in mulVecLowPassedOuter")
	}
	if useAVX2 && len(v) >= 4 && len(dst) > 0 {
		gemvLowPassedOuterAVX2(&dst[0], &m.Data[0], &lo.Data[0], len(dst), len(v), &v[0], &x[0], &y[0], b, a)
		return
	}
	m.mulVec(dst, v)
	m.addLowPassedOuter(lo, b, a, x, y)
}
