package lyapunov

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/model"
)

// constantMap is the linear map x(t+1) = A·x(t) as a tangentSystem: every
// Jacobian is A. It drives measure directly, without a network.
type constantMap struct {
	n   int
	a   []float64 // N×N row-major
	x   []float64
	tmp []float64
}

func (c *constantMap) advance(v []float64, k int) {
	apply := func(dst, src []float64) {
		for i := 0; i < c.n; i++ {
			dst[i] = dot(c.a[i*c.n:(i+1)*c.n], src)
		}
	}
	for i := 0; i < k; i++ {
		row := v[i*c.n : (i+1)*c.n]
		apply(c.tmp, row)
		copy(row, c.tmp)
	}
	apply(c.tmp, c.x)
	copy(c.x, c.tmp)
}

func (c *constantMap) logAbsDet() float64 {
	var lu mat.LU
	lu.Factorize(mat.NewDense(c.n, c.n, append([]float64(nil), c.a...)))
	logDet, _ := lu.LogDet()
	return logDet
}

func (c *constantMap) state() []float64 { return c.x }

// TestConstantMapNegativeDiagonal runs the QR steps on the constant map
// A = [[−2, 0], [0, 0.5]] with one QR step per step for 100 steps, starting
// from the unit vectors. The first QR diagonal is −2 at every step, so
// ln Rᵢᵢ without the absolute value would be NaN. Expected exponents per
// step: ln 2 and −ln 2 (closed form, the logarithms of |eigenvalues|).
func TestConstantMapNegativeDiagonal(t *testing.T) {
	const n = 2
	sys := &constantMap{n: n, a: []float64{-2, 0, 0, 0.5}, x: []float64{1, 1}, tmp: make([]float64, n)}
	frame := []float64{1, 0, 0, 1}
	s := schedule{n: n, k: n, observed: 100, qrEvery: 1, checkpoints: DefaultCheckpoints}
	m, err := measure(sys, s, 1, frame, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := summarize(m, s, 1)
	want := []float64{math.Ln2, -math.Ln2}
	for i, l := range res.Exponents {
		if math.Abs(l-want[i]) > 1e-15 {
			t.Errorf("λ%d = %v, want %v", i+1, l, want[i])
		}
	}
	// The frame stays on the axes. Its first vector flips sign with every
	// step because A's eigenvalue along it is negative, so that R₀₀ = +2.
	if math.Abs(math.Abs(frame[0])-1) > 1e-15 || frame[1] != 0 || frame[2] != 0 || math.Abs(frame[3]-1) > 1e-15 {
		t.Errorf("final frame = %v, want rows ±(1, 0) and (0, 1)", frame)
	}
	if got := res.LogDetSum / res.Time; math.Abs(got) > 1e-15 {
		t.Errorf("mean ln|det A| = %v, want ln 1 = 0", got)
	}
}

// TestSpectrumNegativeEigenvalueMap runs the same constant map through
// Spectrum: a discrete-time network (α = 1) with linear units and W = A has
// the Jacobian A at every step. The frame starts at random and turns onto
// the axes during the frame burn-in. Expected: (ln 2, −ln 2) per step,
// no NaN (closed form).
func TestSpectrumNegativeEigenvalueMap(t *testing.T) {
	// After the 20-step frame burn-in the frame is off the axes by about
	// 0.25²⁰ ≈ 1e-12, which changes the averaged exponents by less.
	const tol = 1e-9
	w := linearWeights(2, []float64{-2, 0, 0, 0.5})
	res, err := Spectrum(w, identity{}, 1, Options{K: 2, Duration: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{math.Ln2, -math.Ln2}
	for i, l := range res.Exponents {
		if math.IsNaN(l) || math.Abs(l-want[i]) > tol {
			t.Errorf("λ%d = %v, want %v", i+1, l, want[i])
		}
	}
	if res.Steps != 100 || res.QREverySteps != 1 {
		t.Errorf("observed %d steps with a QR step every %d, want 100 and 1", res.Steps, res.QREverySteps)
	}
}

// TestSpectrumContractingLinearFlow is the flow dx/dt = −x on two units
// (W = 0, linear units) with an Euler step α = 0.1: every step multiplies
// by 0.9, so both exponents are ln 0.9/0.1 = −1.0536 per τ (closed form).
// The short run (5 τ = 50 steps) is shorter than its QR interval (10 τ),
// so only the final QR step of the observation measures it. It must give
// the same value, never 0.
func TestSpectrumContractingLinearFlow(t *testing.T) {
	const tol = 1e-12
	want := math.Log(0.9) / 0.1
	w := linearWeights(2, []float64{0, 0, 0, 0})
	for _, c := range []struct {
		duration, qrEvery float64
		wantQRs           int
	}{
		{50, 0, 2 + 50},
		{5, 10, 1 + 1},
	} {
		res, err := Spectrum(w, identity{}, 0.1, Options{K: 2, Duration: c.duration, QREvery: c.qrEvery, FrameBurnIn: 2})
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range res.Exponents {
			if l == 0 || math.Abs(l-want) > tol {
				t.Errorf("T = %v τ: λ%d = %v, want ln 0.9/0.1 = %v", c.duration, i+1, l, want)
			}
		}
		if res.QRs != c.wantQRs {
			t.Errorf("T = %v τ: %d QR steps, want %d", c.duration, res.QRs, c.wantQRs)
		}
	}
}

// TestSpectrumSubcriticalExact compares the full spectrum of a random tanh
// network with g = 0.5 < 1 against its closed form. Below g = 1 the origin
// is the only attractor (Sompolinsky, Crisanti & Sommers 1988), so after
// the burn-in every Jacobian is M = (1−α)·I + α·W and
//
//	λₖ = ln|1 − α + α·μₖ|/α,   μₖ the eigenvalues of W.
//
// Test size and tolerances from the published reference values: N = 100,
// α = 0.1, a frame transient of 100 τ, 2000 τ of observation, λ_max within
// 2e-3 and the sum within 1e-6 relative. This takes about 10 s, so -short
// observes 200 τ with the same tolerances.
func TestSpectrumSubcriticalExact(t *testing.T) {
	t.Parallel()
	const (
		n, g, alpha    = 100, 0.5, 0.1
		lambdaMaxTol   = 2e-3
		sumRelativeTol = 1e-6
	)
	duration := 2000.0
	if testing.Short() {
		duration = 200
	}
	w := randomNetwork(t, n, g, 11)
	res, err := Spectrum(w, model.Tanh{}, alpha, Options{K: n, FrameBurnIn: 100, Duration: duration})
	if err != nil {
		t.Fatal(err)
	}

	var eig mat.Eigen
	if !eig.Factorize(mat.NewDense(n, n, w.W), mat.EigenNone) {
		t.Fatal("eigen decomposition of W failed")
	}
	want := make([]float64, n)
	for k, mu := range eig.Values(nil) {
		want[k] = math.Log(math.Hypot(1-alpha+alpha*real(mu), alpha*imag(mu))) / alpha
	}
	slices.Sort(want)
	slices.Reverse(want)

	if d := math.Abs(res.LambdaMax - want[0]); d > lambdaMaxTol {
		t.Errorf("λ_max = %.6f, want %.6f ± %g", res.LambdaMax, want[0], lambdaMaxTol)
	}
	if d := relDiff(sum(res.Exponents), sum(want)); d > sumRelativeTol {
		t.Errorf("Σλ = %.10f, want %.10f (relative difference %.3g > %g)", sum(res.Exponents), sum(want), d, sumRelativeTol)
	}
	worst := 0.0
	for k := range want {
		worst = math.Max(worst, math.Abs(res.Exponents[k]-want[k]))
	}
	t.Logf("λ_max = %.6f (closed form %.6f), Σλ = %.8f (%.8f), max |λₖ − closed form| = %.2g, %v",
		res.LambdaMax, want[0], sum(res.Exponents), sum(want), worst, res.Elapsed)
}

// TestSpectrumSumRule checks the identity Σᵢ λᵢ = Σₜ ln|det Mₜ|/(α·T) on a
// chaotic network (N = 50, g = 2, α = 0.1), which holds for any α because
// the QR diagonals multiply to the Jacobian determinants. The published
// reference values ask a full-spectrum run to satisfy it to 1e-9 relative.
func TestSpectrumSumRule(t *testing.T) {
	const (
		n, g, alpha = 50, 2, 0.1
		relTol      = 1e-9
	)
	w := randomNetwork(t, n, g, 2)
	res, err := Spectrum(w, model.Tanh{}, alpha, Options{K: n, Duration: 200, CheckSumRule: true})
	if err != nil {
		t.Fatal(err)
	}
	want := res.LogDetSum / (alpha * float64(res.Steps))
	got := sum(res.Exponents)
	if d := relDiff(got, want); !(d <= relTol) {
		t.Errorf("Σλ = %.12f, Σ ln|det M|/(α·T) = %.12f: relative difference %.3g > %g", got, want, d, relTol)
	}
	if res.LambdaMax <= 0 {
		t.Errorf("λ_max = %v, want > 0 for g = 2", res.LambdaMax)
	}
	t.Logf("Σλ = %.12f, LU sum rule %.12f, relative difference %.2g", got, want, relDiff(got, want))
}

// TestSpectrumFollowsSimulate checks that the trajectory behind the
// exponents is the network of package model, with bias and inputs read
// per step: the final state equals model.Simulate's after as many steps.
func TestSpectrumFollowsSimulate(t *testing.T) {
	// Both are float64 evaluations of the same recurrence. The products sum
	// in different orders, and chaos (λ_max ≈ 0.1 per τ over 10 τ) amplifies
	// the 1e-16 differences by a factor of a few at most.
	const tol = 1e-12
	const n, in, alpha = 20, 2, 0.1
	w := randomNetwork(t, n, 1.5, 4)
	w.I = in
	w.WIn = randomState(n*in, 1, 5)
	w.B = randomState(n, 0.2, 6)
	x0 := randomState(n, 1, 7)
	input := func(step int, u []float64) {
		u[0] = math.Sin(0.1 * float64(step))
		u[1] = float64(step%7) / 7
	}

	res, err := Spectrum(w, model.Tanh{}, alpha, Options{K: 3, X0: x0, Input: input, BurnIn: 5, FrameBurnIn: 2, Duration: 3})
	if err != nil {
		t.Fatal(err)
	}
	steps := res.BurnInSteps + res.FrameBurnInSteps + res.Steps
	if steps != 100 {
		t.Fatalf("ran %d steps, want 50 + 20 + 30 = 100", steps)
	}

	inputs := make([]float64, steps*in)
	for s := 0; s < steps; s++ {
		input(s, inputs[s*in:(s+1)*in])
	}
	ref := w.Clone()
	copy(ref.X0, x0)
	tr := model.Simulate(ref, model.Tanh{}, alpha, inputs, steps, 1, model.SimOptions{Record: true})
	last := tr.X[(steps-1)*n:]
	worst := 0.0
	for i := range last {
		worst = math.Max(worst, math.Abs(res.FinalState[i]-last[i]))
	}
	if worst > tol {
		t.Errorf("max |x_Spectrum − x_Simulate| = %.3g after %d steps, want ≤ %g", worst, steps, tol)
	}
}

func TestSpectrumDeterministic(t *testing.T) {
	w := randomNetwork(t, 30, 2, 1)
	opts := Options{K: 4, BurnIn: 10, Duration: 20, Seed: 9}
	a, err := Spectrum(w, model.Tanh{}, 0.1, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Spectrum(w, model.Tanh{}, 0.1, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Exponents, b.Exponents) {
		t.Errorf("two runs with seed 9 gave %v and %v", a.Exponents, b.Exponents)
	}
	opts.Seed = 10
	c, err := Spectrum(w, model.Tanh{}, 0.1, opts)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.FinalState, c.FinalState) {
		t.Errorf("seeds 9 and 10 gave the same final state, want different start states")
	}
}

func TestSpectrumSingularMap(t *testing.T) {
	// A discrete-time network with W = 0 and linear units maps every state
	// to 0, so M = 0 and every exponent is −Inf (closed form), not NaN.
	w := linearWeights(3, make([]float64, 9))
	res, err := Spectrum(w, identity{}, 1, Options{K: 3, Duration: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range res.Exponents {
		if !math.IsInf(l, -1) {
			t.Errorf("λ%d = %v, want −Inf", i+1, l)
		}
	}
	if res.KaplanYorke != 0 || res.EntropyRate != 0 {
		t.Errorf("D_KY = %v, entropy rate = %v, want 0 and 0", res.KaplanYorke, res.EntropyRate)
	}
}

func TestSpectrumDivergenceIsError(t *testing.T) {
	// Linear units with W = 1000·I at α = 1 multiply the state by 1000 per
	// step, which overflows float64 after about 103 steps.
	w := linearWeights(2, []float64{1000, 0, 0, 1000})
	_, err := Spectrum(w, identity{}, 1, Options{Duration: 200})
	if !errors.Is(err, ErrNotFinite) {
		t.Fatalf("error %v, want one wrapping ErrNotFinite", err)
	}
}

func TestSpectrumInvalidArguments(t *testing.T) {
	good := linearWeights(2, []float64{0.5, 0, 0, 0.5})
	nanW := linearWeights(2, []float64{0.5, math.NaN(), 0, 0.5})
	shortB := linearWeights(2, []float64{0.5, 0, 0, 0.5})
	shortB.B = shortB.B[:1]
	cases := []struct {
		name  string
		w     *model.Weights
		alpha float64
		opts  Options
		want  string // a fragment of the error message
	}{
		{"nil weights", nil, 0.1, Options{}, "weights are nil"},
		{"NaN weight", nanW, 0.1, Options{}, "W[1] is NaN"},
		{"short bias", shortB, 0.1, Options{}, "len(b) = 1"},
		{"α zero", good, 0, Options{}, "α = dt/τ is 0"},
		{"α NaN", good, math.NaN(), Options{}, "α = dt/τ is NaN"},
		{"α infinite", good, math.Inf(1), Options{}, "α = dt/τ is +Inf"},
		{"K negative", good, 0.1, Options{K: -1}, "K = -1"},
		{"K above N", good, 0.1, Options{K: 3}, "K = 3"},
		{"X0 length", good, 0.1, Options{X0: []float64{1}}, "X0 has length 1"},
		{"X0 NaN", good, 0.1, Options{X0: []float64{0, math.NaN()}}, "X0[1] is NaN"},
		{"negative duration", good, 0.1, Options{Duration: -1}, "Duration is -1"},
		{"negative QR interval", good, 0.1, Options{QREvery: -2}, "QREvery is -2"},
		{"NaN burn-in", good, 0.1, Options{BurnIn: math.NaN()}, "BurnIn is NaN"},
		{"too many steps", good, 1e-9, Options{Duration: 1e9}, "more than the limit"},
	}
	for _, c := range cases {
		_, err := Spectrum(c.w, identity{}, c.alpha, c.opts)
		if err == nil {
			t.Errorf("%s: no error, want one containing %q", c.name, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := Spectrum(good, nil, 0.1, Options{}); err == nil {
		t.Errorf("nil activation: no error")
	}
}

func TestSpectrumObserverAndTrace(t *testing.T) {
	// α = 0.1 and QREvery = 1 τ give a QR step every 10 steps: 2 progress
	// reports in the 20-step burn-in, 1 in the 10-step frame burn-in and 5
	// in the 50-step observation. The trace keeps every second QR step of
	// the observation and its last: steps 20, 40 and 50.
	w := randomNetwork(t, 10, 2, 3)
	var reports []Checkpoint
	observer := func(c Checkpoint) {
		c.Exponents = slices.Clone(c.Exponents)
		reports = append(reports, c)
	}
	res, err := Spectrum(w, model.Tanh{}, 0.1, Options{K: 3, BurnIn: 2, FrameBurnIn: 1, Duration: 5, Checkpoints: 3, Observer: observer})
	if err != nil {
		t.Fatal(err)
	}
	wantPhases := []Phase{PhaseBurnIn, PhaseBurnIn, PhaseFrameBurnIn, PhaseObserve, PhaseObserve, PhaseObserve, PhaseObserve, PhaseObserve}
	if len(reports) != len(wantPhases) {
		t.Fatalf("%d observer calls, want %d", len(reports), len(wantPhases))
	}
	for i, r := range reports {
		if r.Phase != wantPhases[i] {
			t.Errorf("call %d: phase %v, want %v", i, r.Phase, wantPhases[i])
		}
		if hasExponents := r.Exponents != nil; hasExponents != (r.Phase == PhaseObserve) {
			t.Errorf("call %d (%v): exponents %v", i, r.Phase, r.Exponents)
		}
	}
	last := reports[len(reports)-1]
	if last.Step != 50 || last.PhaseSteps != 50 || len(last.Exponents) != 3 {
		t.Errorf("last call: step %d of %d with %d exponents, want 50 of 50 with 3", last.Step, last.PhaseSteps, len(last.Exponents))
	}

	c := res.Convergence
	if want := []float64{2, 4, 5}; len(c.Time) != 3 || math.Abs(c.Time[0]-want[0]) > 1e-12 ||
		math.Abs(c.Time[1]-want[1]) > 1e-12 || math.Abs(c.Time[2]-want[2]) > 1e-12 {
		t.Errorf("trace times %v τ, want %v", c.Time, want)
	}
	if got := c.LambdaMax[len(c.LambdaMax)-1]; got != res.LambdaMax {
		t.Errorf("last traced λ_max = %v, result %v", got, res.LambdaMax)
	}
	if got := c.Sum[len(c.Sum)-1]; math.Abs(got-sum(res.Exponents)) > 1e-12 {
		t.Errorf("last traced Σλ = %v, result %v", got, sum(res.Exponents))
	}
	if got := slices.Max(last.Exponents); got != res.LambdaMax {
		t.Errorf("last observer λ_max = %v, result %v", got, res.LambdaMax)
	}
}

func TestKaplanYorke(t *testing.T) {
	// Closed form D_KY = j + (λ₁ + … + λ_j)/|λ_{j+1}|.
	cases := []struct {
		exps      []float64
		want      float64
		saturated bool
	}{
		{[]float64{-1, -2}, 0, false},
		{[]float64{1, -2}, 1.5, false},
		{[]float64{-2, 1}, 1.5, false},
		{[]float64{0.5, -0.2, -1}, 2.3, false},
		{[]float64{0, -1}, 1, false},
		{[]float64{1, 0.5}, 2, true},
		{[]float64{0.1, 0.1, 0.1, -0.1, -0.1, -0.2}, 5.5, false},
		{[]float64{1, math.Inf(-1)}, 1, false},
	}
	for i, c := range cases {
		got, saturated := KaplanYorke(c.exps)
		if math.Abs(got-c.want) > 1e-12 || saturated != c.saturated {
			t.Errorf("%d: KaplanYorke(%v) = %v, %v; want %v, %v", i, c.exps, got, saturated, c.want, c.saturated)
		}
	}
	if got, _ := KaplanYorke([]float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Errorf("KaplanYorke with NaN = %v, want NaN", got)
	}
}

func TestSpectrumLowerBoundFlags(t *testing.T) {
	// Linear units with W = diag(1.5, 1.2, 0.5) at α = 1 have exponents
	// ln 1.5, ln 1.2, ln 0.5 per step (closed form). With K = 2 both
	// computed exponents are positive, so the dimension and the entropy
	// rate are lower bounds, and with K = 3 they are exact.
	w := linearWeights(3, []float64{1.5, 0, 0, 0, 1.2, 0, 0, 0, 0.5})
	for _, c := range []struct {
		k       int
		atLeast bool
		ky      float64
		entropy float64
	}{
		{2, true, 2, math.Log(1.5) + math.Log(1.2)},
		{3, false, 2 + (math.Log(1.5)+math.Log(1.2))/math.Log(2), math.Log(1.5) + math.Log(1.2)},
	} {
		res, err := Spectrum(w, identity{}, 1, Options{K: c.k, BurnIn: -1, FrameBurnIn: 100, Duration: 100})
		if err != nil {
			t.Fatal(err)
		}
		if res.KaplanYorkeAtLeast != c.atLeast || res.EntropyAtLeast != c.atLeast {
			t.Errorf("K = %d: lower-bound flags %v, %v; want %v", c.k, res.KaplanYorkeAtLeast, res.EntropyAtLeast, c.atLeast)
		}
		if math.Abs(res.KaplanYorke-c.ky) > 1e-6 || math.Abs(res.EntropyRate-c.entropy) > 1e-6 {
			t.Errorf("K = %d: D_KY = %v, entropy rate = %v; want %v, %v", c.k, res.KaplanYorke, res.EntropyRate, c.ky, c.entropy)
		}
	}
}
