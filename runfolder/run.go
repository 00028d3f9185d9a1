package runfolder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"palmc/dataset"
	"palmc/experiment"
	"palmc/inputfile"
	"palmc/params"
	"palmc/plot"
	"palmc/store"
)

// Options control a run of a run folder.
type Options struct {
	// Task, Compare and SharedInput are the options that change the
	// results (a resumed run keeps those of its checkpoint).
	Task        params.Task
	Compare     bool
	SharedInput bool
	// Workers bounds the networks simulated at once (0: the number of
	// cores).
	Workers int
	// CheckpointEvery is the interval of periodic checkpoints (0: none).
	CheckpointEvery time.Duration
	// Restart discards the checkpoint of an unfinished run in the folder;
	// without it, a new run is refused there.
	Restart bool
	// MaxMemory is the memory the run may need, in bytes (0: what the
	// machine has available; negative: no check).
	MaxMemory int64
	// NoPlots leaves the plots out.
	NoPlots bool
	// Command is the command line, for the provenance.
	Command []string
	// Progress receives the networks' progress every ProgressEvery steps
	// (see experiment.Options).
	Progress      func(experiment.Progress)
	ProgressEvery int
	// Log receives messages (warnings); nil: none.
	Log io.Writer
}

// Source is the params of a new run.
type Source struct {
	// Path is the params file; when it is not the folder's params.json,
	// the run writes its text there.
	Path string
	// Text is the file's content, Params what it says.
	Text     []byte
	Params   *params.Params
	Warnings []string
}

// Outcome is what a run did.
type Outcome struct {
	// Result holds the networks; nil when the run did not start.
	Result  *experiment.Result
	Summary *Summary
	// Plots counts the plots drawn.
	Plots int
	// Checkpoint is set when the run was interrupted and saved.
	Checkpoint bool
	// Written is set when the run's outputs were switched into place.
	Written bool
}

// the checkpoint's text entries, besides the params.
const (
	metaProvenance  = "provenance"
	metaParamsText  = "params_text"
	metaWriteParams = "write_params"
	metaWarnings    = "warnings"
	metaOptions     = "options"
	metaData        = "data"
)

// job is a run to make, new or resumed.
type job struct {
	// data is the fingerprint of a classify run's data
	// (experiment.ClassifyData.Fingerprint); a resumed run must see the
	// data it started with.
	data string
	// discard removes the checkpoint of an earlier unfinished run when the
	// run is ready to start (--restart).
	discard     bool
	p           *params.Params
	text        []byte
	warnings    []string
	ro          store.RunOptions
	prov        Provenance
	writeParams bool
	restore     func(*experiment.Net) error
}

// Start runs src in the folder. A folder with an unfinished run (a
// checkpoint) is refused unless o.Restart; a folder whose params.json
// differs from src is refused (a run folder holds one run's params). When
// ctx ends, the run is saved to the folder's checkpoint; when abort ends
// too, palmc stops without saving.
func (f *Folder) Start(ctx, abort context.Context, src Source, o Options) (*Outcome, error) {
	discard := false
	if f.exists(CheckpointFile) {
		if !o.Restart {
			return nil, refuse(fmt.Errorf("%s holds an unfinished run (%s): continue it with `palmc run --resume %s`, or discard it and start this run with --restart",
				f.Dir, describeCheckpoint(f.Path(CheckpointFile)), f.Dir))
		}
		// It goes when the new run is ready to start: a new run refused
		// for its params, its data or its size leaves it as it was.
		discard = true
	}
	writeParams := false
	if !sameFile(src.Path, f.Path(ParamsFile)) {
		old, err := params.ReadFile(f.Path(ParamsFile))
		switch {
		case err == nil && !bytes.Equal(old, src.Text):
			return nil, refuse(fmt.Errorf("%s exists and differs from %s: a run folder holds the params of its run; choose another folder, or remove that file",
				f.Path(ParamsFile), src.Path))
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return nil, refuse(fmt.Errorf("%s: %w", f.Path(ParamsFile), err))
		}
		writeParams = err != nil
	}
	j := job{p: src.Params, text: src.Text, warnings: src.Warnings, writeParams: writeParams, discard: discard,
		ro: store.RunOptions{Task: o.Task, Compare: o.Compare, SharedInput: o.SharedInput}, prov: newProvenance(o.Command)}
	return f.run(ctx, abort, j, o)
}

// Resume goes on with the unfinished run of the folder, from its
// checkpoint, with the params and options it started with. A params.json
// edited since is refused.
func (f *Folder) Resume(ctx, abort context.Context, o Options) (*Outcome, error) {
	path := f.Path(CheckpointFile)
	if !f.exists(CheckpointFile) {
		return nil, refuse(fmt.Errorf("%s has no unfinished run to resume (no %s)", f.Dir, CheckpointFile))
	}
	cp, err := store.ReadCheckpoint(path)
	if err != nil {
		return nil, refuse(fmt.Errorf("%s: %v", path, err))
	}
	j := job{p: cp.Params, text: []byte(cp.Meta[metaParamsText]), ro: cp.Options, restore: cp.Restore}
	var saved store.RunOptions
	if err := json.Unmarshal([]byte(cp.Meta[metaOptions]), &saved); err != nil || saved != cp.Options {
		return nil, refuse(fmt.Errorf("%s is inconsistent: its options %+v, its run's %+v", path, cp.Options, saved))
	}
	if err := json.Unmarshal([]byte(cp.Meta[metaProvenance]), &j.prov); err != nil || j.prov.RunID == "" {
		return nil, refuse(fmt.Errorf("%s: no provenance: not a checkpoint of this palmc", path))
	}
	j.warnings = CheckpointWarnings(cp)
	j.data = cp.Meta[metaData]
	j.prov.Segments = append(j.prov.Segments, newSegment(o.Command))
	if len(j.text) == 0 {
		j.text, _ = cp.Params.MarshalJSON()
	}
	cur, err := params.ReadFile(f.Path(ParamsFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		j.writeParams = true
	case err != nil:
		return nil, err
	default:
		if diff := paramsDiff(cur, j.text, cp.Options.Task); diff != "" {
			return nil, refuse(fmt.Errorf("%s was changed since the run started (%s); --resume goes on with the params the run started with: restore the file, or start a new run with --restart", f.Path(ParamsFile), diff))
		}
		j.writeParams = cp.Meta[metaWriteParams] == "1"
	}
	return f.run(ctx, abort, j, o)
}

// run simulates j and writes its outputs, or its checkpoint.
func (f *Folder) run(ctx, abort context.Context, j job, o Options) (*Outcome, error) {
	o.Task, o.Compare, o.SharedInput = j.ro.Task, j.ro.Compare, j.ro.SharedInput
	if err := checkMemory(j.p, o); err != nil {
		return nil, err
	}
	// moved tells, once, that the folder was renamed while the run ran.
	moved := func() {
		if p := f.follow(); p != "" {
			logf(o.Log, "palmc: the run folder was moved; palmc writes it at %s", p)
		}
	}
	meta := func() map[string]string {
		pj, _ := json.Marshal(j.prov)
		wj, _ := json.Marshal(j.warnings)
		wp := "0"
		if j.writeParams {
			wp = "1"
		}
		oj, _ := json.Marshal(j.ro)
		return map[string]string{metaProvenance: string(pj), metaParamsText: string(j.text), metaWriteParams: wp,
			metaWarnings: string(wj), metaOptions: string(oj), metaData: j.data}
	}
	eo := experiment.Options{Task: j.ro.Task, Compare: j.ro.Compare, SharedInput: j.ro.SharedInput,
		Workers: o.Workers, Progress: o.Progress, ProgressEvery: o.ProgressEvery, Restore: j.restore}
	eo.Ready = func() error {
		if j.discard {
			if err := os.Remove(f.Path(CheckpointFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	eo.CheckData = func(d *experiment.ClassifyData) error {
		fp := d.Fingerprint()
		if j.data != "" && j.data != fp {
			return fmt.Errorf("the data of %s are not those the run started with (their fingerprint changed): the files of %q were replaced? Resume with the original files, or start anew with --restart", f.Dir, j.p.Dataset)
		}
		j.data = fp
		return nil
	}
	var warnOnce sync.Once
	start := time.Now()
	if o.CheckpointEvery > 0 {
		var last []int
		eo.SnapshotEvery = o.CheckpointEvery
		eo.Snapshot = func(snap *experiment.Result) {
			steps := make([]int, len(snap.Students))
			for i, n := range snap.Students {
				steps[i] = n.Steps
			}
			if slices.Equal(steps, last) {
				return
			}
			// A periodic checkpoint gives way to the one written when
			// the run stops.
			// A run killed after this checkpoint has simulated this long.
			j.prov.last().SimulationSeconds = time.Since(start).Seconds()
			moved()
			if err := store.WriteCheckpoint(ctx, f.Path(CheckpointFile), snap, j.ro, meta()); err != nil {
				if ctx.Err() == nil {
					warnOnce.Do(func() { logf(o.Log, "palmc: warning: periodic checkpoint not written (the run goes on): %v", err) })
				}
				return
			}
			last = steps
		}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w before the run started: nothing changed in %s", ErrInterrupted, f.Dir)
	}
	start = time.Now()
	res, runErr := experiment.Run(ctx, j.p, eo)
	if res == nil {
		return nil, refuse(runErr)
	}
	out := &Outcome{Result: res}
	moved()
	ro := RunOptions{Task: j.ro.Task, Compare: j.ro.Compare, SharedInput: j.ro.SharedInput,
		Workers: workersOf(o.Workers, len(res.Students)), CheckpointEvery: o.CheckpointEvery.String()}
	if errors.Is(runErr, experiment.ErrInterrupted) {
		seg := j.prov.last()
		seg.SimulationSeconds = time.Since(start).Seconds()
		seg.Finished = time.Now().UTC().Round(time.Millisecond)
		return out, f.saveCheckpoint(abort, res, j, meta(), out, "")
	}
	seg := j.prov.last()
	seg.SimulationSeconds = time.Since(start).Seconds()
	seg.Finished = time.Now().UTC().Round(time.Millisecond)
	wall := 0.0
	for _, s := range j.prov.Segments {
		wall += s.SimulationSeconds
	}
	sum, err := newSummary(res, j.prov, ro, j.warnings, wall)
	if sum != nil {
		sum.Data = j.data
	}
	if err != nil {
		return out, err
	}
	out.Summary = sum
	plots, plotErr, err := f.writeOutputs(ctx, res, sum, j, o)
	if err != nil {
		if ctx.Err() != nil {
			return out, f.saveCheckpoint(abort, res, j, meta(), out, " while its results were written; the finished run")
		}
		if f.exists(CheckpointFile) {
			err = fmt.Errorf("%w; the folder is as it was, and its last periodic checkpoint is kept: `palmc run --resume %s` goes on from there", err, f.Dir)
		} else {
			err = fmt.Errorf("%w; the folder is as it was", err)
		}
		return out, err
	}
	out.Plots, out.Written = plots, true
	var errs []error
	if runErr != nil {
		errs = append(errs, fmt.Errorf("%w (the results of every network are saved; summary.json marks the failed ones)", runErr))
	}
	if plotErr != nil {
		errs = append(errs, fmt.Errorf("the plots could not be drawn (the results are saved; `palmc plot %s` draws them): %w", f.Dir, plotErr))
	}
	return out, errors.Join(errs...)
}

// saveCheckpoint writes the checkpoint of an interrupted run.
func (f *Folder) saveCheckpoint(abort context.Context, res *experiment.Result, j job, meta map[string]string, out *Outcome, what string) error {
	path := f.Path(CheckpointFile)
	if err := store.WriteCheckpoint(abort, path, res, j.ro, meta); err != nil {
		if abort.Err() != nil {
			return fmt.Errorf("%w and stopped at once: no checkpoint written (%s keeps the last one, if any)", ErrInterrupted, CheckpointFile)
		}
		return fmt.Errorf("%w, and the checkpoint could not be written: %v", ErrInterrupted, err)
	}
	out.Checkpoint = true
	if what == "" {
		what = "; the run"
	}
	return fmt.Errorf("%w%s is saved in %s; continue with: palmc run --resume %s", ErrInterrupted, what, path, f.Dir)
}

// writeOutputs writes results, model, summary, plots (and params) into a
// stage and switches them into place, replacing the previous run's outputs
// and removing the checkpoint. It returns the number of plots, an error
// that left the plots out (the rest is committed) and an error that left
// the folder as it was.
func (f *Folder) writeOutputs(ctx context.Context, res *experiment.Result, sum *Summary, j job, o Options) (int, error, error) {
	st, err := f.NewStage()
	if err != nil {
		return 0, nil, err
	}
	defer st.Discard()
	meta := runMeta(sum)
	entries := append(slices.Clone(meta), store.Entry{Key: "params", Value: string(sum.Params)},
		store.Entry{Key: "dt", Value: &store.Array{Data: []float64{res.Params.Dt}}},
		store.Entry{Key: "rec_per_steps", Value: int64(res.Params.RecPerSteps)})
	entries = append(entries, store.ResultsEntries(res)...)
	if err := store.WriteNPZContext(ctx, st.Path(ResultsFile), entries, true); err != nil {
		return 0, nil, err
	}
	if err := store.WriteModel(ctx, st.Path(ModelFile), res, meta); err != nil {
		return 0, nil, err
	}
	// The folder's params.json must say what ran. Edited while the run
	// ran, it is kept, and said so.
	if cur, err := params.ReadFile(f.Path(ParamsFile)); err == nil && !bytes.Equal(cur, j.text) && paramsDiff(cur, j.text, j.ro.Task) != "" {
		w := fmt.Sprintf("%s was changed while the run ran (%s); the results are those of the params it started with (summary.json and results.npz hold them); the changed file is kept",
			f.Path(ParamsFile), paramsDiff(cur, j.text, j.ro.Task))
		logf(o.Log, "palmc: warning: %s", w)
		sum.Warnings = append(sum.Warnings, w)
		j.writeParams = false
	}
	if err := writeJSON(st.Path(SummaryFile), sum); err != nil {
		return 0, nil, err
	}
	if j.writeParams {
		if err := store.WriteAtomic(st.Path(ParamsFile), func(w io.Writer) error {
			_, err := w.Write(j.text)
			return err
		}); err != nil {
			return 0, nil, err
		}
	}
	var plots int
	var plotErr error
	if !o.NoPlots {
		files, err := drawPlots(ctx, recorded(entries), res.Params, res.Task, st.Path(PlotsDir), plot.PNG)
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		if err != nil {
			plotErr = err
			os.RemoveAll(st.Path(PlotsDir))
		}
		plots = len(files)
	}
	// A figure of the previous run drawn into the folder goes with it.
	if err := st.Commit(append(slices.Clone(runOutputs), CheckpointFile, "fig3.png", "fig3.svg", "fig3.pdf")); err != nil {
		return 0, nil, err
	}
	return plots, plotErr, nil
}

// runMeta returns the text entries that tie results.npz and model.npz to
// their run: its id, provenance and params.
func runMeta(sum *Summary) []store.Entry {
	prov, _ := json.Marshal(sum.Provenance)
	opts, _ := json.Marshal(sum.Options)
	return []store.Entry{
		{Key: "run_id", Value: sum.RunID},
		{Key: "provenance", Value: string(prov)},
		{Key: "options", Value: string(opts)},
	}
}

// Replot redraws the plots of the folder's last finished run from its
// results.npz in the given format, and switches them into place. It
// reports whether the folder also holds an unfinished run (whose plots do
// not exist yet).
func (f *Folder) Replot(ctx context.Context, format plot.Format) (n int, unfinished bool, err error) {
	unfinished = f.exists(CheckpointFile)
	r, err := ReadResults(f.Dir)
	if err != nil {
		if unfinished && errors.Is(err, os.ErrNotExist) {
			return 0, true, refuse(fmt.Errorf("%s holds an unfinished run and no finished one: continue it with `palmc run --resume %s`", f.Dir, f.Dir))
		}
		return 0, unfinished, err
	}
	st, err := f.NewStage()
	if err != nil {
		return 0, unfinished, err
	}
	defer st.Discard()
	files, err := drawPlots(ctx, r.Arrays, r.Params, r.Task, st.Path(PlotsDir), format)
	if err != nil {
		return 0, unfinished, err
	}
	if err := st.Commit(nil); err != nil {
		return 0, unfinished, err
	}
	return len(files), unfinished, nil
}

// Results are the recorded series of a finished run, with what describes
// them.
type Results struct {
	// Arrays holds the recorded series and the classify task's results
	// (not the input sequence, the target sequence or the final state).
	Arrays map[string]store.Array
	Params *params.Params
	Task   params.Task
	RunID  string
}

// ReadResults reads the results.npz of a run folder: everything a figure
// needs is in it (the params, the task, the time of every record). When
// the folder has a model.npz, the two must be of one run.
func ReadResults(dir string) (*Results, error) {
	path := filepath.Join(dir, ResultsFile)
	arrays, texts, err := store.ReadRecordedMeta(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, refuse(fmt.Errorf("%s is not a finished palmc run: no %s: %w", dir, ResultsFile, os.ErrNotExist))
		}
		return nil, refuse(fmt.Errorf("%s: %v", path, err))
	}
	var opts RunOptions
	if err := json.Unmarshal([]byte(texts["options"]), &opts); err != nil || opts.Task == "" {
		return nil, refuse(fmt.Errorf("%s was not written by this palmc (no run options in it)", path))
	}
	p, _, err := params.Parse([]byte(texts["params"]), opts.Task)
	if err != nil {
		return nil, refuse(fmt.Errorf("%s: its params: %v", path, err))
	}
	r := &Results{Arrays: arrays, Params: p, Task: opts.Task, RunID: texts["run_id"]}
	var sum struct {
		RunID string `json:"run_id"`
	}
	if b, err := inputfile.Read(filepath.Join(dir, SummaryFile), MaxSummarySize); err == nil && json.Unmarshal(b, &sum) == nil && sum.RunID != r.RunID {
		return nil, fmt.Errorf("%s: %s and %s belong to different runs (run_id %q and %q)", dir, ResultsFile, SummaryFile, r.RunID, sum.RunID)
	}
	if m, err := store.ReadModel(filepath.Join(dir, ModelFile)); err == nil && m.Meta["run_id"] != r.RunID {
		return nil, fmt.Errorf("%s: %s and %s belong to different runs (run_id %q and %q)", dir, ResultsFile, ModelFile, r.RunID, m.Meta["run_id"])
	}
	return r, nil
}

// recorded returns the recorded series of a run's entries, leaving out
// what the plots do not use (stimulus, final state, target sequence).
func recorded(entries []store.Entry) map[string]store.Array {
	var keep []store.Entry
	for _, e := range entries {
		if k := e.Key; !strings.Contains(k, "/") || strings.HasSuffix(k, "/stimulus") || strings.HasSuffix(k, "/target_sequence") || strings.Contains(k, "/final_") {
			continue
		}
		keep = append(keep, e)
	}
	return store.Arrays(keep)
}

// drawPlots draws every plot of the recorded arrays into dir.
func drawPlots(ctx context.Context, arrays map[string]store.Array, p *params.Params, task params.Task, dir string, format plot.Format) ([]string, error) {
	epochSteps := p.DatasetSize * p.StepsPerSample()
	if task == params.Classify {
		epochSteps = (p.TrainSize() + p.ValidationSize()) * p.StepsPerSample()
	}
	run := plot.Run{
		Context:        ctx,
		Arrays:         arrays,
		Dt:             p.Dt,
		RecPerSteps:    p.RecPerSteps,
		SettlingSteps:  p.SettlingSteps(),
		StepsPerSample: p.StepsPerSample(),
		EpochSteps:     epochSteps,
	}
	if p.UsesNoise() && p.NoiseMode == params.ModeUPAdaptive {
		run.Adaptive, run.NoiseDeg = true, p.NoiseDeg
	}
	if task == params.Classify && p.Dataset == "yinyang" {
		// The figure of the test predictions puts each sample where it
		// lies; Yin-Yang's are generated again in no time.
		if cfg, err := p.DatasetConfig(dataset.Test); err == nil {
			if set, err := dataset.Load(cfg, dataset.Test); err == nil {
				run.TestInputs = &store.Array{Shape: []int{set.Len(), set.Inputs}, Data: set.X}
			}
		}
	}
	run.Skip = p.BwConnectionMode == params.ConnSkip
	return plot.All(run, dir, format)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return store.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// workersOf is the number of workers a run uses.
func workersOf(workers, nets int) int {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	return max(1, min(workers, nets))
}

// sameFile reports whether two paths name the same file (or both do not
// exist and are the same path).
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	aa, _ := filepath.Abs(a)
	bb, _ := filepath.Abs(b)
	return aa == bb
}

// paramsDiff names the keys in which two params texts differ, or "" when
// they say the same.
func paramsDiff(a, b []byte, task params.Task) string {
	pa, _, errA := params.ParseAccepted(a, task)
	pb, _, errB := params.ParseAccepted(b, task)
	if errA != nil {
		return "it no longer parses: " + errA.Error()
	}
	if errB != nil {
		return ""
	}
	ja, _ := pa.MarshalJSON()
	jb, _ := pb.MarshalJSON()
	if bytes.Equal(ja, jb) {
		return ""
	}
	var ma, mb map[string]json.RawMessage
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	var keys []string
	for k, v := range ma {
		if w, ok := mb[k]; !ok || !bytes.Equal(v, w) {
			keys = append(keys, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return "changed: " + strings.Join(keys, ", ")
}

// describeCheckpoint says when a checkpoint was written and how far it is.
func describeCheckpoint(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "checkpoint.npz"
	}
	return fmt.Sprintf("%s written %s", CheckpointFile, fi.ModTime().Format("2006-01-02 15:04:05"))
}

func logf(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", a...)
	}
}

// CheckpointWarnings returns the warnings the params of a checkpoint's run
// gave when it started (unknown keys and the like).
func CheckpointWarnings(cp *store.Checkpoint) []string {
	var w []string
	json.Unmarshal([]byte(cp.Meta[metaWarnings]), &w)
	return w
}
