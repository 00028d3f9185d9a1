package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"palmc/inputfile"
	"palmc/params"
	"palmc/runfolder"
	"palmc/store"
)

// The files of a sweep folder.
const (
	// SweepFile is the sweep file, self-contained: its bases inlined.
	SweepFile = "sweep.json"
	// IndexFile lists the cells.
	IndexFile = "index.json"
	// CellsDir holds the cells' run folders.
	CellsDir = "cells"
	// CSVFile, SummaryFile and PlotsDir are what gather writes.
	CSVFile     = "sweep.csv"
	SummaryFile = "summary.json"
	PlotsDir    = "plots"
	// SlurmDir holds the Slurm scripts, their logs and the submitted jobs.
	SlurmDir = "slurm"
)

// maxIndexSize is the largest index.json palmc reads: more than the
// index of MaxCells cells with long grid values.
const maxIndexSize = 1 << 30

// maxSmallFile bounds the other files of a sweep folder that palmc reads
// (a cell's record, summary.json, the Slurm jobs).
const maxSmallFile = 64 << 20

// indexFormat is the version of index.json.
const indexFormat = 1

// Index is index.json: what the sweep is and where its cells are.
type Index struct {
	Format int `json:"palmc_sweep"`
	// Source is the sweep file the folder was made from.
	Source  string          `json:"source"`
	Created time.Time       `json:"created"`
	Palmc   runfolder.Build `json:"palmc"`
	Task    params.Task     `json:"task"`
	Flags   []string        `json:"flags"`
	// Axes are the grid's keys, in the order of the cells' Values.
	Axes     []string    `json:"axes"`
	Variants []string    `json:"variants,omitempty"`
	Seeds    []int64     `json:"seeds"`
	Cells    []IndexCell `json:"cells,omitempty"`
}

// IndexCell is one cell of index.json.
type IndexCell struct {
	Index int `json:"index"`
	// Dir is the cell's run folder, relative to the sweep folder.
	Dir     string            `json:"dir"`
	Variant string            `json:"variant,omitempty"`
	Values  []json.RawMessage `json:"values"`
	Seed    int64             `json:"seed"`
	// Steps counts the steps of the cell's networks, teacher included.
	Steps int `json:"steps"`
	// ParamsSHA256 is the SHA-256 of the cell's params.json as written.
	ParamsSHA256 string `json:"params_sha256"`
	// RunParamsSHA256 is the SHA-256 of the cell's params as its run
	// records them in summary.json (see runParamsDigest); absent from the
	// indexes of older palmc.
	RunParamsSHA256 string `json:"run_params_sha256,omitempty"`
}

// Sweep is a sweep folder.
type Sweep struct {
	// Dir is the folder as given.
	Dir   string
	Index *Index
	// Flags are the cells' flags.
	Flags CellFlags

	// expanded holds the cells of the folder's sweep.json, to tell how an
	// edited params.json differs.
	expandOnce sync.Once
	expanded   []Cell
}

// Open reads the sweep folder dir. It takes no lock.
func Open(dir string) (*Sweep, error) {
	b, err := inputfile.Read(filepath.Join(dir, IndexFile), maxIndexSize)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, serr := os.Stat(dir); serr != nil {
				return nil, refusef("%s: no such sweep folder (palmc sweep init SWEEP.json %s makes one)", dir, dir)
			}
			if indexLost(dir) {
				from := filepath.Join(dir, SweepFile)
				if !exists(from) {
					from = "SWEEP.json (the sweep file it was made from)"
				}
				return nil, refusef("%s has lost its %s: palmc sweep init %s %s writes it again", dir, IndexFile, from, dir)
			}
			return nil, refusef("%s is not a sweep folder: it has no %s (palmc sweep init makes one)", dir, IndexFile)
		}
		return nil, refusef("%s: %v", dir, err)
	}
	var ix Index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, refusef("%s: %v", filepath.Join(dir, IndexFile), err)
	}
	if ix.Format != indexFormat {
		return nil, refusef("%s: format %d; this palmc reads format %d", filepath.Join(dir, IndexFile), ix.Format, indexFormat)
	}
	for i, c := range ix.Cells {
		if c.Index != i || !validCellDir(c.Dir) || len(c.Values) != len(ix.Axes) {
			return nil, refusef("%s: cell %d is damaged (index %d, dir %q)", filepath.Join(dir, IndexFile), i, c.Index, c.Dir)
		}
		for j, v := range c.Values {
			// JSON writers compact values; write them as the sweep file does.
			if f, err := format(v); err == nil {
				c.Values[j] = f
			}
		}
	}
	flags, err := parseFlags(ix.Flags, ix.Task)
	if err != nil {
		return nil, refusef("%s: %v", filepath.Join(dir, IndexFile), err)
	}
	return &Sweep{Dir: dir, Index: &ix, Flags: flags}, nil
}

// keepIndex checks, at the end of a run, that index.json is still the one
// the run read: removed while the sweep ran, it is written again from it
// (and said on log); replaced by another, the error says so.
func (s *Sweep) keepIndex(log io.Writer) error {
	path := filepath.Join(s.Dir, IndexFile)
	b, err := inputfile.Read(path, maxIndexSize)
	if errors.Is(err, os.ErrNotExist) {
		if err := writeIndex(path, s.Index); err != nil {
			return fmt.Errorf("%s was removed while the sweep ran, and could not be written again: %w; palmc sweep init %s %s writes it", path, err, filepath.Join(s.Dir, SweepFile), s.Dir)
		}
		logf(log, "palmc: warning: %s was removed while the sweep ran; palmc wrote it again", path)
		return nil
	}
	var now Index
	if err == nil {
		err = json.Unmarshal(b, &now)
	}
	if err != nil {
		return fmt.Errorf("%s was changed while the sweep ran: %v", path, err)
	}
	if diff := sameSweep(&now, s.Index); diff != "" {
		return fmt.Errorf("%s was replaced while the sweep ran (%s): the cells that ran are those of the index it started with", path, diff)
	}
	return nil
}

// validCellDir reports whether dir is a folder name under cells/.
func validCellDir(dir string) bool {
	name, ok := strings.CutPrefix(dir, CellsDir+"/")
	return ok && name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\")
}

// CellDir returns the path of a cell's run folder.
func (s *Sweep) CellDir(c IndexCell) string {
	return filepath.Join(s.Dir, filepath.FromSlash(c.Dir))
}

// Describe names a cell by its number, variant, grid values and seed.
func (s *Sweep) Describe(c IndexCell) string {
	parts := []string{fmt.Sprintf("cell %d", c.Index)}
	if c.Variant != "" {
		parts = append(parts, "variant "+c.Variant)
	}
	for i, k := range s.Index.Axes {
		parts = append(parts, fmt.Sprintf("%s = %s", k, c.Values[i]))
	}
	return strings.Join(append(parts, fmt.Sprintf("seed %d", c.Seed)), ", ")
}

// newIndex makes the index of a sweep file's cells.
func newIndex(f *File, cells []Cell) *Index {
	ix := &Index{Format: indexFormat, Source: f.Source, Created: time.Now().UTC().Round(time.Second),
		Palmc: runfolder.BuildInfo(), Task: f.Task, Flags: f.Flags, Seeds: f.Seeds}
	if ix.Flags == nil {
		ix.Flags = []string{}
	}
	for _, ax := range f.Axes {
		ix.Axes = append(ix.Axes, ax.Key)
	}
	for _, v := range f.Variants {
		ix.Variants = append(ix.Variants, v.Name)
	}
	// The flags were checked when the sweep file was read.
	flags, _ := parseFlags(f.Flags, f.Task)
	for i := range cells {
		c := &cells[i]
		vals := c.Values
		if vals == nil {
			vals = []json.RawMessage{}
		}
		canon, _ := c.Params.MarshalJSON()
		ix.Cells = append(ix.Cells, IndexCell{Index: c.Index, Dir: c.Dir, Variant: c.Variant, Values: vals,
			Seed: c.Seed, Steps: c.Steps(f.Task, flags.Compare), ParamsSHA256: digest(c.Text), RunParamsSHA256: runParamsDigest(canon)})
	}
	return ix
}

// sameSweep reports how two indexes differ in their cells ("" when they
// describe the same cells with the same params).
func sameSweep(a, b *Index) string {
	switch {
	case a.Task != b.Task:
		return fmt.Sprintf("task %s, not %s", a.Task, b.Task)
	case strings.Join(a.Flags, " ") != strings.Join(b.Flags, " "):
		return fmt.Sprintf("flags %q, not %q", a.Flags, b.Flags)
	case len(a.Cells) != len(b.Cells):
		return fmt.Sprintf("%d cells, not %d", len(a.Cells), len(b.Cells))
	}
	for i := range a.Cells {
		x, y := a.Cells[i], b.Cells[i]
		if x.Dir != y.Dir || x.ParamsSHA256 != y.ParamsSHA256 {
			return fmt.Sprintf("cell %d differs (%s, not %s)", i, x.Dir, y.Dir)
		}
	}
	return ""
}

// writeFile writes a file atomically.
func writeFile(path string, b []byte) error {
	return store.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// writeJSON writes v indented, atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(b, '\n'))
}
