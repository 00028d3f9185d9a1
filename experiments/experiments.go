// Package experiments holds palmc's params files: the built-in example and
// the experiments of the paper (Fig. 3, 4 and 6 of arXiv:2212.10249), each
// in a folder of its own with the command that runs it in README.md, and
// the sweep files of the studies made of several of them (fig6/sweep.json:
// Fig. 6 as one sweep). They are embedded in the palmc binary.
package experiments

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

//go:embed */params.json */sweep.json
var files embed.FS

// Example is the name of the built-in example.
const Example = "example"

// Names lists the folders that hold a params.json, sorted.
func Names() []string {
	var out []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Base(p) == "params.json" {
			out = append(out, path.Dir(p))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Params returns the params.json of the named experiment.
func Params(name string) ([]byte, error) {
	return files.ReadFile(path.Join(name, "params.json"))
}

// Sweeps lists the folders that hold a sweep.json, sorted.
func Sweeps() []string {
	var out []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Base(p) == "sweep.json" {
			out = append(out, path.Dir(p))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Sweep returns the sweep.json of the named sweep.
func Sweep(name string) ([]byte, error) {
	return files.ReadFile(path.Join(name, "sweep.json"))
}

// File returns an embedded file by its slash-separated path in
// experiments/ ("fig6-tauxi10-u/params.json"); a sweep file's bases are
// found this way, relative to the sweep's folder.
func File(name string) ([]byte, error) {
	return files.ReadFile(path.Clean(name))
}
