package params

import (
	"os"
	"testing"
)

// BenchmarkParse measures Parse on the published Fig3abc file.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/paper/experiments/Fig3abc/params.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(data, FwBw); err != nil {
			b.Fatal(err)
		}
	}
}
