// Package experiments holds palmc's params files: the built-in example and
// the experiments of the paper (Fig. 3, 4 and 6 of arXiv:2212.10249), each
// in a folder of its own with the command that runs it in README.md.
// They are embedded in the palmc binary.
package experiments

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

//go:embed */params.json
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
