package dmft

import (
	"fmt"
	"math"
)

// Activation is the rate function φ together with the derivatives and the
// antiderivative that the mean-field equations need.
//
// The theory requires φ to be odd (φ(−x) = −φ(x)) and bounded; see the
// package documentation. The quadrature step assumes φ is analytic in the
// strip |Im x| < PoleDistance. A φ with a kink (hard tanh, ReLU) is not
// analytic anywhere off the axis, and its expectations then converge only
// algebraically in the step.
type Activation struct {
	Name   string
	Phi    func(x float64) float64 // φ
	Deriv  func(x float64) float64 // φ′
	Deriv2 func(x float64) float64 // φ″
	// Prim is an antiderivative Φ of φ (Φ′ = φ). Its additive constant does
	// not matter, because only variances and covariances of Φ enter.
	Prim func(x float64) float64
	// Derivs, when set, returns φ, φ′ and φ″ at x in one call. The
	// correlation tables then use it in place of three calls, which for
	// tanh saves two of three tanh evaluations. Nil means call Phi, Deriv
	// and Deriv2.
	Derivs func(x float64) (phi, deriv, deriv2 float64)
	// PoleDistance is the distance from the real axis to the singularity
	// of φ nearest to it in the complex plane. Zero means π/2, the value
	// for tanh, whose poles sit at x = ±iπ/2.
	PoleDistance float64
}

// Tanh is φ = tanh with Φ = ln cosh.
var Tanh = Activation{
	Name:   "tanh",
	Phi:    math.Tanh,
	Deriv:  tanhDeriv,
	Deriv2: tanhDeriv2,
	Prim:   logCosh,
	Derivs: tanhDerivs,
}

func tanhDerivs(x float64) (phi, deriv, deriv2 float64) {
	t := math.Tanh(x)
	d := 1 - t*t
	return t, d, -2 * t * d
}

func tanhDeriv(x float64) float64 {
	t := math.Tanh(x)
	return 1 - t*t
}

func tanhDeriv2(x float64) float64 {
	t := math.Tanh(x)
	return -2 * t * (1 - t*t)
}

// logCosh returns ln cosh x without overflow for large |x|:
//
//	ln cosh x = |x| + ln(1 + e^{−2|x|}) − ln 2.
func logCosh(x float64) float64 {
	a := math.Abs(x)
	return a + math.Log1p(math.Exp(-2*a)) - math.Ln2
}

// poleDistance returns the strip half-width used to choose quadrature steps.
func (a Activation) poleDistance() float64 {
	if a.PoleDistance > 0 {
		return a.PoleDistance
	}
	return math.Pi / 2
}

// oddnessTolerance is the relative tolerance of the checks in validate: a
// few ulps of slack for activations that compute φ(−x) by a different
// formula than −φ(x), or Derivs by a different formula than Phi.
const oddnessTolerance = 1e-12

// validate reports a missing function, an activation that is not odd, a
// Derivs that disagrees with Phi, Deriv and Deriv2 (checked at a few
// points), or a slope at the origin that is not positive.
func (a Activation) validate() error {
	if a.Phi == nil || a.Deriv == nil || a.Deriv2 == nil || a.Prim == nil {
		return fmt.Errorf("dmft: activation %q is missing one of Phi, Deriv, Deriv2, Prim", a.Name)
	}
	if math.IsNaN(a.PoleDistance) || a.PoleDistance < 0 {
		return fmt.Errorf("dmft: activation %q has invalid PoleDistance %g; want ≥ 0 (0 means π/2)", a.Name, a.PoleDistance)
	}
	for _, x := range []float64{0.25, 0.5, 1, 2, 4} {
		if p, m := a.Phi(x), a.Phi(-x); math.Abs(p+m) > oddnessTolerance*math.Max(1, math.Abs(p)) {
			return fmt.Errorf("dmft: activation %q is not odd: φ(%g) = %g but φ(%g) = %g; the mean-field theory here needs φ(−x) = −φ(x)", a.Name, x, p, -x, m)
		}
		if p, m := a.Deriv(x), a.Deriv(-x); math.Abs(p-m) > oddnessTolerance*math.Max(1, math.Abs(p)) {
			return fmt.Errorf("dmft: activation %q has a derivative that is not even: φ′(%g) = %g but φ′(%g) = %g", a.Name, x, p, -x, m)
		}
		if a.Derivs != nil {
			f0, f1, f2 := a.Derivs(x)
			for _, pair := range [][2]float64{{f0, a.Phi(x)}, {f1, a.Deriv(x)}, {f2, a.Deriv2(x)}} {
				if math.Abs(pair[0]-pair[1]) > oddnessTolerance*math.Max(1, math.Abs(pair[1])) {
					return fmt.Errorf("dmft: activation %q: Derivs(%g) = (%g, %g, %g) disagrees with Phi, Deriv, Deriv2 = (%g, %g, %g)", a.Name, x, f0, f1, f2, a.Phi(x), a.Deriv(x), a.Deriv2(x))
				}
			}
		}
	}
	if s := a.Deriv(0); !(s > 0) || math.IsInf(s, 0) {
		return fmt.Errorf("dmft: activation %q has slope φ′(0) = %g at the origin; want a finite positive slope", a.Name, s)
	}
	return nil
}

// Theory is the mean-field theory of the network for one activation. The
// zero value is not usable: set Act, for example Theory{Act: Tanh}.
type Theory struct {
	Act Activation
}

// tanhTheory backs the package-level functions.
var tanhTheory = Theory{Act: Tanh}

// CriticalGain returns the gain at which the origin loses stability and
// chaos sets in,
//
//	g_c = 1/φ′(0),
//
// which is 1 for tanh. Linearised at the origin the network is
// τ·dx/dt = (−I + g·φ′(0)·J₀)·x with J₀ᵢⱼ ~ N(0, 1/N). The eigenvalues of J₀
// fill the unit disk as N → ∞ (circular law), so the largest growth rate is
// g·φ′(0) − 1. The mean-field energy condition agrees: its nonzero root Δ₀
// exists exactly for g > g_c (see Theory.Delta0). It returns NaN when the
// activation is invalid.
func (th Theory) CriticalGain() float64 {
	if th.Act.validate() != nil {
		return math.NaN()
	}
	return 1 / th.Act.Deriv(0)
}

// CriticalGain returns the critical gain 1/φ′(0) = 1 of the tanh network.
// See Theory.CriticalGain.
func CriticalGain() float64 { return tanhTheory.CriticalGain() }

// checkGain rejects a gain that is negative, NaN or infinite. The gain is a
// standard deviation scale, so g and −g describe the same ensemble, and a
// negative value is more likely a caller's mistake than a request.
func checkGain(g float64) error {
	if math.IsNaN(g) || math.IsInf(g, 0) || g < 0 {
		return fmt.Errorf("dmft: invalid gain %g; want a finite g ≥ 0", g)
	}
	return nil
}
