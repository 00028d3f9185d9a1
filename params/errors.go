package params

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kinds of problems. A *FieldError wraps one of them, so callers can test
// errors.Is(err, params.ErrMissing) and so on.
var (
	// ErrSyntax marks malformed JSON.
	ErrSyntax = errors.New("malformed JSON")
	// ErrMissing marks a required field that is absent.
	ErrMissing = errors.New("missing (required)")
	// ErrType marks a value of the wrong JSON type (a string for a number,
	// 1 for true, 5.5 for an integer, ...).
	ErrType = errors.New("wrong type")
	// ErrInvalid marks a value of the right type that breaks a rule: out of
	// range, not a whole number of steps, unknown name, list too short, ...
	ErrInvalid = errors.New("invalid value")
)

// FieldError is one problem of a params file. It names the JSON field, the
// list index where there is one, and the offending value.
type FieldError struct {
	// Field is the JSON key ("eta_bw", "layers", "task" for the task
	// argument); empty for problems of the document as a whole.
	Field string
	// Index is the position in a list value, or -1.
	Index int
	// Value is the offending value (nil when there is none, e.g. missing).
	Value any
	// Allowed describes the accepted values, when they form a short list.
	Allowed string
	// Err says what is wrong; it wraps ErrSyntax, ErrMissing, ErrType or
	// ErrInvalid.
	Err error
	// Line and Col locate the problem in the file (1-based, Col counts
	// characters); 0 when unknown, e.g. for errors found by Validate.
	Line, Col int
}

// Error formats the problem as
// "params: FIELD[INDEX]: line L, column C: value V: WHAT (allowed: A)",
// leaving out the parts that are unknown.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("params: ")
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Index >= 0 {
			fmt.Fprintf(&b, "[%d]", e.Index)
		}
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Col)
	}
	if e.Value != nil {
		b.WriteString("value ")
		b.WriteString(formatValue(e.Value))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString(ErrInvalid.Error())
	}
	if e.Allowed != "" {
		b.WriteString(" (allowed: ")
		b.WriteString(e.Allowed)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// kindError is a message that matches one of the Err* kinds under errors.Is
// without repeating the kind's text.
type kindError struct {
	kind error
	msg  string
}

// Error returns the message.
func (e *kindError) Error() string { return e.msg }

// Is reports whether target is the kind of e.
func (e *kindError) Is(target error) bool { return target == e.kind }

// invalidf returns an ErrInvalid with the formatted message.
func invalidf(format string, args ...any) error {
	return &kindError{ErrInvalid, fmt.Sprintf(format, args...)}
}

// typeErr returns an ErrType saying which JSON type was wanted and which was
// found.
func typeErr(want, got string) error {
	return &kindError{ErrType, fmt.Sprintf("wrong type: want %s, got %s", want, got)}
}

// syntaxErr returns an ErrSyntax with the decoder's message.
func syntaxErr(msg string) error {
	return &kindError{ErrSyntax, "malformed JSON: " + msg}
}

// maxValueText bounds how much of a raw JSON value an error message quotes.
const maxValueText = 60

// formatValue prints a value the way it would appear in params.json.
func formatValue(v any) string {
	switch v := v.(type) {
	case json.RawMessage:
		var b bytes.Buffer
		s := string(v)
		if json.Compact(&b, v) == nil {
			s = b.String()
		}
		if len(s) > maxValueText {
			cut := maxValueText
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			s = s[:cut] + "…"
		}
		return s
	case string:
		return strconv.Quote(v)
	case float64:
		return formatFloat(v)
	case []float64:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatFloat(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case [2]float64:
		return "[" + formatFloat(v[0]) + ", " + formatFloat(v[1]) + "]"
	case []string:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = strconv.Quote(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []int:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = strconv.Itoa(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []int64:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = strconv.FormatInt(x, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// formatFloat prints x in the shortest form that reads back exactly.
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// joinErrors returns nil, the single error, or all of them joined.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
