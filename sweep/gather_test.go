package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Gather writes a row per cell with its final metrics, mean ± std per grid
// point, and the plots; cells not done get a row without metrics.
func TestGather(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--compare", "BP", "--no-plots"],
		"grid": {"eta_bw": [[5], [20]], "gl": [3e-2]}, "seeds": [123, 456]}`)
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true, Cells: []int{0, 1, 2}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Gather(ctx, nil)
	if err != nil || rep.PlotErr != nil {
		t.Fatal(err, rep.PlotErr)
	}
	if rep.States[Done] != 3 || rep.States[Pending] != 1 {
		t.Errorf("states %v", rep.States)
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], ",")
	if want := "cell,dir,eta_bw,eta_bw_0,gl,seed,state,status,wall_seconds,simulation_seconds,final_mse,final_angle_WPPT_BPP_0,final_angle_jacobians_BP_0,final_angle_BPP_RHS_0"; head != want {
		t.Errorf("header\n%s\nwant\n%s", head, want)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
	sts, _ := s.Statuses()
	for i, r := range rows[1:] {
		want := []string{strconv.Itoa(i), s.Index.Cells[i].Dir}
		if r[0] != want[0] || r[1] != want[1] || r[5] != strconv.FormatInt(s.Index.Cells[i].Seed, 10) || r[6] != string(sts[i].State) {
			t.Errorf("row %d: %v", i, r)
		}
		if strings.ContainsAny(strings.Join(r, ""), "\",") {
			t.Errorf("row %d holds a comma or quote: %v", i, r)
		}
		if sts[i].State != Done {
			if r[10] != "" {
				t.Errorf("row %d: metrics of a cell not done: %v", i, r)
			}
			continue
		}
		mse, _ := strconv.ParseFloat(r[10], 64)
		net := sts[i].Summary.Networks[1]
		if net.Name == "teacher" || mse != float64(*net.FinalMSE) {
			t.Errorf("row %d: final_mse %v, summary %v (%s)", i, mse, *net.FinalMSE, net.Name)
		}
	}
	if rows[1][2] != "[5]" || rows[1][3] != "5" || rows[3][2] != "[20]" || rows[3][3] != "20" || rows[1][4] != "3e-2" {
		t.Errorf("grid values: %v %v", rows[1], rows[3])
	}
	var sum struct {
		Points []struct {
			Label   string
			Values  map[string]json.RawMessage
			Done    int
			Metrics map[string]struct {
				Mean, Std any
				N         int
			}
		}
	}
	b, _ = os.ReadFile(filepath.Join(s.Dir, SummaryFile))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Points) != 2 || sum.Points[0].Done != 2 || sum.Points[1].Done != 1 || sum.Points[0].Label != "eta_bw = [5], gl = 3e-2" {
		t.Fatalf("points: %+v", sum.Points)
	}
	m := sum.Points[0].Metrics["final_mse"]
	x0, _ := strconv.ParseFloat(rows[1][10], 64)
	x1, _ := strconv.ParseFloat(rows[2][10], 64)
	if mean := (x0 + x1) / 2; m.N != 2 || math.Abs(m.Mean.(float64)-mean) > 1e-15 || math.Abs(m.Std.(float64)-math.Abs(x0-x1)/2) > 1e-15 {
		t.Errorf("final_mse: %+v, want mean %v", m, mean)
	}
	for _, f := range []string{"final_mse_vs_eta_bw.png", "final_mse_vs_gl.png", "curve_MSE.png", "curve_angle_WPPT_BPP_0.png"} {
		if fi, err := os.Stat(filepath.Join(s.Dir, PlotsDir, f)); err != nil || fi.Size() < 1000 {
			t.Errorf("plot %s: %v", f, err)
		}
	}
	numpyReads(t, filepath.Join(s.Dir, CSVFile), 4)
}

// numpyReads opens sweep.csv with numpy's genfromtxt and with pandas, if
// they are there (CI installs them).
func numpyReads(t *testing.T, path string, rows int) {
	t.Helper()
	py := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("numpy is not installed; .ci/run installs python3-numpy")
		}
		t.Log("numpy not installed: sweep.csv not read with numpy")
		return
	}
	script := `import sys, numpy as np
a = np.genfromtxt(sys.argv[1], delimiter=",", names=True, dtype=None, encoding="utf-8")
print(len(a), a["seed"].tolist(), a["final_mse"].dtype, np.isnan(a["final_mse"]).sum())`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	// The cell that is not done has no final_mse: NaN.
	if !strings.HasPrefix(string(out), strconv.Itoa(rows)+" ") || !strings.HasSuffix(string(out), "float64 1\n") {
		t.Errorf("numpy read: %s", out)
	}
	if exec.Command(py, "-c", "import pandas").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pandas is not installed; .ci/run installs python3-pandas")
		}
		t.Log("pandas not installed: sweep.csv not read with pandas")
		return
	}
	script = `import sys, pandas as pd
df = pd.read_csv(sys.argv[1])
print(len(df), df["seed"].tolist(), df["final_mse"].dtype, df["final_mse"].isna().sum(), df["eta_bw"].tolist())`
	out, err = exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas: %v\n%s", err, out)
	}
	if want := strconv.Itoa(rows) + " [123, 456, 123, 456] float64 1 ['[5]', '[5]', '[20]', '[20]']\n"; string(out) != want {
		t.Errorf("pandas read: %q, want %q", out, want)
	}
}

// A full disk while gathering leaves the previous gather's outputs whole,
// and nothing half written. It needs a small file system of its own: root
// mounts a tmpfs.
func TestGatherFullDisk(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=4m"); err != nil {
		if os.Getenv("CI") != "" && os.Geteuid() == 0 {
			t.Fatalf("mounting a tmpfs: %v", err)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	defer syscall.Unmount(mnt, 0)
	f, err := Load(writeSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "grid": {"eta_bw": [[5], [20]]}, "seeds": [1, 2]}`))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(mnt, "sweep")
	if _, err := Init(f, dir, nil); err != nil {
		t.Fatal(err)
	}
	s, _ := Open(dir)
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Workers: 2, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Gather(ctx, nil); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	var st syscall.Statfs_t
	syscall.Statfs(mnt, &st)
	// Leave a few kilobytes: enough for sweep.csv, not for the plots.
	fill := int64(st.Bavail)*int64(st.Bsize) - 16<<10
	if err := os.WriteFile(filepath.Join(mnt, "filler"), make([]byte, fill), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = s.Gather(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "no space") {
		t.Fatalf("gather on a full disk: %v", err)
	}
	after := snapshot(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s left behind", k)
		}
	}
	os.Remove(filepath.Join(mnt, "filler"))
	if _, err := s.Gather(ctx, nil); err != nil {
		t.Fatalf("gather after the disk was freed: %v", err)
	}
}

// snapshot maps every file under dir but cells/ to its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if fi.IsDir() {
			if rel == CellsDir {
				return filepath.SkipDir
			}
			return nil
		}
		b, _ := os.ReadFile(path)
		out[rel] = string(b)
		return nil
	})
	return out
}

// sweep.csv: a list of numbers gets a numeric column per entry; a text
// value that a spreadsheet would run as a formula is made plain text; a
// comma is kept (the value quoted), so "a,b" and "a b" stay apart.
func TestCSVValues(t *testing.T) {
	values := [][]string{
		{`[10, 20, 30]`, `"=1+1"`, `"a,b"`},
		{`[5]`, `"-x"`, `"a b"`},
		{`[1e-3, 2]`, `"@sum"`, `"say \"hi\""`},
	}
	tab := &Table{Sweep: &Sweep{Index: &Index{Axes: []string{"eta_bw", "activation", "dataset_dir"}}}}
	for i, vs := range values {
		c := IndexCell{Index: i, Dir: fmt.Sprintf("cells/%d", i), Seed: 1}
		for _, v := range vs {
			c.Values = append(c.Values, json.RawMessage(v))
		}
		tab.Rows = append(tab.Rows, Row{CellStatus: CellStatus{Cell: c, State: Pending}})
	}
	rows, err := csv.NewReader(bytes.NewReader(tab.CSV())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"cell", "dir", "eta_bw", "eta_bw_0", "eta_bw_1", "eta_bw_2", "activation", "dataset_dir", "seed", "state", "status", "wall_seconds", "simulation_seconds"},
		{"0", "cells/0", "[10 20 30]", "10", "20", "30", "'=1+1", "a,b", "1", "pending", "", "", ""},
		{"1", "cells/1", "[5]", "5", "", "", "'-x", "a b", "1", "pending", "", "", ""},
		{"2", "cells/2", "[1e-3 2]", "0.001", "2", "", "'@sum", `say "hi"`, "1", "pending", "", "", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("sweep.csv:\n%q\nwant\n%q", rows, want)
	}
}

// A numeric grid axis whose positive values span a decade is drawn on a
// log scale; a narrower one, or one through zero, on a linear scale;
// variants are categories.
func TestPlotAxes(t *testing.T) {
	for _, c := range []struct {
		values []string
		log    bool
	}{
		{[]string{"5", "50"}, true},
		{[]string{"[1e-3]", "[1e-2]", "[1e-1]"}, true},
		{[]string{"5", "20"}, false},
		{[]string{"0", "10", "100"}, false},
	} {
		tab := &Table{Sweep: &Sweep{Index: &Index{Axes: []string{"eta_bw"}}}}
		var points []Point
		for _, v := range c.values {
			points = append(points, Point{Values: []json.RawMessage{json.RawMessage(v)}})
		}
		name, ticks, _, logX := tab.axis(points, 0)
		if name != "eta_bw" || ticks != nil || logX != c.log {
			t.Errorf("%v: axis %q, ticks %v, log %v; want log %v", c.values, name, ticks, logX, c.log)
		}
	}
	tab := &Table{Sweep: &Sweep{Index: &Index{Variants: []string{"bp", "fa", "pal"}}}}
	if name, ticks, _, logX := tab.axis(nil, 0); name != "variant" || !reflect.DeepEqual(ticks, []string{"bp", "fa", "pal"}) || logX {
		t.Errorf("variants: axis %q, ticks %v, log %v", name, ticks, logX)
	}
}

// A plot that cannot be drawn from a cell's files names the cell and the
// file.
func TestGatherNamesBrokenCell(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1, 2]}`)
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Workers: 1, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(s.CellDir(s.Index.Cells[1]), "results.npz")
	if err := os.WriteFile(res, []byte("not a zip file"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Gather(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PlotErr == nil || !strings.Contains(rep.PlotErr.Error(), "cell 1: ") || !strings.Contains(rep.PlotErr.Error(), res) {
		t.Errorf("plot error %v; want it to name cell 1 and %s", rep.PlotErr, res)
	}
}
