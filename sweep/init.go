package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"palmc/params"
	"palmc/store"
)

// InitReport says what Init did.
type InitReport struct {
	Cells []Cell
	// Repaired lists the cells whose folders were missing and were written
	// again (Init on a folder that holds the same sweep).
	Repaired []string
	// Existing is set when the folder held the same sweep already.
	Existing bool
	// IndexRestored is set when the folder had lost its index.json and
	// Init wrote it again.
	IndexRestored bool
	// Warnings are the params warnings of the cells, each once.
	Warnings []string
}

// Init expands the sweep file into dir: the self-contained sweep file,
// index.json and one run folder with its params.json per cell. Nothing is
// written when the sweep file is bad (a *Refusal). dir must not exist, be
// empty, or hold the same sweep: then the cell folders that are missing
// (or miss their params.json) are written again and nothing else is
// touched.
func Init(f *File, dir string, command []string) (*InitReport, error) {
	return InitContext(context.Background(), f, dir, command)
}

// ErrInitInterrupted is returned (wrapped) by an init stopped by its
// context.
var ErrInitInterrupted = errors.New("interrupted")

// InitContext is Init, stopped when ctx ends: a new sweep folder is then
// not made (nothing of it is left), a repair keeps the cells it wrote. The
// hidden folder that a new sweep folder is written into before it is
// renamed into place is locked while it is written; one left by an init
// that was killed is removed by the next init of the same folder.
func InitContext(ctx context.Context, f *File, dir string, command []string) (*InitReport, error) {
	removeStaleInits(filepath.Dir(filepath.Clean(dir)), initPrefix(dir))
	cells, err := f.expand(ctx)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: nothing written into %s", ErrInitInterrupted, dir)
	}
	if err != nil {
		return nil, err
	}
	rep := &InitReport{Cells: cells}
	seen := map[string]bool{}
	for _, c := range cells {
		for _, w := range c.Warnings {
			if !seen[w] {
				seen[w] = true
				rep.Warnings = append(rep.Warnings, w)
			}
		}
	}
	ix := newIndex(f, cells)
	self, err := f.selfContained()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0:
		return rep, create(ctx, dir, self, ix, cells)
	case err != nil:
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return nil, refusef("%s exists and is a file, not a folder; choose a new folder for the sweep", dir)
		}
		return nil, refusef("%s: %v", dir, err)
	}
	lost := false
	old, err := Open(dir)
	switch {
	case err == nil:
		if diff := sameSweep(old.Index, ix); diff != "" {
			return nil, refusef("%s holds another sweep (from %s: %s); choose a new folder", dir, old.Index.Source, diff)
		}
	case indexLost(dir):
		if why := holdsCellsOf(dir, ix); why != "" {
			return nil, refusef("%s has lost its %s and %s, so it cannot be written again from %s; choose a new folder", dir, IndexFile, why, f.Source)
		}
		lost = true
	default:
		return nil, refusef("%s exists and is not an empty folder or a sweep folder; choose a new folder", dir)
	}
	rep.Existing = true
	l, err := lock(dir, true, command)
	if err != nil {
		return nil, err
	}
	defer l.unlock()
	if lost {
		if err := writeIndex(filepath.Join(dir, IndexFile), ix); err != nil {
			return rep, err
		}
		rep.IndexRestored = true
	}
	for _, c := range cells {
		if ctx.Err() != nil {
			return rep, fmt.Errorf("%w: wrote %d missing cell folders of %s, not the others; palmc sweep init again writes them", ErrInitInterrupted, len(rep.Repaired), dir)
		}
		cd := filepath.Join(dir, filepath.FromSlash(c.Dir))
		if _, err := os.Lstat(cd); err == nil {
			// A folder without params.json: one that a killed init was
			// writing, or whose params.json was removed.
			if _, err := os.Lstat(filepath.Join(cd, "params.json")); !errors.Is(err, os.ErrNotExist) {
				continue
			}
		}
		if err := writeCell(cd, c.Text); err != nil {
			return rep, err
		}
		rep.Repaired = append(rep.Repaired, c.Dir)
	}
	if _, err := os.Stat(filepath.Join(dir, SweepFile)); errors.Is(err, os.ErrNotExist) {
		if err := writeFile(filepath.Join(dir, SweepFile), self); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// create writes a new sweep folder: into a hidden folder beside dir first,
// locked while it is written and renamed to dir when complete, so that an
// interrupted init leaves nothing half made at dir, and what a killed one
// left is known for what it is.
func create(ctx context.Context, dir string, self []byte, ix *Index, cells []Cell) error {
	// A link to an empty folder: the sweep goes into the folder it names
	// (a rename onto the link would fail).
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, store.DirMode); err != nil {
		return refusef("%s: %v", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, initPrefix(dir))
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	held, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer held.Close()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return err
	}
	if err := os.Chmod(tmp, store.DirMode); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(tmp, SweepFile), self); err != nil {
		return err
	}
	for _, c := range cells {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: nothing written into %s", ErrInitInterrupted, dir)
		}
		if err := writeCell(filepath.Join(tmp, filepath.FromSlash(c.Dir)), c.Text); err != nil {
			return err
		}
	}
	if err := writeIndex(filepath.Join(tmp, IndexFile), ix); err != nil {
		return err
	}
	// rename(2) replaces an empty folder in one step (os.Rename refuses
	// any folder) and fails on one that is not empty.
	if err := syscall.Rename(tmp, dir); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}

// indexLost reports whether dir looks like a sweep folder whose index.json
// is gone: it has no index.json, and has the sweep's sweep.json or cells/.
func indexLost(dir string) bool {
	if exists(filepath.Join(dir, IndexFile)) {
		return false
	}
	return exists(filepath.Join(dir, SweepFile)) || exists(filepath.Join(dir, CellsDir))
}

// holdsCellsOf says why the sweep folder dir, which has lost its
// index.json, is not one of the sweep of ix ("" when it is): its own
// sweep.json must expand to the same cells, or, without one, every folder
// in its cells/ must be a cell of ix with the same params.json, and those
// with results must have run with the options of ix.
func holdsCellsOf(dir string, ix *Index) string {
	if exists(filepath.Join(dir, SweepFile)) {
		f, err := Load(filepath.Join(dir, SweepFile))
		if err != nil {
			return "its " + SweepFile + " cannot be read: " + firstLine(err.Error())
		}
		cells, err := f.Expand()
		if err != nil {
			return "its " + SweepFile + " has no cells: " + firstLine(err.Error())
		}
		if diff := sameSweep(newIndex(f, cells), ix); diff != "" {
			return "its " + SweepFile + " is another sweep (" + diff + ")"
		}
		return ""
	}
	entries, err := os.ReadDir(filepath.Join(dir, CellsDir))
	if err != nil || len(entries) == 0 {
		return "it holds no cell of this sweep"
	}
	byDir := map[string]IndexCell{}
	for _, c := range ix.Cells {
		byDir[c.Dir] = c
	}
	flags, err := parseFlags(ix.Flags, ix.Task)
	if err != nil {
		return err.Error()
	}
	for _, e := range entries {
		c, ok := byDir[CellsDir+"/"+e.Name()]
		if !ok {
			return "its " + CellsDir + "/" + e.Name() + " is no cell of this sweep"
		}
		cd := filepath.Join(dir, filepath.FromSlash(c.Dir))
		text, err := params.ReadFile(filepath.Join(cd, "params.json"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil || digest(text) != c.ParamsSHA256 {
			return "its " + c.Dir + " is no cell of this sweep"
		}
		// The results of a cell say with which options it ran.
		if sum, err := readSummary(filepath.Join(cd, "summary.json")); err == nil {
			if o := sum.Options; o.Task != ix.Task || o.Compare != flags.Compare || o.SharedInput != flags.SharedInput {
				return fmt.Sprintf("its %s ran with other options (task %s, --compare BP %s, --shared-input %s)", c.Dir, o.Task, onOff(o.Compare), onOff(o.SharedInput))
			}
		}
	}
	return ""
}

// initMark follows the sweep folder's name in the name of the hidden
// folder a new sweep folder is written into.
const initMark = ".palmc-init-"

// initPrefix is the start of the name of the hidden folder that a new
// sweep folder dir is written into, beside it.
func initPrefix(dir string) string { return "." + filepath.Base(filepath.Clean(dir)) + initMark }

// removeStaleInits removes the hidden folders of new sweep folders (named
// prefix…) in parent that no init holds: those of inits that were killed.
func removeStaleInits(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		d, err := os.Open(path)
		if err != nil {
			continue
		}
		if syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(path)
		}
		d.Close()
	}
}

// writeCell makes a cell's run folder with its params.json.
func writeCell(dir string, text []byte) error {
	if err := os.MkdirAll(dir, store.DirMode); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "params.json"), text)
}

// writeIndex writes index.json with one cell per line.
func writeIndex(path string, ix *Index) error {
	head := *ix
	head.Cells = nil
	b, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Write(bytes.TrimSuffix(b, []byte("\n}")))
	buf.WriteString(",\n  \"cells\": [")
	for i, c := range ix.Cells {
		cb, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n    ")
		buf.Write(cb)
	}
	buf.WriteString("\n  ]\n}\n")
	return writeFile(path, buf.Bytes())
}

// selfContained returns the sweep file with every base that it names by
// path written inline, so that the sweep folder holds all it was made
// from: palmc sweep init DIR/sweep.json DIR writes missing cells again.
func (f *File) selfContained() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	first := true
	add := func(key string, val []byte) {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString("\n    ")
		b.Write(quote(key))
		b.WriteString(": ")
		b.Write(val)
	}
	if f.Base != nil && f.Base.Source != "" || hasVariantBase(f) {
		add("_comment", quote(fmt.Sprintf("palmc sweep init copied %s here with its bases inline.", f.Source)))
	}
	for _, m := range f.members {
		switch m.Key {
		case "base":
			obj, err := writeObject(f.Base.members)
			if err != nil {
				return nil, err
			}
			add(m.Key, indent(obj))
		case "variants":
			var list bytes.Buffer
			list.WriteString("[")
			for i, v := range f.Variants {
				ms := []member{{Key: "name", Raw: quote(v.Name)}}
				if v.Base != nil {
					obj, _ := writeObject(v.Base.members)
					ms = append(ms, member{Key: "base", Raw: obj})
				}
				if len(v.Set) > 0 {
					obj, _ := writeObject(v.Set)
					ms = append(ms, member{Key: "params", Raw: obj})
				}
				line, err := writeObject(ms)
				if err != nil {
					return nil, err
				}
				line, _ = format(line)
				if i > 0 {
					list.WriteString(",")
				}
				list.WriteString("\n        ")
				list.Write(line)
			}
			list.WriteString("\n    ]")
			add(m.Key, list.Bytes())
		case "grid":
			if !slices.ContainsFunc(f.Axes, func(ax Axis) bool { return ax.Key == "dataset_dir" }) {
				v, err := format(m.Raw)
				if err != nil {
					return nil, err
				}
				add(m.Key, v)
				continue
			}
			// Its dataset_dir values as resolved.
			var axes []member
			for _, ax := range f.Axes {
				vals := make([]string, len(ax.Values))
				for i, v := range ax.Values {
					vals[i] = string(v)
				}
				axes = append(axes, member{Key: ax.Key, Raw: json.RawMessage("[" + strings.Join(vals, ", ") + "]")})
			}
			obj, err := writeObject(axes)
			if err != nil {
				return nil, err
			}
			add(m.Key, indent(obj))
		default:
			v, err := format(m.Raw)
			if err != nil {
				return nil, err
			}
			add(m.Key, v)
		}
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

func hasVariantBase(f *File) bool {
	for _, v := range f.Variants {
		if v.Base != nil && v.Base.Source != "" {
			return true
		}
	}
	return false
}

// indent indents the lines after the first of a JSON object by four
// spaces, to nest it.
func indent(obj []byte) []byte {
	s := strings.TrimSuffix(string(obj), "\n")
	return []byte(strings.ReplaceAll(s, "\n", "\n    "))
}
