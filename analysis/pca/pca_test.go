package pca

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// axesData returns S = 6 samples in ℝ³ at m ± sₖ·qₖ for three orthonormal
// axes qₖ, so that the centred covariance with 1/(S−1) is exactly
// Σₖ (2/5)·sₖ²·qₖqₖᵀ. With sₖ = √(5·vₖ/2) the variance along qₖ is vₖ.
func axesData(axes [3][3]float64, variances [3]float64, mean [3]float64) []float64 {
	x := make([]float64, 0, 18)
	for k := range 3 {
		s := math.Sqrt(5 * variances[k] / 2)
		for _, sign := range []float64{1, -1} {
			for j := range 3 {
				x = append(x, mean[j]+sign*s*axes[k][j])
			}
		}
	}
	return x
}

// The axes (1, 2, 2)/3, (2, 1, −2)/3 and (2, −2, 1)/3 are orthonormal
// (closed form: every pairwise dot product is 0), and each has two entries
// of equal largest magnitude 2/3, so the tie-break of the sign rule decides
// every sign.
var knownAxes = [3][3]float64{
	{1.0 / 3, 2.0 / 3, 2.0 / 3},
	{2.0 / 3, 1.0 / 3, -2.0 / 3},
	{2.0 / 3, -2.0 / 3, 1.0 / 3},
}

func TestFitKnownVariances(t *testing.T) {
	t.Parallel()
	// Variances 1, 9, 4 along the three axes, the 9 axis stored with its
	// sign flipped. Expected values are the closed form of axesData.
	axes := knownAxes
	for j := range 3 {
		axes[1][j] = -axes[1][j]
	}
	x := axesData(axes, [3]float64{1, 9, 4}, [3]float64{10, -5, 3})
	p := mustFit(t, x, 3)

	got := p.Variances(nil)
	want := []float64{9, 4, 1}
	if d := maxAbsDiff(got, want); d > 1e-13 {
		t.Errorf("variances = %v; want %v (max diff %g)", got, want, d)
	}

	// Expected axes in the order 9, 4, 1, with the first entry of largest
	// magnitude positive: (2, 1, −2)/3 has ties at entries 0 and 2, so
	// entry 0 must be +2/3 whatever sign the data used.
	wantAxes := [][]float64{knownAxes[1][:], knownAxes[2][:], knownAxes[0][:]}
	for i, w := range wantAxes {
		e := p.Vector(nil, i)
		if d := maxAbsDiff(e, w); d > 1e-13 {
			t.Errorf("axis %d = %v; want %v (max diff %g)", i, e, w, d)
		}
	}

	ratio := p.ExplainedRatio(nil)
	if d := maxAbsDiff(ratio, []float64{9.0 / 14, 4.0 / 14, 1.0 / 14}); d > 1e-15 {
		t.Errorf("explained ratio = %v; want (9, 4, 1)/14", ratio)
	}
	if cum := p.Cumulative(nil); cum[2] != 1 {
		t.Errorf("cumulative R_N = %v; want exactly 1", cum[2])
	}
	for _, c := range []struct {
		fraction float64
		k        int
	}{{0.5, 1}, {9.0 / 14, 1}, {0.9, 2}, {13.0 / 14, 2}, {0.99, 3}, {1, 3}} {
		if k := p.KFor(c.fraction); k != c.k {
			t.Errorf("KFor(%g) = %d; want %d", c.fraction, k, c.k)
		}
	}
	if mean := p.MeanTo(nil); maxAbsDiff(mean, []float64{10, -5, 3}) > 1e-14 {
		t.Errorf("mean = %v; want (10, −5, 3)", mean)
	}
}

// untiedAxes are the orthonormal axes (2, 3, 6)/7, (3, −6, 2)/7 and
// (6, 2, −3)/7 (closed form: pairwise dot products 0, norms 1), each with a
// single entry of largest magnitude.
var untiedAxes = [3][3]float64{
	{2.0 / 7, 3.0 / 7, 6.0 / 7},
	{3.0 / 7, -6.0 / 7, 2.0 / 7},
	{6.0 / 7, 2.0 / 7, -3.0 / 7},
}

func TestFit32MatchesFit(t *testing.T) {
	t.Parallel()
	// Variances 1, 9, 4 along untiedAxes. Rounding the input to float32
	// moves each entry by at most 6e-8 relative, which moves the loadings by
	// about that much over the eigenvalue gaps of 3 and 5, far inside 1e-5.
	x := axesData(untiedAxes, [3]float64{1, 9, 4}, [3]float64{10, -5, 3})
	p64, p32 := fitBoth(t, x, 3)
	v64, v32 := p64.VectorsTo(nil, 3), p32.VectorsTo(nil, 3)
	if d := maxAbsDiff(v64, v32); d > 1e-5 {
		t.Errorf("float32 and float64 loadings differ by %g; want ≤ 1e-5", d)
	}
	wantAxes := [][]float64{{-3.0 / 7, 6.0 / 7, -2.0 / 7}, {6.0 / 7, 2.0 / 7, -3.0 / 7}, untiedAxes[0][:]}
	for i, w := range wantAxes {
		if d := maxAbsDiff(v64[i*3:(i+1)*3], w); d > 1e-13 {
			t.Errorf("axis %d = %v; want %v", i, v64[i*3:(i+1)*3], w)
		}
	}
	l64, l32 := p64.Variances(nil), p32.Variances(nil)
	for i := range l64 {
		if rel := math.Abs(l64[i]-l32[i]) / l64[i]; rel > 1e-5 {
			t.Errorf("variance %d: float32 %g, float64 %g (relative %g)", i, l32[i], l64[i], rel)
		}
	}
}

func TestFit32TiedEntries(t *testing.T) {
	t.Parallel()
	// knownAxes have exact ties of largest magnitude. Rounding the input to
	// float32 perturbs the loadings by about 1e-8 relative, more than
	// SignTieTolerance, so the float32 fit may resolve a tie differently and
	// flip that axis. The magnitudes must still agree to 1e-5.
	x := axesData(knownAxes, [3]float64{1, 9, 4}, [3]float64{10, -5, 3})
	p64, p32 := fitBoth(t, x, 3)
	v64, v32 := p64.VectorsTo(nil, 3), p32.VectorsTo(nil, 3)
	flipped := 0
	for i := range 3 {
		same := maxAbsDiff(v64[i*3:(i+1)*3], v32[i*3:(i+1)*3])
		opposite := 0.0
		for j := range 3 {
			opposite = max(opposite, math.Abs(v64[i*3+j]+v32[i*3+j]))
		}
		if min(same, opposite) > 1e-5 {
			t.Errorf("axis %d: float32 %v and float64 %v differ by more than a sign", i, v32[i*3:(i+1)*3], v64[i*3:(i+1)*3])
		}
		if opposite < same {
			flipped++
		}
	}
	t.Logf("axes with a tie that float32 rounding resolved the other way: %d of 3", flipped)
}

// fitBoth fits x in float64 and its float32 rounding through Fit32.
func fitBoth(t *testing.T, x []float64, n int) (p64, p32 *PCA) {
	t.Helper()
	x32 := make([]float32, len(x))
	for k, v := range x {
		x32[k] = float32(v)
	}
	p64 = mustFit(t, x, n)
	p32 = new(PCA)
	if err := p32.Fit32(x32, n); err != nil {
		t.Fatal(err)
	}
	return p64, p32
}

// trajectory returns a smooth T×N trajectory: three sinusoids along random
// directions, an offset, and small noise, all from a fixed seed.
func trajectory(steps, n int, offset uint64) []float64 {
	rng := newRand(offset)
	x := make([]float64, steps*n)
	for mode := range 3 {
		dir := make([]float64, n)
		for j := range dir {
			dir[j] = rng.NormFloat64()
		}
		amp := 3.0 / float64(mode+1)
		freq := 0.05 * float64(mode+1)
		phase := rng.Float64() * 2 * math.Pi
		for t := range steps {
			s := amp * math.Sin(freq*float64(t)+phase)
			for j := range n {
				x[t*n+j] += s * dir[j]
			}
		}
	}
	for k := range x {
		x[k] += 2 + 0.1*rng.NormFloat64()
	}
	return x
}

func TestSignRuleAcrossPaths(t *testing.T) {
	t.Parallel()
	// A reported bug in scikit-learn and cuML (case B13): PC signs differed
	// between fit-then-transform, fit_transform and runs. Here every path
	// must give the same loadings and scores under the sign rule: bitwise for
	// a repeated fit, to rounding for a row-shuffled fit, and to 1e-5
	// relative between float32 and float64 input.
	const steps, n = 100, 5
	x := trajectory(steps, n, 13)
	ref := mustFit(t, x, n)
	refAxes := ref.VectorsTo(nil, n)
	refScores := ref.Project(nil, x, n)
	scale := maxAbs(refScores)

	for i := range n {
		if !signRuleHolds(refAxes[i*n : (i+1)*n]) {
			t.Errorf("axis %d = %v breaks the sign rule", i, refAxes[i*n:(i+1)*n])
		}
	}

	again := mustFit(t, slices.Clone(x), n)
	if d := maxAbsDiff(again.VectorsTo(nil, n), refAxes); d != 0 {
		t.Errorf("repeated fit: loadings differ by %g; want bitwise equal", d)
	}

	perm := newRand(14).Perm(steps)
	shuffled := make([]float64, len(x))
	for r, src := range perm {
		copy(shuffled[r*n:(r+1)*n], x[src*n:(src+1)*n])
	}
	// Reordering the rows changes only the summation order of C, an error
	// of about ε·λ₁, which moves the loadings by up to ε·λ₁/gap with gap the
	// smallest distance between eigenvalues (about 1.5e-3 against λ₁ ≈ 18
	// here). The factor 100 covers the growth inside the solver.
	values := ref.Variances(nil)
	gap := math.Inf(1)
	for i := 1; i < n; i++ {
		gap = min(gap, values[i-1]-values[i])
	}
	shuffleTol := 100 * 0x1p-52 * values[0] / gap
	sh := mustFit(t, shuffled, n)
	t.Logf("row-shuffled fit: max loading diff %.3g, max score diff %.3g (score scale %.3g)",
		maxAbsDiff(sh.VectorsTo(nil, n), refAxes), maxAbsDiff(sh.Project(nil, x, n), refScores), scale)
	if d := maxAbsDiff(sh.VectorsTo(nil, n), refAxes); d > shuffleTol {
		t.Errorf("row-shuffled fit: loadings differ by %g; want ≤ %g", d, shuffleTol)
	}
	if d := maxAbsDiff(sh.Project(nil, x, n), refScores); d > shuffleTol*scale {
		t.Errorf("row-shuffled fit: scores differ by %g; want ≤ %g", d, shuffleTol*scale)
	}
	// Scores of the shuffled rows are the shuffled scores.
	shScores := sh.Project(nil, shuffled, n)
	for r, src := range perm {
		if d := maxAbsDiff(shScores[r*n:(r+1)*n], refScores[src*n:(src+1)*n]); d > shuffleTol*scale {
			t.Errorf("row-shuffled scores, row %d: differ by %g from row %d of the reference", r, d, src)
			break
		}
	}

	x32 := make([]float32, len(x))
	x32as64 := make([]float64, len(x))
	for k, v := range x {
		x32[k] = float32(v)
		x32as64[k] = float64(x32[k])
	}
	var p32 PCA
	if err := p32.Fit32(x32, n); err != nil {
		t.Fatal(err)
	}
	// The two smallest variances come from the 0.1 noise and lie closest
	// together, so they bound the loading error.
	t.Logf("float32 fit: max loading diff %.3g, max score diff %.3g",
		maxAbsDiff(p32.VectorsTo(nil, n), refAxes), maxAbsDiff(p32.Project(nil, x32as64, n), refScores))
	if d := maxAbsDiff(p32.VectorsTo(nil, n), refAxes); d > 1e-5 {
		t.Errorf("float32 fit: loadings differ by %g; want ≤ 1e-5", d)
	}
	if d := maxAbsDiff(p32.Project(nil, x32as64, n), refScores); d > 1e-5*scale {
		t.Errorf("float32 fit: scores differ by %g; want ≤ %g (1e-5 relative)", d, 1e-5*scale)
	}
}

func TestParticipationRatioB15(t *testing.T) {
	t.Parallel()
	// A reported bug in scikit-dimension (case B15): PR was computed on
	// centred and uncentred data inconsistently and rounded to an integer.
	// Closed form: the centred points (±1, 0), (0, ±1) have covariance
	// (2/3)·I, so PR = 2. Uncentred, XᵀX = diag(40002, 2), so
	// PR = 40004²/(40002² + 2²) = 200040002/200020001 = 1.000099995…,
	// which is 1.0001 to four decimals.
	x := []float64{101, 0, 99, 0, 100, 1, 100, -1}
	p := mustFit(t, x, 2)
	if pr := p.ParticipationRatio(); pr != 2 {
		t.Errorf("centred PR from the fit = %.17g; want exactly 2", pr)
	}
	pr, err := CentredParticipationRatio(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	if pr != 2 {
		t.Errorf("CentredParticipationRatio = %.17g; want exactly 2", pr)
	}

	un, err := UncentredParticipationRatio(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := 200040002.0 / 200020001.0
	if math.Abs(un-want) > 1e-15 {
		t.Errorf("uncentred PR = %.17g; want %.17g", un, want)
	}
	if r := math.Round(un*1e4) / 1e4; r != 1.0001 {
		t.Errorf("uncentred PR rounds to %g at 4 decimals; want 1.0001", r)
	}
}

func TestParticipationRatioExact(t *testing.T) {
	t.Parallel()
	// Closed forms: (1 + 0.5)²/(1 + 0.25) = 1.8. N equal values give N, and
	// k equal values with zeros give k.
	cases := []struct {
		name   string
		values []float64
		want   float64
	}{
		{"eigenvalues 1 and 0.5", []float64{1, 0.5}, 1.8},
		{"isotropic N=7", []float64{2, 2, 2, 2, 2, 2, 2}, 7},
		{"3 equal of 5", []float64{0.3, 0.3, 0.3, 0, 0}, 3},
		{"single", []float64{4}, 1},
	}
	for _, c := range cases {
		pr, ok := ParticipationRatio(c.values)
		if !ok {
			t.Errorf("%s: ok = false", c.name)
			continue
		}
		if math.Abs(pr-c.want) > 1e-14*c.want {
			t.Errorf("%s: PR = %.17g; want %g", c.name, pr, c.want)
		}
	}
	if pr, _ := ParticipationRatio([]float64{1, 0.5}); pr != 1.8 {
		t.Errorf("PR(1, 0.5) = %.17g; want 1.8 exactly (unrounded, not 2)", pr)
	}
	if pr, ok := ParticipationRatio([]float64{0, 0}); ok || pr != 0 {
		t.Errorf("PR of zeros = %g, ok = %v; want 0, false", pr, ok)
	}
}

func TestParticipationRatioIsotropicData(t *testing.T) {
	t.Parallel()
	// Points ±e_j for every unit have covariance (2/(2N−1))·I, so PR = N
	// (closed form) through the fit and through the trace formula.
	for _, n := range []int{1, 2, 5, 12} {
		x := make([]float64, 2*n*n)
		for j := range n {
			x[(2*j)*n+j] = 1
			x[(2*j+1)*n+j] = -1
		}
		p := mustFit(t, x, n)
		if pr := p.ParticipationRatio(); math.Abs(pr-float64(n)) > 1e-12*float64(n) {
			t.Errorf("N=%d: PR from the fit = %.17g; want %d", n, pr, n)
		}
		pr, err := CentredParticipationRatio(x, n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(pr-float64(n)) > 1e-12*float64(n) {
			t.Errorf("N=%d: CentredParticipationRatio = %.17g; want %d", n, pr, n)
		}
	}
}

func TestZeroVariance(t *testing.T) {
	t.Parallel()
	// Rows all equal to (0.1, −3): the mean 0.1 is not the rounded 0.3/3,
	// yet the covariance must come out exactly zero and be reported.
	x := []float64{0.1, -3, 0.1, -3, 0.1, -3}
	var p PCA
	err := p.Fit(x, 2)
	if !errors.Is(err, ErrZeroVariance) {
		t.Fatalf("Fit of constant rows: err = %v; want ErrZeroVariance", err)
	}
	if _, err := CentredParticipationRatio(x, 2); !errors.Is(err, ErrZeroVariance) {
		t.Errorf("CentredParticipationRatio of constant rows: err = %v; want ErrZeroVariance", err)
	}
	if _, err := UncentredParticipationRatio(make([]float64, 6), 2); !errors.Is(err, ErrZeroVariance) {
		t.Errorf("UncentredParticipationRatio of zeros: err = %v; want ErrZeroVariance", err)
	}
	if pr, err := UncentredParticipationRatio(x, 2); err != nil || math.Abs(pr-1) > 1e-15 {
		t.Errorf("UncentredParticipationRatio of constant rows = %g, %v; want 1 (rank one)", pr, err)
	}

	// One constant unit next to a varying one: the constant one has exactly
	// zero variance and PR = 1.
	y := []float64{0.1, 1, 0.1, 2, 0.1, 4}
	q := mustFit(t, y, 2)
	if v := q.Variances(nil); v[1] != 0 {
		t.Errorf("variance of the constant direction = %g; want exactly 0", v[1])
	}
	if pr := q.ParticipationRatio(); pr != 1 {
		t.Errorf("PR with one constant unit = %.17g; want 1", pr)
	}
	if k := q.Significant(); k != 1 {
		t.Errorf("Significant = %d; want 1", k)
	}
}

func TestFitRejectsBadData(t *testing.T) {
	t.Parallel()
	var p PCA
	if err := p.Fit([]float64{1, 2}, 2); err == nil {
		t.Error("Fit of one sample: err = nil; want an error")
	}
	if err := p.Fit([]float64{1, 2, math.NaN(), 4}, 2); err == nil {
		t.Error("Fit with NaN: err = nil; want an error")
	}
	if err := p.Fit([]float64{1, 2, math.Inf(1), 4}, 2); err == nil {
		t.Error("Fit with +Inf: err = nil; want an error")
	}
	defer func() {
		if recover() == nil {
			t.Error("query of a PCA after a failed fit did not panic")
		}
	}()
	p.Variances(nil)
}

func TestCorrectedParticipationRatioWhiteNoise(t *testing.T) {
	t.Parallel()
	// VALUES.md, "Dimension and memory": the sample covariance of T
	// white-noise samples biases PR to ≈ N·T/(T+N+1). With the expectations
	// of ParticipationRatioCorrected's derivation and n = S−1 degrees of
	// freedom the ratio of expectations is (n·N + 2)/(n + N + 1) = 16.52 for
	// N = 20, S = 100. The corrected estimator should average N = 20.
	// Tolerance: over six seeds the standard deviation of one estimate was
	// 0.26–0.29 (sample) and 0.38–0.42 (corrected), so the mean of 400 runs
	// has a standard error near 0.02, and 0.15 is about seven of them.
	const n, samples, runs = 20, 100, 400
	rng := newRand(77)
	x := make([]float64, samples*n)
	sumPlain, sumCorr := 0.0, 0.0
	for range runs {
		for k := range x {
			x[k] = rng.NormFloat64()
		}
		p := mustFit(t, x, n)
		sumPlain += p.ParticipationRatio()
		corr, ok := p.ParticipationRatioCorrected()
		if !ok {
			t.Fatal("corrected PR: ok = false for white noise")
		}
		sumCorr += corr
	}
	meanPlain, meanCorr := sumPlain/runs, sumCorr/runs
	dof := float64(samples - 1)
	biased := (dof*n + 2) / (dof + n + 1)
	t.Logf("white noise N=%d, S=%d, %d runs: mean sample PR %.3f (predicted %.3f), mean corrected PR %.3f (true %d)",
		n, samples, runs, meanPlain, biased, meanCorr, n)
	if math.Abs(meanPlain-biased) > 0.15 {
		t.Errorf("mean sample PR = %.3f; want %.3f ± 0.15 (seed %d)", meanPlain, biased, *seed)
	}
	if math.Abs(meanCorr-n) > 0.15 {
		t.Errorf("mean corrected PR = %.3f; want %d ± 0.15 (seed %d)", meanCorr, n, *seed)
	}
}

func TestCorrectedParticipationRatioGraded(t *testing.T) {
	t.Parallel()
	// Population variances 1, 2, …, 10 (closed form PR = 55²/385 = 7.857),
	// S = 30 samples. The sample PR is biased low by more than 1. The
	// corrected estimator is a ratio of unbiased estimates and keeps an
	// O(1/n) bias: over six seeds of 400 runs its mean was 7.91–8.01, about
	// +0.09, with a standard deviation of one estimate of 0.65–0.73
	// (standard error of the mean 0.035). The tolerance 0.25 is that bias
	// plus about four standard errors.
	const n, samples, runs = 10, 30, 400
	truth := 55.0 * 55.0 / 385.0
	rng := newRand(78)
	x := make([]float64, samples*n)
	sumPlain, sumCorr := 0.0, 0.0
	for range runs {
		for r := range samples {
			for j := range n {
				x[r*n+j] = math.Sqrt(float64(j+1)) * rng.NormFloat64()
			}
		}
		p := mustFit(t, x, n)
		sumPlain += p.ParticipationRatio()
		corr, ok := p.ParticipationRatioCorrected()
		if !ok {
			t.Fatal("corrected PR: ok = false")
		}
		sumCorr += corr
	}
	meanPlain, meanCorr := sumPlain/runs, sumCorr/runs
	t.Logf("variances 1…10, S=%d, %d runs: mean sample PR %.3f, mean corrected PR %.3f, true %.3f",
		samples, runs, meanPlain, meanCorr, truth)
	if truth-meanPlain < 1 {
		t.Errorf("mean sample PR = %.3f; want biased low by more than 1 against %.3f", meanPlain, truth)
	}
	if math.Abs(meanCorr-truth) > 0.25 {
		t.Errorf("mean corrected PR = %.3f; want %.3f ± 0.25 (seed %d)", meanCorr, truth, *seed)
	}
}

func TestCorrectedParticipationRatioUndefined(t *testing.T) {
	t.Parallel()
	if _, ok := ParticipationRatioCorrected([]float64{1, 2}, 1); ok {
		t.Error("dof = 1: ok = true; want false")
	}
	// Two equal eigenvalues with dof = 2: b − a²/n = 2 − 4/2 = 0, so B̂ = 0.
	if pr, ok := ParticipationRatioCorrected([]float64{1, 1}, 2); ok || pr != 0 {
		t.Errorf("B̂ = 0: PR = %g, ok = %v; want 0, false", pr, ok)
	}
}

func TestFitRandomInvariants(t *testing.T) {
	t.Parallel()
	// Invariants of any symmetric eigendecomposition: orthonormal axes,
	// C·eᵢ = λᵢ·eᵢ, descending non-negative eigenvalues, Σλ = tr C, exact
	// reconstruction with k = N, scores with mean 0 and covariance Λ. The
	// tolerances scale with N because each entry of C·e sums N products.
	for _, n := range randomSizes {
		for _, samples := range []int{2*n + 5, max(2, n/2)} {
			rng := newRand(uint64(1000*n + samples))
			mix := make([]float64, n*n)
			for k := range mix {
				mix[k] = rng.NormFloat64()
			}
			x := make([]float64, samples*n)
			for r := range samples {
				z := make([]float64, n)
				for j := range z {
					z[j] = rng.NormFloat64()
				}
				for i := range n {
					v := 1.5
					for j := range n {
						v += mix[i*n+j] * z[j]
					}
					x[r*n+i] = v
				}
			}
			checkInvariants(t, x, n, samples)
		}
	}
}

func checkInvariants(t *testing.T, x []float64, n, samples int) {
	t.Helper()
	p := mustFit(t, x, n)
	values := p.Variances(nil)
	axes := p.VectorsTo(nil, n)
	cov := covarianceOf(x, n)
	scale := max(values[0], 1e-300)
	tol := 1e-13 * float64(n+1)

	for i := 1; i < n; i++ {
		if values[i] > values[i-1] || values[i] < 0 {
			t.Errorf("N=%d S=%d: eigenvalues not descending and non-negative: %v (seed %d)", n, samples, values, *seed)
			break
		}
	}
	trace := 0.0
	for i := range n {
		trace += cov[i*n+i]
	}
	if d := math.Abs(p.TotalVariance() - trace); d > tol*trace {
		t.Errorf("N=%d S=%d: Σλ = %g, tr C = %g (seed %d)", n, samples, p.TotalVariance(), trace, *seed)
	}

	for i := range n {
		ei := axes[i*n : (i+1)*n]
		if i < p.Significant() && !signRuleHolds(ei) {
			t.Errorf("N=%d S=%d: axis %d breaks the sign rule (seed %d)", n, samples, i, *seed)
		}
		for j := range n {
			dot := 0.0
			for k := range n {
				dot += ei[k] * axes[j*n+k]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(dot-want) > tol {
				t.Errorf("N=%d S=%d: eᵢ·eⱼ = %g for i=%d j=%d; want %g (seed %d)", n, samples, dot, i, j, want, *seed)
			}
		}
		for r := range n {
			ce := 0.0
			for k := range n {
				ce += cov[r*n+k] * ei[k]
			}
			if math.Abs(ce-values[i]*ei[r]) > tol*scale {
				t.Errorf("N=%d S=%d: (C·e%d)[%d] = %g; want λ·e = %g (seed %d)", n, samples, i, r, ce, values[i]*ei[r], *seed)
				break
			}
		}
	}

	scores := p.Project(nil, x, n)
	back := p.Reconstruct(nil, scores, n)
	if d := maxAbsDiff(back, x); d > tol*max(maxAbs(x), 1) {
		t.Errorf("N=%d S=%d: reconstruction error %g (seed %d)", n, samples, d, *seed)
	}
	scoreCov := covarianceOf(scores, n)
	for i := range n {
		for j := range n {
			want := 0.0
			if i == j {
				want = values[i]
			}
			if math.Abs(scoreCov[i*n+j]-want) > tol*scale {
				t.Errorf("N=%d S=%d: score covariance [%d,%d] = %g; want %g (seed %d)", n, samples, i, j, scoreCov[i*n+j], want, *seed)
			}
		}
	}

	if samples <= n {
		// At most S−1 directions carry variance.
		if k := p.Significant(); k > samples-1 {
			t.Errorf("N=%d S=%d: Significant = %d; want ≤ S−1 = %d (seed %d)", n, samples, k, samples-1, *seed)
		}
	}
}
