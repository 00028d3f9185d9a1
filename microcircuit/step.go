package microcircuit

import "math"

// Switches turns the plasticity of one step on or off (SPEC §4).
type Switches struct {
	// LearnFW applies the WPP increments.
	LearnFW bool
	// LearnLat applies the WIP and BPI increments.
	LearnLat bool
	// LearnBW applies PAL's BPP increments and switches its noise on.
	LearnBW bool
}

// Observer looks at a network in the middle of a step, after the updates
// and before PAL's high-pass filter advances (SPEC §4 H). It must not modify
// the network.
type Observer interface {
	Observe(n *Network)
}

// Step advances the network by one Euler step dt with input rates r0 and an
// optional target for the output layer (nil: none). obs, if not nil, is
// called at the recording point of the step. The phases run in the order of
// the published code, which the recorded numbers depend on.
func (n *Network) Step(r0, target []float64, sw Switches, obs Observer) {
	n.Target = target
	n.keepPrevious()
	n.prospective(r0)
	n.dendrites()
	if n.Cfg.Model == PAL && sw.LearnBW {
		n.drawNoise()
	}
	n.somaIncrements(target, sw)
	n.weightIncrements()
	n.apply(sw)
	if obs != nil {
		obs.Observe(n)
	}
	if n.Cfg.Model == PAL {
		n.highPass()
	}
}

// keepPrevious stores the rates, input and dendrites of the previous step.
func (n *Network) keepPrevious() {
	for j := range n.RPBreve {
		copy(n.RPBreveOld[j], n.RPBreve[j])
		copy(n.VBasOld[j], n.VBas[j])
	}
	for k := range n.RIBreve {
		copy(n.RIBreveOld[k], n.RIBreve[k])
		copy(n.VDenOld[k], n.VDen[k])
		copy(n.VApiOld[k], n.VApi[k])
	}
	copy(n.R0Old, n.R0)
}

// prospective computes u_breve = u_old + taur·taueff·(u - u_old)/dt and the
// rates phi(u_breve), stores the input and moves u into u_old.
func (n *Network) prospective(r0 []float64) {
	dt, taur := n.Cfg.Dt, n.Cfg.Taur
	for j := range n.UP {
		breve(n.UPBreve[j], n.UP[j], n.UPOld[j], taur*n.taueffP[j], dt)
		n.Cfg.Activations[j].PhiTo(n.RPBreve[j], n.UPBreve[j])
		copy(n.UPOld[j], n.UP[j])
	}
	for k := range n.UI {
		breve(n.UIBreve[k], n.UI[k], n.UIOld[k], taur*n.taueffI, dt)
		n.Cfg.Activations[k+1].PhiTo(n.RIBreve[k], n.UIBreve[k])
		copy(n.UIOld[k], n.UI[k])
	}
	copy(n.R0, r0)
}

func breve(dst, u, uOld []float64, tau, dt float64) {
	u = u[:len(dst)]
	uOld = uOld[:len(dst)]
	for i := range dst {
		dst[i] = uOld[i] + tau*(u[i]-uOld[i])/dt
	}
}

// dendrites computes the basal, interneuron-dendritic and apical potentials.
func (n *Network) dendrites() {
	n.WPP[0].mulVec(n.VBas[0], n.R0)
	for j := 1; j < len(n.WPP); j++ {
		n.WPP[j].mulVec(n.VBas[j], n.RPBreve[j-1])
	}
	pal := n.Cfg.Model == PAL
	for k := range n.WIP {
		if pal && n.Cfg.InterLowPass {
			tmp := n.postI[k]
			n.WIP[k].mulVec(tmp, n.RPBreve[k])
			a := n.Cfg.Dt / n.Cfg.TauLO
			for i, v := range tmp {
				n.VDen[k][i] += a * (v - n.VDen[k][i])
			}
		} else {
			n.WIP[k].mulVec(n.VDen[k], n.RPBreve[k])
		}
		vapi := n.VApi[k]
		tmp := n.negVapi[k]
		n.BPP[k].mulVec(vapi, n.RPBreve[k+1])
		n.BPI[k].mulVec(tmp, n.RIBreve[k])
		for i := range vapi {
			vapi[i] += tmp[i]
		}
		if pal {
			noise := n.Noise[k]
			for i, v := range vapi {
				n.VApiNoise[k][i] = v + noise[i]
			}
		}
	}
}

// drawNoise draws PAL's apical noise of every hidden layer (SPEC §5).
func (n *Network) drawNoise() {
	c := &n.Cfg
	for k := 0; k < c.H(); k++ {
		noise := n.Noise[k]
		if allZero(noise) || n.NoiseCounter%c.NoiseHoldSteps == 0 {
			n.NoiseCounter = 0
			w := n.white[k]
			switch c.NoiseMode {
			case NoiseConst:
				n.Rand.FillNormal(w, 0, 1)
			default:
				src := n.UP[k]
				switch c.NoiseMode {
				case NoiseUPBreve:
					src = n.UPBreve[k]
				case NoiseVapi:
					src = n.VApi[k]
				}
				s := n.absScale[k]
				for i, v := range src {
					s[i] = math.Abs(v)
				}
				n.Rand.FillNormalScaled(w, 0, s)
			}
			scale := c.NoiseScale[k]
			switch c.NoiseType {
			case HoldWhiteNoise:
				for i, v := range w {
					noise[i] = scale * v
				}
			case OU:
				a := 1 / c.Tauxi
				b := math.Sqrt(c.Dt * c.Tauxi)
				for i, v := range w {
					noise[i] += a * (-c.Dt*noise[i] + b*(scale*v))
				}
			}
		}
		n.NoiseCounter++
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

// somaIncrements computes duP and duI from the dendritic potentials.
func (n *Network) somaIncrements(target []float64, sw Switches) {
	c := &n.Cfg
	dt := c.Dt
	N := c.N()
	for k := range n.UI {
		t := n.taueffI
		for i, u := range n.UI[k] {
			n.duI[k][i] = dt * (t*(c.Gden*n.VDen[k][i]+c.GnI*n.UPBreve[k+1][i]) - u) / t
		}
	}
	for j := 0; j < N-1; j++ {
		a := n.VApi[j]
		if c.Model == PAL && sw.LearnBW {
			a = n.VApiNoise[j]
		}
		t := n.taueffP[j]
		for i, u := range n.UP[j] {
			n.duP[j][i] = dt * (t*(c.Gbas*n.VBas[j][i]+c.Gapi*a[i]) - u) / t
		}
	}
	out, vbas, du := n.UP[N-1], n.VBas[N-1], n.duP[N-1]
	t := n.taueffOut
	if target != nil {
		for i, u := range out {
			du[i] = dt * (t*(c.Gbas*vbas[i]+c.Gntgt*target[i]) - u) / t
		}
	} else {
		for i, u := range out {
			du[i] = dt * (n.taueffNo*c.Gbas*vbas[i] - u) / t
		}
	}
}

// weightIncrements computes dWPP, dWIP, dBPI and dBPP (SPEC §4 F).
func (n *Network) weightIncrements() {
	c := &n.Cfg
	dt := c.Dt
	N, H := c.N(), c.H()
	pal := c.Model == PAL
	for j := 0; j < N; j++ {
		e := n.post[j]
		if c.DWPPUseActivation {
			c.Activations[j].PhiScaledTo(e, n.cBas[j], n.VBasOld[j])
			for i, r := range n.RPBreve[j] {
				e[i] = r - e[i]
			}
		} else {
			for i, u := range n.UPBreve[j] {
				e[i] = u - n.cBas[j]*n.VBasOld[j][i]
			}
		}
		p := n.R0Old
		if j > 0 {
			p = n.RPBreveOld[j-1]
		}
		if pal && c.DWPPRLowPass {
			lo := n.PreLO[j]
			a := dt / c.TauLO
			for i, v := range p {
				lo[i] += a * (v - lo[i])
			}
			p = lo
		}
		if pal && c.DWPPPostLowPass && !c.DWPPRLowPass {
			lo := n.PostLO[j]
			a := dt / c.TauLO
			for i, v := range e {
				lo[i] += a * (v - lo[i])
			}
			e = lo
		}
		n.pre[j] = p
		n.DWPP[j].setOuter(dt*c.EtaFW[j], e, p)
	}
	for k := 0; k < H; k++ {
		e := n.postI[k]
		c.Activations[k+1].PhiScaledTo(e, n.cDen, n.VDenOld[k])
		for i, r := range n.RIBreve[k] {
			e[i] = r - e[i]
		}
		n.DWIP[k].setOuter(dt*c.EtaIP[k], e, n.RPBreveOld[k])
		neg := n.negVapi[k]
		for i, v := range n.VApiOld[k] {
			neg[i] = -v
		}
		n.DBPI[k].setOuter(dt*c.EtaPI[k], neg, n.RIBreveOld[k])
	}
	switch c.Model {
	case BP:
		n.copyForwardToBackward()
		for k := 0; k < H; k++ {
			n.BPI[k].SetScaled(-1, n.BPP[k])
		}
	case PAL:
		for k := 0; k < H; k++ {
			n.palIncrement(k)
		}
	}
}

// palIncrement computes dBPP[k] = dt·eta_bw·outer(noise, r_pre) - dt·alpha·eta_bw·R.
func (n *Network) palIncrement(k int) {
	c := &n.Cfg
	dt := c.Dt
	rPre := n.RPBreve[k+1]
	if c.PyrHiPass {
		rPre = n.RPBreveHI[k+1]
	}
	d, b := n.DBPP[k], n.BPP[k]
	d.setOuter(dt*c.EtaBW[k], n.Noise[k], rPre)
	reg := dt * c.Alpha[k] * c.EtaBW[k]
	cols := d.Cols
	switch {
	case c.VarphiRegularizer && k == c.H()-1:
		// The published code weights the last hidden layer's regulariser
		// with the output layer's phi', which it never computes and keeps
		// at zero: that regulariser vanishes.
	case c.VarphiRegularizer:
		da, db := n.dPhiA[k], n.dPhiB[k]
		c.Activations[k].DerivTo(da, n.UPBreve[k])
		c.Activations[k+1].DerivTo(db, n.UPBreve[k+1])
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

// apply adds the increments of the switched-on families.
func (n *Network) apply(sw Switches) {
	c := &n.Cfg
	for j := range n.UP {
		u := n.UP[j]
		for i, v := range n.duP[j] {
			u[i] += v
		}
	}
	for k := range n.UI {
		u := n.UI[k]
		for i, v := range n.duI[k] {
			u[i] += v
		}
	}
	if sw.LearnFW {
		for j := range n.WPP {
			if c.Model == PAL && c.DWPPLowPass {
				lo, d := n.DWPPLO[j], n.DWPP[j]
				a := c.Dt / c.TauLO
				for i, v := range d.Data {
					lo.Data[i] += a * (v - lo.Data[i])
				}
				n.WPP[j].add(lo)
			} else {
				n.WPP[j].add(n.DWPP[j])
			}
		}
	}
	if sw.LearnLat {
		for k := range n.WIP {
			n.WIP[k].add(n.DWIP[k])
			n.BPI[k].add(n.DBPI[k])
		}
	}
	if sw.LearnBW && c.Model == PAL {
		for k := range n.BPP {
			n.BPP[k].add(n.DBPP[k])
		}
	}
}

// highPass advances PAL's high-pass filter of the pyramidal rates.
func (n *Network) highPass() {
	a := n.Cfg.Dt / n.Cfg.TauHP
	for j := range n.RPBreveHI {
		hi, r, rOld := n.RPBreveHI[j], n.RPBreve[j], n.RPBreveOld[j]
		for i := range hi {
			hi[i] += (r[i] - rOld[i]) - a*hi[i]
		}
	}
}
