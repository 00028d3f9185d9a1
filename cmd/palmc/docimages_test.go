package main

import (
	"encoding/json"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const docImagesDir = "../../docs/images"

// decodePNG reads a PNG file.
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// differingPixels counts the pixels of two pictures of the same size whose
// colours differ by more than 1/16 in a channel; -1 when the sizes differ.
func differingPixels(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return -1
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				if max(d[0], d[1])-min(d[0], d[1]) > 0x1000 {
					n++
					break
				}
			}
		}
	}
	return n
}

// The images of docs/images are what palmc draws now: the quick ones are
// drawn again and compared pixel by pixel (at most 0.01 % of the pixels may
// differ, for floating-point round-off on other platforms); the long ones
// must have been drawn by the current plot code, recipes and experiments,
// as docs/images/sources.json records, and be the files it names. Every
// image the docs show has a recipe.
func TestDocsImages(t *testing.T) {
	if testing.Short() {
		t.Skip("draws the quick docs images (about 10 s)")
	}
	const quick = "go run ./cmd/palmc docs-images docs/images"
	const long = "go run ./cmd/palmc docs-images --long docs/images (about 10 minutes on 2 cores)"
	dir := t.TempDir()
	if err := drawDocImages(t.TempDir(), dir, docSelect{}, io.Discard); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range docRecipes {
		for _, name := range r.images {
			known[name] = true
			if r.long || r.study {
				continue
			}
			got := decodePNG(t, filepath.Join(dir, name))
			want := decodePNG(t, filepath.Join(docImagesDir, name))
			if n := differingPixels(got, want); n < 0 || n*10000 > got.Bounds().Dx()*got.Bounds().Dy() {
				t.Errorf("docs/images/%s is not what palmc draws now (%d pixels differ); run: %s", name, n, quick)
			}
		}
	}

	b, err := os.ReadFile(filepath.Join(docImagesDir, docSourcesFile))
	if err != nil {
		t.Fatalf("%v; run: %s", err, long)
	}
	var src docSources
	if err := json.Unmarshal(b, &src); err != nil {
		t.Fatal(err)
	}
	h, err := docSourceHash("../..")
	if err != nil {
		t.Fatal(err)
	}
	if src.Drawn != h {
		files, _ := docSourceFiles("../..")
		t.Errorf("the plot code, recipes or experiments changed since the long docs images were drawn (%d files: plot/*.go, "+
			"cmd/palmc/docimages.go, figure.go and the experiments' params); run: %s", len(files), long)
	}
	for _, r := range docRecipes {
		if !r.long {
			continue
		}
		for _, name := range r.images {
			sum, err := fileHash(filepath.Join(docImagesDir, name))
			if err != nil || sum != src.Images[name] {
				t.Errorf("docs/images/%s is not the image palmc drew (%v); run: %s", name, err, long)
			}
		}
	}

	// The studies take hours: an image must be the one drawn, but one drawn
	// by older code or params is only reported.
	for _, r := range docRecipes {
		if !r.study {
			continue
		}
		st, ok := src.Studies[r.name]
		redraw := "go run ./cmd/palmc docs-images --study " + r.name + " docs/images (hours; see docs/images/README.md)"
		if !ok {
			t.Errorf("sources.json records no study %s; run: %s", r.name, redraw)
			continue
		}
		for _, name := range r.images {
			sum, err := fileHash(filepath.Join(docImagesDir, name))
			if err != nil || sum != st.Images[name] {
				t.Errorf("docs/images/%s is not the image palmc drew (%v); run: %s", name, err, redraw)
			}
		}
		if h, err := docStudyHash("../..", r); err != nil {
			t.Fatal(err)
		} else if h != st.Drawn {
			t.Logf("the plot code, recipes or experiments changed since the study %s was drawn; to redraw: %s", r.name, redraw)
		}
	}

	// Every image in docs/images has a recipe, and the docs show only those.
	entries, err := os.ReadDir(docImagesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".png" && !known[e.Name()] {
			t.Errorf("docs/images/%s has no recipe in cmd/palmc/docimages.go", e.Name())
		}
	}
	ref := regexp.MustCompile(`images/([A-Za-z0-9_.+-]+\.png)`)
	docs, _ := filepath.Glob("../../docs/*.md")
	for _, d := range append(docs, "../../README.md") {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			if !known[m[1]] {
				t.Errorf("%s shows images/%s, which no recipe draws", filepath.Base(d), m[1])
			}
		}
	}
}

// --from takes a study's runs only from folders that hold its params:
// comments aside, every key and value.
func TestDocStudyFromChecksParams(t *testing.T) {
	want, dir := t.TempDir(), t.TempDir()
	var mnist docRecipe
	for _, r := range docRecipes {
		if r.name == "mnist" {
			mnist = r
		}
	}
	if err := mnist.params(want); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"bp", "fa", "pal"} {
		if err := writeExperiment("mnist-"+m, dir, m, map[string]any{"random_seed": []int{123456}, "rec_per_steps": 600000, "_comment": "kept apart"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sameParams(want, dir); err != nil {
		t.Errorf("the study's own params refused: %v", err)
	}
	if err := writeExperiment("mnist-fa", dir, "fa", map[string]any{"epochs": 3, "random_seed": []int{123456, 123457}}); err != nil {
		t.Fatal(err)
	}
	if err := sameParams(want, dir); err == nil || !strings.Contains(err.Error(), "fa") {
		t.Errorf("fa with 3 epochs: %v", err)
	}
	os.RemoveAll(filepath.Join(dir, "bp"))
	if err := sameParams(want, dir); err == nil {
		t.Error("a missing bp folder accepted")
	}
}
