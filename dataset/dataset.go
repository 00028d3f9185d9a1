package dataset

import (
	"fmt"
	"math"
	"strings"
)

// Split is one of the three parts of a data set.
type Split string

// The splits: the network learns on Train, is checked on Validation during
// learning, and Test is kept for the end.
const (
	Train      Split = "train"
	Validation Split = "validation"
	Test       Split = "test"
)

// Splits returns the splits in the order train, validation, test.
func Splits() []Split { return []Split{Train, Validation, Test} }

// ParseSplit returns the split named s, or a *ConfigError that lists the
// splits.
func ParseSplit(s string) (Split, error) {
	for _, sp := range Splits() {
		if string(sp) == s {
			return sp, nil
		}
	}
	return "", &ConfigError{Field: "Split", Msg: fmt.Sprintf("%q is not a split (train, validation, test)", s)}
}

// Set is one split of a data set.
type Set struct {
	// Name is the data set's name, as given to Load.
	Name string
	// Split is the split the samples come from.
	Split Split
	// Inputs is the number of values per sample; Classes the number of
	// labels.
	Inputs, Classes int
	// X holds the samples, Len()×Inputs in row-major order: the rates fed
	// to the network's input layer. It is nil for a set kept as bytes
	// (Pixels).
	X []float64
	// Pixels holds the samples of the image data sets (MNIST,
	// Fashion-MNIST) as their bytes, Len()×Inputs: sample value b/256,
	// the same float64 as X would hold, in an eighth of the memory. Nil
	// for sets kept in X.
	Pixels []byte
	// Y holds the labels, one per sample, in [0, Classes).
	Y []int
	// Dir is the folder the IDX files were read from; "" for the
	// generated sets.
	Dir string
}

// Len returns the number of samples.
func (s *Set) Len() int { return len(s.Y) }

// Row returns sample i's inputs: a slice of X with capacity Inputs (an
// append copies), or for a set kept as bytes a new slice. It panics if i is
// out of [0, Len()).
func (s *Set) Row(i int) []float64 {
	return s.RowTo(nil, i)
}

// RowTo returns sample i's inputs: a slice of X with capacity Inputs, or
// for a set kept as bytes the values written into dst (which it allocates
// when dst is shorter than Inputs). It panics if i is out of [0, Len()).
func (s *Set) RowTo(dst []float64, i int) []float64 {
	if i < 0 || i >= s.Len() {
		panic(fmt.Sprintf("dataset: row %d out of range [0, %d)", i, s.Len()))
	}
	if s.Pixels == nil {
		return s.X[i*s.Inputs : (i+1)*s.Inputs : (i+1)*s.Inputs]
	}
	if len(dst) < s.Inputs {
		dst = make([]float64, s.Inputs)
	}
	dst = dst[:s.Inputs:s.Inputs]
	for j, b := range s.Pixels[i*s.Inputs : (i+1)*s.Inputs] {
		dst[j] = pixel(b)
	}
	return dst
}

// pixel is the rate of a pixel byte.
func pixel(b byte) float64 { return float64(b) / 256 }

// Values returns all samples as float64, Len()×Inputs in row-major order:
// X itself, or a new slice for a set kept as bytes.
func (s *Set) Values() []float64 {
	if s.Pixels == nil {
		return s.X
	}
	x := make([]float64, len(s.Pixels))
	for i, b := range s.Pixels {
		x[i] = pixel(b)
	}
	return x
}

// Bytes returns the memory the samples and labels take.
func (s *Set) Bytes() int64 {
	return int64(8*len(s.X)) + int64(len(s.Pixels)) + int64(8*len(s.Y))
}

// ClassCounts returns the number of samples of each class, Classes
// entries.
func (s *Set) ClassCounts() []int {
	n := make([]int, s.Classes)
	for _, y := range s.Y {
		n[y]++
	}
	return n
}

// Config says which samples Load makes: one split of the data set Name.
// Fields a data set does not use are ignored.
type Config struct {
	// Name is the data set: yinyang, mnist, fashion-mnist or bars (Names).
	Name string
	// Dir is the folder of the IDX files (mnist, fashion-mnist); "" looks
	// in the default places (see the package documentation).
	Dir string
	// Size is the number of samples; 0 means the split's default size
	// (Default). MNIST and Fashion-MNIST take the split's first Size
	// samples and have at most 50000, 10000 and 10000; bars needs a
	// multiple of 3 (the same number per class); generated sets have at
	// most MaxGenerated.
	Size int
	// Seed seeds numpy's legacy RandomState for the generated sets
	// (yinyang, bars), in [0, 2³²). It is used as given, 0 included:
	// Default has the published seed of each split.
	Seed int64
	// Noise is the bars noise level: each pixel gets rand()·Noise added
	// before clipping to [0, 1]. It is used as given, 0 included (no
	// noise); Default has 0.1.
	Noise float64
	// Files names the npz files of train, validation and test of the data
	// set Files (one's own samples); other data sets ignore it.
	Files [3]string
}

// MaxGenerated is the largest Size of a generated data set (yinyang,
// bars): far more than a network learns from, and at most 72 MB of
// samples.
const MaxGenerated = 1_000_000

// kind is what Load needs to know about one data set.
type kind struct {
	name            string
	inputs, classes int
	// sizes are the default sizes of train, validation and test; for the
	// IDX data sets also the largest.
	sizes [3]int
	// seeds are the default seeds of the generated sets.
	seeds [3]int64
	// generated sets are made from Seed; the others are read from Dir.
	generated bool
	// perClass sets have the same number of samples in every class: their
	// sizes are multiples of classes.
	perClass bool
	noise    float64
	// about is one line for listings.
	about string
}

var kinds = []kind{
	{name: "yinyang", inputs: 4, classes: 3, sizes: [3]int{5000, 1000, 1000}, seeds: [3]int64{42, 41, 40},
		generated: true, about: "Yin-Yang (Kriener et al. 2021): inputs x, y, 1-x, 1-y; classes 0 yin, 1 yang, 2 dot"},
	{name: "mnist", inputs: 784, classes: 10, sizes: [3]int{50000, 10000, 10000},
		about: "MNIST handwritten digits, 28x28 pixels / 256; IDX files"},
	{name: "fashion-mnist", inputs: 784, classes: 10, sizes: [3]int{50000, 10000, 10000},
		about: "Fashion-MNIST clothing images, 28x28 pixels / 256; IDX files"},
	{name: "bars", inputs: 9, classes: 3, sizes: [3]int{300, 60, 60}, seeds: [3]int64{42, 210, 1764},
		generated: true, perClass: true, noise: 0.1, about: "3x3 bars: a row, a column or a diagonal, plus noise"},
}

// Names returns the names of the data sets.
func Names() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return names
}

func lookup(name string) (*kind, error) {
	for i := range kinds {
		if kinds[i].name == name {
			return &kinds[i], nil
		}
	}
	return nil, &ConfigError{Field: "Name", Msg: fmt.Sprintf("%q is not a data set (%s)", name, strings.Join(Names(), ", "))}
}

func splitIndex(name string, split Split) (int, error) {
	for i, sp := range Splits() {
		if sp == split {
			return i, nil
		}
	}
	return 0, &ConfigError{Name: name, Field: "Split", Msg: fmt.Sprintf("%q is not a split (train, validation, test)", split)}
}

// Describe returns the number of inputs and classes of the data set name,
// without loading it.
func Describe(name string) (inputs, classes int, err error) {
	k, err := lookup(name)
	if err != nil {
		return 0, 0, err
	}
	return k.inputs, k.classes, nil
}

// About returns a one-line description of the data set name.
func About(name string) (string, error) {
	k, err := lookup(name)
	if err != nil {
		return "", err
	}
	return k.about, nil
}

// Generated reports whether the data set name is generated from Seed
// (yinyang, bars) rather than read from files (mnist, fashion-mnist).
func Generated(name string) (bool, error) {
	k, err := lookup(name)
	if err != nil {
		return false, err
	}
	return k.generated, nil
}

// Default returns the Config of a split with its default size, seed and
// noise: for yinyang the published splits (5000 samples with seed 42, 1000
// with seed 41, 1000 with seed 40), for MNIST and Fashion-MNIST the whole
// split, for bars 100, 20 and 20 samples per class with seeds 42, 210 and
// 1764 and noise 0.1.
func Default(name string, split Split) (Config, error) {
	k, err := lookup(name)
	if err != nil {
		return Config{}, err
	}
	i, err := splitIndex(name, split)
	if err != nil {
		return Config{}, err
	}
	return Config{Name: name, Size: k.sizes[i], Seed: k.seeds[i], Noise: k.noise}, nil
}

// MaxSize returns the largest Size of a split: the split's size for MNIST
// and Fashion-MNIST, MaxGenerated for the generated sets (for bars, the
// largest multiple of 3 below it).
func MaxSize(name string, split Split) (int, error) {
	k, err := lookup(name)
	if err != nil {
		return 0, err
	}
	i, err := splitIndex(name, split)
	if err != nil {
		return 0, err
	}
	switch {
	case k.perClass:
		return MaxGenerated / k.classes * k.classes, nil
	case k.generated:
		return MaxGenerated, nil
	}
	return k.sizes[i], nil
}

// Load makes the split of the data set cfg.Name that cfg describes. Its
// errors name what was wrong: a *ConfigError for a bad name, split, size,
// seed or noise, a *NotFoundError when no folder has the IDX files, and
// otherwise an error that names the file. The data set Files reads the
// split's file of cfg.Files.
func Load(cfg Config, split Split) (*Set, error) {
	if cfg.Name == Files {
		return loadFiles(cfg, split)
	}
	k, err := lookup(cfg.Name)
	if err != nil {
		return nil, err
	}
	i, err := splitIndex(cfg.Name, split)
	if err != nil {
		return nil, err
	}
	size := cfg.Size
	if size == 0 {
		size = k.sizes[i]
	}
	max, _ := MaxSize(cfg.Name, split)
	switch {
	case size < 0:
		return nil, &ConfigError{Name: k.name, Field: "Size", Msg: fmt.Sprintf("%d is negative", size)}
	case size > max && k.generated:
		return nil, &ConfigError{Name: k.name, Field: "Size", Msg: fmt.Sprintf("%d is larger than %d, the most palmc generates", size, max)}
	case size > max:
		return nil, &ConfigError{Name: k.name, Field: "Size", Msg: fmt.Sprintf("%d is larger than the %s split (%d samples)", size, split, max)}
	}
	if k.generated && (cfg.Seed < 0 || cfg.Seed > math.MaxUint32) {
		return nil, &ConfigError{Name: k.name, Field: "Seed", Msg: fmt.Sprintf("%d is outside [0, 4294967295], the seeds of numpy's RandomState", cfg.Seed)}
	}
	set := &Set{Name: k.name, Split: split, Inputs: k.inputs, Classes: k.classes}
	switch k.name {
	case "yinyang":
		set.X, set.Y = yinYang(size, uint32(cfg.Seed))
	case "bars":
		if size%k.classes != 0 {
			return nil, &ConfigError{Name: k.name, Field: "Size", Msg: fmt.Sprintf("%d is not a multiple of %d (the same number of samples per class)", size, k.classes)}
		}
		if !(cfg.Noise >= 0 && cfg.Noise <= math.MaxFloat64) {
			return nil, &ConfigError{Name: k.name, Field: "Noise", Msg: fmt.Sprintf("%v is not a finite number >= 0", cfg.Noise)}
		}
		set.X, set.Y = bars(size/3, cfg.Noise, uint32(cfg.Seed))
	default:
		if err := readIDX(set, cfg.Dir, size); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// ConfigError reports a Config field or a split that Load cannot use.
type ConfigError struct {
	// Name is the data set ("" when the name itself is wrong).
	Name string
	// Field is the Config field at fault (Name, Split, Size, Seed, Noise).
	Field string
	// Msg says what is wrong with its value.
	Msg string
}

func (e *ConfigError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("dataset: %s %s", e.Field, e.Msg)
	}
	return fmt.Sprintf("dataset: %s: %s %s", e.Name, e.Field, e.Msg)
}
