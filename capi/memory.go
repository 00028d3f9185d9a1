package main

import (
	"fmt"

	"palmc/runfolder"
)

// fits checks, before anything is allocated, that bytes more bytes fit in
// memory: under limit when it is positive, else under what this process
// may still use (runfolder.Available). A Go allocation that fails ends the
// whole process, the caller's interpreter with it, so sizes are checked
// first. what names the thing, fix says how to make it smaller.
func fits(bytes float64, limit int64, what, fix string) error {
	from := "the memory limit given"
	if limit <= 0 {
		limit, from = runfolder.Available()
		if limit <= 0 {
			return nil // nothing known: no check
		}
	}
	if bytes > float64(limit) {
		return valueErr("palmc: %s needs %s, more than %s (%s): %s", what, size(bytes), size(float64(limit)), from, fix)
	}
	return nil
}

// size formats a number of bytes.
func size(b float64) string {
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"} {
		if b < 1024 {
			return fmt.Sprintf("%.3g %s", b, u)
		}
		b /= 1024
	}
	return fmt.Sprintf("%.3g EiB", b)
}
