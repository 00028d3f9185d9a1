package runfolder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"palmc/store"
)

// The files of a run folder.
const (
	ParamsFile     = "params.json"
	ResultsFile    = "results.npz"
	ModelFile      = "model.npz"
	SummaryFile    = "summary.json"
	PlotsDir       = "plots"
	CheckpointFile = store.CheckpointFile
)

// runOutputs are the outputs of a finished run; a new run replaces all of
// them, and a checkpoint with them.
var runOutputs = []string{ResultsFile, ModelFile, SummaryFile, PlotsDir}

// Folder is a run folder locked by this process.
type Folder struct {
	// Dir is the folder's path as given.
	Dir  string
	lock *folderLock
	// Recovered says what Open finished or removed that a palmc stopped
	// while writing left behind ("" if nothing).
	Recovered string
}

// Open creates dir if needed, locks it and finishes or removes what a
// palmc killed while writing it left behind (see Stage). It fails with a
// *BusyError when another palmc holds the folder. Close releases it.
func Open(dir string, command []string) (*Folder, error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, &Refusal{fmt.Errorf("run folder %s is a file, not a folder", dir)}
	}
	if err := os.MkdirAll(dir, store.DirMode); err != nil {
		return nil, &Refusal{fmt.Errorf("run folder %s: %w", dir, err)}
	}
	l, err := lock(dir, command)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			return nil, &Refusal{fmt.Errorf("%w: palmc cannot write the run folder", err)}
		}
		return nil, err
	}
	f := &Folder{Dir: dir, lock: l}
	if err := f.recover(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// OpenRun is Open for a folder that must be a run folder already: one that
// holds a run's params or outputs, or what a palmc stopped while it
// switched them left. Any other folder (palmc plot /etc) is refused with a
// *Refusal before anything is written into it: locking a folder writes its
// lock file.
func OpenRun(dir string, command []string) (*Folder, error) {
	if !IsRunFolder(dir) {
		return nil, refuse(fmt.Errorf("%s is not a palmc run folder: it holds none of %s, %s, %s, %s, %s", dir, ResultsFile, SummaryFile, ModelFile, CheckpointFile, ParamsFile))
	}
	return Open(dir, command)
}

// SwitchCutShort reports whether a palmc was stopped while it switched the
// outputs of a run into dir: the next palmc that opens the folder finishes
// the switch; until then the folder's files may be the previous run's.
func SwitchCutShort(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, commitDir))
	return err == nil
}

// IsRunFolder reports whether dir is a folder that holds a run's params or
// outputs, or a switch of them cut short.
func IsRunFolder(dir string) bool {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false
	}
	for _, name := range []string{ResultsFile, SummaryFile, ModelFile, CheckpointFile, ParamsFile, commitDir} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// Close releases the folder.
func (f *Folder) Close() error {
	if f.lock == nil {
		return nil
	}
	err := unlock(f.lock)
	f.lock = nil
	return err
}

// Path returns the path of a file of the folder.
func (f *Folder) Path(name string) string { return filepath.Join(f.Dir, name) }

// exists reports whether the folder has an entry of that name (a broken
// symbolic link counts).
func (f *Folder) exists(name string) bool {
	_, err := os.Lstat(f.Path(name))
	return err == nil
}

// recover finishes a switch that was decided (a commit folder exists),
// removes unfinished stages and the temporary files of killed writes.
func (f *Folder) recover() error {
	if f.exists(commitDir) {
		if err := f.applyCommit(); err != nil {
			return fmt.Errorf("run folder %s: finishing the outputs of an earlier palmc: %w", f.Dir, err)
		}
		f.Recovered = "finished putting in place the outputs of a run whose palmc was stopped while it did so"
	}
	entries, err := os.ReadDir(f.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, stagePrefix) || strings.HasPrefix(name, donePrefix) || isTemp(name) {
			if err := os.RemoveAll(f.Path(name)); err != nil {
				return fmt.Errorf("run folder %s: removing %s, left by a palmc that was stopped: %w", f.Dir, name, err)
			}
		}
	}
	return nil
}

// isTemp reports whether name is a temporary file of store.WriteAtomic
// for one of the folder's files: ".<file>.tmp<digits>".
func isTemp(name string) bool {
	for _, f := range []string{ParamsFile, ResultsFile, ModelFile, SummaryFile, CheckpointFile} {
		rest, ok := strings.CutPrefix(name, "."+f+store.TempMark)
		if ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// follow finds the folder again if it was renamed or moved while palmc
// held it: the lock holds the folder open, and Linux names the folder an
// open descriptor belongs to. It reports the new path ("" if unchanged).
func (f *Folder) follow() string {
	if f.lock == nil {
		return ""
	}
	if fi, err := os.Stat(f.Dir); err == nil {
		if li, err := f.lock.dir.Stat(); err == nil && os.SameFile(fi, li) {
			return ""
		}
	}
	p, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.lock.dir.Fd()))
	if err != nil || strings.HasSuffix(p, " (deleted)") {
		return ""
	}
	f.Dir = p
	return p
}
