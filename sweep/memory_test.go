package sweep

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"palmc/params"
	"palmc/runfolder"
)

// lockedBuffer is a log that cells may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// cellNeed is the memory a cell of the sweep needs.
func cellNeed(t *testing.T, s *Sweep, c IndexCell) float64 {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(s.CellDir(c), runfolder.ParamsFile))
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := params.Parse(text, s.Index.Task)
	if err != nil {
		t.Fatal(err)
	}
	need, err := runfolder.MemoryNeed(p, s.Flags.RunOptions(s.Index.Task))
	if err != nil {
		t.Fatal(err)
	}
	return need
}

// Cells that do not fit in the memory available together run one after
// the other, and palmc says so; cells that do not fit alone are refused
// before any runs.
func TestRunBoundsMemory(t *testing.T) {
	s := newSweep(t, slowBase(t, 150), `{"base": "base.json", "task": "bw_only", "flags": ["--no-plots"], "seeds": [1, 2, 3]}`)
	need := cellNeed(t, s, s.Index.Cells[0])
	defer func(a func() (int64, string)) { available = a }(available)
	available = func() (int64, string) { return int64(need * 1.5), "available in the test" }
	ctx := context.Background()
	var log lockedBuffer
	rep, err := s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true, Log: &log})
	if err != nil || rep.Done != 3 {
		t.Fatalf("%+v %v", rep, err)
	}
	if !strings.Contains(log.String(), "as few as 1 at once") {
		t.Errorf("log: %s", log.String())
	}
	var spans [][2]int64
	for _, c := range s.Index.Cells {
		sum, err := readSummary(filepath.Join(s.CellDir(c), runfolder.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
		seg := sum.Segments[0]
		spans = append(spans, [2]int64{seg.Started.UnixMilli(), seg.Finished.UnixMilli()})
	}
	for i := range spans {
		for j := range i {
			if spans[i][0] < spans[j][1] && spans[j][0] < spans[i][1] {
				t.Errorf("cells %d and %d ran at once: %v, %v", j, i, spans[j], spans[i])
			}
		}
	}

	s = newSweep(t, slowBase(t, 150), `{"base": "base.json", "task": "bw_only", "flags": ["--no-plots"], "seeds": [1, 2]}`)
	available = func() (int64, string) { return int64(need / 2), "available in the test" }
	_, err = s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true})
	var r *Refusal
	if !errors.As(err, &r) || !strings.Contains(err.Error(), "2 cells of sweep") || !strings.Contains(err.Error(), "cells/000-seed1") {
		t.Fatalf("cells too big: %v", err)
	}
	if st := states(s); st[Pending] != 2 {
		t.Errorf("states after the refusal: %v", st)
	}
}
