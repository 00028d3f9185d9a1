package plot

import (
	"fmt"
	"math"
	"slices"
)

// What a figure shows of many series: at most fewLines lines, one per
// entry (a matrix entry, a neuron) and network; beyond that the
// distribution across entries and networks (a median and two quantile
// ranges) with a few representative entries drawn on top.

// fewLines is the largest number of lines drawn one by one.
const fewLines = 12

// maxValues bounds the values that one point of a distribution is taken
// from: large matrices are represented by evenly spaced entries.
const maxValues = 4000

// series is one network's recording of a variable.
type series struct {
	net   string
	a     Array
	size  int   // values per record
	steps []int // step of each record
}

// at is entry c of record r.
func (s series) at(r, c int) float64 { return s.a.Data[r*s.size+c] }

// records is the number of records.
func (s series) records() int { return len(s.steps) }

// getter finds a variable of a network.
type getter func(net string) (Array, bool)

// newSeries returns the series of a network's array of variable v.
func (pt *painter) newSeries(net, v string, a Array) series {
	n := 0
	if len(a.Shape) > 0 {
		n = a.Shape[0]
	}
	size := 1
	for _, d := range a.Shape[min(1, len(a.Shape)):] {
		size *= d
	}
	if size == 0 || len(a.Data) < n*size {
		n = 0
	}
	return series{net: net, a: a, size: size,
		steps: pt.run.recordStepsOf(net, v, n)}
}

// afterSettling returns the records taken after settling.
func (s series) afterSettling(settling int) []int {
	var rows []int
	for r, st := range s.steps {
		if st > settling {
			rows = append(rows, r)
		}
	}
	return rows
}

// collect returns the series of every student that get finds, in seed
// order, with the index of each student's colour, and the teacher's
// series (nil when it has none).
func (pt *painter) collect(v string, get getter) (students []series, colors []int, teacher *series) {
	for i, net := range pt.seeds {
		if a, ok := get(net); ok {
			s := pt.newSeries(net, v, a)
			if s.records() > 0 {
				students = append(students, s)
				colors = append(colors, i)
			}
		}
	}
	if a, ok := get(teacherNet); ok {
		if s := pt.newSeries(teacherNet, v, a); s.records() > 0 {
			teacher = &s
		}
	}
	return students, colors, teacher
}

// sampleEntries returns the entries of a record of size values to take
// for a distribution over nets networks: all, or evenly spaced ones so
// that there are at most maxValues values per record.
func sampleEntries(size, nets int) []int {
	n := min(size, max(maxValues/max(nets, 1), 1))
	cs := make([]int, n)
	for i := range cs {
		cs[i] = i * size / n
	}
	return cs
}

// representative returns up to three of the entries: those whose score
// ranks at 10 %, 50 % and 90 % (all entries when there are at most three).
func representative(entries []int, score func(c int) float64) []int {
	if len(entries) <= 3 {
		return entries
	}
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b int) int {
		sa, sb := score(a), score(b)
		switch {
		case sa < sb || !isFinite(sb) && isFinite(sa):
			return -1
		case sa > sb || !isFinite(sa) && isFinite(sb):
			return 1
		}
		return 0
	})
	n := len(sorted) - 1
	out := []int{sorted[int(0.1*float64(n)+0.5)], sorted[n/2], sorted[int(0.9*float64(n)+0.5)]}
	slices.Sort(out)
	return slices.Compact(out)
}

// levels are the quantiles of the two ranges of a distribution, inner and
// outer, drawn around its median.
type levels struct {
	inner, outer [2]float64
}

var (
	// entryLevels describe many entries (matrix entries, neurons,
	// records): 25–75 % and 5–95 %.
	entryLevels = levels{inner: [2]float64{0.25, 0.75}, outer: [2]float64{0.05, 0.95}}
	// seedLevels describe a few networks: 25–75 % and the full range.
	seedLevels = levels{inner: [2]float64{0.25, 0.75}, outer: [2]float64{0, 1}}
)

// rangeName names a range: "25–75 %", "range".
func rangeName(r [2]float64) string {
	if r[0] == 0 && r[1] == 1 {
		return "range"
	}
	return fmt.Sprintf("%g–%g %%", 100*r[0], 100*r[1])
}

// describe says what the distribution shows: "median, 25–75 % and 5–95 %".
func (l levels) describe() string {
	return "median, " + rangeName(l.inner) + " and " + rangeName(l.outer)
}

// spread is a distribution drawn along x: its median and two ranges.
type spread struct {
	x, med           []float64
	lo1, hi1         []float64 // inner range
	lo2, hi2         []float64 // outer range
	lvl              levels
	lowest, greatest float64 // of the finite values
}

func newSpread(l levels) *spread {
	return &spread{lvl: l, lowest: math.Inf(1), greatest: math.Inf(-1)}
}

// add appends the distribution of vals at x; vals is reordered, and its
// non-finite values are left out (no point is added without a finite one).
func (sp *spread) add(x float64, vals []float64) {
	fin := vals[:0]
	for _, v := range vals {
		if isFinite(v) {
			fin = append(fin, v)
		}
	}
	if len(fin) == 0 {
		return
	}
	slices.Sort(fin)
	q := func(p float64) float64 { return quantile(fin, p) }
	sp.x = append(sp.x, x)
	sp.med = append(sp.med, q(0.5))
	sp.lo1, sp.hi1 = append(sp.lo1, q(sp.lvl.inner[0])), append(sp.hi1, q(sp.lvl.inner[1]))
	sp.lo2, sp.hi2 = append(sp.lo2, q(sp.lvl.outer[0])), append(sp.hi2, q(sp.lvl.outer[1]))
	sp.lowest, sp.greatest = math.Min(sp.lowest, fin[0]), math.Max(sp.greatest, fin[len(fin)-1])
}

// quantile returns the p-quantile of sorted values, interpolating linearly
// between order statistics (numpy's default percentile).
func quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := p * float64(n-1)
	i := int(math.Floor(h))
	if i >= n-1 {
		return sorted[n-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// meanStd returns the mean and population standard deviation over the
// series of each of the first n points, ignoring non-finite values (NaN
// where no series is finite).
func meanStd(ys [][]float64, n int) (mean, std []float64) {
	mean = make([]float64, n)
	std = make([]float64, n)
	for i := range n {
		s, c := 0.0, 0
		for _, y := range ys {
			if isFinite(y[i]) {
				s += y[i]
				c++
			}
		}
		if c == 0 {
			mean[i], std[i] = math.NaN(), math.NaN()
			continue
		}
		m := s / float64(c)
		ss := 0.0
		for _, y := range ys {
			if isFinite(y[i]) {
				ss += (y[i] - m) * (y[i] - m)
			}
		}
		mean[i], std[i] = m, math.Sqrt(ss/float64(c))
	}
	return mean, std
}

// binMeans returns the mean of the finite values of entry c of s over the
// records of every bin (NaN for a bin without one).
func binMeans(s series, c int, bins []bin) []float64 {
	out := make([]float64, len(bins))
	for i, b := range bins {
		sum, n := 0.0, 0
		for r := b.from; r < min(b.to, s.records()); r++ {
			if v := s.at(r, c); isFinite(v) {
				sum += v
				n++
			}
		}
		out[i] = math.NaN()
		if n > 0 {
			out[i] = sum / float64(n)
		}
	}
	return out
}
