package experiments

import (
	"strings"
	"testing"

	"palmc/params"
)

// Every embedded params file loads without error or warning for its task.
func TestParamsLoad(t *testing.T) {
	names := Names()
	if len(names) == 0 {
		t.Fatal("no experiments embedded")
	}
	for _, name := range names {
		b, err := Params(name)
		if err != nil {
			t.Fatal(err)
		}
		task := params.BwOnly
		if strings.Contains(name, "fig4") {
			task = params.FwBw
		}
		if _, warns, err := params.Parse(b, task); err != nil || len(warns) > 0 {
			t.Errorf("%s: %v %v", name, err, warns)
		}
	}
}
