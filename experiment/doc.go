// Package experiment runs the published tasks on a set of networks
// (docs/model.md §6): students built from their seeds, for fw_bw a teacher whose
// output becomes the target, the step input, settling and epochs with
// shuffling, and seeds in parallel on a bounded number of workers. A
// bw_only student of a run with Compare also measures, after its training,
// the angle between its updates and backprop's (angle_dWPP_BP,
// docs/model.md §8): a copy of it replays the input for each set of
// weights taken during training, with a teacher's targets (updates.go).
//
// The result of a seed does not depend on the number of workers: every
// network owns its generator and reads only shared, immutable input.
package experiment
