package readout

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnlab/rnnlab/analysis/pca"
)

var seed = flag.Uint64("seed", 1, "seed of the random test inputs; failures print it")

var randomSizes = []int{1, 2, 3, 5, 10, 70}

func newRand(offset uint64) *rand.Rand {
	return rand.New(rand.NewPCG(*seed, offset))
}

// untiedAxes are the orthonormal axes (2, 3, 6)/7, (3, −6, 2)/7 and
// (6, 2, −3)/7: pairwise dot products 0 and norms 1 in closed form.
var untiedAxes = [3][3]float64{
	{2.0 / 7, 3.0 / 7, 6.0 / 7},
	{3.0 / 7, -6.0 / 7, 2.0 / 7},
	{6.0 / 7, 2.0 / 7, -3.0 / 7},
}

// fitAxes fits a PCA to the six points ±sₖ·qₖ along untiedAxes, which have
// variance variances[k] along axis k (closed form: (2/5)·sₖ² with
// sₖ = √(5·vₖ/2)).
func fitAxes(t *testing.T, variances [3]float64) *pca.PCA {
	t.Helper()
	x := make([]float64, 0, 18)
	for k := range 3 {
		s := math.Sqrt(5 * variances[k] / 2)
		for _, sign := range []float64{1, -1} {
			for j := range 3 {
				x = append(x, sign*s*untiedAxes[k][j])
			}
		}
	}
	var p pca.PCA
	if err := p.Fit(x, 3); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestAlignKnownProjections(t *testing.T) {
	t.Parallel()
	// Closed form: v = 3·e₁ + 4·e₂ has ‖v‖ = 5, so c = (0.6, 0.8, 0),
	// captured = 0.36 + 0.64 = 1 and PR = 1²/(0.6⁴ + 0.8⁴) = 1/0.5392.
	// The variances 9, 4, 1 give cumulative 9/14, 13/14, 1, so the 99 % rule
	// picks k = 3.
	p := fitAxes(t, [3]float64{9, 4, 1})
	e1, e2 := p.Vector(nil, 0), p.Vector(nil, 1)
	v := make([]float64, 3)
	for j := range v {
		v[j] = 3*e1[j] + 4*e2[j]
	}

	a, err := Align(p, v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.K != 3 {
		t.Errorf("K = %d; want 3 from the 99 %% rule", a.K)
	}
	want := []float64{0.6, 0.8, 0}
	for i, c := range a.Projections {
		if math.Abs(c-want[i]) > 1e-14 {
			t.Errorf("c%d = %.17g; want %g", i+1, c, want[i])
		}
	}
	if math.Abs(a.Captured-1) > 1e-14 {
		t.Errorf("captured = %.17g; want 1", a.Captured)
	}
	wantPR := 1 / (math.Pow(0.6, 4) + math.Pow(0.8, 4))
	if math.Abs(a.ParticipationRatio-wantPR) > 1e-13 {
		t.Errorf("PR = %.17g; want 1/(0.6⁴ + 0.8⁴) = %.17g", a.ParticipationRatio, wantPR)
	}

	first, err := Align(p, v, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(first.Captured-0.36) > 1e-14 || math.Abs(first.ParticipationRatio-1) > 1e-14 {
		t.Errorf("k = 1: captured %g, PR %g; want 0.36, 1", first.Captured, first.ParticipationRatio)
	}

	basis := p.VectorsTo(nil, 2)
	b, err := AlignBasis(basis, 3, 2, v)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(b.Captured-1) > 1e-14 || math.Abs(b.ParticipationRatio-wantPR) > 1e-13 {
		t.Errorf("AlignBasis: captured %g, PR %g; want 1, %g", b.Captured, b.ParticipationRatio, wantPR)
	}
}

func TestSignedRatioFlipsWithSign(t *testing.T) {
	t.Parallel()
	// Closed form: (0.6 + 0.8)²/1 = 1.96, and with e₂ flipped
	// (0.6 − 0.8)²/1 = 0.04. The sign-free ratio is 1/(0.6⁴ + 0.8⁴) for both.
	c := []float64{0.6, 0.8}
	flipped := []float64{0.6, -0.8}
	s1, ok1 := SignedParticipationRatio(c)
	s2, ok2 := SignedParticipationRatio(flipped)
	if !ok1 || !ok2 {
		t.Fatal("ok = false for non-zero projections")
	}
	if math.Abs(s1-1.96) > 1e-14 {
		t.Errorf("signed ratio = %.17g; want 1.96", s1)
	}
	if math.Abs(s2-0.04) > 1e-14 {
		t.Errorf("signed ratio after a sign flip = %.17g; want 0.04", s2)
	}

	p := fitAxes(t, [3]float64{9, 4, 1})
	e1, e2 := p.Vector(nil, 0), p.Vector(nil, 1)
	basis := append(append([]float64{}, e1...), e2...)
	flippedBasis := append(append([]float64{}, e1...), -e2[0], -e2[1], -e2[2])
	v := []float64{3*e1[0] + 4*e2[0], 3*e1[1] + 4*e2[1], 3*e1[2] + 4*e2[2]}
	a, _ := AlignBasis(basis, 3, 2, v)
	b, _ := AlignBasis(flippedBasis, 3, 2, v)
	if math.Abs(a.ParticipationRatio-b.ParticipationRatio) > 1e-14 || math.Abs(a.Captured-b.Captured) > 1e-14 {
		t.Errorf("sign-free statistics changed under a flip: PR %g → %g, captured %g → %g",
			a.ParticipationRatio, b.ParticipationRatio, a.Captured, b.Captured)
	}
	sa, _ := SignedParticipationRatio(a.Projections)
	sb, _ := SignedParticipationRatio(b.Projections)
	if math.Abs(sa-sb) < 1 {
		t.Errorf("signed ratio %g → %g under a flip; want a change of more than 1", sa, sb)
	}
}

func TestAlignRejectsNegligibleComponents(t *testing.T) {
	t.Parallel()
	// Variance only along the first two axes: the third eigenvector spans
	// the null space and is arbitrary, so k = 3 must be rejected and the
	// 99 % rule must stop at 2.
	p := fitAxes(t, [3]float64{9, 4, 0})
	if s := p.Significant(); s != 2 {
		t.Fatalf("Significant = %d; want 2", s)
	}
	v := []float64{1, 1, 1}
	if _, err := Align(p, v, 3); err == nil {
		t.Error("Align with k = 3 over a zero-variance component: err = nil; want an error")
	}
	a, err := Align(p, v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.K != 2 {
		t.Errorf("K = %d; want 2", a.K)
	}
	if _, err := Align(p, []float64{0, 0, 0}, 2); err == nil {
		t.Error("Align of a zero vector: err = nil; want an error")
	}
}

func TestAlignOrthogonalVector(t *testing.T) {
	t.Parallel()
	// v along the third axis has no projection on the first two:
	// captured 0 and PR reported as 0, not NaN.
	a, err := AlignBasis([]float64{1, 0, 0, 0, 1, 0}, 3, 2, []float64{0, 0, 2})
	if err != nil {
		t.Fatal(err)
	}
	if a.Captured != 0 || a.ParticipationRatio != 0 {
		t.Errorf("captured %g, PR %g; want 0, 0", a.Captured, a.ParticipationRatio)
	}
	if _, err := AlignBasis([]float64{1, 0, 0, 1, 1, 0}, 3, 2, []float64{1, 2, 3}); err == nil {
		t.Error("AlignBasis with non-orthonormal rows: err = nil; want an error")
	}
}

func TestCosine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b []float64
		want float64
		ok   bool
	}{
		{[]float64{1, 0}, []float64{1, 1}, 1 / math.Sqrt2, true}, // closed form cos 45°
		{[]float64{1, 2, 3}, []float64{-2, -4, -6}, -1, true},
		{[]float64{1, 0}, []float64{0, 5}, 0, true},
		{[]float64{0, 0}, []float64{1, 1}, 0, false},
	}
	for i, c := range cases {
		got, ok := Cosine(c.a, c.b)
		if ok != c.ok || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("case %d: Cosine = %.17g, %v; want %g, %v", i, got, ok, c.want, c.ok)
		}
	}
}

func TestOutside(t *testing.T) {
	t.Parallel()
	// Closed form: v = (3, 4, 12), ‖v‖ = 13, outside the (x, y) plane is
	// (0, 0, 12), fraction 12/13.
	basis := []float64{1, 0, 0, 0, 1, 0}
	v := []float64{3, 4, 12}
	r, fraction, err := Outside(nil, basis, 3, 2, v)
	if err != nil {
		t.Fatal(err)
	}
	if r[0] != 0 || r[1] != 0 || r[2] != 12 {
		t.Errorf("outside part = %v; want (0, 0, 12)", r)
	}
	if math.Abs(fraction-12.0/13) > 1e-15 {
		t.Errorf("fraction = %.17g; want 12/13", fraction)
	}
	a, _ := AlignBasis(basis, 3, 2, v)
	if d := fraction*fraction + a.Captured - 1; math.Abs(d) > 1e-15 {
		t.Errorf("fraction² + captured − 1 = %g; want 0", d)
	}
	// In place.
	w := []float64{3, 4, 12}
	if _, _, err := Outside(w, basis, 3, 2, w); err != nil || w[2] != 12 || w[0] != 0 {
		t.Errorf("Outside in place: %v, %v; want (0, 0, 12)", w, err)
	}
}

func TestOutsideRandomInvariants(t *testing.T) {
	t.Parallel()
	// For random data and the leading k axes of its PCA: r is orthogonal to
	// every axis, v − r lies in their span, and fraction² + captured = 1.
	for _, n := range randomSizes {
		rng := newRand(uint64(n))
		samples := 2*n + 3
		x := make([]float64, samples*n)
		for i := range x {
			x[i] = rng.NormFloat64() * float64(1+i%n)
		}
		var p pca.PCA
		if err := p.Fit(x, n); err != nil {
			t.Fatal(err)
		}
		k := max(1, n/2)
		basis := p.VectorsTo(nil, k)
		v := make([]float64, n)
		for j := range v {
			v[j] = rng.NormFloat64()
		}
		r, fraction, err := Outside(nil, basis, n, k, v)
		if err != nil {
			t.Fatal(err)
		}
		a, err := AlignBasis(basis, n, k, v)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-14 * float64(n)
		for i := range k {
			if d := dot(basis[i*n:(i+1)*n], r); math.Abs(d) > tol*math.Sqrt(dot(v, v)) {
				t.Errorf("N=%d: eᵢ·r = %g for i=%d; want 0 (seed %d)", n, d, i, *seed)
			}
		}
		if d := fraction*fraction + a.Captured - 1; math.Abs(d) > tol {
			t.Errorf("N=%d: fraction² + captured − 1 = %g; want 0 (seed %d)", n, d, *seed)
		}
		if a.ParticipationRatio < 1-tol || a.ParticipationRatio > float64(k)+tol {
			t.Errorf("N=%d: PR = %g outside [1, %d] (seed %d)", n, a.ParticipationRatio, k, *seed)
		}
	}
}
