package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tanhF32MaxULP bounds TanhF32's error in float32 ulps of the exact result.
// Half an ulp comes from rounding to float32 and the approximation adds at
// most 3e-9, so about 0.56 ulp is the worst case just below 1.
const tanhF32MaxULP = 0.6

// ulp32 returns the spacing of float32 values at |v|: 2^(e−24) for
// |v| in [2^(e−1), 2^e), and 2⁻¹⁴⁹ in the subnormal range.
func ulp32(v float64) float64 {
	_, exp := math.Frexp(math.Abs(v))
	return math.Ldexp(1, max(exp-24, -149))
}

// tanhStats accumulates TanhF32's worst errors over all checked inputs.
type tanhStats struct {
	count          int
	maxAbs, maxULP float64
	argAbs, argULP float32
}

// checkTanhF32 runs TanhF32 on xs and checks each result against math.Tanh:
// the error bounds, NaN propagation, the sign, |y| ≤ 1, and exact odd
// symmetry from a second call on −xs.
func checkTanhF32(t *testing.T, xs []float32, stats *tanhStats) {
	t.Helper()
	ys := make([]float32, len(xs))
	TanhF32(ys, xs)
	neg := make([]float32, len(xs))
	for i, x := range xs {
		neg[i] = -x
	}
	TanhF32(neg, neg)

	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if bad < 5 {
			t.Errorf(format, args...)
		}
		bad++
	}
	for i, x := range xs {
		y := ys[i]
		if math.Float32bits(neg[i]) != math.Float32bits(-y) {
			fail("TanhF32(%g) = %g but TanhF32(%g) = %g, want exact odd symmetry", x, y, -x, neg[i])
		}
		if x != x {
			if y == y {
				fail("TanhF32(NaN) = %g, want NaN", y)
			}
			continue
		}
		if y != y || math.Abs(float64(y)) > 1 {
			fail("TanhF32(%g) = %g, want a value in [-1, 1]", x, y)
			continue
		}
		if math.Signbit(float64(y)) != math.Signbit(float64(x)) {
			fail("TanhF32(%g) = %g, want the sign of the argument", x, y)
		}

		want := math.Tanh(float64(x))
		abs := math.Abs(float64(y) - want)
		ulps := abs / ulp32(want)
		if abs > TanhF32MaxError || ulps > tanhF32MaxULP {
			fail("TanhF32(%g) = %.9g, want %.9g: error %.3g (%.3g ulp)", x, y, want, abs, ulps)
		}
		if abs > stats.maxAbs {
			stats.maxAbs, stats.argAbs = abs, x
		}
		if ulps > stats.maxULP {
			stats.maxULP, stats.argULP = ulps, x
		}
	}
	if bad > 5 {
		t.Errorf("%d failures in all", bad)
	}
	stats.count += len(xs)
}

func (s *tanhStats) log(t *testing.T) {
	t.Logf("%d inputs: max abs error %.3g at x = %g, max error %.3g ulp at x = %g",
		s.count, s.maxAbs, s.argAbs, s.maxULP, s.argULP)
}

func TestTanhF32SpecialCases(t *testing.T) {
	inf := float32(math.Inf(1))
	cases := []struct {
		x, want float32
	}{
		{0, 0},
		{float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))},
		{inf, 1},
		{-inf, -1},
		{math.MaxFloat32, 1},
		{-math.MaxFloat32, -1},
		{1e30, 1},
		{20, 1},
		{10, 1},
		{9.1, 1},
		{-9.1, -1},
		// tanh(x) = x·(1 − x²/3 + …) rounds to x below about 3e-4.
		{1e-30, 1e-30},
		{-1e-30, -1e-30},
		{math.SmallestNonzeroFloat32, math.SmallestNonzeroFloat32},
		{0x1p-126, 0x1p-126},
		{1e-5, 1e-5},
	}
	xs := make([]float32, len(cases))
	for i, c := range cases {
		xs[i] = c.x
	}
	ys := make([]float32, len(xs))
	TanhF32(ys, xs)
	for i, c := range cases {
		if math.Float32bits(ys[i]) != math.Float32bits(c.want) {
			t.Errorf("TanhF32(%g) = %g, want %g", c.x, ys[i], c.want)
		}
	}

	nan := []float32{float32(math.NaN()), -float32(math.NaN())}
	TanhF32(nan, nan)
	for _, y := range nan {
		if y == y {
			t.Errorf("TanhF32(NaN) = %g, want NaN", y)
		}
	}
}

func TestTanhF32Grid(t *testing.T) {
	// Every stride-th float32 from +0 to 10.5, past the clamp at 10: all
	// exponents and mantissa patterns. A stride of 61 checks 18 million
	// values (about 1.1e9 / 61); -short uses 4099.
	stride := uint32(61)
	if testing.Short() {
		stride = 4099
	}
	var stats tanhStats
	const batch = 1 << 16
	xs := make([]float32, 0, batch)
	end := math.Float32bits(10.5)
	for bits := uint32(0); bits <= end; bits += stride {
		xs = append(xs, math.Float32frombits(bits))
		if len(xs) == batch {
			checkTanhF32(t, xs, &stats)
			xs = xs[:0]
		}
	}
	checkTanhF32(t, xs, &stats)

	// An evenly spaced grid of step 2⁻¹² on [−12, 12] must be
	// non-decreasing, as the exact float32 rounding of tanh is.
	xs = xs[:0]
	for x := -12.0; x <= 12; x += 0x1p-12 {
		xs = append(xs, float32(x))
	}
	checkTanhF32(t, xs, &stats)
	stats.log(t)
	ys := make([]float32, len(xs))
	TanhF32(ys, xs)
	for i := 1; i < len(ys); i++ {
		if ys[i] < ys[i-1] {
			t.Fatalf("TanhF32 decreases: %g at %g, %g at %g", ys[i-1], xs[i-1], ys[i], xs[i])
		}
	}
}

func TestTanhF32Random(t *testing.T) {
	rng := newRand(t)
	n := 1 << 20
	if testing.Short() {
		n = 1 << 14
	}
	var stats tanhStats
	xs := make([]float32, n)

	// Pre-activations as training produces them: normal with σ = 3.
	for i := range xs {
		xs[i] = float32(3 * rng.NormFloat64())
	}
	checkTanhF32(t, xs, &stats)

	// Magnitudes log-uniform over the whole float32 range, random sign.
	for i := range xs {
		x := math.Exp2(-150 + 278*rng.Float64())
		if rng.IntN(2) == 0 {
			x = -x
		}
		xs[i] = float32(x)
	}
	checkTanhF32(t, xs, &stats)

	// Random bit patterns, which include subnormals, ±Inf and NaN payloads.
	for i := range xs {
		xs[i] = math.Float32frombits(rng.Uint32())
	}
	checkTanhF32(t, xs, &stats)
	stats.log(t)
}

func TestTanhF32Aliasing(t *testing.T) {
	rng := newRand(t)
	src := make([]float32, 1000)
	for i := range src {
		src[i] = float32(4 * rng.NormFloat64())
	}
	want := make([]float32, len(src))
	TanhF32(want, src)
	TanhF32(src, src)
	for i := range src {
		if src[i] != want[i] {
			t.Fatalf("in-place TanhF32 element %d = %g, want %g", i, src[i], want[i])
		}
	}
}

func TestTanhF64MatchesMath(t *testing.T) {
	rng := newRand(t)
	xs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-300, 5e-324, 0.5, 19, 20, 1e300}
	for range 10000 {
		xs = append(xs, 4*rng.NormFloat64())
	}
	ys := make([]float64, len(xs))
	TanhF64(ys, xs)
	for i, x := range xs {
		want := math.Tanh(x)
		if math.Float64bits(ys[i]) != math.Float64bits(want) && !(math.IsNaN(want) && math.IsNaN(ys[i])) {
			t.Errorf("TanhF64(%g) = %g, want math.Tanh = %g", x, ys[i], want)
		}
	}

	TanhF64(xs, xs)
	for i := range xs {
		if math.Float64bits(xs[i]) != math.Float64bits(ys[i]) && !math.IsNaN(ys[i]) {
			t.Fatalf("in-place TanhF64 element %d = %g, want %g", i, xs[i], ys[i])
		}
	}
}

func TestTanhLengthMismatchPanics(t *testing.T) {
	mustPanic(t, "TanhF32", func() { TanhF32(make([]float32, 2), make([]float32, 3)) })
	mustPanic(t, "TanhF64", func() { TanhF64(make([]float64, 3), make([]float64, 2)) })
}

// sink keeps benchmark results alive.
var sink float32

func BenchmarkTanh(b *testing.B) {
	const n = 4096
	rng := rand.New(rand.NewPCG(1, 2))
	src32 := make([]float32, n)
	src64 := make([]float64, n)
	for i := range src32 {
		src64[i] = 3 * rng.NormFloat64()
		src32[i] = float32(src64[i])
	}
	dst32 := make([]float32, n)
	dst64 := make([]float64, n)

	perElement := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/element")
	}
	b.Run("TanhF32", func(b *testing.B) {
		for b.Loop() {
			TanhF32(dst32, src32)
		}
		sink += dst32[0]
		perElement(b)
	})
	b.Run("math.Tanh-float32", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src32 {
				dst32[i] = float32(math.Tanh(float64(x)))
			}
		}
		sink += dst32[0]
		perElement(b)
	})
	b.Run("TanhF64", func(b *testing.B) {
		for b.Loop() {
			TanhF64(dst64, src64)
		}
		sink += float32(dst64[0])
		perElement(b)
	})
}
