package dataset_test

import (
	"fmt"

	"palmc/dataset"
)

// Load the published training split of the Yin-Yang data set.
func Example() {
	cfg, err := dataset.Default("yinyang", dataset.Train)
	if err != nil {
		panic(err)
	}
	train, err := dataset.Load(cfg, dataset.Train)
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Len(), "samples of", train.Inputs, "inputs, classes", train.ClassCounts())
	fmt.Println(train.Row(0), train.Y[0])
	// Output:
	// 5000 samples of 4 inputs, classes [1681 1702 1617]
	// [0.6803075385877797 0.450499251969543 0.3196924614122203 0.549500748030457] 2
}
