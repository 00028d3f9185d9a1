// Package plot draws the recordings of a palmc run (results.npz) as PNG
// figures, one per recorded variable and layer, in the manner of the
// published PAL runner (arXiv:2212.10249).
//
// # What is drawn
//
// All writes one figure for every "<var>/<layer>" (file "<var>_<layer>.png")
// or "<var>" (file "<var>.png") that a student network "seed<S>" has. All
// students share the figure, one colour per seed from a fixed palette
// (students are numbered in increasing seed order, so a seed keeps its
// colour across figures), and the legend, to the right of the axes, names
// the seeds. Where the teacher has the same key it is drawn dashed in
// black on top. Per kind of variable:
//
//   - MSE: the moving average over 10 presentations (a trailing window of
//     10·StepsPerSample/RecPerSteps records, at least 1) of each student, on
//     a log axis; zeros and negative values are clipped to the smallest
//     positive value drawn.
//   - WPP, WIP, BPP, BPI and their increments dWPP, dWIP, dBPP, dBPI: every
//     matrix entry over time, thin lines. "BPI+BPP_<k>.png" shows the
//     entry-wise sum BPI[k]+BPP[k], which PAL drives towards zero (the
//     self-predicting state).
//   - Voltages, rates and potentials (uP, uP_breve, rP_breve, rP_breve_HI,
//     uI, uI_breve, rI_breve, vbas, vapi, vapi_noise, noise, lat_mismatch,
//     input, error, target): every component over time.
//   - epsilon, epsilon_LO: one line per seed. For a run with adaptive noise
//     (Run.Adaptive), "cos_epsilon_LO_<k>.png" shows the cosine
//     1 - 2·epsilon_LO per seed and, when Run.NoiseDeg is set, the
//     threshold cos(noise_deg) as a dashed line: above it the layer is
//     aligned and gets no more noise.
//   - Angles to backprop (angle_WPPT_BPP, angle_jacobians_BP, angle_BPP_RHS,
//     with --compare BP): one line per seed, and "<angle>_<k>_mean.png" with
//     the mean over seeds and a shaded band of ± one standard deviation. The
//     y axis, in degrees, spans [0, max(90, data max)].
//
// With Run.Skip (skip connectivity) the titles of WIP, BPP, BPI and
// angle_WPPT_BPP name the output layer as the source of the backward
// weights.
//
// Keys "seed", "stimulus", "target_sequence" and "final_*" are not time
// series and are not drawn; variables that only the teacher has are not
// drawn either. An array with more than 400 components per record (a large
// weight matrix) is shown by 400 evenly spaced components, and the title
// says so.
//
// # Time axis
//
// The x axis is the model time after settling, in ms, or in s when the run
// is longer than 5 s. Record r (0-based) of a full series is taken at step
// (r+1)·RecPerSteps and drawn at t = (step - SettlingSteps)·Dt; records at
// or before the end of settling (step <= SettlingSteps) are left out. The
// target-only series (MSE, error, target) have no settling records: their
// first record is at the first multiple of RecPerSteps greater than
// SettlingSteps, and the next ones follow every RecPerSteps steps. The
// teacher, which runs for a shorter time than the students in fw_bw, is
// drawn over its own records with the same convention.
//
// A series of more than 5000 drawn records is decimated by keeping every
// m-th record, with the smallest m that brings it to at most 5000, so that
// long runs plot quickly. Non-finite values (such as the NaN angle of a
// zero matrix) leave gaps in the lines.
//
// Figures are 6×4 inches at 150 dpi (900×600 pixels).
package plot
