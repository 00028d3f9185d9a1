package rng_test

import (
	"fmt"

	"palmc/rng"
)

// The numpy equivalent is
//
//	r = np.random.RandomState(123)
//	r.uniform(0, 1); r.normal(0, 1, size=2); r.randint(0, 10)
//	x = np.arange(5); r.shuffle(x)
func Example() {
	r := rng.New(123)
	fmt.Printf("%.17g\n", r.Uniform(0, 1))

	z := make([]float64, 2)
	r.FillNormal(z, 0, 1)
	fmt.Printf("%.17g %.17g\n", z[0], z[1])

	fmt.Println(r.Randint(0, 10))

	x := []int{0, 1, 2, 3, 4}
	r.ShuffleInts(x)
	fmt.Println(x)
	// Output:
	// 0.69646918559786164
	// -0.95209720686132215 -0.74544105948265826
	// 6
	// [0 4 2 3 1]
}
