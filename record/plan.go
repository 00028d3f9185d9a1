package record

import (
	"palmc/compare"
	"palmc/microcircuit"
)

// Values returns how many float64 values a recorder for a network of
// configuration cfg reserves with opts: what New would allocate, computed
// without building the network. It is a float64 so that absurd sizes do not
// overflow; memory checks compare it before anything is allocated.
func Values(cfg microcircuit.Config, opts Options) float64 {
	if opts.Every < 1 {
		return 0
	}
	L := make([]float64, len(cfg.Layers))
	for i, n := range cfg.Layers {
		L[i] = float64(n)
	}
	N, H, NI := cfg.N(), cfg.H(), cfg.NI()
	records := float64(opts.Steps / opts.Every)
	targetRecords := records
	if opts.TargetRecords > 0 {
		targetRecords = min(float64(opts.TargetRecords), records)
	} else if opts.TargetSteps < opts.Steps {
		targetRecords = min(float64(opts.TargetSteps/opts.Every+1), records)
	}
	pal := cfg.Model.Noisy()
	sum := func(n int, size func(i int) float64) float64 {
		s := 0.0
		for i := 0; i < n; i++ {
			s += size(i)
		}
		return s
	}
	wpp := sum(N, func(j int) float64 { return L[j+1] * L[j] })
	wip := sum(NI, func(i int) float64 { return L[cfg.InterMirror(i)+1] * L[cfg.InterSource(i)+1] })
	bpp := sum(H, func(k int) float64 { return L[k+1] * L[cfg.ApicalSource(k)+1] })
	pyr := sum(N, func(j int) float64 { return L[j+1] })
	hid := sum(H, func(k int) float64 { return L[k+1] })
	inter := sum(NI, func(i int) float64 { return L[cfg.InterMirror(i)+1] })
	total := 0.0
	for _, v := range Vars {
		if !opts.Vars[v] || (palOnly[v] && !pal) {
			continue
		}
		var size float64
		switch v {
		case "MSE":
			size = 1
		case "error", "target":
			size = L[N]
		case "input":
			size = L[0]
		case "WPP", "dWPP":
			size = wpp
		case "WIP", "dWIP":
			size = wip
		case "BPP", "BPI", "dBPP", "dBPI":
			size = bpp
		case "uP", "uP_breve", "rP_breve", "rP_breve_HI", "vbas", "noise":
			size = pyr
		case "uI", "uI_breve", "rI_breve", "lat_mismatch":
			size = inter
		case "vapi", "vapi_noise":
			size = hid
		case "epsilon", "epsilon_LO":
			size = float64(H)
		}
		if targetOnly[v] {
			total += size * targetRecords
		} else {
			total += size * records
		}
	}
	if opts.Compare {
		total += float64(H*len(compare.Names)) * records
	}
	return total
}
