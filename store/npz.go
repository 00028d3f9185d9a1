// Package store writes and reads palmc's files: results.npz with the key
// layout of the published reference recordings, model files with the full
// state of every network, and the atomic file replacement they share.
//
// Arrays are written with github.com/sbinet/npyio, so numpy.load opens them.
package store

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"unsafe"

	"github.com/sbinet/npyio/npy"
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

// Entry is one key of an npz file. Value is an Array, an int64, a string
// (stored as UTF-8 bytes, dtype uint8),
// a []uint32, a []int64 (a vector of dtype int64, such as class labels),
// or a func() *Array that makes a large array only when it is
// written, so that such arrays are not all in memory at once.
type Entry struct {
	Key   string
	Value any
}

// WriteNPZ writes the entries to path atomically; numpy.load opens the file
// and shows the keys as given.
func WriteNPZ(path string, entries []Entry) error {
	return WriteAtomic(path, func(w io.Writer) error {
		z := npz.NewWriter(w)
		for _, e := range entries {
			v := e.Value
			if f, ok := v.(func() *Array); ok {
				v = f()
			}
			switch a := v.(type) {
			case Array:
				v = a.typed()
			case *Array:
				v = a.typed()
			case string:
				// Text is stored as UTF-8 bytes: numpy reads it with
				// bytes(a).decode(); npyio's own string type is not readable
				// by numpy.
				v = []uint8(a)
			case int64, []uint32, []int64:
			default:
				return fmt.Errorf("store: entry %q has unsupported type %T", e.Key, e.Value)
			}
			if err := z.Write(e.Key, v); err != nil {
				return fmt.Errorf("store: writing %q: %w", e.Key, err)
			}
		}
		return z.Close()
	})
}

// ReadNPZ reads every numeric array of an npz file (float64, int64 and
// uint32, all returned as float64, which holds them exactly).
func ReadNPZ(path string) (map[string]Array, error) {
	arrays, _, err := readNPZ(path, nil)
	return arrays, err
}

// ReadRecorded reads the recorded series of a results.npz, leaving out the
// stimulus, the target sequence and the final state, which can be large
// and are not needed to draw the recordings.
func ReadRecorded(path string) (map[string]Array, error) {
	arrays, _, err := readNPZ(path, func(k string) bool {
		return !strings.HasSuffix(k, "/stimulus") && !strings.HasSuffix(k, "/target_sequence") && !strings.Contains(k, "/final_")
	})
	return arrays, err
}

// readNPZ reads the numeric arrays and the strings of an npz file, those
// whose key keep accepts (all with a nil keep).
func readNPZ(path string, keep func(string) bool) (map[string]Array, map[string]string, error) {
	f, err := npz.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	arrays, texts := map[string]Array{}, map[string]string{}
	keys := f.Keys()
	sort.Strings(keys)
	for _, k := range keys {
		name := strings.TrimSuffix(k, ".npy")
		if keep != nil && !keep(name) {
			continue
		}
		fail := func(err error) error { return fmt.Errorf("store: %s: %s: %w", path, name, err) }
		// npyio's npz reader reads compressed members with single Read
		// calls and can come back short; read each member whole first.
		rc, err := f.Open(k)
		if err != nil {
			return nil, nil, fail(err)
		}
		raw, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, nil, fail(err)
		}
		r, err := npy.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, nil, fail(err)
		}
		shape := append([]int(nil), r.Header.Descr.Shape...)
		switch typ := r.Header.Descr.Type; {
		case typ == "<f8":
			var data []float64
			if err := r.Read(&data); err != nil {
				return nil, nil, fail(err)
			}
			arrays[name] = Array{Shape: shape, Data: data}
		case typ == "<i8":
			var data []int64
			if err := r.Read(&data); err != nil {
				return nil, nil, fail(err)
			}
			arrays[name] = Array{Shape: shape, Data: floats(data)}
		case typ == "<u4":
			var data []uint32
			if err := r.Read(&data); err != nil {
				return nil, nil, fail(err)
			}
			arrays[name] = Array{Shape: shape, Data: floats(data)}
		case typ == "|u1":
			var data []uint8
			if err := r.Read(&data); err != nil {
				return nil, nil, fail(err)
			}
			texts[name] = string(data)
		default:
			return nil, nil, fail(fmt.Errorf("unsupported dtype %s", typ))
		}
	}
	return arrays, texts, nil
}

func floats[T int64 | uint32](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
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

// Arrays returns the numeric entries as arrays by key; an int64 becomes a
// 0-dimensional array. Other entries are left out.
func Arrays(entries []Entry) map[string]Array {
	out := map[string]Array{}
	for _, e := range entries {
		v := e.Value
		if f, ok := v.(func() *Array); ok {
			v = f()
		}
		switch v := v.(type) {
		case Array:
			out[e.Key] = v
		case *Array:
			out[e.Key] = *v
		case int64:
			out[e.Key] = Array{Data: []float64{float64(v)}}
		}
	}
	return out
}
