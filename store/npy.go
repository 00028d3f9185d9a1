package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unsafe"
)

// writeNPY writes one array in numpy's .npy format, version 1.0: the magic
// string, the header — a Python dict literal with the dtype, the order and
// the shape, padded with spaces and a newline so that the data starts at a
// multiple of 64 bytes — and then the data, little-endian, in C order.
//
// The data goes out in one write of the array's own memory where the
// machine is little-endian: a 1 GB recording costs what copying it costs,
// with no second copy in memory.
func writeNPY(w io.Writer, descr string, shape []int, data []byte) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	const preamble = 10 // magic (6), version (2), header length (2)
	total := preamble + len(header) + 1
	if pad := (64 - total%64) % 64; pad > 0 {
		header += strings.Repeat(" ", pad)
	}
	header += "\n"
	if len(header) > 65535 {
		return fmt.Errorf("store: npy header of %d bytes", len(header))
	}
	buf := make([]byte, 0, preamble+len(header))
	buf = append(buf, "\x93NUMPY\x01\x00"...)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}

// littleEndian reports whether the machine stores numbers little-endian,
// as the .npy files are written.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// leBytes returns the bytes of v in little-endian order: v's own memory on
// a little-endian machine, a converted copy elsewhere.
func leBytes[T float64 | int64 | uint32](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	size := int(unsafe.Sizeof(v[0]))
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*size)
	}
	out := make([]byte, 0, len(v)*size)
	for _, x := range v {
		switch size {
		case 8:
			out = binary.LittleEndian.AppendUint64(out, *(*uint64)(unsafe.Pointer(&x)))
		case 4:
			out = binary.LittleEndian.AppendUint32(out, *(*uint32)(unsafe.Pointer(&x)))
		}
	}
	return out
}

// writeEntry writes one entry's value as a .npy member.
func writeEntry(w io.Writer, e Entry) error {
	v := e.Value
	if f, ok := v.(func() *Array); ok {
		v = f()
	}
	switch a := v.(type) {
	case Array:
		return writeArray(w, &a)
	case *Array:
		return writeArray(w, a)
	case string:
		// Text is stored as UTF-8 bytes: numpy reads it with
		// bytes(a).decode().
		return writeNPY(w, "|u1", []int{len(a)}, []byte(a))
	case int64:
		return writeNPY(w, "<i8", nil, leBytes([]int64{a}))
	case []int64:
		return writeNPY(w, "<i8", []int{len(a)}, leBytes(a))
	case []uint32:
		return writeNPY(w, "<u4", []int{len(a)}, leBytes(a))
	}
	return fmt.Errorf("store: entry %q has unsupported type %T", e.Key, e.Value)
}

// writeArray writes a float64 array with its shape; no shape is a scalar
// (one value), a nil Data with shape (0, …) an empty array.
func writeArray(w io.Writer, a *Array) error {
	size := 1
	for _, d := range a.Shape {
		size *= d
	}
	if len(a.Data) != size {
		return fmt.Errorf("store: array of shape %v has %d values", a.Shape, len(a.Data))
	}
	return writeNPY(w, "<f8", a.Shape, leBytes(a.Data))
}
