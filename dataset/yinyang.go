package dataset

import (
	"math"

	"palmc/rng"
)

// The Yin-Yang figure: a disc of radius rBig centred at (rBig, rBig), with
// dots of radius rSmall centred at (rBig/2, rBig) and (3rBig/2, rBig).
const (
	rBig   = 0.5
	rSmall = 0.1
)

// yinYang makes n Yin-Yang samples from RandomState(seed) as the reference
// implementation does (see the package documentation): the inputs
// (x, y, 1−x, 1−y) of each sample in x, its class in y.
func yinYang(n int, seed uint32) (x []float64, y []int) {
	r := rng.New(seed)
	x = make([]float64, 4*n)
	y = make([]int, n)
	for i := range n {
		goal := int(r.Randint(0, 3))
		var px, py float64
		for {
			// The reference scales its draws by 2·rBig = 1, exactly.
			px = r.Float64()
			py = r.Float64()
			if dist(px, py, rBig, rBig) > rBig {
				continue
			}
			if yinYangClass(px, py) == goal {
				break
			}
		}
		x[4*i], x[4*i+1], x[4*i+2], x[4*i+3] = px, py, 1-px, 1-py
		y[i] = goal
	}
	return x, y
}

// yinYangClass returns the class of a point inside the disc, with the
// reference's comparisons: with dR and dL the distances to the right and
// left dots' centres, 2 (dot) if dR < rSmall or dL < rSmall, else 1 (yang)
// if dR ≤ rSmall, rSmall < dL ≤ rBig/2, or y > rBig and dR > rBig/2, else
// 0 (yin).
func yinYangClass(x, y float64) int {
	dRight := dist(x, y, 1.5*rBig, rBig)
	dLeft := dist(x, y, 0.5*rBig, rBig)
	if dRight < rSmall || dLeft < rSmall {
		return 2
	}
	if dRight <= rSmall || (dLeft > rSmall && dLeft <= 0.5*rBig) || (y > rBig && dRight > 0.5*rBig) {
		return 1
	}
	return 0
}

// dist is the Euclidean distance from (x, y) to (cx, cy), rounded as numpy
// rounds √((x−cx)² + (y−cy)²) on float64 scalars.
func dist(x, y, cx, cy float64) float64 {
	dx, dy := x-cx, y-cy
	return math.Sqrt(float64(dx*dx) + float64(dy*dy))
}
