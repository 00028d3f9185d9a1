// Package microcircuit is the dendritic cortical microcircuit of
// Sacramento et al. (arXiv:1810.11393) with the prospective ("breve")
// voltages of Latent Equilibrium and the Phaseless Alignment Learning rule
// for the backward weights (arXiv:2212.10249). It holds the network state
// and the equations of one Euler step, and does no I/O.
//
// # Names
//
// layers = [n0, n1, …, nN] lists the input and N pyramidal layers; the last is
// the output, the others are hidden (H = N-1 of them). Interneuron
// population k sits in hidden layer k and mirrors layer k+1.
//
//	UP[j], UI[k]        somatic voltages of pyramidal layer j, interneurons k
//	VBas[j]             basal potential: WPP[j]·(rates of the layer below)
//	VApi[k]             apical potential: BPP[k]·RPBreve[k+1] + BPI[k]·RIBreve[k]
//	VDen[k]             interneuron dendrite: WIP[k]·RPBreve[k]
//	UPBreve, UIBreve    prospective voltages u_old + taur·τ_eff·(u - u_old)/dt
//	RPBreve, RIBreve    rates phi(u_breve)
//	WPP[j]              forward weights into layer j
//	WIP[k]              pyramidal layer k → interneurons k
//	BPP[k]              backward weights, layer k+1 → apical of layer k
//	BPI[k]              interneurons k → apical of layer k
//	Noise[k]            PAL's apical noise (hidden layers)
//	RPBreveHI[j]        high-passed rates used by PAL's BPP update
//
// # One step
//
// Step runs the phases of the published code in its order (SPEC §4):
// keepPrevious, prospective, dendrites, drawNoise (PAL, while learning
// BPP), soma (the somatic increments, added at once), plasticity (the
// weight increments, added where their switch is on), the observer,
// highPass (PAL). Effective time constants are τ_P = 1/(gl+gbas+gapi) for
// hidden layers, 1/(gl+gbas+gntgt) for the output and τ_I = 1/(gl+gden+gnI);
// the soma moves by du = dt·(τ·(conductance-weighted inputs) - u)/τ.
//
// Plasticity, with e = phi(u_breve) - phi(c·v_bas,old) the post factor
// (c = gbas/(gl+gbas+gapi) hidden, gbas/(gl+gbas) output):
//
//	dWPP[j] = dt·eta_fw[j]·outer(e[j], r_old of the layer below)
//	dWIP[k] = dt·eta_IP[k]·outer(rI_breve - phi(gden/(gl+gden)·vden_old), rP_breve_old[k])
//	dBPI[k] = dt·eta_PI[k]·outer(-vapi_old, rI_breve_old)
//	dBPP[k] = dt·eta_bw[k]·outer(noise[k], r_pre) - dt·alpha[k]·eta_bw[k]·R   (PAL)
//
// BP sets BPP = WPPᵀ and BPI = -BPP each step; FA keeps BPP fixed.
//
// The increments are stored in DWPP, DWIP, DBPP and DBPI only in a step
// with an observer, which is when they are recorded; other steps add them
// to the weights as they compute them, and skip those that are neither
// applied nor recorded. The filters that the published code advances every
// step (the low-passed dWPP factors) still advance every step.
//
// # Speed
//
// A step allocates nothing. Its buffers are reused, the old and current
// rates and dendrites trade places instead of being copied, and the
// voltages and rates of all populations are consecutive parts of one array
// each, so that prospective voltages and logistic rates are computed in
// one pass. On amd64 CPUs with AVX2 and FMA, the heavy loops run in the
// kernels of kernels_amd64.s (build tag purego: the Go loops):
//
//   - the logistic rates, whose exponential repeats math.Exp's amd64
//     routine operation by operation: the same bits, four at a time;
//   - the prospective voltages, the somatic step and the outer-product
//     weight updates, with the operations of the Go loops: the same bits;
//   - the matrix-vector products of the dendrites, which sum in four lanes
//     of fused multiply-adds: equal to the Go loops' row sums to round-off,
//     as numpy's BLAS is (see mat.go).
package microcircuit
