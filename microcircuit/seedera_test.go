package microcircuit

import (
	"fmt"
	"math"
	"testing"

	"palmc/rng"
)

// Tests of the seed-era variants of docs/model.md §11: skip connectivity, phased and
// adaptive noise, the DTPDRL rule.

// deepConfig is testConfig with three hidden layers of different sizes, so
// that every skip shape differs from its layered counterpart.
func deepConfig(model Model) Config {
	c := testConfig(model)
	c.Layers = []int{3, 5, 4, 6, 2}
	c.Activations = []Activation{Logistic, Logistic, Logistic, Logistic}
	c.EtaFW = []float64{1, 1, 1, 1}
	c.EtaBW = []float64{10, 10, 10}
	c.EtaIP = []float64{0.5, 0.5, 0.5}
	c.EtaPI = []float64{0.5, 0.5, 0.5}
	c.Alpha = []float64{1e-5, 1e-5, 1e-5}
	c.NoiseScale = []float64{0.05, 0.05, 0.05}
	return c
}

// stateDiff returns the first state variable in which a and b differ bit
// for bit, or "".
func stateDiff(a, b *Network) string {
	vec := func(name string, x, y [][]float64) string {
		if len(x) != len(y) {
			return fmt.Sprintf("%s: %d vectors, %d", name, len(x), len(y))
		}
		for k := range x {
			if len(x[k]) != len(y[k]) {
				return fmt.Sprintf("%s[%d]: length %d, %d", name, k, len(x[k]), len(y[k]))
			}
			for i := range x[k] {
				if math.Float64bits(x[k][i]) != math.Float64bits(y[k][i]) {
					return fmt.Sprintf("%s[%d][%d] = %v, %v", name, k, i, x[k][i], y[k][i])
				}
			}
		}
		return ""
	}
	mats := func(name string, x, y []Mat) string {
		if len(x) != len(y) {
			return fmt.Sprintf("%s: %d matrices, %d", name, len(x), len(y))
		}
		for k := range x {
			if x[k].Rows != y[k].Rows || x[k].Cols != y[k].Cols {
				return fmt.Sprintf("%s[%d]: shape %dx%d, %dx%d", name, k, x[k].Rows, x[k].Cols, y[k].Rows, y[k].Cols)
			}
			if d := vec(name+fmt.Sprint(k), [][]float64{x[k].Data}, [][]float64{y[k].Data}); d != "" {
				return d
			}
		}
		return ""
	}
	for _, d := range []string{
		vec("uP", a.UP, b.UP), vec("uP_old", a.UPOld, b.UPOld), vec("uP_breve", a.UPBreve, b.UPBreve),
		vec("rP_breve", a.RPBreve, b.RPBreve), vec("uI", a.UI, b.UI), vec("uI_breve", a.UIBreve, b.UIBreve),
		vec("rI_breve", a.RIBreve, b.RIBreve), vec("vbas", a.VBas, b.VBas), vec("vapi", a.VApi, b.VApi),
		vec("vden", a.VDen, b.VDen), vec("vapi_noise", a.VApiNoise, b.VApiNoise), vec("noise", a.Noise, b.Noise),
		vec("rP_breve_HI", a.RPBreveHI, b.RPBreveHI), vec("epsilon", [][]float64{a.Epsilon}, [][]float64{b.Epsilon}),
		vec("epsilon_LO", [][]float64{a.EpsilonLO}, [][]float64{b.EpsilonLO}),
		mats("WPP", a.WPP, b.WPP), mats("WIP", a.WIP, b.WIP), mats("BPP", a.BPP, b.BPP), mats("BPI", a.BPI, b.BPI),
		mats("dWPP_LO", a.DWPPLO, b.DWPPLO),
	} {
		if d != "" {
			return d
		}
	}
	if a.NoiseCounter != b.NoiseCounter {
		return fmt.Sprintf("noise counter %d, %d", a.NoiseCounter, b.NoiseCounter)
	}
	if a.Rand.State() != b.Rand.State() {
		return "generator state"
	}
	return ""
}

// driveInput returns the input of step s: uniform rates, a new row every
// 100 steps.
func driveInput(g *rng.RandomState, r0 []float64, s int) {
	if s%100 == 0 {
		g.FillUniform(r0, 0, 1)
	}
}

// With skip connectivity every hidden layer's backward matrices come from
// the output layer and there is one interneuron population mirroring it.
func TestSkipShapes(t *testing.T) {
	c := deepConfig(PAL)
	c.Connectivity = Skip
	n, err := New(c, 3)
	if err != nil {
		t.Fatal(err)
	}
	L := c.Layers
	nN := L[len(L)-1]
	if len(n.UI) != 1 || len(n.UI[0]) != nN || len(n.VDen) != 1 || len(n.VDen[0]) != nN {
		t.Fatalf("interneurons: %d populations, sizes %d", len(n.UI), len(n.UI[0]))
	}
	if w := n.WIP[0]; len(n.WIP) != 1 || w.Rows != nN || w.Cols != L[len(L)-2] {
		t.Errorf("WIP: %d matrices, WIP[0] %dx%d, want 1 of %dx%d", len(n.WIP), w.Rows, w.Cols, nN, L[len(L)-2])
	}
	for k := range n.BPP {
		for name, m := range map[string]Mat{"BPP": n.BPP[k], "BPI": n.BPI[k], "dBPP": n.DBPP[k], "dBPI": n.DBPI[k]} {
			if m.Rows != L[k+1] || m.Cols != nN {
				t.Errorf("%s[%d] is %dx%d, want %dx%d", name, k, m.Rows, m.Cols, L[k+1], nN)
			}
		}
	}
	if c.NI() != 1 || c.ApicalSource(0) != 3 || c.InterSource(0) != 2 || c.InterMirror(0) != 3 || c.ApicalInter(2) != 0 {
		t.Errorf("index maps: NI %d, ApicalSource(0) %d, InterSource(0) %d, InterMirror(0) %d, ApicalInter(2) %d",
			c.NI(), c.ApicalSource(0), c.InterSource(0), c.InterMirror(0), c.ApicalInter(2))
	}
}

// With one hidden layer, skip and layered are the same network: the same
// numbers, bit for bit, for every model.
func TestSkipOneHiddenLayerIsLayered(t *testing.T) {
	for _, model := range []Model{BP, FA, PAL, DTPDRL} {
		cfg := testConfig(model)
		cfg.Layers = []int{3, 5, 2}
		cfg.Activations = cfg.Activations[:2]
		cfg.EtaIP = []float64{0.5}
		cfg.EtaPI = []float64{0.5}
		skip := cfg
		skip.Connectivity = Skip
		a, err := New(cfg, 17)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(skip, 17)
		if err != nil {
			t.Fatal(err)
		}
		g := rng.New(4)
		r0 := make([]float64, 3)
		tgt := []float64{0.2, -0.4}
		for s := 0; s < 2000; s++ {
			driveInput(g, r0, s)
			var obs Observer
			if s%7 == 0 {
				obs = nopObserver{}
			}
			sw := Switches{LearnFW: s > 500, LearnLat: s > 300, LearnBW: s > 300}
			a.Step(r0, tgt, sw, obs)
			b.Step(r0, tgt, sw, obs)
			if d := stateDiff(a, b); d != "" {
				t.Fatalf("%v, step %d: %s", model, s, d)
			}
		}
	}
}

// In the self-predicting state of skip connectivity the interneurons
// predict the output layer, and without a target or noise every apical
// potential decays to zero.
func TestSkipSelfPredictingState(t *testing.T) {
	for _, model := range []Model{BP, FA, PAL} {
		c := deepConfig(model)
		c.Connectivity = Skip
		n, err := New(c, 5)
		if err != nil {
			t.Fatal(err)
		}
		for k := range n.BPI {
			for i, v := range n.BPI[k].Data {
				if v != -n.BPP[k].Data[i] {
					t.Fatalf("%v: BPI[%d] != -BPP[%d]", model, k, k)
				}
			}
		}
		r0 := []float64{0.2, 0.5, 0.9}
		for i := 0; i < 20000; i++ {
			n.Step(r0, nil, Switches{}, nil)
		}
		for k, v := range n.VApi {
			for i, x := range v {
				if math.Abs(x) > 1e-6 {
					t.Errorf("%v: vapi[%d][%d] = %g after settling in the SPS, want ~0", model, k, i, x)
				}
			}
		}
	}
}

// BP with skip connectivity sets BPP[k] to WPP[k+1]ᵀ·WPP[k+2]ᵀ⋯WPP[N-1]ᵀ
// and BPI[k] = -BPP[k], from the forward weights of the step.
func TestSkipBPTransport(t *testing.T) {
	c := deepConfig(BP)
	c.Connectivity = Skip
	n, err := New(c, 9)
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		N := c.N()
		for k := range n.BPP {
			// want = WPP[k+1]ᵀ⋯WPP[N-1]ᵀ, the naive way: P[i][j] summed over paths.
			want := n.WPP[N-1].Clone()
			rows, cols := want.Cols, want.Rows
			p := make([]float64, rows*cols) // WPP[N-1]ᵀ
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					p[i*cols+j] = want.Data[j*rows+i]
				}
			}
			for l := N - 2; l > k; l-- {
				w := n.WPP[l]
				q := make([]float64, w.Cols*cols)
				for i := 0; i < w.Cols; i++ {
					for j := 0; j < cols; j++ {
						s := 0.0
						for m := 0; m < w.Rows; m++ {
							s += w.Data[m*w.Cols+i] * p[m*cols+j]
						}
						q[i*cols+j] = s
					}
				}
				p, rows = q, w.Cols
			}
			for i, v := range p {
				if b := n.BPP[k].Data[i]; math.Abs(b-v) > 1e-12*math.Max(1, math.Abs(v)) {
					t.Fatalf("%s: BPP[%d][%d] = %v, product %v", when, k, i, b, v)
				}
				if n.BPI[k].Data[i] != -n.BPP[k].Data[i] {
					t.Fatalf("%s: BPI[%d][%d] != -BPP", when, k, i)
				}
			}
		}
	}
	check("initial")
	r0 := []float64{0.2, 0.5, 0.9}
	for i := 0; i < 300; i++ {
		n.Step(r0, []float64{0.3, -0.2}, Switches{LearnFW: true, LearnLat: true, LearnBW: true}, nil)
	}
	n.Step(r0, nil, Switches{}, nil) // sync BPP with the last WPP update
	check("after learning")
}

// An observed step is the same step for the seed-era variants too (see
// TestObservedStepIsTheSameStep).
func TestSeedEraObservedStepIsTheSameStep(t *testing.T) {
	for name, cfg := range seedEraConfigs() {
		a, err := New(cfg, 11)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(cfg, 11)
		g := rng.New(2)
		r0 := make([]float64, cfg.Layers[0])
		tgt := make([]float64, cfg.Layers[len(cfg.Layers)-1])
		for s := 0; s < 3000; s++ {
			driveInput(g, r0, s)
			sw := Switches{LearnFW: s > 1000, LearnLat: s > 200, LearnBW: s > 200}
			var obs Observer
			if s%3 == 0 {
				obs = nopObserver{}
			}
			a.Step(r0, tgt, sw, obs)
			b.Step(r0, tgt, sw, nil)
			if d := stateDiff(a, b); d != "" {
				t.Fatalf("%s, step %d: %s", name, s, d)
			}
		}
	}
}

func seedEraConfigs() map[string]Config {
	out := map[string]Config{}
	for _, m := range []Model{BP, FA, PAL, DTPDRL} {
		c := deepConfig(m)
		c.Connectivity = Skip
		out["skip-"+m.String()] = c
	}
	p := deepConfig(PAL)
	p.PhaseSteps = 37
	out["phased"] = p
	a := deepConfig(PAL)
	a.NoiseMode, a.NoiseType, a.NoiseHoldSteps, a.NoiseDeg, a.Taueps = NoiseUPAdaptive, HoldWhiteNoise, 3, 60, 1
	out["adaptive"] = a
	d := deepConfig(DTPDRL)
	d.PyrHiPass, d.PhaseSteps, d.Connectivity, d.GateRegularizer = false, 50, Skip, true
	out["dtpdrl-phased-skip"] = d
	return out
}

// checkPhases steps a two-hidden-layer network with phased noise and
// checks at every step that only hidden layer floor(t/P) mod 2 has noise
// and a BPP increment, t counted from the first step with LearnBW.
type phaseChecker struct {
	t     *testing.T
	t0    int // steps before LearnBW
	step  int
	p     int
	prev  []Mat
	bad   int
	seenK map[int]bool
}

func (c *phaseChecker) Observe(n *Network) {
	t := c.step - c.t0
	want := -1
	if t >= 0 {
		want = (t / c.p) % 2
	}
	if got := n.ActiveLayer(); got != want && c.bad < 5 {
		c.bad++
		c.t.Errorf("step %d: active layer %d, want %d", c.step, got, want)
	}
	if want < 0 {
		return
	}
	c.seenK[want] = true
	for k := range n.BPP {
		noiseZero, dZero := allZero(n.Noise[k]), allZero(n.DBPP[k].Data)
		same := true
		for i, v := range n.BPP[k].Data {
			same = same && v == c.prev[k].Data[i]
		}
		active := k == want
		if (active && (noiseZero || dZero || same)) || (!active && (!noiseZero || !dZero || !same)) {
			if c.bad < 5 {
				c.bad++
				c.t.Errorf("step %d (t = %d), layer %d active %v: noise zero %v, dBPP zero %v, BPP unchanged %v",
					c.step, t, k, active, noiseZero, dZero, same)
			}
		}
	}
}

func TestPhasedNoiseSwitchesLayers(t *testing.T) {
	cfg := testConfig(PAL) // two hidden layers
	cfg.PhaseSteps = 7
	n, err := New(cfg, 21)
	if err != nil {
		t.Fatal(err)
	}
	c := &phaseChecker{t: t, t0: 13, p: 7, seenK: map[int]bool{}}
	r0 := []float64{0.2, 0.5, 0.9}
	for s := 0; s < 13+60; s++ {
		c.step = s
		c.prev = c.prev[:0]
		for _, m := range n.BPP {
			c.prev = append(c.prev, m.Clone())
		}
		n.Step(r0, nil, Switches{LearnLat: true, LearnBW: s >= 13}, c)
	}
	if !c.seenK[0] || !c.seenK[1] {
		t.Errorf("active layers seen: %v", c.seenK)
	}
	if n.BWSteps != 60 {
		t.Errorf("BWSteps = %d, want 60", n.BWSteps)
	}
}

// With a phase longer than the run, phased noise is PAL with noise and BPP
// learning in the first hidden layer only. The reference is a PAL network
// whose other layers have noise_scale 0 and eta_bw 0; as those layers
// still draw (zeros times white values) every step, its generator is
// rewound after each step to where drawing the first layer's values alone
// leaves it. Then the two networks agree bit for bit: voltages, noise,
// every weight, filters and generator.
func TestPhasedLongPhaseIsFirstLayerPAL(t *testing.T) {
	cfg := fig3Config(PAL) // the pal_bw_deep network: OU noise drawn every step
	ph := cfg
	ph.PhaseSteps = 1 << 40
	ref := cfg
	ref.NoiseScale = []float64{cfg.NoiseScale[0], 0, 0}
	ref.EtaBW = []float64{cfg.EtaBW[0], 0, 0}
	a, err := New(ph, 123)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(ref, 123)
	if err != nil {
		t.Fatal(err)
	}
	shadow := rng.New(0)
	first := make([]float64, cfg.Layers[1])
	g := rng.New(8)
	r0 := make([]float64, cfg.Layers[0])
	for s := 0; s < 3000; s++ {
		driveInput(g, r0, s)
		sw := Switches{LearnLat: true, LearnBW: s >= 500}
		var obs Observer
		if s%5 == 0 {
			obs = nopObserver{}
		}
		st := b.Rand.State()
		a.Step(r0, nil, sw, obs)
		b.Step(r0, nil, sw, obs)
		if sw.LearnBW {
			// NoiseHoldSteps is 1: layer 0 draws every step.
			shadow.SetState(st)
			shadow.FillNormal(first, 0, 1)
			b.Rand.SetState(shadow.State())
		}
		if d := stateDiff(a, b); d != "" {
			t.Fatalf("step %d: %s", s, d)
		}
		if s%5 == 0 && sw.LearnBW {
			for k := 1; k < 3; k++ {
				if !allZero(a.Noise[k]) || !allZero(a.DBPP[k].Data) {
					t.Fatalf("step %d: layer %d has noise or a BPP increment", s, k)
				}
			}
		}
	}
	if allZero(a.Noise[0]) {
		t.Error("no noise in layer 0")
	}
}

// Adaptive noise: epsilon is (1 - cos(uP_breve, BPP·r_top))/2, low-passed
// with taueps; at or below (1 - cos(noise_deg))/2 a due draw gives zeros
// and leaves the generator alone.
func TestAdaptiveNoiseFollowsEpsilon(t *testing.T) {
	cfg := testConfig(PAL)
	cfg.Layers, cfg.Activations = []int{3, 5, 2}, cfg.Activations[:2] // one layer: its quiet steps draw nothing at all
	cfg.NoiseMode, cfg.NoiseType, cfg.NoiseHoldSteps = NoiseUPAdaptive, HoldWhiteNoise, 1
	cfg.NoiseDeg, cfg.Taueps = 84, 0.5
	n, err := New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	for k := range n.Epsilon {
		if n.Epsilon[k] != 1 || n.EpsilonLO[k] != 1 {
			t.Fatalf("epsilon starts at %v, %v", n.Epsilon[k], n.EpsilonLO[k])
		}
	}
	thr := (1 - math.Cos(84*math.Pi/180)) / 2
	g := rng.New(3)
	r0 := make([]float64, 3)
	quiet, loud := 0, 0
	for s := 0; s < 4000; s++ {
		driveInput(g, r0, s)
		lo := append([]float64(nil), n.EpsilonLO...)
		bpp := make([]Mat, len(n.BPP))
		for k, m := range n.BPP {
			bpp[k] = m.Clone()
		}
		st := n.Rand.State()
		n.Step(r0, nil, Switches{LearnLat: true, LearnBW: true}, nil)
		drew := n.Rand.State() != st
		anyLoud := false
		for k := range n.Epsilon {
			// epsilon from the state of this step
			v := make([]float64, len(n.UPBreve[k]))
			bpp[k].mulVecLoops(v, n.RPBreve[k+1]) // BPP before this step's update
			var dot, nu, nv float64
			for i, x := range v {
				u := n.UPBreve[k][i]
				dot, nu, nv = dot+u*x, nu+u*u, nv+x*x
			}
			want := (1 - dot/math.Sqrt(nu)/math.Sqrt(nv)) / 2
			if math.Abs(n.Epsilon[k]-want) > 1e-12 {
				t.Fatalf("step %d: epsilon[%d] = %v, want %v", s, k, n.Epsilon[k], want)
			}
			wantLO := lo[k] + cfg.Dt/cfg.Taueps*(n.Epsilon[k]-lo[k])
			if n.EpsilonLO[k] != wantLO {
				t.Fatalf("step %d: epsilon_LO[%d] = %v, want %v", s, k, n.EpsilonLO[k], wantLO)
			}
			if n.EpsilonLO[k] > thr {
				anyLoud = true
				if allZero(n.Noise[k]) {
					t.Fatalf("step %d: layer %d above the threshold without noise", s, k)
				}
			} else {
				quiet++
				if !allZero(n.Noise[k]) {
					t.Fatalf("step %d: layer %d aligned (epsilon_LO %v) but has noise", s, k, n.EpsilonLO[k])
				}
			}
		}
		if anyLoud {
			loud++
		}
		if drew != anyLoud {
			t.Fatalf("step %d: generator advanced %v, a layer above the threshold %v", s, drew, anyLoud)
		}
	}
	if quiet == 0 || loud == 0 {
		t.Errorf("quiet steps %d, loud steps %d: the case does not cross the threshold", quiet, loud)
	}
}

// Without adaptive noise epsilon and epsilon_LO stay 1, the value the
// published code records.
func TestEpsilonIsOneWithoutAdaptiveNoise(t *testing.T) {
	n, err := New(testConfig(PAL), 7)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 200; s++ {
		n.Step([]float64{0.2, 0.5, 0.9}, nil, Switches{LearnLat: true, LearnBW: true}, nil)
	}
	for k := range n.Epsilon {
		if n.Epsilon[k] != 1 || n.EpsilonLO[k] != 1 {
			t.Errorf("epsilon[%d] = %v, epsilon_LO = %v", k, n.Epsilon[k], n.EpsilonLO[k])
		}
	}
}

// The DTPDRL increment is -dt·eta·outer(BPP·r_pre - noise, r_pre) -
// dt·alpha·eta·BPP, with r_pre the high-passed rate, or the rate with
// BPI·rI_breve added inside the bracket without the high-pass.
type dtpChecker struct {
	t      *testing.T
	before []Mat // BPP before the step
	bpi    []Mat // BPI before the step (its update is applied first)
	hiPass bool
	learn  bool
	n      int
}

func (c *dtpChecker) Observe(n *Network) {
	cfg := &n.Cfg
	for k := range n.BPP {
		b, d := c.before[k], n.DBPP[k]
		top := cfg.ApicalSource(k)
		r := n.RPBreve[top]
		if c.hiPass {
			r = n.RPBreveHI[top]
		}
		br := make([]float64, b.Rows)
		b.mulVecLoops(br, r)
		if !c.hiPass {
			tmp := make([]float64, b.Rows)
			c.bpi[k].mulVecLoops(tmp, n.RIBreve[cfg.ApicalInter(k)])
			for i := range br {
				br[i] += tmp[i]
			}
		}
		noisy := !allZero(n.Noise[k])
		for i := 0; i < b.Rows; i++ {
			for j := 0; j < b.Cols; j++ {
				want := -cfg.Dt * cfg.Alpha[k] * cfg.EtaBW[k] * b.Data[i*b.Cols+j]
				if noisy {
					want += -cfg.Dt * cfg.EtaBW[k] * (br[i] - n.Noise[k][i]) * r[j]
				}
				got := d.Data[i*d.Cols+j]
				if math.Abs(got-want) > 1e-12*math.Max(1e-6, math.Abs(want)) {
					c.t.Fatalf("hi %v %v: dBPP[%d][%d,%d] = %v, want %v (br %v noise %v r %v)", c.hiPass, cfg.Connectivity, k, i, j, got, want, br[i], n.Noise[k][i], r[j])
				}
				if c.learn && n.BPP[k].Data[i*b.Cols+j] != b.Data[i*b.Cols+j]+got {
					c.t.Fatalf("BPP[%d] is not BPP + dBPP", k)
				}
			}
		}
		if noisy {
			c.n++
		}
	}
}

func TestDTPDRLRule(t *testing.T) {
	for _, hi := range []bool{true, false} {
		for _, conn := range []Connectivity{Layered, Skip} {
			cfg := deepConfig(DTPDRL)
			cfg.PyrHiPass, cfg.Connectivity = hi, conn
			n, err := New(cfg, 31)
			if err != nil {
				t.Fatal(err)
			}
			c := &dtpChecker{t: t, hiPass: hi}
			r0 := []float64{0.2, 0.5, 0.9}
			for s := 0; s < 300; s++ {
				c.before, c.bpi = c.before[:0], c.bpi[:0]
				for k, m := range n.BPP {
					c.before = append(c.before, m.Clone())
					c.bpi = append(c.bpi, n.BPI[k].Clone())
				}
				c.learn = s >= 100
				n.Step(r0, nil, Switches{LearnLat: true, LearnBW: c.learn}, c)
			}
			if c.n == 0 {
				t.Errorf("hi-pass %v, %v: no step with noise", hi, conn)
			}
		}
	}
}
