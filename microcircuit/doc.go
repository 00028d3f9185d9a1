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
//	Epsilon[k]          misalignment (1 - cos(uP_breve[k], BPP[k]·r_top))/2
//	EpsilonLO[k]        its low-pass with Taueps (adaptive noise; else 1)
//	BWSteps             steps made with LearnBW (phased noise's clock)
//
// # One step
//
// Step runs the phases of the published code in its order (docs/model.md §4):
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
// # Seed-era variants
//
// The options of docs/model.md §11, from the published project's code of
// spring 2022, are options of the same network; Config's defaults give the
// published one.
//
//   - Connectivity Skip: every hidden layer k gets its backward input from
//     the output layer. BPP[k], BPI[k] are layers[k+1] × nN; one interneuron
//     population UI[0] (size nN, the output layer's activation) with WIP[0]
//     of shape nN × layers[N-1] reads the last hidden layer and is nudged
//     by the output's uP_breve: vapi[k] = BPP[k]·rP_breve[N-1] +
//     BPI[k]·rI_breve[0], vden[0] = WIP[0]·rP_breve[N-2]. dWIP[0] uses
//     rP_breve_old[N-2], dBPI[k] rI_breve_old[0], PAL's r_pre the output's
//     (high-passed) rate. The self-predicting state sets WIP[0] =
//     gbas(gl+gden)/(gden(gl+gbas))·WPP[N-1], BP sets BPP[k] =
//     WPP[k+1]ᵀ⋯WPP[N-1]ᵀ. The initial values are drawn as for Layered, in
//     the same order, with these shapes; with one hidden layer the two are
//     the same network, bit for bit. Config.ApicalSource, ApicalInter,
//     InterSource, InterMirror and NI give the index maps.
//   - Phased noise (PhaseSteps > 0): in a step with LearnBW only hidden
//     layer floor(BWSteps/PhaseSteps) mod H (ActiveLayer) has noise and a
//     BPP update; the others' noise is zero, they draw nothing and do not
//     advance the shared noise counter, their DBPP is zero. The noise of the
//     step before a switch still reaches the soma of the layer that was
//     active, one step late, as all noise does.
//   - Adaptive noise (NoiseUPAdaptive): in steps with LearnBW, Epsilon[k] =
//     (1 - cos(uP_breve[k], BPP[k]·r_top))/2 (cos taken as 0 if a vector is
//     zero), EpsilonLO[k] += dt/Taueps·(Epsilon[k] - EpsilonLO[k]); a due
//     draw is EpsilonLO[k]·normal(0, |uP[k][i]|) (times NoiseScale[k]) while
//     EpsilonLO[k] > (1 - cos(NoiseDeg))/2, and zeros, without using the
//     generator, once the layer is aligned.
//   - DTPDRL: dBPP[k] = -dt·eta_bw·outer(BPP[k]·r_pre - noise[k], r_pre) -
//     dt·alpha·eta_bw·R, the first term only while noise[k] is non-zero;
//     without PyrHiPass the bracket is vapi[k] - noise[k] (BPI[k]·rI_breve
//     added). Everything else is PAL's.
//
// The published path runs the code of step.go; step_seedera.go holds the
// variants, chosen once per step or per layer.
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
// each (padded to a multiple of four entries, so that the kernels below
// need no scalar tail), so that prospective voltages and logistic rates are
// computed in one pass. On amd64 CPUs with AVX2 and FMA, the heavy loops run in the
// kernels of kernels_amd64.s (build tag purego: the Go loops):
//
//   - the logistic rates, whose exponential repeats math.Exp's amd64
//     routine operation by operation: the same bits, four at a time, the
//     last n%4 in a masked block; the same kernel subtracts them from a
//     rate for dWPP's and dWIP's post factors;
//   - the prospective voltages, the somatic step, the OU noise, PAL's
//     high-pass filter and the outer-product weight updates (three-column
//     matrices four rows at a time), with the operations of the Go loops:
//     the same bits;
//   - the matrix-vector products of the dendrites, which sum in four lanes
//     of fused multiply-adds: equal to the Go loops' row sums to round-off,
//     as numpy's BLAS is (see mat.go). Eight rows at a time keep eight
//     chains of multiply-adds in flight, with each row summed as in blocks
//     of four (TestGemvKernelOrder spells the order out).
//
// Matrices of one to three columns (Yin-Yang's three classes) are summed
// by Go loops that hold the columns in registers, in the order of the
// general loops.
//
// In a step that learns WPP, has no observer and low-passes the increments
// with plain dWPP factors (the published PAL tasks; BP and FA with
// DWPPLowPassAllModels), the basal product WPP[j]·r and the update of
// WPP[j] and dWPP_LO[j] are one pass over both matrices
// (mulVecLowPassedOuter): the update reads only the current step's
// prospective rates and the previous step's basal potentials and rates,
// all known before the dendrites, and the product is taken from each
// weight before it changes. The bits are those of the separate product and
// update. That pass reads and writes each weight and each low-passed
// increment once, which is what any implementation must do:
// BenchmarkMNISTTraffic times such a pass with no other arithmetic, the
// memory-traffic floor of a training step of [784,100,10].
//
// Config.LazyInputColumns (off by default) goes below that floor where
// inputs are zero: the columns of WPP[0] whose input is zero in a step and
// the one before only decay their low-passed increments, so they are left
// untouched and the steps they owe are made later, one by one with the
// same operations, in registers (lazy.go). The bits are the same; the
// price is that WPP[0] and DWPPLO[0] lag between steps until Network.Sync.
package microcircuit
