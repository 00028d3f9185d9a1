package sweep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
func (f *File) Expand() ([]Cell, error) { return f.expand(context.Background()) }

// expand is Expand, stopped (with ctx's error) when ctx ends.
func (f *File) expand(ctx context.Context) ([]Cell, error) {
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
	runs := newRunChecks()
	for _, v := range variants {
		for _, p := range points {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for _, seed := range f.Seeds {
				c := Cell{Index: len(cells), Variant: v.Name, Values: p, Seed: seed}
				text, err := f.cellText(v, p, seed)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %v", f.describe(c), err))
					break
				}
				c.Text = text
				c.Params, c.Warnings, err = params.Parse(text, f.Task)
				if err == nil {
					// What a run checks before its first step; the seed
					// changes none of it.
					err = runs.check(c.Params, f.Task)
				}
				if err != nil {
					errs = append(errs, f.blame(c, v, err))
					break // the other seeds say the same
				}
				h := taskDigest(c.Params, f.Task)
				if j, ok := seen[h]; ok {
					errs = append(errs, f.duplicate(cells[j], c))
				} else {
					seen[h] = c.Index
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

// taskDigest identifies what a run of p does for task: the params without
// the keys the task does not read (params.Unused).
func taskDigest(p *params.Params, task params.Task) string {
	canon, _ := p.MarshalJSON()
	var m map[string]json.RawMessage
	json.Unmarshal(canon, &m)
	for _, k := range params.Unused(task) {
		delete(m, k)
	}
	b, _ := json.Marshal(m) // keys sorted
	return digest(b)
}

// duplicate words the refusal of cell b, which does what cell a does.
func (f *File) duplicate(a, b Cell) error {
	var keys []string
	for i, ax := range f.Axes {
		if !bytes.Equal(a.Values[i], b.Values[i]) {
			keys = append(keys, ax.Key)
		}
	}
	if a.Variant != b.Variant {
		for _, k := range differingKeys(a.Params, b.Params) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > 0 {
		return fmt.Errorf("%s and %s differ only in %s, which task %s does not use: duplicate cells", f.describe(a), f.describe(b), strings.Join(keys, ", "), f.Task)
	}
	return fmt.Errorf("%s and %s have the same params: duplicate cells", f.describe(a), f.describe(b))
}

// runChecks makes the checks of a run before its first step for the cells
// of a sweep (experiment.CheckConfig, and for classify the data, loaded and
// checked against the layers), each configuration and each data set once.
type runChecks struct {
	config map[string]error
	data   map[string]error
}

func newRunChecks() *runChecks {
	return &runChecks{config: map[string]error{}, data: map[string]error{}}
}

func (r *runChecks) check(p *params.Params, task params.Task) error {
	key := taskDigest(p, task)
	err, ok := r.config[key]
	if !ok {
		err = experiment.CheckConfig(p, task)
		r.config[key] = err
	}
	if err != nil || task != params.Classify {
		return err
	}
	dk := fmt.Sprintf("%q %q %v %v %v %d %d", p.Dataset, p.DatasetDir, p.DatasetSizes, p.DatasetSeeds, p.DatasetNoise, p.Layers[0], p.Layers[p.N()])
	err, ok = r.data[dk]
	if !ok {
		_, err = experiment.LoadClassifyData(p)
		r.data[dk] = err
	}
	return err
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
// included, with compare the replays of a bw_only student for
// angle_dWPP_BP), for estimates of the time left.
func (c *Cell) Steps(task params.Task, compare bool) int {
	_, steps := experiment.NetworksOf(c.Params, experiment.Options{Task: task, Compare: compare})
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
