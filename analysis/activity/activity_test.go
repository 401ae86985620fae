package activity

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ouTrajectory samples n independent Ornstein–Uhlenbeck processes with time
// constant theta (in τ) and unit stationary variance, exactly at spacing
// step: x(t+1) = a·x(t) + √(1−a²)·ε with a = e^{−step/θ}, started from the
// stationary distribution.
func ouTrajectory(seed uint64, samples, n int, step, theta float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := math.Exp(-step / theta)
	noise := math.Sqrt(1 - a*a)
	x := make([]float64, samples*n)
	for i := 0; i < n; i++ {
		x[i] = rng.NormFloat64()
	}
	for t := 1; t < samples; t++ {
		for i := 0; i < n; i++ {
			x[t*n+i] = a*x[(t-1)*n+i] + noise*rng.NormFloat64()
		}
	}
	return x
}

func TestOrnsteinUhlenbeckHalfTime(t *testing.T) {
	const (
		step    = 0.05
		theta   = 2.0
		samples = 20000 // 1000 τ = 500 θ per unit
		n       = 20
		maxLag  = 200 // 10 τ
	)
	x := ouTrajectory(7, samples, n, step, theta)
	a, err := PopulationAutocorrelation(x, n, step, maxLag, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The sample holds N·T·step/θ = 10⁴ correlation times. The standard
	// error of C(s)/C(0) near s = θ is then about √(2/10⁴) ≈ 0.014, so
	// 0.04 (about three standard errors) bounds the deviation.
	for k := 0; k <= 3*int(theta/step); k++ {
		want := math.Exp(-a.LagTau[k] / theta)
		if d := math.Abs(a.Normalised[k] - want); d > 0.04 {
			t.Errorf("C(%g τ)/C(0) = %.4f, want e^(−s/θ) = %.4f ± 0.04", a.LagTau[k], a.Normalised[k], want)
		}
	}
	half, ok := a.HalfTime()
	want := theta * math.Ln2
	// The half-time error is the error of C/C(0) at 1/2 divided by the
	// slope 1/(2θ) = 0.25 per τ: about 0.06 τ, or 4 % of θ·ln 2. The test
	// allows 8 %.
	if !ok || math.Abs(half-want) > 0.08*want {
		t.Errorf("half-time %.4f τ (reached %v), want θ·ln 2 = %.4f τ ± 8 %%", half, ok, want)
	}
	t.Logf("half-time %.4f τ, theory %.4f τ, method %v", half, want, a.Method)

	m, err := SecondMoments(x, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Variance-1) > 0.05 || m.ZeroVariance {
		t.Errorf("variance %.4f (zero %v), want 1 ± 0.05", m.Variance, m.ZeroVariance)
	}
	if m.Variance != a.C[0] {
		t.Errorf("variance %v differs from C(0) = %v", m.Variance, a.C[0])
	}
}

func TestConstantSignalZeroVariance(t *testing.T) {
	const samples, n = 500, 4
	x := make([]float64, samples*n)
	for k := range x {
		x[k] = 0.1 * float64(k%n+1) // each unit constant, at a value with no exact binary mean
	}
	for _, method := range []Method{Direct, FFT} {
		a, err := PopulationAutocorrelation(x, n, 0.1, 50, Options{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if !a.ZeroVariance || a.Normalised != nil {
			t.Errorf("%v: zero variance %v, normalised %v; want true and nil", method, a.ZeroVariance, a.Normalised)
		}
		if a.C[0] != 0 {
			t.Errorf("%v: C(0) = %v, want exactly 0", method, a.C[0])
		}
		for k, c := range a.C {
			if math.IsNaN(c) || math.Abs(c) > 1e-15 {
				t.Errorf("%v: C[%d] = %v, want 0 up to rounding", method, k, c)
			}
		}
		if tau, ok := a.HalfTime(); ok || tau != 0 {
			t.Errorf("%v: half-time %v reached %v, want 0 and not reached", method, tau, ok)
		}
	}
	m, err := SecondMoments(x, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Variance != 0 || !m.ZeroVariance {
		t.Errorf("variance %v zero %v, want 0 and true", m.Variance, m.ZeroVariance)
	}
	d, err := ParticipationRatio(x, n)
	if err != nil {
		t.Fatal(err)
	}
	if !d.ZeroVariance || d.PR != 0 || d.Corrected != 0 || d.CorrectedOK {
		t.Errorf("participation ratio %+v, want zero variance and zeros", d)
	}
}

func TestVarianceFloorFlagsTinyActivity(t *testing.T) {
	x := ouTrajectory(3, 200, 3, 0.1, 1)
	for k := range x {
		x[k] *= 1e-20
	}
	a, err := PopulationAutocorrelation(x, 3, 0.1, 20, Options{VarianceFloor: 1e-30})
	if err != nil {
		t.Fatal(err)
	}
	if !a.ZeroVariance || a.Normalised != nil || !(a.C[0] > 0) {
		t.Errorf("zero variance %v, normalised nil %v, C(0) %v; want true, true, > 0", a.ZeroVariance, a.Normalised == nil, a.C[0])
	}
}

func TestWhiteNoiseUncorrelated(t *testing.T) {
	const samples, n = 4000, 10
	rng := rand.New(rand.NewPCG(11, 2))
	x := make([]float64, samples*n)
	for k := range x {
		x[k] = 3 + 2*rng.NormFloat64()
	}
	a, err := PopulationAutocorrelation(x, n, 0.1, 100, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Each C(k)/C(0), k > 0, is a mean of about N·T products with standard
	// deviation 1/√(N·T) ≈ 0.005; 5/√(N·T) is never reached by chance over
	// 100 lags.
	bound := 5 / math.Sqrt(samples*n)
	for k := 1; k < len(a.Normalised); k++ {
		if math.Abs(a.Normalised[k]) > bound {
			t.Errorf("C(%d)/C(0) = %.4f, want |·| < %.4f", k, a.Normalised[k], bound)
		}
	}
	if math.Abs(a.C[0]-4) > 0.15 {
		t.Errorf("C(0) = %.4f, want the variance 4 ± 0.15", a.C[0])
	}
	if half, ok := a.HalfTime(); !ok || half > 0.1 {
		t.Errorf("half-time %v (reached %v), want within the first lag of 0.1 τ", half, ok)
	}
	d, err := ParticipationRatio(x, n)
	if err != nil {
		t.Fatal(err)
	}
	// Isotropic covariance: the population PR is N = 10. The plain ratio is
	// biased to about N·T/(T+N+1) = 9.97, and the corrected one is near N.
	if math.Abs(d.PR-10) > 0.2 || !d.CorrectedOK || math.Abs(d.Corrected-10) > 0.2 {
		t.Errorf("PR %.3f, corrected %.3f (ok %v), want both 10 ± 0.2", d.PR, d.Corrected, d.CorrectedOK)
	}
}

func TestSineIsPeriodic(t *testing.T) {
	const (
		step    = 0.05
		period  = 4.0 // τ, 80 steps
		samples = 8000
		n       = 5
	)
	x := make([]float64, samples*n)
	for i := 0; i < n; i++ {
		phase := float64(i)
		for s := 0; s < samples; s++ {
			x[s*n+i] = math.Sin(2*math.Pi*float64(s)*step/period + phase)
		}
	}
	a, err := PopulationAutocorrelation(x, n, step, 400, Options{Method: FFT})
	if err != nil {
		t.Fatal(err)
	}
	// The window holds 100 whole periods, so the unbiased estimate is
	// cos(2π·s/P) up to edge terms of order P/(T·step) = 1 %.
	for k, c := range a.Normalised {
		want := math.Cos(2 * math.Pi * a.LagTau[k] / period)
		if math.Abs(c-want) > 0.02 {
			t.Errorf("C(%g τ)/C(0) = %.4f, want cos(2πs/P) = %.4f ± 0.02", a.LagTau[k], c, want)
		}
	}
	if math.Abs(a.C[0]-0.5) > 1e-3 {
		t.Errorf("C(0) = %.5f, want the variance of a sine, 0.5", a.C[0])
	}
	half, ok := a.HalfTime()
	if want := period / 6; !ok || math.Abs(half-want) > 0.01 {
		t.Errorf("half-time %.4f τ (reached %v), want P/6 = %.4f τ", half, ok, want)
	}
}

func TestDirectAndFFTAgree(t *testing.T) {
	x := ouTrajectory(5, 777, 6, 0.1, 0.5) // T + L = 877 = 877 (prime), padded to 900
	for _, est := range []Estimator{Unbiased, Biased} {
		d, err := PopulationAutocorrelation(x, 6, 0.1, 100, Options{Method: Direct, Estimator: est})
		if err != nil {
			t.Fatal(err)
		}
		f, err := PopulationAutocorrelation(x, 6, 0.1, 100, Options{Method: FFT, Estimator: est})
		if err != nil {
			t.Fatal(err)
		}
		if d.Method != Direct || f.Method != FFT {
			t.Fatalf("methods %v and %v, want direct and fft", d.Method, f.Method)
		}
		for k := range d.C {
			if math.Abs(d.C[k]-f.C[k]) > 1e-12*d.C[0] {
				t.Errorf("%v: C[%d] direct %v, FFT %v", est, k, d.C[k], f.C[k])
			}
		}
	}
}

func TestBiasedEstimatorShrinksLags(t *testing.T) {
	x := ouTrajectory(9, 300, 2, 0.1, 1)
	u, _ := PopulationAutocorrelation(x, 2, 0.1, 150, Options{Estimator: Unbiased})
	b, _ := PopulationAutocorrelation(x, 2, 0.1, 150, Options{Estimator: Biased})
	for k := range u.C {
		want := u.C[k] * float64(300-k) / 300
		if math.Abs(b.C[k]-want) > 1e-12*u.C[0] {
			t.Errorf("biased C[%d] = %v, want (1−k/T)·unbiased = %v", k, b.C[k], want)
		}
	}
}

func TestFFTLength(t *testing.T) {
	for _, c := range []struct{ in, want int }{{1, 1}, {7, 8}, {11, 12}, {877, 900}, {1025, 1080}} {
		if got := fftLength(c.in); got != c.want {
			t.Errorf("fftLength(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestInvalidInputsRejected(t *testing.T) {
	good := ouTrajectory(1, 10, 2, 0.1, 1)
	bad := append([]float64(nil), good...)
	bad[5] = math.NaN()
	cases := []struct {
		name   string
		x      []float64
		n      int
		step   float64
		maxLag int
	}{
		{"no units", good, 0, 0.1, 1},
		{"ragged", good[:7], 2, 0.1, 1},
		{"one step", good[:2], 2, 0.1, 0},
		{"lag too long", good, 2, 0.1, 10},
		{"negative lag", good, 2, 0.1, -1},
		{"zero step", good, 2, 0, 1},
		{"NaN entry", bad, 2, 0.1, 1},
	}
	for _, c := range cases {
		if _, err := PopulationAutocorrelation(c.x, c.n, c.step, c.maxLag, Options{}); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
