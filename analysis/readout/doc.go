// Package readout relates a network's readout weights to its activity:
// alignment of a weight vector with the principal components of a window,
// the analytic ridge readout fitted on the network's own rates, and the
// recursive least-squares (FORCE) readout.
//
// # Alignment
//
// For a weight vector v ∈ ℝᴺ (a row of W_out, a column of W_in) and the
// unit principal axes e₁…eₖ of a window of activity,
//
//	cᵢ = eᵢ·v/‖v‖,   i = 1…k
//	captured = Σᵢ cᵢ²                  fraction of ‖v‖² inside the k axes
//	PR       = (Σᵢ cᵢ²)² / Σᵢ cᵢ⁴       number of axes v spreads over
//
// k is the number of components that hold 99 % of the window's variance
// unless the caller gives it ([Align]). Eigenvectors of negligible variance
// are arbitrary, so no statistic here uses all N of them when some have
// none. Both captured and PR are unchanged when an axis changes sign. The
// signed ratio (Σcᵢ)²/Σcᵢ² is not, and [SignedParticipationRatio] documents
// why it is kept only for comparison with earlier reports. [Outside] returns
// the part of v outside the span and its norm fraction, with
// fraction² + captured = 1.
//
// # Ridge readout with an intercept
//
// [Ridge.Fit] minimises ‖Y − X·Wᵀ − 1·bᵀ‖² + λ·‖W‖² with the intercept b
// unpenalised. It centres X and Y, solves (XcᵀXc + λI)·Wᵀ = XcᵀYc by
// Cholesky and sets b = ȳ − W·x̄. [SelectRidge] picks λ from candidates
// (for example [LogGrid]) by the mean squared error on a validation set
// that the caller splits off. The fitted readout always states its λ.
//
// # Recursive least squares
//
// [RLS] is FORCE's update, started from W = 0 and P(0) = I/λ with
// forgetting factor 1. After T samples it equals, to rounding, the batch
// solution (XᵀX + λI)⁻¹·XᵀY, which has no intercept and penalises every
// coefficient, including a bias modelled as a constant input
// ([Ridge.FitThroughOrigin]). It is therefore not the ridge readout with an
// unpenalised intercept above. The two agree exactly when X and Y are
// centred (then b = 0), and approximately when XᵀX dominates λI.
//
// # Conventions
//
// Matrices are row-major []float64. Activity and inputs are S×N (one sample
// per row), targets S×O, readout weights O×N like the network's W_out, and
// sets of axes k×N with one unit vector per row (the layout of
// pca.PCA.VectorsTo). Destinations come first, a nil destination is
// allocated, and shape mismatches panic with a "readout:" message. Bad
// numbers in the data (NaN, ±Inf, a zero vector, a singular system) are
// returned as errors.
package readout
