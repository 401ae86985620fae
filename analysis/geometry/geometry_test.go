package geometry

import (
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnlab/rnnlab/analysis/pca"
	"gonum.org/v1/gonum/mat"
)

var seed = flag.Uint64("seed", 1, "seed of the random test inputs; failures print it")

var randomSizes = []int{1, 2, 3, 5, 10, 70}

func newRand(offset uint64) *rand.Rand {
	return rand.New(rand.NewPCG(*seed, offset))
}

// build returns C trajectories of T steps in D dimensions with
// x_c(t) = f(c, t).
func build(c, steps, d int, f func(c, t int, x []float64)) Trajectories {
	tr := Trajectories{Data: make([]float64, c*steps*d), C: c, T: steps, D: d}
	for i := range c {
		for t := range steps {
			f(i, t, tr.State(i, t))
		}
	}
	return tr
}

func TestParallelLines(t *testing.T) {
	t.Parallel()
	// Closed form: x₀(t) = p + t·u and x₁(t) = p + s + t·u with
	// u = (1, 2, 2) and s = (0, 3, 4): the distance is ‖s‖ = 5 at every
	// step, and the velocities are equal, so cos θ = 1 and θ = 0.
	u := []float64{1, 2, 2}
	p := []float64{-1, 0.5, 7}
	s := []float64{0, 3, 4}
	tr := build(2, 20, 3, func(c, t int, x []float64) {
		for j := range x {
			x[j] = p[j] + float64(t)*u[j] + float64(c)*s[j]
		}
	})
	d := Distance(nil, tr, 0, 1, Window{Start: 3, End: 15})
	if len(d) != 12 {
		t.Fatalf("distance over [3, 15) has %d entries; want 12", len(d))
	}
	for i, v := range d {
		if math.Abs(v-5) > 1e-13 {
			t.Errorf("d(%d) = %.17g; want 5", i+3, v)
		}
	}
	par, err := Parallelism(tr, 0, 1, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(par.MeanCos-1) > 1e-15 || math.Abs(par.MeanAbsCos-1) > 1e-15 {
		t.Errorf("mean cos %g, mean |cos| %g; want 1, 1", par.MeanCos, par.MeanAbsCos)
	}
	if par.MeanAngle > 1e-7 || par.MeanAbsAngle > 1e-7 {
		t.Errorf("mean angle %g, mean |angle| %g; want 0", par.MeanAngle, par.MeanAbsAngle)
	}
	if par.Steps != 19 || par.Skipped != 0 {
		t.Errorf("steps %d, skipped %d; want 19, 0", par.Steps, par.Skipped)
	}
}

func TestAntiparallelLines(t *testing.T) {
	t.Parallel()
	// Closed form: x₁ runs along −u, so cos θ = −1 and θ = π, while the
	// sign-free |cos θ| = 1 and arccos|cos θ| = 0 call the lines parallel.
	u := []float64{3, -4}
	tr := build(2, 10, 2, func(c, t int, x []float64) {
		sign := 1.0
		if c == 1 {
			sign = -1
		}
		for j := range x {
			x[j] = sign*float64(t)*u[j] + float64(c)
		}
	})
	par, err := Parallelism(tr, 0, 1, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(par.MeanCos+1) > 1e-15 || math.Abs(par.MeanAngle-math.Pi) > 1e-7 {
		t.Errorf("mean cos %g, mean angle %g; want −1, π", par.MeanCos, par.MeanAngle)
	}
	if math.Abs(par.MeanAbsCos-1) > 1e-15 || par.MeanAbsAngle > 1e-7 {
		t.Errorf("mean |cos| %g, mean arccos|cos| %g; want 1, 0", par.MeanAbsCos, par.MeanAbsAngle)
	}
}

func TestPerpendicularAndStationary(t *testing.T) {
	t.Parallel()
	// Closed form: motion along e₁ and e₂ gives cos θ = 0, θ = π/2. A
	// trajectory that rests for its first three steps skips those steps.
	tr := build(2, 8, 2, func(c, t int, x []float64) {
		if c == 0 {
			x[0] = float64(t)
		} else {
			x[1] = float64(max(t, 3))
		}
	})
	par, err := Parallelism(tr, 0, 1, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if par.MeanAbsCos > 1e-15 || math.Abs(par.MeanAngle-math.Pi/2) > 1e-15 {
		t.Errorf("mean |cos| %g, mean angle %g; want 0, π/2", par.MeanAbsCos, par.MeanAngle)
	}
	if par.Skipped != 3 || par.Steps != 4 {
		t.Errorf("skipped %d, steps %d; want 3, 4", par.Skipped, par.Steps)
	}
	if _, err := Parallelism(tr, 0, 1, Window{Start: 0, End: 3}); !errors.Is(err, ErrNoVelocity) {
		t.Errorf("window with a resting trajectory: err = %v; want ErrNoVelocity", err)
	}
	if _, err := Parallelism(tr, 0, 1, Window{Start: 5, End: 6}); !errors.Is(err, ErrNoVelocity) {
		t.Errorf("one-step window: err = %v; want ErrNoVelocity", err)
	}
}

func TestDistanceProportionalToValue(t *testing.T) {
	t.Parallel()
	// Three conditions offset along s = (1, 2, 2) (‖s‖ = 3) in proportion to
	// their values 0.5, 1.5 and 3.5, on a common curved path. Closed form:
	// the pair distances are 3·|vᵢ − vⱼ| = 3, 9 and 6 at every step, so the
	// line through (|Δv|, D̄) has slope 3, intercept 0 and R² = 1.
	values := []float64{0.5, 1.5, 3.5}
	s := []float64{1, 2, 2}
	tr := build(3, 30, 3, func(c, t int, x []float64) {
		tt := float64(t)
		common := []float64{math.Sin(0.2 * tt), math.Cos(0.3 * tt), 0.01 * tt * tt}
		for j := range x {
			x[j] = common[j] + values[c]*s[j]
		}
	})
	fit, err := DistanceVsValue(tr, values, Window{Start: 10, End: 30})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.Slope-3) > 1e-13 || math.Abs(fit.Intercept) > 1e-12 || math.Abs(fit.R2-1) > 1e-14 {
		t.Errorf("fit = %+v; want slope 3, intercept 0, R² 1", fit)
	}
	if fit.Points != 3 {
		t.Errorf("points = %d; want 3 pairs", fit.Points)
	}
	means := MeanDistances(nil, tr, Window{})
	want := []float64{0, 3, 9, 3, 0, 6, 9, 6, 0}
	for i, v := range means {
		if math.Abs(v-want[i]) > 1e-13 {
			t.Errorf("mean distance [%d][%d] = %g; want %g", i/3, i%3, v, want[i])
		}
	}
}

func TestFitLineKnown(t *testing.T) {
	t.Parallel()
	// Closed form: y = 1 + 2x plus the residual (0.1, −0.1, −0.1, 0.1),
	// which is orthogonal to both 1 and x, so the fit is exactly slope 2,
	// intercept 1, with SS_res = 0.04 and SS_tot = 20.04.
	x := []float64{0, 1, 2, 3}
	y := []float64{1.1, 2.9, 4.9, 7.1}
	fit, err := FitLine(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.Slope-2) > 1e-14 || math.Abs(fit.Intercept-1) > 1e-14 {
		t.Errorf("slope %.17g, intercept %.17g; want 2, 1", fit.Slope, fit.Intercept)
	}
	if want := 1 - 0.04/20.04; math.Abs(fit.R2-want) > 1e-14 {
		t.Errorf("R² = %.17g; want %.17g", fit.R2, want)
	}
	if _, err := FitLine([]float64{2, 2, 2}, []float64{1, 2, 3}); err == nil {
		t.Error("FitLine with constant x: err = nil; want an error")
	}
	if _, err := FitLine([]float64{1}, []float64{1}); err == nil {
		t.Error("FitLine with one point: err = nil; want an error")
	}
	flat, err := FitLine([]float64{1, 2, 3}, []float64{4, 4, 4})
	if err != nil || flat.Slope != 0 || flat.Intercept != 4 || flat.R2 != 1 {
		t.Errorf("FitLine of constant y = %+v, %v; want slope 0, intercept 4, R² 1", flat, err)
	}
}

func TestGeometryRandomInvariants(t *testing.T) {
	t.Parallel()
	// A rotation and a common translation of all trajectories change no
	// distance and no angle. Distances are symmetric and obey the triangle
	// inequality. The projection onto all principal components of the
	// pooled states is such a rotation plus translation.
	for _, d := range randomSizes {
		const c, steps = 3, 12
		rng := newRand(uint64(d))
		tr := build(c, steps, d, func(_, _ int, x []float64) {
			for j := range x {
				x[j] = rng.NormFloat64()
			}
		})
		rotated := rotate(tr, randomOrthogonal(d, rng), rng)

		var p pca.PCA
		if err := p.Fit(tr.Data, d); err != nil {
			t.Fatal(err)
		}
		projected := Trajectories{Data: p.Project(nil, tr.Data, d), C: c, T: steps, D: d}

		tol := 1e-13 * float64(d)
		base := MeanDistances(nil, tr, Window{})
		for _, other := range []Trajectories{rotated, projected} {
			m := MeanDistances(nil, other, Window{})
			for i := range base {
				if math.Abs(m[i]-base[i]) > tol*max(base[i], 1) {
					t.Errorf("D=%d: mean distance [%d] %g after rotation, %g before (seed %d)", d, i, m[i], base[i], *seed)
				}
			}
			for a := range c {
				for b := a + 1; b < c; b++ {
					p0, err0 := Parallelism(tr, a, b, Window{})
					p1, err1 := Parallelism(other, a, b, Window{})
					if err0 != nil || err1 != nil {
						t.Fatal(err0, err1)
					}
					if math.Abs(p0.MeanCos-p1.MeanCos) > tol {
						t.Errorf("D=%d: mean cos %g after rotation, %g before (seed %d)", d, p1.MeanCos, p0.MeanCos, *seed)
					}
				}
			}
		}
		for i := range c {
			for j := range c {
				if base[i*c+j] != base[j*c+i] {
					t.Errorf("D=%d: mean distances not symmetric at [%d][%d]", d, i, j)
				}
			}
		}
		d01 := Distance(nil, tr, 0, 1, Window{})
		d12 := Distance(nil, tr, 1, 2, Window{})
		d02 := Distance(nil, tr, 0, 2, Window{})
		for k := range d01 {
			if d02[k] > d01[k]+d12[k]+tol {
				t.Errorf("D=%d: triangle inequality fails at step %d (seed %d)", d, k, *seed)
			}
		}
	}
}

// randomOrthogonal returns a D×D orthogonal matrix, the Q of the QR
// factorisation of a Gaussian matrix.
func randomOrthogonal(d int, rng *rand.Rand) *mat.Dense {
	a := mat.NewDense(d, d, nil)
	for i := range d {
		for j := range d {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// rotate returns Q·x + shift for every state, with one random shift.
func rotate(tr Trajectories, q *mat.Dense, rng *rand.Rand) Trajectories {
	shift := make([]float64, tr.D)
	for j := range shift {
		shift[j] = 10 * rng.NormFloat64()
	}
	out := Trajectories{Data: make([]float64, len(tr.Data)), C: tr.C, T: tr.T, D: tr.D}
	for c := range tr.C {
		for t := range tr.T {
			x, y := tr.State(c, t), out.State(c, t)
			for i := range tr.D {
				y[i] = shift[i]
				for j := range tr.D {
					y[i] += q.At(i, j) * x[j]
				}
			}
		}
	}
	return out
}
