package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"palmc/dataset"
	"palmc/params"
)

// Kinds of errors (see the package documentation).
const (
	kindParams   = "params"
	kindValue    = "value"
	kindClosed   = "closed"
	kindDiverged = "diverged"
	kindData     = "data"
	kindInternal = "internal"
)

// apiError is an error as the caller sees it: a kind and a message, with
// the params keys at fault or the step at which a network diverged.
type apiError struct {
	Kind      string   `json:"kind"`
	Message   string   `json:"message"`
	Fields    []string `json:"fields,omitempty"`
	Step      int64    `json:"step,omitempty"`
	Variables []string `json:"variables,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

// valueErr returns an error of kind value.
func valueErr(format string, args ...any) error {
	return &apiError{Kind: kindValue, Message: fmt.Sprintf(format, args...)}
}

// classify turns any error into an apiError: params errors name their
// fields, data set errors are of kind data.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if fields := fieldsOf(err); len(fields) > 0 {
		return &apiError{Kind: kindParams, Message: err.Error(), Fields: fields}
	}
	var ce *dataset.ConfigError
	var nf *dataset.NotFoundError
	if errors.As(err, &ce) || errors.As(err, &nf) {
		return &apiError{Kind: kindData, Message: err.Error()}
	}
	return &apiError{Kind: kindInternal, Message: err.Error()}
}

// fieldsOf lists the params keys of every *params.FieldError in err, in
// order, each once.
func fieldsOf(err error) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		var fe *params.FieldError
		switch x := e.(type) {
		case nil:
			return
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
			return
		}
		if errors.As(e, &fe) {
			f := fe.Field
			if f == "" {
				f = "(document)"
			}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
			return
		}
		walk(errors.Unwrap(e))
	}
	walk(err)
	return out
}

// call runs f and returns its error as JSON, or "" on success. A panic in
// f is recovered and returned as an internal error with its stack.
func call(f func() error) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = encode(&apiError{Kind: kindInternal, Message: fmt.Sprintf("palmc: internal error (a Go panic): %v\n%s", r, debug.Stack())})
		}
	}()
	if err := f(); err != nil {
		return encode(classify(err))
	}
	return ""
}

func encode(e *apiError) string {
	b, err := json.Marshal(e)
	if err != nil {
		return `{"kind": "internal", "message": "palmc: an error could not be encoded"}`
	}
	return string(b)
}
