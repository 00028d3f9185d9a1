// Package params reads, checks and writes the params.json files of palmc,
// in the format of the published numpy implementation of Phaseless Alignment
// Learning (arXiv:2212.10249), so that its files load unchanged.
//
// A file is one JSON object. Keys named "_comment" are ignored and may
// repeat; unknown keys and repeated keys give warnings, not errors (the last
// value of a repeated key wins, as in Python), except an unknown key that
// misspells a known one ("epoch" for "epochs"), which is an error. Parse fills in the defaults,
// recognises seed-era files (docs/model.md §11) and validates everything before any
// simulation starts; Validate repeats the checks for Params built in code.
//
// Every problem is a *FieldError that names the JSON key, the list index
// and the offending value, e.g.
//
//	params: eta_bw[2]: value -1: must be >= 0 (a learning rate)
//	params: layers: missing (required)
//	params: dt: line 4, column 11: value "0.01": wrong type: want a number, got a string
//
// and Parse reports all of them at once, joined with errors.Join.
//
// Names follow the paper and the published files: N = len(layers)-1
// pyramidal layers P0…P(N-1), of which the last is the output layer, and
// H = N-1 hidden layers, each with an interneuron population. WPP are the
// forward weights, WIP pyramidal-to-interneuron, BPP the backward
// (pyramidal-to-apical) and BPI the interneuron-to-apical weights. All times
// are in ms.
//
// Model types: BP (BPP follows the transposed forward weights), FA (fixed
// random BPP), PAL (BPP learned from apical noise), and the seed-era names
// LDRL (the PAL rule) and DTPDRL. The fields of the noise-driven models
// (PAL, LDRL, DTPDRL) may be present for BP and FA, as in the published
// files; there they are type-checked only.
//
// Template returns a commented file that documents every key with its unit
// and default.
package params
