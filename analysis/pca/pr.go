package pca

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ParticipationRatio returns the participation ratio of the eigenvalues λ of
// a covariance matrix,
//
//	PR = (Σᵢ λᵢ)² / Σᵢ λᵢ²
//
// unrounded. PR lies in [1, N] for N non-negative values that are not all
// zero: it is N for N equal values and k for k equal values and N − k zeros.
// The values are used as given, so a caller who passes tiny negative
// eigenvalues from another solver gets them squared into the denominator. It
// returns ok = false, and PR = 0, when Σλᵢ² = 0. Cost: O(N).
func ParticipationRatio(values []float64) (pr float64, ok bool) {
	sum, sumSq := 0.0, 0.0
	for _, v := range values {
		sum += v
		sumSq += v * v
	}
	if sumSq == 0 {
		return 0, false
	}
	return sum * sum / sumSq, true
}

// ParticipationRatioCorrected estimates the participation ratio of the
// population covariance Σ from the eigenvalues λ of a sample covariance S
// with dof degrees of freedom (dof = S − 1 samples for a centred covariance,
// dof = S for an uncentred second-moment matrix of zero-mean data). The
// plain ratio (tr S)²/tr S² is biased low: for white noise (Σ = I, true
// PR = N) its expectation is close to N·dof/(dof + N + 1), not N.
//
// The estimator replaces tr Σ² and (tr Σ)² by unbiased estimates. Write
// n = dof, a = tr S = Σλᵢ and b = tr S² = Σλᵢ². If n·S is a sum of n outer
// products zₖzₖᵀ of independent zₖ ~ N(0, Σ), Isserlis' theorem gives
// E[(zᵀz)²] = (tr Σ)² + 2·tr Σ² and E[(zₖᵀzₗ)²] = tr Σ² for k ≠ l, so
//
//	E[a²] = (tr Σ)² + (2/n)·tr Σ²
//	E[b]  = ((n+1)/n)·tr Σ² + (1/n)·(tr Σ)²
//
// Solving these two linear equations for the two unknowns gives
//
//	B̂ = n²/((n−1)(n+2)) · (b − a²/n)      E[B̂] = tr Σ²
//	Â = a² − (2/n)·B̂                       E[Â] = (tr Σ)²
//	PR̂ = Â/B̂
//
// Â and B̂ are unbiased for Gaussian samples, but their ratio is not, so PR̂
// carries a remaining bias of order 1/n (measured in the package tests).
// Heavy-tailed data change the fourth moments that the derivation uses, and
// the correction is then only approximate. PR̂ is not clamped to [1, N], and
// sampling noise can push it outside that range when n is small against N.
// The function is invariant to a common scale of the eigenvalues, so S may
// be normalised by 1/n, 1/(n+1) or not at all.
//
// It returns ok = false, and 0, when dof < 2 or B̂ ≤ 0. A sample covariance
// with n degrees of freedom has rank at most n, and for it B̂ ≤ 0 happens
// only when it has exactly n non-zero eigenvalues and they are all equal.
// Cost: O(N).
func ParticipationRatioCorrected(values []float64, dof int) (pr float64, ok bool) {
	if dof < 2 {
		return 0, false
	}
	a, b := 0.0, 0.0
	for _, v := range values {
		a += v
		b += v * v
	}
	n := float64(dof)
	traceSq := n * n / ((n - 1) * (n + 2)) * (b - a*a/n) // B̂
	if !(traceSq > 0) {
		return 0, false
	}
	sqTrace := a*a - 2/n*traceSq // Â
	return sqTrace / traceSq, true
}

// ParticipationRatio returns the participation ratio (Σλᵢ)²/Σλᵢ² of the
// fitted covariance, unrounded. It is defined for every successful fit
// because the total variance is then positive.
func (p *PCA) ParticipationRatio() float64 {
	p.mustFit()
	pr, _ := ParticipationRatio(p.values)
	return pr
}

// ParticipationRatioCorrected returns the bias-corrected estimate of
// [ParticipationRatioCorrected] for the fitted covariance, with S − 1
// degrees of freedom.
func (p *PCA) ParticipationRatioCorrected() (pr float64, ok bool) {
	p.mustFit()
	return ParticipationRatioCorrected(p.values, p.samples-1)
}

// CentredParticipationRatio returns the participation ratio of the centred
// covariance C of the S×N row-major activity x, the value that
// PCA.ParticipationRatio gives, without an eigendecomposition:
//
//	PR = (tr C)² / tr C² = (tr C)² / ‖C‖²_F
//
// because Σλᵢ = tr C and Σλᵢ² = ‖C‖²_F for a symmetric C. It returns an
// error wrapping ErrZeroVariance when every column is constant, and an error
// when S < 2 or x holds NaN or ±Inf. It panics when n ≤ 0 or len(x) is not
// a multiple of n. Cost: O(S·N·min(S, N)).
func CentredParticipationRatio(x []float64, n int) (float64, error) {
	samples := checkShape(len(x), n)
	if samples < 2 {
		return 0, fmt.Errorf("pca: %d sample(s) of %d units; a covariance needs at least 2 samples", samples, n)
	}
	if err := checkFinite(x, n); err != nil {
		return 0, err
	}
	mean := columnMeans(x, n)
	centred := make([]float64, len(x))
	for k, v := range x {
		centred[k] = v - mean[k%n]
	}
	pr, ok := traceRatio(centred, samples, n)
	if !ok {
		return 0, fmt.Errorf("%w: each of the %d units is constant over the %d samples, so the covariance is zero", ErrZeroVariance, n, samples)
	}
	return pr, nil
}

// UncentredParticipationRatio returns the participation ratio of the
// second-moment matrix M of the S×N row-major activity x, with no mean
// removed:
//
//	M  = (1/S)·XᵀX
//	PR = (tr M)² / ‖M‖²_F
//
// It differs from the participation ratio of activity (the centred one):
// a large common offset makes M nearly rank one, so the uncentred PR tends
// to 1 however many directions the fluctuations span. It is offered for
// comparison with tools that skip centring. It returns an error wrapping
// ErrZeroVariance when x is all zeros, and an error when S < 1 or x holds
// NaN or ±Inf. It panics when n ≤ 0 or len(x) is not a multiple of n.
// Cost: O(S·N·min(S, N)).
func UncentredParticipationRatio(x []float64, n int) (float64, error) {
	samples := checkShape(len(x), n)
	if samples < 1 {
		return 0, fmt.Errorf("pca: no samples of %d units", n)
	}
	if err := checkFinite(x, n); err != nil {
		return 0, err
	}
	pr, ok := traceRatio(x, samples, n)
	if !ok {
		return 0, fmt.Errorf("%w: the %d samples of %d units are all zero, so the second-moment matrix is zero", ErrZeroVariance, samples, n)
	}
	return pr, nil
}

// traceRatio returns (tr G)²/‖G‖²_F for the scatter matrix G = XᵀX of the
// S×N matrix x. XᵀX and X·Xᵀ have the same non-zero eigenvalues, so the
// smaller of the two is formed. The 1/S normalisation cancels in the ratio.
// It returns ok = false when G is zero.
func traceRatio(x []float64, samples, n int) (pr float64, ok bool) {
	a := mat.NewDense(samples, n, x)
	var g mat.SymDense
	if n <= samples {
		g.SymOuterK(1, a.T()) // N×N: XᵀX
	} else {
		g.SymOuterK(1, a) // S×S: X·Xᵀ
	}

	size := g.SymmetricDim()
	trace, frobSq := 0.0, 0.0
	for i := range size {
		d := g.At(i, i)
		trace += d
		frobSq += d * d
		for j := i + 1; j < size; j++ {
			v := g.At(i, j)
			frobSq += 2 * v * v
		}
	}
	if frobSq == 0 {
		return 0, false
	}
	return trace * trace / frobSq, true
}

func checkFinite(x []float64, n int) error {
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("pca: activity entry [sample %d, unit %d] = %g is not finite", k/n, k%n, v)
		}
	}
	return nil
}
