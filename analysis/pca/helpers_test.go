package pca

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"
)

var seed = flag.Uint64("seed", 1, "seed of the random test inputs; failures print it")

// randomSizes are the awkward sizes of the randomized invariant tests.
var randomSizes = []int{1, 2, 3, 5, 10, 70}

func newRand(offset uint64) *rand.Rand {
	return rand.New(rand.NewPCG(*seed, offset))
}

// mustFit fits x and fails the test on error.
func mustFit(t *testing.T, x []float64, n int) *PCA {
	t.Helper()
	var p PCA
	if err := p.Fit(x, n); err != nil {
		t.Fatalf("Fit: %v", err)
	}
	return &p
}

// maxAbsDiff returns max |a[i] − b[i]|.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("maxAbsDiff: length mismatch")
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func maxAbs(a []float64) float64 {
	m := 0.0
	for _, v := range a {
		m = max(m, math.Abs(v))
	}
	return m
}

// covarianceOf returns the centred N×N covariance with 1/(S−1), computed
// entry by entry as an independent check of Fit.
func covarianceOf(x []float64, n int) []float64 {
	s := len(x) / n
	mean := make([]float64, n)
	for r := range s {
		for j := range n {
			mean[j] += x[r*n+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(s)
	}
	c := make([]float64, n*n)
	for r := range s {
		for i := range n {
			for j := range n {
				c[i*n+j] += (x[r*n+i] - mean[i]) * (x[r*n+j] - mean[j])
			}
		}
	}
	for k := range c {
		c[k] /= float64(s - 1)
	}
	return c
}

// signRuleHolds reports whether the first entry of e within SignTieTolerance
// of the largest magnitude is positive.
func signRuleHolds(e []float64) bool {
	largest := maxAbs(e)
	for _, v := range e {
		if math.Abs(v) >= largest*(1-SignTieTolerance) {
			return v > 0
		}
	}
	return false
}
