// Package rng is a Mersenne Twister generator that reproduces numpy's legacy
// numpy.random.RandomState bit for bit: the same seed and the same sequence
// of calls give the same numbers, so that a simulation initialised and
// driven by numpy can be repeated exactly.
//
// The generator is MT19937 seeded by init_genrand(seed), as
// RandomState(seed) with an integer seed below 2³². Uint32 returns its
// tempered 32-bit outputs; the other draws are built from them:
//
//	Float64        = ((a>>5)*67108864 + (b>>6)) / 9007199254740992  (a, b: two Uint32)
//	Uniform(lo,hi) = lo + (hi-lo)*Float64
//	Normal(loc,s)  = loc + s*Gauss
//
// Gauss is the legacy polar method, which makes two normal values at a time
// and caches the second one until the next normal draw; uniform draws,
// integers and shuffles in between leave the cache alone, and reseeding
// clears it.
//
// Randint(lo, hi) draws from [lo, hi) as numpy's legacy randint with the
// int64 dtype: with rng = hi-lo-1 and mask the smallest 2^k-1 >= rng, it
// draws Uint32()&mask until the value is <= rng and returns lo+value (no
// draw at all when rng is 0). Ranges wider than 32 bits use 64-bit values
// made of two Uint32 outputs, the first one the high word. Interval(max) is
// the same rejection for [0, max], and Shuffle(n, swap) calls
// swap(i, Interval(i)) for i = n-1 down to 1, as numpy's shuffle; shuffling
// the rows of a matrix is the same sequence of row swaps.
//
// The Fill functions draw into a destination slice in order, which is how
// numpy fills an array of any shape in row-major order, so
//
//	r.FillUniform(w, lo, hi)
//
// with len(w) = rows*cols equals uniform(lo, hi, size=(rows, cols)).
// numpy's seeded global state (np.random.seed(s) followed by np.random.normal
// and friends) is a RandomState seeded with s.
//
// State and SetState save and restore the complete state, the cached normal
// value included, for checkpoints.
//
// The natural logarithm in Gauss is the C library's log when the package is
// built with cgo, the function numpy calls; without cgo it is math.Log, which
// differs from it in the last bit for a few percent of arguments. Normal
// values are made in batches of polar pairs, with one call to the C library
// for all their logarithms (package rng/internal/libm): the same values as
// one at a time, while a cgo call costs about as much as five logarithms.
//
// On amd64 CPUs with AVX2, the regeneration and tempering of the state and
// the polar method's candidate pairs run in the kernels of mt_amd64.s,
// eight words or four pairs at a time, with the same integer and
// floating-point operations as the Go loops (build tag purego: the Go
// loops): the draws are the same bits either way.
//
// No method allocates. A RandomState is not safe for concurrent use.
package rng
