// Package spectrum computes the eigenvalues of a recurrent weight matrix and
// compares them with the laws of random matrix theory.
//
// # Circular law
//
// An N×N matrix with independent entries of mean 0 and variance r²/N has,
// as N → ∞, its eigenvalues spread uniformly over the disk |μ| ≤ r in the
// complex plane. This is Girko's circular law (V. L. Girko, 1984), which
// Tao and Vu proved for any entry distribution with finite variance,
// Gaussian or not. Two consequences are checkable on one matrix: the
// largest modulus approaches r, and a fraction (1/2)² = 1/4 of the
// eigenvalues lies inside |μ| < r/2. For the
// initialisation W = g·J₀, J₀ᵢⱼ ~ N(0, 1/N), the radius is g, so the origin
// of τ·dx/dt = −x + W·tanh(x) loses stability at g = 1.
//
// # Excitatory and inhibitory columns
//
// Rajan & Abbott, "Eigenvalue spectra of random matrices for neural
// networks", Phys. Rev. Lett. 97, 188104 (2006), treat a matrix with a
// fraction f of excitatory columns and 1 − f inhibitory ones. Entries of
// an excitatory column have mean μ_E/√N and standard deviation σ_E/√N,
// those of an inhibitory column μ_I/√N and σ_I/√N. The bulk of the
// spectrum is a disk of radius
//
//	r = √(f·σ_E² + (1−f)·σ_I²)          (RajanAbbottRadius)
//
// and the column means, a rank-one matrix 1·vᵀ, add one real outlier at
//
//	μ_out = √N·(f·μ_E + (1−f)·μ_I)        (OutlierPrediction)
//
// unless the means balance. Balancing only the average leaves the
// random part's row sums nonzero, and eigenvalues remain outside the bulk:
// for the sign-constrained N = 200 draws of TestEdgeOvershootOverDraws,
// max |μ| was 1.2 to 2.0 times the bulk radius. Making every row sum to
// zero, with the signs kept, brought it to 1.0 to 1.12 times the radius.
//
// # Outliers at finite N
//
// CircularLaw flags eigenvalues with |μ| > r·(1 + 4/√N) as outliers. The
// spectral radius of a finite random matrix overshoots r by a few times
// 1/√N. Over 40 Gaussian draws each at N = 100, 200 and 400, the largest
// overshoot was 1.7/√N, and over 20 row-balanced sign-constrained draws at
// N = 200 it was 1.8/√N (TestEdgeOvershootOverDraws, run with -long;
// gonum v0.17.0, go1.26.8). So 4/√N leaves a margin of about 2 over the
// worst draw, and still separates an outlier such as the Dale mean mode,
// which sits at O(√N)·r.
//
// # Conventions
//
// Matrices are row-major []float64 slices with W[i*n+j] the weight from
// unit j to unit i, as in the rest of rnnlab. Eigenvalues are not
// affected by that choice, because W and Wᵀ share them.
package spectrum
