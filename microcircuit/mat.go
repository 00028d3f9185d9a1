package microcircuit

// Mat is a dense row-major matrix: entry (i, j) is Data[i*Cols+j]. It is the
// layout numpy uses for the published arrays, so a Mat fills from a
// generator in the same order as numpy's uniform(size=(rows, cols)).
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

// mulVec sets dst = m·x.
func (m Mat) mulVec(dst, x []float64) {
	if len(dst) != m.Rows || len(x) != m.Cols {
		panic("microcircuit: shape mismatch in mulVec")
	}
	c := m.Cols
	for i := range dst {
		row := m.Data[i*c : i*c+c]
		s := 0.0
		for j, w := range row {
			s += w * x[j]
		}
		dst[i] = s
	}
}

// setOuter sets m = a·outer(x, y), computed as a·(x[i]·y[j]) like numpy's
// scalar times np.outer.
func (m Mat) setOuter(a float64, x, y []float64) {
	if len(x) != m.Rows || len(y) != m.Cols {
		panic("microcircuit: shape mismatch in setOuter")
	}
	c := m.Cols
	for i, xi := range x {
		row := m.Data[i*c : i*c+c]
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
