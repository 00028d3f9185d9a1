package sweep

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
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
		params map[string]any
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
		m, err := paramsWithoutSeed(p)
		if err != nil {
			return nil, err
		}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			firsts[k] = first{r.Cell.Dir, m}
			out = append(out, Fig6Group{Fig6Group: plot.Fig6Group{Tauxi: p.Tauxi, Prospective: p.Taur > 0, Angles: make([][]float64, p.H())}})
		} else if diff := firstDifference(firsts[k].params, m); diff != "" {
			return nil, refusef("cells %s and %s would be pooled as seeds of one Fig. 6 group (tauxi %g, %s voltages), but their %s differs: Fig. 6 is drawn from a sweep whose cells differ only in tauxi, taur and the seed (palmc sweep init --experiment fig6)",
				firsts[k].dir, r.Cell.Dir, p.Tauxi, map[bool]string{true: "prospective", false: "plain"}[p.Taur > 0], diff)
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

// paramsWithoutSeed returns the params as JSON values by key, without the
// seeds.
func paramsWithoutSeed(p *params.Params) (map[string]any, error) {
	b, err := p.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "random_seed")
	return m, nil
}

// firstDifference names the first key, in sorted order, whose value
// differs between a and b ("" if none).
func firstDifference(a, b map[string]any) string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !reflect.DeepEqual(a[k], b[k]) {
			return k
		}
	}
	return ""
}
