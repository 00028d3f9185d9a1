package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"palmc/inputfile"
)

// The IDX format of the MNIST files.
const (
	imagesMagic = 0x00000803 // unsigned bytes, 3 dimensions
	labelsMagic = 0x00000801 // unsigned bytes, 1 dimension
	imageSide   = 28
	imageSize   = imageSide * imageSide
	// trainFileSize and testFileSize are the number of samples of the
	// train-* and t10k-* files; the validation split is the last
	// validationSize samples of the train-* files.
	trainFileSize  = 60000
	testFileSize   = 10000
	validationSize = 10000
)

// idxSplit says where a split is in the IDX files.
type idxSplit struct {
	images, labels string // file names without .gz
	count          int    // samples in each file
	first          int    // the split's first sample
}

func idxSplitOf(split Split) idxSplit {
	switch split {
	case Test:
		return idxSplit{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", testFileSize, 0}
	case Validation:
		return idxSplit{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", trainFileSize, trainFileSize - validationSize}
	default:
		return idxSplit{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", trainFileSize, 0}
	}
}

// readIDX fills set with the first n samples of its split, read from the
// IDX files in dir or, for dir "", in the first default place that has
// them.
func readIDX(set *Set, dir string, n int) error {
	sp := idxSplitOf(set.Split)
	folder, err := findFolder(set.Name, dir, sp.images)
	if err != nil {
		return err
	}
	labels, err := readLabels(set.Name, filepath.Join(folder, sp.labels), sp, n)
	if err != nil {
		return err
	}
	x, err := readImages(set.Name, filepath.Join(folder, sp.images), sp, n)
	if err != nil {
		return err
	}
	set.Pixels, set.Y, set.Dir = x, labels, folder
	return nil
}

// idxFile is an open IDX file, gzipped or not.
type idxFile struct {
	name string // the data set
	path string
	f    *os.File
	r    io.Reader // the IDX bytes
	gz   *gzip.Reader
}

// openIDX opens path, or path.gz if path does not exist. A file that
// starts with the gzip magic bytes is decompressed, whatever its name.
func openIDX(name, path string) (*idxFile, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		fi, err = os.Stat(path + ".gz")
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dataset: %s: %s[.gz]: no such file", name, path)
		}
		path += ".gz"
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %s: %v", name, path, unwrapPath(err))
	}
	switch {
	case fi.IsDir():
		return nil, fmt.Errorf("dataset: %s: %s: a folder, not an IDX file", name, path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("dataset: %s: %s: not a regular file", name, path)
	}
	f, _, err := inputfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %s: %v", name, path, unwrapPath(err))
	}
	x := &idxFile{name: name, path: path, f: f}
	br := bufio.NewReaderSize(f, 1<<16)
	x.r = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		if x.gz, err = gzip.NewReader(br); err != nil {
			f.Close()
			return nil, x.errorf("%v", err)
		}
		x.r = x.gz
	}
	return x, nil
}

func (x *idxFile) Close() error { return x.f.Close() }

// errorf returns an error that names the file.
func (x *idxFile) errorf(format string, a ...any) error {
	return fmt.Errorf("dataset: %s: %s: %s", x.name, x.path, fmt.Sprintf(format, a...))
}

// readErr explains an error of reading the file; have says how much of
// it was read.
func (x *idxFile) readErr(err error, have string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return x.errorf("truncated: it ends after %s", have)
	}
	return x.errorf("%v (after %s)", err, have)
}

// header reads the magic number and the dimensions that follow it, and
// checks the magic number and the number of samples.
func (x *idxFile) header(magic uint32, dims int, count int) ([]uint32, error) {
	h := make([]uint32, 1+dims)
	if err := binary.Read(x.r, binary.BigEndian, h); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, x.errorf("truncated: it ends within its %d-byte header", 4*len(h))
		}
		return nil, x.errorf("%v (reading its header)", err)
	}
	if h[0] != magic {
		kind := "images"
		if magic == labelsMagic {
			kind = "labels"
		}
		return nil, x.errorf("magic number 0x%08x, not 0x%08x: not an IDX %s file", h[0], magic, kind)
	}
	if int64(h[1]) != int64(count) {
		return nil, x.errorf("its header counts %d samples, not %d", h[1], count)
	}
	return h[1:], nil
}

// checkLength checks that a plain file is want bytes long: the header and
// its samples, nothing more. A gzipped file's length is checked by end.
func (x *idxFile) checkLength(want int64, what string) error {
	if x.gz != nil {
		return nil
	}
	fi, err := x.f.Stat()
	if err != nil {
		return x.errorf("%v", err)
	}
	switch n := fi.Size(); {
	case n < want:
		return x.errorf("truncated: %d bytes, not %d (the header and %s)", n, want, what)
	case n > want:
		return x.errorf("%d bytes, not %d: %d bytes after the header and %s", n, want, n-want, what)
	}
	return nil
}

// end reads the rest of a gzipped file, which should be want bytes, to
// its end, which checks its checksum. It returns the bytes read, at most
// want+1 (then the file is too long: reading on could take long), and
// io.ErrUnexpectedEOF if the file ends before its gzip stream does. A
// plain file is not read: checkLength has checked its length.
func (x *idxFile) end(want int64) (int64, error) {
	if x.gz == nil {
		return want, nil
	}
	return io.Copy(io.Discard, io.LimitReader(x.r, want+1))
}

// readLabels reads the labels file at path (or path.gz) and returns the
// labels of the split's first n samples.
func readLabels(name, path string, sp idxSplit, n int) ([]int, error) {
	x, err := openIDX(name, path)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	if _, err := x.header(labelsMagic, 1, sp.count); err != nil {
		return nil, err
	}
	if err := x.checkLength(8+int64(sp.count), fmt.Sprintf("%d labels", sp.count)); err != nil {
		return nil, err
	}
	all := make([]byte, sp.count)
	if k, err := io.ReadFull(x.r, all); err != nil {
		return nil, x.readErr(err, fmt.Sprintf("%d of its %d labels", k, sp.count))
	}
	if rest, err := x.end(0); err != nil {
		return nil, x.readErr(err, fmt.Sprintf("its %d labels", sp.count))
	} else if rest > 0 {
		return nil, x.errorf("more bytes after its last label")
	}
	for i, b := range all {
		if b >= 10 {
			return nil, x.errorf("label %d of sample %d is not in [0, 10)", b, i)
		}
	}
	labels := make([]int, n)
	for i, b := range all[sp.first : sp.first+n] {
		labels[i] = int(b)
	}
	return labels, nil
}

// readImages reads the images file at path (or path.gz) and returns the
// split's first n images as rates pixel/256, row-major. It reads through
// a gzipped file to its end, to check its length and checksum, but keeps
// only the split's first n images.
func readImages(name, path string, sp idxSplit, n int) ([]byte, error) {
	x, err := openIDX(name, path)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	dims, err := x.header(imagesMagic, 3, sp.count)
	if err != nil {
		return nil, err
	}
	if dims[1] != imageSide || dims[2] != imageSide {
		return nil, x.errorf("images of %d×%d pixels, not %d×%d", dims[1], dims[2], imageSide, imageSide)
	}
	const header = 16
	what := fmt.Sprintf("%d images of %d×%d pixels", sp.count, imageSide, imageSide)
	if err := x.checkLength(header+int64(sp.count)*imageSize, what); err != nil {
		return nil, err
	}
	if x.gz == nil {
		// A plain file is read from the split's first image on.
		if _, err := x.f.Seek(header+int64(sp.first)*imageSize, io.SeekStart); err != nil {
			return nil, x.errorf("%v", err)
		}
		x.r = bufio.NewReaderSize(x.f, 1<<16)
	} else if k, err := io.CopyN(io.Discard, x.r, int64(sp.first)*imageSize); err != nil {
		return nil, x.readErr(err, fmt.Sprintf("%d of its %d images", k/imageSize, sp.count))
	}
	// images returns how many whole images the file has up to byte k of
	// the split.
	images := func(k int64) string {
		return fmt.Sprintf("%d of its %d images", int64(sp.first)+k/imageSize, sp.count)
	}
	pixels := make([]byte, n*imageSize)
	if done, err := io.ReadFull(x.r, pixels); err != nil {
		return nil, x.readErr(err, images(int64(done)))
	}
	if x.gz != nil {
		want := int64(sp.count-sp.first-n) * imageSize
		rest, err := x.end(want)
		switch {
		case err != nil:
			return nil, x.readErr(err, images(int64(n)*imageSize+rest))
		case rest < want:
			return nil, x.readErr(io.ErrUnexpectedEOF, images(int64(n)*imageSize+rest))
		case rest > want:
			return nil, x.errorf("more bytes after its last image")
		}
	}
	return pixels, nil
}
