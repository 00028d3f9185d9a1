package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"palmc/compare"
	"palmc/runfolder"
)

// Table is a sweep's cells with their final metrics, as gather writes
// them.
type Table struct {
	Sweep *Sweep
	Rows  []Row
	// Metrics names the metric columns, in order: final_mse, val_accuracy,
	// test_accuracy, then final_<angle>_<k> per angle and hidden layer.
	Metrics []string
	// Extra lists the folders in cells/ that are no cells of the sweep.
	Extra []string
}

// Row is one cell of the table.
type Row struct {
	CellStatus
	// NetStatus is how the cell's network ended (ok, diverged, failed, not
	// run; "" when the cell is not done).
	NetStatus string
	// Metrics holds the cell's final metrics (done cells).
	Metrics map[string]float64
}

// Point is a grid point: a variant and a value per axis, with its cells
// (one per seed), as indexes into Table.Rows.
type Point struct {
	Variant string
	Values  []json.RawMessage
	Rows    []int
}

// Collect reads the state and the final metrics of every cell.
func (s *Sweep) Collect() *Table {
	sts, extra := s.Statuses()
	t := &Table{Sweep: s, Extra: extra}
	have := map[string]bool{}
	for _, st := range sts {
		r := Row{CellStatus: st}
		if st.Summary != nil {
			r.NetStatus, r.Metrics = metrics(st.Summary, st.Cell.Seed)
			for k := range r.Metrics {
				have[k] = true
			}
		}
		t.Rows = append(t.Rows, r)
	}
	for k := range have {
		t.Metrics = append(t.Metrics, k)
	}
	slices.SortFunc(t.Metrics, func(a, b string) int { return metricOrder(a) - metricOrder(b) })
	return t
}

// metrics reads the final metrics of a cell's student network from its
// summary.json; non-finite values stay NaN or infinite.
func metrics(sum *runfolder.Summary, seed int64) (string, map[string]float64) {
	m := map[string]float64{}
	var net *runfolder.NetSummary
	status := ""
	for i := range sum.Networks {
		n := &sum.Networks[i]
		if n.Name == "teacher" {
			if n.Status != "ok" {
				status = "teacher " + n.Status
			}
			continue
		}
		if n.Seed == seed || net == nil {
			net = n
		}
	}
	if net == nil {
		return status, m
	}
	if status == "" {
		status = net.Status
	}
	if net.FinalMSE != nil {
		m["final_mse"] = float64(*net.FinalMSE)
	}
	if len(net.ValAccuracy) > 0 {
		m["val_accuracy"] = float64(net.ValAccuracy[len(net.ValAccuracy)-1])
	}
	if net.TestAccuracy != nil {
		m["test_accuracy"] = float64(*net.TestAccuracy)
	}
	for name, vals := range net.FinalAngles {
		for k, v := range vals {
			m[fmt.Sprintf("final_%s_%d", name, k)] = float64(v)
		}
	}
	return status, m
}

// metricOrder sorts the metric columns.
func metricOrder(name string) int {
	switch name {
	case "final_mse":
		return 0
	case "val_accuracy":
		return 1
	case "test_accuracy":
		return 2
	}
	for i, a := range append(compare.Names[:], compare.DWPPBP) {
		if rest, ok := strings.CutPrefix(name, "final_"+a+"_"); ok {
			k, _ := strconv.Atoi(rest)
			return 100 + 100*i + k
		}
	}
	return 1000
}

// Points groups the rows by grid point, in the order of the cells.
func (t *Table) Points() []Point {
	var out []Point
	at := map[string]int{}
	for i, r := range t.Rows {
		c := r.Cell
		key := c.Variant + "\x00" + string(bytes.Join(rawBytes(c.Values), []byte{0}))
		j, ok := at[key]
		if !ok {
			j = len(out)
			at[key] = j
			out = append(out, Point{Variant: c.Variant, Values: c.Values})
		}
		out[j].Rows = append(out[j].Rows, i)
	}
	return out
}

func rawBytes(vs []json.RawMessage) [][]byte {
	out := make([][]byte, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// Label names a point: "variant, key = value, …".
func (t *Table) Label(p Point) string {
	var parts []string
	if p.Variant != "" {
		parts = append(parts, p.Variant)
	}
	for i, k := range t.Sweep.Index.Axes {
		parts = append(parts, fmt.Sprintf("%s = %s", k, p.Values[i]))
	}
	if len(parts) == 0 {
		return "all cells"
	}
	return strings.Join(parts, ", ")
}

// Stat is the mean ± std of a metric over the seeds of a grid point.
type Stat struct {
	Mean runfolder.Float `json:"mean"`
	// Std is the population standard deviation (numpy's default, ddof 0).
	Std runfolder.Float `json:"std"`
	// N counts the seeds with a finite value; NotFinite those without
	// (diverged).
	N         int `json:"n"`
	NotFinite int `json:"not_finite,omitempty"`
}

// stat returns the mean ± std of the finite values among xs.
func stat(xs []float64) Stat {
	var st Stat
	s := 0.0
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			st.NotFinite++
			continue
		}
		s += x
		st.N++
	}
	if st.N == 0 {
		st.Mean, st.Std = runfolder.Float(math.NaN()), runfolder.Float(math.NaN())
		return st
	}
	m := s / float64(st.N)
	ss := 0.0
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			ss += (x - m) * (x - m)
		}
	}
	st.Mean, st.Std = runfolder.Float(m), runfolder.Float(math.Sqrt(ss/float64(st.N)))
	return st
}

// values returns a metric's values over the done rows of a point.
func (t *Table) values(p Point, metric string) []float64 {
	var xs []float64
	for _, i := range p.Rows {
		r := t.Rows[i]
		if v, ok := r.Metrics[metric]; ok && r.State == Done {
			xs = append(xs, v)
		}
	}
	return xs
}
