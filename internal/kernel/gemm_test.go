package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmCase is one call of Gemm. padA, padB and padC are the number of
// elements between the end of a row and the start of the next, so that
// lda = row length + padA and so on.
type gemmCase struct {
	transA, transB   bool
	m, n, k          int
	alpha, beta      float64
	padA, padB, padC int
	nanC             bool // C starts as NaN everywhere (meaningful with beta = 0)
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("transA=%t transB=%t m=%d n=%d k=%d alpha=%g beta=%g pads=(%d,%d,%d) nanC=%t",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC, tc.nanC)
}

// gemmOperands holds the slices of one Gemm call and a copy of C before it.
type gemmOperands[F Float] struct {
	a, b, c, c0   []F
	lda, ldb, ldc int
}

// padValue fills the padding of C. A backend that writes there changes it.
const padValue = -7.25

// newStored returns a rows×cols row-major matrix with stride cols+pad whose
// entries are uniform in [−1, 1) and whose padding, including the last
// row's, is fill.
func newStored[F Float](rng *rand.Rand, rows, cols, pad int, fill float64) ([]F, int) {
	ld := max(1, cols+pad)
	s := make([]F, rows*ld)
	for i := range s {
		s[i] = F(fill)
	}
	for i := range rows {
		for j := range cols {
			s[i*ld+j] = F(2*rng.Float64() - 1)
		}
	}
	return s, ld
}

func newGemmOperands[F Float](rng *rand.Rand, tc gemmCase) gemmOperands[F] {
	rowsA, colsA := tc.m, tc.k
	if tc.transA {
		rowsA, colsA = tc.k, tc.m
	}
	rowsB, colsB := tc.k, tc.n
	if tc.transB {
		rowsB, colsB = tc.n, tc.k
	}

	var op gemmOperands[F]
	// NaN in the padding of A and B poisons C if a backend reads it.
	op.a, op.lda = newStored[F](rng, rowsA, colsA, tc.padA, math.NaN())
	op.b, op.ldb = newStored[F](rng, rowsB, colsB, tc.padB, math.NaN())
	op.c, op.ldc = newStored[F](rng, tc.m, tc.n, tc.padC, padValue)
	if tc.nanC {
		for i := range tc.m {
			for j := range tc.n {
				op.c[i*op.ldc+j] = F(math.NaN())
			}
		}
	}
	op.c0 = append([]F(nil), op.c...)
	return op
}

// naiveGemm returns, in float64, C = alpha·op(A)·op(B) + beta·C₀ by the
// triple loop, and the bound |alpha|·|op(A)|·|op(B)| + |beta|·|C₀| that
// scales the rounding error of any summation order. beta = 0 ignores C₀.
func naiveGemm[F Float](tc gemmCase, op gemmOperands[F]) (ref, bound []float64) {
	ref = make([]float64, tc.m*tc.n)
	bound = make([]float64, tc.m*tc.n)
	for i := range tc.m {
		for j := range tc.n {
			var sum, abs float64
			for l := range tc.k {
				var av, bv float64
				if tc.transA {
					av = float64(op.a[l*op.lda+i])
				} else {
					av = float64(op.a[i*op.lda+l])
				}
				if tc.transB {
					bv = float64(op.b[j*op.ldb+l])
				} else {
					bv = float64(op.b[l*op.ldb+j])
				}
				sum += av * bv
				abs += math.Abs(av * bv)
			}
			r := tc.alpha * sum
			e := math.Abs(tc.alpha) * abs
			if tc.beta != 0 {
				c0 := float64(op.c0[i*op.ldc+j])
				r += tc.beta * c0
				e += math.Abs(tc.beta * c0)
			}
			ref[i*tc.n+j] = r
			bound[i*tc.n+j] = e
		}
	}
	return ref, bound
}

// checkGemmCase runs one case and compares every element of C with the
// triple loop. Any order of summing k products in a precision with unit
// roundoff u is off by at most k·u/(1−k·u) times the bound. The scaling by
// alpha and beta and the final addition add three more roundings, and the
// factor 2 covers the float64 reference's own error.
func checkGemmCase[F Float](t *testing.T, rng *rand.Rand, tc gemmCase) {
	t.Helper()
	op := newGemmOperands[F](rng, tc)
	ref, bound := naiveGemm(tc, op)
	Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, F(tc.alpha), op.a, op.lda, op.b, op.ldb, F(tc.beta), op.c, op.ldc)

	tol := 2 * float64(tc.k+3) * unitRoundoff[F]()
	bad := 0
	for i := range tc.m {
		for j := range tc.n {
			got := float64(op.c[i*op.ldc+j])
			want := ref[i*tc.n+j]
			limit := tol*bound[i*tc.n+j] + math.SmallestNonzeroFloat32
			if !(math.Abs(got-want) <= limit) {
				if bad < 3 {
					t.Errorf("%v: C[%d][%d] = %g, want %g ± %.3g", tc, i, j, got, want, limit)
				}
				bad++
			}
		}
	}
	if bad > 3 {
		t.Errorf("%v: %d elements of C out of tolerance in all", tc, bad)
	}
	checkPadding(t, tc, op)
}

// checkPadding fails the test if Gemm changed C outside its m×n entries.
func checkPadding[F Float](t *testing.T, tc gemmCase, op gemmOperands[F]) {
	t.Helper()
	for i := range tc.m {
		for j := tc.n; j < op.ldc; j++ {
			idx := i*op.ldc + j
			if op.c[idx] != op.c0[idx] {
				t.Errorf("%v: padding C[%d] changed from %g to %g", tc, idx, op.c0[idx], op.c[idx])
				return
			}
		}
	}
}

var transCombos = []struct {
	name           string
	transA, transB bool
}{
	{"NN", false, false},
	{"TN", true, false},
	{"NT", false, true},
	{"TT", true, true},
}

// gemmScalars is the cycle of (alpha, beta) pairs the size sweep walks
// through. nanC marks the pair that must overwrite a C full of NaN.
var gemmScalars = []struct {
	alpha, beta float64
	nanC        bool
}{
	{1, 0, true},
	{1, 1, false},
	{-0.5, 2, false},
	{1.5, 0, false},
	{2, -1, false},
	{0.75, 0.5, false},
}

func TestGemmSizes(t *testing.T) {
	sizes := []int{1, 2, 3, 5, 17, 64, 65, 130}
	if testing.Short() {
		sizes = []int{1, 2, 3, 5, 17, 65}
	}
	t.Run("float32", func(t *testing.T) { sweepGemmSizes[float32](t, sizes) })
	t.Run("float64", func(t *testing.T) { sweepGemmSizes[float64](t, sizes) })
}

// sweepGemmSizes runs every combination of transposes and sizes, cycling
// alpha, beta and the row padding (0, 1 or 3 elements) through the cases.
func sweepGemmSizes[F Float](t *testing.T, sizes []int) {
	rng := newRand(t)
	pads := []int{0, 1, 3}
	for _, tr := range transCombos {
		t.Run(tr.name, func(t *testing.T) {
			idx := 0
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range sizes {
						s := gemmScalars[idx%len(gemmScalars)]
						tc := gemmCase{
							transA: tr.transA, transB: tr.transB,
							m: m, n: n, k: k,
							alpha: s.alpha, beta: s.beta, nanC: s.nanC,
							padA: pads[idx%3], padB: pads[idx/3%3], padC: pads[idx/9%3],
						}
						checkGemmCase[F](t, rng, tc)
						idx++
					}
				}
			}
		})
	}
}

// scalarTestShapes are the (m, n, k) shapes of the tests of the alpha and
// beta contract: one-element, awkward and beyond one 64×64 block.
var scalarTestShapes = [][3]int{{1, 1, 1}, {17, 5, 3}, {130, 65, 64}}

func TestGemmBetaZeroOverwritesNaN(t *testing.T) {
	t.Run("float32", func(t *testing.T) { checkBetaZeroOverwritesNaN[float32](t) })
	t.Run("float64", func(t *testing.T) { checkBetaZeroOverwritesNaN[float64](t) })
}

func checkBetaZeroOverwritesNaN[F Float](t *testing.T) {
	rng := newRand(t)
	for _, tr := range transCombos {
		for _, s := range scalarTestShapes {
			tc := gemmCase{transA: tr.transA, transB: tr.transB, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0, padC: 2, nanC: true}
			checkGemmCase[F](t, rng, tc)

			// alpha = 0 and beta = 0 must store exact zeros over the NaN.
			tc.alpha = 0
			op := newGemmOperands[F](rng, tc)
			Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, 0, op.a, op.lda, op.b, op.ldb, 0, op.c, op.ldc)
			for i := range tc.m {
				for j := range tc.n {
					if v := op.c[i*op.ldc+j]; v != 0 || math.Signbit(float64(v)) {
						t.Fatalf("%v: C[%d][%d] = %g, want +0", tc, i, j, v)
					}
				}
			}
			checkPadding(t, tc, op)
		}
	}
}

func TestGemmBetaOneAccumulates(t *testing.T) {
	t.Run("float32", func(t *testing.T) { checkBetaOneAccumulates[float32](t) })
	t.Run("float64", func(t *testing.T) { checkBetaOneAccumulates[float64](t) })
}

func checkBetaOneAccumulates[F Float](t *testing.T) {
	rng := newRand(t)
	for _, tr := range transCombos {
		for _, s := range scalarTestShapes {
			tc := gemmCase{transA: tr.transA, transB: tr.transB, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 1, padA: 1, padC: 1}
			checkGemmCase[F](t, rng, tc)

			// Accumulating a product of zeros must leave C's bits alone.
			op := newGemmOperands[F](rng, tc)
			clear(op.a)
			Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, 1, op.a, op.lda, op.b, op.ldb, 1, op.c, op.ldc)
			for i := range op.c {
				if op.c[i] != op.c0[i] {
					t.Fatalf("%v: C[%d] changed from %g to %g by adding a zero product", tc, i, op.c0[i], op.c[i])
				}
			}
		}
	}
}

func TestGemmAlphaZeroSkipsProduct(t *testing.T) {
	t.Run("float32", func(t *testing.T) { checkAlphaZeroSkipsProduct[float32](t) })
	t.Run("float64", func(t *testing.T) { checkAlphaZeroSkipsProduct[float64](t) })
}

// checkAlphaZeroSkipsProduct fills A and B with NaN: alpha = 0 must not read
// them, and C must become exactly beta·C₀.
func checkAlphaZeroSkipsProduct[F Float](t *testing.T) {
	rng := newRand(t)
	for _, tr := range transCombos {
		for _, s := range scalarTestShapes {
			tc := gemmCase{transA: tr.transA, transB: tr.transB, m: s[0], n: s[1], k: s[2], alpha: 0, beta: 0.5, padC: 1}
			op := newGemmOperands[F](rng, tc)
			for i := range op.a {
				op.a[i] = F(math.NaN())
			}
			for i := range op.b {
				op.b[i] = F(math.NaN())
			}
			Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, 0, op.a, op.lda, op.b, op.ldb, 0.5, op.c, op.ldc)
			for i := range tc.m {
				for j := range tc.n {
					idx := i*op.ldc + j
					if want := 0.5 * op.c0[idx]; op.c[idx] != want {
						t.Fatalf("%v: C[%d][%d] = %g, want %g", tc, i, j, op.c[idx], want)
					}
				}
			}
			checkPadding(t, tc, op)
		}
	}
}

func TestGemmZeroK(t *testing.T) {
	t.Run("float32", func(t *testing.T) { checkZeroK[float32](t) })
	t.Run("float64", func(t *testing.T) { checkZeroK[float64](t) })
}

// checkZeroK passes nil A and B: with k = 0 the product is empty, so
// C = beta·C₀ and beta = 0 zeroes C.
func checkZeroK[F Float](t *testing.T) {
	rng := newRand(t)
	for _, tr := range transCombos {
		for _, beta := range []F{0, 1, -2} {
			tc := gemmCase{transA: tr.transA, transB: tr.transB, m: 5, n: 3, k: 0, alpha: 1, beta: float64(beta), padC: 2}
			op := newGemmOperands[F](rng, tc)
			Gemm(tc.transA, tc.transB, tc.m, tc.n, 0, 1, nil, max(1, tc.m), nil, max(1, tc.n), beta, op.c, op.ldc)
			for i := range tc.m {
				for j := range tc.n {
					idx := i*op.ldc + j
					if want := beta * op.c0[idx]; op.c[idx] != want {
						t.Fatalf("%v: C[%d][%d] = %g, want %g", tc, i, j, op.c[idx], want)
					}
				}
			}
			checkPadding(t, tc, op)
		}
	}
}

func TestGemmEmptyOutput(t *testing.T) {
	c := []float32{1, 2, 3}
	Gemm(false, false, 0, 3, 4, 1, nil, 4, make([]float32, 12), 3, 0, nil, 3)
	Gemm(false, false, 3, 0, 4, 1, make([]float32, 12), 4, nil, 1, 0, nil, 1)
	Gemm(false, false, 0, 0, 0, 1, nil, 1, nil, 1, 0, c, 1)
	if c[0] != 1 || c[1] != 2 || c[2] != 3 {
		t.Errorf("C = %v after empty products, want [1 2 3]", c)
	}
}

func TestGemmPanics(t *testing.T) {
	a := make([]float64, 6)  // 2×3
	b := make([]float64, 12) // 3×4
	c := make([]float64, 8)  // 2×4
	cases := []struct {
		name string
		call func()
	}{
		{"negative m", func() { Gemm(false, false, -1, 4, 3, 1, a, 3, b, 4, 0, c, 4) }},
		{"negative n", func() { Gemm(false, false, 2, -1, 3, 1, a, 3, b, 4, 0, c, 4) }},
		{"negative k", func() { Gemm(false, false, 2, 4, -1, 1, a, 3, b, 4, 0, c, 4) }},
		{"lda below k", func() { Gemm(false, false, 2, 4, 3, 1, a, 2, b, 4, 0, c, 4) }},
		{"lda below m with transA", func() { Gemm(true, false, 2, 4, 3, 1, a, 1, b, 4, 0, c, 4) }},
		{"ldb below n", func() { Gemm(false, false, 2, 4, 3, 1, a, 3, b, 3, 0, c, 4) }},
		{"ldb below k with transB", func() { Gemm(false, true, 2, 4, 3, 1, a, 3, b, 2, 0, c, 4) }},
		{"ldc below n", func() { Gemm(false, false, 2, 4, 3, 1, a, 3, b, 4, 0, c, 3) }},
		{"zero lda with k = 0", func() { Gemm(false, false, 2, 4, 0, 1, nil, 0, nil, 4, 0, c, 4) }},
		{"short a", func() { Gemm(false, false, 2, 4, 3, 1, a[:5], 3, b, 4, 0, c, 4) }},
		{"short a from stride", func() { Gemm(false, false, 2, 4, 3, 1, a, 4, b, 4, 0, c, 4) }},
		{"short b", func() { Gemm(false, false, 2, 4, 3, 1, a, 3, b[:11], 4, 0, c, 4) }},
		{"short c", func() { Gemm(false, false, 2, 4, 3, 1, a, 3, b, 4, 0, c[:7], 4) }},
		{"short c with alpha = 0", func() { Gemm(false, false, 2, 4, 3, 0, a, 3, b, 4, 0, c[:7], 4) }},
	}
	for _, tc := range cases {
		mustPanic(t, tc.name, tc.call)
	}
}
