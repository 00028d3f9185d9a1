package main

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/experiments"
	"palmc/microcircuit"
	"palmc/params"
)

func exampleText(t testing.TB) []byte {
	b, err := experiments.Params(experiments.Example)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, s string) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		t.Fatalf("error %q is not JSON: %v", s, err)
	}
	return e
}

// A panic inside a call comes back as an internal error with its message;
// the caller goes on.
func TestPanicBecomesError(t *testing.T) {
	s := call(func() error {
		var m map[string]int
		m["x"] = 1
		return nil
	})
	e := decode(t, s)
	if e.Kind != kindInternal || !strings.Contains(e.Message, "Go panic") || !strings.Contains(e.Message, "nil map") {
		t.Errorf("panic gave %+v", e)
	}
	if s := call(func() error { return nil }); s != "" {
		t.Errorf("success gave %q", s)
	}
}

// Params errors name every field at fault.
func TestParamsErrorsNameFields(t *testing.T) {
	var m map[string]any
	json.Unmarshal(exampleText(t), &m)
	m["eta_bw"] = []float64{-1, 1, 1}
	m["tauxi"] = "slow"
	text, _ := json.Marshal(m)
	_, err := checkParams("json", string(text), "bw_only")
	e := decode(t, call(func() error { return err }))
	if e.Kind != kindParams || !reflect.DeepEqual(e.Fields, []string{"tauxi", "eta_bw"}) {
		t.Errorf("got %+v", e)
	}
	if !strings.Contains(e.Message, "eta_bw[0]: value -1") {
		t.Errorf("message %q does not name the value", e.Message)
	}
	for _, c := range []struct{ kind, value, task, want string }{
		{"experiment", "nope", "", "no experiment \"nope\""},
		{"file", "/nonexistent/params.json", "", "no such file"},
		{"json", "{", "", "params"},
		{"yaml", "", "", "params kind"},
		{"experiment", "example", "fw_only", "unknown task"},
	} {
		_, err := checkParams(c.kind, c.value, c.task)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkParams(%s, %q, %q) = %v, want %q", c.kind, c.value, c.task, err, c.want)
		}
	}
}

// A network is built as palmc run builds its students: its state equals
// microcircuit.New's from the same configuration and seed.
func TestNetworkIsRunsStudent(t *testing.T) {
	nw, info, err := newNetwork(exampleText(t), "", 123, false)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := params.Parse(exampleText(t), params.BwOnly)
	cfg, _ := experiment.Config(p, false)
	want, _ := microcircuit.New(cfg, 123)
	if !reflect.DeepEqual(nw.net.WPP, want.WPP) || !reflect.DeepEqual(nw.net.UP, want.UP) {
		t.Error("initial state differs from microcircuit.New's")
	}
	if info.Task != "bw_only" || !reflect.DeepEqual(info.Vectors["uP"], []int{20, 10, 20, 5}) ||
		!reflect.DeepEqual(info.Matrices["BPP"], []int{20, 10, 10, 20, 20, 5}) {
		t.Errorf("info = %+v", info)
	}
	if _, _, err := newNetwork(exampleText(t), "", 1<<32, false); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Errorf("seed 2^32: %v", err)
	}
	if _, _, err := newNetwork(exampleText(t), "bw_only", 1, true); err == nil {
		t.Error("a teacher for bw_only: no error")
	}
}

func TestGetSetErrors(t *testing.T) {
	nw, _, err := newNetwork(exampleText(t), "", 1, false)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float64, 100)
	for _, c := range []struct {
		err  error
		want string
	}{
		{nw.get("nope", 0, buf), "no state variable \"nope\""},
		{nw.get("WPP", 4, buf), "layers 0 to 3, not 4"},
		{nw.get("WPP", 0, buf[:99]), "has 100 values, not 99"},
		{nw.set("WPP", 0, append(make([]float64, 99), math.NaN())), "value 99 is NaN"},
		{nw.set("r0", 1, buf[:5]), "layers 0 to 0"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
	if err := nw.get("WPP", 0, buf); err != nil {
		t.Fatal(err)
	}
	for _, v := range buf {
		if v == 0 || math.IsNaN(v) {
			t.Fatal("a failed set changed the weights")
		}
	}
}

// run refuses bad inputs before any step, stops a diverged network at its
// step, and records at the steps palmc run records at.
func TestRun(t *testing.T) {
	nw, _, err := newNetwork(exampleText(t), "", 1, false)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 5*10)
	sw := microcircuit.Switches{LearnBW: true, LearnLat: true}
	for _, c := range []struct {
		err  error
		want string
	}{
		{nw.run(x[:49], 5, nil, 0, 10, sw), "need 50 input values, got 49"},
		{nw.run(x, 4, nil, 0, 10, sw), "rows of 5 values, not 4"},
		{nw.run(x, 5, []float64{1, 2}, 0, 10, sw), "need 5 target values"},
		{nw.run(append(x[:9:9], math.Inf(1)), 5, nil, 0, 2, sw), "input value 9 (step 1, entry 4) is +Inf"},
		{nw.run(x, 5, nil, 0, -1, sw), "-1 steps"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
	if nw.steps != 0 {
		t.Fatalf("%d steps made by refused calls", nw.steps)
	}
	// Records at the multiples of 3 of the network's step count, over two
	// calls.
	if err := nw.run(x[:5], 0, nil, 0, 2, sw); err != nil {
		t.Fatal(err)
	}
	if err := nw.startRecording([]string{"uP"}, 3, 10, true, 0); err != nil {
		t.Fatal(err)
	}
	if err := nw.run(x, 5, nil, 0, 10, sw); err != nil {
		t.Fatal(err)
	}
	rec, err := nw.stopRecording()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.at, []float64{3, 6, 9, 12}) || rec.r.Get("uP/1").Len() != 4 || rec.r.Get("angle_WPPT_BPP/0").Len() != 4 {
		t.Errorf("records at %v", rec.at)
	}
	if _, err := nw.stopRecording(); err == nil {
		t.Error("a second stop: no error")
	}
	// Divergence.
	w := make([]float64, 100)
	for i := range w {
		w[i] = 1e300
	}
	nw.set("WPP", 0, w)
	for i := range x {
		x[i] = 1
	}
	err = nw.run(x, 5, nil, 0, 10, sw)
	e := classify(err)
	if e.Kind != kindDiverged || e.Step != nw.steps || len(e.Variables) == 0 {
		t.Errorf("diverged: %+v (steps %d)", e, nw.steps)
	}
}

// Handles: closed ones are refused, of the wrong type too.
func TestHandles(t *testing.T) {
	nw, _, _ := newNetwork(exampleText(t), "", 1, false)
	h := register(nw)
	if _, err := lookup[*network](h, "network"); err != nil {
		t.Fatal(err)
	}
	if _, err := lookup[*recording](h, "recording"); err == nil || classify(err).Kind != kindValue {
		t.Errorf("wrong type: %v", err)
	}
	if !release(h) || release(h) {
		t.Error("release twice")
	}
	if _, err := lookup[*network](h, "network"); err == nil || classify(err).Kind != kindClosed {
		t.Errorf("closed: %v", err)
	}
}

// shuffle draws the epoch orders that the tasks draw.
func TestShuffleIsTheTasks(t *testing.T) {
	nw, _, _ := newNetwork(exampleText(t), "", 7, false)
	c := nw.clone()
	order := []int{0, 1, 2, 3, 4, 5, 6, 7}
	nw.shuffle(order)
	want := []int{0, 1, 2, 3, 4, 5, 6, 7}
	c.net.Rand.ShuffleInts(want)
	if !reflect.DeepEqual(order, want) {
		t.Errorf("shuffle %v, want %v", order, want)
	}
}

func TestData(t *testing.T) {
	set, info, err := loadData([]byte(`{"name": "yinyang", "split": "test", "size": 30, "seed": 5}`))
	if err != nil {
		t.Fatal(err)
	}
	x, y := make([]float64, 30*4), make([]int64, 30)
	if err := copyData(set, x, y); err != nil || info.Samples != 30 || info.Inputs != 4 {
		t.Fatal(err, info)
	}
	if x[2] != 1-x[0] {
		t.Errorf("sample 0 = %v", x[:4])
	}
	if err := copyData(set, x[:3], y); err == nil {
		t.Error("short buffer: no error")
	}
	for _, req := range []string{`{"name": "nope", "split": "test"}`, `{"name": "yinyang", "split": "dev"}`, `{"name": "bars", "split": "test", "size": 4}`, `[`} {
		_, _, err := loadData([]byte(req))
		if err == nil {
			t.Errorf("%s: no error", req)
		} else if k := classify(err).Kind; k != kindData && k != kindValue {
			t.Errorf("%s: kind %s", req, k)
		}
	}
}

// Sizes that would not fit are refused before anything is allocated: a
// failed allocation would end the caller's process.
func TestTooLargeIsRefused(t *testing.T) {
	var m map[string]any
	json.Unmarshal(exampleText(t), &m)
	m["layers"] = []int{5, 1 << 20, 1 << 20, 5}
	m["eta_fw"] = []float64{0, 0, 0}
	m["eta_bw"] = []float64{1, 1}
	m["eta_IP"] = []float64{1, 1}
	m["eta_PI"] = []float64{1, 1}
	m["noise_scale"] = []float64{1, 1}
	m["alpha"] = []float64{1, 1}
	text, _ := json.Marshal(m)
	if _, _, err := newNetwork(text, "", 1, false); err == nil || !strings.Contains(err.Error(), "needs") || !strings.Contains(err.Error(), "TiB") {
		t.Errorf("a network of 2^40 weights: %v", err)
	}
	nw, _, _ := newNetwork(exampleText(t), "", 1, false)
	err := nw.startRecording([]string{"WPP", "BPP"}, 1, 1<<40, false, 0)
	if err == nil || !strings.Contains(err.Error(), "record fewer variables") {
		t.Errorf("a recording of 2^40 records: %v", err)
	}
	if err := nw.startRecording([]string{"uP"}, 10, 1000, false, 100); err == nil || !strings.Contains(err.Error(), "the memory limit given") {
		t.Errorf("a recording over its limit: %v", err)
	}
	if err := nw.startRecording([]string{"uP"}, 10, 1000, false, 1<<20); err != nil {
		t.Errorf("a recording within its limit: %v", err)
	}
}

// The keys that classify does not read are left out of the params given
// back unless the params had them.
func TestUnusedKeys(t *testing.T) {
	b, _ := experiments.Params("yinyang-pal")
	r, err := checkParams("json", string(b), "")
	if err != nil || r.Task != "classify" || !reflect.DeepEqual(r.Unused, []string{"dataset_size", "input_signal"}) {
		t.Errorf("yinyang-pal: %+v, %v", r, err)
	}
	r, err = checkParams("experiment", "example", "")
	if err != nil || r.Task != "bw_only" || len(r.Unused) != 0 {
		t.Errorf("example: %+v, %v", r, err)
	}
}

// With per-sample input weights, get reads WPP[0] and dWPP_LO[0] as they
// are in the middle of a sample without changing the steps to come; set
// takes the sample so far into them first, and the bookkeeping is
// read-only.
func TestGetPerSample(t *testing.T) {
	b, err := experiments.Params("yinyang-pal")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["input_update"] = "per_sample"
	text, _ := json.Marshal(m)
	looked, _, err := newNetwork(text, "classify", 7, false)
	if err != nil {
		t.Fatal(err)
	}
	plain, _, _ := newNetwork(text, "classify", 7, false)
	per := int(math.Round(looked.p.Tpres / looked.p.Dt))
	x := make([]float64, 4*per)
	for s := 0; s < 4; s++ {
		for i := 0; i < per; i++ {
			copy(x[4*i:], []float64{0.1 * float64(s+1), 0.9, 0.2, 1 - 0.1*float64(s)})
		}
		sw := microcircuit.Switches{LearnFW: true, LearnBW: true, LearnLat: true}
		for i := 0; i < per; i += per / 4 {
			if err := looked.run(x[4*i:4*(i+per/4)], 4, nil, 0, per/4, sw); err != nil {
				t.Fatal(err)
			}
			w, lo := make([]float64, 30*4), make([]float64, 30*4)
			if err := looked.get("WPP", 0, w); err != nil {
				t.Fatal(err)
			}
			if err := looked.get("dWPP_LO", 0, lo); err != nil {
				t.Fatal(err)
			}
			synced := looked.net.Clone()
			synced.Sync()
			if !reflect.DeepEqual(w, synced.WPP[0].Data) || !reflect.DeepEqual(lo, synced.DWPPLO[0].Data) {
				t.Fatalf("sample %d step %d: get is not the weights of the step", s, i+per/4)
			}
		}
		if err := plain.run(x, 4, nil, 0, per, sw); err != nil {
			t.Fatal(err)
		}
	}
	looked.net.Sync()
	plain.net.Sync()
	if !reflect.DeepEqual(looked.net.WPP, plain.net.WPP) || !reflect.DeepEqual(looked.net.UP, plain.net.UP) {
		t.Error("reading the weights changed the run")
	}
	if err := looked.set("held_p", 0, make([]float64, 4)); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("set held_p: %v", err)
	}
	w := make([]float64, 30*4)
	if err := looked.set("WPP", 0, w); err != nil {
		t.Fatal(err)
	}
	looked.get("WPP", 0, w)
	for _, v := range w {
		if v != 0 {
			t.Fatal("set WPP[0] was not kept")
		}
	}
}
