package microcircuit

import (
	"bytes"
	"math"
	"unsafe"
)

// Per-sample input weights (Config.InputUpdate = PerSample, docs/model.md §4 I).
//
// While the input r0 is held, the presynaptic factor of dWPP[0] is the same
// vector p in every step but the first, and the low-pass of the increments
// is linear. With b = dt/tauLO, d = 1-b, a = dt·eta_fw[0], e_k the post
// factor of step k of a segment of held input and pre_k = p + c_k·δ its pre
// factor (δ = q - p and c_1 = 1, c_k = 0 after it, q the input of the step
// before the segment; with dWPP_r_low_pass δ = r_LO after the first step
// minus p and c_k = d^(k-1)), the state after k steps, from W, lo at the
// segment's start, is
//
//	lo_k = d^k·lo + u_k·pᵀ + v_k·δᵀ      u_k = d·u_(k-1) + b·a·e_k,  v_k = d·v_(k-1) + b·a·c_k·e_k
//	W_k  = W + G_k·lo + U_k·pᵀ + V_k·δᵀ  G_k = d + … + d^k,  U_k = u_1 + … + u_k,  V_k likewise
//	W_k·p = W·p + G_k·(lo·p) + (p·p)·U_k + (δ·p)·V_k
//
// and without the low-pass W_k = W + U_k·pᵀ + V_k·δᵀ with U_k = Σ a·e_i,
// V_k = Σ a·c_i·e_i. A step then costs vectors of the hidden size. The
// matrices are read for the two products W·p and lo·p when a segment opens
// and written when it closes (the input changes, a step does not learn, or
// Sync), for the columns where p or δ is not zero. Columns whose input is
// zero only decay their low-passed increments: they owe those learning
// steps, which are made in closed form, lo ← d^n·lo and W ← W + G_n·lo, when
// the column is next read. The numbers differ from the per-step update by
// round-off.
//
// The state of the scheme (the segment's vectors and scalars, and the
// learning steps each column holds) is part of the network's state
// (StateVecs), so that a copy or a checkpoint goes on bit for bit; an
// Observer sees WPP[0] and DWPPLO[0] as they are after the step, computed
// into other matrices, so that looking changes nothing either.

// held is the state of the per-sample update of WPP[0].
type held struct {
	// p is the held input of the open segment and delta the direction of
	// its pre factors besides p (n0 each).
	p, delta []float64
	// wp = W·p and lp = lo·p at the segment's start (n1 each).
	wp, lp []float64
	// u, v and their sums su, sv (U and V above; n1 each).
	u, v, su, sv []float64
	// done holds, per column, the learning steps its W and lo have made.
	done []float64
	// sc holds the scalars, indexed by the sc constants.
	sc []float64

	// Not state: the evaluation product W·r0 of the last step without
	// learning and its input, scratch for active columns and closed-form
	// factors, and the matrices an Observer sees.
	cache, cacheIn []float64
	cacheOK        bool
	cols           []int32
	fp, fg         []float64
	viewW, viewLO  Mat
}

// Indices into held.sc.
const (
	scOpen  = iota // 1 while a segment is open
	scK            // steps made in the open segment
	scP            // d^k
	scG            // d + … + d^k
	scC            // c of the next step's pre factor
	scPP           // p·p
	scDP           // δ·p
	scSteps        // learning steps made, the clock of done
	scCount
)

// allocHeld sets up the per-sample scheme of an n0-input, n1-row WPP[0].
func (n *Network) allocHeld() {
	n0, n1 := n.Cfg.Layers[0], n.Cfg.Layers[1]
	h := &n.held
	h.p, h.delta, h.done = make([]float64, n0), make([]float64, n0), make([]float64, n0)
	h.cacheIn, h.fp, h.fg = make([]float64, n0), make([]float64, n0), make([]float64, n0)
	h.cols = make([]int32, n0)
	h.wp, h.lp, h.cache = make([]float64, n1), make([]float64, n1), make([]float64, n1)
	h.u, h.v, h.su, h.sv = make([]float64, n1), make([]float64, n1), make([]float64, n1), make([]float64, n1)
	h.sc = make([]float64, scCount)
	h.viewW, h.viewLO = NewMat(n1, n0), NewMat(n1, n0)
}

// heldStateVecs names the state of the scheme (see StateVecs).
func (n *Network) heldStateVecs() []StateVec {
	h := &n.held
	one := func(v []float64) [][]float64 { return [][]float64{v} }
	return []StateVec{
		{"held_p", one(h.p)}, {"held_delta", one(h.delta)},
		{"held_Wp", one(h.wp)}, {"held_LOp", one(h.lp)},
		{"held_u", one(h.u)}, {"held_v", one(h.v)}, {"held_U", one(h.su)}, {"held_V", one(h.sv)},
		{"held_done", one(h.done)}, {"held_scalars", one(h.sc)},
	}
}

// equalBits reports whether a and b hold the same bits.
func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return true
	}
	return bytes.Equal(unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), 8*len(a)),
		unsafe.Slice((*byte)(unsafe.Pointer(&b[0])), 8*len(b)))
}

// heldBasal computes vbas[0] = WPP[0]·r0 in a step of the per-sample
// scheme: from the open segment while it learns, once per input while it
// does not.
func (n *Network) heldBasal(sw Switches) {
	h := &n.held
	vb := n.VBas[0]
	if !sw.LearnFW {
		if h.sc[scOpen] != 0 {
			n.closeSegment()
		}
		if h.cacheOK && equalBits(n.R0, h.cacheIn) {
			copy(vb, h.cache)
			return
		}
		n.settle(n.R0)
		n.productActive(vb, n.WPP[0], n.R0)
		copy(h.cache, vb)
		copy(h.cacheIn, n.R0)
		h.cacheOK = true
		return
	}
	h.cacheOK = false
	if h.sc[scOpen] != 0 && !equalBits(n.R0, h.p) {
		n.closeSegment()
	}
	if h.sc[scOpen] == 0 {
		n.openSegment()
		copy(vb, h.wp)
		return
	}
	g, pp, dp := h.sc[scG], h.sc[scPP], h.sc[scDP]
	wp, lp, su, sv := h.wp, h.lp[:len(h.wp)], h.su[:len(h.wp)], h.sv[:len(h.wp)]
	vb = vb[:len(wp)]
	for i, w := range wp {
		vb[i] = w + g*lp[i] + pp*su[i] + dp*sv[i]
	}
}

// productActive sets dst = m·x, skipping the four-column blocks of zero
// input where the AVX2 kernels run (the same bits as mulVec, see lazy.go).
func (n *Network) productActive(dst []float64, m Mat, x []float64) {
	if useAVX2 && m.Cols%4 == 0 && m.Rows > 0 {
		nb := activeBlocksAVX2(&n.held.cols[0], &x[0], &x[0], m.Cols/4)
		gemvBlocksAVX2(&dst[0], &m.Data[0], m.Rows, m.Cols, &x[0], &n.held.cols[0], nb)
		return
	}
	m.mulVec(dst, x)
}

// openSegment starts a segment of held input r0: the columns it reads
// make the steps they owe, and W·p and lo·p are taken.
func (n *Network) openSegment() {
	h := &n.held
	copy(h.p, n.R0)
	n.settle(h.p)
	n.productActive(h.wp, n.WPP[0], h.p)
	if n.lowPassFW {
		n.productActive(h.lp, n.DWPPLO[0], h.p)
	} else {
		clear(h.lp)
	}
	pp := 0.0
	for _, x := range h.p {
		pp += x * x
	}
	clear(h.u)
	clear(h.v)
	clear(h.su)
	clear(h.sv)
	sc := h.sc
	sc[scOpen], sc[scK], sc[scP], sc[scG], sc[scC], sc[scPP], sc[scDP] = 1, 0, 1, 0, 1, pp, 0
}

// heldPlasticity makes the dWPP[0] part of a step of the per-sample
// scheme: the filters that advance every step, dWPP[0] itself when
// observed, and the segment's vectors when learning.
func (n *Network) heldPlasticity(learn, observed bool) {
	c := &n.Cfg
	h := &n.held
	pre, e := n.forwardFactors(0, learn || observed)
	if !learn && !observed {
		return
	}
	a := c.Dt * c.EtaFW[0]
	if observed {
		n.DWPP[0].setOuter(a, e, pre)
	}
	if !learn {
		return
	}
	sc := h.sc
	if sc[scK] == 0 {
		// The first step: its pre factor is p + δ.
		p, d := h.p, h.delta[:len(h.p)]
		pre = pre[:len(p)]
		for i, x := range p {
			d[i] = pre[i] - x
		}
		n.settle(d)
		dp := 0.0
		for i, x := range d {
			dp += x * p[i]
		}
		sc[scDP] = dp
	}
	ck := sc[scC]
	u, v, su, sv := h.u, h.v[:len(h.u)], h.su[:len(h.u)], h.sv[:len(h.u)]
	e = e[:len(u)]
	if n.lowPassFW {
		b := c.Dt / c.TauLO
		d := 1 - b
		ba := b * a
		bac := ba * ck
		for i, x := range e {
			ui := d*u[i] + ba*x
			vi := d*v[i] + bac*x
			u[i], v[i] = ui, vi
			su[i] += ui
			sv[i] += vi
		}
		sc[scP] *= d
		sc[scG] += sc[scP]
	} else {
		ac := a * ck
		for i, x := range e {
			su[i] += a * x
			sv[i] += ac * x
		}
	}
	if n.noisy && c.DWPPRLowPass {
		sc[scC] = ck * (1 - c.Dt/c.TauLO)
	} else {
		sc[scC] = 0
	}
	sc[scK]++
}

// closeSegment writes the open segment into WPP[0] and DWPPLO[0]: the
// columns where p or δ is not zero take their new values, the others owe
// the segment's steps.
func (n *Network) closeSegment() {
	h := &n.held
	sc := h.sc
	k := sc[scK]
	sc[scOpen], sc[scK] = 0, 0
	if k == 0 {
		return
	}
	m := 0
	for j, x := range h.p {
		if x != 0 || h.delta[j] != 0 {
			h.cols[m] = int32(j)
			m++
		}
	}
	cols := h.cols[:m]
	w, lo := n.WPP[0], n.DWPPLO[0]
	p, d := h.p, h.delta
	cn := w.Cols
	if n.lowPassFW {
		g, pk := sc[scG], sc[scP]
		for i := 0; i < w.Rows; i++ {
			row, lrow := w.Data[i*cn:(i+1)*cn], lo.Data[i*cn:(i+1)*cn]
			ui, vi, si, ti := h.u[i], h.v[i], h.su[i], h.sv[i]
			for _, j := range cols {
				l := lrow[j]
				row[j] = row[j] + g*l + si*p[j] + ti*d[j]
				lrow[j] = pk*l + ui*p[j] + vi*d[j]
			}
		}
	} else {
		for i := 0; i < w.Rows; i++ {
			row := w.Data[i*cn : (i+1)*cn]
			si, ti := h.su[i], h.sv[i]
			for _, j := range cols {
				row[j] = row[j] + si*p[j] + ti*d[j]
			}
		}
	}
	now := sc[scSteps] + k
	for _, j := range cols {
		h.done[j] = now
	}
	sc[scSteps] = now
}

// settle makes the learning steps that the columns j with x[j] != 0 owe:
// their low-passed increments decay, lo ← d^n·lo, and are added,
// W ← W + (d + … + d^n)·lo.
func (n *Network) settle(x []float64) {
	if !n.lowPassFW {
		return
	}
	h := &n.held
	now := h.sc[scSteps]
	m := 0
	for j, v := range x {
		if v != 0 && h.done[j] < now {
			h.cols[m] = int32(j)
			h.fp[m], h.fg[m] = n.owedFactors(now - h.done[j])
			h.done[j] = now
			m++
		}
	}
	if m == 0 {
		return
	}
	cols, fp, fg := h.cols[:m], h.fp[:m], h.fg[:m]
	w, lo := n.WPP[0], n.DWPPLO[0]
	cn := w.Cols
	for i := 0; i < w.Rows; i++ {
		row, lrow := w.Data[i*cn:(i+1)*cn], lo.Data[i*cn:(i+1)*cn]
		for t, j := range cols {
			l := lrow[j]
			row[j] += fg[t] * l
			lrow[j] = fp[t] * l
		}
	}
}

// owedFactors returns d^s and d + … + d^s = d·(1-d^s)/b for s learning
// steps, d = 1-b, b = dt/tauLO, computed without cancellation.
func (n *Network) owedFactors(s float64) (float64, float64) {
	b := n.Cfg.Dt / n.Cfg.TauLO
	l := s * math.Log1p(-b)
	return math.Exp(l), (1 - b) * -math.Expm1(l) / b
}

// syncHeld closes the open segment and makes every column's owed steps,
// so that WPP[0] and DWPPLO[0] hold the current values and may be written.
func (n *Network) syncHeld() {
	h := &n.held
	if h.sc == nil {
		return
	}
	h.cacheOK = false
	if h.sc[scOpen] != 0 {
		n.closeSegment()
	}
	if !n.lowPassFW {
		return
	}
	// settle every column that owes steps.
	m := 0
	now := h.sc[scSteps]
	for j := range h.done {
		if h.done[j] < now {
			h.cols[m] = int32(j)
			h.fp[m], h.fg[m] = n.owedFactors(now - h.done[j])
			h.done[j] = now
			m++
		}
	}
	if m == 0 {
		return
	}
	cols, fp, fg := h.cols[:m], h.fp[:m], h.fg[:m]
	w, lo := n.WPP[0], n.DWPPLO[0]
	cn := w.Cols
	for i := 0; i < w.Rows; i++ {
		row, lrow := w.Data[i*cn:(i+1)*cn], lo.Data[i*cn:(i+1)*cn]
		for t, j := range cols {
			l := lrow[j]
			row[j] += fg[t] * l
			lrow[j] = fp[t] * l
		}
	}
}

// heldView computes into the view matrices what WPP[0] and DWPPLO[0] would
// hold after syncHeld, without changing the network: the same bits.
func (n *Network) heldView() (Mat, Mat) {
	h := &n.held
	w, lo := n.WPP[0], n.DWPPLO[0]
	vw, vl := h.viewW, h.viewLO
	copy(vw.Data, w.Data)
	copy(vl.Data, lo.Data)
	sc := h.sc
	k := sc[scK]
	if sc[scOpen] == 0 {
		k = 0
	}
	cn := w.Cols
	if k > 0 {
		p, d := h.p, h.delta
		g, pk := sc[scG], sc[scP]
		for i := 0; i < w.Rows; i++ {
			row, lrow := vw.Data[i*cn:(i+1)*cn], vl.Data[i*cn:(i+1)*cn]
			for j := range row {
				if p[j] == 0 && d[j] == 0 {
					continue
				}
				if n.lowPassFW {
					l := lrow[j]
					row[j] = row[j] + g*l + h.su[i]*p[j] + h.sv[i]*d[j]
					lrow[j] = pk*l + h.u[i]*p[j] + h.v[i]*d[j]
				} else {
					row[j] = row[j] + h.su[i]*p[j] + h.sv[i]*d[j]
				}
			}
		}
	}
	if !n.lowPassFW {
		return vw, vl
	}
	now := sc[scSteps] + k
	for j := range h.done {
		h.fp[j], h.fg[j] = 1, 0
		owed := now - h.done[j]
		if k > 0 && (h.p[j] != 0 || h.delta[j] != 0) {
			owed = 0
		}
		if owed > 0 {
			h.fp[j], h.fg[j] = n.owedFactors(owed)
		}
	}
	for i := 0; i < w.Rows; i++ {
		row, lrow := vw.Data[i*cn:(i+1)*cn], vl.Data[i*cn:(i+1)*cn]
		for j, g := range h.fg[:cn] {
			if g == 0 {
				continue
			}
			l := lrow[j]
			row[j] += g * l
			lrow[j] = h.fp[j] * l
		}
	}
	return vw, vl
}
