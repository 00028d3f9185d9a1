package main

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// describeNPZ prints what numpy sees in a palmc data file.
const describeNPZ = `
import json, sys
import numpy as np

d = np.load(sys.argv[1])
x, y = d["x"], d["y"]
print(json.dumps({"keys": sorted(d.files), "x_dtype": str(x.dtype), "x_shape": x.shape, "y_dtype": str(y.dtype),
                  "y_shape": y.shape, "counts": np.bincount(y).tolist(), "x0": x[0].tolist(), "max": float(x.max())}))
`

// npzSeen is what numpy sees in a palmc data file.
type npzSeen struct {
	Keys   []string
	XDtype string `json:"x_dtype"`
	XShape []int  `json:"x_shape"`
	YDtype string `json:"y_dtype"`
	YShape []int  `json:"y_shape"`
	Counts []int
	X0     []float64
	Max    float64
}

// palmc data writes files that numpy opens: x float64 samples × inputs,
// y int64 labels.
func TestDataOpensInNumpy(t *testing.T) {
	py := numpy(t)
	dir := t.TempDir()
	tests := []struct {
		args   []string
		shape  []int // of x
		counts []int
		x0     []float64 // nil: not checked
		max    float64   // largest input, 0: not checked
	}{
		{[]string{"yinyang"}, []int{5000, 4}, []int{1681, 1702, 1617},
			[]float64{0.6803075385877797, 0.450499251969543, 0.3196924614122203, 0.549500748030457}, 0},
		{[]string{"yinyang", "--split", "validation", "--size", "30", "--seed", "9876544"}, []int{30, 4}, nil, nil, 0},
		{[]string{"bars", "--split", "test", "--noise", "0"}, []int{60, 9}, []int{20, 20, 20}, nil, 1},
		{[]string{"mnist", "--split", "test", "--size", "100"}, []int{100, 784}, nil, nil, 255.0 / 256},
	}
	for i, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out := filepath.Join(dir, "sub", string(rune('a'+i))+".npz")
			if code, msg := palmc(t, append([]string{"data", "--out", out}, tc.args...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, msg)
			}
			b, err := exec.Command(py, "-c", describeNPZ, out).Output()
			if err != nil {
				t.Fatal(err)
			}
			var seen npzSeen
			if err := json.Unmarshal(b, &seen); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(seen.Keys, []string{"x", "y"}) || seen.XDtype != "float64" || !slices.Equal(seen.XShape, tc.shape) ||
				seen.YDtype != "int64" || !slices.Equal(seen.YShape, tc.shape[:1]) {
				t.Errorf("numpy sees keys %v, x %s %v, y %s %v; want x, y, x float64 %v, y int64 %v",
					seen.Keys, seen.XDtype, seen.XShape, seen.YDtype, seen.YShape, tc.shape, tc.shape[:1])
			}
			if tc.counts != nil && !slices.Equal(seen.Counts, tc.counts) {
				t.Errorf("class counts %v, want %v", seen.Counts, tc.counts)
			}
			if tc.x0 != nil && !slices.Equal(seen.X0, tc.x0) {
				t.Errorf("x[0] = %v, want %v", seen.X0, tc.x0)
			}
			if tc.max != 0 && seen.Max != tc.max {
				t.Errorf("largest input %v, want %v", seen.Max, tc.max)
			}
		})
	}
}

// Bad usage exits with 2 and says what was wrong; a damaged data file
// exits with 1 and names the file.
func TestDataErrors(t *testing.T) {
	t.Setenv("PALMC_DATA", "")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.npz")
	exists := filepath.Join(dir, "exists.npz")
	os.WriteFile(exists, []byte("mine"), 0o644)
	empty := t.TempDir()
	// damaged holds t10k files whose images file ends after its header.
	damaged := t.TempDir()
	images := binary.BigEndian.AppendUint32(nil, 0x803)
	for _, v := range []uint32{10000, 28, 28} {
		images = binary.BigEndian.AppendUint32(images, v)
	}
	labels := binary.BigEndian.AppendUint32(nil, 0x801)
	labels = binary.BigEndian.AppendUint32(labels, 10000)
	labels = append(labels, make([]byte, 10000)...)
	os.WriteFile(filepath.Join(damaged, "t10k-images-idx3-ubyte"), images, 0o644)
	os.WriteFile(filepath.Join(damaged, "t10k-labels-idx1-ubyte"), labels, 0o644)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"data"}, 2, "name one data set (yinyang, mnist, fashion-mnist, bars)"},
		{[]string{"data", "cifar", "--out", out}, 2, `"cifar" is not a data set (yinyang, mnist, fashion-mnist, bars)`},
		{[]string{"data", "yinyang", "--split", "dev", "--out", out}, 2, `--split "dev": not train, validation or test`},
		{[]string{"data", "yinyang"}, 2, "--out FILE.npz is required"},
		{[]string{"data", "yinyang", "--size", "-1", "--out", out}, 2, "--size -1: yinyang train takes 1 to 1000000 samples"},
		{[]string{"data", "yinyang", "--size", "0", "--out", out}, 2, "--size 0"},
		{[]string{"data", "yinyang", "--size", "1e12", "--out", out}, 2, `invalid argument "1e12" for "--size"`},
		{[]string{"data", "yinyang", "--size", "99999999999999999999", "--out", out}, 2, `invalid argument`},
		{[]string{"data", "mnist", "--size", "50001", "--out", out}, 2, "--size 50001: mnist train takes 1 to 50000 samples"},
		{[]string{"data", "bars", "--size", "10", "--out", out}, 2, "Size 10 is not a multiple of 3"},
		{[]string{"data", "yinyang", "--seed", "-1", "--out", out}, 2, "Seed -1 is outside [0, 4294967295]"},
		{[]string{"data", "bars", "--seed", "4294967296", "--out", out}, 2, "Seed 4294967296 is outside"},
		{[]string{"data", "mnist", "--seed", "1", "--out", out}, 2, "--seed: mnist is read from files"},
		{[]string{"data", "yinyang", "--noise", "0.2", "--out", out}, 2, "--noise: only bars"},
		{[]string{"data", "bars", "--noise", "NaN", "--out", out}, 2, "Noise NaN is not a finite number"},
		{[]string{"data", "bars", "--noise", "-1", "--out", out}, 2, "Noise -1 is not a finite number"},
		{[]string{"data", "yinyang", "--dir", empty, "--out", out}, 2, "--dir: yinyang is generated"},
		{[]string{"data", "mnist", "--dir", empty, "--out", out}, 2, empty + " (the folder given): no train-images-idx3-ubyte[.gz]"},
		{[]string{"data", "mnist", "--dir", exists, "--out", out}, 2, exists + " (the folder given): not a folder"},
		{[]string{"data", "mnist", "--split", "test", "--dir", damaged, "--out", out}, 2,
			filepath.Join(damaged, "t10k-images-idx3-ubyte") + ": truncated"},
		{[]string{"data", "yinyang", "--out", exists}, 2, "--out " + exists + " exists; --force replaces it"},
		{[]string{"data", "yinyang", "--out", dir, "--force"}, 2, "is a folder"},
		{[]string{"data", "yinyang", "--out", filepath.Join(exists, "x.npz")}, 2, "--out"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			code, msg := palmc(t, tc.args...)
			if code != tc.code || !strings.Contains(msg, tc.want) {
				t.Errorf("exit %d: %s\nwant exit %d: ...%s", code, msg, tc.code, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written", out)
			}
		})
	}
	if b, _ := os.ReadFile(exists); string(b) != "mine" {
		t.Error("an existing --out was replaced without --force")
	}
	if code, msg := palmc(t, "data", "bars", "--out", exists, "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, msg)
	}
}
