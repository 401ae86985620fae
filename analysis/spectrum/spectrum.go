package spectrum

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Eigenvalues returns the n eigenvalues μ of the n×n row-major matrix w,
//
//	W·v = μ·v,
//
// sorted by decreasing modulus |μ|. Ties, such as the two members of a
// complex-conjugate pair, go by decreasing real part and then decreasing
// imaginary part, so a pair a ± bi with b > 0 lists a + bi first. gonum
// returns the members of a pair with moduli that are equal to the last bit,
// so the order is deterministic.
//
// It returns an error when len(w) ≠ n·n, when w contains NaN or ±Inf, or
// when the eigenvalue iteration fails to converge. w is not modified.
// Cost: O(n³) through gonum's mat.Eigen (LAPACK Dgeev without
// eigenvectors), about 5 s for n = 1000 in pure Go (go1.26.8, linux/amd64,
// one core).
func Eigenvalues(w []float64, n int) ([]complex128, error) {
	if n < 0 {
		return nil, fmt.Errorf("spectrum: invalid matrix size n = %d; want n ≥ 0", n)
	}
	if len(w) != n*n {
		return nil, fmt.Errorf("spectrum: matrix has %d entries; want n·n = %d for n = %d", len(w), n*n, n)
	}
	if n == 0 {
		return []complex128{}, nil
	}
	for k, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("spectrum: entry W[%d][%d] = %g is not finite", k/n, k%n, v)
		}
	}

	// The Dense aliases w, but Factorize copies it before overwriting.
	a := mat.NewDense(n, n, w)
	var eig mat.Eigen
	if !eig.Factorize(a, mat.EigenNone) {
		return nil, fmt.Errorf("spectrum: eigenvalue iteration did not converge for the %d×%d matrix", n, n)
	}
	values := eig.Values(nil)
	slices.SortStableFunc(values, compareByModulus)
	return values, nil
}

// compareByModulus orders by decreasing modulus, then decreasing real part,
// then decreasing imaginary part.
func compareByModulus(a, b complex128) int {
	if c := cmp.Compare(cmplx.Abs(b), cmplx.Abs(a)); c != 0 {
		return c
	}
	if c := cmp.Compare(real(b), real(a)); c != 0 {
		return c
	}
	return cmp.Compare(imag(b), imag(a))
}

// EdgeToleranceFactor is c in the outlier threshold r·(1 + c/√N) of
// CircularLaw. The package documentation gives the measurements behind it.
const EdgeToleranceFactor = 4.0

// CircularCheck compares a spectrum with the uniform disk of radius
// Radius that the circular law predicts.
type CircularCheck struct {
	N      int     // number of eigenvalues
	Radius float64 // predicted radius r
	// MaxModulus is max |μ|, and MaxModulusRatio is max |μ|/r, which tends
	// to 1 for a matrix that obeys the law.
	MaxModulus      float64
	MaxModulusRatio float64
	// InnerFraction is the fraction of eigenvalues with |μ| < r/2: 1/4
	// for a uniform disk.
	InnerFraction float64
	// EdgeTolerance is 4/√N, the relative overshoot of the edge allowed
	// for finite-N fluctuations before an eigenvalue counts as an outlier.
	EdgeTolerance float64
	// Outliers lists the eigenvalues with |μ| > r·(1 + EdgeTolerance), in
	// decreasing modulus. It is nil when there are none.
	Outliers []complex128
}

// CircularLaw summarises how well eigs fill the disk of the given radius:
//
//	MaxModulusRatio = max |μ| / r
//	InnerFraction   = #{μ : |μ| < r/2} / N        (1/4 for the uniform disk)
//	Outliers        = {μ : |μ| > r·(1 + 4/√N)}
//
// The outlier threshold allows for the finite-N overshoot of the spectral
// radius (see the package documentation). eigs need not be sorted and is
// not modified. An empty eigs gives N = 0 and zero statistics. It panics
// if radius is not positive and finite. Cost O(N·log N).
func CircularLaw(eigs []complex128, radius float64) CircularCheck {
	if !(radius > 0) || math.IsInf(radius, 1) {
		panic(fmt.Sprintf("spectrum: CircularLaw radius %g must be positive and finite", radius))
	}
	c := CircularCheck{N: len(eigs), Radius: radius}
	if len(eigs) == 0 {
		return c
	}
	c.EdgeTolerance = EdgeToleranceFactor / math.Sqrt(float64(len(eigs)))
	threshold := radius * (1 + c.EdgeTolerance)
	inner := 0
	for _, mu := range eigs {
		m := cmplx.Abs(mu)
		c.MaxModulus = math.Max(c.MaxModulus, m)
		if m < radius/2 {
			inner++
		}
		if m > threshold {
			c.Outliers = append(c.Outliers, mu)
		}
	}
	c.MaxModulusRatio = c.MaxModulus / radius
	c.InnerFraction = float64(inner) / float64(len(eigs))
	slices.SortStableFunc(c.Outliers, compareByModulus)
	return c
}

// RajanAbbottRadius returns the radius of the bulk spectrum of a matrix
// whose excitatory columns (fraction f) have entry standard deviation
// σ_E/√N and whose inhibitory columns have σ_I/√N (Rajan & Abbott 2006):
//
//	r = √(f·σ_E² + (1−f)·σ_I²).
//
// With σ_E = σ_I = g it is g, the circular-law radius. It panics if f is
// outside [0, 1] or a standard deviation is negative.
func RajanAbbottRadius(f, sigmaE, sigmaI float64) float64 {
	checkFraction(f)
	if !(sigmaE >= 0) || !(sigmaI >= 0) {
		panic(fmt.Sprintf("spectrum: standard deviations σ_E = %g, σ_I = %g must be non-negative", sigmaE, sigmaI))
	}
	return math.Sqrt(f*sigmaE*sigmaE + (1-f)*sigmaI*sigmaI)
}

// OutlierPrediction returns the real eigenvalue that the column means add
// to an n×n matrix whose excitatory columns (fraction f) have entry mean
// μ_E/√N and whose inhibitory columns have μ_I/√N (Rajan & Abbott 2006):
//
//	μ_out = √N·(f·μ_E + (1−f)·μ_I).
//
// The means form the rank-one matrix 1·vᵀ with vⱼ = μⱼ/√N, whose only
// nonzero eigenvalue is Σⱼ vⱼ = μ_out. Example: magnitudes |N(0, g²/N)|
// have mean g·√(2/π)/√N, so with signs by column type μ_E = g·√(2/π),
// μ_I = −g·√(2/π), and μ_out = (2f − 1)·g·√(2N/π), about 10.2 for N = 200,
// f = 0.8, g = 1.5. It panics if n < 0 or f is outside [0, 1].
func OutlierPrediction(n int, f, muE, muI float64) float64 {
	if n < 0 {
		panic(fmt.Sprintf("spectrum: OutlierPrediction size n = %d must be non-negative", n))
	}
	checkFraction(f)
	return math.Sqrt(float64(n)) * (f*muE + (1-f)*muI)
}

func checkFraction(f float64) {
	if !(f >= 0 && f <= 1) {
		panic(fmt.Sprintf("spectrum: excitatory fraction f = %g must lie in [0, 1]", f))
	}
}
