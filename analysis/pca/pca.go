package pca

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrZeroVariance is returned, possibly wrapped, when every column of the
// activity is constant, so that the covariance is the zero matrix and no
// direction, explained ratio or participation ratio is defined.
// UncentredParticipationRatio returns it for all-zero activity. Test for it
// with errors.Is.
var ErrZeroVariance = errors.New("pca: zero variance")

// SignTieTolerance is the relative tolerance of the sign rule's tie-break.
// Entries whose magnitude is within a factor (1 − SignTieTolerance) of the
// largest magnitude count as tied, and the first of them decides the sign.
// Eigenvectors from gonum's Dsyev carry errors of order ε·λ₁/gap, with gap
// the distance to the nearest other eigenvalue, far below 1e-9 when the
// eigenvalues are well separated. Exact ties in float64 data, such as the
// two equal entries of (1, 1)/√2, are then recognised as ties.
const SignTieTolerance = 1e-9

// NegligibleVariance is the relative threshold below which an eigenvalue
// counts as zero: λᵢ ≤ NegligibleVariance·λ₁. The symmetric eigensolver is
// backward stable, so each computed eigenvalue carries an absolute error of
// about ε·N·λ₁ (2.2e-12·λ₁ at N = 10⁴). Eigenvectors inside that band are
// arbitrary directions of the null space, and statistics built on them are
// not reproducible.
const NegligibleVariance = 1e-10

// fractionSlack is the relative slack with which KFor compares cumulative
// explained variance with the requested fraction, so that a fraction reached
// exactly in exact arithmetic is not missed by one rounding of the division.
const fractionSlack = 1e-12

// PCA is the principal component analysis of one window of activity. The
// zero value is empty. Fit or Fit32 fills it, and the query methods panic on
// an empty PCA.
type PCA struct {
	n       int       // units N
	samples int       // samples S
	mean    []float64 // column means x̄, length N
	values  []float64 // eigenvalues λ₁ ≥ … ≥ λ_N ≥ 0
	vectors []float64 // N×N row-major, row i is the unit eigenvector eᵢ
	total   float64   // Σλᵢ = tr C
}

// Fit computes the principal components of the activity x, an S×N row-major
// matrix with one sample per row (S = T·B rows for T time steps of B
// trials) and one unit per column:
//
//	x̄ⱼ = (1/S)·Σₛ xₛⱼ
//	C  = (1/(S−1))·(X − 1·x̄ᵀ)ᵀ·(X − 1·x̄ᵀ)        N×N
//	C  = Σᵢ λᵢ·eᵢ·eᵢᵀ,   λ₁ ≥ λ₂ ≥ … ≥ λ_N ≥ 0,   eᵢ·eⱼ = δᵢⱼ
//
// The eigenvalues come from gonum's mat.EigenSym (LAPACK dsyev). Rounding
// can leave an eigenvalue of a positive semidefinite C slightly below zero,
// and Fit sets such values to 0. Each eigenvector's sign is fixed so that
// its entry of largest magnitude is positive. Among entries tied within a
// relative SignTieTolerance, the first one (lowest unit index) decides. The
// order of equal eigenvalues, and the basis inside their eigenspace, are
// whatever the solver returns.
//
// A column whose entries are all equal gets that value as its mean exactly,
// so a constant unit contributes exactly zero variance. When every column
// is constant, Fit returns an error wrapping ErrZeroVariance. Fit also
// returns an error when S < 2, when x holds NaN or ±Inf, or when the
// eigensolver fails. After any error the receiver is empty.
//
// Fit panics when n ≤ 0 or len(x) is not a multiple of n. It does not
// modify or retain x. Cost: O(S·N²) for the covariance and O(N³) for the
// eigendecomposition, with about S·N + 4·N² float64 values of workspace.
func (p *PCA) Fit(x []float64, n int) error {
	*p = PCA{}
	samples := checkShape(len(x), n)
	if samples < 2 {
		return fmt.Errorf("pca: %d sample(s) of %d units; a covariance needs at least 2 samples", samples, n)
	}
	if err := checkFinite(x, n); err != nil {
		return err
	}

	mean := columnMeans(x, n)
	centred := mat.NewDense(samples, n, nil)
	raw := centred.RawMatrix().Data
	for k, v := range x {
		raw[k] = v - mean[k%n]
	}

	// C = Xcᵀ·Xc/(S−1). SymOuterK forms α·A·Aᵀ, so it is given A = Xcᵀ.
	var cov mat.SymDense
	cov.SymOuterK(1/float64(samples-1), centred.T())
	total := mat.Trace(&cov)
	if total == 0 {
		return fmt.Errorf("%w: each of the %d units is constant over the %d samples, so the covariance is zero", ErrZeroVariance, n, samples)
	}

	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		return fmt.Errorf("pca: symmetric eigensolver did not converge for the %d×%d covariance", n, n)
	}
	ascending := eig.RawValues()
	var q mat.Dense
	eig.VectorsTo(&q)

	values := make([]float64, n)
	vectors := make([]float64, n*n)
	for i := range n {
		col := n - 1 - i // EigenSym orders eigenvalues ascending
		values[i] = max(ascending[col], 0)
		row := vectors[i*n : (i+1)*n]
		for j := range n {
			row[j] = q.At(j, col)
		}
		fixSign(row)
	}

	// The trace of C and the sum of the eigenvalues agree up to rounding.
	// The sum is kept, so that the explained ratios add up to 1.
	total = 0
	for _, v := range values {
		total += v
	}
	*p = PCA{n: n, samples: samples, mean: mean, values: values, vectors: vectors, total: total}
	return nil
}

// Fit32 converts the float32 activity x to float64, exactly, and calls Fit.
// The whole analysis then runs in float64, so a float32 copy of float64 data
// gives the same components up to the effect of rounding the input to
// float32 (relative 6e-8 per entry). It needs S·N float64 values of
// workspace beyond those of Fit.
func (p *PCA) Fit32(x []float32, n int) error {
	checkShape(len(x), n)
	x64 := make([]float64, len(x))
	for k, v := range x {
		x64[k] = float64(v)
	}
	return p.Fit(x64, n)
}

// checkShape panics unless n > 0 and length is a multiple of n, and returns
// the number of rows.
func checkShape(length, n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("pca: number of units n = %d must be positive", n))
	}
	if length%n != 0 {
		panic(fmt.Sprintf("pca: activity has %d entries, not a multiple of n = %d units", length, n))
	}
	return length / n
}

// columnMeans returns the mean of each column of the S×N matrix x. A column
// whose entries are all equal gets that value exactly, whereas the rounded
// quotient Σ/S could differ from it in the last bit.
func columnMeans(x []float64, n int) []float64 {
	samples := len(x) / n
	mean := make([]float64, n)
	constant := make([]bool, n)
	for j := range n {
		constant[j] = true
	}
	for s := range samples {
		row := x[s*n : (s+1)*n]
		for j, v := range row {
			mean[j] += v
			if v != x[j] {
				constant[j] = false
			}
		}
	}
	for j := range n {
		if constant[j] {
			mean[j] = x[j]
		} else {
			mean[j] /= float64(samples)
		}
	}
	return mean
}

// fixSign negates e unless its first entry of largest magnitude, within the
// relative SignTieTolerance, is positive.
func fixSign(e []float64) {
	largest := 0.0
	for _, v := range e {
		largest = max(largest, math.Abs(v))
	}
	threshold := largest * (1 - SignTieTolerance)
	for j, v := range e {
		if math.Abs(v) >= threshold {
			if e[j] < 0 {
				for k := range e {
					e[k] = -e[k]
				}
			}
			return
		}
	}
}

// mustFit panics when p is empty.
func (p *PCA) mustFit() {
	if p.n == 0 {
		panic("pca: PCA is empty; call Fit first and check its error")
	}
}

// N returns the number of units N.
func (p *PCA) N() int {
	p.mustFit()
	return p.n
}

// Samples returns the number of samples S that the fit used.
func (p *PCA) Samples() int {
	p.mustFit()
	return p.samples
}

// MeanTo copies the column means x̄ (length N) into dst and returns dst. A
// nil dst is allocated, and a non-nil dst of another length panics.
func (p *PCA) MeanTo(dst []float64) []float64 {
	p.mustFit()
	return copyTo(dst, p.mean)
}

// Variances copies the eigenvalues λ₁ ≥ … ≥ λ_N ≥ 0 of the covariance, the
// variance along each principal component, into dst and returns dst. A nil
// dst is allocated, and a non-nil dst whose length is not N panics.
func (p *PCA) Variances(dst []float64) []float64 {
	p.mustFit()
	return copyTo(dst, p.values)
}

// TotalVariance returns Σλᵢ = tr C, which is positive after a successful fit.
func (p *PCA) TotalVariance() float64 {
	p.mustFit()
	return p.total
}

// ExplainedRatio stores rᵢ = λᵢ/Σⱼλⱼ for i = 1…N in dst and returns dst. A
// nil dst is allocated, and a non-nil dst whose length is not N panics.
func (p *PCA) ExplainedRatio(dst []float64) []float64 {
	p.mustFit()
	dst = sized(dst, p.n)
	for i, v := range p.values {
		dst[i] = v / p.total
	}
	return dst
}

// Cumulative stores the cumulative explained variance
//
//	Rₖ = (λ₁ + … + λₖ)/Σⱼλⱼ,   k = 1…N
//
// in dst and returns dst. R_N = 1 exactly, because the partial sums are taken
// in the same order as the total. A nil dst is allocated, and a non-nil dst
// whose length is not N panics.
func (p *PCA) Cumulative(dst []float64) []float64 {
	p.mustFit()
	dst = sized(dst, p.n)
	partial := 0.0
	for i, v := range p.values {
		partial += v
		dst[i] = partial / p.total
	}
	return dst
}

// KFor returns the smallest k whose cumulative explained variance Rₖ (see
// Cumulative) reaches fraction, with a relative slack of 1e-12 for rounding.
// KFor(0.99) is the 99 % rule. It panics unless 0 < fraction ≤ 1.
func (p *PCA) KFor(fraction float64) int {
	p.mustFit()
	if !(fraction > 0 && fraction <= 1) {
		panic(fmt.Sprintf("pca: KFor fraction %g must lie in (0, 1]", fraction))
	}
	target := fraction * (1 - fractionSlack)
	partial := 0.0
	for i, v := range p.values {
		partial += v
		if partial/p.total >= target {
			return i + 1
		}
	}
	return p.n
}

// Significant returns the number of principal components whose variance
// exceeds NegligibleVariance·λ₁. Components beyond it span directions with
// no measurable variance, and their eigenvectors are arbitrary.
func (p *PCA) Significant() int {
	p.mustFit()
	threshold := NegligibleVariance * p.values[0]
	k := 0
	for _, v := range p.values {
		if v <= threshold {
			break
		}
		k++
	}
	return k
}

// VectorsTo stores the first k principal axes e₁…eₖ, sign-fixed unit vectors,
// as the rows of the k×N row-major matrix dst and returns dst (the layout of
// scikit-learn's components_). Column i of the gonum matrix V in C = V·Λ·Vᵀ
// is row i here. A nil dst is allocated, and a non-nil dst whose length is
// not k·N panics, as does k outside [0, N].
func (p *PCA) VectorsTo(dst []float64, k int) []float64 {
	p.mustFit()
	p.checkK(k)
	return copyTo(dst, p.vectors[:k*p.n])
}

// Vector stores the i-th principal axis eᵢ (i = 0 for the largest variance)
// in dst, length N, and returns dst. A nil dst is allocated. It panics when
// i is outside [0, N) or a non-nil dst has the wrong length.
func (p *PCA) Vector(dst []float64, i int) []float64 {
	p.mustFit()
	if i < 0 || i >= p.n {
		panic(fmt.Sprintf("pca: component index %d outside [0, %d)", i, p.n))
	}
	return copyTo(dst, p.vectors[i*p.n:(i+1)*p.n])
}

// Project computes the scores of the rows of x, an R×N row-major matrix with
// any number of rows R, on the first k principal axes of the fit:
//
//	zᵣᵢ = (xᵣ − x̄)·eᵢ,   i = 1…k
//
// and stores them in dst, an R×k row-major matrix, and returns dst. The mean
// x̄ is the fitted one, so projecting the fitted data gives scores with mean
// 0 and variance λᵢ. Trajectories stored as B×T×N (or conditions × time × N)
// are R = B·T rows, and their scores come back as B×T×k. A nil dst is
// allocated. It panics when len(x) is not a multiple of N, k is outside
// [0, N], or a non-nil dst has a length other than R·k. dst must not
// overlap x. Cost: O(R·N·k).
func (p *PCA) Project(dst, x []float64, k int) []float64 {
	p.mustFit()
	p.checkK(k)
	n := p.n
	if len(x)%n != 0 {
		panic(fmt.Sprintf("pca: Project input has %d entries, not a multiple of N = %d", len(x), n))
	}
	rows := len(x) / n
	dst = sized(dst, rows*k)
	if rows == 0 || k == 0 {
		return dst
	}

	centred := mat.NewDense(rows, n, nil)
	raw := centred.RawMatrix().Data
	for idx, v := range x {
		raw[idx] = v - p.mean[idx%n]
	}
	axes := mat.NewDense(k, n, p.vectors[:k*n])
	scores := mat.NewDense(rows, k, dst)
	scores.Mul(centred, axes.T())
	return dst
}

// Reconstruct maps scores on the first k axes back to activity,
//
//	x̂ᵣ = x̄ + Σᵢ zᵣᵢ·eᵢ,   i = 1…k
//
// stores the R×N result in dst and returns dst. With k = N it inverts
// Project up to rounding. A nil dst is allocated. It panics when len(scores)
// is not a multiple of k, k is outside [1, N], or a non-nil dst has a length
// other than R·N. dst must not overlap scores. Cost: O(R·N·k).
func (p *PCA) Reconstruct(dst, scores []float64, k int) []float64 {
	p.mustFit()
	if k < 1 || k > p.n {
		panic(fmt.Sprintf("pca: Reconstruct k = %d outside [1, %d]", k, p.n))
	}
	if len(scores)%k != 0 {
		panic(fmt.Sprintf("pca: Reconstruct scores have %d entries, not a multiple of k = %d", len(scores), k))
	}
	n := p.n
	rows := len(scores) / k
	dst = sized(dst, rows*n)
	if rows == 0 {
		return dst
	}

	z := mat.NewDense(rows, k, scores)
	axes := mat.NewDense(k, n, p.vectors[:k*n])
	out := mat.NewDense(rows, n, dst)
	out.Mul(z, axes)
	for idx := range dst {
		dst[idx] += p.mean[idx%n]
	}
	return dst
}

func (p *PCA) checkK(k int) {
	if k < 0 || k > p.n {
		panic(fmt.Sprintf("pca: number of components k = %d outside [0, %d]", k, p.n))
	}
}

// sized returns dst, or a new slice when dst is nil, and panics when a
// non-nil dst does not have the given length.
func sized(dst []float64, length int) []float64 {
	if dst == nil {
		return make([]float64, length)
	}
	if len(dst) != length {
		panic(fmt.Sprintf("pca: destination has length %d; want %d", len(dst), length))
	}
	return dst
}

func copyTo(dst, src []float64) []float64 {
	dst = sized(dst, len(src))
	copy(dst, src)
	return dst
}
