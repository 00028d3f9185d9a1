package record

import (
	"testing"

	"palmc/microcircuit"
)

// Values gives exactly what New reserves, for every variable, both
// connectivities and with and without targets.
func TestValuesMatchesNew(t *testing.T) {
	base := microcircuit.Config{
		Layers: []int{3, 5, 4, 2}, Model: microcircuit.PAL,
		Activations: []microcircuit.Activation{microcircuit.Logistic, microcircuit.Logistic, microcircuit.Logistic},
		Dt:          0.01, Taur: 1, Gl: 0.03, Gbas: 0.1, Gapi: 0.06, Gden: 0.1, GnI: 0.06, Gntgt: 0.06,
		EtaFW: []float64{1, 1, 1}, EtaBW: []float64{1, 1}, EtaIP: []float64{1, 1}, EtaPI: []float64{1, 1},
		Alpha: []float64{0, 0}, NoiseScale: []float64{1, 1}, NoiseHoldSteps: 1, TauHP: 1, TauLO: 1, Tauxi: 1,
	}
	all := map[string]bool{}
	for _, v := range Vars {
		all[v] = true
	}
	for _, c := range []struct {
		name       string
		conn       microcircuit.Connectivity
		model      microcircuit.Model
		steps, tgt int
		every      int
		compare    bool
	}{
		{"layered PAL fw_bw", microcircuit.Layered, microcircuit.PAL, 1000, 900, 7, true},
		{"skip PAL bw_only", microcircuit.Skip, microcircuit.PAL, 1000, 0, 10, true},
		{"layered BP", microcircuit.Layered, microcircuit.BP, 999, 999, 1, false},
	} {
		cfg := base
		cfg.Connectivity, cfg.Model = c.conn, c.model
		n, err := microcircuit.New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Every: c.every, Vars: all, Compare: c.compare, Steps: c.steps, TargetSteps: c.tgt}
		r, err := New(n, opts)
		if err != nil {
			t.Fatal(err)
		}
		reserved := 0
		for _, s := range r.All() {
			reserved += cap(s.Data)
		}
		if got := Values(cfg, opts); got != float64(reserved) {
			t.Errorf("%s: Values = %v, New reserves %d", c.name, got, reserved)
		}
	}
}
