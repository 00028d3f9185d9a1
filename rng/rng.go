package rng

import (
	"math"

	"palmc/rng/internal/libm"
)

// MT19937 parameters.
const (
	mtN       = 624 // words of state
	mtM       = 397 // middle word offset
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// RandomState is a Mersenne Twister generator that reproduces numpy's legacy
// numpy.random.RandomState bit for bit. The zero value is not usable; create
// one with New or call Seed before use.
//
// A RandomState is not safe for concurrent use.
type RandomState struct {
	mt [mtN]uint32
	// out holds the tempered outputs of mt, valid while pos < mtN.
	out      [mtN]uint32
	pos      int
	hasGauss bool
	gauss    float64
	// pairs is scratch for the polar method, which draws up to gaussBatch
	// pairs at a time so that their logarithms take one call to the C
	// library.
	pairs polarPairs
}

// gaussBatch is the number of polar pairs drawn at a time.
const gaussBatch = 128

// polarPairs holds accepted polar pairs (x1, x2, r2 = x1²+x2²) and ln(r2),
// then f = sqrt(-2·ln(r2)/r2) in its place. The last three entries are
// room for polarAVX2, which stores four at a time.
type polarPairs struct {
	x1, x2, r2, ln [gaussBatch + 3]float64
}

// CLog reports whether normal draws use the C library's logarithm, as
// numpy does (a build with cgo): then they equal numpy's bit for bit;
// without cgo a few percent of them differ in the last bit.
const CLog = libm.IsC

// State is a complete snapshot of a RandomState, as returned by
// numpy.random.RandomState.get_state. All fields are exported so that it
// can be encoded with encoding/json or encoding/gob.
type State struct {
	// Key is the MT19937 state vector.
	Key [624]uint32
	// Pos is the index of the next word of Key to be tempered, in [0, 624].
	// 624 means that the next draw regenerates Key.
	Pos int
	// HasGauss reports whether a cached standard normal value is pending.
	HasGauss bool
	// Gauss is the cached standard normal value; it is 0 when HasGauss is
	// false.
	Gauss float64
}

// New returns a RandomState seeded with seed, the same as
// numpy.random.RandomState(seed).
func New(seed uint32) *RandomState {
	r := &RandomState{}
	r.Seed(seed)
	return r
}

// Seed reseeds r with seed using init_genrand, the same as
// numpy.random.RandomState.seed(seed) for an integer seed. It clears the
// cached normal value.
func (r *RandomState) Seed(seed uint32) {
	s := seed
	for i := range r.mt {
		r.mt[i] = s
		s = 1812433253*(s^(s>>30)) + uint32(i) + 1
	}
	r.pos = mtN
	r.hasGauss = false
	r.gauss = 0
}

// State returns a copy of the complete state of r.
func (r *RandomState) State() State {
	return State{Key: r.mt, Pos: r.pos, HasGauss: r.hasGauss, Gauss: r.gauss}
}

// SetState restores a state returned by State. It panics if s.Pos is
// outside [0, 624].
func (r *RandomState) SetState(s State) {
	if s.Pos < 0 || s.Pos > mtN {
		panic("rng: state position out of range")
	}
	r.mt = s.Key
	r.pos = s.Pos
	r.hasGauss = s.HasGauss
	r.gauss = s.Gauss
	if !s.HasGauss {
		r.gauss = 0
	}
	r.temperAll()
}

// generate computes the next 624 words of the MT19937 state vector and
// their tempered outputs.
func (r *RandomState) generate() {
	mt := &r.mt
	var y uint32
	i := 0
	if useAVX2 {
		twistAVX2(&mt[0], mtM, (mtN-mtM)/8)
		i = (mtN - mtM) / 8 * 8
	}
	for ; i < mtN-mtM; i++ {
		y = mt[i]&upperMask | mt[i+1]&lowerMask
		mt[i] = mt[i+mtM] ^ y>>1 ^ -(y&1)&matrixA
	}
	if useAVX2 {
		chunks := (mtN - 1 - i) / 8
		twistAVX2(&mt[i], mtM-mtN, chunks)
		i += 8 * chunks
	}
	for ; i < mtN-1; i++ {
		y = mt[i]&upperMask | mt[i+1]&lowerMask
		mt[i] = mt[i+mtM-mtN] ^ y>>1 ^ -(y&1)&matrixA
	}
	y = mt[mtN-1]&upperMask | mt[0]&lowerMask
	mt[mtN-1] = mt[mtM-1] ^ y>>1 ^ -(y&1)&matrixA
	r.temperAll()
	r.pos = 0
}

// temperAll sets out to the tempered state words.
func (r *RandomState) temperAll() {
	if useAVX2 {
		temperAVX2(&r.out[0], &r.mt[0], mtN)
		return
	}
	for i, y := range r.mt {
		r.out[i] = temper(y)
	}
}

// Uint32 returns the next tempered 32-bit output of MT19937.
func (r *RandomState) Uint32() uint32 {
	if i := uint(r.pos); i < mtN {
		r.pos = int(i) + 1
		return r.out[i]
	}
	r.generate()
	r.pos = 1
	return r.out[0]
}

// temper is the MT19937 output transformation of a state word.
func temper(y uint32) uint32 {
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	return y ^ y>>18
}

// uint64 returns two 32-bit outputs joined, the first as the high word, as
// numpy's mt19937_next64.
func (r *RandomState) uint64() uint64 {
	hi := r.Uint32()
	lo := r.Uint32()
	return uint64(hi)<<32 | uint64(lo)
}

// Float64 returns a float64 in [0, 1) with 53 random bits, the same as
// numpy's random_sample:
//
//	((a>>5)*67108864 + (b>>6)) / 9007199254740992
//
// where a and b are two consecutive outputs of Uint32.
func (r *RandomState) Float64() float64 {
	var a, b uint32
	if i := uint(r.pos); i < mtN-1 {
		a = r.out[i] >> 5
		b = r.out[i+1] >> 6
		r.pos = int(i) + 2
	} else {
		a = r.Uint32() >> 5
		b = r.Uint32() >> 6
	}
	return (float64(a)*67108864 + float64(b)) / 9007199254740992
}

// Uniform returns lo + (hi-lo)*Float64(), the same as numpy's uniform(lo, hi).
func (r *RandomState) Uniform(lo, hi float64) float64 {
	return lo + float64((hi-lo)*r.Float64())
}

// FillUniform fills dst with Uniform(lo, hi) draws in order, the same as
// uniform(lo, hi, size=shape) for any shape with len(dst) elements, read in
// row-major order.
func (r *RandomState) FillUniform(dst []float64, lo, hi float64) {
	d := hi - lo
	for i := range dst {
		dst[i] = lo + float64(d*r.Float64())
	}
}

// Gauss returns a standard normal value by numpy's legacy polar method:
//
//	x1 = 2*Float64()-1, x2 = 2*Float64()-1, r2 = x1*x1 + x2*x2
//	(drawn again while r2 >= 1 or r2 == 0)
//	f = sqrt(-2*ln(r2)/r2)
//
// It returns f*x2 and caches f*x1, which the next call to Gauss, Normal,
// FillNormal or FillNormalScaled returns without drawing, however many other
// draws happen in between. Seed and SetState replace the cache.
//
// ln is the C library's log when the package is built with cgo, as in numpy;
// without cgo it is math.Log, which differs from it in the last bit for a few
// percent of arguments.
func (r *RandomState) Gauss() float64 {
	if r.hasGauss {
		r.hasGauss = false
		g := r.gauss
		r.gauss = 0
		return g
	}
	r.polar(1)
	r.polarFactors(1)
	p := &r.pairs
	f := p.ln[0]
	r.gauss = f * p.x1[0]
	r.hasGauss = true
	return f * p.x2[0]
}

// polar draws n <= gaussBatch accepted pairs of the polar method into
// r.pairs and takes the logarithms of their r2 in one batch. The uniform
// values are those of Float64. With AVX2, polarAVX2 makes the candidates
// four at a time from the tempered outputs up to the end of the state
// vector; the few candidates around its regeneration are made one by one.
// A rejected candidate is overwritten by the next one rather than branched
// around: rejections are too frequent to predict.
func (r *RandomState) polar(n int) {
	p := &r.pairs
	n = min(n, gaussBatch)
	for k := 0; k < n; {
		if avail := (mtN - r.pos) / 4; useAVX2 && avail >= 4 {
			used, accepted := polarAVX2(&r.out[r.pos], avail&^3, &p.x1[k], &p.x2[k], &p.r2[k], n-k)
			r.pos += 4 * used
			k += accepted
			continue
		}
		var x1, x2 float64
		if i := uint(r.pos); i < mtN-3 {
			a, b := r.out[i]>>5, r.out[i+1]>>6
			c, d := r.out[i+2]>>5, r.out[i+3]>>6
			r.pos = int(i) + 4
			x1 = 2*((float64(a)*67108864+float64(b))/9007199254740992) - 1
			x2 = 2*((float64(c)*67108864+float64(d))/9007199254740992) - 1
		} else {
			x1 = 2*r.Float64() - 1
			x2 = 2*r.Float64() - 1
		}
		r2 := float64(x1*x1) + float64(x2*x2)
		p.x1[k], p.x2[k], p.r2[k] = x1, x2, r2
		k += accept(r2)
	}
	copy(p.ln[:n], p.r2[:n])
	libm.Logs(p.ln[:n])
}

// polarFactors sets ln[k] = f = sqrt(-2·ln(r2)/r2) for the first n pairs.
func (r *RandomState) polarFactors(n int) {
	p := &r.pairs
	if useAVX2 {
		polarFactorAVX2(&p.ln[0], &p.r2[0], n)
		return
	}
	for k := range n {
		p.ln[k] = math.Sqrt(-2 * p.ln[k] / p.r2[k])
	}
}

// accept is 1 if r2 is inside the unit circle and not 0, else 0.
func accept(r2 float64) int {
	a, b := 0, 0
	if r2 < 1 {
		a = 1
	}
	if r2 != 0 {
		b = 1
	}
	return a & b
}

// fillGauss fills dst with Gauss values in order, drawing the pairs in
// batches.
func (r *RandomState) fillGauss(dst []float64) {
	if len(dst) > 0 && r.hasGauss {
		dst[0] = r.gauss
		r.hasGauss, r.gauss = false, 0
		dst = dst[1:]
	}
	p := &r.pairs
	for len(dst) > 0 {
		n := min((len(dst)+1)/2, gaussBatch)
		r.polar(n)
		r.polarFactors(n)
		for k := range n {
			f := p.ln[k]
			dst[0] = f * p.x2[k]
			if len(dst) == 1 {
				r.gauss = f * p.x1[k]
				r.hasGauss = true
				return
			}
			dst[1] = f * p.x1[k]
			dst = dst[2:]
		}
	}
}

// Normal returns loc + scale*Gauss(), the same as numpy's normal(loc, scale).
func (r *RandomState) Normal(loc, scale float64) float64 {
	return loc + float64(scale*r.Gauss())
}

// FillNormal fills dst with Normal(loc, scale) draws in order, the same as
// normal(loc, scale, size=shape) for any shape with len(dst) elements, read
// in row-major order.
func (r *RandomState) FillNormal(dst []float64, loc, scale float64) {
	r.fillGauss(dst)
	for i, g := range dst {
		dst[i] = loc + float64(scale*g)
	}
}

// FillNormalScaled sets dst[i] = loc + scale[i]*Gauss() in order, the same as
// normal(loc, scale) with an array scale. A zero scale still consumes a
// normal value. It panics if len(scale) != len(dst).
func (r *RandomState) FillNormalScaled(dst []float64, loc float64, scale []float64) {
	if len(scale) != len(dst) {
		panic("rng: length mismatch between dst and scale")
	}
	r.fillGauss(dst)
	scale = scale[:len(dst)]
	for i, g := range dst {
		dst[i] = loc + float64(scale[i]*g)
	}
}

// Randint returns an integer in [lo, hi), the same as numpy's legacy
// randint(lo, hi) with the default int64 dtype. With rng = hi-lo-1 it
// returns lo without drawing if rng is 0; otherwise it draws values masked
// by the smallest 2^k-1 >= rng until one is <= rng, from Uint32 while
// rng < 2^32 and from two joined Uint32 outputs (first one high) beyond.
// It panics if lo >= hi.
func (r *RandomState) Randint(lo, hi int64) int64 {
	if lo >= hi {
		panic("rng: Randint with lo >= hi")
	}
	rng := uint64(hi) - uint64(lo) - 1
	var v uint64
	switch {
	case rng == 0:
		return lo
	case rng < 0xffffffff:
		mask := uint32(mask64(rng))
		max := uint32(rng)
		for {
			if x := r.Uint32() & mask; x <= max {
				v = uint64(x)
				break
			}
		}
	case rng == 0xffffffff:
		v = uint64(r.Uint32())
	default:
		mask := mask64(rng)
		for {
			if v = r.uint64() & mask; v <= rng {
				break
			}
		}
	}
	return int64(uint64(lo) + v)
}

// Interval returns a value in [0, max], the same as numpy's random_interval:
// 0 without drawing if max is 0, otherwise values masked by the smallest
// 2^k-1 >= max, drawn from Uint32 while max < 2^32 and from two joined
// Uint32 outputs (first one high) beyond, until one is <= max.
func (r *RandomState) Interval(max uint64) uint64 {
	if max == 0 {
		return 0
	}
	mask := mask64(max)
	if max <= 0xffffffff {
		m32, max32 := uint32(mask), uint32(max)
		for {
			if v := r.Uint32() & m32; v <= max32 {
				return uint64(v)
			}
		}
	}
	for {
		if v := r.uint64() & mask; v <= max {
			return v
		}
	}
}

// mask64 returns the smallest 2^k-1 >= x.
func mask64(x uint64) uint64 {
	x |= x >> 1
	x |= x >> 2
	x |= x >> 4
	x |= x >> 8
	x |= x >> 16
	x |= x >> 32
	return x
}

// Shuffle permutes n items the way numpy's shuffle does: for i from n-1 down
// to 1 it calls swap(i, Interval(i)), including when both indices are equal.
// Shuffling the rows of a matrix is the same sequence of row swaps.
func (r *RandomState) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, int(r.Interval(uint64(i))))
	}
}

// ShuffleInts permutes x in place, the same as Shuffle(len(x), ...) with a
// swap of x[i] and x[j].
func (r *RandomState) ShuffleInts(x []int) {
	for i := len(x) - 1; i > 0; i-- {
		j := r.Interval(uint64(i))
		x[i], x[j] = x[j], x[i]
	}
}
