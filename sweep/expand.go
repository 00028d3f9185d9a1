package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"palmc/experiment"
	"palmc/params"
)

// Cell is one run of a sweep: a variant, a point of the grid and a seed.
type Cell struct {
	// Index numbers the cells from 0 in the order of Expand.
	Index int
	// Dir is the cell's run folder, relative to the sweep folder.
	Dir string
	// Variant is the variant's name ("" without variants).
	Variant string
	// Values holds the value of each axis, in the order of the axes.
	Values []json.RawMessage
	Seed   int64
	// Text is the cell's params.json, Params what it says.
	Text     []byte
	Params   *params.Params
	Warnings []string
}

// MaxCells is the most cells a sweep may have.
const MaxCells = 100000

// maxErrors bounds the problems Expand reports.
const maxErrors = 10

// Expand returns the cells of the sweep: variants (outermost), then the
// grid's axes in the order of the file, then the seeds (innermost), so the
// seeds of a point are neighbours. Every cell's params must parse for the
// task, and no two cells may have the same params; the error, a *Refusal,
// names the variant, key and value at fault.
func (f *File) Expand() ([]Cell, error) {
	variants := f.Variants
	if len(variants) == 0 {
		variants = []Variant{{}}
	}
	n := len(variants) * len(f.Seeds)
	for _, ax := range f.Axes {
		if n *= len(ax.Values); n > MaxCells {
			break
		}
	}
	if n > MaxCells {
		return nil, refusef("%s: more than %d cells (variants × grid points × seeds); make the grid smaller or split the sweep", f.Source, MaxCells)
	}
	points := [][]json.RawMessage{nil}
	for _, ax := range f.Axes {
		var next [][]json.RawMessage
		for _, p := range points {
			for _, v := range ax.Values {
				next = append(next, append(append([]json.RawMessage(nil), p...), v))
			}
		}
		points = next
	}
	width := max(3, len(strconv.Itoa(n-1)))
	var cells []Cell
	var errs []error
	seen := map[string]int{}
	for _, v := range variants {
		for _, p := range points {
			for _, seed := range f.Seeds {
				c := Cell{Index: len(cells), Variant: v.Name, Values: p, Seed: seed}
				text, err := f.cellText(v, p, seed)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %v", f.describe(c), err))
					break
				}
				c.Text = text
				c.Params, c.Warnings, err = params.Parse(text, f.Task)
				if err != nil {
					errs = append(errs, f.blame(c, v, err))
					break // the other seeds say the same
				}
				canon, _ := c.Params.MarshalJSON()
				h := sha256.Sum256(canon)
				if j, ok := seen[string(h[:])]; ok {
					errs = append(errs, fmt.Errorf("%s and %s have the same params: duplicate cells", f.describe(cells[j]), f.describe(c)))
				} else {
					seen[string(h[:])] = c.Index
				}
				c.Dir = "cells/" + fmt.Sprintf("%0*d", width, c.Index) + "-" + f.label(c)
				cells = append(cells, c)
			}
			if len(errs) >= maxErrors {
				break
			}
		}
	}
	if len(errs) > 0 {
		if len(errs) >= maxErrors {
			errs = append(errs[:maxErrors], errors.New("(and perhaps more)"))
		}
		return nil, &Refusal{fileErrors(f.Source, errs)}
	}
	return cells, nil
}

// cellText writes the params.json of a cell: the base's keys in the base's
// order (its comments left out: they may no longer hold), the variant's and
// the grid point's values set, random_seed the cell's seed, and a comment
// that says where it came from.
func (f *File) cellText(v Variant, point []json.RawMessage, seed int64) ([]byte, error) {
	base := f.Base
	if v.Base != nil {
		base = v.Base
	}
	var ms []member
	for _, m := range base.members {
		if m.Key != "_comment" {
			ms = append(ms, m)
		}
	}
	var what []string
	if v.Name != "" {
		what = append(what, "variant "+v.Name)
	}
	for _, s := range v.Set {
		ms = setMember(ms, s.Key, s.Raw)
	}
	for i, ax := range f.Axes {
		ms = setMember(ms, ax.Key, point[i])
		what = append(what, fmt.Sprintf("%s = %s", ax.Key, point[i]))
	}
	ms = setMember(ms, "random_seed", json.RawMessage("["+strconv.FormatInt(seed, 10)+"]"))
	what = append(what, fmt.Sprintf("seed %d", seed))
	// The comment does not name the base's file: the sweep folder's own
	// sweep.json has the base inline and must give the same text.
	comment := fmt.Sprintf("A cell of a palmc sweep (task %s): %s; the other keys are those of the base", f.Task, strings.Join(what, ", "))
	if v.Name != "" && len(v.Set) > 0 {
		comment += ", with the variant's keys set"
	}
	ms = append([]member{{Key: "_comment", Raw: quote(comment + ".")}}, ms...)
	return writeObject(ms)
}

// blame words a params error of a cell, naming the key of the sweep file
// that set the offending value where there is one.
func (f *File) blame(c Cell, v Variant, err error) error {
	var fe *params.FieldError
	if errors.As(err, &fe) && !isJoined(err) {
		what := fe.Err.Error()
		if fe.Index >= 0 {
			v := fmt.Sprint(fe.Value)
			if raw, ok := fe.Value.(json.RawMessage); ok {
				v = string(raw) // as written, not as bytes
			}
			what = fmt.Sprintf("entry %d (%s): %s", fe.Index, v, what)
		}
		if fe.Allowed != "" {
			what += " (allowed: " + fe.Allowed + ")"
		}
		for i, ax := range f.Axes {
			if ax.Key == fe.Field {
				return fmt.Errorf("grid: %s: value %s: %s (%s)", ax.Key, c.Values[i], what, f.describe(c))
			}
		}
		for _, s := range v.Set {
			if s.Key == fe.Field {
				return fmt.Errorf("variants: %s: params: %s: value %s: %s", v.Name, s.Key, bytes.TrimSpace(s.Raw), what)
			}
		}
	}
	return fmt.Errorf("%s: %v", f.describe(c), err)
}

// isJoined reports whether err joins several errors.
func isJoined(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}

// describe names a cell by its variant, grid values and seed.
func (f *File) describe(c Cell) string {
	var parts []string
	if c.Variant != "" {
		parts = append(parts, "variant "+c.Variant)
	}
	for i, ax := range f.Axes {
		if i < len(c.Values) {
			parts = append(parts, fmt.Sprintf("%s = %s", ax.Key, c.Values[i]))
		}
	}
	parts = append(parts, fmt.Sprintf("seed %d", c.Seed))
	return "cell (" + strings.Join(parts, ", ") + ")"
}

// label is the part of a cell's folder name after its number: the variant,
// key=value per axis, the seed, in letters, digits and . _ + - = only.
func (f *File) label(c Cell) string {
	var parts []string
	if c.Variant != "" {
		parts = append(parts, c.Variant)
	}
	for i, ax := range f.Axes {
		parts = append(parts, ax.Key+"="+valueLabel(c.Values[i]))
	}
	s := strings.Join(parts, "-")
	if len(s) > 80 {
		s = s[:80]
	}
	if s != "" {
		s += "-"
	}
	return s + "seed" + strconv.FormatInt(c.Seed, 10)
}

// valueLabel writes a value for a folder name: a list [5, 20] as 5_20,
// other characters outside [A-Za-z0-9.+-] as _.
func valueLabel(raw json.RawMessage) string {
	s := strings.NewReplacer(", ", "_", "[", "", "]", "", "\"", "").Replace(string(raw))
	b := []byte(s)
	for i, ch := range b {
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '+' || ch == '-' || ch == '_'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

// Steps returns the steps the cell's networks make in all (teacher
// included), for estimates of the time left.
func (c *Cell) Steps(task params.Task) int {
	_, steps := experiment.Networks(c.Params, task)
	total := 0
	for _, s := range steps {
		total += s
	}
	return total
}

// digest returns the hex SHA-256 of b.
func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
