package sweep

import (
	"bytes"
	"strings"
	"testing"

	"palmc/experiment"
)

// A resumed cell's steps made before count in the share of the steps, so
// that a sweep resumed at 40 % does not start again from 0 %.
func TestDisplayCountsResumedSteps(t *testing.T) {
	var b bytes.Buffer
	todo := []CellStatus{{Cell: IndexCell{Index: 0, Steps: 1000}}, {Cell: IndexCell{Index: 1, Steps: 1000}}}
	d := newDisplay(&b, false, false, 2, todo, 0)
	d.stop()
	d.started(todo[0].Cell)
	d.started(todo[1].Cell)
	d.progress(0, experiment.Progress{Name: "seed1", Step: 800}) // resumed at 800
	d.progress(1, experiment.Progress{Name: "seed1", Step: 0})
	d.progress(0, experiment.Progress{Name: "seed1", Step: 900})
	d.progress(1, experiment.Progress{Name: "seed1", Step: 100})
	d.status(true)
	if got := b.String(); !strings.Contains(got, "; 50% of the steps") {
		t.Errorf("status: %q, want 50%% (1000 of 2000 steps made)", got)
	}
}
