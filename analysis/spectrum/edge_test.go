package spectrum

import (
	"flag"
	"math"
	"testing"
)

var long = flag.Bool("long", false, "run the slow edge-statistics tests (about 15 s)")

// The outlier threshold r·(1 + 4/√N) of CircularLaw exceeds the largest
// overshoot of the spectral radius over many draws of matrices that obey
// the law, and the Dale outlier stays within 5 % of its prediction. These
// runs produce the measurements quoted in the package documentation and in
// the Dale tests. Run with -long.
func TestEdgeOvershootOverDraws(t *testing.T) {
	if !*long {
		t.Skip("draws 140 matrices (about 15 s); run with -long")
	}
	const draws = 40
	for _, n := range []int{100, 200, 400} {
		var worst float64
		for seed := range uint64(draws) {
			eigs, err := Eigenvalues(gaussianMatrix(n, 1, 1000+seed), n)
			if err != nil {
				t.Fatal(err)
			}
			c := CircularLaw(eigs, 1)
			worst = math.Max(worst, (c.MaxModulusRatio-1)*math.Sqrt(float64(n)))
			if len(c.Outliers) != 0 {
				t.Errorf("Gaussian N = %d, seed %d: outliers %v", n, 1000+seed, c.Outliers)
			}
		}
		t.Logf("Gaussian N = %d, %d draws: largest overshoot (max|μ|/r − 1)·√N = %.2f", n, draws, worst)
	}

	mu := daleGain * math.Sqrt(2/math.Pi)
	predicted := OutlierPrediction(daleN, daleFraction, mu, -mu)
	lowTop, highTop := math.Inf(1), math.Inf(-1)
	lowMax, highMax := math.Inf(1), math.Inf(-1)
	lowRatio, highRatio := math.Inf(1), math.Inf(-1)
	lowAverage, highAverage := math.Inf(1), math.Inf(-1)
	for seed := range uint64(20) {
		w, excitatory := daleMatrix(daleN, daleFraction, daleGain, 1000+seed)
		eigs, err := Eigenvalues(w, daleN)
		if err != nil {
			t.Fatal(err)
		}
		top := real(eigs[0])
		lowTop, highTop = math.Min(lowTop, top), math.Max(highTop, top)
		if e := math.Abs(top-predicted) / predicted; e > outlierPredictionTolerance {
			t.Errorf("Dale seed %d: outlier %.3f is %.1f %% from %.3f", 1000+seed, top, 100*e, predicted)
		}

		balanced := balanceRows(w, daleN, excitatory)
		sigmaE, sigmaI := columnTypeDeviations(balanced, daleN, excitatory)
		eigs, err = Eigenvalues(balanced, daleN)
		if err != nil {
			t.Fatal(err)
		}
		c := CircularLaw(eigs, RajanAbbottRadius(daleFraction, sigmaE, sigmaI))
		lowMax, highMax = math.Min(lowMax, c.MaxModulus), math.Max(highMax, c.MaxModulus)
		lowRatio, highRatio = math.Min(lowRatio, c.MaxModulusRatio), math.Max(highRatio, c.MaxModulusRatio)
		if len(c.Outliers) != 0 {
			t.Errorf("row-balanced Dale seed %d: outliers %v", 1000+seed, c.Outliers)
		}

		// Balancing only on average keeps the same bulk radius, up to
		// sampling, but leaves eigenvalues outside it.
		averaged := balanceAverage(w, daleN, excitatory)
		sigmaE, sigmaI = columnTypeDeviations(averaged, daleN, excitatory)
		eigs, err = Eigenvalues(averaged, daleN)
		if err != nil {
			t.Fatal(err)
		}
		ratio := CircularLaw(eigs, RajanAbbottRadius(daleFraction, sigmaE, sigmaI)).MaxModulusRatio
		lowAverage, highAverage = math.Min(lowAverage, ratio), math.Max(highAverage, ratio)
	}
	t.Logf("Dale N = %d, 20 draws: outlier %.3f to %.3f (predicted %.3f); row-balanced max |μ| %.3f to %.3f, %.3f to %.3f times the radius, largest overshoot ·√N = %.2f",
		daleN, lowTop, highTop, predicted, lowMax, highMax, lowRatio, highRatio, (highRatio-1)*math.Sqrt(daleN))
	t.Logf("Dale N = %d, balanced on average: max |μ| %.3f to %.3f times the bulk radius", daleN, lowAverage, highAverage)
}
