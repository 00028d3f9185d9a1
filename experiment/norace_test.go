//go:build !race

package experiment_test

// raceDetector is set in builds with the race detector (see race_test.go).
const raceDetector = false
