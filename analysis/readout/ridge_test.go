package readout

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestRidgeInterceptNotPenalised(t *testing.T) {
	t.Parallel()
	// A reported bug in polars_ols and torchgeo-bench (case B34): the ridge
	// penalty also shrank the intercept. Data: y = 50 + 2x + N(0, 1),
	// n = 200, x ~ N(0, 1), λ = 100. Closed form for one input with an
	// unpenalised intercept: w = Sxy/(Sxx + λ), b = ȳ − w·x̄, with the
	// centred sums Sxx = Σ(x − x̄)², Sxy = Σ(x − x̄)(y − ȳ).
	const samples, lambda = 200, 100.0
	rng := newRand(34)
	x := make([]float64, samples)
	y := make([]float64, samples)
	for i := range x {
		x[i] = rng.NormFloat64()
		y[i] = 50 + 2*x[i] + rng.NormFloat64()
	}
	xMean, yMean := mean(x), mean(y)
	sxx, sxy := 0.0, 0.0
	for i := range x {
		sxx += (x[i] - xMean) * (x[i] - xMean)
		sxy += (x[i] - xMean) * (y[i] - yMean)
	}
	wantSlope := sxy / (sxx + lambda)
	wantIntercept := yMean - wantSlope*xMean

	var r Ridge
	if err := r.Fit(x, 1, y, 1, lambda); err != nil {
		t.Fatal(err)
	}
	t.Logf("Sxx = %.6f; slope %.10f (closed form %.10f, 2·Sxx/(Sxx+λ) = %.6f); intercept %.10f (closed form %.10f)",
		sxx, r.W[0], wantSlope, 2*sxx/(sxx+lambda), r.B[0], wantIntercept)
	if math.Abs(r.W[0]-wantSlope) > 1e-10 {
		t.Errorf("slope = %.15g; want Sxy/(Sxx + λ) = %.15g", r.W[0], wantSlope)
	}
	if math.Abs(r.B[0]-wantIntercept) > 1e-10 {
		t.Errorf("intercept = %.15g; want ȳ − w·x̄ = %.15g", r.B[0], wantIntercept)
	}
	// Sxy = 2·Sxx + Σ(x − x̄)ε, and the noise term has standard deviation
	// √Sxx ≈ 15, which moves the slope by about 15/330 ≈ 0.05, so 0.2 is
	// four of those.
	if approx := 2 * sxx / (sxx + lambda); math.Abs(r.W[0]-approx) > 0.2 {
		t.Errorf("slope = %g; want 2·Sxx/(Sxx + λ) = %g ± 0.2", r.W[0], approx)
	}
	if math.Abs(r.B[0]-50) > 0.2 {
		t.Errorf("intercept = %g; want 50 ± 0.2", r.B[0])
	}
	if r.Lambda != lambda {
		t.Errorf("Lambda = %g; want %g", r.Lambda, lambda)
	}

	// The faulty form: a column of ones penalised with the slope pulls the
	// intercept towards 0 (about 50·200/(200 + 100) ≈ 33 here).
	xOnes := make([]float64, 2*samples)
	for i := range x {
		xOnes[2*i], xOnes[2*i+1] = x[i], 1
	}
	var penalised Ridge
	if err := penalised.FitThroughOrigin(xOnes, 2, y, 1, lambda); err != nil {
		t.Fatal(err)
	}
	t.Logf("penalised column of ones: intercept %.4f", penalised.W[1])
	if penalised.W[1] > 40 {
		t.Errorf("penalised intercept = %g; want well below 50 (about 33)", penalised.W[1])
	}
}

func TestRidgeOffsetsPassToIntercept(t *testing.T) {
	t.Parallel()
	// Because b is unpenalised, adding c to every target changes b by c and
	// leaves W unchanged, for any λ (closed form of the centred solution).
	const n, o, samples = 4, 2, 30
	rng := newRand(35)
	x := make([]float64, samples*n)
	y := make([]float64, samples*o)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	shifted := make([]float64, len(y))
	for i, v := range y {
		shifted[i] = v + 1000
	}
	for _, lambda := range []float64{0, 0.1, 10, 1e4} {
		var a, b Ridge
		if err := a.Fit(x, n, y, o, lambda); err != nil {
			t.Fatal(err)
		}
		if err := b.Fit(x, n, shifted, o, lambda); err != nil {
			t.Fatal(err)
		}
		for i := range a.W {
			if math.Abs(a.W[i]-b.W[i]) > 1e-12 {
				t.Errorf("λ = %g: W[%d] changed from %g to %g by a target offset", lambda, i, a.W[i], b.W[i])
			}
		}
		for out := range o {
			if d := b.B[out] - a.B[out] - 1000; math.Abs(d) > 1e-9 {
				t.Errorf("λ = %g: intercept %d moved by %g; want 1000", lambda, out, b.B[out]-a.B[out])
			}
		}
	}
}

func TestRidgeExactLinearData(t *testing.T) {
	t.Parallel()
	// y = W·x + b exactly, with W and b drawn at random: λ = 0 recovers them
	// to rounding, and each output equals a single-output fit.
	const n, o, samples = 3, 2, 20
	rng := newRand(36)
	w := []float64{1, -2, 0.5, 3, 0, -1}
	b := []float64{7, -4}
	x := make([]float64, samples*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]float64, samples*o)
	for s := range samples {
		for out := range o {
			y[s*o+out] = b[out] + dot(w[out*n:(out+1)*n], x[s*n:(s+1)*n])
		}
	}
	var r Ridge
	if err := r.Fit(x, n, y, o, 0); err != nil {
		t.Fatal(err)
	}
	for i := range w {
		if math.Abs(r.W[i]-w[i]) > 1e-12 {
			t.Errorf("W[%d] = %.15g; want %g", i, r.W[i], w[i])
		}
	}
	for out := range o {
		if math.Abs(r.B[out]-b[out]) > 1e-12 {
			t.Errorf("b[%d] = %.15g; want %g", out, r.B[out], b[out])
		}
	}
	if mse := r.MSE(x, y); mse > 1e-24 {
		t.Errorf("training MSE = %g; want 0 to rounding", mse)
	}

	// Multiple outputs are independent problems with the same λ.
	var many Ridge
	if err := many.Fit(x, n, y, o, 2.5); err != nil {
		t.Fatal(err)
	}
	for out := range o {
		single := make([]float64, samples)
		for s := range samples {
			single[s] = y[s*o+out]
		}
		var alone Ridge
		if err := alone.Fit(x, n, single, 1, 2.5); err != nil {
			t.Fatal(err)
		}
		for j := range n {
			if math.Abs(alone.W[j]-many.W[out*n+j]) > 1e-14 {
				t.Errorf("output %d: W[%d] = %g with O = 2, %g alone", out, j, many.W[out*n+j], alone.W[j])
			}
		}
	}
}

func TestRidgeRejectsSingular(t *testing.T) {
	t.Parallel()
	// Three samples of five inputs cannot determine five weights without a
	// penalty, and a constant input has no variance after centring.
	rng := newRand(37)
	x := make([]float64, 3*5)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := []float64{1, 2, 3}
	var r Ridge
	if err := r.Fit(x, 5, y, 1, 0); err == nil {
		t.Error("λ = 0 with 3 samples of 5 inputs: err = nil; want an error")
	}
	if err := r.Fit(x, 5, y, 1, 1); err != nil {
		t.Errorf("λ = 1 with 3 samples of 5 inputs: %v; want a solution", err)
	}
	if err := r.Fit([]float64{1, 2, math.NaN()}, 1, y, 1, 1); err == nil {
		t.Error("NaN input: err = nil; want an error")
	}
}

func TestRidgeNormalEquationsRandom(t *testing.T) {
	t.Parallel()
	// The gradient of the objective vanishes at the solution:
	// Xcᵀ·(Yc − Xc·Wᵀ) = λ·Wᵀ, and b = ȳ − W·x̄. Checked over the awkward
	// sizes with a tolerance scaled by the size of Xcᵀ·Yc.
	for _, n := range randomSizes {
		const o = 2
		samples := n + 7
		rng := newRand(uint64(100 + n))
		x := make([]float64, samples*n)
		y := make([]float64, samples*o)
		for i := range x {
			x[i] = 3 + rng.NormFloat64()
		}
		for i := range y {
			y[i] = -1 + rng.NormFloat64()
		}
		lambda := 0.7
		var r Ridge
		if err := r.Fit(x, n, y, o, lambda); err != nil {
			t.Fatal(err)
		}
		xm, ym := make([]float64, n), make([]float64, o)
		columnMeans(xm, x, n)
		columnMeans(ym, y, o)
		scale := 0.0
		for out := range o {
			for j := range n {
				g, size := 0.0, 0.0
				for s := range samples {
					xc := x[s*n+j] - xm[j]
					res := y[s*o+out] - ym[out]
					for k := range n {
						res -= r.W[out*n+k] * (x[s*n+k] - xm[k])
					}
					g += xc * res
					size += math.Abs(xc * (y[s*o+out] - ym[out]))
				}
				scale = max(scale, size)
				if d := g - lambda*r.W[out*n+j]; math.Abs(d) > 1e-13*float64(samples)*max(size, 1) {
					t.Errorf("N=%d: gradient [%d,%d] = %g; want 0 (seed %d)", n, out, j, d, *seed)
				}
			}
			if d := r.B[out] - (ym[out] - dot(r.W[out*n:(out+1)*n], xm)); math.Abs(d) > 1e-13 {
				t.Errorf("N=%d: b[%d] − (ȳ − W·x̄) = %g (seed %d)", n, out, d, *seed)
			}
		}
	}
}

func TestSelectRidge(t *testing.T) {
	t.Parallel()
	// Many inputs, few samples, a target that uses only two of them: the
	// unpenalised fit overfits, so the held-out MSE picks an interior λ.
	const n, o, trainS, valS = 30, 1, 40, 200
	rng := newRand(38)
	gen := func(samples int) Dataset {
		d := Dataset{X: make([]float64, samples*n), Y: make([]float64, samples*o)}
		for s := range samples {
			for j := range n {
				d.X[s*n+j] = rng.NormFloat64()
			}
			d.Y[s] = 5 + d.X[s*n] - d.X[s*n+1] + 2*rng.NormFloat64()
		}
		return d
	}
	train, val := gen(trainS), gen(valS)
	grid := LogGrid(1e-4, 1e4, 9)
	best, v, err := SelectRidge(train, val, n, o, grid)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("λ grid %v, validation MSE %v, chosen λ = %g", v.Lambdas, v.MSE, best.Lambda)
	for i, m := range v.MSE {
		if m < v.MSE[v.Best] {
			t.Errorf("MSE[%d] = %g is below the chosen MSE[%d] = %g", i, m, v.Best, v.MSE[v.Best])
		}
	}
	if best.Lambda != grid[v.Best] {
		t.Errorf("returned readout has λ = %g; want the chosen %g", best.Lambda, grid[v.Best])
	}
	if v.Best == 0 || v.Best == len(grid)-1 {
		t.Errorf("chosen λ = %g at the edge of the grid; want an interior value", best.Lambda)
	}
	var direct Ridge
	if err := direct.Fit(train.X, n, train.Y, o, best.Lambda); err != nil {
		t.Fatal(err)
	}
	for j := range direct.W {
		if math.Abs(direct.W[j]-best.W[j]) > 1e-14 {
			t.Errorf("W[%d] = %g from SelectRidge, %g from Fit with the same λ", j, best.W[j], direct.W[j])
		}
	}

	// λ = 0 is singular with 40 samples of 50 inputs. Its failure is
	// recorded, and the other candidates still compete.
	const wide = 50
	xw := make([]float64, trainS*wide)
	for i := range xw {
		xw[i] = rng.NormFloat64()
	}
	vw := make([]float64, 10*wide)
	for i := range vw {
		vw[i] = rng.NormFloat64()
	}
	_, v2, err := SelectRidge(Dataset{X: xw, Y: train.Y}, Dataset{X: vw, Y: val.Y[:10]}, wide, 1, []float64{0, 1, 10})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Errors[0] == nil || !math.IsInf(v2.MSE[0], 1) || v2.Best == 0 {
		t.Errorf("λ = 0 on a singular problem: error %v, MSE %g, best %d; want an error, +Inf, not chosen", v2.Errors[0], v2.MSE[0], v2.Best)
	}
}

func TestLogGrid(t *testing.T) {
	t.Parallel()
	g := LogGrid(1e-6, 1e2, 9)
	want := []float64{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100}
	for i, v := range g {
		if v != want[i] {
			t.Errorf("grid[%d] = %.17g; want exactly %g", i, v, want[i])
		}
	}
	third := LogGrid(1, 8, 4) // closed form 1, 2, 4, 8
	for i, v := range third {
		if w := math.Exp2(float64(i)); math.Abs(v-w) > 1e-15*w {
			t.Errorf("LogGrid(1, 8, 4)[%d] = %.17g; want %g", i, v, w)
		}
	}
	if g[0] != 1e-6 || g[8] != 1e2 {
		t.Errorf("end points %g, %g; want exactly 1e-6, 1e2", g[0], g[8])
	}
	if one := LogGrid(3, 3, 1); len(one) != 1 || one[0] != 3 {
		t.Errorf("LogGrid(3, 3, 1) = %v; want [3]", one)
	}
}

func TestRLSEqualsBatchRidge(t *testing.T) {
	t.Parallel()
	// A reported bug in ResDAG and reservoirpy (case B35): RLS started from
	// W = 0, P(0) = I/λ with forgetting factor 1 must equal the batch ridge
	// solution without intercept, (XᵀX + λI)⁻¹·Xᵀy. N = 20 features,
	// T = 500 samples, linear target plus noise, λ = 1, float64: to 1e-8.
	const n, steps, lambda = 20, 500, 1.0
	rng := newRand(39)
	wTrue := make([]float64, n)
	for j := range wTrue {
		wTrue[j] = rng.NormFloat64()
	}
	x := make([]float64, steps*n)
	y := make([]float64, steps)
	for s := range steps {
		for j := range n {
			x[s*n+j] = rng.NormFloat64()
		}
		y[s] = dot(wTrue, x[s*n:(s+1)*n]) + 0.1*rng.NormFloat64()
	}

	rls := NewRLS(n, 1, lambda)
	for s := range steps {
		rls.Update(x[s*n:(s+1)*n], y[s:s+1])
	}
	got := rls.WeightsTo(nil)

	// The reference is computed independently of this package: the dense
	// solve of (XᵀX + I)·w = Xᵀy by LU in gonum.
	xm := mat.NewDense(steps, n, x)
	var a mat.Dense
	a.Mul(xm.T(), xm)
	for i := range n {
		a.Set(i, i, a.At(i, i)+lambda)
	}
	var rhs, w mat.Dense
	rhs.Mul(xm.T(), mat.NewDense(steps, 1, y))
	if err := w.Solve(&a, &rhs); err != nil {
		t.Fatal(err)
	}
	diff := 0.0
	for j := range n {
		diff = max(diff, math.Abs(got[j]-w.At(j, 0)))
	}
	t.Logf("max |w_RLS − w_batch| = %.3g", diff)
	if diff > 1e-8 {
		t.Errorf("RLS weights differ from (XᵀX + I)⁻¹Xᵀy by %g; want ≤ 1e-8", diff)
	}

	var batch Ridge
	if err := batch.FitThroughOrigin(x, n, y, 1, lambda); err != nil {
		t.Fatal(err)
	}
	for j := range n {
		if d := math.Abs(got[j] - batch.W[j]); d > 1e-8 {
			t.Errorf("w[%d]: RLS %g, FitThroughOrigin %g", j, got[j], batch.W[j])
		}
	}

	// P = (XᵀX + λI)⁻¹ and stays exactly symmetric.
	p := rls.InverseTo(nil)
	var inv mat.Dense
	if err := inv.Inverse(&a); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for j := range n {
			if p[i*n+j] != p[j*n+i] {
				t.Errorf("P[%d][%d] = %g ≠ P[%d][%d] = %g", i, j, p[i*n+j], j, i, p[j*n+i])
			}
			if d := math.Abs(p[i*n+j] - inv.At(i, j)); d > 1e-12 {
				t.Errorf("P[%d][%d] = %g; want (XᵀX + λI)⁻¹ = %g", i, j, p[i*n+j], inv.At(i, j))
			}
		}
	}
	if rls.Steps() != steps {
		t.Errorf("Steps = %d; want %d", rls.Steps(), steps)
	}
}

func TestRLSMatchesBatchRandom(t *testing.T) {
	t.Parallel()
	// The same equivalence over the awkward sizes, with two outputs and
	// fewer samples than inputs for the larger sizes (where λ alone makes
	// the problem well posed).
	for _, n := range randomSizes {
		const o = 2
		steps := 40
		rng := newRand(uint64(200 + n))
		x := make([]float64, steps*n)
		y := make([]float64, steps*o)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		rls := NewRLS(n, o, 0.5)
		for s := range steps {
			rls.Update(x[s*n:(s+1)*n], y[s*o:(s+1)*o])
		}
		var batch Ridge
		if err := batch.FitThroughOrigin(x, n, y, o, 0.5); err != nil {
			t.Fatal(err)
		}
		got := rls.WeightsTo(nil)
		for i := range got {
			if d := math.Abs(got[i] - batch.W[i]); d > 1e-10 {
				t.Errorf("N=%d: W[%d] RLS %g, batch %g (seed %d)", n, i, got[i], batch.W[i], *seed)
			}
		}
		z := rls.Predict(nil, x[:n])
		zb := batch.Predict(nil, x[:n])
		for out := range o {
			if math.Abs(z[out]-zb[out]) > 1e-10 {
				t.Errorf("N=%d: prediction %d RLS %g, batch %g", n, out, z[out], zb[out])
			}
		}
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestRLSDiffersFromRidgeWithIntercept(t *testing.T) {
	t.Parallel()
	// The package documentation keeps two statements apart: RLS equals ridge
	// without intercept, and it equals Ridge.Fit (unpenalised intercept)
	// exactly when X and Y are centred, since b = 0 then. With an offset of
	// 50 in the targets and a constant input as bias, RLS shrinks that bias
	// and the two readouts differ.
	const n, steps, lambda = 3, 60, 5.0
	rng := newRand(40)
	x := make([]float64, steps*n)
	y := make([]float64, steps)
	for s := range steps {
		for j := range n {
			x[s*n+j] = rng.NormFloat64()
		}
		y[s] = 50 + x[s*n] - 2*x[s*n+2] + 0.1*rng.NormFloat64()
	}

	// Centred data: RLS and Ridge.Fit agree.
	xm, ym := make([]float64, n), make([]float64, 1)
	columnMeans(xm, x, n)
	columnMeans(ym, y, 1)
	xc := make([]float64, len(x))
	yc := make([]float64, len(y))
	for k, v := range x {
		xc[k] = v - xm[k%n]
	}
	for k, v := range y {
		yc[k] = v - ym[0]
	}
	rls := NewRLS(n, 1, lambda)
	for s := range steps {
		rls.Update(xc[s*n:(s+1)*n], yc[s:s+1])
	}
	var ridge Ridge
	if err := ridge.Fit(xc, n, yc, 1, lambda); err != nil {
		t.Fatal(err)
	}
	w := rls.WeightsTo(nil)
	for j := range n {
		if math.Abs(w[j]-ridge.W[j]) > 1e-10 {
			t.Errorf("centred data: w[%d] RLS %g, Ridge.Fit %g", j, w[j], ridge.W[j])
		}
	}
	if math.Abs(ridge.B[0]) > 1e-12 {
		t.Errorf("centred data: intercept %g; want 0", ridge.B[0])
	}

	// Raw data with a bias input: the RLS bias weight falls short of 50.
	xb := make([]float64, steps*(n+1))
	for s := range steps {
		copy(xb[s*(n+1):], x[s*n:(s+1)*n])
		xb[s*(n+1)+n] = 1
	}
	biased := NewRLS(n+1, 1, lambda)
	for s := range steps {
		biased.Update(xb[s*(n+1):(s+1)*(n+1)], y[s:s+1])
	}
	var withIntercept Ridge
	if err := withIntercept.Fit(x, n, y, 1, lambda); err != nil {
		t.Fatal(err)
	}
	bias := biased.WeightsTo(nil)[n]
	t.Logf("bias weight: RLS %.4f, Ridge.Fit intercept %.4f", bias, withIntercept.B[0])
	if withIntercept.B[0]-bias < 1 {
		t.Errorf("RLS bias %g is within 1 of the unpenalised intercept %g; want it shrunk (about 50·60/65 ≈ 46)", bias, withIntercept.B[0])
	}
}
