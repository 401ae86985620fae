package spectrum

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"
)

// eigenvalueTolerance bounds the error of eigenvalues of small matrices
// with exactly known spectra: a few ulps times the matrix norm.
const eigenvalueTolerance = 1e-12

func TestEigenvaluesKnownMatrices(t *testing.T) {
	for _, c := range []struct {
		name string
		w    []float64
		n    int
		want []complex128
	}{
		// Rotation with damping: one conjugate pair −0.1 ± i, the member
		// with positive imaginary part first.
		{"damped rotation", []float64{-0.1, 1, -1, -0.1}, 2, []complex128{complex(-0.1, 1), complex(-0.1, -1)}},
		{"diagonal", []float64{-2, 0, 0, 0.5}, 2, []complex128{-2, 0.5}},
		// Triangular: the eigenvalues are the diagonal entries.
		{"upper triangular", []float64{1, 5, -7, 0, -3, 2, 0, 0, 2}, 3, []complex128{-3, 2, 1}},
		// Equal moduli: ties go by decreasing real part.
		{"tie in modulus", []float64{-1, 0, 0, 1}, 2, []complex128{1, -1}},
	} {
		got, err := Eigenvalues(c.w, c.n)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %d eigenvalues %v, want %v", c.name, len(got), got, c.want)
			continue
		}
		for i := range got {
			if cmplx.Abs(got[i]-c.want[i]) > eigenvalueTolerance {
				t.Errorf("%s: eigenvalue %d = %v, want %v (full list %v)", c.name, i, got[i], c.want[i], got)
			}
		}
	}
}

func TestEigenvaluesInvalidInput(t *testing.T) {
	if _, err := Eigenvalues([]float64{1, 2, 3}, 2); err == nil {
		t.Error("Eigenvalues accepted 3 entries for n = 2")
	}
	if _, err := Eigenvalues(nil, -1); err == nil {
		t.Error("Eigenvalues accepted n = -1")
	}
	if _, err := Eigenvalues([]float64{1, math.NaN(), 0, 1}, 2); err == nil {
		t.Error("Eigenvalues accepted a NaN entry")
	}
	if _, err := Eigenvalues([]float64{1, 0, math.Inf(-1), 1}, 2); err == nil {
		t.Error("Eigenvalues accepted an infinite entry")
	}
	got, err := Eigenvalues(nil, 0)
	if err != nil || len(got) != 0 {
		t.Errorf("Eigenvalues(nil, 0) = %v, %v; want an empty list and no error", got, err)
	}
}

func TestEigenvaluesKeepsInput(t *testing.T) {
	w := gaussianMatrix(20, 1.5, 7)
	before := slices.Clone(w)
	if _, err := Eigenvalues(w, 20); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w, before) {
		t.Error("Eigenvalues modified its input matrix")
	}
}

// gaussianMatrix returns an n×n matrix with entries N(0, g²/n).
func gaussianMatrix(n int, g float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x73706563))
	w := make([]float64, n*n)
	scale := g / math.Sqrt(float64(n))
	for i := range w {
		w[i] = scale * rng.NormFloat64()
	}
	return w
}

// Girko's circular law at the test size N = 1000, g = 1.5: max |μ| within
// [0.95·g, 1.08·g] and a fraction 0.25 ± 0.03 inside |μ| < g/2. Skipped with
// -short: the eigenvalues of a 1000×1000 matrix take about 5 s in pure Go.
func TestCircularLawGaussian(t *testing.T) {
	if testing.Short() {
		t.Skip("computes the eigenvalues of a 1000×1000 matrix (about 5 s); run without -short")
	}
	const n, g = 1000, 1.5
	eigs, err := Eigenvalues(gaussianMatrix(n, g, 1), n)
	if err != nil {
		t.Fatal(err)
	}
	c := CircularLaw(eigs, g)
	t.Logf("N = %d, g = %g: max |μ|/g = %.4f, inner fraction %.4f, %d outliers (edge tolerance %.3f)", n, g, c.MaxModulusRatio, c.InnerFraction, len(c.Outliers), c.EdgeTolerance)
	if c.MaxModulusRatio < 0.95 || c.MaxModulusRatio > 1.08 {
		t.Errorf("max |μ|/g = %.4f, want within [0.95, 1.08]", c.MaxModulusRatio)
	}
	if math.Abs(c.InnerFraction-0.25) > 0.03 {
		t.Errorf("fraction with |μ| < g/2 = %.4f, want 0.25 ± 0.03", c.InnerFraction)
	}
	if len(c.Outliers) != 0 {
		t.Errorf("flagged %d outliers %v in an i.i.d. Gaussian matrix, want none", len(c.Outliers), c.Outliers)
	}
}

func TestCircularLawStatistics(t *testing.T) {
	// 100 eigenvalues: 25 at modulus 0.3, 74 at 0.9 and one at 3, against
	// radius 1. The edge tolerance is 4/√100 = 0.4, so only 3 exceeds it.
	var eigs []complex128
	for k := range 25 {
		eigs = append(eigs, cmplx.Rect(0.3, float64(k)))
	}
	for k := range 74 {
		eigs = append(eigs, cmplx.Rect(0.9, float64(k)))
	}
	eigs = append(eigs, complex(0, -3))

	c := CircularLaw(eigs, 1)
	if c.N != 100 {
		t.Errorf("N = %d, want 100", c.N)
	}
	if math.Abs(c.MaxModulusRatio-3) > 1e-15 {
		t.Errorf("MaxModulusRatio = %g, want 3", c.MaxModulusRatio)
	}
	if c.InnerFraction != 0.25 {
		t.Errorf("InnerFraction = %g, want 0.25", c.InnerFraction)
	}
	if c.EdgeTolerance != 0.4 {
		t.Errorf("EdgeTolerance = %g, want 0.4", c.EdgeTolerance)
	}
	if len(c.Outliers) != 1 || c.Outliers[0] != complex(0, -3) {
		t.Errorf("Outliers = %v, want [-3i]", c.Outliers)
	}

	empty := CircularLaw(nil, 1)
	if empty.N != 0 || empty.Outliers != nil || empty.MaxModulus != 0 {
		t.Errorf("CircularLaw(nil, 1) = %+v, want zero statistics", empty)
	}
}

func TestCircularLawInvalidRadius(t *testing.T) {
	for _, r := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CircularLaw with radius %g did not panic", r)
				}
			}()
			CircularLaw([]complex128{1}, r)
		}()
	}
}

func TestRajanAbbottFormulas(t *testing.T) {
	if r := RajanAbbottRadius(0.8, 1.5, 1.5); math.Abs(r-1.5) > 1e-15 {
		t.Errorf("RajanAbbottRadius with σ_E = σ_I = 1.5 is %g, want 1.5", r)
	}
	if r := RajanAbbottRadius(1, 2, 7); r != 2 {
		t.Errorf("RajanAbbottRadius(f = 1) = %g, want σ_E = 2", r)
	}
	if r := RajanAbbottRadius(0, 2, 7); r != 7 {
		t.Errorf("RajanAbbottRadius(f = 0) = %g, want σ_I = 7", r)
	}
	// 0.8·1² + 0.2·4² = 4.
	if r := RajanAbbottRadius(0.8, 1, 4); math.Abs(r-2) > 1e-15 {
		t.Errorf("RajanAbbottRadius(0.8, 1, 4) = %g, want 2", r)
	}

	const n, f, g = 200, 0.8, 1.5
	mu := g * math.Sqrt(2/math.Pi)
	want := (2*f - 1) * g * math.Sqrt(2*n/math.Pi)
	if got := OutlierPrediction(n, f, mu, -mu); math.Abs(got-want) > 1e-12 {
		t.Errorf("OutlierPrediction = %.15g, want (2f − 1)·g·√(2N/π) = %.15g", got, want)
	}
	if got := OutlierPrediction(n, 0.5, mu, -mu); math.Abs(got) > 1e-15 {
		t.Errorf("OutlierPrediction with balanced means = %g, want 0", got)
	}

	for _, call := range []func(){
		func() { RajanAbbottRadius(1.5, 1, 1) },
		func() { RajanAbbottRadius(math.NaN(), 1, 1) },
		func() { RajanAbbottRadius(0.5, -1, 1) },
		func() { OutlierPrediction(-1, 0.5, 1, 1) },
		func() { OutlierPrediction(10, -0.1, 1, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("invalid argument did not panic")
				}
			}()
			call()
		}()
	}
}
