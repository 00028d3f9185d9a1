package dataset

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"
)

// writeNPZ writes an npz file with the given members, as numpy.savez does.
func writeNPZ(t *testing.T, path string, members map[string]any) string {
	t.Helper()
	if err := npz.Write(path, members); err != nil {
		t.Fatal(err)
	}
	return path
}

func ownFiles(t *testing.T) [3]string {
	dir := t.TempDir()
	var out [3]string
	for i, n := range []int{6, 4, 2} {
		x := make([]float64, 2*n)
		y := make([]int64, n)
		for j := range y {
			x[2*j], x[2*j+1] = float64(j)/10, float64(i)
			y[j] = int64(j % 3)
		}
		out[i] = writeNPZ(t, filepath.Join(dir, string(Splits()[i])+".npz"), map[string]any{"x": x2(x, n), "y": y})
	}
	return out
}

// x2 gives x the shape n × (len/n) for npyio.
func x2(x []float64, n int) any { return mat.NewDense(n, len(x)/n, x) }

func nanValue() float64 { return math.NaN() }

func TestFilesLoad(t *testing.T) {
	files := ownFiles(t)
	d, err := DescribeFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if d != (Described{Inputs: 2, Classes: 3, Sizes: [3]int{6, 4, 2}}) {
		t.Errorf("DescribeFiles = %+v", d)
	}
	set, err := Load(Config{Name: Files, Files: files, Size: 3}, Validation)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 3 || set.Inputs != 2 || set.Classes != 3 || !reflect.DeepEqual(set.Y, []int{0, 1, 2}) ||
		!reflect.DeepEqual(set.Row(2), []float64{0.2, 1}) {
		t.Errorf("set = %+v", set)
	}
	if _, err := Load(Config{Name: Files, Files: files, Size: 5}, Validation); err == nil || !strings.Contains(err.Error(), "4 samples") {
		t.Errorf("size 5 of 4: %v", err)
	}
}

func TestFilesBad(t *testing.T) {
	dir := t.TempDir()
	good := ownFiles(t)
	text := filepath.Join(dir, "text.npz")
	os.WriteFile(text, []byte("not a zip"), 0o644)
	for _, c := range []struct {
		name    string
		members map[string]any
		want    string
	}{
		{"nokeys", map[string]any{"a": []float64{1}}, "needs the keys x"},
		{"shape", map[string]any{"x": []float64{1, 2}, "y": []int64{0, 1}}, "samples × inputs"},
		{"count", map[string]any{"x": x2([]float64{1, 2, 3, 4}, 2), "y": []int64{0, 1, 2}}, "2 samples, y 3 labels"},
		{"negative", map[string]any{"x": x2([]float64{1, 2, 3, 4}, 2), "y": []int64{0, -1}}, "y[1] = -1"},
		{"dtype", map[string]any{"x": x2([]float64{1, 2, 3, 4}, 2), "y": []float64{0, 1}}, "y has dtype <f8"},
		{"inputs", map[string]any{"x": x2([]float64{1, 2, 3}, 1), "y": []int64{0}}, "3 inputs per sample"},
	} {
		f := good
		f[1] = writeNPZ(t, filepath.Join(dir, c.name+".npz"), c.members)
		if _, err := DescribeFiles(f); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name+".npz") {
			t.Errorf("%s: %v, want %q and the file", c.name, err, c.want)
		}
	}
	for _, f := range []string{text, dir, filepath.Join(dir, "none.npz"), ""} {
		files := good
		files[2] = f
		if _, err := DescribeFiles(files); err == nil {
			t.Errorf("%q: no error", f)
		}
	}
	nan := good
	nan[0] = writeNPZ(t, filepath.Join(dir, "nan.npz"), map[string]any{"x": x2([]float64{1, nanValue()}, 1), "y": []int64{0}})
	if _, err := Load(Config{Name: Files, Files: nan}, Train); err == nil || !strings.Contains(err.Error(), "x[0, 1] is NaN") {
		t.Errorf("NaN input: %v", err)
	}
}
