// Package pca computes principal components and the participation ratio of
// recorded network activity.
//
// # Data layout
//
// Activity is an S×N row-major []float64 (or []float32 through
// [PCA.Fit32]): S samples, one per row, and N units, one per column. For T
// time steps of B trials stored as B×T×N, the same slice is S = B·T rows,
// so pooling over time and trials needs no copy. Rates and currents are
// analysed alike, and the caller chooses which to pass. All arithmetic is
// float64.
//
// # Principal components
//
// [PCA.Fit] centres each unit, forms the covariance with 1/(S−1), and
// diagonalises it with gonum's symmetric eigensolver (mat.EigenSym):
//
//	C = (1/(S−1))·(X − 1·x̄ᵀ)ᵀ·(X − 1·x̄ᵀ) = Σᵢ λᵢ·eᵢ·eᵢᵀ,   λ₁ ≥ … ≥ λ_N ≥ 0
//
// The cost is O(S·N²) for C and O(N³) for the eigendecomposition. It is the
// two-step form of gonum's factorisations: Fit once, then query
// ([PCA.Variances], [PCA.ExplainedRatio], [PCA.Cumulative], [PCA.KFor],
// [PCA.VectorsTo], [PCA.Project], [PCA.Reconstruct]). Query methods take a
// destination first, allocate when it is nil, and panic when a non-nil
// destination has the wrong length or when the PCA is empty.
//
// # Sign rule
//
// An eigenvector is defined only up to sign, and solvers return either sign
// depending on the input order, the library and the floating-point type.
// Every axis eᵢ is therefore flipped so that its entry of largest magnitude
// is positive. When several entries tie within a relative [SignTieTolerance]
// (1e-9), the first of them (lowest unit index) decides. With this rule a
// repeated fit gives the same axes and scores bitwise, a fit of the rows in
// another order the same up to rounding, and a fit of the float32 copy the
// same to about 1e-6, apart from the ties below (the package tests check all
// three).
// Statistics that depend on signs, such as the signed cosine between an
// axis and a weight vector, are then reproducible, but they still depend on
// the convention itself. Sign-free statistics (|cos|, squared projections)
// do not.
//
// NOTE: a tie is a property of the data, and rounding can break it. Entries
// that are exactly equal in float64 data differ by about 1e-8 relative after
// rounding to float32, which exceeds SignTieTolerance, so the float32 fit of
// such data may flip the tied axis (TestFit32TiedEntries shows two of three
// axes flipping).
//
// # Zero and negligible variance
//
// A unit whose samples are all equal gets that value as its mean exactly,
// so its variance is exactly 0 rather than a rounding residue. When every
// unit is constant, Fit returns an error wrapping [ErrZeroVariance], and no
// statistic is returned as NaN. Eigenvalues at or below
// [NegligibleVariance]·λ₁ span directions whose eigenvectors the data do not
// determine. [PCA.Significant] counts the components above that threshold,
// and statistics over eigenvectors should stop there.
//
// # Participation ratio
//
// The participation ratio of the covariance eigenvalues,
//
//	PR = (Σᵢ λᵢ)² / Σᵢ λᵢ²
//
// lies in [1, N]: N for an isotropic covariance, k for k equal eigenvalues
// and zeros. It is returned unrounded ([ParticipationRatio],
// [PCA.ParticipationRatio], and [CentredParticipationRatio], which uses
// (tr C)²/‖C‖²_F and skips the eigendecomposition). The participation ratio
// of uncentred data is a different quantity that a large mean drives to 1,
// and only [UncentredParticipationRatio] computes it.
//
// A finite sample biases PR low: for S white-noise samples of N units its
// expectation is close to N·(S−1)/(S+N) rather than N.
// [ParticipationRatioCorrected] replaces (tr C)² and tr C² by estimates that
// are unbiased for Gaussian samples, and its documentation gives the
// derivation.
package pca
