// Package experiment runs the published tasks on a set of networks
// (docs/model.md §6): students built from their seeds, for fw_bw a teacher whose
// output becomes the target, the step input, settling and epochs with
// shuffling, and seeds in parallel on a bounded number of workers.
//
// The result of a seed does not depend on the number of workers: every
// network owns its generator and reads only shared, immutable input.
package experiment
