package dmft

import (
	"fmt"
	"math"
)

// Bracketing limits for the root searches of Delta0 and MapLambdaMax.
const (
	// maxBracketDoublings bounds the search for an upper bracket. 60
	// doublings reach 2⁶⁰ times the start, far beyond any bounded φ.
	maxBracketDoublings = 60
	// maxBracketHalvings bounds the search for a lower bracket. Below
	// 2⁻²⁰⁰ times the start the root, if any, is beyond the quadrature's
	// resolution of the function whose root it is.
	maxBracketHalvings = 200
	// bisectionSteps ends a bisection on a bracket [a, 2a], whose width
	// halves to below one ulp after 53 steps.
	bisectionSteps = 64
)

// Delta0 returns the stationary variance Δ₀ = ⟨xᵢ²⟩ of the chaotic state
// at gain g, or 0 when g ≤ g_c = 1/φ′(0) and the origin is stable.
//
// Derivation. The orbit of the mean-field particle (see the package
// documentation) starts at rest at the top, Δ(0) = Δ₀, and comes to rest
// at the origin, Δ(∞) = 0. Its energy ½·Δ′² + V(Δ; Δ₀) is conserved, so
//
//	V(Δ₀; Δ₀) = V(0; Δ₀).
//
// At covariance Δ₀ the two Gaussians coincide, so C_Φ(Δ₀; Δ₀) = E[Φ(√Δ₀·z)²].
// At covariance 0 they are independent, so C_Φ(0; Δ₀) = E[Φ(√Δ₀·z)]².
// With V(Δ) = −Δ²/2 + g²·(C_Φ(Δ) − C_Φ(0)) this gives
//
//	Δ₀²/2 = g²·Var[Φ(√Δ₀·z)],  z ~ N(0, 1),  Φ′ = φ  (Φ = ln cosh for tanh).
//
// Δ₀ is the root of F(Δ) = g²·Var[Φ(√Δ·z)]/Δ² − ½. For small Δ,
// Φ(x) = Φ(0) + φ′(0)·x²/2 + O(x⁴), so Var[Φ] = φ′(0)²·Δ²/2 + O(Δ³) and
// F(0⁺) = (g²·φ′(0)² − 1)/2. That is positive exactly when g > g_c. For a
// bounded φ the Gaussian Poincaré inequality gives
// Var[Φ(√Δ·z)] ≤ Δ·E[φ(√Δ·z)²] ≤ Δ·sup φ², so F < 0 for large Δ. The
// search doubles Δ from max(1, 2g²) until F < 0, halves it until F > 0, and
// bisects the bracket to full float64 precision. For tanh the expansion
// continues to Δ₀ = (g² − 1)/(2g²)·(1 + O(g − 1)) near g = 1.
//
// Accuracy: the tests reproduce the published Δ₀ = 1.924805 (g = 2) and
// 5.446326 (g = 3) to the seven digits given, and the energy condition
// holds to 1e-11 relative under an independent Gauss–Hermite rule at g = 2.
// Cost: about 2·(2K+1) calls of Φ per evaluation of F for a rule with 2K+1
// nodes (93 at g = 2, 155 at g = 3), and about 60 evaluations, under 5 ms.
func (th Theory) Delta0(g float64) (float64, error) {
	if err := th.Act.validate(); err != nil {
		return 0, err
	}
	if err := checkGain(g); err != nil {
		return 0, err
	}
	gc := 1 / th.Act.Deriv(0)
	if g <= gc {
		return 0, nil
	}
	a := th.Act.poleDistance()
	f := func(d float64) float64 {
		r := newGaussRule(d, a)
		return g*g*r.variance(th.Act.Prim, math.Sqrt(d))/(d*d) - 0.5
	}
	d0, err := findRoot(f, math.Max(1, 2*g*g))
	if err != nil {
		return 0, fmt.Errorf("dmft: no chaotic variance Δ₀ at gain %g with activation %q (critical gain %g): %w", g, th.Act.Name, gc, err)
	}
	return d0, nil
}

// Delta0 returns Δ₀ for the tanh network (see Theory.Delta0).
func Delta0(g float64) (float64, error) { return tanhTheory.Delta0(g) }

// findRoot returns the root of f, a function positive below the root and
// negative above it on (0, ∞), starting the bracket search at start > 0.
func findRoot(f func(float64) float64, start float64) (float64, error) {
	hi := start
	for i := 0; f(hi) >= 0; i++ {
		if i == maxBracketDoublings {
			return 0, fmt.Errorf("the function stays non-negative up to %g; is φ bounded?", hi)
		}
		hi *= 2
	}
	lo := hi / 2
	for i := 0; f(lo) <= 0; i++ {
		if i == maxBracketHalvings {
			return 0, fmt.Errorf("the function stays non-positive down to %g; the gain is too close to the critical gain to resolve the root", lo)
		}
		hi = lo
		lo /= 2
	}
	for range bisectionSteps {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2, nil
}
