package experiment

import (
	"fmt"

	"palmc/microcircuit"
	"palmc/params"
	"palmc/rng"
)

// Config returns the network configuration of p; teacher selects the
// teacher's initial ranges, no taur and the self-predicting state.
func Config(p *params.Params, teacher bool) (microcircuit.Config, error) {
	N := p.N()
	c := microcircuit.Config{
		Layers: append([]int(nil), p.Layers...),
		Dt:     p.Dt, Taur: p.Taur,
		Gl: p.Gl, Gbas: p.Gbas, Gapi: p.Gapi, Gden: p.Gden, GnI: p.GnI, Gntgt: p.Gntgt,
		EtaFW: p.EtaFW, EtaBW: p.EtaBW, EtaIP: p.EtaIP, EtaPI: p.EtaPI, Alpha: p.Alpha,
		InitWPP: p.InitWPPRange, InitWIP: p.InitWIPRange, InitBPP: p.InitBPPRange, InitBPI: p.InitBPIRange,
		InitInSPS:  p.InitInSPS,
		NoiseScale: p.NoiseScale,
		TauHP:      p.TauHP, TauLO: p.TauLO, Tauxi: p.Tauxi,
		PyrHiPass:         p.PyrHiPass,
		InterLowPass:      p.InterLowPass,
		DWPPLowPass:       p.DWPPLowPass,
		DWPPRLowPass:      p.DWPPRLowPass,
		DWPPPostLowPass:   p.DWPPPostLowPass,
		GateRegularizer:   p.GateRegularizer,
		VarphiRegularizer: p.VarphiRegularizer,
		DWPPUseActivation: p.DWPPUseActivation,
		// The published code low-passes only the noise-driven models'
		// forward increments (docs/model.md §4 G); the GeNN port every
		// model's.
		DWPPLowPassAllModels: p.DWPPLowPassAllModels,
	}
	for j := 0; j < N; j++ {
		a, err := microcircuit.ParseActivation(p.Activation[j])
		if err != nil {
			return c, err
		}
		c.Activations = append(c.Activations, a)
	}
	switch p.ModelType {
	case "BP":
		c.Model = microcircuit.BP
	case "FA":
		c.Model = microcircuit.FA
	case params.ModelPAL, params.ModelLDRL:
		c.Model = microcircuit.PAL
	case params.ModelDTPDRL:
		c.Model = microcircuit.DTPDRL
	default:
		return c, fmt.Errorf("experiment: model_type %q is not supported", p.ModelType)
	}
	switch p.BwConnectionMode {
	case params.ConnLayered, "":
		c.Connectivity = microcircuit.Layered
	case params.ConnSkip:
		c.Connectivity = microcircuit.Skip
	default:
		return c, fmt.Errorf("experiment: bw_connection_mode %q is not supported", p.BwConnectionMode)
	}
	if c.Model.Noisy() {
		c.NoiseHoldSteps = p.NoiseHoldSteps()
		c.PhaseSteps = p.PhaseSteps()
		switch p.NoiseType {
		case "OU":
			c.NoiseType = microcircuit.OU
		case "hold_white_noise":
			c.NoiseType = microcircuit.HoldWhiteNoise
		default:
			return c, fmt.Errorf("experiment: noise_type %q is not supported", p.NoiseType)
		}
		switch p.NoiseMode {
		case "const":
			c.NoiseMode = microcircuit.NoiseConst
		case "uP":
			c.NoiseMode = microcircuit.NoiseUP
		case "uP_breve":
			c.NoiseMode = microcircuit.NoiseUPBreve
		case "vapi":
			c.NoiseMode = microcircuit.NoiseVapi
		case params.ModeUPAdaptive:
			c.NoiseMode = microcircuit.NoiseUPAdaptive
			c.NoiseDeg, c.Taueps = p.NoiseDeg, p.Taueps
		default:
			return c, fmt.Errorf("experiment: noise_mode %q is not supported", p.NoiseMode)
		}
	}
	if p.PerSample() && !teacher {
		c.InputUpdate = microcircuit.PerSample
	}
	if teacher {
		c.InitWPP, c.InitWIP = p.InitTeacherWPPRange, p.InitTeacherWIPRange
		c.InitBPP, c.InitBPI = p.InitTeacherBPPRange, p.InitTeacherBPIRange
		c.Taur = 1
		c.InitInSPS = true
	}
	return c, nil
}

// TeacherSeed returns the teacher's seed drawn by the published code:
// randint(100000, 999999) right after seeding with the first student seed.
func TeacherSeed(firstStudent int64) int64 {
	return rng.New(uint32(firstStudent)).Randint(100000, 999999)
}
