package readout

import (
	"fmt"
	"math"
)

// Dataset is S samples of N inputs and O targets, both row-major:
// X is S×N and Y is S×O.
type Dataset struct {
	X []float64
	Y []float64
}

// Validation records a choice of λ by held-out error.
type Validation struct {
	// Lambdas are the candidates in the order given.
	Lambdas []float64
	// MSE is the validation mean squared error of each candidate. It is +Inf
	// for a candidate whose fit failed (see Errors).
	MSE []float64
	// Errors holds the fit error of each candidate, nil where the fit
	// succeeded.
	Errors []error
	// Best is the index of the chosen λ: the smallest validation MSE, the
	// first one in the given order among exact ties.
	Best int
}

// SelectRidge fits a [Ridge] readout with an unpenalised intercept to train
// for every λ in lambdas and keeps the one with the smallest mean squared
// error on validation. The caller makes the split, which should follow the
// structure of the data (whole trials, not interleaved time steps, because
// neighbouring steps of one trial are strongly correlated). The returned
// readout is the one fitted to train alone with the chosen λ, which its
// Lambda field states. To use the validation samples as well, fit again on
// both sets with that λ.
//
// The normal equations are formed once, O(S·N² + S·N·O), and each λ costs
// one Cholesky solve, O(N³ + N²·O), plus the validation error.
//
// It returns an error when the training data are invalid (as for
// Ridge.Fit) or when every candidate fails. It panics when lambdas is empty
// or holds a negative or non-finite value, when the shapes do not match n
// and o, or when validation has no samples.
func SelectRidge(train, validation Dataset, n, o int, lambdas []float64) (*Ridge, Validation, error) {
	if len(lambdas) == 0 {
		panic("readout: SelectRidge needs at least one λ")
	}
	for _, l := range lambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			panic(fmt.Sprintf("readout: candidate λ = %g must be finite and ≥ 0", l))
		}
	}
	if n <= 0 || o <= 0 || len(validation.X)%n != 0 || len(validation.Y) != len(validation.X)/n*o || len(validation.X) == 0 {
		panic(fmt.Sprintf("readout: validation set has %d inputs and %d targets; want S·N and S·O with S > 0, N = %d, O = %d",
			len(validation.X), len(validation.Y), n, o))
	}
	if err := checkFinite("validation input", validation.X, n); err != nil {
		return nil, Validation{}, err
	}
	if err := checkFinite("validation target", validation.Y, o); err != nil {
		return nil, Validation{}, err
	}

	eq, err := newNormalEquations(train.X, n, train.Y, o, true)
	if err != nil {
		return nil, Validation{}, err
	}
	v := Validation{
		Lambdas: append([]float64(nil), lambdas...),
		MSE:     make([]float64, len(lambdas)),
		Errors:  make([]error, len(lambdas)),
		Best:    -1,
	}
	var best *Ridge
	for i, l := range lambdas {
		r := new(Ridge)
		if err := r.solve(eq, l); err != nil {
			v.MSE[i] = math.Inf(1)
			v.Errors[i] = err
			continue
		}
		v.MSE[i] = r.MSE(validation.X, validation.Y)
		if v.Best < 0 || v.MSE[i] < v.MSE[v.Best] {
			v.Best = i
			best = r
		}
	}
	if best == nil {
		return nil, v, fmt.Errorf("readout: the ridge fit failed for all %d candidate λ; first error: %w", len(lambdas), v.Errors[0])
	}
	return best, v, nil
}

// LogGrid returns count values spaced evenly in log λ from lo to hi,
// inclusive:
//
//	λᵢ = lo·(hi/lo)^(i/(count−1)),   i = 0…count−1
//
// LogGrid(1e-6, 1e2, 9) gives 1e-6, 1e-5, …, 1e2 as the float64 values
// of those decimal literals. Other interior values are correct to rounding,
// and the end points are lo and hi exactly. It panics unless 0 < lo ≤ hi, both finite, and count ≥ 1,
// and when count = 1 with lo ≠ hi.
func LogGrid(lo, hi float64, count int) []float64 {
	if !(lo > 0) || !(hi >= lo) || math.IsInf(hi, 0) || count < 1 || (count == 1 && lo != hi) {
		panic(fmt.Sprintf("readout: LogGrid(%g, %g, %d) needs 0 < lo ≤ hi < ∞ and count ≥ 1 (count = 1 only when lo = hi)", lo, hi, count))
	}
	grid := make([]float64, count)
	grid[0] = lo
	if count == 1 {
		return grid
	}
	// An exponent within 1e-12 of an integer is snapped to it, so that a
	// grid over whole decades holds 1e-5 and 100 rather than values a few
	// ulps away, which would also show up in reports.
	logLo, logHi := math.Log10(lo), math.Log10(hi)
	for i := 1; i < count-1; i++ {
		e := logLo + (logHi-logLo)*float64(i)/float64(count-1)
		if r := math.Round(e); math.Abs(e-r) < 1e-12 {
			e = r
		}
		grid[i] = math.Pow(10, e)
	}
	grid[count-1] = hi
	return grid
}
