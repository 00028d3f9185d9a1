package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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
	// Warnings are the params warnings of the cells, each once.
	Warnings []string
}

// Init expands the sweep file into dir: the self-contained sweep file,
// index.json and one run folder with its params.json per cell. Nothing is
// written when the sweep file is bad (a *Refusal). dir must not exist, be
// empty, or hold the same sweep: then the cell folders that are missing
// are written again and nothing else is touched.
func Init(f *File, dir string, command []string) (*InitReport, error) {
	cells, err := f.Expand()
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
		return rep, create(dir, self, ix, cells)
	case err != nil:
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return nil, refusef("%s exists and is a file, not a folder; choose a new folder for the sweep", dir)
		}
		return nil, refusef("%s: %v", dir, err)
	}
	old, err := Open(dir)
	if err != nil {
		return nil, refusef("%s exists and is not an empty folder or a sweep folder; choose a new folder", dir)
	}
	if diff := sameSweep(old.Index, ix); diff != "" {
		return nil, refusef("%s holds another sweep (from %s: %s); choose a new folder", dir, old.Index.Source, diff)
	}
	rep.Existing = true
	l, err := lock(dir, true, command)
	if err != nil {
		return nil, err
	}
	defer l.unlock()
	for _, c := range cells {
		cd := filepath.Join(dir, filepath.FromSlash(c.Dir))
		if _, err := os.Lstat(cd); err == nil {
			continue
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
// renamed to dir when complete, so that an interrupted init leaves nothing
// half made at dir.
func create(dir string, self []byte, ix *Index, cells []Cell) error {
	// A link to an empty folder: the sweep goes into the folder it names
	// (a rename onto the link would fail).
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, store.DirMode); err != nil {
		return refusef("%s: %v", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(filepath.Clean(dir))+".palmc-init-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, store.DirMode); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(tmp, SweepFile), self); err != nil {
		return err
	}
	for _, c := range cells {
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
