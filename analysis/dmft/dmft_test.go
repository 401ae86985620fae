package dmft

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// Tolerances for comparisons with published values. Each published value
// has six or seven significant digits, so its rounding alone is up to half
// a unit in the last digit.
const (
	// delta0PublishedTolerance: Δ₀ is given to 7 digits (≤ 2.6e-7 relative
	// rounding at 1.924805).
	delta0PublishedTolerance = 1e-6
	// lambdaPublishedTolerance: λ_max is given to 6 digits (≤ 4.5e-6
	// relative rounding at 0.112458).
	lambdaPublishedTolerance = 1e-5
	// mapQTolerance: q of the map is given to 5 decimals (≤ 5e-6 absolute
	// rounding).
	mapQTolerance = 1e-5
	// mapLambdaTolerance: λ_max of the map is given to 6 decimals (≤ 5e-7
	// absolute rounding).
	mapLambdaTolerance = 1e-6
)

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// Δ₀ from the energy condition Δ₀²/2 = g²·Var[ln cosh(√Δ₀·z)] of
// Sompolinsky, Crisanti & Sommers, PRL 61, 259 (1988); the published values
// are those of the solver in the code of Mastrogiuseppe & Ostojic (2018),
// which solves the same equation.
func TestDelta0Published(t *testing.T) {
	for _, c := range []struct{ g, want float64 }{
		{2, 1.924805},
		{3, 5.446326},
	} {
		got, err := Delta0(c.g)
		if err != nil {
			t.Fatalf("Delta0(%g): %v", c.g, err)
		}
		if e := relErr(got, c.want); e > delta0PublishedTolerance {
			t.Errorf("Delta0(%g) = %.9f, want %.6f (relative error %.2e > %.0e)", c.g, got, c.want, e, delta0PublishedTolerance)
		}
	}
}

// The energy condition holds at the returned Δ₀ to rounding, checked with
// an independent Gauss–Hermite rule (gonum quad.Hermite, 200 nodes), which
// is accurate to 1e-12 at g = 2 and 6e-9 at g = 3.
func TestDelta0EnergyCondition(t *testing.T) {
	for _, c := range []struct{ g, tol float64 }{{2, 1e-11}, {3, 1e-8}} {
		d0, err := Delta0(c.g)
		if err != nil {
			t.Fatal(err)
		}
		v := hermiteVariance(logCosh, math.Sqrt(d0), 200)
		residual := (c.g*c.g*v - d0*d0/2) / (d0 * d0 / 2)
		if math.Abs(residual) > c.tol {
			t.Errorf("g = %g: (g²·Var[Φ] − Δ₀²/2)/(Δ₀²/2) = %.2e, want |·| ≤ %.0e", c.g, residual, c.tol)
		}
	}
}

// hermiteVariance returns Var[f(σ·z)] by n-point Gauss–Hermite quadrature.
func hermiteVariance(f func(float64) float64, sigma float64, n int) float64 {
	x := make([]float64, n)
	w := make([]float64, n)
	quad.Hermite{}.FixedLocations(x, w, math.Inf(-1), math.Inf(1))
	var mean, second float64
	for i := range x {
		v := f(sigma * math.Sqrt2 * x[i])
		mean += w[i] / math.SqrtPi * v
		second += w[i] / math.SqrtPi * v * v
	}
	return second - mean*mean
}

// At small variance, where Gauss–Hermite is accurate, the trapezoidal rule
// agrees with a 200-node Gauss–Hermite rule. That rule itself differs from
// finer trapezoidal rules by up to 2e-12 relative, which sets agreement.
// At large variance, where Gauss–Hermite is not accurate, the trapezoidal
// rule agrees with itself at half the step.
func TestGaussRuleMatchesGaussHermite(t *testing.T) {
	const agreement = 5e-12
	for _, v := range []float64{0.01, 0.5, 1.924805} {
		r := newGaussRule(v, math.Pi/2)
		got := r.variance(logCosh, math.Sqrt(v))
		want := hermiteVariance(logCosh, math.Sqrt(v), 200)
		if e := relErr(got, want); e > agreement {
			t.Errorf("Var[ln cosh(σz)], σ² = %g: trapezoid %.15g, Gauss–Hermite %.15g (relative %.1e > %.0e)", v, got, want, e, agreement)
		}
	}
	for _, c := range []struct {
		variance     float64
		hermiteNodes int
	}{{5.446326, 150}, {60, 200}} {
		v := c.variance
		r := newGaussRule(v, math.Pi/2)
		fine := newGaussRuleStep(r.h / 2)
		got := r.variance(logCosh, math.Sqrt(v))
		want := fine.variance(logCosh, math.Sqrt(v))
		if e := relErr(got, want); e > agreement {
			t.Errorf("Var[ln cosh(σz)], σ² = %g: step %g gives %.15g, step %g gives %.15g (relative %.1e > %.0e)", v, r.h, got, fine.h, want, e, agreement)
		}
		hermite := hermiteVariance(logCosh, math.Sqrt(v), c.hermiteNodes)
		t.Logf("σ² = %g: %d trapezoidal nodes agree with half the step to %.1e; %d Gauss–Hermite nodes are off by %.1e", v, len(r.z), relErr(got, want), c.hermiteNodes, relErr(hermite, want))
	}
}

// The rule agrees with itself at half the step across the variances the
// theory meets, from near-critical gains to g ≈ 10.
func TestGaussRuleStepHalving(t *testing.T) {
	const agreement = 2e-15
	for _, v := range []float64{0.05, 0.5, 1, 1.924805, 5.446326, 20, 60} {
		r := newGaussRule(v, math.Pi/2)
		fine := newGaussRuleStep(r.h / 2)
		got := r.variance(logCosh, math.Sqrt(v))
		want := fine.variance(logCosh, math.Sqrt(v))
		if e := relErr(got, want); e > agreement {
			t.Errorf("Var[ln cosh(σz)], σ² = %g: step %g and %g differ by %.1e relative > %.0e", v, r.h, fine.h, e, agreement)
		}
	}
}

// newGaussRuleStep returns the trapezoidal rule with step h on |z| ≤ 9.
func newGaussRuleStep(h float64) gaussRule {
	k := int(math.Ceil(gaussCutoff / h))
	r := gaussRule{z: make([]float64, 2*k+1), w: make([]float64, 2*k+1), h: h}
	for i := -k; i <= k; i++ {
		z := float64(i) * h
		r.z[i+k] = z
		r.w[i+k] = h * math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
	}
	return r
}

// Below and at the critical gain the origin is stable: Δ₀ = 0, Δ(s) ≡ 0,
// and λ_max = g − 1 (edge of the circular law of −I + g·J₀).
func TestSubcriticalGain(t *testing.T) {
	for _, g := range []float64{0, 0.5, 1} {
		d0, err := Delta0(g)
		if err != nil || d0 != 0 {
			t.Errorf("Delta0(%g) = %g, %v; want 0, nil", g, d0, err)
		}
		ac, err := Autocorrelation(g, []float64{0, 1, -3})
		if err != nil {
			t.Fatalf("Autocorrelation(%g): %v", g, err)
		}
		for i, v := range ac {
			if v != 0 {
				t.Errorf("Autocorrelation(%g)[%d] = %g, want 0", g, i, v)
			}
		}
		lam, err := LambdaMax(g)
		if err != nil || lam != g-1 {
			t.Errorf("LambdaMax(%g) = %g, %v; want %g, nil", g, lam, err, g-1)
		}
	}
}

// Near g = 1 the small-Δ expansion of the energy condition for tanh,
// Var[ln cosh(√Δ·z)] = Δ²/2 − Δ³ + O(Δ⁴), gives Δ₀ = (g² − 1)/(2g²) up to a
// relative correction O(g − 1).
func TestDelta0NearCritical(t *testing.T) {
	for _, g := range []float64{1.001, 1.01} {
		got, err := Delta0(g)
		if err != nil {
			t.Fatal(err)
		}
		want := (g*g - 1) / (2 * g * g)
		if e := relErr(got, want); e > 5*(g-1) {
			t.Errorf("Delta0(%g) = %g, expansion gives %g (relative %.1e > 5·(g − 1))", g, got, want, e)
		}
	}
}

func TestCriticalGain(t *testing.T) {
	if g := CriticalGain(); g != 1 {
		t.Errorf("CriticalGain() = %g, want 1", g)
	}

	// A steeper tanh, φ(x) = tanh(2x), has φ′(0) = 2 and g_c = 1/2.
	steep := Activation{
		Name:   "tanh(2x)",
		Phi:    func(x float64) float64 { return math.Tanh(2 * x) },
		Deriv:  func(x float64) float64 { return 2 * tanhDeriv(2*x) },
		Deriv2: func(x float64) float64 { return 4 * tanhDeriv2(2*x) },
		Prim:   func(x float64) float64 { return logCosh(2*x) / 2 },
		// The poles of tanh(2x) sit at x = ±iπ/4.
		PoleDistance: math.Pi / 4,
	}
	th := Theory{Act: steep}
	if g := th.CriticalGain(); g != 0.5 {
		t.Errorf("CriticalGain of tanh(2x) = %g, want 0.5", g)
	}

	// τ·dx/dt = −x + J·tanh(2x) with x = y/2 is τ·dy/dt = −y + 2J·tanh(y),
	// so Δ₀ at gain g equals the tanh network's Δ₀ at gain 2g, divided by 4.
	got, err := th.Delta0(1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Delta0(2)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(got, want/4); e > 1e-12 {
		t.Errorf("Delta0 of tanh(2x) at g = 1 is %.15g, want Δ₀(tanh, g = 2)/4 = %.15g", got, want/4)
	}
}

// Values from D. G. Clark's DMFT calculation of the Lyapunov spectrum of
// random networks, which uses the same ground-state method.
func TestLambdaMaxPublished(t *testing.T) {
	for _, c := range []struct{ g, want float64 }{
		{2, 0.112458},
		{3, 0.235461},
	} {
		got, err := LambdaMax(c.g)
		if err != nil {
			t.Fatalf("LambdaMax(%g): %v", c.g, err)
		}
		if e := relErr(got, c.want); e > lambdaPublishedTolerance {
			t.Errorf("LambdaMax(%g) = %.9f, want %.6f (relative error %.2e > %.0e)", c.g, got, c.want, e, lambdaPublishedTolerance)
		}
	}
}

// Map values: q = g²·E[tanh²(√q·z)], λ_max = ½·ln(g²·E[sech⁴(√q·z)]) at g = 3.
func TestMapLambdaMaxPublished(t *testing.T) {
	q, lam, err := MapLambdaMax(3)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(q-6.30539) > mapQTolerance {
		t.Errorf("q = %.9f, want 6.30539", q)
	}
	if math.Abs(lam-0.310249) > mapLambdaTolerance {
		t.Errorf("λ_max = %.9f, want 0.310249", lam)
	}
	// Below the critical gain the origin of the map is stable.
	q, lam, err = MapLambdaMax(0.5)
	if err != nil || q != 0 || lam != math.Log(0.5) {
		t.Errorf("MapLambdaMax(0.5) = %g, %g, %v; want 0, ln 0.5, nil", q, lam, err)
	}
}

func TestInvalidInput(t *testing.T) {
	for _, g := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := Delta0(g); err == nil {
			t.Errorf("Delta0(%g) returned no error", g)
		}
		if _, err := LambdaMax(g); err == nil {
			t.Errorf("LambdaMax(%g) returned no error", g)
		}
		if _, _, err := MapLambdaMax(g); err == nil {
			t.Errorf("MapLambdaMax(%g) returned no error", g)
		}
	}
	if _, err := Autocorrelation(2, []float64{1, math.NaN()}); err == nil {
		t.Error("Autocorrelation with a NaN lag returned no error")
	}

	logistic := Activation{
		Name:   "logistic",
		Phi:    func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		Deriv:  func(x float64) float64 { s := 1 / (1 + math.Exp(-x)); return s * (1 - s) },
		Deriv2: func(x float64) float64 { s := 1 / (1 + math.Exp(-x)); return s * (1 - s) * (1 - 2*s) },
		Prim:   func(x float64) float64 { return math.Log1p(math.Exp(x)) },
	}
	_, err := Theory{Act: logistic}.Delta0(2)
	if err == nil || !strings.Contains(err.Error(), "not odd") {
		t.Errorf("Delta0 with the logistic activation: error %v, want one that says it is not odd", err)
	}
	if _, err := (Theory{}).Delta0(2); err == nil {
		t.Error("Delta0 with a zero Activation returned no error")
	}
	wrong := Tanh
	wrong.Derivs = func(x float64) (float64, float64, float64) { return math.Tanh(x), 1, 0 }
	if _, err := (Theory{Act: wrong}).Delta0(2); err == nil {
		t.Error("Delta0 with a Derivs that disagrees with Deriv returned no error")
	}
}
