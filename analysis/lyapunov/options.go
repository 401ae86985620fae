package lyapunov

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/model"
)

// Defaults of Options, in units of τ where they are durations. They suit
// random tanh networks with a gain g of a few. The network transient is
// long against the decay time of the start state. Between two QR steps 1 τ
// apart, the frame stretches only by about exp(λ₁ − λ_K), so it stays well
// conditioned.
const (
	DefaultBurnIn      = 100.0
	DefaultFrameBurnIn = 20.0
	DefaultDuration    = 1000.0
	DefaultQREvery     = 1.0
	DefaultCheckpoints = 1000
)

// Options configures Spectrum. The zero value computes the largest exponent
// of the autonomous network with the defaults below. Durations are in units
// of τ and become steps = round(duration/α). The counts actually used are
// reported in [Result], and the exponents are divided by the time actually
// observed, so rounding does not bias them.
type Options struct {
	// K is the number of exponents, 1 ≤ K ≤ N. Zero means 1 (λ_max only).
	// The cost per step grows as O(K·N²).
	K int

	// BurnIn is the network transient in τ, run before the tangent frame
	// starts. Zero means DefaultBurnIn (100 τ). A negative value means none.
	BurnIn float64

	// FrameBurnIn is the transient of the orthonormal frame in τ: the frame
	// is evolved and re-orthonormalised, but nothing is averaged, so the
	// frame has turned into the most expanding directions before the
	// average starts. Zero means DefaultFrameBurnIn (20 τ). A negative
	// value means none.
	FrameBurnIn float64

	// Duration is the observation time T in τ over which the exponents are
	// averaged. Zero means DefaultDuration (1000 τ). It is at least one step.
	Duration float64

	// QREvery is the interval between re-orthonormalisations in τ. Zero
	// means DefaultQREvery (1 τ). It is at least one step, and a QR step
	// always ends each phase, so a run shorter than QREvery still measures
	// its whole duration.
	QREvery float64

	// X0 is the start state x(0), length N. Nil draws xᵢ(0) ~ N(0, 1) from
	// Seed, so an unbiased network does not sit on the origin (a fixed
	// point) forever. Pass a copy of Weights.X0 to start from the stored
	// initial state.
	X0 []float64

	// Seed seeds the draws of x(0) (when X0 is nil) and of the initial
	// frame, from two streams with seeds model.DeriveSeed(Seed, "lyapunov-x0")
	// and model.DeriveSeed(Seed, "lyapunov-frame").
	Seed uint64

	// Input fills u (length I) with the input u(step) of the given step,
	// counted from x(0) over burn-in, frame burn-in and observation. Input
	// must set every element. Nil means u = 0, an autonomous network.
	Input func(step int, u []float64)

	// CheckSumRule computes ln|det Mₜ| by an LU factorisation at every
	// observed step and stores the sum in Result.LogDetSum, for a check of
	// the sum rule Σᵢ λᵢ = Σₜ ln|det Mₜ| / (α·steps) with K = N. It costs an
	// extra O(N³) per step.
	CheckSumRule bool

	// Checkpoints is the maximum number of points in Result.Convergence.
	// Zero means DefaultCheckpoints (1000). A negative value keeps none.
	Checkpoints int

	// Observer, if not nil, is called after every QR step (and every QREvery
	// steps of the network transient) with the progress and the running
	// estimates. It must not keep Checkpoint.Exponents after it returns.
	Observer func(Checkpoint)
}

// Phase is a stage of a Spectrum computation.
type Phase int

const (
	// PhaseBurnIn is the network transient, before the tangent frame starts.
	PhaseBurnIn Phase = iota
	// PhaseFrameBurnIn is the transient of the orthonormal frame.
	PhaseFrameBurnIn
	// PhaseObserve is the observation over which exponents are averaged.
	PhaseObserve
)

func (p Phase) String() string {
	switch p {
	case PhaseBurnIn:
		return "burn-in"
	case PhaseFrameBurnIn:
		return "frame burn-in"
	case PhaseObserve:
		return "observe"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Checkpoint is the progress report passed to Options.Observer.
type Checkpoint struct {
	Phase Phase
	// Step counts the steps done in this phase, out of PhaseSteps.
	Step, PhaseSteps int
	// Exponents are the running estimates λᵢ = Σ ln Rᵢᵢ / (α·Step) per τ
	// during PhaseObserve, in frame order (descending once the frame has
	// converged), and nil in the other phases. The slice is reused by the
	// next call.
	Exponents []float64
}

// schedule is Options resolved against a network: step counts and sizes.
type schedule struct {
	n, k                          int
	burnIn, frameBurnIn, observed int
	qrEvery                       int
	checkpoints                   int
}

// resolve checks the arguments of Spectrum and converts the options into
// step counts. The error names the invalid value.
func resolve(w *model.Weights, act model.Activation, alpha float64, opts *Options) (schedule, error) {
	var s schedule
	if w == nil {
		return s, fmt.Errorf("lyapunov: weights are nil")
	}
	if act == nil {
		return s, fmt.Errorf("lyapunov: activation is nil")
	}
	n := w.N
	if n < 1 {
		return s, fmt.Errorf("lyapunov: network has N = %d units, want at least 1", n)
	}
	if len(w.W) != n*n || len(w.WIn) != n*w.I || len(w.B) != n {
		return s, fmt.Errorf("lyapunov: weight shapes do not match N = %d, I = %d: len(W) = %d, len(W_in) = %d, len(b) = %d",
			n, w.I, len(w.W), len(w.WIn), len(w.B))
	}
	for _, g := range []string{model.GroupW, model.GroupWIn, model.GroupB} {
		v, _ := w.Group(g)
		if i := firstNonFinite(v); i >= 0 {
			return s, fmt.Errorf("lyapunov: weight %s[%d] is %v", g, i, v[i])
		}
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return s, fmt.Errorf("lyapunov: α = dt/τ is %v, want a finite value > 0", alpha)
	}

	k := opts.K
	if k == 0 {
		k = 1
	}
	if k < 1 || k > n {
		return s, fmt.Errorf("lyapunov: K = %d exponents requested, want 1 ≤ K ≤ N = %d", opts.K, n)
	}
	if opts.X0 != nil {
		if len(opts.X0) != n {
			return s, fmt.Errorf("lyapunov: start state X0 has length %d, want N = %d", len(opts.X0), n)
		}
		if i := firstNonFinite(opts.X0); i >= 0 {
			return s, fmt.Errorf("lyapunov: start state X0[%d] is %v", i, opts.X0[i])
		}
	}

	var err error
	s = schedule{n: n, k: k}
	if s.burnIn, err = steps("BurnIn", opts.BurnIn, DefaultBurnIn, alpha, true); err != nil {
		return s, err
	}
	if s.frameBurnIn, err = steps("FrameBurnIn", opts.FrameBurnIn, DefaultFrameBurnIn, alpha, true); err != nil {
		return s, err
	}
	if s.observed, err = steps("Duration", opts.Duration, DefaultDuration, alpha, false); err != nil {
		return s, err
	}
	if s.qrEvery, err = steps("QREvery", opts.QREvery, DefaultQREvery, alpha, false); err != nil {
		return s, err
	}
	s.checkpoints = opts.Checkpoints
	if s.checkpoints == 0 {
		s.checkpoints = DefaultCheckpoints
	}
	s.checkpoints = max(s.checkpoints, 0)
	return s, nil
}

// maxSteps bounds every step count so that later sums of counts cannot
// overflow an int.
const maxSteps = 1 << 40

// steps converts a duration in τ into round(duration/α) steps. Zero selects
// def. A negative duration means no steps when canBeNone is set and is an
// error otherwise. A positive duration gives at least one step.
func steps(name string, duration, def, alpha float64, canBeNone bool) (int, error) {
	switch {
	case math.IsNaN(duration) || math.IsInf(duration, 0):
		return 0, fmt.Errorf("lyapunov: %s is %v, want a finite duration in τ", name, duration)
	case duration == 0:
		duration = def
	case duration < 0 && canBeNone:
		return 0, nil
	case duration < 0:
		return 0, fmt.Errorf("lyapunov: %s is %v τ, want a duration > 0 (0 selects the default %v τ)", name, duration, def)
	}
	count := math.Round(duration / alpha)
	if count > maxSteps {
		return 0, fmt.Errorf("lyapunov: %s = %v τ is %.3g steps at α = %v, more than the limit of %d", name, duration, count, alpha, maxSteps)
	}
	return max(int(count), 1), nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in v, or −1.
func firstNonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}
