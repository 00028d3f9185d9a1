package dataset

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name            string
		inputs, classes int
		sizes           [3]int
		generated       bool
	}{
		{"yinyang", 4, 3, [3]int{5000, 1000, 1000}, true},
		{"mnist", 784, 10, [3]int{50000, 10000, 10000}, false},
		{"fashion-mnist", 784, 10, [3]int{50000, 10000, 10000}, false},
		{"bars", 9, 3, [3]int{300, 60, 60}, true},
	}
	if got, want := Names(), []string{"yinyang", "mnist", "fashion-mnist", "bars"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, tc := range tests {
		in, cl, err := Describe(tc.name)
		if err != nil || in != tc.inputs || cl != tc.classes {
			t.Errorf("Describe(%q) = %d, %d, %v; want %d, %d", tc.name, in, cl, err, tc.inputs, tc.classes)
		}
		if g, err := Generated(tc.name); err != nil || g != tc.generated {
			t.Errorf("Generated(%q) = %v, %v", tc.name, g, err)
		}
		for i, sp := range Splits() {
			cfg, err := Default(tc.name, sp)
			if err != nil || cfg.Name != tc.name || cfg.Size != tc.sizes[i] {
				t.Errorf("Default(%q, %s) = %+v, %v; want size %d", tc.name, sp, cfg, err, tc.sizes[i])
			}
			max, err := MaxSize(tc.name, sp)
			if err != nil || max < cfg.Size || !tc.generated && max != cfg.Size {
				t.Errorf("MaxSize(%q, %s) = %d, %v", tc.name, sp, max, err)
			}
		}
	}
	seeds := map[string][]int64{"yinyang": {42, 41, 40}, "bars": {42, 210, 1764}}
	for name, want := range seeds {
		for i, sp := range Splits() {
			if cfg, _ := Default(name, sp); cfg.Seed != want[i] {
				t.Errorf("Default(%q, %s).Seed = %d, want %d", name, sp, cfg.Seed, want[i])
			}
		}
	}
	if cfg, _ := Default("bars", Train); cfg.Noise != 0.1 {
		t.Errorf("bars noise %v, want 0.1", cfg.Noise)
	}
}

// Bad configs are *ConfigErrors that name the field and the value; an
// unknown name lists the known ones.
func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		cfg   Config
		split Split
		field string
		want  string
	}{
		{Config{Name: "cifar"}, Train, "Name", `"cifar" is not a data set (yinyang, mnist, fashion-mnist, bars)`},
		{Config{Name: "yinyang"}, "dev", "Split", `"dev" is not a split (train, validation, test)`},
		{Config{Name: "yinyang", Size: -1}, Train, "Size", "-1 is negative"},
		{Config{Name: "yinyang", Size: MaxGenerated + 1}, Train, "Size", "1000001 is larger than 1000000"},
		{Config{Name: "mnist", Size: 50001}, Train, "Size", "50001 is larger than the train split (50000 samples)"},
		{Config{Name: "fashion-mnist", Size: 1 << 40}, Test, "Size", "1099511627776 is larger than the test split (10000 samples)"},
		{Config{Name: "yinyang", Seed: -1}, Train, "Seed", "-1 is outside [0, 4294967295]"},
		{Config{Name: "bars", Seed: 1 << 32}, Train, "Seed", "4294967296 is outside"},
		{Config{Name: "bars", Size: 10}, Train, "Size", "10 is not a multiple of 3"},
		{Config{Name: "bars", Noise: -0.1}, Train, "Noise", "-0.1 is not a finite number >= 0"},
		{Config{Name: "bars", Noise: math.NaN()}, Train, "Noise", "NaN is not"},
		{Config{Name: "bars", Noise: math.Inf(1)}, Train, "Noise", "+Inf is not"},
	}
	for _, tc := range tests {
		_, err := Load(tc.cfg, tc.split)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%+v, %q): %v; want a *ConfigError of %s: %s", tc.cfg, tc.split, err, tc.field, tc.want)
		}
	}
	if _, err := ParseSplit("validation"); err != nil {
		t.Error(err)
	}
	if _, err := ParseSplit("valid"); err == nil {
		t.Error(`ParseSplit("valid") is no error`)
	}
}

// Size 0 is the split's default size; the seed and the noise are used as
// given.
func TestLoadDefaults(t *testing.T) {
	s, err := Load(Config{Name: "bars"}, Test)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 60 || s.Name != "bars" || s.Split != Test {
		t.Errorf("%d samples of %s %s, want 60 of bars test", s.Len(), s.Name, s.Split)
	}
	for i, v := range s.X {
		if v != 0 && v != 1 {
			t.Fatalf("pixel %d = %v with noise 0", i, v)
		}
	}
}

func TestSetRows(t *testing.T) {
	s := &Set{Inputs: 2, Classes: 3, X: []float64{1, 2, 3, 4, 5, 6}, Y: []int{2, 0, 2}}
	if s.Len() != 3 || !slices.Equal(s.Row(1), []float64{3, 4}) || !slices.Equal(s.ClassCounts(), []int{1, 0, 2}) {
		t.Errorf("Len %d, Row(1) %v, ClassCounts %v", s.Len(), s.Row(1), s.ClassCounts())
	}
	_ = append(s.Row(0), 9)
	if s.X[2] != 3 {
		t.Error("appending to a row changed the next one")
	}
	defer func() {
		if recover() == nil {
			t.Error("Row(3) of 3 did not panic")
		}
	}()
	s.Row(3)
}
