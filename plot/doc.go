// Package plot draws the recordings of a palmc run (results.npz), one
// figure per recorded variable and layer, and the paper's Fig. 3 and 4
// (arXiv:2212.10249), as PNG pictures or SVG and PDF vector figures.
//
// # What is drawn
//
// All writes one figure for every "<var>/<layer>" (file "<var>_<layer>.png")
// or "<var>" (file "<var>.png") that a student network "seed<S>" has. Each
// figure's title names the variable in the paper's notation (notation.go:
// W for forward, B for backward weights, Wᴵᴾ and Bᴾᴵ for the interneurons'
// weights, φ′ for the slopes of the activation, palmc's layer numbers as
// subscripts), and its subtitle says what is shown: which statistic over
// which entries and seeds. Legends sit in a row below the axes, never over
// the data, and only name what is drawn. Students keep their colour in
// every figure (students are numbered in increasing seed order, colours
// from a fixed palette).
//
// A figure shows at most a dozen lines one by one; beyond that it shows
// the distribution of the values (series.go): the median with the 25–75 %
// and 5–95 % ranges across matrix entries or neurons and seeds, or the
// median with the 25–75 % range and the full range across seeds when each
// seed has one value, plus a few representative entries of the first seed
// (those whose last value ranks at 10, 50 and 90 %). Quantiles interpolate
// linearly, as numpy's percentile does. Per kind of variable:
//
//   - WPP, WIP, BPP, BPI and "BPI+BPP_<k>" (the entry-wise sum
//     BPI[k]+BPP[k], zero in the self-predicting state): over the run;
//     every entry of up to three seeds as lines when there are few, else
//     the distribution with representative entries. A matrix that does not
//     change is said to be constant. For the forward weights of a fw_bw
//     run the teacher's weights, which do not learn, are drawn dashed
//     across the run: the values the students should reach.
//   - Fast signals — uP, uP_breve, rP_breve, rP_breve_HI, uI, uI_breve,
//     rI_breve, vbas, vapi, vapi_noise, noise, lat_mismatch, input, error,
//     target, epsilon and the increments dWPP, dWIP, dBPP, dBPI — are drawn
//     by what the recording resolves (signals.go): recorded at least once
//     per input sample, a short run (at most 25 samples) is drawn whole
//     against time in ms, a longer one in two windows of 10 input samples
//     at the start and at the end of the run; recorded less often than the
//     input changes, each record is an unrelated sample, and the figure
//     shows the distribution per epoch over the records of the epoch, the
//     neurons and the seeds. The teacher's signals are not drawn: it runs
//     once over the input in its drawn order, while each student's epochs
//     visit the samples in an order of their own, so that at one time they
//     see different inputs.
//   - MSE: per seed the mean over each epoch (or bin of epochs), on a log
//     axis; across more than three seeds the median with the 25–75 % range
//     and the full range. Means that are not positive are clipped to the
//     axis' lower end. A classify run (one with val_accuracy) records its
//     MSE at a few single steps of single training samples per epoch: its
//     MSE.png is its training error per epoch ("<net>/epoch_train_mse": per
//     seed and the mean), or none.
//   - Angles to backprop (angle_WPPT_BPP, angle_jacobians_BP, angle_BPP_RHS,
//     with --compare BP) and epsilon_LO: one line per seed, and
//     "<angle>_<k>_mean.png" with the mean over seeds and a band of ± one
//     standard deviation. The y axis of an angle, in degrees, spans
//     [0, max(90, data max)]. angle_dWPP_BP (bw_only with --compare BP),
//     recorded per sample of a replay for each set of weights taken, is
//     drawn per seed as the mean over the samples of each replay, at the
//     step whose weights the replay used ("<net>/rec_time_dWPP_BP").
//   - For a run with adaptive noise (Run.Adaptive), "cos_epsilon_LO_<k>.png"
//     shows the cosine 1 - 2·epsilon_LO per seed and, when Run.NoiseDeg is
//     set, the threshold cos(noise_deg) as a dashed line: above it the
//     layer is aligned and gets no more noise.
//
// With Run.Skip (skip connectivity) the titles of WIP, BPP, BPI and
// angle_WPPT_BPP name the output layer as the source of the backward
// weights.
//
// Keys "seed", "stimulus", "target_sequence" and "final_*" are not time
// series and are not drawn; variables that only the teacher has are not
// drawn either.
//
// # Axes
//
// Figures over a whole run are drawn against epochs when the run lasts at
// least two epochs (Run.EpochSteps), else against the model time after
// settling, in ms (s above 5 s). Record r (0-based) of a full series is
// taken at step (r+1)·RecPerSteps and drawn at (step - SettlingSteps) in
// epochs or time; records at or before the end of settling are left out.
// The target-only series (MSE, error, target) have no settling records:
// their first record is at the first multiple of RecPerSteps greater than
// SettlingSteps. Windows of fast signals are drawn against the time in ms
// within their epoch. Every y axis has its unit: voltages, rates, weights
// and the MSE in arbitrary units (a.u.), angles in degrees.
//
// A line of more than 1000 records is decimated by keeping every m-th
// record; per-epoch statistics use at most 250 bins, each of whole epochs;
// a distribution takes at most 4000 values per point, representing large
// matrices by evenly spaced entries (the subtitle says so), and a bin of
// an envelope at most 40000, taking evenly spaced records of long bins. Non-finite
// values (such as the NaN angle of a zero matrix) leave gaps.
//
// Per-variable figures are 6×4 inches, 900×600 pixels as PNG (150 dpi).
package plot
