package experiment_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"palmc/experiment"
	"palmc/params"
	"palmc/store"
)

// Run a teacher–student task (fw_bw) on a small PAL network: two students
// of one hidden neuron learn to imitate a teacher, then the results are
// written as palmc run writes them.
func ExampleRun() {
	p, warnings, err := params.Load("../testdata/golden/pal_fw_tiny/params.json", params.FwBw)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("warnings:", len(warnings))
	fmt.Println("layers:", p.Layers, "model:", p.ModelType, "seeds:", p.RandomSeed)

	res, err := experiment.Run(context.Background(), p, experiment.Options{
		Task:    params.FwBw,
		Workers: 1, // the numbers do not depend on it
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("teacher seed:", res.Teacher.Seed)
	fmt.Println("students:", len(res.Students))

	first := res.Students[0]
	mse := first.Recorder.Get("MSE")
	fmt.Println(first.Name, "steps:", first.Steps, "MSE records:", mse.Len())
	fmt.Printf("final MSE: %.6g\n", mse.At(mse.Len() - 1)[0])
	fmt.Printf("final WPP[0]: %.6g (teacher %.6g)\n",
		first.Network.WPP[0].Data[0], res.Teacher.Network.WPP[0].Data[0])
	fmt.Printf("final BPP[0]: %.6g\n", first.Network.BPP[0].Data[0])

	// results.npz, as palmc run writes it: keys "<net>/<var>/<layer>".
	dir, err := os.MkdirTemp("", "palmc-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "results.npz")
	if err := store.WriteNPZ(path, store.ResultsEntries(res)); err != nil {
		fmt.Println(err)
		return
	}
	arrays, err := store.ReadNPZ(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("seed123/WPP/1 shape:", arrays["seed123/WPP/1"].Shape)

	// Output:
	// warnings: 0
	// layers: [1 1 1] model: PAL seeds: [123 456]
	// teacher seed: 873630
	// students: 2
	// seed123 steps: 8000 MSE records: 120
	// final MSE: 0.542475
	// final WPP[0]: -0.307279 (teacher 2)
	// final BPP[0]: -0.448183
	// seed123/WPP/1 shape: [160 1 1]
}
