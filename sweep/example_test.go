package sweep_test

import (
	"fmt"
	"path"

	"palmc/experiments"
	"palmc/sweep"
)

// A sweep file with a base from palmc's experiments: two values of eta_bw
// for two seeds make four cells, each a run folder with one seed.
func ExampleFile_Expand() {
	text := []byte(`{
		"base": "../example/params.json",
		"task": "bw_only",
		"flags": ["--compare", "BP"],
		"grid": {"eta_bw": [[10, 10, 10], [50, 50, 50]]},
		"seeds": [1, 2]
	}`)
	f, err := sweep.Parse(text, "study.json", func(p string) ([]byte, error) {
		return experiments.File(path.Join("study", p))
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cells, err := f.Expand()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cells {
		fmt.Println(c.Dir, c.Params.EtaBW, c.Params.RandomSeed)
	}
	// Output:
	// cells/000-eta_bw=10_10_10-seed1 [10 10 10] [1]
	// cells/001-eta_bw=10_10_10-seed2 [10 10 10] [2]
	// cells/002-eta_bw=50_50_50-seed1 [50 50 50] [1]
	// cells/003-eta_bw=50_50_50-seed2 [50 50 50] [2]
}

// A value that makes a params file invalid is refused, naming the key and
// the value.
func ExampleParse_refused() {
	text := []byte(`{"base": "../example/params.json", "task": "bw_only", "grid": {"eta_bw": [[-5, 1, 1]]}, "seeds": [1]}`)
	f, err := sweep.Parse(text, "study.json", func(p string) ([]byte, error) {
		return experiments.File(path.Join("study", p))
	})
	if err == nil {
		_, err = f.Expand()
	}
	fmt.Println(err)
	// Output:
	// study.json: grid: eta_bw: value [-5, 1, 1]: entry 0 (-5): must be >= 0 (a learning rate) (cell (eta_bw = [-5, 1, 1], seed 1))
}
