// Package model defines the leaky rate network, its initialisation, its
// random streams and its float64 simulation.
//
// The network, with α = dt/τ:
//
//	x(t+1) = (1−α)·x(t) + α·(W·r(t) + W_in·u(t) + b) + σ_rec·√(2α)·ε(t),  ε ~ N(0, I)
//	r(t)   = φ(x(t))
//	z(t)   = W_out·r(t+1) + b_out
//
// Given inputs u(0..T−1), a simulation produces x(1..T) and z(0..T−1):
// output index t reads the state after the t-th update. W[i][j] is the
// weight from unit j to unit i. The noise scales with √α, so a lone unit has
// stationary variance 2σ²/(2−α): σ² up to O(α) whatever dt, and 2σ² for a
// discrete-time network (α = 1).
//
// Matrices are row-major float64 slices; [Weights] stores the effective
// matrices (W includes the gain g). Each random stream of a run
// (connectivity, weights, trials, noise) has its own seed derived from the
// run seed by [DeriveSeed].
package model
