package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// endsAfter is a context that ends after its Err has been asked n times.
type endsAfter struct {
	context.Context
	n int
}

func (c *endsAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// hiddenInits lists the hidden folders of inits beside dir.
func hiddenInits(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(dir), initPrefix(dir)+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// An init stopped while it writes leaves nothing; what a killed init left
// (its hidden folder, which no init holds) goes with the next init of the
// folder, and one that an init holds stays; a repair writes again a cell
// folder that lacks its params.json.
func TestInitInterrupted(t *testing.T) {
	f, err := Load(writeSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "grid": {"eta_bw": [[5], [20]]}, "seeds": [1, 2, 3]}`))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "study")
	// Expand asks once per grid point (2), Init once after it, create once
	// per cell (6).
	for _, n := range []int{0, 1, 2, 4, 7} {
		_, err := InitContext(&endsAfter{context.Background(), n}, f, dir, nil)
		if !errors.Is(err, ErrInitInterrupted) {
			t.Fatalf("stopped after %d checks: %v", n, err)
		}
		if _, serr := os.Lstat(dir); serr == nil || len(hiddenInits(t, dir)) > 0 {
			t.Fatalf("stopped after %d checks: left %v %v", n, serr, hiddenInits(t, dir))
		}
	}
	// A killed init's folder, and one that an init holds.
	stale := filepath.Join(filepath.Dir(dir), initPrefix(dir)+"111")
	held := filepath.Join(filepath.Dir(dir), initPrefix(dir)+"222")
	for _, d := range []string{stale, held} {
		os.MkdirAll(filepath.Join(d, "cells", "000-x"), 0o755)
	}
	h, _ := os.Open(held)
	defer h.Close()
	if err := syscall.Flock(int(h.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(f, dir, nil); err != nil {
		t.Fatal(err)
	}
	if got := hiddenInits(t, dir); len(got) != 1 || got[0] != held {
		t.Fatalf("after init: %v, want only %s", got, held)
	}
	// A cell folder without its params.json is written again.
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Index.Cells[4]
	os.Remove(filepath.Join(s.CellDir(c), "params.json"))
	if st := s.Status(c); st.State != Changed {
		t.Fatalf("without params.json: %s", st.State)
	}
	rep, err := Init(f, dir, nil)
	if err != nil || len(rep.Repaired) != 1 || rep.Repaired[0] != c.Dir {
		t.Fatalf("repair: %+v %v", rep, err)
	}
	if st := s.Status(c); st.State != Pending {
		t.Errorf("after the repair: %s (%s)", st.State, st.Note)
	}
	// A repair stopped keeps what it wrote, and says so.
	for _, c := range s.Index.Cells[1:] {
		os.RemoveAll(s.CellDir(c))
	}
	_, err = InitContext(&endsAfter{context.Background(), 6}, f, dir, nil)
	if !errors.Is(err, ErrInitInterrupted) || !strings.Contains(err.Error(), "wrote 2 missing cell folders") {
		t.Fatalf("repair stopped: %v", err)
	}
}

// A sweep folder that lost its index.json is named as such, and palmc
// sweep init with the sweep's file writes the index again — from the
// folder's own sweep.json, or, without it, when the cell folders are the
// sweep's and ran with its options; a sweep run notices an index.json
// removed or replaced while it ran, and writes a removed one again.
func TestLostIndex(t *testing.T) {
	base := tinyBase(t)
	path := writeSweep(t, base, `{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP", "--no-plots"], "seeds": [1, 2]}`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "study")
	if _, err := Init(f, dir, nil); err != nil {
		t.Fatal(err)
	}
	s, _ := Open(dir)
	ctx := context.Background()
	// Removed while the sweep runs: written again at its end.
	os.Remove(filepath.Join(dir, IndexFile))
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatalf("after the run: %v", err)
	}
	// Lost afterwards: init writes it again.
	os.Remove(filepath.Join(dir, IndexFile))
	var r *Refusal
	if _, err := Open(dir); !errors.As(err, &r) || !strings.Contains(err.Error(), "lost its index.json: palmc sweep init "+filepath.Join(dir, SweepFile)) {
		t.Fatalf("Open without index.json: %v", err)
	}
	own, err := Load(filepath.Join(dir, SweepFile))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Init(own, dir, nil); err != nil || !rep.IndexRestored {
		t.Fatalf("init from the folder's sweep.json: %+v %v", rep, err)
	}
	if s, err := Open(dir); err != nil || states(s)[Done] != 2 {
		t.Fatalf("restored: %v", err)
	}
	// sweep.json lost too: the cells decide.
	os.Remove(filepath.Join(dir, IndexFile))
	os.Remove(filepath.Join(dir, SweepFile))
	for _, other := range []string{
		`{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1, 2]}`,
		`{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP", "--no-plots"], "seeds": [1]}`,
		`{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP", "--no-plots"], "seeds": [1, 3]}`,
	} {
		g, err := Load(writeSweep(t, base, other))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Init(g, dir, nil); !errors.As(err, &r) || !strings.Contains(err.Error(), "lost its index.json and") {
			t.Errorf("%s: %v", other, err)
		}
	}
	if rep, err := Init(f, dir, nil); err != nil || !rep.IndexRestored {
		t.Fatalf("init from the sweep file: %+v %v", rep, err)
	}
	s, err = Open(dir)
	if err != nil || states(s)[Done] != 2 {
		t.Fatalf("restored from the cells: %v", err)
	}
	// Replaced while a sweep runs: said.
	g, _ := Load(writeSweep(t, base, `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [5]}`))
	other := filepath.Join(t.TempDir(), "other")
	if _, err := Init(g, other, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(other, IndexFile))
	os.WriteFile(filepath.Join(dir, IndexFile), b, 0o644)
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err == nil || !strings.Contains(err.Error(), "was replaced while the sweep ran") {
		t.Fatalf("index replaced: %v", err)
	}
}
