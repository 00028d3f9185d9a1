package microcircuit

import (
	"reflect"
	"testing"

	"palmc/rng"
)

// sparseRows returns n input rows of the given size, zero but for a few
// runs of non-zero values, so that most blocks of four are zero, as in
// MNIST.
func sparseRows(g *rng.RandomState, n, size int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		r := make([]float64, size)
		for range 1 + size/40 {
			start := int(g.Randint(0, int64(size)))
			for j := start; j < min(size, start+1+int(g.Randint(0, 9))); j++ {
				r[j] = float64(g.Randint(1, 256)) / 256
			}
		}
		rows[i] = r
	}
	return rows
}

// A network with lazy input columns steps as one without, bit for bit,
// through training, observed and evaluation steps, steps without WPP
// learning, Syncs and reads of its matrices at any point.
func TestLazyInputColumnsSameBits(t *testing.T) {
	small := classifyConfig(PAL, []int{48, 13, 5}, []float64{5, 0.1}, 0.2, 0.02)
	for name, cfg := range map[string]Config{
		"small PAL": small, "MNIST PAL": mnistConfig(PAL), "MNIST FA": mnistConfig(FA), "MNIST BP": mnistConfig(BP),
	} {
		lazyCfg := cfg
		lazyCfg.LazyInputColumns = true
		a, err := New(cfg, 21)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(lazyCfg, 21)
		if useAVX2 && len(b.lazyDone) == 0 {
			t.Fatalf("%s: the lazy scheme is off", name)
		}
		g := rng.New(4)
		rows := sparseRows(g, 12, cfg.Layers[0])
		tgt := make([]float64, cfg.Layers[len(cfg.Layers)-1])
		steps := 3000
		if cfg.Layers[0] > 100 {
			steps = 600
		}
		owing := 0
		for s := 0; s < steps; s++ {
			r0 := rows[s/7%len(rows)]
			if s%50 == 0 {
				g.FillUniform(tgt, 0, 1)
			}
			sw := fwBw
			var obs Observer
			switch s % 97 {
			case 13:
				obs = nopObserver{}
			case 29, 30, 31:
				sw = Switches{} // evaluation
			case 47:
				sw = bwOnly
			case 61:
				b.Sync()
			case 83:
				_ = b.StateMats()
			}
			a.Step(r0, tgt, sw, obs)
			b.Step(r0, tgt, sw, obs)
			if b.owing {
				owing++
			}
			if i := sameBits(b.VBas[0], a.VBas[0]); i >= 0 {
				t.Fatalf("%s step %d: vbas[0][%d] = %v, want %v", name, s, i, b.VBas[0][i], a.VBas[0][i])
			}
		}
		if useAVX2 && owing < steps/2 {
			t.Errorf("%s: blocks owed steps after only %d of %d steps", name, owing, steps)
		}
		b.Sync()
		for _, f := range []string{"UP", "UI", "WPP", "WIP", "BPP", "BPI", "DWPPLO", "Noise", "RPBreveHI", "VBas"} {
			x := reflect.ValueOf(a).Elem().FieldByName(f).Interface()
			y := reflect.ValueOf(b).Elem().FieldByName(f).Interface()
			if !reflect.DeepEqual(x, y) {
				t.Errorf("%s: %s differs with lazy input columns", name, f)
			}
		}
	}
}

// Sync is needed between steps, and enough: after it a lazy network's
// matrices are those of the plain network; Clone and CopyWeightsFrom sync.
func TestLazyInputColumnsSync(t *testing.T) {
	if !useAVX2 {
		t.Skip("the lazy scheme needs the AVX2 kernels")
	}
	cfg := classifyConfig(PAL, []int{48, 13, 5}, []float64{5, 0.1}, 0.2, 0.02)
	lazyCfg := cfg
	lazyCfg.LazyInputColumns = true
	a, _ := New(cfg, 3)
	b, _ := New(lazyCfg, 3)
	rows := sparseRows(rng.New(1), 3, 48)
	tgt := []float64{1, 0.1, 0.1, 0.1, 0.1}
	for s := 0; s < 40; s++ {
		a.Step(rows[s/10%3], tgt, fwBw, nil)
		b.Step(rows[s/10%3], tgt, fwBw, nil)
	}
	if !b.owing || sameBits(b.WPP[0].Data, a.WPP[0].Data) < 0 {
		t.Fatal("no block owes steps: the test does not test Sync")
	}
	c := b.Clone()
	d, _ := New(cfg, 9)
	d.CopyWeightsFrom(b)
	for name, m := range map[string][]float64{"Clone": c.WPP[0].Data, "CopyWeightsFrom": d.WPP[0].Data} {
		if i := sameBits(m, a.WPP[0].Data); i >= 0 {
			t.Errorf("%s: WPP[0][%d] = %v, want %v", name, i, m[i], a.WPP[0].Data[i])
		}
	}
	b.Sync()
	for i, m := range []Mat{b.WPP[0], b.DWPPLO[0]} {
		want := []Mat{a.WPP[0], a.DWPPLO[0]}[i]
		if j := sameBits(m.Data, want.Data); j >= 0 {
			t.Errorf("after Sync: matrix %d [%d] = %v, want %v", i, j, m.Data[j], want.Data[j])
		}
	}
}
