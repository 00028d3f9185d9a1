package microcircuit

import "math"

// The seed-era variants of the step (docs/model.md §11): skip connectivity, phased
// and adaptive noise, and the DTPDRL rule. Step dispatches to them once per
// step or per layer, so that the published path runs the code of step.go
// alone.

// nextPhase sets the active hidden layer of phased noise for this step,
// floor(BWSteps/PhaseSteps) mod H, and counts the step in BWSteps; without
// LearnBW no layer is active (-1).
//
//go:noinline
func (n *Network) nextPhase(sw Switches) {
	n.phase = -1
	if n.noisy && sw.LearnBW {
		n.phase = (n.BWSteps / n.Cfg.PhaseSteps) % n.Cfg.H()
		n.BWSteps++
	}
}

// skipDendrites computes the interneuron-dendritic and apical potentials
// with skip connectivity (docs/model.md §11): vden[0] = WIP[0]·rP_breve[N-2] and
// vapi[k] = BPP[k]·rP_breve[N-1] + BPI[k]·rI_breve[0].
func (n *Network) skipDendrites() {
	pal := n.noisy
	out := n.RPBreve[n.out]
	n.interDendrites(0, n.RPBreve[n.out-1], pal)
	for k := range n.VApi {
		n.apicalDendrites(k, out, n.RIBreve[0], pal)
	}
}

// interDendrites sets vden[i] = WIP[i]·r, or low-passes it towards that
// value (PAL with InterLowPass).
func (n *Network) interDendrites(i int, r []float64, pal bool) {
	c := &n.Cfg
	if pal && c.InterLowPass {
		tmp, vden := n.postI[i], n.VDen[i]
		n.WIP[i].mulVec(tmp, r)
		a := c.Dt / c.TauLO
		for i, v := range tmp {
			vden[i] += a * (v - vden[i])
		}
	} else {
		n.WIP[i].mulVec(n.VDen[i], r)
	}
}

// apicalDendrites sets vapi[k] = BPP[k]·r + BPI[k]·rI and, for PAL,
// vapi_noise[k] = vapi[k] + noise[k].
func (n *Network) apicalDendrites(k int, r, rI []float64, pal bool) {
	vapi := n.VApi[k]
	mulVec2(vapi, n.apiI[k], n.BPP[k], r, n.BPI[k], rI)
	if pal {
		noise, vn := n.Noise[k][:len(vapi)], n.VApiNoise[k][:len(vapi)]
		for i, v := range vapi {
			vn[i] = v + noise[i]
		}
	}
}

// drawNoiseSeedEra is drawNoise with phased or adaptive noise (docs/model.md §11).
// With phased noise only the active layer takes part: the others' noise is
// set to zero, they draw nothing and do not advance the shared counter.
// With adaptive noise the misalignment epsilon is updated first; a due draw
// of a layer whose epsilon_LO is at or below (1 - cos(noise_deg))/2 is a
// draw of zeros (the counter restarts, the noise is computed from white
// values 0, the generator is not used); above it, the white values are
// epsilon_LO·normal(0, |uP|).
func (n *Network) drawNoiseSeedEra() {
	c := &n.Cfg
	H := c.H()
	adaptive := c.NoiseMode == NoiseUPAdaptive
	if adaptive {
		n.updateEpsilon()
	}
	m := 0
	for k := 0; k < H; k++ {
		n.draws[k], n.quiet[k] = false, false
		if n.phase >= 0 && k != n.phase {
			clear(n.Noise[k])
			continue
		}
		n.draws[k] = n.NoiseCounter%c.NoiseHoldSteps == 0 || allZero(n.Noise[k])
		if n.draws[k] {
			n.NoiseCounter = 0
			n.quiet[k] = adaptive && !(n.EpsilonLO[k] > n.epsThresh)
			if !n.quiet[k] {
				m += len(n.Noise[k])
			}
		}
		n.NoiseCounter++
	}
	w := n.white[:m]
	switch {
	case m == 0:
	case c.NoiseMode == NoiseConst:
		n.Rand.FillNormal(w, 0, 1)
	default:
		n.fillScaledWhite(w)
	}
	for k := 0; k < H; k++ {
		if !n.draws[k] {
			continue
		}
		size := len(n.Noise[k])
		var wk []float64
		if n.quiet[k] {
			wk = n.absScale[:size]
			clear(wk)
		} else {
			wk = w[:size]
			w = w[size:]
		}
		if adaptive {
			eps := n.EpsilonLO[k]
			for i, v := range wk {
				wk[i] = eps * v
			}
		}
		n.noiseFromWhite(k, wk)
	}
}

// fillScaledWhite draws w, the white values of the layers that draw, from
// normal(0, |x|) element by element, x being uP, uP_breve or vapi of each
// such layer as NoiseMode says (uP for NoiseUPAdaptive).
func (n *Network) fillScaledWhite(w []float64) {
	c := &n.Cfg
	s := n.absScale[:len(w)]
	for k := range n.draws {
		if !n.draws[k] || n.quiet[k] {
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
	n.Rand.FillNormalScaled(w, 0, n.absScale[:len(w)])
}

// noiseFromWhite sets noise[k] from its white values wk (docs/model.md §5):
// noise_scale·wk held, or one Ornstein–Uhlenbeck step driven by it, as the
// last loop of drawNoise does.
func (n *Network) noiseFromWhite(k int, wk []float64) {
	c := &n.Cfg
	noise := n.Noise[k]
	wk = wk[:len(noise)]
	scale := c.NoiseScale[k]
	switch c.NoiseType {
	case HoldWhiteNoise:
		for i, v := range wk {
			noise[i] = scale * v
		}
	case OU:
		ouStep(noise, wk, 1/c.Tauxi, -c.Dt, math.Sqrt(c.Dt*c.Tauxi), scale)
	}
}

// ouStep sets noise[i] += a·(negdt·noise[i] + b·(scale·w[i])), one
// Ornstein–Uhlenbeck step with a = 1/tauxi, negdt = -dt and b =
// sqrt(dt·tauxi).
func ouStep(noise, w []float64, a, negdt, b, scale float64) {
	w = w[:len(noise)]
	if useAVX2 && len(noise) > 0 {
		ouAVX2(&noise[0], &w[0], len(noise), a, negdt, b, scale)
		return
	}
	for i, v := range w {
		noise[i] += a * (negdt*noise[i] + b*(scale*v))
	}
}

// updateEpsilon advances the misalignment of adaptive noise (docs/model.md §11):
// epsilon[k] = (1 - cos(uP_breve[k], BPP[k]·r_top))/2, with r_top the rate
// of the layer feeding BPP[k] and cos(a, b) = a·b/(‖a‖‖b‖), taken as 0 when
// either vector is zero; epsilon_LO[k] += dt/taueps·(epsilon[k] - epsilon_LO[k]).
func (n *Network) updateEpsilon() {
	c := &n.Cfg
	a := c.Dt / c.Taueps
	for k := range n.Epsilon {
		v := n.bppR[k]
		n.BPP[k].mulVec(v, n.RPBreve[n.apiSrc(k)])
		u := n.UPBreve[k][:len(v)]
		var dot, nu, nv float64
		for i, x := range v {
			dot += u[i] * x
			nu += u[i] * u[i]
			nv += x * x
		}
		cos := 0.0
		if nu > 0 && nv > 0 {
			cos = dot / (math.Sqrt(nu) * math.Sqrt(nv))
		}
		n.Epsilon[k] = (1 - cos) / 2
		n.EpsilonLO[k] += a * (n.Epsilon[k] - n.EpsilonLO[k])
	}
}

// sitOut is the BPP plasticity of hidden layer k in a step where phased
// noise has another layer active: no update, and DBPP[k] = 0 for an
// observer.
func (n *Network) sitOut(k int, observed bool) {
	if observed {
		clear(n.DBPP[k].Data)
	}
}

// bppPre returns r_pre of the BPP[k] update: the rate of the layer feeding
// BPP[k], high-passed with PyrHiPass.
func (n *Network) bppPre(k int) []float64 {
	if n.Cfg.PyrHiPass {
		return n.RPBreveHI[n.apiSrc(k)]
	}
	return n.RPBreve[n.apiSrc(k)]
}

// dtpPlasticity handles the seed-era DTPDRL rule (docs/model.md §11):
// dBPP[k] = -dt·eta_bw·outer(BPP[k]·r_pre - noise[k], r_pre) - dt·alpha·eta_bw·R,
// the first term only while noise[k] is non-zero. Without PyrHiPass the
// bracket is vapi[k] - noise[k]: BPI[k]·rI_breve is added to BPP[k]·r_pre.
// R is PAL's regulariser. The increment is always computed into DBPP[k],
// also in steps without an observer.
func (n *Network) dtpPlasticity(k int, learn, observed bool) {
	c := &n.Cfg
	if !learn && !observed {
		return
	}
	rPre := n.bppPre(k)
	d := n.DBPP[k]
	if noise := n.Noise[k]; allZero(noise) {
		clear(d.Data)
	} else {
		br := n.bppR[k]
		if c.PyrHiPass {
			n.BPP[k].mulVec(br, rPre)
		} else {
			copy(br, n.VApi[k])
		}
		for i, v := range noise[:len(br)] {
			br[i] -= v
		}
		d.setOuter(-c.Dt*c.EtaBW[k], br, rPre)
	}
	n.regularise(k, d, rPre, c.Dt*c.Alpha[k]*c.EtaBW[k])
	if learn {
		n.BPP[k].add(d)
	}
}
