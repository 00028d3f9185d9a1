package microcircuit

import (
	"palmc/rng"
)

// Network is the full state of one microcircuit (SPEC §1). Per-layer slices
// are indexed by pyramidal layer j (N entries) or by hidden layer k
// (H entries); see doc.go for the names.
type Network struct {
	Cfg  Config
	Seed uint32

	// Somatic, prospective and dendritic potentials and rates.
	UP, UPOld, UPBreve, RPBreve, RPBreveOld, VBas, VBasOld []([]float64)
	UI, UIOld, UIBreve, RIBreve, RIBreveOld, VDen, VDenOld []([]float64)
	VApi, VApiOld, VApiNoise                               []([]float64)

	// R0 is this step's input rate, R0Old the previous step's.
	R0, R0Old []float64

	// Weights, and their increments in the last step that had an observer
	// (see Step).
	WPP, WIP, BPP, BPI     []Mat
	DWPP, DWIP, DBPP, DBPI []Mat

	// PAL state: noise per pyramidal layer (only hidden ones are driven),
	// high-passed rates, low-passed WPP increments and dWPP factors, and the
	// shared noise counter.
	Noise, RPBreveHI []([]float64)
	DWPPLO           []Mat
	PreLO, PostLO    []([]float64)
	NoiseCounter     int

	// Rand is the network's own generator for noise and shuffling.
	Rand *rng.RandomState

	// Target is the target of the current step (nil without one); it is
	// valid during Step, for observers.
	Target []float64

	// u, uOld, uBreve, r and rOld hold UP and UI, UPOld and UIOld, UPBreve
	// and UIBreve, RPBreve and RIBreve, RPBreveOld and RIBreveOld: each
	// pair's vectors are consecutive parts of one array, the pyramidal
	// layers first, so that the prospective voltages and rates of all
	// populations are computed in one pass each.
	u, uOld, uBreve, r, rOld []float64
	// hi holds RPBreveHI in the layout of the pyramidal part of r.
	hi []float64

	// Derived constants, computed once in New.
	tauBreve    []float64 // taur·taueff of every element of u
	allLogistic bool      // every population has the logistic activation
	taueffP     []float64 // per pyramidal layer; the output uses taueffP_out
	taueffI     float64
	taueffOut   float64 // 1/(gl+gbas+gntgt)
	taueffNo    float64 // 1/(gl+gbas)
	cBas        []float64
	cDen        float64
	cSPSHid     float64
	cSPSOut     float64

	// Scratch buffers, reused every step.
	post     []([]float64) // dWPP post factor per pyramidal layer
	postI    []([]float64) // dWIP post factor, low-passed vden input
	negVapi  []([]float64) // -vapi_old, the dBPI post factor
	apiI     []([]float64) // BPI·rI_breve, the interneuron part of vapi
	dPhiA    []([]float64) // phi' of the lower layer (varphi regulariser)
	dPhiB    []([]float64) // phi' of the upper layer (varphi regulariser)
	draws    []bool        // which hidden layers draw noise this step
	white    []float64     // white noise values of all drawing layers
	absScale []float64     // their per-neuron scales
}

// New builds a network from seed s as the published initialisation does
// (SPEC §3): voltages from normal(0, 1) and weights from uniform ranges, both
// drawn from a generator seeded with s, and a second generator seeded with
// s kept by the network for its noise and shuffling.
func New(cfg Config, seed uint32) (*Network, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	n := &Network{Cfg: cfg, Seed: seed}
	n.alloc()
	n.derive()

	g := rng.New(seed)
	for j := range n.UP {
		g.FillNormal(n.UP[j], 0, 1)
	}
	for k := range n.UI {
		g.FillNormal(n.UI[k], 0, 1)
	}
	g.Seed(seed)
	for _, m := range n.WPP {
		g.FillUniform(m.Data, cfg.InitWPP[0], cfg.InitWPP[1])
	}
	for _, m := range n.WIP {
		g.FillUniform(m.Data, cfg.InitWIP[0], cfg.InitWIP[1])
	}
	for _, m := range n.BPP {
		g.FillUniform(m.Data, cfg.InitBPP[0], cfg.InitBPP[1])
	}
	for _, m := range n.BPI {
		g.FillUniform(m.Data, cfg.InitBPI[0], cfg.InitBPI[1])
	}
	if cfg.Model == BP {
		n.copyForwardToBackward()
	}
	n.resetDerivedState()
	if cfg.InitInSPS {
		n.SetSelfPredictingState()
	}
	n.Rand = rng.New(seed)
	return n, nil
}

func vecs(sizes []int) [][]float64 {
	out := make([][]float64, len(sizes))
	for i, s := range sizes {
		out[i] = make([]float64, s)
	}
	return out
}

// joinedVecs returns vectors of the sizes a and b that are consecutive
// parts of one array, which it returns too.
func joinedVecs(a, b []int) (all []float64, va, vb [][]float64) {
	total := 0
	for _, s := range a {
		total += s
	}
	for _, s := range b {
		total += s
	}
	all = make([]float64, total)
	rest := all
	split := func(sizes []int) [][]float64 {
		out := make([][]float64, len(sizes))
		for i, s := range sizes {
			out[i], rest = rest[:s:s], rest[s:]
		}
		return out
	}
	va = split(a)
	vb = split(b)
	return all, va, vb
}

func (n *Network) alloc() {
	L := n.Cfg.Layers
	N, H := n.Cfg.N(), n.Cfg.H()
	pyr := L[1:]
	inter := L[2:]
	hid := L[1:N]
	for _, p := range []*[][]float64{
		&n.VBas, &n.VBasOld, &n.Noise, &n.PostLO, &n.post, &n.dPhiA} {
		*p = vecs(pyr)
	}
	for _, p := range []*[][]float64{&n.VDen, &n.VDenOld, &n.postI, &n.dPhiB} {
		*p = vecs(inter)
	}
	n.u, n.UP, n.UI = joinedVecs(pyr, inter)
	n.uOld, n.UPOld, n.UIOld = joinedVecs(pyr, inter)
	n.uBreve, n.UPBreve, n.UIBreve = joinedVecs(pyr, inter)
	n.r, n.RPBreve, n.RIBreve = joinedVecs(pyr, inter)
	n.hi, n.RPBreveHI, _ = joinedVecs(pyr, nil)
	n.rOld, n.RPBreveOld, n.RIBreveOld = joinedVecs(pyr, inter)
	for _, p := range []*[][]float64{&n.VApi, &n.VApiOld, &n.VApiNoise, &n.negVapi, &n.apiI} {
		*p = vecs(hid)
	}
	hidden := 0
	for _, s := range hid {
		hidden += s
	}
	n.draws = make([]bool, H)
	n.white = make([]float64, hidden)
	n.absScale = make([]float64, hidden)
	n.PreLO = vecs(L[:N])
	n.R0 = make([]float64, L[0])
	n.R0Old = make([]float64, L[0])
	n.WPP, n.DWPP, n.DWPPLO = make([]Mat, N), make([]Mat, N), make([]Mat, N)
	for j := 0; j < N; j++ {
		n.WPP[j] = NewMat(L[j+1], L[j])
		n.DWPP[j] = NewMat(L[j+1], L[j])
		n.DWPPLO[j] = NewMat(L[j+1], L[j])
	}
	n.WIP, n.DWIP = make([]Mat, H), make([]Mat, H)
	n.BPP, n.DBPP = make([]Mat, H), make([]Mat, H)
	n.BPI, n.DBPI = make([]Mat, H), make([]Mat, H)
	for k := 0; k < H; k++ {
		n.WIP[k], n.DWIP[k] = NewMat(L[k+2], L[k+1]), NewMat(L[k+2], L[k+1])
		n.BPP[k], n.DBPP[k] = NewMat(L[k+1], L[k+2]), NewMat(L[k+1], L[k+2])
		n.BPI[k], n.DBPI[k] = NewMat(L[k+1], L[k+2]), NewMat(L[k+1], L[k+2])
	}
}

func (n *Network) derive() {
	c := &n.Cfg
	N := c.N()
	n.taueffP = make([]float64, N)
	n.cBas = make([]float64, N)
	hid := 1 / (c.Gl + c.Gbas + c.Gapi)
	for j := 0; j < N-1; j++ {
		n.taueffP[j] = hid
		n.cBas[j] = c.Gbas / (c.Gl + c.Gbas + c.Gapi)
	}
	n.taueffOut = 1 / (c.Gl + c.Gbas + c.Gntgt)
	n.taueffNo = 1 / (c.Gl + c.Gbas)
	n.taueffP[N-1] = n.taueffOut
	n.cBas[N-1] = c.Gbas / (c.Gl + c.Gbas)
	n.taueffI = 1 / (c.Gl + c.Gden + c.GnI)
	n.cDen = c.Gden / (c.Gl + c.Gden)
	n.cSPSHid = c.Gbas * (c.Gl + c.Gden) / (c.Gden * (c.Gl + c.Gbas + c.Gapi))
	n.cSPSOut = c.Gbas * (c.Gl + c.Gden) / (c.Gden * (c.Gl + c.Gbas))
	n.tauBreve = make([]float64, len(n.u))
	tau := n.tauBreve
	for j, v := range n.UP {
		for i := range v {
			tau[i] = c.Taur * n.taueffP[j]
		}
		tau = tau[len(v):]
	}
	for i := range tau {
		tau[i] = c.Taur * n.taueffI
	}
	n.allLogistic = true
	for _, a := range c.Activations[:N] {
		n.allLogistic = n.allLogistic && a == Logistic
	}
}

// resetDerivedState sets the state that follows from the voltages at the
// start of a run: old voltages equal to the current ones, prospective
// voltages and rates from them, dendrites and filters at zero.
func (n *Network) resetDerivedState() {
	for j := range n.UP {
		copy(n.UPOld[j], n.UP[j])
		copy(n.UPBreve[j], n.UP[j])
		n.Cfg.Activations[j].PhiTo(n.RPBreve[j], n.UPBreve[j])
		copy(n.RPBreveHI[j], n.RPBreve[j])
	}
	for k := range n.UI {
		copy(n.UIOld[k], n.UI[k])
		copy(n.UIBreve[k], n.UI[k])
		n.Cfg.Activations[k+1].PhiTo(n.RIBreve[k], n.UIBreve[k])
	}
}

// copyForwardToBackward sets BPP[k] = WPP[k+1]ᵀ (backprop's weight transport).
func (n *Network) copyForwardToBackward() {
	for k := range n.BPP {
		n.BPP[k].SetTranspose(n.WPP[k+1])
	}
}

// SetSelfPredictingState sets BPI = -BPP and WIP to the scaled forward
// weights for which interneurons predict the layer above (SPEC §3.5).
func (n *Network) SetSelfPredictingState() {
	H := n.Cfg.H()
	for k := 0; k < H; k++ {
		n.BPI[k].SetScaled(-1, n.BPP[k])
	}
	for k := 0; k < H-1; k++ {
		n.WIP[k].SetScaled(n.cSPSHid, n.WPP[k+1])
	}
	n.WIP[H-1].SetScaled(n.cSPSOut, n.WPP[H])
}

// CopyWeightsFrom sets all four weight families to those of t (the
// published copy_teacher_weights option).
func (n *Network) CopyWeightsFrom(t *Network) {
	for j := range n.WPP {
		n.WPP[j].CopyFrom(t.WPP[j])
	}
	for k := range n.WIP {
		n.WIP[k].CopyFrom(t.WIP[k])
		n.BPP[k].CopyFrom(t.BPP[k])
		n.BPI[k].CopyFrom(t.BPI[k])
	}
}

// CopyVoltagesFrom sets the somatic, old and prospective voltages to those
// of t (the published copy_teacher_voltages option; rates are kept).
func (n *Network) CopyVoltagesFrom(t *Network) {
	for j := range n.UP {
		copy(n.UP[j], t.UP[j])
		copy(n.UPOld[j], t.UPOld[j])
		copy(n.UPBreve[j], t.UPBreve[j])
	}
	for k := range n.UI {
		copy(n.UI[k], t.UI[k])
		copy(n.UIOld[k], t.UIOld[k])
		copy(n.UIBreve[k], t.UIBreve[k])
	}
}
