package microcircuit

// StateVecs names every part of the state of n that is a list of vectors,
// under the names of the published code (uP, uP_old, …; docs/model.md §1).
// The vectors are n's own: what is written into them changes n. Together
// with StateMats, the generator (Rand), NoiseCounter and BWSteps they are
// everything the next step reads, so that a network set from them steps
// on as the original would.
//
// With per-sample input weights the state includes the scheme's own
// (held_p, held_delta, …, held_done, held_scalars; persample.go), and WPP[0]
// and DWPPLO[0] are stored as the scheme keeps them, not brought up to
// date: setting the same values gives a network that steps on bit for bit.
func (n *Network) StateVecs() []StateVec {
	v := []StateVec{
		{"uP", n.UP}, {"uP_old", n.UPOld}, {"uP_breve", n.UPBreve},
		{"rP_breve", n.RPBreve}, {"rP_breve_old", n.RPBreveOld},
		{"vbas", n.VBas}, {"vbas_old", n.VBasOld},
		{"uI", n.UI}, {"uI_old", n.UIOld}, {"uI_breve", n.UIBreve},
		{"rI_breve", n.RIBreve}, {"rI_breve_old", n.RIBreveOld},
		{"vden", n.VDen}, {"vden_old", n.VDenOld},
		{"vapi", n.VApi}, {"vapi_old", n.VApiOld}, {"vapi_noise", n.VApiNoise},
		{"noise", n.Noise}, {"rP_breve_HI", n.RPBreveHI},
		{"r_LO", n.PreLO}, {"post_LO", n.PostLO},
		{"r0", [][]float64{n.R0}}, {"r0_old", [][]float64{n.R0Old}},
		{"epsilon", [][]float64{n.Epsilon}}, {"epsilon_LO", [][]float64{n.EpsilonLO}},
	}
	if n.perSample {
		v = append(v, n.heldStateVecs()...)
	}
	return v
}

// StateMats names every matrix of the state of n: the weights and their
// increments, and PAL's low-passed forward increments. The lazy input
// columns make their owed steps first (the same bits), so that the
// matrices may be written; per-sample input weights are left as the scheme
// keeps them (see StateVecs; Sync brings them up to date).
func (n *Network) StateMats() []StateMat {
	n.syncLazy()
	return []StateMat{
		{"WPP", n.WPP}, {"WIP", n.WIP}, {"BPP", n.BPP}, {"BPI", n.BPI},
		{"dWPP", n.DWPP}, {"dWIP", n.DWIP}, {"dBPP", n.DBPP}, {"dBPI", n.DBPI},
		{"dWPP_LO", n.DWPPLO},
	}
}

// StateVec is a named list of state vectors (see StateVecs).
type StateVec struct {
	Name string
	Vecs [][]float64
}

// StateMat is a named list of state matrices (see StateMats).
type StateMat struct {
	Name string
	Mats []Mat
}

// Clone returns a copy of n that shares nothing with it: stepping either
// leaves the other as it was, and both give the same numbers.
func (n *Network) Clone() *Network {
	c, err := New(n.Cfg, n.Seed)
	if err != nil {
		// n was built from the same configuration.
		panic("microcircuit: Clone: " + err.Error())
	}
	dv := c.StateVecs()
	for i, f := range n.StateVecs() {
		for j, v := range f.Vecs {
			copy(dv[i].Vecs[j], v)
		}
	}
	dm := c.StateMats()
	for i, f := range n.StateMats() {
		for j, m := range f.Mats {
			copy(dm[i].Mats[j].Data, m.Data)
		}
	}
	c.Rand.SetState(n.Rand.State())
	c.NoiseCounter, c.BWSteps, c.phase = n.NoiseCounter, n.BWSteps, n.phase
	return c
}
