package runfolder

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"palmc/inputfile"
	"palmc/store"
)

// lockFile is the name of the lock of a run folder.
const lockFile = ".palmc.lock"

// holder is what a lock file says about the palmc that holds it.
type holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
	Command []string  `json:"command"`
}

// BusyError reports a run folder that another palmc is using.
type BusyError struct {
	Dir    string
	Holder *holder // nil if unknown
}

func (e *BusyError) Error() string {
	msg := fmt.Sprintf("folder %s is in use by another palmc", e.Dir)
	stop := "; wait for it to finish, or stop it (a palmc run saves a checkpoint on Ctrl-C or kill -TERM)"
	if h := e.Holder; h != nil {
		msg = fmt.Sprintf("folder %s is in use by palmc (pid %d on %s since %s: %s)", e.Dir, h.PID, h.Host,
			h.Since.Format("2006-01-02 15:04:05"), strings.Join(h.Command, " "))
		if h.simulates() {
			stop = "; wait for it to finish, or stop it (Ctrl-C or kill -TERM saves a checkpoint)"
		} else {
			stop = "; wait for it to finish, or stop it (it leaves the folder's files as they were)"
		}
	}
	return msg + stop
}

// simulates reports whether the holder's command simulates (palmc run,
// example, sweep run or sweep cell), so that a signal saves a checkpoint;
// the others (plot, figure, sweep gather) only redraw or collect.
func (h *holder) simulates() bool {
	var words []string
	for _, a := range h.Command[min(1, len(h.Command)):] {
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
		}
	}
	switch {
	case len(words) == 0:
		return false
	case words[0] == "run" || words[0] == "example":
		return true
	case words[0] == "sweep" && len(words) > 1:
		return words[1] == "run" || words[1] == "cell"
	}
	return false
}

// folderLock is a run folder locked by this process: the kernel's lock on
// the folder itself, which neither removing nor renaming a file can undo,
// and the file that tells others who holds it.
type folderLock struct {
	dir, info *os.File
}

// lock takes the lock of dir for this process, without waiting.
func lock(dir string, command []string) (*folderLock, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("locking run folder %s: %w", dir, err)
	}
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		d.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &BusyError{Dir: dir, Holder: readHolder(dir)}
		}
		return nil, fmt.Errorf("locking run folder %s: %w", dir, err)
	}
	info, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, store.FileMode)
	if err == nil {
		err = regular(info)
	}
	if err != nil {
		if info != nil {
			info.Close()
		}
		d.Close()
		return nil, fmt.Errorf("locking run folder %s: %w", dir, err)
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(holder{PID: os.Getpid(), Host: host, Since: time.Now(), Command: command})
	// What the file says is for the messages of others; the lock itself is
	// the kernel's.
	if err := info.Truncate(0); err == nil {
		info.WriteAt(append(b, '\n'), 0)
	}
	return &folderLock{dir: d, info: info}, nil
}

// regular refuses an open file that is not a regular file (a named pipe
// put in the place of a lock file would hold up whoever reads it).
func regular(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w", f.Name(), inputfile.ErrNotRegular)
	}
	return nil
}

// readHolder reads who holds a folder, or nil.
func readHolder(dir string) *holder {
	b, err := inputfile.Read(filepath.Join(dir, lockFile), 1<<20)
	var h holder
	if err != nil || json.Unmarshal(b, &h) != nil || h.PID <= 0 {
		return nil
	}
	return &h
}

// unlock releases the lock; the kernel releases it too when the process
// ends, however it ends.
func unlock(l *folderLock) error {
	l.info.Truncate(0)
	l.info.Close()
	return l.dir.Close()
}

// InUse reports whether a palmc holds run folder dir, and who: a
// *BusyError, or nil when the folder is free (or does not exist). It takes
// a shared lock and releases it at once, so a palmc that opens the folder
// at that very moment may be refused with a BusyError that names no
// holder; such a caller may try again.
func InUse(dir string) (*BusyError, error) {
	d, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	err = syscall.Flock(int(d.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
		return nil, nil
	}
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, err
	}
	return &BusyError{Dir: dir, Holder: readHolder(dir)}, nil
}
