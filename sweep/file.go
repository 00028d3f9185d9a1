package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"

	"palmc/inputfile"
	"palmc/params"
)

// File is a sweep file that has been read and checked (see the package
// documentation for its keys).
type File struct {
	// Source names where the file came from: its path, or "experiment NAME".
	Source string
	// Text is the file as read.
	Text []byte
	Task params.Task
	// Flags are the cells' palmc run flags as written, Cell what they say.
	Flags []string
	Cell  CellFlags
	Base  *Base
	// Variants are the variants in order; none when the file has none.
	Variants []Variant
	// Axes are the grid's axes in the order of the file.
	Axes  []Axis
	Seeds []int64
	// Resolved says which relative dataset_dir values Load made absolute.
	Resolved []string

	members []member
}

// Base is a params object that cells start from.
type Base struct {
	// Source is the path as written in the sweep file, or "" for a params
	// object given inline.
	Source string
	// Raw is the params object.
	Raw     json.RawMessage
	members []member
}

// Variant is one entry of "variants": a name and the params keys it sets
// together, on top of its own base or the sweep's.
type Variant struct {
	Name string
	// Base is the variant's own base, or nil for the sweep's.
	Base *Base
	Set  []member
}

// Axis is one key of the grid and its values, each written on one line.
type Axis struct {
	Key    string
	Values []json.RawMessage
}

// Reader reads a base params file by its path as written in the sweep
// file (relative to the sweep file's folder).
type Reader func(path string) ([]byte, error)

// MaxFileSize is the largest sweep file palmc reads, far above any real
// one; bases are params files (params.MaxFileSize).
const MaxFileSize = 64 << 20

// Load reads and checks the sweep file at path; bases are read relative to
// its folder.
func Load(path string) (*File, error) {
	text, err := inputfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, &Refusal{fmt.Errorf("sweep file: %w", err)}
	}
	dir := filepath.Dir(path)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &Refusal{fmt.Errorf("sweep file: %w", err)}
	}
	return parse(text, path, func(p string) ([]byte, error) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(p))
		}
		return params.ReadFile(p)
	}, abs)
}

// topKeys are the keys of a sweep file.
var topKeys = []string{"base", "task", "flags", "grid", "variants", "seeds"}

// variantName is what a variant's name may hold: it becomes part of folder
// names.
var variantName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// Parse reads and checks a sweep file; source names it in messages. Every
// problem found is reported, each naming the key (and value) at fault; the
// error is a *Refusal. Parse checks the file's form; Expand checks that
// every cell's params are valid.
//
// A relative dataset_dir (in a base, a variant or the grid) would depend on
// the folder each cell happens to run in; Parse refuses it, and Load takes
// it relative to the sweep file's folder, as base, and writes it absolute
// into the cells (Resolved says so).
func Parse(text []byte, source string, read Reader) (*File, error) {
	return parse(text, source, read, "")
}

// parse is Parse; dir is the absolute folder that relative dataset_dir
// values are taken from ("": none).
func parse(text []byte, source string, read Reader, dir string) (*File, error) {
	f := &File{Source: source, Text: text}
	ms, err := members(text)
	if err != nil {
		return nil, refusef("%s: %v", source, err)
	}
	f.members = ms
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	seen := map[string]bool{}
	byKey := map[string]member{}
	for _, m := range ms {
		if m.Key == "_comment" {
			continue
		}
		if !slices.Contains(topKeys, m.Key) {
			msg := fmt.Sprintf("unknown key %q", m.Key)
			if s := nearest(m.Key, topKeys); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if params.IsKey(m.Key) {
				msg += " (a params key: set it in the base, or vary it in \"grid\")"
			}
			bad("%s (keys: %s)", msg, strings.Join(topKeys, ", "))
			continue
		}
		if seen[m.Key] {
			bad("%s: given twice", m.Key)
		}
		seen[m.Key] = true
		byKey[m.Key] = m
	}
	for _, k := range []string{"base", "task", "seeds"} {
		if !seen[k] {
			bad("%s: missing (required)", k)
		}
	}
	if m, ok := byKey["task"]; ok {
		var t string
		if json.Unmarshal(m.Raw, &t) != nil || !slices.Contains(params.Tasks(), params.Task(t)) {
			bad("task: value %s: must be \"bw_only\", \"fw_bw\" or \"classify\"", m.Raw)
		} else {
			f.Task = params.Task(t)
		}
	}
	if m, ok := byKey["flags"]; ok {
		if json.Unmarshal(m.Raw, &f.Flags) != nil {
			bad("flags: value %s: want a list of strings, e.g. [\"--compare\", \"BP\"]", m.Raw)
		} else if f.Task != "" {
			if f.Cell, err = parseFlags(f.Flags, f.Task); err != nil {
				errs = append(errs, err)
			}
		}
	} else {
		f.Cell, _ = parseFlags(nil, f.Task)
	}
	if m, ok := byKey["base"]; ok {
		if f.Base, err = readBase("base", m.Raw, read); err != nil {
			errs = append(errs, err)
		}
	}
	if m, ok := byKey["seeds"]; ok {
		f.Seeds, err = parseSeeds(m.Raw)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if m, ok := byKey["grid"]; ok {
		f.Axes, err = parseGrid(m.Raw)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if m, ok := byKey["variants"]; ok {
		f.Variants, err = parseVariants(m.Raw, f.Axes, read)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		errs = f.resolveDataDirs(dir)
	}
	if len(errs) > 0 {
		return nil, &Refusal{fileErrors(source, errs)}
	}
	return f, nil
}

// resolveDataDirs makes every relative dataset_dir of the sweep file
// absolute, taken from dir (an error without dir).
func (f *File) resolveDataDirs(dir string) []error {
	var errs []error
	fix := func(what string, raw json.RawMessage) json.RawMessage {
		var s string
		if json.Unmarshal(raw, &s) != nil || s == "" || filepath.IsAbs(s) {
			return raw
		}
		if dir == "" {
			errs = append(errs, fmt.Errorf("%s: dataset_dir: value %q: a relative folder would be taken from the folder each cell runs in: give an absolute one", what, s))
			return raw
		}
		abs := filepath.Join(dir, s)
		f.Resolved = append(f.Resolved, fmt.Sprintf("%s: dataset_dir %q is %s (relative to the sweep file's folder, as base)", what, s, abs))
		return quote(abs)
	}
	fixMembers := func(what string, ms []member) {
		for i := range ms {
			if ms[i].Key == "dataset_dir" {
				ms[i].Raw = fix(what, ms[i].Raw)
			}
		}
	}
	if f.Base != nil {
		fixMembers("base", f.Base.members)
	}
	for i := range f.Variants {
		v := &f.Variants[i]
		if v.Base != nil {
			fixMembers("variants: "+v.Name+": base", v.Base.members)
		}
		fixMembers("variants: "+v.Name+": params", v.Set)
	}
	for i := range f.Axes {
		if ax := &f.Axes[i]; ax.Key == "dataset_dir" {
			for j := range ax.Values {
				ax.Values[j] = fix("grid", ax.Values[j])
			}
			for j := range ax.Values {
				for k := range j {
					if bytes.Equal(ax.Values[j], ax.Values[k]) {
						errs = append(errs, fmt.Errorf("grid: dataset_dir: value %s given twice (the cells would be duplicates)", ax.Values[j]))
					}
				}
			}
		}
	}
	return errs
}

// fileErrors joins the problems of a file under its name.
func fileErrors(source string, errs []error) error {
	if len(errs) == 1 {
		return fmt.Errorf("%s: %w", source, errs[0])
	}
	lines := []string{fmt.Sprintf("%s: %d problems:", source, len(errs))}
	for _, e := range errs {
		lines = append(lines, "  "+e.Error())
	}
	return errors.New(strings.Join(lines, "\n"))
}

// nearest returns the name of names that key most likely misspells, or "".
func nearest(key string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		d := levenshtein.ComputeDistance(strings.ToLower(key), n)
		if d < bestD && 2*d <= len(key) {
			best, bestD = n, d
		}
	}
	return best
}

// readBase reads a base: a path (read with read) or a params object.
func readBase(what string, raw json.RawMessage, read Reader) (*Base, error) {
	var path string
	b := &Base{}
	switch kind(raw) {
	case "a string":
		json.Unmarshal(raw, &path)
		if path == "" {
			return nil, fmt.Errorf("%s: empty path", what)
		}
		text, err := read(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", what, path, unwrapPath(err))
		}
		b.Source = path
		raw = text
	case "an object":
	default:
		return nil, fmt.Errorf("%s: value %s: want a params file's path (relative to the sweep file) or a params object {...}", what, raw)
	}
	ms, err := members(raw)
	if err != nil {
		if path != "" {
			return nil, fmt.Errorf("%s: %s: %v", what, path, err)
		}
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	for _, m := range ms {
		if m.Key == "random_seed" {
			continue
		}
		if m.Key != "_comment" && !params.IsKey(m.Key) && (path == "" || params.Suggest(m.Key) != "") {
			// A params file may carry unknown keys (palmc run warns), but
			// not one that misspells a known key (palmc run refuses it); an
			// inline base is part of the sweep file and is held to it.
			where := what
			if path != "" {
				where = fmt.Sprintf("%s: %q", what, path)
			}
			msg := fmt.Sprintf("%s: unknown params key %q", where, m.Key)
			if s := params.Suggest(m.Key); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, errors.New(msg)
		}
	}
	b.members = ms
	b.Raw = bytes.TrimSpace(raw)
	return b, nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkKey checks a params key that the sweep file varies or sets.
func checkKey(what, key string) error {
	switch {
	case key == "random_seed":
		return fmt.Errorf("%s: random_seed: the sweep's \"seeds\" give each cell its seed", what)
	case key == "_comment":
		return fmt.Errorf("%s: _comment is not a params key to set", what)
	case !params.IsKey(key):
		msg := fmt.Sprintf("%s: unknown params key %q", what, key)
		if s := params.Suggest(key); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return errors.New(msg)
	}
	return nil
}

// parseGrid reads "grid": params key -> list of values.
func parseGrid(raw json.RawMessage) ([]Axis, error) {
	if kind(raw) != "an object" {
		return nil, fmt.Errorf("grid: value %s: want an object of params keys and lists of values, e.g. {\"eta_bw\": [[5], [20]]}", raw)
	}
	ms, _ := members(raw)
	var axes []Axis
	var errs []error
	seen := map[string]bool{}
	for _, m := range ms {
		if err := checkKey("grid", m.Key); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[m.Key] {
			errs = append(errs, fmt.Errorf("grid: %s given twice", m.Key))
			continue
		}
		seen[m.Key] = true
		var vals []json.RawMessage
		if kind(m.Raw) != "a list" || json.Unmarshal(m.Raw, &vals) != nil {
			errs = append(errs, fmt.Errorf("grid: %s: value %s: want a list of values (a list value is a list of lists: [[5], [20]])", m.Key, m.Raw))
			continue
		}
		if len(vals) == 0 {
			errs = append(errs, fmt.Errorf("grid: %s: empty list: an axis needs at least one value", m.Key))
			continue
		}
		ax := Axis{Key: m.Key}
		for _, v := range vals {
			fv, err := format(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("grid: %s: %v", m.Key, err))
				continue
			}
			if slices.ContainsFunc(ax.Values, func(o json.RawMessage) bool { return bytes.Equal(o, fv) }) {
				errs = append(errs, fmt.Errorf("grid: %s: value %s given twice (the cells would be duplicates)", m.Key, fv))
				continue
			}
			ax.Values = append(ax.Values, fv)
		}
		axes = append(axes, ax)
	}
	return axes, errors.Join(errs...)
}

// parseVariants reads "variants": a list of {"name", "params", "base"}.
func parseVariants(raw json.RawMessage, axes []Axis, read Reader) ([]Variant, error) {
	var list []json.RawMessage
	if kind(raw) != "a list" || json.Unmarshal(raw, &list) != nil {
		return nil, fmt.Errorf("variants: value %s: want a list of {\"name\": ..., \"params\": {...}}", raw)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("variants: empty list: leave the key out, or give at least one variant")
	}
	var out []Variant
	var errs []error
	names := map[string]bool{}
	for i, item := range list {
		what := fmt.Sprintf("variants[%d]", i)
		if kind(item) != "an object" {
			errs = append(errs, fmt.Errorf("%s: value %s: want an object {\"name\": ..., \"params\": {...}}", what, item))
			continue
		}
		ms, _ := members(item)
		v := Variant{}
		given := map[string]bool{}
		for _, m := range ms {
			if m.Key != "_comment" && given[m.Key] {
				errs = append(errs, fmt.Errorf("%s: %s given twice", what, m.Key))
			}
			given[m.Key] = true
			switch m.Key {
			case "_comment":
			case "name":
				if json.Unmarshal(m.Raw, &v.Name) != nil || !variantName.MatchString(v.Name) {
					errs = append(errs, fmt.Errorf("%s: name: value %s: want a name of letters, digits and . _ + - (it names the cells' folders)", what, m.Raw))
				}
			case "params":
				if kind(m.Raw) != "an object" {
					errs = append(errs, fmt.Errorf("%s: params: value %s: want an object of params keys and values", what, m.Raw))
					continue
				}
				set, _ := members(m.Raw)
				inSet := map[string]bool{}
				for _, s := range set {
					if err := checkKey(what+" params", s.Key); err != nil {
						errs = append(errs, err)
					} else if inSet[s.Key] {
						errs = append(errs, fmt.Errorf("%s params: %s given twice (which value did you mean?)", what, s.Key))
					}
					inSet[s.Key] = true
					for _, ax := range axes {
						if ax.Key == s.Key {
							errs = append(errs, fmt.Errorf("%s params: %s is also an axis of the grid; vary it in one place", what, s.Key))
						}
					}
				}
				v.Set = set
			case "base":
				b, err := readBase(what+" base", m.Raw, read)
				if err != nil {
					errs = append(errs, err)
				}
				v.Base = b
			default:
				errs = append(errs, fmt.Errorf("%s: unknown key %q (keys: name, params, base)", what, m.Key))
			}
		}
		if v.Name == "" {
			errs = append(errs, fmt.Errorf("%s: name: missing (required)", what))
		} else if names[v.Name] {
			errs = append(errs, fmt.Errorf("%s: name %q given twice", what, v.Name))
		}
		names[v.Name] = true
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}

// parseSeeds reads "seeds": a list of distinct integer seeds.
func parseSeeds(raw json.RawMessage) ([]int64, error) {
	var vals []json.RawMessage
	if kind(raw) != "a list" || json.Unmarshal(raw, &vals) != nil {
		return nil, fmt.Errorf("seeds: value %s: want a list of integers, e.g. [123, 456]", raw)
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("seeds: empty list: give at least one seed")
	}
	var out []int64
	for i, v := range vals {
		if k := kind(v); k != "a number" {
			return nil, fmt.Errorf("seeds[%d]: value %s: want an integer from 0 to %d (numpy's seeds), got %s", i, v, uint32(math.MaxUint32), k)
		}
		s, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || s < 0 || s > math.MaxUint32 {
			return nil, fmt.Errorf("seeds[%d]: value %s: want an integer from 0 to %d (numpy's seeds)", i, v, uint32(math.MaxUint32))
		}
		if slices.Contains(out, s) {
			return nil, fmt.Errorf("seeds[%d]: value %d given twice (the cells would be duplicates)", i, s)
		}
		out = append(out, s)
	}
	return out, nil
}

// Refusal is an error about what was asked — the sweep file, the sweep
// folder's state, the flags — found before anything was written or run:
// palmc's exit code 2.
type Refusal struct{ Err error }

func (e *Refusal) Error() string { return e.Err.Error() }
func (e *Refusal) Unwrap() error { return e.Err }

func refusef(format string, a ...any) error { return &Refusal{fmt.Errorf(format, a...)} }
