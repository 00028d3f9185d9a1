// Package store writes and reads palmc's files: results.npz with the key
// layout of the published reference recordings, model files with the full
// state of every network, and the atomic file replacement they share.
//
// Arrays are written with github.com/sbinet/npyio, so numpy.load opens them.
package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"unsafe"

	"github.com/sbinet/npyio/npz"
)

// Array is an n-dimensional float64 array in row-major order.
type Array struct {
	Shape []int
	Data  []float64
}

// typed returns a value whose npy encoding has the shape of a: a []float64
// for 0 or 1 dimensions, otherwise a slice of nested fixed-size arrays that
// shares a.Data.
func (a Array) typed() any {
	if len(a.Shape) == 0 {
		return a.Data[0]
	}
	if len(a.Shape) == 1 {
		return a.Data
	}
	t := reflect.TypeFor[float64]()
	for i := len(a.Shape) - 1; i >= 1; i-- {
		t = reflect.ArrayOf(a.Shape[i], t)
	}
	if a.Shape[0] == 0 || len(a.Data) == 0 {
		return reflect.MakeSlice(reflect.SliceOf(t), 0, 0).Interface()
	}
	return reflect.SliceAt(t, unsafe.Pointer(&a.Data[0]), a.Shape[0]).Interface()
}

// Entry is one key of an npz file: a float64 array or an int64 scalar.
type Entry struct {
	Key   string
	Array *Array
	Int   *int64
}

// WriteNPZ writes the entries to path atomically (SPEC-compatible .npz:
// one .npy per key, key names without the .npy suffix as numpy shows them).
func WriteNPZ(path string, entries []Entry) error {
	return WriteAtomic(path, func(w io.Writer) error {
		z := npz.NewWriter(w)
		for _, e := range entries {
			var v any
			switch {
			case e.Array != nil:
				v = e.Array.typed()
			case e.Int != nil:
				v = *e.Int
			default:
				return fmt.Errorf("store: entry %q has no value", e.Key)
			}
			if err := z.Write(e.Key, v); err != nil {
				return fmt.Errorf("store: writing %q: %w", e.Key, err)
			}
		}
		return z.Close()
	})
}

// ReadNPZ reads every float64 and int64 array of an npz file.
func ReadNPZ(path string) (map[string]Array, error) {
	f, err := npz.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]Array{}
	keys := f.Keys()
	sort.Strings(keys)
	for _, k := range keys {
		h := f.Header(k)
		name := k
		if filepath.Ext(name) == ".npy" {
			name = name[:len(name)-4]
		}
		shape := append([]int(nil), h.Descr.Shape...)
		switch h.Descr.Type {
		case "<f8":
			var data []float64
			if err := f.Read(k, &data); err != nil {
				return nil, fmt.Errorf("store: %s: %s: %w", path, k, err)
			}
			out[name] = Array{Shape: shape, Data: data}
		case "<i8":
			var data []int64
			if err := f.Read(k, &data); err != nil {
				return nil, fmt.Errorf("store: %s: %s: %w", path, k, err)
			}
			fd := make([]float64, len(data))
			for i, v := range data {
				fd[i] = float64(v)
			}
			out[name] = Array{Shape: shape, Data: fd}
		default:
			return nil, fmt.Errorf("store: %s: %s: unsupported dtype %s", path, k, h.Descr.Type)
		}
	}
	return out, nil
}

// WriteAtomic writes a file through a temporary file in the same folder and
// renames it into place, so that a crash never leaves a truncated file
// where a good one was.
func WriteAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
