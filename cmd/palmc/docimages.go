package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"palmc/experiments"
)

// The images of docs/images are drawn by palmc itself, by the commands of
// the tutorial and of docs/reproduction.md: `palmc docs-images` runs them
// and copies the figures. TestDocsImages redraws the quick ones and
// compares them with the committed images; the long ones (paper runs of
// minutes) are checked through docs/images/sources.json, which records the
// hash of what drew them.

// docRecipe is one run (or set of runs) whose figures go into docs/images.
type docRecipe struct {
	name string
	// long marks runs of minutes, drawn only with --long.
	long bool
	// study marks runs of hours (the studies of docs/classification.md),
	// drawn only with --study, from run folders that hold them with --from.
	study bool
	// params writes the run folders' params files into dir.
	params func(dir string) error
	// commands are palmc's arguments, with "{dir}" for the recipe's folder.
	commands [][]string
	// images maps files of the recipe's folder to names in docs/images.
	images map[string]string
	// experiments are the experiment files the recipe runs.
	experiments []string
}

// writeExperiment writes an experiment's params.json into dir/sub, with
// the given values changed.
func writeExperiment(name, dir, sub string, changes map[string]any) error {
	b, err := experiments.Params(name)
	if err != nil {
		return err
	}
	if len(changes) > 0 {
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
		delete(p, "_comment")
		for k, v := range changes {
			p[k] = v
		}
		if b, err = json.MarshalIndent(p, "", "  "); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, sub, "params.json"), b, 0o644)
}

// docRecipes lists every image of docs/images and how it is made.
var docRecipes = []docRecipe{
	{
		name:     "example",
		params:   func(string) error { return nil },
		commands: [][]string{{"example", "--quiet", "{dir}"}},
		images: map[string]string{
			"plots/angle_WPPT_BPP_0_mean.png": "example_angle_WPPT_BPP_0_mean.png",
			"plots/angle_BPP_RHS_2.png":       "example_angle_BPP_RHS_2.png",
			"plots/BPP_1.png":                 "example_BPP_1.png",
			"plots/vbas_1.png":                "example_vbas_1.png",
		},
		experiments: []string{experiments.Example},
	},
	{
		// The fast signals of docs/tutorial.md, section 4: fig4ab-pal,
		// shortened and recorded every step.
		name: "signals",
		params: func(dir string) error {
			return writeExperiment("fig4ab-pal", dir, "", map[string]any{
				"dataset_size": 20, "epochs": 1, "settling_time": 20,
				"random_seed": []int{123}, "rec_per_steps": 1,
				"rec_uP_breve": true, "rec_rP_breve_HI": true, "rec_vapi": true,
				"rec_vapi_noise": true, "rec_noise": true, "rec_lat_mismatch": true,
			})
		},
		commands: [][]string{{"run", "--params", "{dir}/params.json", "--task", "fw_bw", "--quiet"}},
		images: map[string]string{
			"plots/vapi_noise_0.png":  "signals_vapi_noise_0.png",
			"plots/rP_breve_HI_1.png": "signals_rP_breve_HI_1.png",
		},
		experiments: []string{"fig4ab-pal"},
	},
	{
		name: "fig3abc", long: true,
		params: func(dir string) error { return writeExperiment("fig3abc", dir, "", nil) },
		commands: [][]string{
			{"run", "--params", "{dir}/params.json", "--task", "bw_only", "--compare", "BP", "--quiet"},
			{"figure", "fig3", "{dir}"},
		},
		images:      map[string]string{"fig3.png": "fig3abc.png"},
		experiments: []string{"fig3abc"},
	},
	{
		name: "fig3def", long: true,
		params: func(dir string) error { return writeExperiment("fig3def", dir, "", nil) },
		commands: [][]string{
			{"run", "--params", "{dir}/params.json", "--task", "bw_only", "--compare", "BP", "--quiet"},
			{"figure", "fig3", "{dir}"},
		},
		images:      map[string]string{"fig3.png": "fig3def.png"},
		experiments: []string{"fig3def"},
	},
	{
		name: "fig4ab", long: true,
		params: func(dir string) error {
			for _, m := range []string{"bp", "fa", "pal"} {
				if err := writeExperiment("fig4ab-"+m, dir, m, nil); err != nil {
					return err
				}
			}
			return nil
		},
		commands: [][]string{
			{"run", "--params", "{dir}/bp/params.json", "--task", "fw_bw", "--quiet"},
			{"run", "--params", "{dir}/fa/params.json", "--task", "fw_bw", "--quiet"},
			{"run", "--params", "{dir}/pal/params.json", "--task", "fw_bw", "--quiet"},
			{"figure", "fig4", "{dir}/bp", "{dir}/fa", "{dir}/pal"},
		},
		images: map[string]string{
			"fig4.png":                "fig4ab.png",
			"pal/plots/MSE.png":       "fig4ab-pal_MSE.png",
			"pal/plots/WPP_1.png":     "fig4ab-pal_WPP_1.png",
			"pal/plots/BPP_0.png":     "fig4ab-pal_BPP_0.png",
			"pal/plots/BPI+BPP_0.png": "fig4ab-pal_BPI_plus_BPP_0.png",
		},
		experiments: []string{"fig4ab-bp", "fig4ab-fa", "fig4ab-pal"},
	},
	{
		// The runs of docs/tutorial.md, section 11.
		name: "classify",
		params: func(dir string) error {
			for _, m := range []string{"fa", "pal"} {
				if err := writeExperiment("yinyang-"+m, dir, m, map[string]any{
					"epochs": 10, "dataset_sizes": []int{1500, 300, 300},
					"random_seed": []int{123456, 123457, 123458},
				}); err != nil {
					return err
				}
			}
			return nil
		},
		commands: [][]string{
			{"run", "--params", "{dir}/fa", "--task", "classify", "--quiet"},
			{"run", "--params", "{dir}/pal", "--task", "classify", "--quiet"},
			{"figure", "classify", "{dir}/fa", "{dir}/pal"},
		},
		images: map[string]string{
			"classify.png":              "classify_tutorial.png",
			"pal/plots/confusion.png":   "classify_tutorial_pal_confusion.png",
			"pal/plots/angle_W_B_0.png": "classify_tutorial_pal_angle_W_B_0.png",
		},
		experiments: []string{"yinyang-fa", "yinyang-pal"},
	},
	{
		// The study of docs/classification.md: the Yin-Yang experiments.
		name: "yinyang", study: true,
		params: func(dir string) error {
			for _, m := range []string{"bp", "fa", "pal"} {
				if err := writeExperiment("yinyang-"+m, dir, m, nil); err != nil {
					return err
				}
			}
			return nil
		},
		commands: [][]string{
			{"run", "--params", "{dir}/bp", "--task", "classify", "--quiet"},
			{"run", "--params", "{dir}/fa", "--task", "classify", "--quiet"},
			{"run", "--params", "{dir}/pal", "--task", "classify", "--quiet"},
			{"figure", "classify", "{dir}/bp", "{dir}/fa", "{dir}/pal"},
		},
		images: map[string]string{
			"classify.png":                   "classify_yinyang.png",
			"pal/plots/test_predictions.png": "classify_yinyang_pal_test_predictions.png",
		},
		experiments: []string{"yinyang-bp", "yinyang-fa", "yinyang-pal"},
	},
	{
		// The MNIST study of docs/classification.md: the experiments with
		// all 100 epochs, the first of their seeds (the cells of seed
		// 123456 of the sweep experiments/mnist). Those cells recorded
		// the training error and BPP ten times per epoch, as the
		// experiments did when the study ran; nothing else depends on it.
		name: "mnist", study: true,
		params: func(dir string) error {
			for _, m := range []string{"bp", "fa", "pal"} {
				if err := writeExperiment("mnist-"+m, dir, m, map[string]any{
					"random_seed": []int{123456}, "rec_per_steps": 600000,
				}); err != nil {
					return err
				}
			}
			return nil
		},
		commands: [][]string{
			{"run", "--params", "{dir}/bp", "--task", "classify", "--quiet"},
			{"run", "--params", "{dir}/fa", "--task", "classify", "--quiet"},
			{"run", "--params", "{dir}/pal", "--task", "classify", "--quiet"},
			{"figure", "classify", "{dir}/bp", "{dir}/fa", "{dir}/pal"},
		},
		images:      map[string]string{"classify.png": "classify_mnist.png"},
		experiments: []string{"mnist-bp", "mnist-fa", "mnist-pal"},
	},
}

// docSourcesFile records, for the long images, what drew them.
const docSourcesFile = "sources.json"

// docSources is sources.json.
type docSources struct {
	// Note says what the file is for.
	Note string `json:"note"`
	// Drawn is the hash of the code and params that drew the long images
	// (docSourceHash).
	Drawn string `json:"drawn_by"`
	// Images maps every long image to the SHA-256 of its file.
	Images map[string]string `json:"images"`
	// Studies records the same for each study, by recipe name.
	Studies map[string]docStudy `json:"studies,omitempty"`
}

// docStudy records what drew a study's images (docStudyHash) and their
// SHA-256.
type docStudy struct {
	Drawn  string            `json:"drawn_by"`
	Images map[string]string `json:"images"`
}

// docSourceFiles are the files, relative to the module root, whose
// contents decide how the long images look, besides the experiments they
// run: the plot package and the recipes.
func docSourceFiles(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, "plot", "*.go"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			out = append(out, f)
		}
	}
	out = append(out, filepath.Join(root, "cmd", "palmc", "docimages.go"), filepath.Join(root, "cmd", "palmc", "figure.go"))
	sort.Strings(out)
	return out, nil
}

// docSourceHash hashes the files of docSourceFiles and the experiments of
// the long recipes.
func docSourceHash(root string) (string, error) {
	var exps []string
	for _, r := range docRecipes {
		if r.long {
			exps = append(exps, r.experiments...)
		}
	}
	return hashSources(root, exps)
}

// docStudyHash hashes the files of docSourceFiles and the experiments of
// the study r.
func docStudyHash(root string, r docRecipe) (string, error) {
	return hashSources(root, r.experiments)
}

func hashSources(root string, exps []string) (string, error) {
	files, err := docSourceFiles(root)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	for _, e := range exps {
		b, err := experiments.Params(e)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "experiments/%s %d\n", e, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// moduleRoot finds the palmc module's root from dir upwards.
func moduleRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module palmc\n")) {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("no palmc module (go.mod) above %s", dir)
		}
		d = up
	}
}

func fileHash(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}

// docSelect says which recipes a docs-images run draws.
type docSelect struct {
	// long adds the long recipes to the quick ones.
	long bool
	// study, when set, names the one study recipe to draw, instead.
	study string
	// from is a folder that holds the study's finished runs.
	from string
}

func (s docSelect) draws(r docRecipe) bool {
	switch {
	case s.study != "":
		return r.study && r.name == s.study
	case r.study:
		return false
	case r.long:
		return s.long
	}
	return true
}

// drawDocImages runs the recipes sel selects in work and copies their
// images into out.
func drawDocImages(work, out string, sel docSelect, log io.Writer) error {
	for _, r := range docRecipes {
		if !sel.draws(r) {
			continue
		}
		start := time.Now()
		dir := filepath.Join(work, r.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := r.params(dir); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		if sel.from != "" {
			if err := sameParams(dir, sel.from); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			dir = sel.from
		}
		for _, c := range r.commands {
			if sel.from != "" && c[0] == "run" {
				continue
			}
			args := make([]string, len(c))
			for i, a := range c {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			var errOut bytes.Buffer
			if code := runWith(args, &errOut); code != 0 {
				return fmt.Errorf("%s: palmc %s: exit %d: %s", r.name, strings.Join(args, " "), code, errOut.String())
			}
		}
		for from, to := range r.images {
			b, err := os.ReadFile(filepath.Join(dir, from))
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			if err := os.WriteFile(filepath.Join(out, to), b, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(log, "palmc: %s: %d images in %s\n", r.name, len(r.images), time.Since(start).Round(100*time.Millisecond))
	}
	return nil
}

// sameParams checks that every params.json under want has a counterpart
// under dir with the same keys and values (comments aside).
func sameParams(want, dir string) error {
	return filepath.WalkDir(want, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "params.json" {
			return err
		}
		rel, _ := filepath.Rel(want, path)
		a, err := readJSONObject(path)
		if err != nil {
			return err
		}
		b, err := readJSONObject(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(a, b) {
			return fmt.Errorf("%s does not hold the recipe's params", filepath.Join(dir, rel))
		}
		return nil
	})
}

// readJSONObject reads a JSON object without its "_comment" keys.
func readJSONObject(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	delete(m, "_comment")
	return m, nil
}

// readDocSources reads sources.json; a missing one is empty.
func readDocSources(out string) (docSources, error) {
	var src docSources
	b, err := os.ReadFile(filepath.Join(out, docSourcesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return src, nil
	}
	if err != nil {
		return src, err
	}
	return src, json.Unmarshal(b, &src)
}

// recordDocSources writes into sources.json the hashes of what sel drew.
func recordDocSources(out string, sel docSelect) error {
	root, err := moduleRoot(out)
	if err != nil {
		return err
	}
	src, err := readDocSources(out)
	if err != nil {
		return err
	}
	src.Note = "written by palmc docs-images --long and --study: the hash of the plot code, recipes and experiments " +
		"that drew the long images and each study's, and each image's SHA-256; TestDocsImages checks them"
	for _, r := range docRecipes {
		if !sel.draws(r) || !r.long && !r.study {
			continue
		}
		images := map[string]string{}
		for _, name := range r.images {
			if images[name], err = fileHash(filepath.Join(out, name)); err != nil {
				return err
			}
		}
		if r.study {
			st := docStudy{Images: images}
			if st.Drawn, err = docStudyHash(root, r); err != nil {
				return err
			}
			if src.Studies == nil {
				src.Studies = map[string]docStudy{}
			}
			src.Studies[r.name] = st
			continue
		}
		if src.Images == nil {
			src.Images = map[string]string{}
		}
		maps.Copy(src.Images, images)
	}
	if sel.study == "" {
		if src.Drawn, err = docSourceHash(root); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(src, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, docSourcesFile), append(b, '\n'), 0o644)
}

func newDocsImagesCmd() *cobra.Command {
	var sel docSelect
	cmd := &cobra.Command{
		Use:    "docs-images [--long | --study NAME [--from DIR]] DIR",
		Hidden: true,
		Short:  "Draw the images of docs/images",
		Long: `Run the commands of the tutorial and of docs/reproduction.md and copy their
figures into DIR (docs/images). Without flags, the quick ones (the example,
the fast signals and the tutorial's classify runs, seconds); with --long
also the paper runs of Fig. 3 and Fig. 4 (minutes), whose hashes go to
DIR/sources.json. --study yinyang or mnist draws only that study of
docs/classification.md (hours); --from DIR takes its finished runs from DIR
(bp, fa and pal run folders with the study's params) instead of running
them.`,
		Example: "  go run ./cmd/palmc docs-images docs/images\n  go run ./cmd/palmc docs-images --long docs/images\n" +
			"  go run ./cmd/palmc docs-images --study yinyang --from runs/yinyang docs/images",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := args[0]
			if sel.study != "" {
				if !slices.ContainsFunc(docRecipes, func(r docRecipe) bool { return r.study && r.name == sel.study }) {
					return usage("docs-images: --study %q: yinyang or mnist", sel.study)
				}
				if sel.long {
					return usage("docs-images: --study and --long draw different images: one at a time")
				}
			} else if sel.from != "" {
				return usage("docs-images: --from needs --study")
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			work, err := os.MkdirTemp("", "palmc-docs-images")
			if err != nil {
				return err
			}
			defer os.RemoveAll(work)
			if err := drawDocImages(work, out, sel, cmd.ErrOrStderr()); err != nil {
				return err
			}
			if !sel.long && sel.study == "" {
				return nil
			}
			return recordDocSources(out, sel)
		},
	}
	cmd.Flags().BoolVar(&sel.long, "long", false, "also the paper runs of Fig. 3 and 4 (minutes)")
	cmd.Flags().StringVar(&sel.study, "study", "", "draw only this study of docs/classification.md: yinyang or mnist (hours)")
	cmd.Flags().StringVar(&sel.from, "from", "", "with --study: a folder holding the study's finished runs")
	return cmd
}
