package dataset

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The published training split's fingerprints: class counts and two
// samples, compared with ==.
func TestYinYangPublishedSplits(t *testing.T) {
	tests := []struct {
		split  Split
		size   int
		counts []int
		i      int
		x      [4]float64
		class  int
	}{
		{Train, 5000, []int{1681, 1702, 1617}, 0,
			[4]float64{0.6803075385877797, 0.450499251969543, 1 - 0.6803075385877797, 1 - 0.450499251969543}, 2},
		{Train, 5000, []int{1681, 1702, 1617}, 17,
			[4]float64{0.14008401523652403, 0.5183296523637367, 0.859915984763476, 0.48167034763626326}, 1},
		{Validation, 1000, []int{316, 336, 348}, 0,
			[4]float64{0.6805727261759029, 0.3209733938933629, 0.3194272738240971, 0.6790266061066371}, 0},
		{Test, 1000, []int{350, 316, 334}, 0,
			[4]float64{0.23409664559563403, 0.4017249751828972, 0.765903354404366, 0.5982750248171028}, 2},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d", tc.split, tc.i), func(t *testing.T) {
			cfg, err := Default("yinyang", tc.split)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Load(cfg, tc.split)
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != tc.size || s.Inputs != 4 || s.Classes != 3 || len(s.X) != 4*tc.size {
				t.Fatalf("%d samples of %d inputs, %d classes, len(X) %d; want %d of 4, 3", s.Len(), s.Inputs, s.Classes, len(s.X), tc.size)
			}
			if got := s.ClassCounts(); !slices.Equal(got, tc.counts) {
				t.Errorf("class counts %v, want %v", got, tc.counts)
			}
			if got := s.Row(tc.i); !slices.Equal(got, tc.x[:]) || s.Y[tc.i] != tc.class {
				t.Errorf("sample %d = %v class %d, want %v class %d", tc.i, got, s.Y[tc.i], tc.x, tc.class)
			}
		})
	}
}

// A split is a prefix of its seed's sequence, and every sample lies in the
// disc with its mirrored coordinates.
func TestYinYangProperties(t *testing.T) {
	long, err := Load(Config{Name: "yinyang", Size: 3000, Seed: 7}, Train)
	if err != nil {
		t.Fatal(err)
	}
	short, err := Load(Config{Name: "yinyang", Size: 100, Seed: 7}, Test)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(short.X, long.X[:400]) || !slices.Equal(short.Y, long.Y[:100]) {
		t.Error("100 samples of seed 7 are not the first 100 of 3000")
	}
	for i := range long.Len() {
		r := long.Row(i)
		if math.Hypot(r[0]-0.5, r[1]-0.5) > 0.5 || r[2] != 1-r[0] || r[3] != 1-r[1] || yinYangClass(r[0], r[1]) != long.Y[i] {
			t.Fatalf("sample %d = %v, class %d: outside the disc, not mirrored or of another class", i, r, long.Y[i])
		}
	}
	for c, n := range long.ClassCounts() {
		if n < 900 || n > 1100 {
			t.Errorf("class %d has %d of 3000 samples, not about a third", c, n)
		}
	}
}

// pythonNumpy returns the python interpreter that has numpy, or skips the
// test outside CI.
func pythonNumpy(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import numpy").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("numpy is not installed; .ci/run installs python3-numpy")
	}
	t.Skip("numpy not installed")
	return ""
}

// yinYangNumpy makes Yin-Yang samples with numpy's RandomState from the
// description of the data set, for each argument "seed,size": a line
// "case", then each sample as its label and its four inputs in
// hexadecimal.
const yinYangNumpy = `
import sys
import numpy as np

def yinyang(seed, n):
    rs = np.random.RandomState(seed)
    for _ in range(n):
        goal = rs.randint(3)
        while True:
            x, y = rs.rand(2)
            if np.sqrt((x - 0.5)**2 + (y - 0.5)**2) > 0.5:
                continue
            d_right = np.sqrt((x - 0.75)**2 + (y - 0.5)**2)
            d_left = np.sqrt((x - 0.25)**2 + (y - 0.5)**2)
            if d_right < 0.1 or d_left < 0.1:
                c = 2
            elif d_right <= 0.1 or 0.1 < d_left <= 0.25 or (y > 0.5 and d_right > 0.25):
                c = 1
            else:
                c = 0
            if c == goal:
                break
        print(goal, *(float(v).hex() for v in (x, y, 1.0 - x, 1.0 - y)))

for case in sys.argv[1:]:
    seed, n = case.split(",")
    print("case")
    yinyang(int(seed), int(n))
`

// barsNumpy makes bars samples with numpy's RandomState from the
// description of the data set, for each argument "seed,per_class,noise":
// a line "case", then each sample as its label and its nine pixels in
// hexadecimal.
const barsNumpy = `
import sys
import numpy as np

rows = []
for r in (2, 1, 0):
    p = np.zeros((3, 3))
    p[r, :] = 1
    rows.append(p)
patterns = [rows, [p.T for p in rows], [np.eye(3), np.eye(3)[::-1]]]

def bars(seed, per_class, noise):
    rs = np.random.RandomState(seed)
    x, y = [], []
    for c, ps in enumerate(patterns):
        for k in range(per_class):
            x.append(ps[k % len(ps)].flatten() + rs.rand(9) * noise)
            y.append(c)
    order = np.arange(len(y))
    rs.shuffle(order)
    x = np.clip(np.array(x)[order], 0.0, 1.0)
    y = np.array(y)[order]
    for label, row in zip(y, x):
        print(label, *(float(v).hex() for v in row))

for case in sys.argv[1:]:
    seed, per_class, noise = case.split(",")
    print("case")
    bars(int(seed), int(per_class), float(noise))
`

// numpySet is the samples of one case that a numpy script printed.
type numpySet struct {
	x []float64
	y []int
}

// runNumpy runs a script with numpy, one case per argument, and reads the
// samples it prints for each case.
func runNumpy(t *testing.T, script string, inputs int, cases ...string) []numpySet {
	t.Helper()
	py := pythonNumpy(t)
	out, err := exec.Command(py, append([]string{"-c", script}, cases...)...).Output()
	if err != nil {
		t.Fatalf("python %v: %v", cases, err)
	}
	var sets []numpySet
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "case" {
			sets = append(sets, numpySet{})
			continue
		}
		f := strings.Fields(line)
		if len(sets) == 0 || len(f) != 1+inputs {
			t.Fatalf("python printed %q", line)
		}
		s := &sets[len(sets)-1]
		label, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatal(err)
		}
		s.y = append(s.y, label)
		for _, v := range f[1:] {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			s.x = append(s.x, x)
		}
	}
	if len(sets) != len(cases) {
		t.Fatalf("python printed %d cases, not %d", len(sets), len(cases))
	}
	return sets
}

// sameBits reports the first sample where the two sets differ in a bit.
func sameBits(t *testing.T, gotX, wantX []float64, gotY, wantY []int, inputs int) {
	t.Helper()
	if len(gotY) != len(wantY) || len(gotX) != len(wantX) {
		t.Fatalf("%d samples, numpy %d", len(gotY), len(wantY))
	}
	for i := range gotY {
		for j := range inputs {
			k := i*inputs + j
			if math.Float64bits(gotX[k]) != math.Float64bits(wantX[k]) || gotY[i] != wantY[i] {
				t.Fatalf("sample %d: %v class %d, numpy %v class %d", i,
					gotX[i*inputs:(i+1)*inputs], gotY[i], wantX[i*inputs:(i+1)*inputs], wantY[i])
			}
		}
	}
}

// Other seeds and sizes than the published ones, bit for bit against
// numpy: the GeNN port's data seeds among them.
func TestYinYangMatchesNumpy(t *testing.T) {
	tests := []struct {
		seed int64
		size int
	}{
		{0, 50}, {1, 333}, {9876543, 6000}, {9876544, 900}, {4294967295, 200},
	}
	var cases []string
	for _, tc := range tests {
		cases = append(cases, fmt.Sprintf("%d,%d", tc.seed, tc.size))
	}
	want := runNumpy(t, yinYangNumpy, 4, cases...)
	for i, tc := range tests {
		t.Run(fmt.Sprint(tc.seed), func(t *testing.T) {
			s, err := Load(Config{Name: "yinyang", Size: tc.size, Seed: tc.seed}, Train)
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, s.X, want[i].x, s.Y, want[i].y, 4)
		})
	}
}

func TestBarsMatchesNumpy(t *testing.T) {
	tests := []struct {
		seed     int64
		perClass int
		noise    float64
	}{
		{42, 100, 0.1}, {210, 20, 0.1}, {3, 7, 0.5}, {5, 4, 0}, {9, 5, 2.5},
	}
	var cases []string
	for _, tc := range tests {
		cases = append(cases, fmt.Sprintf("%d,%d,%v", tc.seed, tc.perClass, tc.noise))
	}
	want := runNumpy(t, barsNumpy, 9, cases...)
	for i, tc := range tests {
		t.Run(fmt.Sprint(tc.seed), func(t *testing.T) {
			s, err := Load(Config{Name: "bars", Size: 3 * tc.perClass, Seed: tc.seed, Noise: tc.noise}, Validation)
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, s.X, want[i].x, s.Y, want[i].y, 9)
		})
	}
}

// The GeNN port's BarsDataset(3, samples_per_class=4, noise_level=0.1,
// seed=42), then numpy's shuffle of the indices with the same generator and
// clipping: these labels and first sample.
func TestBarsGolden(t *testing.T) {
	s, err := Load(Config{Name: "bars", Size: 12, Seed: 42, Noise: 0.1}, Train)
	if err != nil {
		t.Fatal(err)
	}
	wantY := []int{1, 2, 0, 2, 1, 2, 0, 2, 1, 0, 1, 0}
	want0 := []float64{0.035675332669358926, 0.02809345096873808, 1, 0.014092422497476265, 0.08021969807540397, 1,
		0.09868869366005173, 0.07722447692966575, 1}
	if !slices.Equal(s.Y, wantY) || !slices.Equal(s.Row(0), want0) {
		t.Errorf("labels %v, sample 0 %v; want %v, %v", s.Y, s.Row(0), wantY, want0)
	}
}

// Every sample is its class's pattern with on pixels at 1 and off pixels
// in [0, Noise), the classes have Size/3 samples each, and the patterns of
// a class take turns.
func TestBarsProperties(t *testing.T) {
	for _, noise := range []float64{0, 0.1, 0.9} {
		t.Run(fmt.Sprint(noise), func(t *testing.T) {
			s, err := Load(Config{Name: "bars", Size: 600, Seed: 11, Noise: noise}, Train)
			if err != nil {
				t.Fatal(err)
			}
			if s.Inputs != 9 || s.Classes != 3 || len(s.X) != 9*600 || !slices.Equal(s.ClassCounts(), []int{200, 200, 200}) {
				t.Fatalf("inputs %d, classes %d, len(X) %d, counts %v", s.Inputs, s.Classes, len(s.X), s.ClassCounts())
			}
			seen := make([]map[int]int, 3)
			for i := range s.Len() {
				r, c := s.Row(i), s.Y[i]
				k := slices.IndexFunc(barPatterns[c], func(p [9]float64) bool {
					for j, v := range r {
						if p[j] == 1 && v != 1 || p[j] == 0 && !(v >= 0 && (v < noise || v == 0)) {
							return false
						}
					}
					return true
				})
				if k < 0 {
					t.Fatalf("sample %d = %v is no pattern of class %d with noise %v", i, r, c, noise)
				}
				if seen[c] == nil {
					seen[c] = map[int]int{}
				}
				seen[c][k]++
			}
			for c, ps := range barPatterns {
				for k := range ps {
					if n, want := seen[c][k], 200/len(ps); n < want || n > want+1 {
						t.Errorf("class %d pattern %d: %d samples, want %d or %d", c, k, n, want, want+1)
					}
				}
			}
		})
	}
}
