package main

import (
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

func pngFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range m {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	return names
}

// checkPNGs asserts that every file decodes as a non-trivial PNG.
func checkPNGs(t *testing.T, dir string, names []string) {
	t.Helper()
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
			t.Errorf("%s: %v is too small", n, b)
		}
	}
}

// A run leaves one plot per recorded variable and layer; --load and
// palmc plot draw the same files again from the saved run, without
// simulating (results and model are left untouched).
func TestRunFolderPlotsAndReload(t *testing.T) {
	dir := copyCase(t, "pal_fw_tiny")
	if code, stderr := palmc(t, append(caseArgs(t, dir), "--workers", "2")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	plots := filepath.Join(dir, "plots")
	names := pngFiles(t, plots)
	// pal_fw_tiny records every variable of a [1,1,1] PAL network with the
	// angles: one plot per variable and layer, BPI+BPP, and angle means.
	want := []string{"MSE.png", "error.png", "input.png", "target_0.png", "WPP_0.png", "WPP_1.png",
		"WIP_0.png", "BPP_0.png", "BPI_0.png", "BPI+BPP_0.png", "dWPP_0.png", "dWPP_1.png", "dWIP_0.png",
		"dBPP_0.png", "dBPI_0.png", "uP_0.png", "uP_1.png", "uP_breve_0.png", "uP_breve_1.png",
		"rP_breve_0.png", "rP_breve_1.png", "rP_breve_HI_0.png", "rP_breve_HI_1.png", "uI_0.png",
		"uI_breve_0.png", "rI_breve_0.png", "vbas_0.png", "vbas_1.png", "vapi_0.png", "vapi_noise_0.png",
		"noise_0.png", "noise_1.png", "epsilon_0.png", "epsilon_LO_0.png", "lat_mismatch_0.png",
		"angle_WPPT_BPP_0.png", "angle_WPPT_BPP_0_mean.png", "angle_BPP_RHS_0.png",
		"angle_BPP_RHS_0_mean.png", "angle_jacobians_BP_0.png", "angle_jacobians_BP_0_mean.png"}
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("plots:\n got %v\nwant %v", names, want)
	}
	checkPNGs(t, plots, names)
	for _, f := range []string{"results.npz", "model.npz", "summary.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}

	stamp := func() (time.Time, time.Time) {
		r, _ := os.Stat(filepath.Join(dir, "results.npz"))
		m, _ := os.Stat(filepath.Join(dir, "model.npz"))
		return r.ModTime(), m.ModTime()
	}
	r0, m0 := stamp()
	for _, args := range [][]string{
		{"run", "--params", filepath.Join(dir, "params.json"), "--task", "fw_bw", "--load", filepath.Join(dir, "model.npz")},
		{"plot", dir},
	} {
		if err := os.RemoveAll(plots); err != nil {
			t.Fatal(err)
		}
		code, stderr := palmc(t, args...)
		if code != 0 {
			t.Fatalf("palmc %v: exit %d: %s", args, code, stderr)
		}
		again := pngFiles(t, plots)
		if strings.Join(again, " ") != strings.Join(names, " ") {
			t.Errorf("palmc %v drew %v, the run drew %v", args, again, names)
		}
		checkPNGs(t, plots, again)
		if r, m := stamp(); !r.Equal(r0) || !m.Equal(m0) {
			t.Errorf("palmc %v rewrote results.npz or model.npz", args)
		}
		if strings.Contains(stderr, "step ") {
			t.Errorf("palmc %v simulated: %s", args, stderr)
		}
	}

	// Vector figures: palmc plot --format and palmc figure --format/--out.
	code, stderr := palmc(t, "plot", "--format", "svg", dir)
	if code != 0 {
		t.Fatalf("plot --format svg: exit %d: %s", code, stderr)
	}
	for _, n := range names {
		svg := strings.TrimSuffix(n, ".png") + ".svg"
		if b, err := os.ReadFile(filepath.Join(plots, svg)); err != nil || !strings.HasPrefix(string(b), "<?xml") {
			t.Errorf("%s: %v", svg, err)
		}
	}
	// The figures need runs of their own kinds: a bw_only run with the
	// angles for Fig. 3, fw_bw runs of BP, FA and PAL for Fig. 4.
	bw := t.TempDir()
	if code, stderr := palmc(t, "run", "--params", writeParams(t, "pal_fw_tiny", bw, nil), "--task", "bw_only", "--compare", "BP", "--quiet"); code != 0 {
		t.Fatalf("bw_only run: %s", stderr)
	}
	var fw []string
	for _, model := range []string{"BP", "FA", "PAL"} {
		d := filepath.Join(t.TempDir(), model)
		if code, stderr := palmc(t, "run", "--params", writeParams(t, "pal_fw_tiny", d, map[string]any{"model_type": model}), "--task", "fw_bw", "--quiet"); code != 0 {
			t.Fatalf("%s run: %s", model, stderr)
		}
		fw = append(fw, d)
	}
	// The temporary file of a palmc killed while drawing fig3.png goes with
	// the next fig3.png; one that a palmc still draws into (locked) stays,
	// and so do files of other names and links.
	stale := filepath.Join(bw, ".fig3.png.palmc-figure-123.png")
	live := filepath.Join(bw, ".fig3.png.palmc-figure-456.png")
	other := filepath.Join(bw, ".4000000-fig3.png")
	link := filepath.Join(bw, ".fig3.png.palmc-figure-789.png")
	for _, f := range []string{stale, live, other} {
		if err := os.WriteFile(f, []byte("half a figure"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(other, link); err != nil {
		t.Fatal(err)
	}
	held, err := os.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		file string
	}{
		{[]string{"figure", "fig3", bw, "--format", "pdf"}, filepath.Join(bw, "fig3.pdf")},
		{[]string{"figure", "fig4", fw[0], fw[1], fw[2], "--out", filepath.Join(dir, "f4.svg")}, filepath.Join(dir, "f4.svg")},
		{[]string{"figure", "fig3", bw}, filepath.Join(bw, "fig3.png")},
	} {
		if code, stderr := palmc(t, c.args...); code != 0 {
			t.Errorf("palmc %v: exit %d: %s", c.args, code, stderr)
		}
		if st, err := os.Stat(c.file); err != nil || st.Size() == 0 {
			t.Errorf("palmc %v: %v", c.args, err)
		}
	}
	if exists(stale) || !exists(live) || !exists(other) || !exists(link) {
		t.Errorf("after fig3.png: stale temporary file there %v, locked one %v, another file %v, a link %v",
			exists(stale), exists(live), exists(other), exists(link))
	}
	for _, args := range [][]string{
		{"figure", "fig3", dir, "--format", "jpg"},
		{"figure", "fig3", dir, "--out", filepath.Join(dir, "f.svg"), "--format", "pdf"},
		{"figure", "fig3", dir, "--out", filepath.Join(dir, "f.eps")},
		{"plot", "--format", "eps", dir},
	} {
		if code, _ := palmc(t, args...); code != 2 {
			t.Errorf("palmc %v: exit %d, want 2", args, code)
		}
	}
}
