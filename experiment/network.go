// Exported for the callers that build and step networks themselves (the
// C interface of the Python package), with the checks Run makes.

package experiment

import "palmc/microcircuit"

// Finite reports whether the somatic voltages of n are finite and within
// VoltageLimit: the check that stops a diverged network after every step
// of a run. It is cheap enough for every step.
func Finite(n *microcircuit.Network) bool { return voltagesFinite(n) }

// NonFinite names every variable of n that holds a NaN, an infinity or a
// value beyond VoltageLimit ("uP[2]", "WPP[1]"), as a DivergedError does.
func NonFinite(n *microcircuit.Network) []string { return nonFinite(n) }

// NetworkValues returns how many float64 values a network of configuration
// c holds (its state, weights, increments and filters), computed without
// building it, as the memory check of Run counts them.
func NetworkValues(c microcircuit.Config) float64 { return networkValues(c) }
