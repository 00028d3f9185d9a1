package runfolder

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"palmc/inputfile"
	"palmc/store"
)

// A Stage is a hidden folder inside the run folder where a run writes its
// outputs. Commit switches them into place:
//
//  1. the stage gets a manifest — the names it brings and the names to
//     remove — and every file in it is synced;
//  2. the stage is renamed to .palmc-commit: from here on the switch is
//     decided, and a palmc that finds that folder finishes it;
//  3. every name it brings replaces the folder's entry of that name (the
//     old entry is moved into the commit folder first, if it is a folder
//     or the new one is), every name to remove is moved there too;
//  4. the commit folder, now holding only old entries, is renamed to a
//     fresh .palmc-old-* name in one step, and that folder is removed.
//
// Each step can be repeated after a crash with the same outcome. Until
// step 2 the folder is untouched; a stage left by a killed palmc is
// removed by the next one, and so is a .palmc-old-* folder, whatever a
// kill left of it. The commit folder keeps its manifest until it is
// renamed away, so a commit folder is always one whose switch can be
// finished; one without a manifest that holds only old entries (left by
// a palmc that removed the commit folder in place, as palmc did before
// step 4 renamed it) is the end of a finished switch, and is removed.

const (
	stagePrefix = ".palmc-stage-"
	commitDir   = ".palmc-commit"
	manifest    = ".manifest.json"
	oldPrefix   = ".old-"
	// donePrefix names a finished commit folder on its way out.
	donePrefix = ".palmc-old-"
)

// crashAfter, in tests, stops a commit as if palmc were killed after that
// many of its steps (then it becomes -2); -1: never.
var crashAfter = -1

// errCrashed is what a commit stopped by crashAfter returns.
var errCrashed = errors.New("runfolder: stopped as if killed")

// crashed counts one step of a commit for crashAfter.
func crashed() bool {
	switch {
	case crashAfter < 0:
		return false
	case crashAfter == 0:
		crashAfter = -2
		return true
	}
	crashAfter--
	return false
}

// Stage is a run's outputs in the making.
type Stage struct {
	f   *Folder
	dir string
}

// NewStage makes an empty stage in the folder.
func (f *Folder) NewStage() (*Stage, error) {
	dir, err := os.MkdirTemp(f.Dir, stagePrefix)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, store.DirMode); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &Stage{f: f, dir: dir}, nil
}

// Path returns where the output of that name is written in the stage.
func (s *Stage) Path(name string) string { return filepath.Join(s.dir, name) }

// Discard removes the stage and everything in it.
func (s *Stage) Discard() error {
	if s.dir == "" {
		return nil
	}
	err := os.RemoveAll(s.dir)
	s.dir = ""
	return err
}

type commitManifest struct {
	Bring  []string `json:"bring"`
	Remove []string `json:"remove"`
}

// Commit switches the stage's outputs into the folder, and removes the
// folder's entries named in remove that the stage does not bring.
func (s *Stage) Commit(remove []string) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	var m commitManifest
	for _, e := range entries {
		m.Bring = append(m.Bring, e.Name())
	}
	for _, r := range remove {
		if !slices.Contains(m.Bring, r) {
			m.Remove = append(m.Remove, r)
		}
	}
	if err := syncTree(s.dir); err != nil {
		return fmt.Errorf("writing the outputs: %w", err)
	}
	if crashed() {
		return errCrashed
	}
	b, _ := json.Marshal(m)
	if err := store.WriteAtomic(filepath.Join(s.dir, manifest), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return fmt.Errorf("writing the outputs: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	if crashed() {
		return errCrashed
	}
	if err := os.Rename(s.dir, s.f.Path(commitDir)); err != nil {
		return fmt.Errorf("switching the outputs into place: %w", err)
	}
	s.dir = ""
	if crashed() {
		return errCrashed
	}
	if err := syncDir(s.f.Dir); err != nil {
		return err
	}
	return s.f.applyCommit()
}

// applyCommit carries out steps 3 and 4 of a decided switch.
func (f *Folder) applyCommit() error {
	c := f.Path(commitDir)
	b, err := inputfile.Read(filepath.Join(c, manifest), 16<<20)
	if errors.Is(err, os.ErrNotExist) {
		return f.removeFinishedCommit(c)
	}
	if err != nil {
		return err
	}
	var m commitManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", manifest, err)
	}
	for _, name := range append(m.Bring, m.Remove...) {
		if name == "" || name == "." || name == ".." || filepath.Base(name) != name || name == manifest {
			return fmt.Errorf("%s names %q", manifest, name)
		}
	}
	for _, name := range m.Bring {
		src := filepath.Join(c, name)
		nfi, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // brought before a crash
		}
		if err != nil {
			return err
		}
		dst := f.Path(name)
		if ofi, err := os.Lstat(dst); err == nil && (ofi.IsDir() || nfi.IsDir()) {
			if err := moveAside(c, dst, name); err != nil {
				return err
			}
			if crashed() {
				return errCrashed
			}
		}
		if err := os.Rename(src, dst); err != nil {
			return err
		}
		if crashed() {
			return errCrashed
		}
	}
	for _, name := range m.Remove {
		if err := moveAside(c, f.Path(name), name); err != nil {
			return err
		}
		if crashed() {
			return errCrashed
		}
	}
	if err := syncDir(f.Dir); err != nil {
		return err
	}
	return f.discardCommit(c)
}

// discardCommit is step 4: the commit folder c, holding only old entries,
// leaves in one rename, then goes.
func (f *Folder) discardCommit(c string) error {
	done, err := os.MkdirTemp(f.Dir, donePrefix)
	if err != nil {
		return err
	}
	// A folder renamed onto an empty one replaces it (rename(2); Go's
	// os.Rename refuses an existing folder).
	if err := syscall.Rename(c, done); err != nil {
		os.Remove(done)
		return &os.LinkError{Op: "rename", Old: c, New: done, Err: err}
	}
	if crashed() {
		return errCrashed
	}
	return removeTree(done)
}

// removeFinishedCommit removes a commit folder c that has no manifest: the
// remains of a finished switch whose commit folder a palmc was removing in
// place when it was stopped. Anything in it but old entries means it is
// not that, and it is left to the user.
func (f *Folder) removeFinishedCommit(c string) error {
	entries, err := os.ReadDir(c)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), oldPrefix) {
			return fmt.Errorf("%s has no %s and holds %s, which no palmc left there: see what it is, and remove it", c, manifest, e.Name())
		}
	}
	return f.discardCommit(c)
}

// removeTree removes dir and everything in it, one entry at a time (a
// crash in tests may stop it after any of them; see crashAfter).
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return os.RemoveAll(dir)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			err = removeTree(p)
		} else {
			err = os.Remove(p)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if crashed() {
			return errCrashed
		}
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// moveAside moves path, if it exists, into the commit folder c.
func moveAside(c, path, name string) error {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	old := filepath.Join(c, oldPrefix+name)
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	return os.Rename(path, old)
}

// syncTree syncs every regular file and folder under dir.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&os.ModeSymlink != 0 {
			return nil
		}
		if d.IsDir() {
			return syncDir(path)
		}
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		return fh.Sync()
	})
}

// syncDir makes the entries of dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
