package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Named pipes, devices and folders are refused at once, a named pipe
// without waiting for a writer; a regular file is read up to its limit.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{fifo: "a named pipe", "/dev/zero": "a character device", dir: "a folder"} {
		done := make(chan error, 1)
		go func() {
			_, err := Read(path, 100)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %s", path, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Read still waits after 10 s", path)
		}
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("0123456789"), 0o644)
	if b, err := Read(file, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("a file at its limit: %q %v", b, err)
	}
	var tl *TooLargeError
	if _, err := Read(file, 9); !errors.As(err, &tl) || tl.Size != 10 {
		t.Errorf("a file over its limit: %v", err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink("/dev/zero", link)
	if _, err := Read(link, 100); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a link to a device: %v", err)
	}
	// A file whose size the system does not know (as those of /proc) is
	// still bounded by the limit.
	if _, err := Read("/proc/self/maps", 10); !errors.As(err, &tl) || tl.Size != -1 {
		t.Errorf("a /proc file over the limit: %v", err)
	}
}
