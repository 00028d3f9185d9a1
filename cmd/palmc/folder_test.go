package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"palmc/experiment"
	"palmc/params"
	"palmc/runfolder"
	"palmc/store"
)

// Tests of the run folder: one complete run per folder, nothing mixed or
// lost, clear refusals.

// run runs palmc in-process and fails the test unless it exits with want.
func run(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, stderr := palmc(t, args...)
	if code != want {
		t.Fatalf("palmc %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, want, stderr)
	}
	return stderr
}

// readSummary reads a run folder's summary.json.
func readSummary(t *testing.T, dir string) runfolder.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s runfolder.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary.json: %v\n%s", err, b)
	}
	return s
}

// plotFiles lists a run folder's plots.
func plotFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, plotsDir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// hidden lists the hidden entries of a folder but the lock.
func hidden(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && e.Name() != ".palmc.lock" {
			out = append(out, e.Name())
		}
	}
	return out
}

// NaN values reach summary.json (as strings) and the plots are drawn: an
// FA network with relu has undefined angles to backprop. A network that
// diverges is stopped before its squared errors overflow; its run still
// writes every output and says which network diverged, at which step.
func TestNonFiniteValuesAreWritten(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "fa_fw_relu", dir, nil)
	run(t, 0, "run", "--params", par, "--task", "fw_bw", "--compare", "BP", "--quiet")
	b, _ := os.ReadFile(filepath.Join(dir, summaryFile))
	if !strings.Contains(string(b), `"NaN"`) {
		t.Errorf("summary.json has no NaN angle:\n%s", b)
	}
	if len(plotFiles(t, dir)) == 0 {
		t.Error("no plots")
	}

	dir = t.TempDir()
	par = writeParams(t, "bp_fw_tanh", dir, map[string]any{"activation": "linear", "eta_fw": []float64{1e6, 1e6, 1e6, 1e6}, "rec_per_steps": 1})
	run(t, 1, "run", "--params", par, "--task", "fw_bw", "--quiet")
	s := readSummary(t, dir)
	diverged := 0
	for _, n := range s.Networks {
		if n.Status != "diverged" {
			continue
		}
		diverged++
		if !strings.Contains(n.Error, "diverged at step") {
			t.Errorf("%s: error %q does not say the step", n.Name, n.Error)
		}
		if n.FinalMSE == nil {
			t.Errorf("%s: no final MSE", n.Name)
		} else if m := float64(*n.FinalMSE); isFinite(m) && m < 1 {
			t.Errorf("%s: final MSE %g of a diverged network", n.Name, m)
		}
	}
	if diverged == 0 {
		t.Errorf("no network diverged: %+v", s.Networks)
	}
	if len(plotFiles(t, dir)) == 0 {
		t.Error("no plots")
	}
}

func isFinite(x float64) bool { return x-x == 0 }

// A second run replaces every output of the first: no plot of the first
// remains (fewer recorded variables; bw_only after fw_bw), and every file
// carries the new run's id.
func TestRerunReplacesEverything(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, nil)
	run(t, 0, "run", "--params", par, "--task", "fw_bw", "--quiet")
	first := plotFiles(t, dir)
	writeParams(t, "pal_fw_tiny", dir, map[string]any{"rec_only": []string{"WPP"}})
	run(t, 0, "run", "--params", par, "--task", "bw_only", "--quiet")
	second := plotFiles(t, dir)
	if len(second) >= len(first) {
		t.Fatalf("plots: %d before, %d after recording less", len(first), len(second))
	}
	for _, f := range second {
		if !strings.HasPrefix(f, "WPP") {
			t.Errorf("plot %s of the first run is still there", f)
		}
	}
	s := readSummary(t, dir)
	_, texts, err := store.ReadRecordedMeta(filepath.Join(dir, resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := store.ReadModel(filepath.Join(dir, modelFile))
	if err != nil {
		t.Fatal(err)
	}
	if s.RunID == "" || texts["run_id"] != s.RunID || m.Meta["run_id"] != s.RunID || s.Task != "bw_only" {
		t.Errorf("run ids: summary %q (task %s), results %q, model %q", s.RunID, s.Task, texts["run_id"], m.Meta["run_id"])
	}
	if h := hidden(t, dir); len(h) > 0 {
		t.Errorf("left behind: %v", h)
	}
}

// An unfinished run (a checkpoint) is not overwritten by a new one unless
// --restart; a finished run leaves no checkpoint.
func TestCheckpointIsNotSilentlyDiscarded(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, nil)
	cp := filepath.Join(dir, runfolder.CheckpointFile)
	if err := os.WriteFile(cp, []byte("an unfinished run"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr := run(t, 2, "run", "--params", par, "--task", "fw_bw", "--quiet")
	if !strings.Contains(stderr, "--resume") || !strings.Contains(stderr, "--restart") {
		t.Errorf("the refusal does not say what to do: %s", stderr)
	}
	if b, _ := os.ReadFile(cp); string(b) != "an unfinished run" {
		t.Fatal("the checkpoint was touched")
	}
	// A new run that is refused leaves the unfinished one.
	run(t, 2, "run", "--params", par, "--task", "fw_bw", "--quiet", "--restart", "--max-memory", "1M")
	if b, _ := os.ReadFile(cp); string(b) != "an unfinished run" {
		t.Fatal("a refused --restart discarded the checkpoint")
	}
	run(t, 0, "run", "--params", par, "--task", "fw_bw", "--quiet", "--restart")
	if _, err := os.Stat(cp); !os.IsNotExist(err) {
		t.Errorf("checkpoint after a finished run: %v", err)
	}
}

// --out writes the params into the run folder, and refuses a folder whose
// params.json says something else; example and params --out keep an edited
// file; --load draws only its own folder's run; --resume takes no options
// that it would ignore.
func TestNothingIsMixedSilently(t *testing.T) {
	src := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", src, nil)
	out := filepath.Join(t.TempDir(), "run")
	run(t, 0, "run", "--params", par, "--task", "fw_bw", "--quiet", "--out", out)
	a, _ := os.ReadFile(par)
	b, err := os.ReadFile(filepath.Join(out, "params.json"))
	if err != nil || string(a) != string(b) {
		t.Fatalf("--out: params.json %q, %v; want the params file", b, err)
	}
	other := writeParams(t, "pal_fw_tiny", t.TempDir(), map[string]any{"epochs": 1})
	run(t, 2, "run", "--params", other, "--task", "fw_bw", "--quiet", "--out", out)

	ex := t.TempDir()
	os.WriteFile(filepath.Join(ex, "params.json"), []byte(`{"edited": true}`), 0o644)
	run(t, 2, "example", ex, "--quiet")
	run(t, 2, "params", "--out", filepath.Join(ex, "params.json"))
	if b, _ := os.ReadFile(filepath.Join(ex, "params.json")); string(b) != `{"edited": true}` {
		t.Fatal("an edited params file was overwritten")
	}
	run(t, 0, "params", "--out", filepath.Join(ex, "params.json"), "--force")

	run(t, 2, "run", "--params", par, "--task", "fw_bw", "--load", filepath.Join(out, modelFile))
	for _, flag := range [][]string{{"--out", out}, {"--compare", "BP"}, {"--shared-input"}, {"--task", "fw_bw"}} {
		stderr := run(t, 2, append([]string{"run", "--resume", out}, flag...)...)
		if !strings.Contains(stderr, flag[0]) {
			t.Errorf("--resume with %s: %s", flag[0], stderr)
		}
	}
}

// A resumed run whose params.json was edited since it started is refused,
// naming the changed field; diverged networks stay diverged after a resume.
func TestResumeChecks(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "fa_fw_relu", dir, map[string]any{"eta_fw": []float64{1e300, 1e300}, "epochs": 40})
	// seed11 diverges; seed12 is stopped on its way.
	saveCheckpoint(t, par, dir, "fw_bw", "seed12", 100)
	edited := writeParams(t, "fa_fw_relu", t.TempDir(), map[string]any{"eta_fw": []float64{1e300, 1e300}, "epochs": 41})
	b, _ := os.ReadFile(edited)
	orig, _ := os.ReadFile(par)
	os.WriteFile(par, b, 0o644)
	stderr := run(t, 2, "run", "--resume", dir, "--quiet")
	if !strings.Contains(stderr, "epochs") {
		t.Errorf("refusal does not name the changed field: %s", stderr)
	}
	os.WriteFile(par, orig, 0o644)
	run(t, 1, "run", "--resume", dir, "--quiet")
	s := readSummary(t, dir)
	for _, n := range s.Networks {
		if n.Name != "teacher" && n.Status != "diverged" {
			t.Errorf("%s: status %q after resume, want diverged", n.Name, n.Status)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, runfolder.CheckpointFile)); !os.IsNotExist(err) {
		t.Errorf("checkpoint left after the resume: %v", err)
	}
}

// A checkpoint whose contents were edited is refused with a message, never
// a panic or a silently wrong run.
func TestEditedCheckpointIsRefused(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, map[string]any{"epochs": 10})
	saveCheckpoint(t, par, dir, "fw_bw", "seed123", 3000)
	path := filepath.Join(dir, runfolder.CheckpointFile)
	orig, _ := os.ReadFile(path)
	for _, c := range []struct {
		key  string
		edit func([]float64) []float64
		want string
	}{
		{"seed123/order", func(o []float64) []float64 { o[0] = 20; return o }, "order"},
		{"seed123/order", func(o []float64) []float64 { o[1] = o[0]; return o }, "permutation"},
		{"seed123/order", func(o []float64) []float64 { return o[:3] }, "order"},
		{"seed123/steps", func([]float64) []float64 { return []float64{-5} }, "steps"},
		{"seed123/steps", func([]float64) []float64 { return []float64{1e9} }, "steps"},
		{"seed123/steps", func(s []float64) []float64 { return []float64{s[0] - 1} }, "steps"},
		{"seed456/rng_pos", func([]float64) []float64 { return []float64{700} }, "rng_pos"},
		{"seed123/wall_ns", func([]float64) []float64 { return []float64{0.5} }, "wall_ns"},
		{"seed123/rec/MSE", func([]float64) []float64 { return nil }, "MSE"},
		{"seed456/rng_has_gauss", func([]float64) []float64 { return []float64{7} }, "rng_has_gauss"},
		{"compare", func([]float64) []float64 { return []float64{1} }, "inconsistent"},
	} {
		os.WriteFile(path, orig, 0o644)
		editNPZ(t, path, c.key, c.edit)
		stderr := run(t, 2, "run", "--resume", dir, "--quiet")
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%s edited: %s; want a message about %s", c.key, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, resultsFile)); err == nil {
		t.Error("an edited checkpoint produced results")
	}
}

// Impossible sizes are refused before anything is allocated, naming the
// fields, with exit code 2; --max-memory overrides the machine's limit;
// --workers is capped by the number of networks.
func TestImpossibleSizesAreRefused(t *testing.T) {
	for _, c := range []struct {
		set  map[string]any
		want string
	}{
		{map[string]any{"layers": []int{20000, 20000, 20000}}, "layers"},
		{map[string]any{"rec_per_steps": 1, "epochs": 20000, "dataset_size": 1000, "rec_only": []string{"WPP", "BPP", "uP", "vbas"}}, "rec_"},
		{map[string]any{"dataset_size": 1e10}, "dataset_size"},
		{map[string]any{"epochs": 2066035336255469781}, "epochs"},
	} {
		dir := t.TempDir()
		par := writeParams(t, "pal_fw_tiny", dir, c.set)
		stderr := run(t, 2, "run", "--params", par, "--task", "fw_bw", "--quiet")
		if !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v: %s; want a refusal naming %s", c.set, stderr, c.want)
		}
	}
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, nil)
	run(t, 2, "run", "--params", par, "--task", "fw_bw", "--quiet", "--max-memory", "1M")
	run(t, 0, "run", "--params", par, "--task", "fw_bw", "--quiet", "--workers", "1000000")
	if w := readSummary(t, dir).Workers; w != 2 {
		t.Errorf("workers = %d for 2 seeds", w)
	}
}

// A teacher that diverges leaves its students "not run", and the run fails.
func TestTeacherDivergenceFailsTheRun(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "fa_fw_relu", dir, map[string]any{"init_teacher_WPP_range": []float64{1e305, 1e306}, "activation": "linear"})
	run(t, 1, "run", "--params", par, "--task", "fw_bw", "--quiet")
	s := readSummary(t, dir)
	for _, n := range s.Networks {
		want := "not run"
		if n.Name == "teacher" {
			want = "diverged"
		}
		if n.Status != want {
			t.Errorf("%s: status %q, want %q", n.Name, n.Status, want)
		}
	}
}

// palmc figure refuses runs that do not make the figure, with exit code 2.
func TestFigureRefusesWrongRuns(t *testing.T) {
	bw := t.TempDir()
	run(t, 0, "run", "--params", writeParams(t, "pal_fw_tiny", bw, nil), "--task", "bw_only", "--quiet")
	fw := t.TempDir()
	run(t, 0, "run", "--params", writeParams(t, "pal_fw_tiny", fw, map[string]any{"rec_only": []string{"WPP"}}), "--task", "fw_bw", "--quiet")
	for _, args := range [][]string{
		{"figure", "fig3"},
		{"figure", "fig3", bw},
		{"figure", "fig4", bw, bw, bw},
		{"figure", "fig4", fw, fw, fw},
		{"figure", "fig5", bw},
		{"figure", "fig3", t.TempDir()},
	} {
		stderr := run(t, 2, args...)
		if strings.Contains(stderr, "panic") {
			t.Errorf("%v: %s", args, stderr)
		}
	}
}

// palmc --version names the build; summary.json and results.npz say which
// palmc made the run, with which command and options, and when.
func TestProvenance(t *testing.T) {
	var out bytes.Buffer
	root := newRoot()
	root.SetArgs([]string{"--version"})
	root.SetOut(&out)
	if err := root.Execute(); err != nil || !strings.HasPrefix(out.String(), "palmc ") || !strings.Contains(out.String(), "cgo") {
		t.Fatalf("--version: %v, %q", err, out.String())
	}
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, nil)
	run(t, 0, "run", "--params", par, "--task", "bw_only", "--compare", "BP", "--shared-input", "--quiet")
	s := readSummary(t, dir)
	seg := s.Segments[0]
	if seg.Build.Go == "" || seg.Started.IsZero() || seg.Finished.Before(seg.Started) || !s.Options.Compare || !s.Options.SharedInput {
		t.Errorf("summary provenance incomplete: %+v %+v", seg, s.Options)
	}
	if len(s.Params) == 0 || s.AngleUnit != "degrees" || len(s.HiddenLayers) != 1 {
		t.Errorf("summary: params %d bytes, angle unit %q, hidden layers %v", len(s.Params), s.AngleUnit, s.HiddenLayers)
	}
	_, texts, err := store.ReadRecordedMeta(filepath.Join(dir, resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"run_id", "provenance", "options", "params"} {
		if texts[k] == "" {
			t.Errorf("results.npz lacks %s", k)
		}
	}
	if !strings.Contains(texts["provenance"], `"--shared-input"`) && !strings.Contains(texts["provenance"], "shared") {
		t.Errorf("provenance: %s", texts["provenance"])
	}
}

// An unknown key that misspells a known one is refused before anything is
// written; other unknown keys are warned about at the start and again at
// the end; a folder may stand for its params.json. A run that an earlier
// palmc started with a misspelt key resumes, with the warning.
func TestUnknownKeysAndParamsFolder(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "pal_fw_tiny", dir, map[string]any{"rec_vbass": true, "epoch": 3, "colour": "blue"})
	stderr := run(t, 2, "run", "--params", filepath.Dir(par), "--task", "fw_bw")
	for _, want := range []string{`epoch: line 1, column`, `did you mean "epochs"?`, `rec_vbass: line 1, column`, `did you mean "rec_vbas"?`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, summaryFile)); err == nil {
		t.Errorf("a refused run wrote %s", summaryFile)
	}

	par = writeParams(t, "pal_fw_tiny", dir, map[string]any{"colour": "blue"})
	stderr = run(t, 0, "run", "--params", filepath.Dir(par), "--task", "fw_bw")
	if strings.Count(stderr, `unknown key "colour" ignored`) < 2 {
		t.Errorf("the warning is not given at the start and the end:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "unknown key") {
		t.Errorf("the last line does not repeat the warning: %q", last)
	}
	// A resumed run repeats them too, from its checkpoint.
	res := filepath.Join(t.TempDir(), "run")
	par = writeParams(t, "pal_fw_tiny", res, map[string]any{"rec_vbass": true})
	saveCheckpoint(t, par, res, "fw_bw", "seed123", 500)
	stderr = run(t, 0, "run", "--resume", res)
	lines = strings.Split(strings.TrimSpace(stderr), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "as warned") || !strings.Contains(last, `"rec_vbas"`) {
		t.Errorf("a resumed run does not repeat the warning at its end:\n%s", stderr)
	}
}

// saveCheckpoint runs params file par in dir, one network at a time, until
// network net has made at least stop steps and saves the checkpoint there,
// as an interrupted palmc would (one that accepted par: an earlier palmc,
// if par misspells a key).
func saveCheckpoint(t *testing.T, par, dir, task, net string, stop int) {
	t.Helper()
	text, err := os.ReadFile(par)
	if err != nil {
		t.Fatal(err)
	}
	p, warnings, err := params.ParseAccepted(text, params.Task(task))
	if err != nil {
		t.Fatal(err)
	}
	f, err := runfolder.Open(dir, []string{"palmc", "run"})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := runfolder.Options{Task: params.Task(task), Workers: 1, ProgressEvery: 100, Progress: func(pr experiment.Progress) {
		if pr.Name == net && pr.Step >= stop {
			cancel()
		}
	}}
	out, err := f.Start(ctx, context.Background(), runfolder.Source{Path: par, Text: text, Params: p, Warnings: warnings}, o)
	if !errors.Is(err, runfolder.ErrInterrupted) || !out.Checkpoint {
		t.Fatalf("interrupted run: %v", err)
	}
}

// editNPZ replaces one numeric entry of an npz file.
func editNPZ(t *testing.T, path, key string, edit func([]float64) []float64) {
	t.Helper()
	arrays, texts, err := store.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := arrays[key]
	if !ok {
		t.Fatalf("%s has no %s", path, key)
	}
	d := edit(slices.Clone(a.Data))
	arrays[key] = store.Array{Shape: []int{len(d)}, Data: d}
	var entries []store.Entry
	for k, v := range arrays {
		entries = append(entries, store.Entry{Key: k, Value: v})
	}
	for k, v := range texts {
		entries = append(entries, store.Entry{Key: k, Value: v})
	}
	if err := store.WriteNPZ(path, entries); err != nil {
		t.Fatal(err)
	}
}

// Fig. 4 is drawn from runs whose MSE is zero or tiny (below 1e-15 in
// places): the log axis needs positive values, and no panic may reach the
// user.
func TestFigure4TinyMSE(t *testing.T) {
	var dirs []string
	for i, model := range []string{"BP", "FA", "PAL"} {
		d := filepath.Join(t.TempDir(), model)
		run(t, 0, "run", "--params", writeParams(t, "pal_fw_tiny", d, map[string]any{"model_type": model}), "--task", "fw_bw", "--quiet")
		for _, seed := range []string{"seed123", "seed456"} {
			editNPZ(t, filepath.Join(d, resultsFile), seed+"/MSE", func(m []float64) []float64 {
				for j := range m {
					m[j] = [3]float64{1e-20, 0, 1e-300}[(i+j)%3]
				}
				return m
			})
		}
		dirs = append(dirs, d)
	}
	stderr := run(t, 0, append([]string{"figure", "fig4"}, dirs...)...)
	if strings.Contains(stderr, "panic") {
		t.Fatal(stderr)
	}
}

// A network that runs away without reaching infinity (its squares and
// norms overflow first) counts as diverged: no "ok" with an infinite MSE
// and a meaningless 90° angle.
func TestRunawayIsDiverged(t *testing.T) {
	dir := t.TempDir()
	par := writeParams(t, "pal_bw_deep", dir, map[string]any{"eta_fw": []float64{1, 1, 1, 1e306}, "rec_per_steps": 10})
	run(t, 1, "run", "--params", par, "--task", "fw_bw", "--compare", "BP", "--quiet")
	for _, n := range readSummary(t, dir).Networks {
		if n.Name != "teacher" && n.Status != "diverged" {
			t.Errorf("%s: status %s, want diverged", n.Name, n.Status)
		}
	}
}

// plot and figure refuse a folder that holds no run before they write
// anything into it: not even their lock file.
func TestNotARunFolderIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "sub")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	for _, args := range [][]string{{"plot", dir}, {"plot", "--format", "pdf", dir}, {"figure", "fig3", dir},
		{"figure", "classify", dir, other}, {"figure", "fig4", dir, dir, other}} {
		if code, msg := palmc(t, args...); code != 2 {
			t.Errorf("%v: exit %d: %s", args, code, msg)
		}
		a, _ := os.ReadDir(dir)
		b, _ := os.ReadDir(other)
		if len(a) != 2 || len(b) != 0 {
			t.Fatalf("%v wrote into the folders: %v, %v", args, a, b)
		}
	}
}
