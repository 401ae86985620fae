package readout

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/pca"
)

// DefaultFraction is the share of a window's variance that the principal
// components must hold when [Align] chooses k itself (the 99 % rule).
const DefaultFraction = 0.99

// orthonormalTolerance bounds max |E·Eᵀ − I| for a basis that a caller
// passes in. Bases from a symmetric eigensolver or a QR factorisation are
// orthonormal to about N·ε ≈ 1e-13 for N in the thousands, and 1e-8 still
// rejects a basis that was never orthonormalised.
const orthonormalTolerance = 1e-8

// Alignment describes how a weight vector v lies relative to k orthonormal
// axes e₁…eₖ, usually the leading principal components of a window.
type Alignment struct {
	// K is the number of axes used.
	K int
	// Projections are cᵢ = eᵢ·v/‖v‖ for i = 1…K. Their signs follow the
	// signs of the axes, which for principal components are a convention.
	Projections []float64
	// Captured is Σcᵢ², the fraction of ‖v‖² inside the span of the axes,
	// in [0, 1].
	Captured float64
	// ParticipationRatio is (Σcᵢ²)²/Σcᵢ⁴, in [1, K]: the number of axes
	// that v spreads over. It does not depend on the signs of the axes. It
	// is 0 when v is orthogonal to every axis (Captured = 0).
	ParticipationRatio float64
}

// Align measures the alignment of the weight vector v (length N) with the
// first k principal components of the fitted window p:
//
//	cᵢ = eᵢ·v/‖v‖,   i = 1…k
//	captured = Σᵢ cᵢ²
//	PR       = (Σᵢ cᵢ²)² / Σᵢ cᵢ⁴
//
// With k = 0, k is p.KFor(DefaultFraction), the number of components that
// hold 99 % of the variance, capped at p.Significant(). Eigenvectors whose variance is negligible (see
// pca.NegligibleVariance) are arbitrary directions inside the null space of
// the covariance, so Align returns an error when a given k exceeds
// p.Significant() instead of letting them into the statistic. It also
// returns an error when v is zero or not finite. It panics when len(v) is
// not N or k is outside [0, N]. Cost: O(k·N).
func Align(p *pca.PCA, v []float64, k int) (Alignment, error) {
	n := p.N()
	if len(v) != n {
		panic(fmt.Sprintf("readout: weight vector has length %d; want N = %d", len(v), n))
	}
	if k < 0 || k > n {
		panic(fmt.Sprintf("readout: number of components k = %d outside [0, %d]", k, n))
	}
	significant := p.Significant()
	if k == 0 {
		k = min(p.KFor(DefaultFraction), significant)
	}
	if k > significant {
		variances := p.Variances(nil)
		return Alignment{}, fmt.Errorf("readout: component %d has variance %g, at most %g·λ₁ = %g, so its direction is arbitrary; use k ≤ %d",
			significant+1, variances[significant], pca.NegligibleVariance, pca.NegligibleVariance*variances[0], significant)
	}
	return align(p.VectorsTo(nil, k), n, k, v)
}

// AlignBasis is [Align] for a caller's own axes: the rows of basis, a k×N
// row-major matrix with orthonormal rows (the layout of pca.PCA.VectorsTo).
// It returns an error when max |E·Eᵀ − I| exceeds 1e-8, or when v is zero or
// not finite. It panics when len(basis) ≠ k·N or len(v) ≠ N. Cost:
// O(k²·N) for the orthonormality check and O(k·N) for the projections.
func AlignBasis(basis []float64, n, k int, v []float64) (Alignment, error) {
	checkBasis(basis, n, k, v)
	if err := checkOrthonormal(basis, n, k); err != nil {
		return Alignment{}, err
	}
	return align(basis, n, k, v)
}

func align(basis []float64, n, k int, v []float64) (Alignment, error) {
	norm, err := vectorNorm(v)
	if err != nil {
		return Alignment{}, err
	}
	c := make([]float64, k)
	sumSq, sumQuart := 0.0, 0.0
	for i := range k {
		ci := dot(basis[i*n:(i+1)*n], v) / norm
		c[i] = ci
		sumSq += ci * ci
		sumQuart += ci * ci * ci * ci
	}
	a := Alignment{K: k, Projections: c, Captured: sumSq}
	if sumQuart > 0 {
		a.ParticipationRatio = sumSq * sumSq / sumQuart
	}
	return a, nil
}

// SignedParticipationRatio returns the signed ratio of the projections c,
//
//	(Σᵢ cᵢ)² / Σᵢ cᵢ²
//
// the form in which some earlier analyses reported alignment. It is not a
// reproducible statistic, and rnnlab's own alignment uses
// Alignment.ParticipationRatio. The reason is that an eigenvector is only
// defined up to sign: replacing eᵢ by −eᵢ replaces cᵢ by −cᵢ, which leaves
// the denominator unchanged but changes the numerator. For c = (0.6, 0.8)
// the value is 1.96, and after flipping e₂ it is 0.04. A solver, a library
// version or a reordering of the samples can make that flip, and a sign rule
// only replaces the randomness with a convention. It returns ok = false, and
// 0, when Σcᵢ² = 0. Cost: O(k).
func SignedParticipationRatio(c []float64) (pr float64, ok bool) {
	sum, sumSq := 0.0, 0.0
	for _, v := range c {
		sum += v
		sumSq += v * v
	}
	if sumSq == 0 {
		return 0, false
	}
	return sum * sum / sumSq, true
}

// Cosine returns the cosine of the angle between a and b,
//
//	cos θ = a·b / (‖a‖·‖b‖)
//
// clamped to [−1, 1] against rounding. When the sign of either vector is a
// convention (an eigenvector, a principal axis), use its absolute value. It
// returns ok = false, and 0, when either vector is zero. It panics when the
// lengths differ. Cost: O(N).
func Cosine(a, b []float64) (cos float64, ok bool) {
	if len(a) != len(b) {
		panic(fmt.Sprintf("readout: Cosine of vectors of lengths %d and %d", len(a), len(b)))
	}
	na, nb := math.Sqrt(dot(a, a)), math.Sqrt(dot(b, b))
	if na == 0 || nb == 0 {
		return 0, false
	}
	return max(-1, min(1, dot(a, b)/(na*nb))), true
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// vectorNorm returns ‖v‖, or an error when v is zero or holds NaN or ±Inf.
func vectorNorm(v []float64) (float64, error) {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("readout: weight vector entry %d = %g is not finite", i, x)
		}
	}
	norm := math.Sqrt(dot(v, v))
	if norm == 0 {
		return 0, fmt.Errorf("readout: weight vector of length %d is zero, so its direction is undefined", len(v))
	}
	return norm, nil
}

func checkBasis(basis []float64, n, k int, v []float64) {
	if n <= 0 || k < 0 || k > n {
		panic(fmt.Sprintf("readout: basis of k = %d vectors in N = %d dimensions; want 0 ≤ k ≤ N and N > 0", k, n))
	}
	if len(basis) != k*n {
		panic(fmt.Sprintf("readout: basis has %d entries; want k·N = %d", len(basis), k*n))
	}
	if len(v) != n {
		panic(fmt.Sprintf("readout: vector has length %d; want N = %d", len(v), n))
	}
}

// checkOrthonormal returns an error unless the rows of the k×N basis are
// orthonormal to orthonormalTolerance.
func checkOrthonormal(basis []float64, n, k int) error {
	for i := range k {
		ei := basis[i*n : (i+1)*n]
		for j := i; j < k; j++ {
			g := dot(ei, basis[j*n:(j+1)*n])
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(g-want) > orthonormalTolerance {
				return fmt.Errorf("readout: basis rows are not orthonormal: row %d · row %d = %g; want %g", i, j, g, want)
			}
		}
	}
	return nil
}
