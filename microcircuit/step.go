package microcircuit

import "math"

// Switches turns the plasticity of one step on or off (docs/model.md §4).
type Switches struct {
	// LearnFW applies the WPP increments.
	LearnFW bool
	// LearnLat applies the WIP and BPI increments.
	LearnLat bool
	// LearnBW applies PAL's BPP increments and switches its noise on.
	LearnBW bool
}

// Observer looks at a network in the middle of a step, after the updates
// and before PAL's high-pass filter advances (docs/model.md §4 H). It must not modify
// the network.
type Observer interface {
	Observe(n *Network)
}

// Step advances the network by one Euler step dt with input rates r0 and an
// optional target for the output layer (nil: none). obs, if not nil, is
// called at the recording point of the step. The phases run in the order of
// the published code, which the recorded numbers depend on.
//
// The increments DWPP, DWIP, DBPP and DBPI are stored only in a step with
// an observer; other steps add them to the weights without storing them,
// and skip those that are neither applied nor observed (see plasticity).
func (n *Network) Step(r0, target []float64, sw Switches, obs Observer) {
	noisy := n.noisy
	n.Target = target
	if n.Cfg.PhaseSteps > 0 {
		n.nextPhase(sw)
	}
	n.keepPrevious()
	n.prospective(r0)
	n.dendrites(sw, obs != nil)
	if noisy && sw.LearnBW {
		n.drawNoise()
	}
	n.soma(target, sw)
	n.plasticity(sw, obs != nil)
	if obs != nil {
		n.observe(obs)
	}
	if noisy {
		n.highPass()
	}
}

// ActiveLayer returns the hidden layer that has noise and BPP learning in
// the current step with phased noise (Config.PhaseSteps > 0), or -1 when
// every hidden layer has them or the step does not learn BPP. It is valid
// during Step, for observers.
func (n *Network) ActiveLayer() int { return n.phase }

// keepPrevious keeps the rates, input and dendrites of the previous step
// (docs/model.md §4 A). Every one of them is overwritten in full later in the step,
// so the current and the old buffers trade places instead of being copied;
// only low-passed interneuron dendrites, which build on their previous
// value, are copied.
func (n *Network) keepPrevious() {
	n.RPBreve, n.RPBreveOld = n.RPBreveOld, n.RPBreve
	n.RIBreve, n.RIBreveOld = n.RIBreveOld, n.RIBreve
	n.r, n.rOld = n.rOld, n.r
	n.VBas, n.VBasOld = n.VBasOld, n.VBas
	n.VApi, n.VApiOld = n.VApiOld, n.VApi
	n.R0, n.R0Old = n.R0Old, n.R0
	if n.noisy && n.Cfg.InterLowPass {
		for k := range n.VDen {
			copy(n.VDenOld[k], n.VDen[k])
		}
	} else {
		n.VDen, n.VDenOld = n.VDenOld, n.VDen
	}
}

// prospective computes u_breve = u_old + taur·taueff·(u - u_old)/dt and the
// rates phi(u_breve), moves u into u_old and stores the input (docs/model.md §4 B).
func (n *Network) prospective(r0 []float64) {
	c := &n.Cfg
	breve(n.uBreve, n.u, n.uOld, n.tauBreve, c.Dt)
	if n.allLogistic {
		Logistic.PhiTo(n.r, n.uBreve)
	} else {
		for j := range n.UP {
			c.Activations[j].PhiTo(n.RPBreve[j], n.UPBreve[j])
		}
		for k := range n.UI {
			c.Activations[n.interMirror(k)].PhiTo(n.RIBreve[k], n.UIBreve[k])
		}
	}
	copy(n.R0, r0)
}

// breve sets dst = uOld + tau·(u - uOld)/dt, then uOld = u.
func breve(dst, u, uOld, tau []float64, dt float64) {
	if useAVX2 && len(dst) >= 4 {
		breveAVX2(&dst[0], &u[0], &uOld[0], &tau[0], len(dst), dt)
		return
	}
	u = u[:len(dst)]
	uOld = uOld[:len(dst)]
	tau = tau[:len(dst)]
	for i, v := range u {
		o := uOld[i]
		dst[i] = o + tau[i]*(v-o)/dt
		uOld[i] = v
	}
}

// dendrites computes the basal, interneuron-dendritic and apical potentials
// (docs/model.md §4 C); skipDendrites does the last two with skip connectivity.
// A basal product and the WPP update that follows it in the step are made
// in one pass where fusesForward allows.
func (n *Network) dendrites(sw Switches, observed bool) {
	c := &n.Cfg
	lazy := n.lazyBasal(sw, observed)
	for j, w := range n.WPP {
		if j == 0 && n.perSample {
			n.heldBasal(sw)
			continue
		}
		if j == 0 && lazy {
			continue
		}
		r := n.R0
		if j > 0 {
			r = n.RPBreve[j-1]
		}
		if !n.fusesForward(j, sw, observed) {
			w.mulVec(n.VBas[j], r)
			continue
		}
		w.mulVecLowPassedOuter(n.VBas[j], r, n.DWPPLO[j], c.Dt/c.TauLO, c.Dt*c.EtaFW[j], n.forwardPost(j), n.forwardPre(j))
		n.fused[j] = true
	}
	if n.skip {
		n.skipDendrites()
		return
	}
	pal := n.noisy
	for k := range n.WIP {
		if pal && c.InterLowPass {
			tmp, vden := n.postI[k], n.VDen[k]
			n.WIP[k].mulVec(tmp, n.RPBreve[k])
			a := c.Dt / c.TauLO
			for i, v := range tmp {
				vden[i] += a * (v - vden[i])
			}
		} else {
			n.WIP[k].mulVec(n.VDen[k], n.RPBreve[k])
		}
		n.apicalDendrites(k, n.RPBreve[k+1], n.RIBreve[k], pal)
	}
}

// drawNoise draws PAL's apical noise of every hidden layer (docs/model.md §5). The
// shared counter decides first which layers draw; their white values are
// then drawn in one batch, in layer order, which gives the same values as
// drawing layer by layer. Phased and adaptive noise (docs/model.md §11) are handled
// by drawNoiseSeedEra.
func (n *Network) drawNoise() {
	c := &n.Cfg
	if n.phase >= 0 || c.NoiseMode == NoiseUPAdaptive {
		n.drawNoiseSeedEra()
		return
	}
	H := c.H()
	m := 0
	for k := 0; k < H; k++ {
		n.draws[k] = n.NoiseCounter%c.NoiseHoldSteps == 0 || allZero(n.Noise[k])
		if n.draws[k] {
			n.NoiseCounter = 0
			m += len(n.Noise[k])
		}
		n.NoiseCounter++
	}
	if m == 0 {
		return
	}
	w := n.white[:m]
	if c.NoiseMode == NoiseConst {
		n.Rand.FillNormal(w, 0, 1)
	} else {
		s := n.absScale[:m]
		for k := 0; k < H; k++ {
			if !n.draws[k] {
				continue
			}
			src := n.UP[k]
			switch c.NoiseMode {
			case NoiseUPBreve:
				src = n.UPBreve[k]
			case NoiseVapi:
				src = n.VApi[k]
			}
			for i, v := range src {
				s[i] = math.Abs(v)
			}
			s = s[len(src):]
		}
		n.Rand.FillNormalScaled(w, 0, n.absScale[:m])
	}
	for k := 0; k < H; k++ {
		if !n.draws[k] {
			continue
		}
		m := len(n.Noise[k])
		n.noiseFromWhite(k, w[:m])
		w = w[m:]
	}
}

func allZero(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// soma computes the somatic increments and adds them (docs/model.md §4 E and the
// voltage part of G). Nothing between E and G reads the somatic voltages,
// so each voltage moves as soon as its increment is known.
func (n *Network) soma(target []float64, sw Switches) {
	c := &n.Cfg
	dt := c.Dt
	N := c.N()
	for k, u := range n.UI {
		somaStep(u, n.VDen[k], n.UPBreve[n.interMirror(k)], dt, n.taueffI, c.Gden, c.GnI)
	}
	for j := 0; j < N-1; j++ {
		a := n.VApi[j]
		if n.noisy && sw.LearnBW {
			a = n.VApiNoise[j]
		}
		somaStep(n.UP[j], n.VBas[j], a, dt, n.taueffP[j], c.Gbas, c.Gapi)
	}
	u, vbas := n.UP[N-1], n.VBas[N-1]
	if target != nil {
		somaStep(u, vbas, target, dt, n.taueffOut, c.Gbas, c.Gntgt)
		return
	}
	vbas = vbas[:len(u)]
	t, tn, gbas := n.taueffOut, n.taueffNo, c.Gbas
	for i, v := range u {
		u[i] = v + dt*(tn*gbas*vbas[i]-v)/t
	}
}

// somaStep moves the voltages u of a population by
// dt·(t·(g1·p + g2·q) - u)/t, the Euler step towards the voltage set by
// two conductance-weighted inputs p and q with effective time constant t.
func somaStep(u, p, q []float64, dt, t, g1, g2 float64) {
	if useAVX2 && len(u) >= 4 {
		somaAVX2(&u[0], &p[0], &q[0], len(u), dt, t, g1, g2)
		return
	}
	p, q = p[:len(u)], q[:len(u)]
	for i, v := range u {
		u[i] = v + dt*(t*(g1*p[i]+g2*q[i])-v)/t
	}
}

// plasticity computes the weight increments of docs/model.md §4 F and applies those
// whose switch is on (G). In a step with an observer every increment is
// computed into DWPP, DWIP, DBPI, DBPP and then added, as the published
// code does. Otherwise an applied increment is added as it is computed,
// without being stored, and one that is not applied is skipped, except for
// the parts that advance a filter (PAL's low-passed dWPP factors). The
// same arithmetic runs on both paths, so the weights do not depend on
// whether a step is observed.
func (n *Network) plasticity(sw Switches, observed bool) {
	c := &n.Cfg
	if c.Model == BP {
		// BP's weight transport reads WPP before this step changes it.
		n.backpropTransport()
	}
	for j := range n.WPP {
		if j == 0 && n.perSample {
			n.heldPlasticity(sw.LearnFW, observed)
			continue
		}
		n.forwardPlasticity(j, sw.LearnFW, observed)
	}
	for k := range n.BPI {
		n.lateralPlasticity(k, sw.LearnLat, observed)
	}
	switch c.Model {
	case PAL:
		for k := range n.BPP {
			if n.phase >= 0 && k != n.phase {
				n.sitOut(k, observed)
				continue
			}
			n.palPlasticity(k, sw.LearnBW, observed)
		}
	case DTPDRL:
		for k := range n.BPP {
			if n.phase >= 0 && k != n.phase {
				n.sitOut(k, observed)
				continue
			}
			n.dtpPlasticity(k, sw.LearnBW, observed)
		}
	}
}

// forwardPlasticity handles dWPP[j] = dt·eta_fw[j]·outer(e[j], p[j]) with
// PAL's optional low-pass filters (docs/model.md §4 F, G); the low-pass of
// the increments applies to BP and FA too with DWPPLowPassAllModels. A
// layer whose update dendrites already made (see fusesForward) is skipped.
func (n *Network) forwardPlasticity(j int, learn, observed bool) {
	if n.fused[j] {
		n.fused[j] = false
		return
	}
	c := &n.Cfg
	p, e := n.forwardFactors(j, learn || observed)
	if !learn && !observed {
		return
	}
	a := c.Dt * c.EtaFW[j]
	w := n.WPP[j]
	switch {
	case observed:
		d := n.DWPP[j]
		d.setOuter(a, e, p)
		if learn && n.lowPassFW {
			n.DWPPLO[j].addLowPass(c.Dt/c.TauLO, d)
			w.add(n.DWPPLO[j])
		} else if learn {
			w.add(d)
		}
	case learn && n.lowPassFW:
		w.addLowPassedOuter(n.DWPPLO[j], c.Dt/c.TauLO, a, e, p)
	case learn:
		w.addOuter(a, e, p)
	}
}

// forwardFactors returns the pre and post factors of dWPP[j], advancing
// PAL's low-pass filters of the factors, which advance every step
// (docs/model.md §4 F). The post factor is computed only when need is set
// or its filter advances; otherwise it is nil.
func (n *Network) forwardFactors(j int, need bool) (pre, post []float64) {
	c := &n.Cfg
	pal := n.noisy
	p := n.forwardPre(j)
	if pal && c.DWPPRLowPass {
		lo := n.PreLO[j][:len(p)]
		a := c.Dt / c.TauLO
		for i, v := range p {
			lo[i] += a * (v - lo[i])
		}
		p = lo
	}
	postLO := pal && c.DWPPPostLowPass && !c.DWPPRLowPass
	if !need && !postLO {
		return p, nil
	}
	e := n.forwardPost(j)
	if postLO {
		lo := n.PostLO[j][:len(e)]
		a := c.Dt / c.TauLO
		for i, v := range e {
			lo[i] += a * (v - lo[i])
		}
		e = lo
	}
	return p, e
}

// observe calls the observer of the step. With per-sample input weights
// it sees WPP[0] and DWPPLO[0] as they are after the step, computed into
// other matrices (see heldView), so that looking changes nothing.
func (n *Network) observe(obs Observer) {
	if !n.perSample {
		obs.Observe(n)
		return
	}
	w, lo := n.WPP[0], n.DWPPLO[0]
	n.WPP[0], n.DWPPLO[0] = n.heldView()
	obs.Observe(n)
	n.WPP[0], n.DWPPLO[0] = w, lo
}

// Look calls f with the network as an observer of its last step sees it:
// with per-sample input weights, WPP[0] and DWPPLO[0] hold their current
// values, computed into other matrices, and nothing of the network changes
// (Sync would fold the open sample into them, which changes later bits).
// f must not write the network or keep its matrices.
func (n *Network) Look(f func(n *Network)) {
	n.observe(lookFunc(f))
}

type lookFunc func(n *Network)

func (f lookFunc) Observe(n *Network) { f(n) }

// forwardPre returns the presynaptic factor p[j] of dWPP[j]: the previous
// step's input or rates of layer j-1.
func (n *Network) forwardPre(j int) []float64 {
	if j == 0 {
		return n.R0Old
	}
	return n.RPBreveOld[j-1]
}

// forwardPost computes the postsynaptic factor e[j] of dWPP[j] into
// n.post[j]: rP_breve[j] - phi(c·vbas_old[j]), or uP_breve[j] -
// c·vbas_old[j] without DWPPUseActivation. It reads only what the step's
// prospective phase has set.
func (n *Network) forwardPost(j int) []float64 {
	c := &n.Cfg
	e := n.post[j]
	if c.DWPPUseActivation {
		c.Activations[j].errorTo(e, n.RPBreve[j], n.cBas[j], n.VBasOld[j])
	} else {
		u, vb := n.UPBreve[j][:len(e)], n.VBasOld[j][:len(e)]
		cb := n.cBas[j]
		for i := range e {
			e[i] = u[i] - cb*vb[i]
		}
	}
	return e
}

// fusesForward reports whether this step's dendrites apply the WPP[j]
// update together with the basal product WPP[j]·r, in one pass over
// WPP[j] and dWPP_LO[j]: in a step that learns WPP and has no observer
// (which sees the increments), with low-passed increments and plain dWPP
// factors. The update reads only the rates of this step's prospective
// phase and the previous step's, and nothing between the dendrites and
// the plasticity reads WPP[j], except BP's weight transport of the layers
// above the first: those are left to forwardPlasticity.
func (n *Network) fusesForward(j int, sw Switches, observed bool) bool {
	c := &n.Cfg
	return sw.LearnFW && !observed && n.lowPassFW &&
		!(n.noisy && (c.DWPPRLowPass || c.DWPPPostLowPass)) &&
		(c.Model != BP || j == 0)
}

// lateralPlasticity handles dWIP[k] (when interneuron population k
// exists: with skip connectivity only k = 0) and dBPI[k] (docs/model.md §4 F, G).
// Population k mirrors layer InterMirror(k) and is driven by layer
// InterSource(k); BPI[k] carries the rates of population ApicalInter(k).
// With a zero learning rate the published increment is a zero matrix: it
// is neither computed nor added, and DWIP or DBPI is left at zero.
func (n *Network) lateralPlasticity(k int, learn, observed bool) {
	c := &n.Cfg
	switch {
	case k >= len(n.WIP):
		// No interneuron population k (skip connectivity).
	case c.EtaIP[k] == 0:
		if observed {
			clear(n.DWIP[k].Data)
		}
	case learn || observed:
		eta := c.EtaIP[k]
		e := n.postI[k]
		c.Activations[n.interMirror(k)].errorTo(e, n.RIBreve[k], n.cDen, n.VDenOld[k])
		a := c.Dt * eta
		pre := n.RPBreveOld[n.interSrc(k)]
		if observed {
			n.DWIP[k].setOuter(a, e, pre)
			if learn {
				n.WIP[k].add(n.DWIP[k])
			}
		} else {
			n.WIP[k].addOuter(a, e, pre)
		}
	}
	if eta := c.EtaPI[k]; eta == 0 {
		if observed {
			clear(n.DBPI[k].Data)
		}
	} else if learn || observed {
		// The increment a·((-vapi_old[i])·r[j]) is (-a)·(vapi_old[i]·r[j]),
		// the same bits: negation is exact and rounding is symmetric.
		a := -(c.Dt * eta)
		pre := n.RIBreveOld[n.apiInter(k)]
		if observed {
			n.DBPI[k].setOuter(a, n.VApiOld[k], pre)
			if learn {
				n.BPI[k].add(n.DBPI[k])
			}
		} else {
			n.BPI[k].addOuter(a, n.VApiOld[k], pre)
		}
	}
}

// palPlasticity handles PAL's dBPP[k] = dt·eta_bw·outer(noise, r_pre) -
// dt·alpha·eta_bw·R (docs/model.md §4 F, G).
func (n *Network) palPlasticity(k int, learn, observed bool) {
	c := &n.Cfg
	top := n.apiSrc(k)
	rPre := n.RPBreve[top]
	if c.PyrHiPass {
		rPre = n.RPBreveHI[top]
	}
	a := c.Dt * c.EtaBW[k]
	reg := c.Dt * c.Alpha[k] * c.EtaBW[k]
	if !observed && !c.VarphiRegularizer && !c.GateRegularizer {
		if learn {
			n.BPP[k].addOuterDecay(a, n.Noise[k], rPre, reg)
		}
		return
	}
	if !learn && !observed {
		return
	}
	d := n.DBPP[k]
	d.setOuter(a, n.Noise[k], rPre)
	n.regularise(k, d, rPre, reg)
	if learn {
		n.BPP[k].add(d)
	}
}

// regularise subtracts reg·R from the BPP[k] increment d: R = BPP[k]
// (plain), BPP[k] with the columns of non-positive r_pre left out
// (GateRegularizer), or diag(phi'(uP_breve[k]))·BPP[k]·diag(phi'(uP_breve of
// the feeding layer)) (VarphiRegularizer).
func (n *Network) regularise(k int, d Mat, rPre []float64, reg float64) {
	c := &n.Cfg
	b := n.BPP[k]
	cols := d.Cols
	switch {
	case c.VarphiRegularizer && n.apiSrc(k) == c.N()-1:
		// The published code weights the last hidden layer's regulariser
		// with the output layer's phi', which it never computes and keeps
		// at zero: that regulariser vanishes. With Skip every hidden layer
		// is fed by the output layer, and every such regulariser vanishes.
	case c.VarphiRegularizer:
		src := n.apiSrc(k)
		da, db := n.dPhiA[k], n.dPhiB[k]
		c.Activations[k].DerivFromRateTo(da, n.UPBreve[k], n.RPBreve[k])
		c.Activations[src].DerivFromRateTo(db, n.UPBreve[src], n.RPBreve[src])
		for i := 0; i < d.Rows; i++ {
			row, brow := d.Data[i*cols:(i+1)*cols], b.Data[i*cols:(i+1)*cols]
			for j := range row {
				row[j] -= reg * (da[i] * brow[j] * db[j])
			}
		}
	case c.GateRegularizer:
		for i := 0; i < d.Rows; i++ {
			row, brow := d.Data[i*cols:(i+1)*cols], b.Data[i*cols:(i+1)*cols]
			for j := range row {
				if rPre[j] > 0 {
					row[j] -= reg * brow[j]
				} else {
					row[j] -= reg * 0
				}
			}
		}
	default:
		for i, v := range b.Data {
			d.Data[i] -= reg * v
		}
	}
}

// highPass advances PAL's high-pass filter of the pyramidal rates,
// hi += (r - r_old) - dt/tauHP·hi, over all layers at once.
func (n *Network) highPass() {
	highPassStep(n.hi, n.r, n.rOld, n.Cfg.Dt/n.Cfg.TauHP)
}

// highPassStep sets hi[i] = h + ((r[i] - rOld[i]) - a·h), h = hi[i].
func highPassStep(hi, r, rOld []float64, a float64) {
	r, rOld = r[:len(hi)], rOld[:len(hi)]
	if useAVX2 && len(hi) > 0 {
		highPassAVX2(&hi[0], &r[0], &rOld[0], len(hi), a)
		return
	}
	for i, h := range hi {
		hi[i] = h + ((r[i] - rOld[i]) - a*h)
	}
}
