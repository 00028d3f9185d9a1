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
// V_k = Σ a·c_i·e_i. A step then costs vectors of the hidden size.
//
// The columns of WPP[0] are handled in blocks of four. A segment's blocks
// are those where p or δ is not zero. When the input changes, one pass
// over the rows writes the ending segment into its blocks and takes W·p
// and lo·p over the new input's blocks; the matrices are not touched in
// between. A block outside the segments only decays its low-passed
// increments: it owes those learning steps, which are made in closed form,
// lo ← d^n·lo and W ← W + G_n·lo, when the block is next read. The numbers
// differ from the per-step update by round-off.
//
// The state of the scheme (the segment's vectors and scalars, and the
// learning steps each block holds) is part of the network's state
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
	// done holds, per block of four columns, the learning steps its W and
	// lo have made.
	done []float64
	// sc holds the scalars, indexed by the sc constants.
	sc []float64

	// Not state: the evaluation product W·r0 of the last step without
	// learning and its input; scratch for the blocks of a pass and their
	// closed-form factors; the matrices an Observer sees.
	cache, cacheIn []float64
	cacheOK        bool
	ops            []int32
	factors        []float64 // fg, fp of each op
	scratchW       []float64 // products of passes that keep wp and lp
	scratchL       []float64
	blocks         []int32
	viewW, viewLO  Mat
}

// A pass over the rows of WPP[0] and DWPPLO[0] works on a list of blocks of
// four columns, each with what to do to it, in this order: write the
// ending segment into it (opClose), make the learning steps it owes
// (opSettle, with the factors fg = d + … + d^n and fp = d^n), and take it
// into W·p and lo·p (opProduct). An entry of the list is the block's
// number times 8 plus these bits.
const (
	opClose = 1 << iota
	opSettle
	opProduct
	opShift = 3
)

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
	nb := (n0 + 3) / 4
	h := &n.held
	h.p, h.delta, h.cacheIn = make([]float64, n0), make([]float64, n0), make([]float64, n0)
	h.done = make([]float64, nb)
	h.ops, h.factors, h.blocks = make([]int32, 0, nb), make([]float64, 0, 2*nb), make([]int32, nb)
	h.wp, h.lp, h.cache = make([]float64, n1), make([]float64, n1), make([]float64, n1)
	h.scratchW, h.scratchL = make([]float64, n1), make([]float64, n1)
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
			n.pass(false)
		}
		if h.cacheOK && equalBits(n.R0, h.cacheIn) {
			copy(vb, h.cache)
			return
		}
		n.settle(n.R0, nil)
		n.productActive(vb, n.WPP[0], n.R0)
		copy(h.cache, vb)
		copy(h.cacheIn, n.R0)
		h.cacheOK = true
		return
	}
	h.cacheOK = false
	if h.sc[scOpen] == 0 || !equalBits(n.R0, h.p) {
		n.pass(true)
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
		nb := activeBlocksAVX2(&n.held.blocks[0], &x[0], &x[0], m.Cols/4)
		gemvBlocksAVX2(&dst[0], &m.Data[0], m.Rows, m.Cols, &x[0], &n.held.blocks[0], nb)
		return
	}
	m.mulVec(dst, x)
}

// nonZeroBlock reports whether x or y has a non-zero entry in block b.
func nonZeroBlock(x, y []float64, b int) bool {
	for j := 4 * b; j < min(4*b+4, len(x)); j++ {
		if x[j] != 0 || (y != nil && y[j] != 0) {
			return true
		}
	}
	return false
}

// pass is one pass over the rows of WPP[0] and DWPPLO[0]: it writes the
// open segment, if any, into its blocks, and with open it starts a segment
// of the input r0: the blocks of r0 make the steps they owe, and W·p and
// lo·p are taken.
func (n *Network) pass(open bool) {
	h := &n.held
	sc := h.sc
	k := sc[scK]
	closing := sc[scOpen] != 0 && k > 0
	sc[scOpen], sc[scK] = 0, 0
	now := sc[scSteps] + k
	ops, f := h.ops[:0], h.factors[:0]
	for b := range h.done {
		code := int32(0)
		if closing && nonZeroBlock(h.p, h.delta, b) {
			code |= opClose
			h.done[b] = now
		}
		fg, fp := 0.0, 1.0
		if open && nonZeroBlock(n.R0, nil, b) {
			code |= opProduct
			if n.lowPassFW && h.done[b] < now {
				code |= opSettle
				fp, fg = n.owedFactors(now - h.done[b])
				h.done[b] = now
			}
		}
		if code != 0 {
			ops = append(ops, int32(b)<<opShift|code)
			f = append(f, fg, fp)
		}
	}
	h.ops, h.factors = ops, f
	sc[scSteps] = now
	n.passRows(n.WPP[0], n.DWPPLO[0], n.R0)
	if !open {
		return
	}
	if !n.lowPassFW {
		clear(h.lp)
	}
	copy(h.p, n.R0)
	pp := 0.0
	for _, x := range n.R0 {
		pp += x * x
	}
	clear(h.u)
	clear(h.v)
	clear(h.su)
	clear(h.sv)
	sc[scOpen], sc[scK], sc[scP], sc[scG], sc[scC], sc[scPP], sc[scDP] = 1, 0, 1, 0, 1, pp, 0
}

// passRows does the ops of held.ops to the rows of w and lo (see opClose),
// with the segment's vectors and scalars and the new input r, and sets
// wp[i] and lp[i] to the sums of the products of row i over the opProduct
// blocks. Each sum is taken in four lanes, one per column of a block,
// added as (lane 0 + lane 2) + (lane 1 + lane 3); every other value with
// one rounding per operation, in the order of the expressions below. The
// AVX2 kernel heldPassAVX2 makes the same operations: the same bits.
func (n *Network) passRows(w, lo Mat, r []float64) {
	h := &n.held
	sc := h.sc
	g, pk := sc[scG], sc[scP]
	cn := w.Cols
	if len(h.ops) == 0 {
		clear(h.wp)
		clear(h.lp)
		return
	}
	if useAVX2 && cn%4 == 0 {
		heldPassAVX2(&w.Data[0], &lo.Data[0], w.Rows, cn, &h.ops[0], len(h.ops), &h.factors[0],
			&h.p[0], &h.delta[0], &r[0], &h.u[0], &h.v[0], &h.su[0], &h.sv[0], g, pk, b2i(n.lowPassFW), &h.wp[0], &h.lp[0])
		return
	}
	n.passRowsGo(w, lo, r)
}

// passRowsGo is passRows in Go.
func (n *Network) passRowsGo(w, lo Mat, r []float64) {
	h := &n.held
	g, pk := h.sc[scG], h.sc[scP]
	cn := w.Cols
	p, d, r := h.p[:cn], h.delta[:cn], r[:cn]
	for i := 0; i < w.Rows; i++ {
		row, lrow := w.Data[i*cn:(i+1)*cn], lo.Data[i*cn:(i+1)*cn]
		ui, vi, si, ti := h.u[i], h.v[i], h.su[i], h.sv[i]
		var aw, al [4]float64
		for t, code := range h.ops {
			j0 := int(code>>opShift) * 4
			fg, fp := h.factors[2*t], h.factors[2*t+1]
			for j := j0; j < min(j0+4, cn); j++ {
				if code&opClose != 0 {
					if n.lowPassFW {
						l := lrow[j]
						row[j] = row[j] + g*l + si*p[j] + ti*d[j]
						lrow[j] = pk*l + ui*p[j] + vi*d[j]
					} else {
						row[j] = row[j] + si*p[j] + ti*d[j]
					}
				}
				if code&opSettle != 0 {
					l := lrow[j]
					row[j] = row[j] + fg*l
					lrow[j] = fp * l
				}
				if code&opProduct != 0 {
					aw[j-j0] = aw[j-j0] + row[j]*r[j]
					al[j-j0] = al[j-j0] + lrow[j]*r[j]
				}
			}
		}
		h.wp[i] = (aw[0] + aw[2]) + (aw[1] + aw[3])
		h.lp[i] = (al[0] + al[2]) + (al[1] + al[3])
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
		// The first step: its pre factor is p + δ. The blocks of δ outside
		// p's were written when the last segment ended, but for a filtered
		// pre factor or a segment that follows steps without learning.
		p, d := h.p, h.delta[:len(h.p)]
		pre = pre[:len(p)]
		for i, x := range p {
			d[i] = pre[i] - x
		}
		n.settle(d, p)
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

// settle makes the learning steps that the blocks where x is not zero owe
// (blocks where skip is not zero are not looked at): their low-passed
// increments decay, lo ← d^n·lo, and are added, W ← W + (d + … + d^n)·lo.
// With x nil it settles every block.
func (n *Network) settle(x, skip []float64) {
	if !n.lowPassFW {
		return
	}
	h := &n.held
	now := h.sc[scSteps]
	ops, f := h.ops[:0], h.factors[:0]
	for b := range h.done {
		if h.done[b] >= now || (x != nil && !nonZeroBlock(x, nil, b)) || (skip != nil && nonZeroBlock(skip, nil, b)) {
			continue
		}
		fp, fg := n.owedFactors(now - h.done[b])
		h.done[b] = now
		ops = append(ops, int32(b)<<opShift|opSettle)
		f = append(f, fg, fp)
	}
	h.ops, h.factors = ops, f
	if len(ops) == 0 {
		return
	}
	wp, lp := h.wp, h.lp
	// passRows sets the products, which a settle does not change: it
	// writes them into scratch.
	h.wp, h.lp = h.scratchW, h.scratchL
	n.passRows(n.WPP[0], n.DWPPLO[0], n.R0)
	h.wp, h.lp = wp, lp
}

// owedFactors returns d^s and d + … + d^s = d·(1-d^s)/b for s learning
// steps, d = 1-b, b = dt/tauLO, computed without cancellation.
func (n *Network) owedFactors(s float64) (float64, float64) {
	b := n.Cfg.Dt / n.Cfg.TauLO
	l := s * math.Log1p(-b)
	return math.Exp(l), (1 - b) * -math.Expm1(l) / b
}

// syncHeld writes the open segment and makes every block's owed steps, so
// that WPP[0] and DWPPLO[0] hold the current values and may be written.
func (n *Network) syncHeld() {
	h := &n.held
	h.cacheOK = false
	if h.sc[scOpen] != 0 {
		n.pass(false)
	}
	n.settle(nil, nil)
}

// heldView computes into the view matrices what WPP[0] and DWPPLO[0] would
// hold after syncHeld, without changing the network: the same bits.
func (n *Network) heldView() (Mat, Mat) {
	h := &n.held
	vw, vl := h.viewW, h.viewLO
	copy(vw.Data, n.WPP[0].Data)
	copy(vl.Data, n.DWPPLO[0].Data)
	sc := h.sc
	k := 0.0
	if sc[scOpen] != 0 {
		k = sc[scK]
	}
	now := sc[scSteps] + k
	ops, f := h.ops[:0], h.factors[:0]
	for b := range h.done {
		code := int32(0)
		fg, fp := 0.0, 1.0
		if k > 0 && nonZeroBlock(h.p, h.delta, b) {
			code = opClose
		} else if n.lowPassFW && h.done[b] < now {
			code = opSettle
			fp, fg = n.owedFactors(now - h.done[b])
		}
		if code != 0 {
			ops = append(ops, int32(b)<<opShift|code)
			f = append(f, fg, fp)
		}
	}
	h.ops, h.factors = ops, f
	wp, lp := h.wp, h.lp
	h.wp, h.lp = h.scratchW, h.scratchL
	n.passRows(vw, vl, h.p)
	h.wp, h.lp = wp, lp
	return vw, vl
}
