// Package activity summarises spontaneous activity recorded from a network:
// the population autocorrelation and its half-time, the variance of the
// currents (the estimate of the mean-field Δ₀) and the participation ratio.
//
// Every function takes a trajectory as a T×N row-major slice, one time step
// per row and one unit per column, and a lag spacing in units of τ (α = dt/τ
// for a simulation with step dt). Lags and half-times come back in τ.
//
// A window in which every unit is constant, or whose variance is at most a
// caller's floor, is reported through a ZeroVariance flag and never as NaN.
package activity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Estimator selects the normalisation of the lagged sums.
type Estimator int

const (
	// Unbiased divides the sum of the T−k lagged products at lag k by T−k.
	// Apart from the effect of subtracting the sample mean, its expectation
	// is the true C(k), but its variance grows as k approaches T.
	Unbiased Estimator = iota
	// Biased divides every lagged sum by T. Its expectation is
	// (1 − k/T)·C(k), and the sequence is positive semidefinite.
	Biased
)

func (e Estimator) String() string {
	switch e {
	case Unbiased:
		return "unbiased"
	case Biased:
		return "biased"
	}
	return fmt.Sprintf("Estimator(%d)", int(e))
}

// Method selects how the lagged sums are computed. Both give the same sums
// up to rounding (checked by the package tests to 1e-12 relative).
type Method int

const (
	// Auto picks Direct when its operation count T·(L+1) is below the
	// estimated count of the FFT, and FFT otherwise.
	Auto Method = iota
	// Direct sums the products for each lag: O(N·T·(L+1)) operations.
	Direct
	// FFT transforms each unit's zero-padded series of length P ≥ T + L,
	// sums the power spectra over units and transforms back once:
	// O(N·P·log P) operations and O(P) memory beyond the input.
	FFT
)

func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Direct:
		return "direct"
	case FFT:
		return "fft"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Options configures PopulationAutocorrelation. The zero value uses the
// unbiased estimator, picks the method automatically and treats only an
// exactly constant window as zero variance.
type Options struct {
	Estimator Estimator
	Method    Method
	// VarianceFloor is the variance C(0) at or below which the window counts
	// as zero variance. Zero means that only exactly constant units do.
	VarianceFloor float64
}

// Autocorrelation is the population autocorrelation of one window,
//
//	C(k) = (1/N)·Σᵢ (1/norm(k))·Σₜ δxᵢ(t)·δxᵢ(t+k),   δxᵢ = xᵢ − x̄ᵢ,
//
// at lags k = 0..L steps, with x̄ᵢ the time average of unit i over the
// window and norm(k) = T−k (Unbiased) or T (Biased). C(0) is the variance
// averaged over units with divisor T.
type Autocorrelation struct {
	// LagTau is the lag k·step in τ, and C the autocorrelation at each lag,
	// in the squared unit of the signal.
	LagTau []float64
	C      []float64
	// Normalised is C(k)/C(0). It is nil when ZeroVariance is set.
	Normalised []float64
	// ZeroVariance is set when C(0) ≤ Options.VarianceFloor, which
	// includes a window of constant units.
	ZeroVariance bool
	Estimator    Estimator
	// Method is the method actually used, Direct or FFT.
	Method Method
	// Samples is T, the number of time steps in the window.
	Samples int
}

// PopulationAutocorrelation computes the population autocorrelation of the
// T×N row-major trajectory x at lags 0..maxLag steps, each step being step
// τ long. Each unit's time average is subtracted first. A unit whose samples
// are all equal contributes exactly zero, without rounding from its mean.
//
// It returns an error when n < 1, len(x) is not a positive multiple of n,
// T < 2, maxLag is not in [0, T−1], step is not positive and finite, or x
// holds NaN or ±Inf. Cost: see Direct and FFT; Auto picks the cheaper one.
func PopulationAutocorrelation(x []float64, n int, step float64, maxLag int, opts Options) (*Autocorrelation, error) {
	samples, err := checkTrajectory(x, n)
	if err != nil {
		return nil, err
	}
	if samples < 2 {
		return nil, fmt.Errorf("activity: %d time step(s); an autocorrelation needs at least 2", samples)
	}
	if maxLag < 0 || maxLag > samples-1 {
		return nil, fmt.Errorf("activity: maximum lag %d steps is outside [0, T−1 = %d]", maxLag, samples-1)
	}
	if !(step > 0) || math.IsInf(step, 1) {
		return nil, fmt.Errorf("activity: lag spacing %v τ, expected a finite value > 0", step)
	}
	if opts.Estimator != Unbiased && opts.Estimator != Biased {
		return nil, fmt.Errorf("activity: unknown estimator %v", opts.Estimator)
	}
	if !(opts.VarianceFloor >= 0) {
		return nil, fmt.Errorf("activity: variance floor %v, expected a value ≥ 0", opts.VarianceFloor)
	}

	method := opts.Method
	padded := fftLength(samples + maxLag)
	if method == Auto {
		method = FFT
		if float64(samples)*float64(maxLag+1) <= fftCostFactor*float64(padded)*math.Log2(float64(padded)) {
			method = Direct
		}
	}

	var sums []float64
	switch method {
	case Direct:
		sums = directSums(x, n, samples, maxLag)
	case FFT:
		sums = fftSums(x, n, samples, maxLag, padded)
	default:
		return nil, fmt.Errorf("activity: unknown method %v", opts.Method)
	}

	a := &Autocorrelation{
		LagTau:    make([]float64, maxLag+1),
		C:         make([]float64, maxLag+1),
		Estimator: opts.Estimator,
		Method:    method,
		Samples:   samples,
	}
	for k, s := range sums {
		norm := float64(samples)
		if opts.Estimator == Unbiased {
			norm = float64(samples - k)
		}
		a.LagTau[k] = float64(k) * step
		a.C[k] = s / (norm * float64(n))
	}
	// The FFT leaves rounding of order ε·C(0) in a sum that is exactly
	// zero for constant units, so C(0) is taken from the direct sum.
	a.C[0] = centredSumOfSquares(x, n, samples) / (float64(samples) * float64(n))
	if a.C[0] <= opts.VarianceFloor {
		a.ZeroVariance = true
		return a, nil
	}
	a.Normalised = make([]float64, len(a.C))
	for k, c := range a.C {
		a.Normalised[k] = c / a.C[0]
	}
	return a, nil
}

// fftCostFactor is the estimated number of direct multiply-adds that one
// unit of P·log₂P costs in the FFT path (two real transforms per unit,
// each about 2.5·P·log₂P flops, plus the power spectrum). It only steers
// Auto and does not change the result.
const fftCostFactor = 5

// HalfTime returns the half-time of the normalised autocorrelation (see
// the function HalfTime). A window with zero variance has none.
func (a *Autocorrelation) HalfTime() (tau float64, reached bool) {
	if a.ZeroVariance {
		return 0, false
	}
	return HalfTime(a.LagTau, a.Normalised)
}

// HalfTime returns the first lag at which the normalised autocorrelation
// c (c[0] = 1 at lag 0) is ≤ 1/2, interpolated linearly between the two
// lags that straddle 1/2, in the unit of lags. It returns reached = false,
// and 0, when c stays above 1/2 up to the last lag. lags and c must have
// the same length.
func HalfTime(lags, c []float64) (tau float64, reached bool) {
	for k := 1; k < len(c); k++ {
		if c[k] > 0.5 {
			continue
		}
		// c[k−1] > 1/2 ≥ c[k], so the denominator is positive.
		frac := (c[k-1] - 0.5) / (c[k-1] - c[k])
		return lags[k-1] + frac*(lags[k]-lags[k-1]), true
	}
	return 0, false
}

// directSums returns Σᵢ Σₜ δxᵢ(t)·δxᵢ(t+k) for k = 0..maxLag.
func directSums(x []float64, n, samples, maxLag int) []float64 {
	sums := make([]float64, maxLag+1)
	col := make([]float64, samples)
	for i := 0; i < n; i++ {
		centredColumn(col, x, n, i)
		for k := 0; k <= maxLag; k++ {
			s := 0.0
			for t := 0; t+k < samples; t++ {
				s += col[t] * col[t+k]
			}
			sums[k] += s
		}
	}
	return sums
}

// fftSums returns the same sums as directSums. Zero padding to
// padded ≥ T + maxLag keeps the circular correlation of the transform from
// wrapping the end of a series onto its start at the lags returned.
func fftSums(x []float64, n, samples, maxLag, padded int) []float64 {
	tr := fourier.NewFFT(padded)
	seq := make([]float64, padded)
	coeff := make([]complex128, padded/2+1)
	power := make([]complex128, padded/2+1)
	for i := 0; i < n; i++ {
		centredColumn(seq[:samples], x, n, i)
		clear(seq[samples:])
		tr.Coefficients(coeff, seq)
		for f, c := range coeff {
			power[f] += complex(real(c)*real(c)+imag(c)*imag(c), 0)
		}
	}
	// Sequence is unnormalised: it returns padded times the inverse.
	tr.Sequence(seq, power)
	sums := make([]float64, maxLag+1)
	for k := range sums {
		sums[k] = seq[k] / float64(padded)
	}
	return sums
}

// fftLength returns the smallest integer ≥ m whose only prime factors are
// 2, 3 and 5, lengths for which gonum's FFT runs fastest.
func fftLength(m int) int {
	for p := max(m, 1); ; p++ {
		r := p
		for _, f := range []int{2, 3, 5} {
			for r%f == 0 {
				r /= f
			}
		}
		if r == 1 {
			return p
		}
	}
}

// centredColumn writes unit i's series minus its time average into dst. A
// constant column becomes exactly zero.
func centredColumn(dst, x []float64, n, i int) {
	first := x[i]
	constant := true
	mean := 0.0
	for t := range dst {
		v := x[t*n+i]
		dst[t] = v
		mean += v
		if v != first {
			constant = false
		}
	}
	if constant {
		clear(dst)
		return
	}
	mean /= float64(len(dst))
	for t := range dst {
		dst[t] -= mean
	}
}

// centredSumOfSquares returns Σᵢ Σₜ δxᵢ(t)².
func centredSumOfSquares(x []float64, n, samples int) float64 {
	col := make([]float64, samples)
	total := 0.0
	for i := 0; i < n; i++ {
		centredColumn(col, x, n, i)
		for _, v := range col {
			total += v * v
		}
	}
	return total
}

// checkTrajectory returns T for the T×N trajectory x, or an error naming
// the first invalid entry.
func checkTrajectory(x []float64, n int) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("activity: N = %d units, expected at least 1", n)
	}
	if len(x) == 0 || len(x)%n != 0 {
		return 0, fmt.Errorf("activity: trajectory has %d values, expected a positive multiple of N = %d", len(x), n)
	}
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("activity: trajectory entry [step %d, unit %d] = %v is not finite", k/n, k%n, v)
		}
	}
	return len(x) / n, nil
}
