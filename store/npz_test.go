package store

import (
	"context"
	"os"
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

// A member whose bytes were changed after writing is refused by its
// CRC-32, in a stored file (as checkpoints are) as in a compressed one.
func TestNPZDamagedMemberRefused(t *testing.T) {
	for _, compress := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "a.npz")
		data := make([]float64, 4096)
		for i := range data {
			data[i] = float64(i) * 0.5
		}
		if err := WriteNPZContext(context.Background(), path, []Entry{{"w", Array{Shape: []int{len(data)}, Data: data}}}, compress); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadNPZ(path); err != nil {
			t.Fatalf("compress %v: the undamaged file: %v", compress, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Inside the member's data: past the local header and the npy
		// header, well before the central directory.
		at := len(b) / 2
		if !compress {
			at = 200 + 8*1000
		}
		b[at] ^= 0x40
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadNPZ(path); err == nil {
			t.Errorf("compress %v: a damaged member read without error", compress)
		}
	}
}
