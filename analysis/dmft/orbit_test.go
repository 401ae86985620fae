package dmft

import (
	"math"
	"testing"
)

// Tolerances of the orbit checks. Each bound is a few times the value
// measured at g = 2 and g = 3 (go1.26.8, linux/amd64); the measured value
// is in the comment.
const (
	// orbitMotionTolerance bounds |Δ″ − Δ + g²·C_φ(Δ)|/Δ₀ with Δ″ from
	// Richardson-extrapolated second differences over the orbit samples.
	// Measured: 8e-11 at g = 2 and 1.2e-9 at g = 3, where the table error
	// of C_φ (1.4e-9) dominates.
	orbitMotionTolerance = 5e-9
	// orbitEnergyTolerance bounds |½·Δ′² + V(Δ) − V(Δ₀)|/(Δ₀²/2) with Δ′
	// from central differences at spacing 1e-4. Measured: 2e-11 at g = 2
	// and 1e-10 at g = 3.
	orbitEnergyTolerance = 1e-9
	// orbitStepTolerance bounds the relative change of Δ(s) when the
	// integration step is halved. Measured: 2e-11 at g = 2 and 7e-12 at
	// g = 3.
	orbitStepTolerance = 1e-10
)

// corrPrim returns C_Φ(Δ; Δ₀) = E[Φ(z₁)·Φ(z₂)] for Φ = ln cosh by direct
// quadrature, independent of the correlation table.
func corrPrim(delta, delta0 float64) float64 {
	r := newGaussRule(delta0, math.Pi/2)
	inner := math.Sqrt(delta0 - delta)
	outer := math.Sqrt(delta)
	var sum float64
	for i, eta := range r.z {
		var psi float64
		for j, xi := range r.z {
			psi += r.w[j] * logCosh(inner*xi+outer*eta)
		}
		sum += r.w[i] * psi * psi
	}
	return sum
}

// corrPhi returns C_φ(Δ; Δ₀) for φ = tanh by direct quadrature.
func corrPhi(delta, delta0 float64) float64 {
	c, _, _ := newGaussRule(delta0, math.Pi/2).correlations(Tanh, delta, delta0)
	return c
}

func solveTanh(t *testing.T, g float64) *Solution {
	t.Helper()
	sol, err := tanhTheory.Solve(g)
	if err != nil {
		t.Fatalf("Solve(%g): %v", g, err)
	}
	return sol
}

// Δ(s) is even, starts at Δ₀ with zero slope and curvature Δ″(0), decreases
// monotonically and decays like e^{−κ·s}.
func TestAutocorrelationShape(t *testing.T) {
	for _, g := range []float64{2, 3} {
		sol := solveTanh(t, g)
		if got := sol.At(0); relErr(got, sol.Delta0) > 1e-15 {
			t.Errorf("g = %g: Δ(0) = %.17g, want Δ₀ = %.17g", g, got, sol.Delta0)
		}

		// Zero slope: Δ(δ) − Δ₀ = Δ″(0)·δ²/2·(1 + O(δ²)).
		const delta = 0.01
		curvature := 2 * (sol.At(delta) - sol.Delta0) / (delta * delta)
		if e := relErr(curvature, sol.Curvature); e > 1e-3 {
			t.Errorf("g = %g: 2·(Δ(δ) − Δ₀)/δ² = %.8g, want Δ″(0) = %.8g (relative %.1e)", g, curvature, sol.Curvature, e)
		}

		prev := sol.At(0)
		for i := 1; i <= 2000; i++ {
			s := float64(i) * 0.05
			v := sol.At(s)
			if v != sol.At(-s) {
				t.Fatalf("g = %g: Δ(%g) = %g but Δ(%g) = %g; Δ must be even", g, s, v, -s, sol.At(-s))
			}
			if !(v < prev) || !(v > 0) {
				t.Fatalf("g = %g: Δ(%g) = %g after Δ(%g) = %g; want a positive, strictly decreasing Δ", g, s, v, s-0.05, prev)
			}
			prev = v
		}
		if r := sol.At(100) / sol.Delta0; r > 1e-8 {
			t.Errorf("g = %g: Δ(100)/Δ₀ = %g, want < 1e-8", g, r)
		}
		rate := math.Log(sol.At(60)/sol.At(70)) / 10
		if e := relErr(rate, sol.DecayRate); e > 1e-6 {
			t.Errorf("g = %g: tail decay rate %.9g, want κ = %.9g", g, rate, sol.DecayRate)
		}
	}
}

// Δ″ = Δ − g²·C_φ(Δ; Δ₀) along the orbit, with Δ″ from second differences
// of At and C_φ from direct quadrature.
func TestAutocorrelationEquationOfMotion(t *testing.T) {
	for _, g := range []float64{2, 3} {
		sol := solveTanh(t, g)
		// Differences over whole orbit samples test the integrated values
		// themselves. Between samples the second derivative of the cubic
		// interpolant in At is only O(h²) accurate, about 1e-7 here.
		h := sol.step
		secondDifference := func(s, h float64) float64 {
			return (sol.At(s+h) - 2*sol.At(s) + sol.At(s-h)) / (h * h)
		}
		var worst float64
		for _, k := range []int{20, 100, 300, 1000, 3000} {
			s := float64(k) * h
			d := sol.At(s)
			// Richardson on spacings h and 2h cancels the h²·Δ⁗/12 term.
			second := (4*secondDifference(s, h) - secondDifference(s, 2*h)) / 3
			force := d - g*g*corrPhi(d, sol.Delta0)
			worst = math.Max(worst, math.Abs(second-force)/sol.Delta0)
		}
		t.Logf("g = %g: max |Δ″ − Δ + g²·C_φ(Δ)|/Δ₀ = %.1e", g, worst)
		if worst > orbitMotionTolerance {
			t.Errorf("g = %g: equation of motion residual %.1e > %.0e", g, worst, orbitMotionTolerance)
		}
	}
}

// The energy ½·Δ′² + V(Δ), V(Δ) = −Δ²/2 + g²·(C_Φ(Δ) − C_Φ(0)), is
// conserved along the orbit and equals V(Δ₀) = V(0) = 0. C_Φ comes from
// direct quadrature, independent of the table that drives the orbit.
func TestAutocorrelationEnergy(t *testing.T) {
	for _, g := range []float64{2, 3} {
		sol := solveTanh(t, g)
		d0 := sol.Delta0
		base := corrPrim(0, d0)
		potential := func(d float64) float64 { return -d*d/2 + g*g*(corrPrim(d, d0)-base) }
		scale := d0 * d0 / 2
		if e := math.Abs(potential(d0)) / scale; e > orbitEnergyTolerance {
			t.Errorf("g = %g: |V(Δ₀) − V(0)|/(Δ₀²/2) = %.1e > %.0e", g, e, orbitEnergyTolerance)
		}
		const h = 1e-4
		var worst float64
		for _, s := range []float64{0.5, 1, 2, 4, 8, 16, 32} {
			slope := (sol.At(s+h) - sol.At(s-h)) / (2 * h)
			energy := slope*slope/2 + potential(sol.At(s))
			worst = math.Max(worst, math.Abs(energy)/scale)
		}
		t.Logf("g = %g: max |E(s) − E(0)|/(Δ₀²/2) = %.1e", g, worst)
		if worst > orbitEnergyTolerance {
			t.Errorf("g = %g: energy drift %.1e > %.0e", g, worst, orbitEnergyTolerance)
		}
	}
}

// Halving the integration step leaves Δ(s) unchanged to the stated
// tolerance.
func TestAutocorrelationStepConvergence(t *testing.T) {
	for _, g := range []float64{2, 3} {
		sol := solveTanh(t, g)
		fine := *sol
		fine.step /= 2
		fine.logDelta, fine.logSlope = nil, nil
		if err := fine.integrate(); err != nil {
			t.Fatal(err)
		}
		var worst float64
		for _, s := range []float64{0.5, 1, 3, 10, 30, 60} {
			worst = math.Max(worst, relErr(sol.At(s), fine.At(s)))
		}
		t.Logf("g = %g: step %g vs %g: max relative change %.1e", g, sol.step, fine.step, worst)
		if worst > orbitStepTolerance {
			t.Errorf("g = %g: halving the step changed Δ(s) by %.1e relative > %.0e", g, worst, orbitStepTolerance)
		}
	}
}

// The Hermite table reproduces C_φ and C_φ′ at interval midpoints, where
// interpolation errs most, to the bounds stated at tableIntervals.
func TestCorrelationTableInterpolation(t *testing.T) {
	for _, c := range []struct{ g, tolPhi, tolDeriv float64 }{
		{2, 1e-10, 7e-10},
		{3, 3e-9, 2.5e-8},
	} {
		sol := solveTanh(t, c.g)
		tab := sol.table
		r := newGaussRule(sol.Delta0, math.Pi/2)
		var worstPhi, worstDeriv float64
		for k := range tableIntervals {
			d := (float64(k) + 0.5) * tab.step
			phi, deriv, _ := r.correlations(Tanh, d, sol.Delta0)
			worstPhi = math.Max(worstPhi, math.Abs(tab.cPhi(d)-phi))
			worstDeriv = math.Max(worstDeriv, math.Abs(tab.cDeriv(d)-deriv))
		}
		t.Logf("g = %g: max interpolation error C_φ %.1e, C_φ′ %.1e", c.g, worstPhi, worstDeriv)
		if worstPhi > c.tolPhi || worstDeriv > c.tolDeriv {
			t.Errorf("g = %g: interpolation errors %.1e (C_φ), %.1e (C_φ′); want ≤ %.0e, %.0e", c.g, worstPhi, worstDeriv, c.tolPhi, c.tolDeriv)
		}
		if math.Abs(sol.EnergyResidual) > 1e-9 {
			t.Errorf("g = %g: EnergyResidual = %.1e, want |·| ≤ 1e-9", c.g, sol.EnergyResidual)
		}
	}
}

// The ground-state energy converges in the interval and the grid, and the
// zero mode H·Δ′ = 0 is reproduced.
func TestLambdaMaxConvergence(t *testing.T) {
	for _, c := range []struct{ g, zeroTol float64 }{
		{2, 1e-8},
		{3, 1e-7},
	} {
		sol := solveTanh(t, c.g)
		p, err := sol.LambdaMax()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("g = %g: E₀ = %.10f, zero mode %.1e, error estimate %.1e, L = %.1f, %d points", c.g, p.GroundEnergy, p.ZeroModeEnergy, p.ErrorEstimate, p.HalfWidth, p.Points)
		if math.Abs(p.ZeroModeEnergy) > c.zeroTol {
			t.Errorf("g = %g: zero-mode energy %.1e, want |·| ≤ %.0e", c.g, p.ZeroModeEnergy, c.zeroTol)
		}
		if p.ErrorEstimate > 1e-5 {
			t.Errorf("g = %g: error estimate %.1e > 1e-5", c.g, p.ErrorEstimate)
		}

		// Interval: half as wide again at the same step moves E₀ by
		// rounding only.
		n := p.Points / 2
		h := p.HalfWidth / float64(n)
		longN := n + n/2
		short, _, err := sol.groundEnergies(p.HalfWidth, n, false)
		if err != nil {
			t.Fatal(err)
		}
		long, _, err := sol.groundEnergies(h*float64(longN), longN, false)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(long - short); d > 1e-11 {
			t.Errorf("g = %g: E₀ on L = %.1f and %.1f (step %.4f) differ by %.1e > 1e-11", c.g, p.HalfWidth, h*float64(longN), h, d)
		}

		// Grid: extrapolating from (h/2, h/4) agrees with (h, h/2).
		finest, _, err := sol.groundEnergies(p.HalfWidth, 4*n, false)
		if err != nil {
			t.Fatal(err)
		}
		fine, _, err := sol.groundEnergies(p.HalfWidth, 2*n, false)
		if err != nil {
			t.Fatal(err)
		}
		refined := (4*finest - fine) / 3
		if d := math.Abs(refined - p.GroundEnergy); d > 1e-9 {
			t.Errorf("g = %g: extrapolated E₀ %.12f (steps h/2, h/4) vs %.12f (h, h/2): difference %.1e > 1e-9", c.g, refined, p.GroundEnergy, d)
		}
	}
}

// λ_max grows with the gain above the critical gain.
func TestLambdaMaxIncreasesWithGain(t *testing.T) {
	prev := 0.0
	for _, g := range []float64{1.05, 1.5, 2, 3} {
		lam, err := LambdaMax(g)
		if err != nil {
			t.Fatal(err)
		}
		if !(lam > prev) {
			t.Errorf("LambdaMax(%g) = %g, not above %g at the previous gain", g, lam, prev)
		}
		prev = lam
	}
}
