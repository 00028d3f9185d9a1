package sweep

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sync/semaphore"

	"palmc/params"
	"palmc/runfolder"
)

// available is runfolder.Available; tests set what it says.
var available = runfolder.Available

// memoryPlan bounds the memory of the cells that a local run runs at once:
// a cell starts when the memory it needs (runfolder.MemoryNeed) fits in
// what the cells that run leave of the budget.
type memoryPlan struct {
	// sem holds the budget in bytes; nil: no bound.
	sem  *semaphore.Weighted
	need map[int]int64
}

// planMemory estimates the memory each cell of todo needs, and bounds the
// sum of the cells that run at once by the memory available when the run
// starts (runfolder.Available), unless the sweep's flags turn the check off
// (--max-memory 0). A cell that alone needs more than its limit — the
// flags' --max-memory SIZE, or what is available — is refused before
// anything runs, as palmc run refuses it. When workers cells at once could
// need more than the budget, it says so on log: fewer cells then run at
// once.
func (s *Sweep) planMemory(todo []CellStatus, workers int, log io.Writer) (*memoryPlan, error) {
	plan := &memoryPlan{need: map[int]int64{}}
	ro := s.Flags.RunOptions(s.Index.Task)
	if ro.MaxMemory < 0 || len(todo) == 0 {
		return plan, nil
	}
	avail, from := available()
	limit, limitFrom := float64(ro.MaxMemory), "allowed by the sweep's --max-memory"
	if ro.MaxMemory == 0 {
		limit, limitFrom = float64(avail), from
	}
	var needs []float64
	var over []string
	// The seed does not change the memory a cell needs.
	byPoint := map[string]float64{}
	for _, st := range todo {
		need, ok := byPoint[pointKey(st.Cell)]
		if !ok {
			var err error
			if need, err = s.cellNeed(st.Cell, ro); err != nil {
				continue // the cell fails on its own, saying why
			}
			byPoint[pointKey(st.Cell)] = need
		}
		if limit > 0 && need > limit {
			over = append(over, fmt.Sprintf("  %s: about %s", st.Cell.Dir, runfolder.FormatBytes(need)))
		}
		plan.need[st.Cell.Index] = int64(min(need, float64(1<<62)))
		needs = append(needs, need)
	}
	if len(over) > 0 {
		n := len(over)
		if n > 10 {
			over = append(over[:10], fmt.Sprintf("  (and %d more)", n-10))
		}
		return nil, refusef("%d cells of sweep %s need more memory than the %s %s:\n%s\nthey cannot run here; record less or less often (rec_*, rec_per_steps) in a new sweep, or give it the flag --max-memory SIZE to run them anyway",
			n, s.Dir, runfolder.FormatBytes(limit), limitFrom, strings.Join(over, "\n"))
	}
	if avail <= 0 {
		return plan, nil
	}
	plan.sem = semaphore.NewWeighted(avail)
	for i, n := range plan.need {
		plan.need[i] = min(max(n, 1), avail)
	}
	// The largest cells decide how few may run at once.
	slices.SortFunc(needs, func(a, b float64) int { return cmp.Compare(b, a) })
	atOnce := min(workers, len(needs))
	sum, fit := 0.0, 0
	for _, n := range needs[:atOnce] {
		if sum += n; sum > float64(avail) {
			break
		}
		fit++
	}
	if fit < atOnce {
		logf(log, "palmc: note: %d cells at once would need up to %s, more than the %s %s: cells start as memory allows, as few as %d at once",
			atOnce, runfolder.FormatBytes(sumOf(needs[:atOnce])), runfolder.FormatBytes(float64(avail)), from, max(fit, 1))
	}
	return plan, nil
}

// cellNeed estimates the memory a cell's run needs, from its params.json.
func (s *Sweep) cellNeed(c IndexCell, ro runfolder.Options) (float64, error) {
	text, err := params.ReadFile(filepath.Join(s.CellDir(c), runfolder.ParamsFile))
	if err != nil {
		return 0, err
	}
	p, _, err := params.Parse(text, s.Index.Task)
	if err != nil {
		return 0, err
	}
	return runfolder.MemoryNeed(p, ro)
}

// bytes returns the memory a cell reserves while it runs.
func (p *memoryPlan) bytes(cell int) int64 {
	if n, ok := p.need[cell]; ok {
		return n
	}
	return 1
}

func sumOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// pointKey names a cell's variant and grid point: cells with the same key
// differ only in their seed.
func pointKey(c IndexCell) string {
	var b strings.Builder
	b.WriteString(c.Variant)
	for _, v := range c.Values {
		b.WriteByte(0)
		b.Write(v)
	}
	return b.String()
}
