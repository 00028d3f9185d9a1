// Command capi is palmc's C interface: the shared library that the Python
// package palmc (python/) loads with ctypes, built with
//
//	go build -buildmode=c-shared -o libpalmc.so ./capi
//
// It is the one place of palmc that speaks C. It holds no model: it builds
// networks with microcircuit and experiment, checks params with params,
// reads data sets with dataset, and hands their numbers over as C arrays.
//
// # Conventions
//
// Objects (networks, data sets) live in Go and are named by handles,
// positive integers; a handle that was closed, or never given, is refused.
// Every exported function returns NULL on success, or an error: a C string
// that holds a JSON object
//
//	{"kind": "params", "message": "params: eta_bw[2]: value -1: ...", "fields": ["eta_bw"]}
//
// with kind one of params (bad params; fields names the keys), value (a
// bad argument: unknown variable, wrong length, NaN input), closed (a
// handle that is not open), diverged (a network stopped at step "step":
// "variables" are not finite), data (a data set that cannot be read) and
// internal (anything else, a Go panic included: a panic inside a call is
// recovered and returned, never a crash of the caller). The caller frees
// every returned string, errors included, with palmc_free.
//
// Arrays are passed as pointers to C-contiguous float64 (double) or int64
// memory with their lengths; Go copies from and into them during the call
// and keeps no pointer to them.
//
// The library installs no handler for SIGINT: a Ctrl-C reaches the caller
// (Python's KeyboardInterrupt). Long work is done in calls of bounded
// length (palmc_net_run takes any number of steps: the caller splits a
// long run into chunks), so that the caller sees its signals in between.
//
// # Networks
//
// palmc_net_new builds a network from params and a seed as palmc run builds
// its students (or its teacher), in the same initial state. Its state
// variables are named as in results.npz and model.npz (docs/model.md §1):
// the vectors of microcircuit.Network.StateVecs (uP, uP_breve, vapi,
// noise, r0, …) and the matrices of StateMats (WPP, BPP, dWPP_LO, …), one
// array per layer. palmc_net_run makes steps with given inputs, targets and
// plasticity switches, recording with the recorder of palmc run
// (package record) at every step whose count since the network was built
// is a multiple of the recording interval, as palmc run records.
//
// With per-sample input weights (input_update "per_sample", the default of
// classify; docs/model.md §4 I) a network's WPP[0] and dWPP_LO[0] are read
// as they are after the last step, computed aside, so that reading changes
// none of the steps to come; a write first takes the sample so far into
// them. The vectors held_* are that scheme's own state: read-only.
package main
