package dataset

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// Files is the name of a data set of one's own: three npz files, one per
// split, each with the keys x (samples × inputs) and y (labels), as palmc
// data writes them (Config.Files names them).
const Files = "files"

// Described is what DescribeFiles finds in the three files of a Files data
// set.
type Described struct {
	// Inputs is the number of values per sample, the same in every file.
	Inputs int
	// Classes is the largest label of the three files plus one.
	Classes int
	// Sizes are the numbers of samples of train, validation and test.
	Sizes [3]int
}

// DescribeFiles reads the headers of x and the labels y of the three npz
// files (train, validation, test) without the samples, and checks them:
// x two-dimensional and of a float type, the same number of inputs
// everywhere, y one label per sample, integers >= 0. Its errors name the
// file.
func DescribeFiles(paths [3]string) (Described, error) {
	var d Described
	for i, path := range paths {
		inputs, y, err := readFile(path)
		if err != nil {
			return d, err
		}
		if i > 0 && inputs != d.Inputs {
			return d, fmt.Errorf("dataset: %s: x has %d inputs per sample, %s has %d", path, inputs, paths[0], d.Inputs)
		}
		d.Inputs = inputs
		d.Sizes[i] = len(y)
		for _, c := range y {
			d.Classes = max(d.Classes, c+1)
		}
	}
	return d, nil
}

// loadFiles reads the split's file of a Files data set: its first cfg.Size
// samples (0: all). Its classes are those of all three files.
func loadFiles(cfg Config, split Split) (*Set, error) {
	i, err := splitIndex(Files, split)
	if err != nil {
		return nil, err
	}
	d, err := DescribeFiles(cfg.Files)
	if err != nil {
		return nil, err
	}
	size := cfg.Size
	switch {
	case size < 0:
		return nil, &ConfigError{Name: Files, Field: "Size", Msg: fmt.Sprintf("%d is negative", size)}
	case size > d.Sizes[i]:
		return nil, &ConfigError{Name: Files, Field: "Size", Msg: fmt.Sprintf("%d is larger than the %s split (%d samples in %s)", size, split, d.Sizes[i], cfg.Files[i])}
	case size == 0:
		size = d.Sizes[i]
	}
	r, err := npz.Open(cfg.Files[i])
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", cfg.Files[i], err)
	}
	defer r.Close()
	x, err := readX(r, cfg.Files[i])
	if err != nil {
		return nil, err
	}
	_, y, err := readFile(cfg.Files[i])
	if err != nil {
		return nil, err
	}
	for j, v := range x[:size*d.Inputs] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("dataset: %s: x[%d, %d] is %v: inputs must be finite rates", cfg.Files[i], j/d.Inputs, j%d.Inputs, v)
		}
	}
	return &Set{Name: Files, Split: split, Inputs: d.Inputs, Classes: d.Classes,
		X: x[: size*d.Inputs : size*d.Inputs], Y: y[:size:size], Dir: cfg.Files[i]}, nil
}

// readFile checks the file at path and returns its number of inputs and
// its labels. It reads x's header only.
func readFile(path string) (int, []int, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("dataset: %s: "+format, append([]any{path}, args...)...)
	}
	if path == "" {
		return 0, nil, errors.New("dataset: files: a file name is empty")
	}
	if st, err := os.Stat(path); err != nil {
		return 0, nil, fmt.Errorf("dataset: %w", err)
	} else if st.IsDir() {
		return 0, nil, fail("is a folder, not an npz file")
	}
	r, err := npz.Open(path)
	if err != nil {
		return 0, nil, fail("not an npz file with keys x and y: %v", err)
	}
	defer r.Close()
	hx, _ := header(r, "x")
	hy, ky := header(r, "y")
	switch {
	case hx == nil || hy == nil:
		return 0, nil, fail("needs the keys x (samples × inputs) and y (labels); it has %s", strings.Join(r.Keys(), ", "))
	case hx.Descr.Fortran || hy.Descr.Fortran:
		return 0, nil, fail("Fortran-ordered arrays are not read (numpy.ascontiguousarray first)")
	case len(hx.Descr.Shape) != 2:
		return 0, nil, fail("x has shape %v; it must be samples × inputs", hx.Descr.Shape)
	case len(hy.Descr.Shape) != 1:
		return 0, nil, fail("y has shape %v; it must hold one label per sample", hy.Descr.Shape)
	case hx.Descr.Shape[0] != hy.Descr.Shape[0]:
		return 0, nil, fail("x has %d samples, y %d labels", hx.Descr.Shape[0], hy.Descr.Shape[0])
	case hx.Descr.Shape[0] == 0 || hx.Descr.Shape[1] == 0:
		return 0, nil, fail("x has shape %v: no samples or no inputs", hx.Descr.Shape)
	case hx.Descr.Type != "<f8" && hx.Descr.Type != "<f4":
		return 0, nil, fail("x has dtype %s; it must be float64 or float32", hx.Descr.Type)
	}
	var y []int
	switch hy.Descr.Type {
	case "<i8":
		var v []int64
		err = r.Read(ky, &v)
		y = ints(v)
	case "<i4":
		var v []int32
		err = r.Read(ky, &v)
		y = ints(v)
	case "|u1":
		var v []uint8
		err = r.Read(ky, &v)
		y = ints(v)
	default:
		return 0, nil, fail("y has dtype %s; it must be int64, int32 or uint8", hy.Descr.Type)
	}
	if err != nil {
		return 0, nil, fail("y: %v", err)
	}
	for j, c := range y {
		if c < 0 {
			return 0, nil, fail("y[%d] = %d: labels must be >= 0", j, c)
		}
	}
	return hx.Descr.Shape[1], y, nil
}

// readX reads x of an npz file as float64.
func readX(r *npz.Reader, path string) ([]float64, error) {
	h, key := header(r, "x")
	var x []float64
	var err error
	if h.Descr.Type == "<f4" {
		var v []float32
		err = r.Read(key, &v)
		x = make([]float64, len(v))
		for i, f := range v {
			x[i] = float64(f)
		}
	} else {
		err = r.Read(key, &x)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: x: %w", path, err)
	}
	return x, nil
}

// header returns the header of the member name (as numpy.savez names it,
// name.npy, or plain), and the key it has in r.
func header(r *npz.Reader, name string) (*npy.Header, string) {
	for _, k := range []string{name + ".npy", name} {
		for _, have := range r.Keys() {
			if have == k {
				return r.Header(k), k
			}
		}
	}
	return nil, ""
}

func ints[T int64 | int32 | uint8](v []T) []int {
	out := make([]int, len(v))
	for i, x := range v {
		if int64(x) > math.MaxInt32 {
			out[i] = math.MaxInt32 // refused as a class count by the caller
			continue
		}
		out[i] = int(x)
	}
	return out
}
