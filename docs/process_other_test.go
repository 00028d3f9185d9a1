//go:build !unix

package docs_test

import (
	"os"
	"os/exec"
)

// killGroupOnCancel leaves cmd as it is: the tutorial's commands need a
// POSIX shell and do not run here.
func killGroupOnCancel(*exec.Cmd) {}

// peakRSS is not measured on this system.
func peakRSS(*os.ProcessState) int64 { return 0 }
