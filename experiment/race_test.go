//go:build race

package experiment_test

// raceDetector is set in builds with the race detector, which makes long
// single-network simulations ten times slower without looking at anything
// new: the replays and their snapshots are raced by shorter tests.
const raceDetector = true
