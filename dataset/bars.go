package dataset

import "palmc/rng"

// barPatterns are the 3×3 patterns of the bars classes in the order the
// GeNN port's BarsDataset cycles through them, pixels in row-major order:
// rows from the bottom up, columns from the right to the left (numpy's
// sorted unique permutations and their transposes), then the main diagonal
// and its reversed rows.
var barPatterns = [3][][9]float64{
	{
		{0, 0, 0, 0, 0, 0, 1, 1, 1},
		{0, 0, 0, 1, 1, 1, 0, 0, 0},
		{1, 1, 1, 0, 0, 0, 0, 0, 0},
	},
	{
		{0, 0, 1, 0, 0, 1, 0, 0, 1},
		{0, 1, 0, 0, 1, 0, 0, 1, 0},
		{1, 0, 0, 1, 0, 0, 1, 0, 0},
	},
	{
		{1, 0, 0, 0, 1, 0, 0, 0, 1},
		{0, 0, 1, 0, 1, 0, 1, 0, 0},
	},
}

// bars makes perClass noisy bars samples of each class from
// RandomState(seed), shuffles them with the same generator and clips them
// to [0, 1] (see the package documentation).
func bars(perClass int, noise float64, seed uint32) (x []float64, y []int) {
	r := rng.New(seed)
	n := 3 * perClass
	made := make([]float64, 9*n)
	labels := make([]int, n)
	for c, patterns := range barPatterns {
		for k := range perClass {
			i := c*perClass + k
			p := &patterns[k%len(patterns)]
			for j := range p {
				made[9*i+j] = p[j] + float64(r.Float64()*noise)
			}
			labels[i] = c
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	r.ShuffleInts(order)
	x = make([]float64, 9*n)
	y = make([]int, n)
	for i, o := range order {
		for j, v := range made[9*o : 9*o+9] {
			x[9*i+j] = min(max(v, 0), 1)
		}
		y[i] = labels[o]
	}
	return x, y
}
