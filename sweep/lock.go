package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"palmc/inputfile"
	"palmc/store"
)

// lockFile is the lock of a sweep folder: palmc sweep run and init hold it
// alone, the cells that Slurm runs (palmc sweep cell) hold it together.
const lockFile = ".palmc-sweep.lock"

// lockHolder is what the lock file says about a palmc that holds it alone.
type lockHolder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
	Command []string  `json:"command"`
}

// BusyError reports a sweep folder that another palmc is using.
type BusyError struct {
	Dir string
	// Holder is the palmc that holds it alone, nil when cells hold it
	// together (palmc sweep cell, as Slurm runs them) or it is unknown.
	Holder *lockHolder
}

func (e *BusyError) Error() string {
	if h := e.Holder; h != nil {
		return fmt.Sprintf("sweep %s is in use by palmc (pid %d on %s since %s: %s); wait for it to finish, or stop it (Ctrl-C checkpoints its running cells)",
			e.Dir, h.PID, h.Host, h.Since.Format("2006-01-02 15:04:05"), strings.Join(h.Command, " "))
	}
	return fmt.Sprintf("sweep %s is in use: cells of it are running (palmc sweep cell, as a Slurm array runs them; palmc sweep status %s shows them); wait for them, or cancel the jobs", e.Dir, e.Dir)
}

// sweepLock is a held lock of a sweep folder.
type sweepLock struct{ f *os.File }

// lock takes the lock of the sweep folder, alone (exclusive) or shared,
// without waiting.
func lock(dir string, exclusive bool, command []string) (*sweepLock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, store.FileMode)
	if err == nil {
		var fi os.FileInfo
		if fi, err = f.Stat(); err == nil && !fi.Mode().IsRegular() {
			err = fmt.Errorf("%s: %w", path, inputfile.ErrNotRegular)
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("locking sweep %s: %w", dir, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			busy := &BusyError{Dir: dir}
			var h lockHolder
			if b, rerr := io.ReadAll(io.LimitReader(f, 1<<20)); rerr == nil && json.Unmarshal(b, &h) == nil && h.PID > 0 {
				busy.Holder = &h
			}
			return nil, busy
		}
		return nil, fmt.Errorf("locking sweep %s: %w", dir, err)
	}
	if exclusive {
		host, _ := os.Hostname()
		b, _ := json.Marshal(lockHolder{PID: os.Getpid(), Host: host, Since: time.Now(), Command: command})
		if err := f.Truncate(0); err == nil {
			f.WriteAt(append(b, '\n'), 0)
		}
	} else {
		// No one holds it alone: a name in it is that of a killed palmc,
		// which must not be named to those refused while tasks run.
		f.Truncate(0)
	}
	return &sweepLock{f: f}, nil
}

// unlock releases the lock.
func (l *sweepLock) unlock() {
	if l == nil || l.f == nil {
		return
	}
	st, err := l.f.Stat()
	if err == nil && st.Size() > 0 {
		// Only a holder alone wrote its name; shared holders leave it.
		var h lockHolder
		b := make([]byte, st.Size())
		if n, _ := l.f.ReadAt(b, 0); json.Unmarshal(b[:n], &h) == nil && h.PID == os.Getpid() {
			l.f.Truncate(0)
		}
	}
	l.f.Close()
	l.f = nil
}

// notLockedAlone reports a *BusyError when a palmc holds the sweep alone
// (palmc sweep run), without keeping any lock.
func notLockedAlone(dir string) error {
	l, err := lock(dir, false, nil)
	if err != nil {
		return err
	}
	l.unlock()
	return nil
}
