package microcircuit

// Lazy input columns (Config.LazyInputColumns).
//
// In a training step that fuses the product WPP[0]·r0 with the low-passed
// update (fusesForward), a column j of WPP[0] whose input r0[j] is zero in
// this step and in the previous one (the presynaptic factor of dWPP[0] is
// the previous step's input) adds nothing to the product, and its update
// is a pure decay of the low-passed increment, added to the weight:
//
//	lo[i,j] += dt/tauLO·(a·(e[i]·0) - lo[i,j]);  W[i,j] += lo[i,j]
//
// The work is done in blocks of four columns, the lanes of the kernels.
// A block with a non-zero input in either step is active and is handled as
// in the fused kernel; an idle block is left as it is and owes the step.
// Before an active block is touched again, and at Sync, the steps it owes
// are made one by one with the same operations (decayBlockAVX2), so the
// numbers are the same bits as when every step touches every column: what
// is saved is memory traffic, two reads and two writes of each skipped
// weight and low-passed increment per step, not arithmetic. Skipping a
// zero input in the product leaves the four lane sums as they are (each
// lane sum starts at +0 and can never become -0, so adding a zero product
// changes nothing). All this holds for finite weights and rates: an
// infinite weight or rate, whose product with zero is NaN, would spread
// NaN through the plain step but not through the lazy one.
//
// Steps of any other kind (with an observer, without WPP learning,
// evaluation) first Sync; evaluation steps then skip the blocks of zero
// input in the product too.

// lazyBlocks is the number of four-column blocks of WPP[0] the lazy scheme
// works on, 0 when it is off.
func (n *Network) lazyBlocks() int {
	cols := n.Cfg.Layers[0]
	if !n.Cfg.LazyInputColumns || n.Cfg.InputUpdate == PerSample || !useAVX2 || cols%4 != 0 {
		return 0
	}
	return cols / 4
}

// Sync brings WPP[0] and DWPPLO[0] up to date, so that both hold what the
// steps made so far give and may be read or written: the idle input blocks
// make the steps they owe (Config.LazyInputColumns, the same bits as if
// they had been made one by one), and with per-sample input weights the
// open segment is written and every column makes its owed steps
// (persample.go). The latter is exact only to round-off: a network that is
// synced in the middle of a sample goes on with numbers that differ in
// their last bits from those of one that is not. Copies (Clone),
// checkpoints and observers need no Sync and change nothing.
func (n *Network) Sync() {
	n.syncLazy()
	if n.perSample {
		n.syncHeld()
	}
}

// syncLazy makes the steps that the idle input blocks of WPP[0] and
// DWPPLO[0] owe (Config.LazyInputColumns), one by one with the same
// operations. It does nothing when nothing is owed.
func (n *Network) syncLazy() {
	if !n.owing {
		return
	}
	w, lo := n.WPP[0], n.DWPPLO[0]
	b := n.Cfg.Dt / n.Cfg.TauLO
	for k, done := range n.lazyDone {
		if owed := n.lazyStep - done; owed > 0 {
			decayBlockAVX2(&w.Data[4*k], &lo.Data[4*k], w.Rows, w.Cols, int(owed), b)
		}
		n.lazyDone[k] = n.lazyStep
	}
	n.owing = false
}

// lazyBasal computes the basal product of layer 0 when the lazy scheme is
// on, and in a step that fuses it, the update of WPP[0] and DWPPLO[0]
// (setting n.fused[0]); it reports whether it did.
func (n *Network) lazyBasal(sw Switches, observed bool) bool {
	if len(n.lazyDone) == 0 {
		return false
	}
	w, vbas := n.WPP[0], n.VBas[0]
	c := &n.Cfg
	if !n.fusesForward(0, sw, observed) {
		n.syncLazy()
		if observed {
			return false
		}
		m := activeBlocksAVX2(&n.blocks[0], &n.R0[0], &n.R0[0], len(n.lazyDone))
		gemvBlocksAVX2(&vbas[0], &w.Data[0], w.Rows, w.Cols, &n.R0[0], &n.blocks[0], m)
		return true
	}
	lo, b := n.DWPPLO[0], c.Dt/c.TauLO
	m := activeBlocksAVX2(&n.blocks[0], &n.R0[0], &n.R0Old[0], len(n.lazyDone))
	for _, k := range n.blocks[:m] {
		if owed := n.lazyStep - n.lazyDone[k]; owed > 0 {
			decayBlockAVX2(&w.Data[4*k], &lo.Data[4*k], w.Rows, w.Cols, int(owed), b)
		}
		n.lazyDone[k] = n.lazyStep + 1
	}
	n.lazyStep++
	n.owing = n.owing || m < len(n.lazyDone)
	e, p := n.forwardPost(0), n.forwardPre(0)
	gemvLowPassedOuterBlocksAVX2(&vbas[0], &w.Data[0], &lo.Data[0], w.Rows, w.Cols,
		&n.R0[0], &e[0], &p[0], b, c.Dt*c.EtaFW[0], &n.blocks[0], m)
	n.fused[0] = true
	return true
}
