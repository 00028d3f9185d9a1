package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"palmc/runfolder"
)

// GatherReport says what Gather wrote.
type GatherReport struct {
	Table *Table
	// States counts the cells per state.
	States map[State]int
	// Plots counts the plots drawn; PlotErr is set when some could not be.
	Plots   int
	PlotErr error
}

// Gather writes the sweep's results into its folder: sweep.csv (a row per
// cell: variant, grid values, seed, state, network status, wall time, final
// metrics), summary.json (per grid point, mean ± std over seeds of every
// metric) and plots/ (every metric against every axis, learning curves per
// grid point). The three are written aside and switched into place
// together (runfolder.Stage): a full disk or a kill leaves the previous
// gather's outputs whole. Cells that are not done get a row with their
// state and no metrics. It may run while cells run.
func (s *Sweep) Gather(ctx context.Context, command []string) (*GatherReport, error) {
	folder, err := runfolder.Open(s.Dir, command)
	if err != nil {
		return nil, err
	}
	defer folder.Close()
	t := s.Collect()
	rep := &GatherReport{Table: t, States: map[State]int{}}
	for _, r := range t.Rows {
		rep.States[r.State]++
	}
	st, err := folder.NewStage()
	if err != nil {
		return rep, err
	}
	defer st.Discard()
	if err := writeFile(st.Path(CSVFile), t.CSV()); err != nil {
		return rep, err
	}
	if err := writeJSON(st.Path(SummaryFile), t.summary(rep.States)); err != nil {
		return rep, err
	}
	if err := os.Mkdir(st.Path(PlotsDir), 0o777); err != nil {
		return rep, err
	}
	n, perr := t.drawPlots(ctx, st.Path(PlotsDir))
	if ctx.Err() != nil {
		return rep, fmt.Errorf("interrupted while drawing the plots; the previous %s, %s and %s are kept", CSVFile, SummaryFile, PlotsDir)
	}
	if perr != nil && isNoSpace(perr) {
		return rep, perr
	}
	rep.Plots, rep.PlotErr = n, perr
	if err := st.Commit([]string{CSVFile, SummaryFile, PlotsDir}); err != nil {
		return rep, err
	}
	return rep, nil
}

// isNoSpace reports a full disk (or quota).
func isNoSpace(err error) bool {
	return strings.Contains(err.Error(), "no space left") || strings.Contains(err.Error(), "quota exceeded")
}

// CSV returns sweep.csv: a header line and a row per cell, comma
// separated. Values hold no commas or quotes, so that numpy's genfromtxt
// reads the file as pandas does: lists are written as [5 20], text without
// quotes; non-finite numbers as nan, inf, -inf; a metric a cell does not
// have is empty.
func (t *Table) CSV() []byte {
	ix := t.Sweep.Index
	head := []string{"cell", "dir"}
	if len(ix.Variants) > 0 {
		head = append(head, "variant")
	}
	// A list-valued axis of numbers gets a numeric column per entry too,
	// eta_bw_0, eta_bw_1, …, for plotting.
	entries := make([]int, len(ix.Axes))
	for _, r := range t.Rows {
		for i, v := range r.Cell.Values {
			if xs, ok := numberList(v); ok {
				entries[i] = max(entries[i], len(xs))
			}
		}
	}
	for i, a := range ix.Axes {
		head = append(head, a)
		for j := range entries[i] {
			head = append(head, fmt.Sprintf("%s_%d", a, j))
		}
	}
	head = append(head, "seed", "state", "status", "wall_seconds", "simulation_seconds")
	head = append(head, t.Metrics...)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(head)
	for _, r := range t.Rows {
		c := r.Cell
		row := []string{strconv.Itoa(c.Index), c.Dir}
		if len(ix.Variants) > 0 {
			row = append(row, c.Variant)
		}
		for i, v := range c.Values {
			row = append(row, csvValue(v))
			xs, _ := numberList(v)
			for j := range entries[i] {
				if j < len(xs) {
					row = append(row, csvFloat(xs[j], -1))
				} else {
					row = append(row, "")
				}
			}
		}
		sim := ""
		if r.Summary != nil {
			sim = csvFloat(r.Summary.WallSeconds, 4)
		}
		wall := ""
		if r.Seconds > 0 {
			wall = csvFloat(r.Seconds, 4)
		}
		row = append(row, strconv.FormatInt(c.Seed, 10), string(r.State), r.NetStatus, wall, sim)
		for _, m := range t.Metrics {
			v, ok := r.Metrics[m]
			if !ok || r.State != Done {
				row = append(row, "")
				continue
			}
			row = append(row, csvFloat(v, -1))
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

// csvValue writes a grid value for sweep.csv: numbers and booleans as
// written; a list as [a b c], its commas and quotes left out; a string
// without its quotes, as text that a spreadsheet does not run: one that
// starts with =, +, -, @, a tab or a carriage return gets a ' before it.
// The CSV writer quotes a string with a comma, a quote or a line break.
func csvValue(raw json.RawMessage) string {
	s := string(raw)
	switch kind(raw) {
	case "a string":
		json.Unmarshal(raw, &s)
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			s = "'" + s
		}
		return s
	case "a list", "an object":
		s = strings.ReplaceAll(s, ", ", " ")
		s = strings.ReplaceAll(s, "\"", "")
		return strings.NewReplacer(",", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return s
}

// numberList reads a grid value that is a list of numbers.
func numberList(raw json.RawMessage) ([]float64, bool) {
	var xs []float64
	if kind(raw) != "a list" || json.Unmarshal(raw, &xs) != nil {
		return nil, false
	}
	return xs, true
}

// csvFloat writes a number for sweep.csv (prec -1: as short as exact).
func csvFloat(x float64, prec int) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'g', prec, 64)
}

// sweepSummary is the sweep's summary.json.
type sweepSummary struct {
	Source    string          `json:"source"`
	Task      string          `json:"task"`
	Flags     []string        `json:"flags"`
	Axes      []string        `json:"axes"`
	Variants  []string        `json:"variants,omitempty"`
	Seeds     []int64         `json:"seeds"`
	Gathered  time.Time       `json:"gathered"`
	Cells     int             `json:"cells"`
	States    map[State]int   `json:"states"`
	Statistic string          `json:"statistic"`
	Metrics   []string        `json:"metrics"`
	Points    []pointSummary  `json:"points"`
	Extra     []string        `json:"not_cells,omitempty"`
	Palmc     runfolder.Build `json:"palmc"`
}

// pointSummary is one grid point of summary.json.
type pointSummary struct {
	Label   string          `json:"label"`
	Variant string          `json:"variant,omitempty"`
	Values  orderedValues   `json:"values"`
	Seeds   []int64         `json:"seeds"`
	Done    int             `json:"done"`
	States  map[State]int   `json:"states"`
	Wall    Stat            `json:"wall_seconds"`
	Metrics map[string]Stat `json:"metrics"`
	Status  map[string]int  `json:"network_status,omitempty"`
	Cells   []string        `json:"cells"`
}

// orderedValues writes a point's grid values as an object in the order of
// the axes.
type orderedValues struct {
	keys []string
	vals []json.RawMessage
}

func (o orderedValues) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, k := range o.keys {
		if i > 0 {
			b.WriteString(",")
		}
		b.Write(quote(k))
		b.WriteString(":")
		b.Write(o.vals[i])
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

func (t *Table) summary(states map[State]int) *sweepSummary {
	ix := t.Sweep.Index
	s := &sweepSummary{Source: ix.Source, Task: string(ix.Task), Flags: ix.Flags, Axes: ix.Axes, Variants: ix.Variants,
		Seeds: ix.Seeds, Gathered: time.Now().UTC().Round(time.Second), Cells: len(t.Rows), States: states,
		Statistic: "mean and population standard deviation (numpy's std, ddof 0) over the seeds of a grid point whose cell is done and whose value is finite; n counts them",
		Metrics:   t.Metrics, Extra: t.Extra, Palmc: runfolder.BuildInfo()}
	if s.Axes == nil {
		s.Axes = []string{}
	}
	for _, p := range t.Points() {
		ps := pointSummary{Label: t.Label(p), Variant: p.Variant, Values: orderedValues{ix.Axes, p.Values},
			States: map[State]int{}, Metrics: map[string]Stat{}}
		var wall []float64
		for _, i := range p.Rows {
			r := t.Rows[i]
			ps.Seeds = append(ps.Seeds, r.Cell.Seed)
			ps.Cells = append(ps.Cells, r.Cell.Dir)
			ps.States[r.State]++
			if r.State == Done {
				ps.Done++
				wall = append(wall, r.Seconds)
				if ps.Status == nil {
					ps.Status = map[string]int{}
				}
				ps.Status[r.NetStatus]++
			}
		}
		ps.Wall = stat(wall)
		for _, m := range t.Metrics {
			ps.Metrics[m] = stat(t.values(p, m))
		}
		s.Points = append(s.Points, ps)
	}
	return s
}

// Format formats a mean ± std for people.
func (st Stat) Format(prec int) string {
	if st.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%.*f ± %.*f", prec, float64(st.Mean), prec, float64(st.Std))
}
