// Package dmft computes the dynamic mean-field theory (DMFT) of the random
// rate network
//
//	τ·dxᵢ/dt = −xᵢ + Σⱼ Jᵢⱼ·φ(xⱼ),  Jᵢⱼ ~ N(0, g²/N),  N → ∞,
//
// following Sompolinsky, Crisanti & Sommers, "Chaos in random neural
// networks", Phys. Rev. Lett. 61, 259 (1988). Times are in units of τ, so
// rates and Lyapunov exponents are per τ.
//
// # The mean-field equations
//
// For large N the recurrent input ηᵢ = Σⱼ Jᵢⱼ·φ(xⱼ) of every unit is a
// centred Gaussian process with autocorrelation g²·C(s), where
// C(s) = ⟨φ(x(t))·φ(x(t+s))⟩. A unit filters its input, (1 + d/dt)·x = η, so
// the autocorrelation Δ(s) = ⟨x(t)·x(t+s)⟩ obeys
//
//	Δ″(s) = Δ(s) − g²·C_φ(Δ(s); Δ₀),   Δ₀ = Δ(0),
//
// where for a function f
//
//	C_f(Δ; Δ₀) = E[f(z₁)·f(z₂)],  (z₁, z₂) centred Gaussian, Var zᵢ = Δ₀, Cov = Δ.
//
// Price's theorem, ∂/∂Δ E[f(z₁)·h(z₂)] = E[f′(z₁)·h′(z₂)], gives
// ∂C_Φ/∂Δ = C_φ with Φ′ = φ (Φ = ln cosh for tanh) and ∂C_φ/∂Δ = C_φ′.
// So Δ moves like a particle in the potential
//
//	V(Δ; Δ₀) = −Δ²/2 + g²·(C_Φ(Δ; Δ₀) − C_Φ(0; Δ₀)),   Δ″ = −∂V/∂Δ,
//
// and the energy ½·Δ′² + V(Δ) is constant along the orbit. The chaotic state
// is the orbit that starts at rest at the top, Δ(0) = Δ₀ and Δ′(0) = 0, and
// creeps into the origin, Δ(s) → 0 as |s| → ∞. [Theory.Delta0] derives Δ₀
// from that, [Solution.At] integrates the orbit, and [Solution.LambdaMax]
// predicts the largest Lyapunov exponent from the orbit. [Theory.MapLambdaMax]
// is the analogue for the discrete-time map x(t+1) = J·φ(x(t)).
//
// # Scope
//
// The activation must be odd and bounded, as tanh is: then ⟨φ⟩ = 0, the
// correlations decay to zero, and a chaotic solution exists for every gain
// above [Theory.CriticalGain]. Below it the origin is stable, and the
// functions return Δ₀ = 0 rather than an error. The results hold for N → ∞ in
// continuous time. The Euler step α = dt/τ of a simulation changes the
// theory, so compare with simulations at small α (α ≤ 0.1). At α = 0.1 and
// g = 2 the discrete-time Δ₀ differs by only 6e-6 relative
// (TestDelta0EulerStep).
//
// # Numerics
//
// Gaussian expectations use the trapezoidal rule on z ~ N(0, 1) with a step
// chosen from the variance. It converges geometrically in the node count,
// while Gauss–Hermite converges only like e^{−c·√n} for integrands such as
// ln cosh(σz) at large σ. Double expectations reduce to nested
// one-dimensional sums. Along the
// orbit the correlations come from a table over Δ ∈ [0, Δ₀] with cubic
// Hermite interpolation whose slopes are exact by Price's theorem. Each
// function's documentation states its cost and measured accuracy.
package dmft
