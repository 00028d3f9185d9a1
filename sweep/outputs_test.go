package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"palmc/params"
	"palmc/runfolder"
)

// A cell whose outputs are another cell's (copied by hand), or a run of its
// params with other options (palmc run without the sweep's --compare BP),
// is not done: status calls it changed and says why, gather leaves its
// numbers out, and it is refused, not skipped, when run.
func TestForeignOutputs(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP", "--no-plots"], "seeds": [1, 2]}`)
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	c0, c1 := s.Index.Cells[0], s.Index.Cells[1]
	// Only results.npz copied: gather draws no curve from it.
	b, _ := os.ReadFile(filepath.Join(s.CellDir(c0), runfolder.ResultsFile))
	os.WriteFile(filepath.Join(s.CellDir(c1), runfolder.ResultsFile), b, 0o644)
	rep, err := s.Gather(ctx, []string{"test"})
	if err != nil || rep.PlotErr == nil || !strings.Contains(rep.PlotErr.Error(), "belong to different runs") {
		t.Errorf("gather with cell 0's results.npz in cell 1: %v %v", rep.PlotErr, err)
	}
	outputs := []string{runfolder.ResultsFile, runfolder.ModelFile, runfolder.SummaryFile}
	for _, f := range outputs {
		b, err := os.ReadFile(filepath.Join(s.CellDir(c0), f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(s.CellDir(c1), f), b, 0o644)
	}
	check := func(what, want string) {
		t.Helper()
		if st := s.Status(c1); st.State != Changed || !strings.Contains(st.Note, want) {
			t.Errorf("%s: %s (%s)", what, st.State, st.Note)
		}
		if st := s.Status(c0); st.State != Done {
			t.Errorf("%s: cell 0 %s (%s)", what, st.State, st.Note)
		}
		tab := s.Collect()
		if r := tab.Rows[1]; r.State != Changed || len(r.Metrics) != 0 {
			t.Errorf("%s: gathered %s with %d metrics", what, r.State, len(r.Metrics))
		}
		var r *Refusal
		if state, err := s.RunCell(ctx, ctx, c1, CellOptions{}); state != Changed || !errors.As(err, &r) {
			t.Errorf("%s: RunCell: %s %v", what, state, err)
		}
	}
	check("cell 0's outputs in cell 1", "other params: random_seed")
	// The index of an older palmc has no digest of the params: the cell's
	// params.json is compared.
	saved := s.Index.Cells[1].RunParamsSHA256
	s.Index.Cells[1].RunParamsSHA256, c1.RunParamsSHA256 = "", ""
	check("without the digest", "other params: random_seed")
	s.Index.Cells[1].RunParamsSHA256, c1.RunParamsSHA256 = saved, saved

	// Cell 1 run by hand, as palmc run without --compare BP runs it.
	for _, f := range outputs {
		os.Remove(filepath.Join(s.CellDir(c1), f))
	}
	path := filepath.Join(s.CellDir(c1), runfolder.ParamsFile)
	text, _ := os.ReadFile(path)
	p, w, err := params.Parse(text, params.FwBw)
	if err != nil {
		t.Fatal(err)
	}
	f, err := runfolder.Open(s.CellDir(c1), []string{"palmc", "run"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Start(ctx, ctx, runfolder.Source{Path: path, Text: text, Params: p, Warnings: w},
		runfolder.Options{Task: params.FwBw, NoPlots: true}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	check("cell 1 run without --compare BP", "--compare BP off, the sweep's on")
}
