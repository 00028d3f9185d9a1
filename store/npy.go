package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
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

// readNPY reads one .npy member of declared (uncompressed) size: a float64
// array, an int64 or uint32 array (converted to float64, which holds
// their values exactly here), or UTF-8 text (dtype |u1). The header must
// describe exactly the bytes that follow; nothing is allocated for data
// before that is checked, so a damaged or hostile header cannot make
// palmc allocate what the file does not hold.
func readNPY(r io.Reader, size uint64) (a Array, text string, isText bool, err error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return a, "", false, fmt.Errorf("not an npy array: %w", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return a, "", false, fmt.Errorf("not an npy array (no magic string)")
	}
	var hlen, preLen uint64
	switch pre[6] {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return a, "", false, err
		}
		hlen, preLen = uint64(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return a, "", false, err
		}
		hlen, preLen = uint64(binary.LittleEndian.Uint32(l[:])), 12
	default:
		return a, "", false, fmt.Errorf("npy version %d.%d", pre[6], pre[7])
	}
	if hlen > 1<<20 || preLen+hlen > size {
		return a, "", false, fmt.Errorf("npy header of %d bytes in a member of %d", hlen, size)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return a, "", false, err
	}
	descr, fortran, shape, err := parseHeader(string(hdr))
	if err != nil {
		return a, "", false, err
	}
	if fortran {
		return a, "", false, fmt.Errorf("Fortran-ordered arrays are not read")
	}
	item := map[string]uint64{"<f8": 8, "<i8": 8, "<u4": 4, "|u1": 1}[descr]
	if item == 0 {
		return a, "", false, fmt.Errorf("unsupported dtype %s", descr)
	}
	n := uint64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > (1<<62)/uint64(d)/item) {
			return a, "", false, fmt.Errorf("shape %v is too large", shape)
		}
		n *= uint64(d)
	}
	if want := size - preLen - hlen; n*item != want {
		return a, "", false, fmt.Errorf("shape %v of %s needs %d bytes, the member holds %d", shape, descr, n*item, want)
	}
	if descr == "|u1" {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return a, "", false, err
		}
		return a, string(b), true, nil
	}
	a.Shape = shape
	a.Data = make([]float64, n)
	switch descr {
	case "<f8":
		err = readLE(r, a.Data)
	case "<i8":
		v := make([]int64, n)
		if err = readLE(r, v); err == nil {
			copy(a.Data, floats(v))
		}
	case "<u4":
		v := make([]uint32, n)
		if err = readLE(r, v); err == nil {
			copy(a.Data, floats(v))
		}
	}
	if err != nil {
		return Array{}, "", false, err
	}
	if len(a.Shape) == 0 {
		a.Shape = nil
	}
	return a, "", false, nil
}

// readLE reads len(v) little-endian values into v.
func readLE[T float64 | int64 | uint32](r io.Reader, v []T) error {
	if len(v) == 0 {
		return nil
	}
	size := int(unsafe.Sizeof(v[0]))
	b := unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*size)
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("the data end early: %w", err)
	}
	if !littleEndian {
		for i := range v {
			switch size {
			case 8:
				x := binary.LittleEndian.Uint64(b[i*8:])
				v[i] = *(*T)(unsafe.Pointer(&x))
			case 4:
				x := binary.LittleEndian.Uint32(b[i*4:])
				v[i] = *(*T)(unsafe.Pointer(&x))
			}
		}
	}
	return nil
}

// parseHeader reads the dict of an npy header:
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
func parseHeader(h string) (descr string, fortran bool, shape []int, err error) {
	h = strings.TrimSpace(h)
	if !strings.HasPrefix(h, "{") || !strings.HasSuffix(h, "}") {
		return "", false, nil, fmt.Errorf("npy header %q is not a dict", h)
	}
	field := func(key string) (string, bool) {
		i := strings.Index(h, "'"+key+"':")
		if i < 0 {
			return "", false
		}
		return strings.TrimSpace(h[i+len(key)+3:]), true
	}
	d, ok := field("descr")
	if !ok || len(d) < 2 || d[0] != '\'' {
		return "", false, nil, fmt.Errorf("npy header %q has no descr", h)
	}
	end := strings.IndexByte(d[1:], '\'')
	if end < 0 {
		return "", false, nil, fmt.Errorf("npy header %q: descr", h)
	}
	descr = d[1 : 1+end]
	fo, ok := field("fortran_order")
	if !ok {
		return "", false, nil, fmt.Errorf("npy header %q has no fortran_order", h)
	}
	fortran = strings.HasPrefix(fo, "True")
	sh, ok := field("shape")
	if !ok || !strings.HasPrefix(sh, "(") {
		return "", false, nil, fmt.Errorf("npy header %q has no shape", h)
	}
	close := strings.IndexByte(sh, ')')
	if close < 0 {
		return "", false, nil, fmt.Errorf("npy header %q: shape", h)
	}
	for _, part := range strings.Split(sh[1:close], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := strconv.Atoi(strings.TrimSuffix(part, "L"))
		if err != nil || d < 0 {
			return "", false, nil, fmt.Errorf("npy header %q: shape entry %q", h, part)
		}
		shape = append(shape, d)
	}
	return descr, fortran, shape, nil
}
