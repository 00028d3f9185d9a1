package store

import (
	"path/filepath"
	"slices"
	"testing"
)

// Every kind of entry comes back from the file with its shape and values.
func TestNPZRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	entries := []Entry{
		{"x", Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6.5}}},
		{"y", []int64{-3, 0, 1 << 40}},
		{"n", int64(7)},
		{"u", []uint32{4, 5}},
		{"lazy", func() *Array { return &Array{Shape: []int{1}, Data: []float64{0.25}} }},
	}
	if err := WriteNPZ(path, entries); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Array{
		"x":    {Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6.5}},
		"y":    {Shape: []int{3}, Data: []float64{-3, 0, 1 << 40}},
		"n":    {Shape: []int{}, Data: []float64{7}},
		"u":    {Shape: []int{2}, Data: []float64{4, 5}},
		"lazy": {Shape: []int{1}, Data: []float64{0.25}},
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok || !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) {
			t.Errorf("%s = %+v, want %+v", k, g, w)
		}
	}
	if err := WriteNPZ(path, []Entry{{"bad", []int{1}}}); err == nil {
		t.Error("an []int entry is no error")
	}
}
