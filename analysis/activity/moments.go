package activity

import "fmt"

// Moments are the second moments of a window, averaged over units.
type Moments struct {
	// Variance is (1/N)·Σᵢ (1/T)·Σₜ (xᵢ(t) − x̄ᵢ)², equal to C(0) of
	// PopulationAutocorrelation. It is the estimate of the mean-field
	// Δ₀ = ⟨xᵢ²⟩, whose mean ⟨xᵢ⟩ is zero for N → ∞.
	Variance float64
	// MeanSquare is (1/N)·Σᵢ (1/T)·Σₜ xᵢ(t)², with no mean removed. It
	// exceeds Variance by the mean of x̄ᵢ², which at finite N and finite T
	// includes the sampling error of each unit's time average.
	MeanSquare float64
	// ZeroVariance is set when Variance ≤ the floor passed to
	// SecondMoments.
	ZeroVariance bool
}

// SecondMoments computes the variance and the mean square of the T×N
// row-major trajectory x. A window with Variance ≤ floor is flagged as zero
// variance, so floor = 0 flags only exactly constant units. It returns an error
// for the inputs that PopulationAutocorrelation rejects (T = 1 is allowed
// here). Cost O(T·N).
func SecondMoments(x []float64, n int, floor float64) (Moments, error) {
	samples, err := checkTrajectory(x, n)
	if err != nil {
		return Moments{}, err
	}
	if !(floor >= 0) {
		return Moments{}, fmt.Errorf("activity: variance floor %v, expected a value ≥ 0", floor)
	}
	meanSquare := 0.0
	for _, v := range x {
		meanSquare += v * v
	}
	count := float64(samples) * float64(n)
	m := Moments{
		Variance:   centredSumOfSquares(x, n, samples) / count,
		MeanSquare: meanSquare / count,
	}
	m.ZeroVariance = m.Variance <= floor
	return m, nil
}
