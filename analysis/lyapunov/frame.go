package lyapunov

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// orthonormalizer re-orthonormalises a tangent frame stored as K×N
// row-major rows v₁…v_K (K ≤ N). It factors
//
//	v = L·Q,   L K×K lower triangular with Lᵢᵢ ≥ 0,   Q K×N with Q·Qᵀ = I
//
// which is the QR factorisation vᵀ = Qᵀ·Lᵀ of the N×K frame in column
// notation, with R = Lᵀ. Storing tangent vectors as rows makes them
// contiguous, so the tangent update is one row-major GEMM and the LQ
// routines of LAPACK (gonum's Dgelqf and Dorglq) apply directly.
//
// Householder reflections are used rather than Gram–Schmidt because they
// keep Q orthonormal to O(ε) whatever the condition number of v, while
// modified Gram–Schmidt loses orthogonality in proportion to it. Between
// two QR steps the frame's condition number grows like
// exp((λ₁ − λ_K)·QREvery), which is large for a full spectrum with strongly
// contracting directions or a long QREvery. Both cost O(N·K²).
type orthonormalizer struct {
	k, n     int
	tau      []float64
	work     []float64
	negative []bool
}

func newOrthonormalizer(k, n int) *orthonormalizer {
	o := &orthonormalizer{k: k, n: n, tau: make([]float64, k), work: make([]float64, 1), negative: make([]bool, k)}
	a := blas64.General{Rows: k, Cols: n, Stride: n, Data: make([]float64, k*n)}
	lapack64.Gelqf(a, o.tau, o.work, -1)
	lwork := int(o.work[0])
	lapack64.Orglq(a, o.tau, o.work, -1)
	lwork = max(lwork, int(o.work[0]), k)
	o.work = make([]float64, lwork)
	return o
}

// factor overwrites v (K×N) with Q and stores ln |Lᵢᵢ| in logDiag (length
// K). LAPACK's Householder convention gives negative diagonals as readily
// as positive ones. So rows of Q whose Lᵢᵢ came out negative are negated,
// which gives the unique factorisation with Lᵢᵢ ≥ 0. A zero Lᵢᵢ (a
// singular step) gives ln 0 = −Inf.
func (o *orthonormalizer) factor(v, logDiag []float64) {
	k, n := o.k, o.n
	a := blas64.General{Rows: k, Cols: n, Stride: n, Data: v}
	lapack64.Gelqf(a, o.tau, o.work, len(o.work))
	negative := o.negative
	for i := 0; i < k; i++ {
		lii := v[i*n+i]
		logDiag[i] = math.Log(math.Abs(lii))
		negative[i] = lii < 0
	}
	lapack64.Orglq(a, o.tau, o.work, len(o.work))
	for i := 0; i < k; i++ {
		if !negative[i] {
			continue
		}
		row := v[i*n : (i+1)*n]
		for j := range row {
			row[j] = -row[j]
		}
	}
}

// randomFrame returns a K×N matrix with orthonormal rows, the
// orthonormalised draw of a K×N matrix of independent N(0, 1) entries. With
// probability 1 a random start does not lie in an invariant subspace of the
// dynamics, as the first K unit vectors might.
func randomFrame(k, n int, rng *rand.Rand, o *orthonormalizer) []float64 {
	v := make([]float64, k*n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	o.factor(v, make([]float64, k))
	return v
}
