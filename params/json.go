package params

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// document is a params.json file split into its top-level entries.
type document struct {
	data    []byte
	entries map[string]*entry
	// warnings about unknown and repeated keys, in file order.
	warnings []string
	// misspelt holds the unknown keys that misspell a known one (see
	// misspelling), in file order.
	misspelt []*FieldError
}

// entry is the value of one top-level key (the last one when the key is
// repeated, as Python's json module does).
type entry struct {
	val   jsonValue
	count int
}

// jsonValue is one JSON value of the document and where it starts.
type jsonValue struct {
	raw []byte
	off int // byte offset of raw[0] in the document
}

// decodeErr is a problem with one value, before it is given its field name.
type decodeErr struct {
	index int // list index or -1
	value any
	off   int // byte offset of the offending value
	err   error
}

// utf8BOM is skipped at the start of a file.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// scanDocument checks that data is one JSON object and collects its keys.
// Repeated "_comment" keys are ignored; other repeated keys and unknown keys
// produce warnings, except an unknown key that misspells a known one, which
// goes to misspelt unless lenient is set (then it is a warning too).
func scanDocument(data []byte, known map[string]bool, lenient bool) (*document, *FieldError) {
	data = bytes.TrimPrefix(data, utf8BOM)
	doc := &document{data: data, entries: map[string]*entry{}}
	if !json.Valid(data) {
		return nil, doc.syntaxError()
	}
	start := skipSep(data, 0)
	if data[start] != '{' {
		v := jsonValue{raw: bytes.TrimSpace(data), off: start}
		return nil, doc.fieldError("", &decodeErr{index: -1, off: start,
			err: typeErr("a JSON object {...} at the top level", v.kind())})
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	unknown := 0
	if _, err := dec.Token(); err != nil {
		return nil, doc.syntaxError()
	}
	for dec.More() {
		keyOff := skipSep(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return nil, doc.syntaxError()
		}
		valOff := skipSep(data, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, doc.syntaxError()
		}
		if key == "_comment" {
			continue
		}
		e := doc.entries[key]
		if e == nil {
			e = &entry{}
			doc.entries[key] = e
			if !known[key] {
				if s := suggest(key, known); s != "" && !lenient {
					doc.misspelt = append(doc.misspelt, doc.fieldError(key, &decodeErr{index: -1, off: keyOff,
						err: invalidf("unknown key (did you mean %q?): a key this close to a known one is refused, not ignored", s)}))
					continue
				}
				// A few are named, with a suggestion each; the rest counted.
				if unknown++; unknown <= maxUnknownNamed {
					doc.warnings = append(doc.warnings, unknownKeyWarning(key, known))
				}
			}
		} else if e.count == 1 && known[key] {
			line, _ := doc.position(keyOff)
			doc.warnings = append(doc.warnings, fmt.Sprintf(
				"params: key %q repeated (line %d); the last value is used", key, line))
		}
		e.count++
		e.val = jsonValue{raw: bytes.TrimSpace(raw), off: valOff}
	}
	if unknown > maxUnknownNamed {
		doc.warnings = append(doc.warnings, fmt.Sprintf("params: %d more unknown keys ignored", unknown-maxUnknownNamed))
	}
	return doc, nil
}

// maxUnknownNamed is how many unknown keys a warning names.
const maxUnknownNamed = 20

// unknownKeyWarning words the warning for an unknown key, with the known
// key it most likely misspells: one that differs only in case, else the
// nearest by edit distance if that is small for the key's length (at most
// 2, and less than a third of the key).
func unknownKeyWarning(key string, known map[string]bool) string {
	w := fmt.Sprintf("params: unknown key %q ignored", key)
	if s := suggest(key, known); s != "" {
		w += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return w
}

func suggest(key string, known map[string]bool) string {
	names := make([]string, 0, len(known))
	for k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestD := "", 3
	for _, k := range names {
		d := levenshtein.ComputeDistance(strings.ToLower(key), strings.ToLower(k))
		if d < bestD && 3*d < len(key) {
			best, bestD = k, d
		}
	}
	return best
}

// syntaxError locates the first syntax error of an invalid document and names
// the top-level key whose value contains it, if any.
func (doc *document) syntaxError() *FieldError {
	off, msg := 0, "invalid JSON"
	var se *json.SyntaxError
	if err := json.Unmarshal(doc.data, new(json.RawMessage)); errors.As(err, &se) {
		msg = se.Error()
		// Offset counts the bytes read up to and including the bad one.
		off = int(se.Offset) - 1
		if strings.HasPrefix(msg, "unexpected end") {
			off = len(doc.data)
		}
	}
	off = min(max(off, 0), len(doc.data))
	return doc.fieldError(keyAtError(doc.data), &decodeErr{index: -1, off: off, err: syntaxErr(msg)})
}

// keyAtError returns the top-level key whose value is malformed, or "" when
// the error is outside any value (a missing comma or brace, say).
func keyAtError(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return ""
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return key
		}
	}
	return ""
}

// fieldError turns a decodeErr into a *FieldError for field key.
func (doc *document) fieldError(key string, e *decodeErr) *FieldError {
	line, col := doc.position(e.off)
	return &FieldError{Field: key, Index: e.index, Value: e.value, Err: e.err, Line: line, Col: col}
}

// position converts a byte offset into a 1-based line and column (columns
// count characters).
func (doc *document) position(off int) (line, col int) {
	off = min(max(off, 0), len(doc.data))
	before := doc.data[:off]
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte{'\n'}) + 1, utf8.RuneCount(before[lineStart:]) + 1
}

// skipSep returns the offset of the first byte at or after off that is not
// white space or a JSON separator (':' or ',').
func skipSep(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// kind names the JSON type of v for error messages.
func (v jsonValue) kind() string {
	if len(v.raw) == 0 {
		return "nothing"
	}
	switch v.raw[0] {
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

// text is the value as written, for error messages.
func (v jsonValue) text() json.RawMessage { return json.RawMessage(v.raw) }

// fail returns a decodeErr about v itself.
func (v jsonValue) fail(err error) *decodeErr {
	return &decodeErr{index: -1, value: v.text(), off: v.off, err: err}
}

// isNumber reports whether v is a JSON number.
func (v jsonValue) isNumber() bool { return v.kind() == "a number" }

// elems splits a JSON list into its elements; ok is false when v is not a
// list.
func (v jsonValue) elems() (out []jsonValue, ok bool) {
	if v.kind() != "a list" {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	out = []jsonValue{}
	for dec.More() {
		start := skipSep(v.raw, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		out = append(out, jsonValue{raw: bytes.TrimSpace(raw), off: v.off + start})
	}
	return out, true
}

// float decodes a finite JSON number.
func (v jsonValue) float() (float64, *decodeErr) {
	if !v.isNumber() {
		return 0, v.fail(typeErr("a number", v.kind()))
	}
	x, err := strconv.ParseFloat(string(v.raw), 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, v.fail(invalidf("not a finite number (outside the float64 range)"))
	}
	return x, nil
}

// integer decodes a JSON number with no fractional part (5 and 5.0 are
// fine, 5.5 is not) that fits an int64.
func (v jsonValue) integer() (int64, *decodeErr) {
	if !v.isNumber() {
		return 0, v.fail(typeErr("an integer", v.kind()))
	}
	if i, err := strconv.ParseInt(string(v.raw), 10, 64); err == nil {
		return i, nil
	}
	x, err := strconv.ParseFloat(string(v.raw), 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, v.fail(invalidf("out of the integer range"))
	}
	if x != math.Trunc(x) {
		return 0, v.fail(typeErr("an integer", "a number with a fractional part"))
	}
	if x < -(1<<63) || x >= 1<<63 {
		return 0, v.fail(invalidf("out of the integer range"))
	}
	return int64(x), nil
}

// boolean decodes true or false; 0 and 1 are not booleans.
func (v jsonValue) boolean() (bool, *decodeErr) {
	switch string(v.raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, v.fail(typeErr("true or false", v.kind()))
}

// str decodes a JSON string.
func (v jsonValue) str() (string, *decodeErr) {
	if v.kind() != "a string" {
		return "", v.fail(typeErr("a string", v.kind()))
	}
	var s string
	if err := json.Unmarshal(v.raw, &s); err != nil {
		return "", v.fail(typeErr("a string", v.kind()))
	}
	return s, nil
}

// list decodes a JSON list element by element with one; a failing element is
// reported with its index.
func list[T any](v jsonValue, want string, one func(jsonValue) (T, *decodeErr)) ([]T, *decodeErr) {
	elems, ok := v.elems()
	if !ok {
		return nil, v.fail(typeErr(want, v.kind()))
	}
	out := make([]T, len(elems))
	for i, e := range elems {
		x, err := one(e)
		if err != nil {
			err.index = i
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// intValue decodes an integer that fits an int.
func (v jsonValue) intValue() (int, *decodeErr) {
	i, err := v.integer()
	if err != nil {
		return 0, err
	}
	if i < math.MinInt || i > math.MaxInt {
		return 0, v.fail(invalidf("out of the integer range"))
	}
	return int(i), nil
}
