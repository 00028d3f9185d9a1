// Package store writes and reads palmc's files: results.npz with the key
// layout of the published reference recordings, model files with the full
// state of every network, and the atomic file replacement they share.
//
// Arrays are written and read in numpy's .npy format (npy.go) inside zip
// files, as numpy.savez does, so numpy.load opens them. palmc writes each
// array's memory in one piece and checks a header against the bytes that
// follow before it allocates anything (the npyio package wrote value by
// value: a 1 GB checkpoint took 38 s instead of 5 s, and read whatever a
// header claimed).
package store

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"palmc/inputfile"
)

// Array is an n-dimensional float64 array in row-major order.
type Array struct {
	Shape []int
	Data  []float64
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

// WriteNPZ writes the entries to path atomically, compressed; numpy.load
// opens the file and shows the keys as given.
func WriteNPZ(path string, entries []Entry) error {
	return WriteNPZContext(context.Background(), path, entries, true)
}

// WriteNPZContext writes the entries to path atomically, compressed with
// deflate or stored as they are (much faster: for checkpoints). When ctx
// ends, it stops between two entries, removes what it wrote and returns
// ctx's error; path is then as it was.
func WriteNPZContext(ctx context.Context, path string, entries []Entry, compress bool) error {
	return WriteAtomic(path, func(w io.Writer) error {
		z := zip.NewWriter(w)
		z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		method := zip.Store
		if compress {
			method = zip.Deflate
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			m, err := z.CreateHeader(&zip.FileHeader{Name: e.Key + ".npy", Method: method})
			if err != nil {
				return err
			}
			if err := writeEntry(m, e); err != nil {
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

// ReadSelected reads the numeric arrays of an npz file whose keys (without
// ".npy") keep accepts; the others are not decompressed.
func ReadSelected(path string, keep func(key string) bool) (map[string]Array, error) {
	arrays, _, err := readNPZ(path, keep)
	return arrays, err
}

// ReadSelectedMeta is ReadSelected that also returns the text entries
// keep accepts.
func ReadSelectedMeta(path string, keep func(key string) bool) (map[string]Array, map[string]string, error) {
	return readNPZ(path, keep)
}

// ReadAll reads every numeric array and every text entry of an npz file.
func ReadAll(path string) (map[string]Array, map[string]string, error) {
	return readNPZ(path, nil)
}

// ReadRecordedMeta reads what ReadRecorded reads and the text entries
// that describe the run (keys without "/": run_id, provenance, …).
func ReadRecordedMeta(path string) (map[string]Array, map[string]string, error) {
	return readNPZ(path, func(k string) bool {
		return !strings.HasSuffix(k, "/stimulus") && !strings.HasSuffix(k, "/target_sequence") && !strings.Contains(k, "/final_")
	})
}

// readNPZ reads the numeric arrays and the strings of an npz file, those
// whose key keep accepts (all with a nil keep).
func readNPZ(path string, keep func(string) bool) (map[string]Array, map[string]string, error) {
	f, fi, err := inputfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	z, err := zip.NewReader(f, fi.Size())
	if errors.Is(err, zip.ErrFormat) {
		return nil, nil, fmt.Errorf("store: %s is not an npz file (%w)", path, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: %s: %w", path, err)
	}
	members := append([]*zip.File(nil), z.File...)
	sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
	arrays, texts := map[string]Array{}, map[string]string{}
	for _, m := range members {
		name := strings.TrimSuffix(m.Name, ".npy")
		if keep != nil && !keep(name) {
			continue
		}
		if _, dup := arrays[name]; dup {
			return nil, nil, fmt.Errorf("store: %s: %s appears twice", path, name)
		}
		fail := func(err error) error { return fmt.Errorf("store: %s: %s: %w", path, name, err) }
		rc, err := m.Open()
		if err != nil {
			return nil, nil, fail(err)
		}
		a, text, isText, err := readNPY(rc, m.UncompressedSize64)
		if err == nil {
			// The zip reader checks a member's CRC-32 only on reaching its
			// end: read on to it, so that a damaged member is refused.
			var one [1]byte
			if n, end := rc.Read(one[:]); n > 0 {
				err = fmt.Errorf("more bytes than its header says")
			} else if end != io.EOF {
				err = end
			}
		}
		rc.Close()
		if err != nil {
			return nil, nil, fail(err)
		}
		if isText {
			texts[name] = text
		} else {
			arrays[name] = a
		}
	}
	return arrays, texts, nil
}

func floats[T int | int64 | uint32](v []T) []float64 {
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
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+TempMark+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file readable by its owner only; a result is
	// for colleagues too, as the umask says.
	if err = tmp.Chmod(FileMode); err != nil {
		return err
	}
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

// TempMark is part of the name of every temporary file that WriteAtomic
// makes: ".<name>.tmp<random>", in the folder of the file it replaces. A
// killed write leaves one behind; it is never a finished file.
const TempMark = ".tmp"

// FileMode and DirMode are the permissions of new files and folders under
// the process's umask (0644 and 0755 with the usual umask 022).
var FileMode, DirMode os.FileMode

func init() {
	// Read before any goroutine can create files: setting and restoring
	// the umask is the only way to learn it.
	m := syscall.Umask(0)
	syscall.Umask(m)
	FileMode = os.FileMode(0o666 &^ m)
	DirMode = os.FileMode(0o777 &^ m)
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
		case []int64:
			out[e.Key] = Array{Shape: []int{len(v)}, Data: floats(v)}
		}
	}
	return out
}
