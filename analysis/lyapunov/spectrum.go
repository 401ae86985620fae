package lyapunov

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/rnnlab/rnnlab/model"
)

// Units is the unit of every exponent and rate in a Result, for JSON
// summaries: exponents are per τ (divide by τ in ms for per ms).
const Units = "1/tau"

// Result is the outcome of Spectrum. Exponents and rates are per τ.
type Result struct {
	// Exponents are the K largest Lyapunov exponents λ₁ ≥ … ≥ λ_K.
	Exponents []float64
	// LambdaMax is λ₁.
	LambdaMax float64

	// KaplanYorke is the Kaplan–Yorke dimension of Exponents (see
	// [KaplanYorke]). KaplanYorkeAtLeast is set when all K partial sums are
	// non-negative and K < N: KaplanYorke is then K and the dimension is at
	// least K, so more exponents are needed to measure it.
	KaplanYorke        float64
	KaplanYorkeAtLeast bool

	// EntropyRate is the sum of the positive exponents, an estimate of the
	// Kolmogorov–Sinai entropy rate in nats per τ (Pesin's identity).
	// EntropyAtLeast is set when λ_K > 0 and K < N: positive exponents
	// beyond the K computed may be missing from the sum.
	EntropyRate    float64
	EntropyAtLeast bool

	// LogDetSum is Σₜ ln|det Mₜ| over the observed steps, computed by LU
	// factorisation when Options.CheckSumRule is set, and 0 otherwise. With
	// K = N the sum rule reads Σᵢ λᵢ = LogDetSum/(α·Steps).
	LogDetSum float64

	// FinalState is x at the end of the observation, length N.
	FinalState []float64

	// N is the number of units and K the number of exponents.
	N, K int
	// Alpha is α = dt/τ.
	Alpha float64
	// Steps is the number of observed steps and Time = α·Steps the
	// observation time in τ that the exponents are averaged over.
	Steps int
	Time  float64
	// BurnInSteps, FrameBurnInSteps and QREverySteps are the resolved
	// durations of Options in steps.
	BurnInSteps, FrameBurnInSteps, QREverySteps int
	// QRs counts the QR steps of the frame burn-in and the observation.
	QRs int

	// Convergence traces the running estimates over the observation.
	Convergence Convergence
	// Elapsed is the wall-clock time of the computation.
	Elapsed time.Duration
}

// Spectrum computes the K largest Lyapunov exponents of the network
//
//	x(t+1) = (1−α)·x(t) + α·(W·φ(x(t)) + W_in·u(t) + b)
//
// along one trajectory by the QR method of Benettin et al. (1980) and
// Shimada & Nagashima (1979), with the map Jacobian
//
//	Mₜ = (1−α)·I + α·W·diag(φ′(x(t)))
//	λᵢ = Σ ln Rᵢᵢ / (α·steps)   per τ
//
// where Rᵢᵢ are the diagonals of the QR steps of the tangent frame (see the
// package documentation). Recurrent noise is not simulated: these are the
// exponents of the deterministic network. alpha is α = dt/τ. A
// discrete-time network has α = 1, and its exponents per τ are per step.
//
// The cost per step is O((K+1)·N²) for the state and the tangent update
// (one GEMM) plus, every QREvery, O(N·K²) for the QR step. CheckSumRule
// adds O(N³) per observed step. Memory beyond the weights is O(K·N), and
// O(N²) with CheckSumRule.
//
// Spectrum returns an error, and no result, when the weights, α or the
// options are invalid, and an error wrapping ErrNotFinite when the
// trajectory or the frame becomes NaN or ±Inf.
func Spectrum(w *model.Weights, act model.Activation, alpha float64, opts Options) (*Result, error) {
	start := time.Now()
	s, err := resolve(w, act, alpha, &opts)
	if err != nil {
		return nil, err
	}

	x0 := opts.X0
	if x0 == nil {
		rng := rand.New(model.NewPCG(model.DeriveSeed(opts.Seed, "lyapunov-x0")))
		x0 = make([]float64, s.n)
		for i := range x0 {
			x0[i] = rng.NormFloat64()
		}
	}
	sys := newNetwork(w, act, alpha, opts.Input, x0, s.k)
	frameRNG := rand.New(model.NewPCG(model.DeriveSeed(opts.Seed, "lyapunov-frame")))
	frame := randomFrame(s.k, s.n, frameRNG, newOrthonormalizer(s.k, s.n))

	m, err := measure(sys, s, alpha, frame, opts.CheckSumRule, opts.Observer)
	if err != nil {
		return nil, err
	}

	res := summarize(m, s, alpha)
	res.FinalState = append([]float64(nil), sys.state()...)
	res.Elapsed = time.Since(start)
	return res, nil
}

// summarize turns the sums of a measurement into sorted exponents per τ and
// the quantities derived from them.
func summarize(m *measurement, s schedule, alpha float64) *Result {
	observedTime := alpha * float64(s.observed)
	exps := make([]float64, s.k)
	for i, sum := range m.logSums {
		exps[i] = sum / observedTime
	}
	slices.Sort(exps)
	slices.Reverse(exps)

	ky, saturated := KaplanYorke(exps)
	entropy := 0.0
	for _, l := range exps {
		if l > 0 {
			entropy += l
		}
	}
	return &Result{
		Exponents:          exps,
		LambdaMax:          exps[0],
		KaplanYorke:        ky,
		KaplanYorkeAtLeast: saturated && s.k < s.n,
		EntropyRate:        entropy,
		EntropyAtLeast:     exps[s.k-1] > 0 && s.k < s.n,
		LogDetSum:          m.logDetSum,
		N:                  s.n,
		K:                  s.k,
		Alpha:              alpha,
		Steps:              s.observed,
		Time:               observedTime,
		BurnInSteps:        s.burnIn,
		FrameBurnInSteps:   s.frameBurnIn,
		QREverySteps:       s.qrEvery,
		QRs:                m.qrs,
		Convergence:        m.trace,
	}
}

// KaplanYorke returns the Kaplan–Yorke (Lyapunov) dimension of a set of
// exponents, given in any order:
//
//	D_KY = j + (λ₁ + … + λ_j)/|λ_{j+1}|
//
// with λ₁ ≥ λ₂ ≥ … and j the largest index whose partial sum λ₁ + … + λ_j
// is non-negative. Because the exponents are sorted, the partial sums rise
// while λ ≥ 0 and then fall, so j is well defined. Special cases:
//
//	λ₁ < 0 (a stable fixed point)        0, saturated = false
//	every partial sum ≥ 0, j = K         K, saturated = true
//	λ_{j+1} = −Inf (a singular map)      j
//	any exponent NaN                     NaN
//
// When saturated, the dimension is at least K, and it equals K only if the
// exponents are the full spectrum. The exponents are not modified.
func KaplanYorke(exponents []float64) (dim float64, saturated bool) {
	exps := slices.Clone(exponents)
	for _, l := range exps {
		if math.IsNaN(l) {
			return math.NaN(), false
		}
	}
	slices.Sort(exps)
	slices.Reverse(exps)

	partial := 0.0
	for j, l := range exps {
		if partial+l < 0 {
			// j exponents have a non-negative sum and λ_{j+1} = l < 0.
			return float64(j) + partial/math.Abs(l), false
		}
		partial += l
	}
	return float64(len(exps)), true
}
