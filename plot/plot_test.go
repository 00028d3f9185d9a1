package plot

import (
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// goldenRun reads a golden reference.npz and the params.json beside it.
func goldenRun(t *testing.T, name string) Run {
	t.Helper()
	dir := filepath.Join("..", "testdata", "golden", name)
	arrays, err := ReadNPZ(filepath.Join(dir, "reference.npz"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Dt           float64 `json:"dt"`
		Tpres        float64 `json:"Tpres"`
		SettlingTime float64 `json:"settling_time"`
		RecPerSteps  int     `json:"rec_per_steps"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return Run{
		Arrays:         arrays,
		Dt:             p.Dt,
		RecPerSteps:    p.RecPerSteps,
		SettlingSteps:  int(math.Round(p.SettlingTime / p.Dt)),
		StepsPerSample: int(math.Round(p.Tpres / p.Dt)),
	}
}

// expectedFiles derives the file names All should write from the keys.
func expectedFiles(arrays map[string]Array) []string {
	set := map[string]bool{}
	has := map[string]bool{}
	for k := range arrays {
		parts := strings.Split(k, "/")
		if !strings.HasPrefix(parts[0], "seed") {
			continue
		}
		v := parts[1]
		if v == "seed" || v == "stimulus" || strings.HasPrefix(v, "final_") {
			continue
		}
		has[strings.Join(parts[1:], "/")] = true
		name := strings.Join(parts[1:], "_")
		set[name+".png"] = true
		if strings.HasPrefix(v, "angle_") {
			set[name+"_mean.png"] = true
		}
	}
	for n := range has {
		if l, ok := strings.CutPrefix(n, "BPI/"); ok && has["BPP/"+l] {
			set["BPI+BPP_"+l+".png"] = true
		}
	}
	var out []string
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// outDir is a temporary folder, or $PALMC_PLOT_DIR/<name> to keep the
// pictures for a look.
func outDir(t *testing.T, name string) string {
	if d := os.Getenv("PALMC_PLOT_DIR"); d != "" {
		return filepath.Join(d, name)
	}
	return t.TempDir()
}

func checkPNGs(t *testing.T, dir string, files []string) {
	t.Helper()
	for _, f := range files {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Error(err)
			continue
		}
		st, _ := fh.Stat()
		if st.Size() == 0 {
			t.Errorf("%s is empty", f)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 600 {
			t.Errorf("%s: size %dx%d, want 900x600", f, b.Dx(), b.Dy())
		}
	}
}

func TestAllGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		must    []string // files that must be among the expected ones
		mustNot []string
	}{
		{"pal_fw_tiny",
			[]string{"MSE.png", "WPP_0.png", "WPP_1.png", "BPI+BPP_0.png", "error.png", "target_0.png",
				"input.png", "angle_WPPT_BPP_0_mean.png", "epsilon_0.png", "uP_breve_1.png"},
			[]string{"target_sequence.png", "stimulus.png", "seed.png", "final_WPP_0.png"}},
		{"pal_bw_deep",
			[]string{"WPP_3.png", "BPI+BPP_2.png", "angle_BPP_RHS_2_mean.png", "lat_mismatch_2.png"},
			[]string{"MSE.png", "error.png"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := goldenRun(t, tc.name)
			want := expectedFiles(run.Arrays)
			for _, f := range tc.must {
				if !contains(want, f) {
					t.Errorf("expected set lacks %s", f)
				}
			}
			for _, f := range tc.mustNot {
				if contains(want, f) {
					t.Errorf("expected set has %s", f)
				}
			}
			dir := outDir(t, tc.name)
			got, err := All(run, dir, PNG)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("files:\n got %v\nwant %v", got, want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(want) {
				t.Errorf("%d files in %s, want %d", len(entries), dir, len(want))
			}
			checkPNGs(t, dir, got)
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// kept returns the records of a series taken after settling and their x
// on the run's axis.
func kept(pt *painter, v string, a Array) ([]int, []float64) {
	s := pt.newSeries("seed1", v, a)
	rows := s.afterSettling(pt.run.SettlingSteps)
	x := make([]float64, len(rows))
	for i, r := range rows {
		x[i] = pt.x.at(s.steps[r])
	}
	return rows, x
}

func TestTimeAxisLeavesOutSettling(t *testing.T) {
	run := goldenRun(t, "pal_fw_tiny") // 160 records, 40 of them settling
	const S, every, dt = 2000, 50, 0.01
	if run.SettlingSteps != S || run.RecPerSteps != every || run.Dt != dt {
		t.Fatalf("params: %+v", run)
	}
	n := run.Arrays["seed123/uP/0"].Shape[0]
	pt := &painter{run: run, x: newAxis(run, n*every-S)}
	idx, tms := kept(pt, "uP", run.Arrays["seed123/uP/0"])
	if len(idx) != n-S/every || idx[0] != S/every {
		t.Errorf("kept %d records from %d, want %d from %d", len(idx), idx[0], n-S/every, S/every)
	}
	if !(tms[0] > 0) || math.Abs(tms[0]-every*dt) > 1e-12 {
		t.Errorf("first time %v ms, want %v", tms[0], every*dt)
	}
	if last := tms[len(tms)-1]; math.Abs(last-float64(n*every-S)*dt) > 1e-9 {
		t.Errorf("last time %v ms, want %v", last, float64(n*every-S)*dt)
	}

	// Target-only series have no settling records: all are kept, and the
	// last one lines up with the last full record.
	m := run.Arrays["seed123/MSE"].Shape[0]
	idx, tm := kept(pt, "MSE", run.Arrays["seed123/MSE"])
	if len(idx) != m || !(tm[0] > 0) || math.Abs(tm[len(tm)-1]-tms[len(tms)-1]) > 1e-9 {
		t.Errorf("MSE: %d of %d records, times %v … %v", len(idx), m, tm[0], tm[len(tm)-1])
	}

	// Settling that is not a multiple of the record interval.
	odd := Run{Dt: 1, RecPerSteps: 10, SettlingSteps: 25}
	pt = &painter{run: odd, x: newAxis(odd, 75)}
	a := Array{Shape: []int{10}, Data: make([]float64, 10)}
	if idx, tms = kept(pt, "uP", a); idx[0] != 2 || tms[0] != 5 {
		t.Errorf("settling 25, every 10: first record %d at %v, want 2 at 5", idx[0], tms[0])
	}
	steps := recordSteps(3, true, 10, 25)
	if steps[0] != 30 {
		t.Errorf("first target step %d, want 30", steps[0])
	}
	// No settling.
	none := Run{Dt: 0.5, RecPerSteps: 10}
	pt = &painter{run: none, x: newAxis(none, 20)}
	if _, tms = kept(pt, "uP", Array{Shape: []int{2}, Data: []float64{0, 0}}); tms[0] != 5 {
		t.Errorf("no settling: first time %v, want 5", tms[0])
	}
	// Targets only in some steps (a classify run's training passes, not its
	// validation passes): the results' record times place them.
	gaps := Run{Dt: 0.5, RecPerSteps: 10, Arrays: map[string]Array{
		"seed1/rec_time_target": {Shape: []int{4}, Data: []float64{5, 10, 25, 30}}}}
	pt = &painter{run: gaps, x: newAxis(gaps, 60)}
	if _, tms = kept(pt, "MSE", Array{Shape: []int{4}, Data: make([]float64, 4)}); !slices.Equal(tms, []float64{5, 10, 25, 30}) {
		t.Errorf("targets with gaps: times %v, want [5 10 25 30]", tms)
	}
}

func TestChooseUnit(t *testing.T) {
	if u := chooseUnit(60); u.name != "ms" || u.perMs != 1 {
		t.Errorf("60 ms: %+v", u)
	}
	if u := chooseUnit(600000); u.name != "s" || u.perMs != 1e-3 {
		t.Errorf("600 s: %+v", u)
	}
}

func TestDecimate(t *testing.T) {
	idx := make([]int, 12001)
	for i := range idx {
		idx[i] = i + 7
	}
	d := decimate(idx, maxPoints)
	if len(d) > maxPoints || len(d) < maxPoints/2 {
		t.Errorf("kept %d of %d", len(d), len(idx))
	}
	stride := (len(idx) + maxPoints - 1) / maxPoints
	if d[0] != 7 || d[1]-d[0] != stride {
		t.Errorf("kept %v …, want every %dth from 7", d[:3], stride)
	}
	if d[len(d)-1] != idx[len(idx)-1] {
		t.Errorf("last kept %d, want the last record %d", d[len(d)-1], idx[len(idx)-1])
	}
	if d := decimate(idx[:maxPoints], maxPoints); len(d) != maxPoints {
		t.Errorf("%d points decimated to %d", maxPoints, len(d))
	}
	if d := decimate(idx, 0); len(d) != len(idx) {
		t.Errorf("no limit: %d", len(d))
	}
}

func TestReadNPZSeed(t *testing.T) {
	run := goldenRun(t, "pal_fw_tiny")
	s, ok := run.Arrays["seed456/seed"]
	if !ok || len(s.Shape) != 0 || len(s.Data) != 1 || s.Data[0] != 456 {
		t.Errorf("seed456/seed = %+v", s)
	}
	if a := run.Arrays["seed123/WPP/0"]; !reflect.DeepEqual(a.Shape, []int{160, 1, 1}) || len(a.Data) != 160 {
		t.Errorf("WPP/0 shape %v, %d values", a.Shape, len(a.Data))
	}
}

// TestAllSynthetic covers long series, large matrices, several seeds in
// numeric order, NaN angles and an MSE that reaches zero.
func TestAllSynthetic(t *testing.T) {
	const R = 12000
	arrays := map[string]Array{}
	for si, net := range []string{"seed7", "seed10", "seed100"} {
		w := Array{Shape: []int{R, 2, 2}, Data: make([]float64, R*4)}
		for i := range w.Data {
			w.Data[i] = math.Sin(float64(i)/1000 + float64(si))
		}
		arrays[net+"/WPP/0"] = w
		big := Array{Shape: []int{20, 30, 30}, Data: make([]float64, 20*900)}
		for i := range big.Data {
			big.Data[i] = float64(i%900) / 900
		}
		arrays[net+"/BPP/0"] = big
		mse := Array{Shape: []int{R - 10}, Data: make([]float64, R-10)}
		for i := range mse.Data {
			mse.Data[i] = math.Max(0, 1-float64(i)/5000)
		}
		arrays[net+"/MSE"] = mse
		ang := Array{Shape: []int{R}, Data: make([]float64, R)}
		for i := range ang.Data {
			ang.Data[i] = 80 * math.Exp(-float64(i)/3000)
			if i < 100 {
				ang.Data[i] = math.NaN()
			}
		}
		arrays[net+"/angle_WPPT_BPP/0"] = ang
	}
	arrays["seed7/seed"] = Array{Data: []float64{7}}
	run := Run{Arrays: arrays, Dt: 0.1, RecPerSteps: 10, SettlingSteps: 100, StepsPerSample: 50}
	dir := outDir(t, "synthetic")
	got, err := All(run, dir, PNG)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BPP_0.png", "MSE.png", "WPP_0.png", "angle_WPPT_BPP_0.png", "angle_WPPT_BPP_0_mean.png"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	checkPNGs(t, dir, got)

	if u := chooseUnit(R * 10 * 0.1); u.name != "s" {
		t.Errorf("unit %q for 12 s", u.name)
	}
}

func TestSeedOrderAndErrors(t *testing.T) {
	if _, err := All(Run{Dt: 1}, t.TempDir(), PNG); err == nil {
		t.Error("RecPerSteps 0 accepted")
	}
	if _, err := All(Run{RecPerSteps: 1}, t.TempDir(), PNG); err == nil {
		t.Error("Dt 0 accepted")
	}
	got, err := All(Run{Dt: 1, RecPerSteps: 1}, t.TempDir(), PNG)
	if err != nil || len(got) != 0 {
		t.Errorf("no arrays: %v, %v", got, err)
	}

	nets := []string{"seed100", "seed10", "seed7", "seed-3"}
	sortSeeds(nets)
	if want := []string{"seed-3", "seed7", "seed10", "seed100"}; !reflect.DeepEqual(nets, want) {
		t.Errorf("seed order %v, want %v", nets, want)
	}

	// Keys as npz lists them (".npy"), a network that is neither a student
	// nor the teacher, and teacher-only variables are handled.
	u := Array{Shape: []int{5, 2}, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	got, err = All(Run{Arrays: map[string]Array{
		"seed1/uP/0.npy":   u,
		"seed1/seed.npy":   {Data: []float64{1}},
		"teacher/uP/0.npy": u,
		"teacher/vapi/0":   u,
		"other/uI/0.npy":   u,
		"seed1/final_uP/0": {Shape: []int{2}, Data: []float64{1, 2}},
		"seed1/stimulus":   u,
		"seed1/MSE.npy":    {Shape: []int{2}, Data: []float64{0, -1}},
		"seed1/angle_X/0":  {Shape: []int{5}, Data: []float64{math.NaN(), 1, math.Inf(1), 3, 200}},
		"seed1/noise":      {Shape: []int{0, 3}},
	}, Dt: 1, RecPerSteps: 1, SettlingSteps: 2, StepsPerSample: 1}, t.TempDir(), PNG)
	want := []string{"MSE.png", "angle_X_0.png", "angle_X_0_mean.png", "noise.png", "uP_0.png"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
}

func TestTitles(t *testing.T) {
	for k, want := range map[key]string{
		{v: "WPP", layer: "0"}:                "forward weights W₀: input → layer 0",
		{v: "WPP", layer: "2"}:                "forward weights W₂: layer 1 → layer 2",
		{v: "dWIP", layer: "1"}:               "weight increments ΔWᴵᴾ₁ per step: layer 1 → interneurons 1",
		{v: "BPP", layer: "0"}:                "backward weights B₀: layer 1 → apical, layer 0",
		{v: "BPI+BPP", layer: "1"}:            "lateral plus backward weights Bᴾᴵ₁ + B₁: zero in the self-predicting state",
		{v: "uP_breve", layer: "1"}:           "prospective voltage ŭ₁, layer 1",
		{v: "input"}:                          "input rates",
		{v: "angle_WPPT_BPP", layer: "0"}:     "angle(W₁ᵀ, B₀)",
		{v: "angle_BPP_RHS", layer: "2"}:      "angle(φ′₂·W₃ᵀ·φ′₃, B₂)",
		{v: "angle_jacobians_BP", layer: "1"}: "angle(φ′₁·W₂ᵀ, B₁·φ′₂)",
	} {
		if got := describe(k, false); got != want {
			t.Errorf("describe(%v) = %q, want %q", k, got, want)
		}
	}
	if got := angleName("angle_BPP_RHS", -1, false); got != "angle(φ′·Wᵀ·φ′, B)" {
		t.Errorf("angle without layers: %q", got)
	}
}

func TestLogRange(t *testing.T) {
	for _, c := range []struct{ lo, hi, wantLo, wantHi float64 }{
		{0.55, 0.87, 0.5, 0.9},
		{2.4e-5, 1, 1e-5, 1},
		{0.03, 0.9, 0.02, 1},
		{0.5, 0.5, 0.2, 1},
	} {
		lo, hi := logRange(c.lo, c.hi)
		if math.Abs(lo/c.wantLo-1) > 1e-9 || math.Abs(hi/c.wantHi-1) > 1e-9 {
			t.Errorf("logRange(%v, %v) = %v, %v; want %v, %v", c.lo, c.hi, lo, hi, c.wantLo, c.wantHi)
		}
		labels := 0
		for _, tk := range (logTicks{}).Ticks(lo, hi) {
			if tk.Label != "" {
				labels++
			}
		}
		if labels < 2 {
			t.Errorf("[%v, %v]: %d labels", lo, hi, labels)
		}
	}
	for _, tk := range (logTicks{}).Ticks(0.5, 0.9) {
		if len(tk.Label) > 4 {
			t.Errorf("label %q", tk.Label)
		}
	}
}

func TestLinearTicks(t *testing.T) {
	var labels []string
	for _, tk := range (linearTicks{}).Ticks(0, 60) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"0", "10", "20", "30", "40", "50", "60"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
	labels = nil
	for _, tk := range (linearTicks{}).Ticks(-0.96, -0.67) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"-0.95", "-0.90", "-0.85", "-0.80", "-0.75", "-0.70"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
}

func TestQuantileAsNumpy(t *testing.T) {
	// numpy.percentile([1, 2, 3, 4, 10], [0, 5, 25, 50, 75, 95, 100])
	sorted := []float64{1, 2, 3, 4, 10}
	for _, c := range []struct{ p, want float64 }{
		{0, 1}, {0.05, 1.2}, {0.25, 2}, {0.5, 3}, {0.75, 4}, {0.95, 8.8}, {1, 10},
	} {
		if got := quantile(sorted, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of nothing is not NaN")
	}
	sp := newSpread(entryLevels)
	sp.add(1, []float64{math.NaN(), 3, 1, math.Inf(1), 2})
	sp.add(2, []float64{math.NaN()})
	if len(sp.x) != 1 || sp.med[0] != 2 || sp.lo2[0] != 1.1 || sp.hi2[0] != 2.9 {
		t.Errorf("spread %+v", sp)
	}
}

func TestRepresentative(t *testing.T) {
	entries := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	score := func(c int) float64 { return float64(10 - c) } // entry 10 lowest
	if got := representative(entries, score); !reflect.DeepEqual(got, []int{1, 5, 9}) {
		t.Errorf("representative = %v, want [1 5 9]", got)
	}
	if got := representative([]int{4, 7}, score); !reflect.DeepEqual(got, []int{4, 7}) {
		t.Errorf("two entries: %v", got)
	}
	if got := sampleEntries(100, 10); len(got) != 100 {
		t.Errorf("100 entries × 10 seeds: %d sampled", len(got))
	}
	if got := sampleEntries(100000, 10); len(got) != maxValues/10 || got[1] != 250 {
		t.Errorf("large matrix: %d sampled, second %d", len(got), got[1])
	}
}

// Runs of two or more epochs are drawn against epochs, shorter ones
// against time; per-epoch bins hold whole epochs.
func TestAxisAndBins(t *testing.T) {
	run := Run{Dt: 0.01, RecPerSteps: 10, SettlingSteps: 100, EpochSteps: 100}
	if a := newAxis(run, 150); a.epochs() || a.label() != "time (ms)" {
		t.Errorf("1.5 epochs: %+v %q", a, a.label())
	}
	a := newAxis(run, 300)
	if !a.epochs() || a.label() != "epoch" || a.at(100+250) != 2.5 {
		t.Errorf("3 epochs: %+v, x %v", a, a.at(350))
	}
	// Records every 10 steps after settling: 10 per epoch, the last one at
	// the epoch's end.
	var steps []int
	for s := 110; s <= 400; s += 10 {
		steps = append(steps, s)
	}
	bins, per := a.bins(steps, 1)
	if per != 1 || len(bins) != 3 {
		t.Fatalf("%d bins of %d epochs", len(bins), per)
	}
	for e, b := range bins {
		if b.from != 10*e || b.to != 10*(e+1) || b.x != float64(e)+0.5 {
			t.Errorf("bin %d: %+v", e, b)
		}
	}
	// Many epochs: at most maxBins bins of whole epochs.
	long := axis{epochSteps: 1, settling: 0, dt: 1}
	steps = steps[:0]
	for s := 1; s <= 5000; s++ {
		steps = append(steps, s)
	}
	bins, per = long.bins(steps, 1)
	if per != 20 || len(bins) != 250 || bins[0].to != 20 || bins[0].x != 10 {
		t.Errorf("5000 epochs: %d bins of %d, first %+v", len(bins), per, bins[0])
	}
	if got := long.binName(per, 1); got != "20 epochs" {
		t.Errorf("bin name %q", got)
	}
}

func TestScriptsAndTicks(t *testing.T) {
	got := runs("Bᴾᴵ₀ + u_{tgt}")
	want := []run{{"B", 0}, {"PI", 1}, {"0", -1}, {" + u", 0}, {"tgt", -1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("runs = %v, want %v", got, want)
	}
	for v, want := range map[float64]string{1e-5: "10^{−5}", 2e-5: "2×10^{−5}", -2.5e-4: "−2.5×10^{−4}", 3e6: "3×10^{6}"} {
		if got := sci(v); got != want {
			t.Errorf("sci(%v) = %q, want %q", v, got, want)
		}
	}
	if got := formatTick(1e-5, 1e-5); got != "10^{−5}" {
		t.Errorf("tick %q", got)
	}
}

// All writes SVG and PDF files as well as PNG.
func TestVectorFormats(t *testing.T) {
	run := goldenRun(t, "pal_fw_tiny")
	for _, f := range []Format{SVG, PDF} {
		dir := outDir(t, "format_"+string(f))
		got, err := All(run, dir, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(expectedFiles(run.Arrays)) {
			t.Errorf("%s: %d files", f, len(got))
		}
		for _, name := range got {
			if filepath.Ext(name) != "."+string(f) {
				t.Fatalf("%s: file %s", f, name)
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, "WPP_1."+string(f)))
		if err != nil {
			t.Fatal(err)
		}
		if head := map[Format]string{SVG: "<?xml", PDF: "%PDF"}[f]; !strings.HasPrefix(string(b), head) {
			t.Errorf("%s starts with %q", f, b[:min(len(b), 8)])
		}
	}
	if _, err := All(run, t.TempDir(), "jpg"); err == nil {
		t.Error("format jpg accepted")
	}
	if f, err := FormatOf("fig3.PDF"); err != nil || f != PDF {
		t.Errorf("FormatOf: %v %v", f, err)
	}
}

// Plots that fail for one cause (a full disk) are not each reported: three
// are named and the others counted.
func TestJoinPlotErrors(t *testing.T) {
	if joinPlotErrors([]error{nil, nil}) != nil {
		t.Error("no failure gave an error")
	}
	var errs []error
	for i := range 70 {
		errs = append(errs, fmt.Errorf("plot %d: no space left on device", i), nil)
	}
	msg := joinPlotErrors(errs).Error()
	if n := strings.Count(msg, "\n") + 1; n != 4 || !strings.Contains(msg, "plot 2:") || strings.Contains(msg, "plot 3:") || !strings.HasSuffix(msg, "and 67 more plots failed") {
		t.Errorf("%d lines:\n%s", n, msg)
	}
	if msg := joinPlotErrors(errs[:4]).Error(); strings.Count(msg, "\n") != 1 {
		t.Errorf("two failures:\n%s", msg)
	}
}

// A log axis labels its ticks in one notation: decimals from 0.01 to 100,
// else powers of ten throughout (not "0.01" beside "10⁻³").
func TestLogTickNotation(t *testing.T) {
	labels := func(lo, hi float64) []string {
		var out []string
		for _, tk := range (logTicks{}).Ticks(lo, hi) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	if got := labels(0.01, 10); !slices.Equal(got, []string{"0.01", "0.1", "1", "10"}) {
		t.Errorf("[0.01, 10]: %q", got)
	}
	got := labels(1e-8, 1)
	for _, l := range got {
		if !strings.HasPrefix(l, "10^{") {
			t.Errorf("[1e-8, 1]: %q mixes notations", got)
			break
		}
	}
	if len(got) < 4 || got[len(got)-1] != "10^{0}" {
		t.Errorf("[1e-8, 1]: %q", got)
	}
}

// A classify run's MSE.png is its training error per epoch
// (epoch_train_mse), not its MSE records (single steps of single training
// samples); without the training error it has none.
func TestClassifyMSE(t *testing.T) {
	arrays := map[string]Array{}
	for si, net := range []string{"seed1", "seed2"} {
		arrays[net+"/val_accuracy"] = Array{Shape: []int{4}, Data: []float64{0.3, 0.5, 0.6, 0.7}}
		arrays[net+"/MSE"] = Array{Shape: []int{5}, Data: []float64{0.03, 0.25, 0.04, 0.2, 0.05}}
		arrays[net+"/epoch_train_mse"] = Array{Shape: []int{3}, Data: []float64{0.25 + 0.01*float64(si), 0.18, 0.13}}
	}
	run := Run{Arrays: arrays, Dt: 0.01, RecPerSteps: 69000, StepsPerSample: 100, EpochSteps: 180000}
	files, err := All(run, t.TempDir(), PNG)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, "MSE.png") {
		t.Errorf("no MSE.png among %v", files)
	}
	// Drawn from the training error: its axes span it, not the records.
	pn, err := trainErrorPanel(run)
	if err != nil {
		t.Fatal(err)
	}
	p := pn.p
	if p.Y.Min > 0.13 || p.Y.Max < 0.26 || p.Y.Min < 0.1 || p.X.Min != 1 || p.X.Max != 3 {
		t.Errorf("axes x [%v, %v], y [%v, %v]; want epochs 1 to 3 and the training errors 0.13 to 0.26",
			p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Label != "" && tk.Value != math.Trunc(tk.Value) {
			t.Errorf("epoch axis labels %v", tk.Value)
		}
	}

	for _, net := range []string{"seed1", "seed2"} {
		delete(arrays, net+"/epoch_train_mse")
	}
	if files, err = All(run, t.TempDir(), PNG); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(files, "MSE.png") {
		t.Error("MSE.png drawn from a classify run's single-step records")
	}
}

// The title of a classify comparison names the models it compares.
func TestClassifyTitle(t *testing.T) {
	for _, c := range []struct {
		types []string
		want  string
	}{
		{[]string{"BP", "FA", "PAL"}, "Classification with backprop, feedback alignment and PAL"},
		{[]string{"FA", "PAL"}, "Classification with feedback alignment and PAL"},
		{[]string{"PAL", "PAL"}, "Classification with PAL"},
		{[]string{"DTPDRL"}, "Classification with DTPDRL"},
	} {
		var runs []ClassifyRun
		for i, m := range c.types {
			runs = append(runs, ClassifyRun{Model: fmt.Sprintf("%s (run%d)", m, i), ModelType: m})
		}
		if got := classifyTitle(runs); got != c.want {
			t.Errorf("%v: %q, want %q", c.types, got, c.want)
		}
	}
}

// A log axis of less than about a decade labels at least three values,
// none of them closer than minLogGap of the axis to the next (not 0.09
// beside 0.1), in one notation.
func TestShortLogAxes(t *testing.T) {
	for _, r := range [][2]float64{{0.02, 0.2}, {0.05, 0.2}, {0.13, 0.26}, {0.03, 0.04}, {0.031, 0.045}, {0.5, 0.9},
		{0.09, 0.11}, {1.2e-5, 1.3e-5}, {17, 19}, {0.013, 0.15}, {3, 30}} {
		for _, rounded := range []bool{false, true} {
			lo, hi := r[0], r[1]
			if rounded {
				lo, hi = logRange(lo, hi)
			}
			var values []float64
			var labels []string
			for _, tk := range (logTicks{}).Ticks(lo, hi) {
				if tk.Label != "" {
					values, labels = append(values, tk.Value), append(labels, tk.Label)
				}
			}
			if len(values) < 3 {
				t.Errorf("[%v, %v]: labels %q", lo, hi, labels)
				continue
			}
			span := math.Log10(hi / lo)
			for i := 1; i < len(values); i++ {
				if gap := math.Log10(values[i]/values[i-1]) / span; gap < minLogGap {
					t.Errorf("[%v, %v]: labels %q: %s and %s are %.3f of the axis apart", lo, hi, labels, labels[i-1], labels[i], gap)
				}
			}
			sci := strings.Contains(labels[0], "^{")
			for _, l := range labels {
				if strings.Contains(l, "^{") != sci {
					t.Errorf("[%v, %v]: labels %q mix notations", lo, hi, labels)
					break
				}
			}
		}
	}
}

// A sweep's metrics are named in the notation of the run plots.
func TestSweepMetricName(t *testing.T) {
	for _, c := range []struct{ metric, name, unit string }{
		{"final_angle_WPPT_BPP_0", "final angle(W₁ᵀ, B₀)", "degrees"},
		{"final_angle_BPP_RHS_2", "final angle(φ′₂·W₃ᵀ·φ′₃, B₂)", "degrees"},
		{"test_accuracy", "test accuracy", "%"},
		{"final_mse", "final squared output error ‖ŭ − u_{tgt}‖² (MSE)", ""},
		{"something_else", "something_else", ""},
	} {
		if name, unit := SweepMetricName(c.metric); name != c.name || unit != c.unit {
			t.Errorf("%s: %q %q, want %q %q", c.metric, name, unit, c.name, c.unit)
		}
	}
}

// A categorical axis (variants bp, fa, pal) gets points with error bars,
// side by side, and no line through the categories; a numeric one lines.
func TestSweepMetricCategories(t *testing.T) {
	series := []SweepSeries{
		{Label: "eta = 1", X: []float64{0, 1, 2}, Ys: [][]float64{{1, 2}, {3, 4}, {5, 6}}},
		{Label: "eta = 2", X: []float64{0, 1, 2}, Ys: [][]float64{{1, 2}, {3, 4}, {5, 6}}},
	}
	xs, join := sweepPlaces(series, true)
	if join || !slices.Equal(xs[0], []float64{-0.2, 0.8, 1.8}) || !slices.Equal(xs[1], []float64{0.2, 1.2, 2.2}) {
		t.Errorf("categorical axis: joined %v, places %v", join, xs)
	}
	xs, join = sweepPlaces(series, false)
	if !join || !slices.Equal(xs[0], series[0].X) || !slices.Equal(xs[1], series[1].X) {
		t.Errorf("numeric axis: joined %v, places %v", join, xs)
	}
	if err := SweepMetric(filepath.Join(t.TempDir(), "m.png"), "t", "variant", "y", []string{"bp", "fa", "pal"}, false, series); err != nil {
		t.Error(err)
	}
}
