package sweep

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"palmc/compare"
	"palmc/params"
	"palmc/plot"
	"palmc/runfolder"
)

// Fig6Group is one group of the paper's Fig. 6: the done cells with one
// noise correlation time, with or without prospective voltages.
type Fig6Group struct {
	plot.Fig6Group
	// Seeds are the seeds of the done cells; Left counts the group's cells
	// that are not done.
	Seeds []int64
	Left  int
	// Seconds is the wall time of the done cells, summed.
	Seconds float64
}

// Fig6 groups a bw_only sweep with --compare BP by tauxi and by whether
// the rates come from prospective voltages (taur > 0), as the paper's
// Fig. 6 does, with the final angle between WPP[k+1]ᵀ and BPP[k] of every
// done cell per hidden layer. Groups are ordered by tauxi, plain voltages
// first.
func (t *Table) Fig6() ([]Fig6Group, error) {
	ix := t.Sweep.Index
	if ix.Task != params.BwOnly || !t.Sweep.Flags.Compare {
		return nil, refusef("%s is a %s sweep with flags %q; Fig. 6 is drawn from a bw_only sweep with --compare BP (palmc sweep init --experiment fig6)", t.Sweep.Dir, ix.Task, ix.Flags)
	}
	type key struct {
		tauxi float64
		prosp bool
	}
	at := map[key]int{}
	var out []Fig6Group
	// A group pools seeds only: its cells' params are one cell's but for
	// the seed.
	type first struct {
		dir    string
		params *params.Params
	}
	firsts := map[key]first{}
	for _, r := range t.Rows {
		p, _, err := params.Load(filepath.Join(t.Sweep.CellDir(r.Cell), runfolder.ParamsFile), ix.Task)
		if err != nil {
			return nil, err
		}
		if p.NoiseType != params.NoiseOU || p.Tauxi <= 0 {
			return nil, refusef("%s: Fig. 6 varies the correlation time tauxi of OU noise; this cell's noise_type is %q", r.Cell.Dir, p.NoiseType)
		}
		k := key{p.Tauxi, p.Taur > 0}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			firsts[k] = first{r.Cell.Dir, p}
			out = append(out, Fig6Group{Fig6Group: plot.Fig6Group{Tauxi: p.Tauxi, Prospective: p.Taur > 0, Angles: make([][]float64, p.H())}})
		} else if diff := slices.DeleteFunc(differingKeys(firsts[k].params, p), func(name string) bool { return name == "random_seed" }); len(diff) > 0 {
			return nil, refusef("cells %s and %s would be pooled as seeds of one Fig. 6 group (tauxi %g, %s voltages), but their %s differs: Fig. 6 is drawn from a sweep whose cells differ only in tauxi, taur and the seed (palmc sweep init --experiment fig6)",
				firsts[k].dir, r.Cell.Dir, p.Tauxi, map[bool]string{true: "prospective", false: "plain"}[p.Taur > 0], strings.Join(diff, ", "))
		}
		g := &out[i]
		if r.State != Done {
			g.Left++
			continue
		}
		g.Seeds = append(g.Seeds, r.Cell.Seed)
		g.Seconds += r.Seconds
		for l := range g.Angles {
			v, ok := r.Metrics[fmt.Sprintf("final_%s_%d", compare.WPPTBPP, l)]
			if !ok {
				return nil, fmt.Errorf("%s: no final angles in its summary.json", r.Cell.Dir)
			}
			g.Angles[l] = append(g.Angles[l], v)
		}
	}
	slices.SortStableFunc(out, func(a, b Fig6Group) int {
		switch {
		case a.Tauxi != b.Tauxi:
			if a.Tauxi < b.Tauxi {
				return -1
			}
			return 1
		case a.Prospective == b.Prospective:
			return 0
		case b.Prospective:
			return -1
		}
		return 1
	})
	return out, nil
}

// WriteFig6 writes the groups as a table: tauxi, voltages, seeds done,
// wall time, and the final angle per hidden layer, mean ± std over seeds.
func WriteFig6(w io.Writer, groups []Fig6Group) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	layers := 0
	for _, g := range groups {
		layers = max(layers, len(g.Angles))
	}
	head := []string{"tauxi (ms)", "voltages", "seeds", "wall"}
	for k := range layers {
		head = append(head, fmt.Sprintf("hidden layer %d (degrees)", k))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, g := range groups {
		v := "plain (taur 0)"
		if g.Prospective {
			v = "prospective"
		}
		seeds := fmt.Sprint(len(g.Seeds))
		if g.Left > 0 {
			seeds += fmt.Sprintf(" (%d not done)", g.Left)
		}
		row := []string{fmt.Sprint(g.Tauxi), v, seeds, formatSeconds(g.Seconds)}
		for k := range layers {
			cell := "—"
			if k < len(g.Angles) {
				cell = stat(g.Angles[k]).Format(1)
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
