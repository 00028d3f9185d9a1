// Package inputfile opens the files palmc reads — params and sweep files,
// the files of run and sweep folders, data files — so that no input can
// hold palmc up or exhaust its memory: a named pipe, a device, a socket or
// a folder is refused at once, without waiting for a writer (the file is
// opened non-blocking and checked on the open descriptor, so a file
// swapped after a check cannot slip through), and Read refuses a file
// larger than its caller's limit before reading it, and stops at the limit
// should the file grow while it is read.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is wrapped by the errors about inputs that are not regular
// files.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError reports a file larger than what may be read of it.
type TooLargeError struct {
	Path  string
	Size  int64 // -1 when the file grew while it was read
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("%s: grew beyond %s while it was read", e.Path, formatBytes(e.Limit))
	}
	return fmt.Sprintf("%s is %s: palmc reads at most %s of such a file; is it the right one?", e.Path, formatBytes(e.Size), formatBytes(e.Limit))
}

// Open opens path for reading, following symbolic links, and returns the
// file and what it is. Anything but a regular file is refused with an
// error that wraps ErrNotRegular and names what it is.
func Open(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(fi.Mode()))}
	}
	return f, fi, nil
}

// Read reads the regular file at path whole, refusing it (a
// *TooLargeError) when it holds more than limit bytes.
func Read(path string, limit int64) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: path, Size: fi.Size(), Limit: limit}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: path, Size: -1, Limit: limit}
	}
	return b, nil
}

// kind names what a file that is not regular is.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a file of data"
}

// formatBytes writes a size with a binary unit.
func formatBytes(b int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	x, i := float64(b), 0
	for x >= 1024 && i < len(units)-1 {
		x /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", b)
	}
	return fmt.Sprintf("%.3g %s", x, units[i])
}
