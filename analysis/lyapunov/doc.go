// Package lyapunov computes Lyapunov exponents of rnnlab's leaky rate
// network, and its map and flow Jacobians.
//
// # Model and units
//
// The network of package model, without recurrent noise, is the map
//
//	x(t+1) = G(x(t)) = (1−α)·x(t) + α·(W·φ(x(t)) + W_in·u(t) + b),   α = dt/τ
//
// with the map Jacobian ([MapJacobian]) and the flow Jacobian
// ([FlowJacobian], time in units of τ)
//
//	Mₜ = (1−α)·I + α·W·diag(φ′(x(t)))
//	J  = −I + W·diag(φ′(x)),   M = I + α·J
//
// Exponents are computed from the map and reported per τ:
//
//	λᵢ = lim (1/(α·T)) · Σₜ ln Rᵢᵢ(t)
//
// so they approach the exponents of the continuous flow as α → 0, and a
// discrete-time network (α = 1) has exponents per step. Divide by τ in ms
// for exponents per ms. Every duration in [Options] is in units of τ and
// becomes round(duration/α) steps.
//
// # Algorithm
//
// [Spectrum] uses the QR method (Benettin, Galgani, Giorgilli & Strelcyn
// 1980, and Shimada & Nagashima 1979). Its tangent frame is K orthonormal
// vectors, stored as the rows of a K×N matrix v = Qᵀ. It proceeds in three
// phases:
//
//  1. Network transient (BurnIn, default 100 τ): the state alone, from
//     x(0) ~ N(0, 1) unless Options.X0 is set.
//  2. Frame transient (FrameBurnIn, default 20 τ): a random orthonormal
//     frame is evolved with the steps below, and nothing is averaged, so the
//     frame turns towards the most expanding directions first.
//  3. Observation (Duration, default 1000 τ): the same steps, with the
//     logarithms of the QR diagonals summed.
//
// Every step t evolves the state and each frame vector vᵢ:
//
//	vᵢ     ← Mₜ·vᵢ = (1−α)·vᵢ + α·W·(φ′(x(t)) ∘ vᵢ)
//	x(t+1) = G(x(t))
//
// The K products W·(φ′ ∘ vᵢ) and W·φ(x) are one GEMM of a (K+1)×N matrix
// with Wᵀ, O((K+1)·N²) per step. After every QREvery (default 1 τ, at
// least one step) and after the last step of each phase:
//
//	vᵀ = Q·R           Householder QR (LAPACK's LQ of v), O(N·K²)
//	Q  ← Q·diag(sign Rᵢᵢ),   so Rᵢᵢ ≥ 0
//	vᵀ ← Q
//	Sᵢ += ln Rᵢᵢ       during the observation only
//
// and at the end λᵢ = Sᵢ/(α·steps), sorted in descending order. The final QR
// step of a phase means that a run shorter than QREvery still measures its
// whole duration and never returns a spurious 0. The logarithm is taken of
// |Rᵢᵢ|, so a negative diagonal from the QR routine never gives NaN.
//
// Because the frame is orthonormal when the observation starts, a full
// spectrum (K = N) satisfies the sum rule Σᵢ λᵢ = Σₜ ln|det Mₜ|/(α·steps)
// up to rounding. Options.CheckSumRule computes the right-hand side
// independently by LU factorisation. For W with a zero diagonal the flow's
// sum is −N per τ, and the map's is −N up to O(α).
//
// From the exponents, [Result] carries the Kaplan–Yorke dimension
// ([KaplanYorke]) and the Kolmogorov–Sinai entropy rate estimated as the
// sum of the positive exponents, each flagged when K < N leaves it a lower
// bound.
//
// # Observer
//
// Library code does not log. Options.Observer, if set, receives a
// [Checkpoint] every QREvery steps of the network transient and after every
// QR step of the frame phases: the phase, the steps done out of the phase's
// steps, and during the observation the running estimates
// λᵢ = Sᵢ/(α·steps so far) of each exponent in frame order. Result.Convergence
// keeps up to Options.Checkpoints (default 1000) evenly spaced points of the
// running λ_max and of the running sum, enough for a figure of convergence.
//
// # References
//
//   - G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, Lyapunov
//     characteristic exponents for smooth dynamical systems and for
//     Hamiltonian systems; a method for computing all of them, Meccanica 15
//     (1980).
//   - I. Shimada, T. Nagashima, A numerical approach to ergodic problem of
//     dissipative dynamical systems, Prog. Theor. Phys. 61 (1979).
//   - R. Engelken, F. Wolf, L. F. Abbott, Lyapunov spectra of chaotic
//     recurrent neural networks, arXiv:2006.02427 (2020), Phys. Rev.
//     Research 5 (2023): full spectra of random rate networks, whose
//     Kaplan–Yorke dimension and entropy rate grow with N (extensive
//     chaos) while λ_max does not.
//   - H. Sompolinsky, A. Crisanti, H.-J. Sommers, Chaos in random neural
//     networks, Phys. Rev. Lett. 61 (1988): λ_max changes sign at g = 1.
package lyapunov
