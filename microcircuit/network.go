package microcircuit

import (
	"math"

	"palmc/rng"
)

// Network is the full state of one microcircuit (docs/model.md §1). Per-layer slices
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

	// Epsilon[k] is the misalignment (1 - cos(uP_breve[k], BPP[k]·r_top))/2
	// of hidden layer k and EpsilonLO[k] its low-pass with Taueps (docs/model.md §11,
	// adaptive noise). Both start at 1 and move only with NoiseUPAdaptive,
	// in steps with LearnBW; otherwise they stay 1, the value the published
	// code records.
	Epsilon, EpsilonLO []float64
	// BWSteps counts the steps made with LearnBW by a noise-driven model
	// with phased noise: its t = BWSteps·dt (docs/model.md §11). It stays 0 without
	// phased noise.
	BWSteps int

	// Rand is the network's own generator for noise and shuffling.
	Rand *rng.RandomState

	// Target is the target of the current step (nil without one); it is
	// valid during Step, for observers.
	Target []float64

	// u, uOld, uBreve, r and rOld hold UP and UI, UPOld and UIOld, UPBreve
	// and UIBreve, RPBreve and RIBreve, RPBreveOld and RIBreveOld: each
	// pair's vectors are consecutive parts of one array, the pyramidal
	// layers first, so that the prospective voltages and rates of all
	// populations are computed in one pass each. The arrays are padded
	// with unused zeros to a multiple of four entries (see joinedVecs).
	u, uOld, uBreve, r, rOld []float64
	// hi holds RPBreveHI in the layout of the pyramidal part of r.
	hi []float64

	// Derived constants, computed once in New.
	noisy       bool      // PAL or DTPDRL
	lowPassFW   bool      // the WPP increments are low-passed
	skip        bool      // Cfg.Connectivity == Skip
	out         int       // N-1, the output layer
	epsThresh   float64   // (1 - cos(NoiseDeg))/2
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
	post  []([]float64) // dWPP post factor per pyramidal layer
	postI []([]float64) // dWIP post factor, low-passed vden input
	apiI  []([]float64) // BPI·rI_breve, the interneuron part of vapi
	dPhiA []([]float64) // phi' of the lower layer (varphi regulariser)
	dPhiB []([]float64) // phi' of the upper layer (varphi regulariser)
	fused []bool        // which WPP updates dendrites made this step
	// perSample is Cfg.InputUpdate == PerSample; held is its state
	// (persample.go).
	perSample bool
	held      held
	// The lazy input columns of WPP[0] (lazy.go): per block of four
	// columns, the number of lazy steps whose updates it holds; the lazy
	// steps made; whether a block owes some; the active blocks of a step.
	lazyDone []int64
	lazyStep int64
	owing    bool
	blocks   []int32
	draws    []bool        // which hidden layers draw noise this step
	quiet    []bool        // which of them draw zeros (adaptive noise, aligned)
	bppR     []([]float64) // BPP·r of a hidden layer (adaptive noise, DTPDRL)
	phase    int           // active hidden layer of phased noise, -1: all
	white    []float64     // white noise values of all drawing layers
	absScale []float64     // their per-neuron scales
}

// New builds a network from seed s as the published initialisation does
// (docs/model.md §3): voltages from normal(0, 1) and weights from uniform ranges, both
// drawn from a generator seeded with s, and a second generator seeded with
// s kept by the network for its noise and shuffling.
func New(cfg Config, seed uint32) (*Network, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	n := &Network{Cfg: cfg, Seed: seed, phase: -1}
	n.derive()
	n.alloc()
	n.deriveTauBreve()

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
// parts of one array, which it returns too. With pad, the array is longer
// by up to three unused zeros, to a multiple of four entries: the AVX2
// kernels that run over the whole array (prospective voltages, logistic
// rates) then need no scalar tail.
func joinedVecs(a, b []int, pad bool) (all []float64, va, vb [][]float64) {
	total := 0
	for _, s := range a {
		total += s
	}
	for _, s := range b {
		total += s
	}
	n := total
	if pad {
		n = (total + 3) &^ 3
	}
	all = make([]float64, n)
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
	c := &n.Cfg
	L := c.Layers
	N, H, NI := c.N(), c.H(), c.NI()
	pyr := L[1:]
	hid := L[1:N]
	inter := make([]int, NI) // interneuron populations, as the layers they mirror
	for i := range inter {
		inter[i] = L[n.interMirror(i)+1]
	}
	top := make([]int, H) // the layers feeding BPP
	for k := range top {
		top[k] = L[n.apiSrc(k)+1]
	}
	for _, p := range []*[][]float64{
		&n.VBas, &n.VBasOld, &n.Noise, &n.PostLO, &n.post, &n.dPhiA} {
		*p = vecs(pyr)
	}
	for _, p := range []*[][]float64{&n.VDen, &n.VDenOld, &n.postI} {
		*p = vecs(inter)
	}
	n.dPhiB = vecs(top)
	n.u, n.UP, n.UI = joinedVecs(pyr, inter, true)
	n.uOld, n.UPOld, n.UIOld = joinedVecs(pyr, inter, true)
	n.uBreve, n.UPBreve, n.UIBreve = joinedVecs(pyr, inter, true)
	n.r, n.RPBreve, n.RIBreve = joinedVecs(pyr, inter, true)
	n.hi, n.RPBreveHI, _ = joinedVecs(pyr, nil, false)
	n.rOld, n.RPBreveOld, n.RIBreveOld = joinedVecs(pyr, inter, true)
	for _, p := range []*[][]float64{&n.VApi, &n.VApiOld, &n.VApiNoise, &n.apiI, &n.bppR} {
		*p = vecs(hid)
	}
	hidden := 0
	for _, s := range hid {
		hidden += s
	}
	n.fused = make([]bool, N)
	if n.perSample {
		n.allocHeld()
	}
	if nb := n.lazyBlocks(); nb > 0 {
		n.lazyDone = make([]int64, nb)
		n.blocks = make([]int32, nb)
	}
	n.draws = make([]bool, H)
	n.quiet = make([]bool, H)
	n.white = make([]float64, hidden)
	n.absScale = make([]float64, hidden)
	n.Epsilon, n.EpsilonLO = make([]float64, H), make([]float64, H)
	for k := 0; k < H; k++ {
		n.Epsilon[k], n.EpsilonLO[k] = 1, 1
	}
	n.PreLO = vecs(L[:N])
	n.R0 = make([]float64, L[0])
	n.R0Old = make([]float64, L[0])
	n.WPP, n.DWPP, n.DWPPLO = make([]Mat, N), make([]Mat, N), make([]Mat, N)
	for j := 0; j < N; j++ {
		n.WPP[j] = NewMat(L[j+1], L[j])
		n.DWPP[j] = NewMat(L[j+1], L[j])
		n.DWPPLO[j] = NewMat(L[j+1], L[j])
	}
	n.WIP, n.DWIP = make([]Mat, NI), make([]Mat, NI)
	for i := 0; i < NI; i++ {
		rows, cols := inter[i], L[n.interSrc(i)+1]
		n.WIP[i], n.DWIP[i] = NewMat(rows, cols), NewMat(rows, cols)
	}
	n.BPP, n.DBPP = make([]Mat, H), make([]Mat, H)
	n.BPI, n.DBPI = make([]Mat, H), make([]Mat, H)
	for k := 0; k < H; k++ {
		n.BPP[k], n.DBPP[k] = NewMat(L[k+1], top[k]), NewMat(L[k+1], top[k])
		n.BPI[k], n.DBPI[k] = NewMat(L[k+1], top[k]), NewMat(L[k+1], top[k])
	}
}

func (n *Network) derive() {
	c := &n.Cfg
	N := c.N()
	n.noisy = c.Model.Noisy()
	n.lowPassFW = c.DWPPLowPass && (n.noisy || c.DWPPLowPassAllModels)
	n.perSample = c.InputUpdate == PerSample
	n.skip = c.Connectivity == Skip
	n.out = N - 1
	n.epsThresh = (1 - math.Cos(c.NoiseDeg*math.Pi/180)) / 2
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
	n.allLogistic = true
	for _, a := range c.Activations[:N] {
		n.allLogistic = n.allLogistic && a == Logistic
	}
}

// apiSrc is Cfg.ApicalSource(k): the layer feeding BPP[k].
func (n *Network) apiSrc(k int) int {
	if n.skip {
		return n.out
	}
	return k + 1
}

// apiInter is Cfg.ApicalInter(k): the interneurons feeding BPI[k].
func (n *Network) apiInter(k int) int {
	if n.skip {
		return 0
	}
	return k
}

// interSrc is Cfg.InterSource(i): the layer driving interneurons i.
func (n *Network) interSrc(i int) int {
	if n.skip {
		return n.out - 1
	}
	return i
}

// interMirror is Cfg.InterMirror(i): the layer interneurons i mirror.
func (n *Network) interMirror(i int) int {
	if n.skip {
		return n.out
	}
	return i + 1
}

// deriveTauBreve sets taur·taueff of every element of u (after alloc).
func (n *Network) deriveTauBreve() {
	c := &n.Cfg
	n.tauBreve = make([]float64, len(n.u))
	tau := n.tauBreve
	for j, v := range n.UP {
		for i := range v {
			tau[i] = c.Taur * n.taueffP[j]
		}
		tau = tau[len(v):]
	}
	for _, v := range n.UI {
		for i := range v {
			tau[i] = c.Taur * n.taueffI
		}
		tau = tau[len(v):]
	}
	// The padding (see joinedVecs) keeps tau = 0: its voltages stay 0.
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
		n.Cfg.Activations[n.interMirror(k)].PhiTo(n.RIBreve[k], n.UIBreve[k])
	}
}

// copyForwardToBackward sets BPP to backprop's weight transport: BPP[k] =
// WPP[k+1]ᵀ when Layered; with Skip, the product of the transposed forward
// weights from layer k+1 to the output, BPP[k] = WPP[k+1]ᵀ·WPP[k+2]ᵀ⋯WPP[N-1]ᵀ,
// built from the top: BPP[H-1] = WPP[N-1]ᵀ, BPP[k] = WPP[k+1]ᵀ·BPP[k+1].
func (n *Network) copyForwardToBackward() {
	if n.Cfg.Connectivity == Skip {
		H := len(n.BPP)
		n.BPP[H-1].SetTranspose(n.WPP[H])
		for k := H - 2; k >= 0; k-- {
			n.BPP[k].setTransposeMul(n.WPP[k+1], n.BPP[k+1])
		}
		return
	}
	for k := range n.BPP {
		n.BPP[k].SetTranspose(n.WPP[k+1])
	}
}

// backpropTransport sets BPP as copyForwardToBackward does and BPI = -BPP:
// BP's backward weights, every step. The layered transposes and their
// negatives are written in one pass.
func (n *Network) backpropTransport() {
	if n.Cfg.Connectivity == Skip {
		n.copyForwardToBackward()
		for k := range n.BPI {
			n.BPI[k].SetScaled(-1, n.BPP[k])
		}
		return
	}
	for k := range n.BPP {
		setTransposeNeg(n.BPP[k], n.BPI[k], n.WPP[k+1])
	}
}

// SetSelfPredictingState sets BPI = -BPP and WIP to the scaled forward
// weights for which interneurons predict the layer they mirror (docs/model.md §3.5):
// WIP[i] = gbas(gl+gden)/(gden(gl+gbas+gapi))·WPP[m] for a hidden layer m,
// gbas(gl+gden)/(gden(gl+gbas))·WPP[N-1] for the output layer (always the
// case with Skip).
func (n *Network) SetSelfPredictingState() {
	n.Sync()
	N := n.Cfg.N()
	for k := range n.BPI {
		n.BPI[k].SetScaled(-1, n.BPP[k])
	}
	for i := range n.WIP {
		m := n.interMirror(i)
		c := n.cSPSHid
		if m == N-1 {
			c = n.cSPSOut
		}
		n.WIP[i].SetScaled(c, n.WPP[m])
	}
}

// CopyWeightsFrom sets all four weight families to those of t (the
// published copy_teacher_weights option).
func (n *Network) CopyWeightsFrom(t *Network) {
	n.Sync()
	t.Sync()
	for j := range n.WPP {
		n.WPP[j].CopyFrom(t.WPP[j])
	}
	for i := range n.WIP {
		n.WIP[i].CopyFrom(t.WIP[i])
	}
	for k := range n.BPP {
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
