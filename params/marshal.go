package params

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON writes p as a params.json document with the published key
// names, one key per line in the order of the published files, so that a
// saved model can carry its params and Parse can read them back to equal
// Params. Every optional field is written with its value; the fields of the
// noise-driven models are left out for BP and FA when they are zero, and
// nil lists and empty strings are left out. A seed-era Params is written as a
// seed-era file (tausyn instead of tauHP). The method has a pointer
// receiver: pass a *Params to json.Marshal.
func (p *Params) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	first := true
	for _, f := range fieldSpecs {
		x, ok := f.encode(p)
		if !ok {
			continue
		}
		val, err := encodeValue(x)
		if err != nil {
			return nil, &FieldError{Field: f.key, Index: -1, Value: x, Err: invalidf("cannot be written as JSON: %v", err)}
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString("\n    ")
		writeKey(&b, f.key)
		b.Write(val)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// writeKey writes `"key": `.
func writeKey(b *bytes.Buffer, key string) {
	k, _ := encodeValue(key)
	b.Write(k)
	b.WriteString(": ")
}

// encodeValue is json.Marshal without HTML escaping and with list elements
// separated by ", " as in the published files.
func encodeValue(x any) ([]byte, error) {
	switch xs := x.(type) {
	case []float64:
		return encodeList(xs)
	case []int:
		return encodeList(xs)
	case []int64:
		return encodeList(xs)
	case []string:
		return encodeList(xs)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encodeList writes a list one element at a time.
func encodeList[T any](xs []T) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[")
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		e, err := encodeValue(x)
		if err != nil {
			return nil, err
		}
		b.Write(e)
	}
	b.WriteString("]")
	return b.Bytes(), nil
}
