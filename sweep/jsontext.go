package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// member is one top-level key of a JSON object and its value, as written.
// Objects keep their order and repeated keys ("_comment").
type member struct {
	Key string
	Raw json.RawMessage
	// Off is the byte offset of the value in the document.
	Off int
}

// members splits a JSON object into its top-level members, in order.
func members(data []byte) ([]member, error) {
	data = bytes.TrimPrefix(data, []byte{0xef, 0xbb, 0xbf})
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(data, int(se.Offset)-1)
			return nil, fmt.Errorf("line %d, column %d: %v", line, col, se)
		}
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want a JSON object {...}, got %s", kind(bytes.TrimSpace(data)))
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		off := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		// InputOffset is after the key; skip the colon and blanks.
		for off < len(data) && strings.IndexByte(" \t\r\n:", data[off]) >= 0 {
			off++
		}
		out = append(out, member{Key: key, Raw: raw, Off: off})
	}
	return out, nil
}

// position returns the line and column (1-based, in bytes) of offset off.
func position(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// kind names the JSON type of a value, for messages.
func kind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// format writes a JSON value on one line, with ", " between elements and
// ": " after keys, numbers exactly as written (1e-2 stays 1e-2) and no
// HTML escaping, as the published params files are written.
func format(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b bytes.Buffer
	// first[i]: the next token is the first of the i-th open container;
	// key[i]: that container is an object and the next token is a key.
	var first, obj []bool
	afterKey := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			b.WriteByte(byte(d))
			first, obj = first[:len(first)-1], obj[:len(obj)-1]
			afterKey = false
			continue
		}
		n := len(first)
		isKey := n > 0 && obj[n-1] && !afterKey
		if n > 0 && !afterKey {
			if !first[n-1] {
				b.WriteString(", ")
			}
			first[n-1] = false
		}
		afterKey = false
		switch v := tok.(type) {
		case json.Delim:
			b.WriteByte(byte(v))
			first, obj = append(first, true), append(obj, v == '{')
		case json.Number:
			b.WriteString(string(v))
		case string:
			b.Write(quote(v))
			if isKey {
				b.WriteString(": ")
				afterKey = true
			}
		case bool:
			fmt.Fprint(&b, v)
		case nil:
			b.WriteString("null")
		}
	}
	return b.Bytes(), nil
}

// quote writes s as a JSON string without HTML escaping.
func quote(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// writeObject writes members as a JSON object, one member per line.
func writeObject(ms []member) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, m := range ms {
		v, err := format(m.Raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Key, err)
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		b.Write(quote(m.Key))
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// setMember gives key the value raw: every member of that name takes it
// (a repeated key is read by its last value), or a new one is appended.
func setMember(ms []member, key string, raw json.RawMessage) []member {
	found := false
	for i := range ms {
		if ms[i].Key == key {
			ms[i].Raw, found = raw, true
		}
	}
	if !found {
		ms = append(ms, member{Key: key, Raw: raw})
	}
	return ms
}
