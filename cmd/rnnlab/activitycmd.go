package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	spontaneous "github.com/rnnlab/rnnlab/analysis/activity"
	"github.com/rnnlab/rnnlab/analysis/dmft"
	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

const activityUsage = `activity DIR [--burn-in T] [--duration T] [--max-lag T] [--seed S] [--x0 random|stored] [--json]

Simulates the run's final network without input and without noise, from
x(0) ~ N(0, 1) drawn from --seed (an unbiased network at the origin would
stay there) or from the stored x0 with --x0 stored, for a burn-in and then
an observation. Durations are in units of τ and are rounded to whole steps
of α = dt/τ; the JSON gives the durations actually simulated.

Over the observation it computes, from the currents x:
  - the population autocorrelation C(s) = (1/N)·Σᵢ ⟨δxᵢ(t)·δxᵢ(t+s)⟩ₜ,
    each unit's time average subtracted, for lags s from 0 to --max-lag τ
    in steps of α, with the unbiased estimator (lag sum divided by T − k);
  - C(s)/C(0) and its half-time, the first lag where it falls to 1/2
    (linear interpolation between lags);
  - the variance C(0) = (1/N)·Σᵢ var(xᵢ), the estimate of the mean-field Δ₀;
  - the participation ratio of the rates and of the currents, plain and
    bias-corrected (the correction assumes independent samples, so for
    correlated time steps it corrects only part of the bias).
A window whose variance is below (2.2e-16·rms x(0))², the float64
resolution of the start state, counts as zero variance: activity has
decayed to a fixed point, and the normalised autocorrelation, half-time
and participation ratios are null.

For an untrained random network from rnnlab init (task none, tanh, b = 0,
α ≤ 0.1) it adds the mean-field predictions for N → ∞ in continuous time:
dmft_delta0 and dmft_autocorrelation Δ(s) on the same lags.

Writes DIR/analysis/activity.json and activity.npz, the figure
DIR/figures/activity.png and .svg (C(s)/C(0) against the lag, the
mean-field Δ(s)/Δ₀ when available, the half-time marked), and prints the
result. The observation is kept in memory: about 3·T·N float64 values for
T observed steps.

JSON keys: variance_x, mean_square_x, variance_r, zero_variance,
autocorrelation {"lag_tau", "c", "c_normalised", "estimator", "method"},
half_time_tau (null when not reached), half_time_status,
participation_ratio_rates, participation_ratio_currents,
participation_ratio_corrected_rates, participation_ratio_corrected_currents,
tau_ms, n, alpha, duration_tau, burn_in_tau, max_lag_tau, seed, x0, and
for a random network dmft_delta0, dmft_autocorrelation and
dmft_half_time_tau.`

// Defaults of rnnlab activity, in τ.
const (
	defaultActivityBurnIn   = 100.0
	defaultActivityDuration = 500.0
	// defaultMaxLagCap bounds the automatic maximum lag, a quarter of the
	// observation, so that long runs do not write huge lag arrays.
	defaultMaxLagCap = 100.0
	// activityChunkSteps is the number of steps simulated per call of
	// model.Simulate during the burn-in, which bounds its memory.
	activityChunkSteps = 1000
)

// Half-time outcomes in activityJSON.HalfTimeStatus.
const (
	halfTimeReached      = "reached"
	halfTimeNotReached   = "not reached within the maximum lag"
	halfTimeZeroVariance = "undefined: zero variance"
)

// activityJSON is the stable JSON output of rnnlab activity.
type activityJSON struct {
	VarianceX       float64             `json:"variance_x"`
	MeanSquareX     float64             `json:"mean_square_x"`
	VarianceR       float64             `json:"variance_r"`
	ZeroVariance    bool                `json:"zero_variance"`
	Autocorrelation activityCorrelation `json:"autocorrelation"`
	// HalfTimeTau is null unless HalfTimeStatus is "reached".
	HalfTimeTau    *float64 `json:"half_time_tau"`
	HalfTimeStatus string   `json:"half_time_status"`

	// Participation ratios are null when the window has zero variance, and
	// the corrected ones also when the correction is undefined.
	PRRates             *float64 `json:"participation_ratio_rates"`
	PRCurrents          *float64 `json:"participation_ratio_currents"`
	PRCorrectedRates    *float64 `json:"participation_ratio_corrected_rates"`
	PRCorrectedCurrents *float64 `json:"participation_ratio_corrected_currents"`

	TauMs       float64 `json:"tau_ms"`
	N           int     `json:"n"`
	Alpha       float64 `json:"alpha"`
	DurationTau float64 `json:"duration_tau"`
	BurnInTau   float64 `json:"burn_in_tau"`
	MaxLagTau   float64 `json:"max_lag_tau"`
	Seed        uint64  `json:"seed"`
	X0          string  `json:"x0"`

	// DMFTDelta0 and DMFTAutocorrelation (Δ(s) on autocorrelation.lag_tau)
	// are present only for an untrained random network (see
	// meanFieldLambdaMax).
	DMFTDelta0          *float64  `json:"dmft_delta0,omitempty"`
	DMFTAutocorrelation []float64 `json:"dmft_autocorrelation,omitempty"`
	// DMFTHalfTimeTau is the half-time of Δ(s)/Δ₀ on the same lags, absent
	// when Δ₀ = 0 or Δ(s)/Δ₀ stays above 1/2 up to the maximum lag.
	DMFTHalfTimeTau *float64 `json:"dmft_half_time_tau,omitempty"`
}

type activityCorrelation struct {
	LagTau []float64 `json:"lag_tau"`
	C      []float64 `json:"c"`
	// CNormalised is null when the window has zero variance.
	CNormalised []float64 `json:"c_normalised"`
	Estimator   string    `json:"estimator"`
	Method      string    `json:"method"`
}

func runActivity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("activity", activityUsage, stderr)
	burnIn := fs.Float64("burn-in", defaultActivityBurnIn, "transient in τ simulated before the observation (≥ 0)")
	duration := fs.Float64("duration", defaultActivityDuration, "observation time in τ (> 0)")
	maxLag := fs.Float64("max-lag", 0, "largest lag of the autocorrelation in τ (0: a quarter of the duration, at most 100 τ)")
	seed := fs.Uint64("seed", 1, "seed of the start state x(0) ~ N(0, 1)")
	x0 := fs.String("x0", "random", "start state: random (x ~ N(0,1)) or stored (the run's x0)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("activity: want one run directory, got %d arguments", len(rest))
	}
	if *x0 != "random" && *x0 != "stored" {
		return usagef("activity: --x0 must be random or stored, got %q", *x0)
	}
	if !(*burnIn >= 0) || math.IsInf(*burnIn, 1) {
		return usagef("activity: --burn-in must be a finite duration ≥ 0 in τ, got %v", *burnIn)
	}
	if !(*duration > 0) || math.IsInf(*duration, 1) {
		return usagef("activity: --duration must be a finite duration > 0 in τ, got %v", *duration)
	}
	if !(*maxLag >= 0) || math.IsInf(*maxLag, 1) {
		return usagef("activity: --max-lag must be a finite lag ≥ 0 in τ (0 for automatic), got %v", *maxLag)
	}
	dir := rest[0]
	cfg, _, w, err := openRun(dir)
	if err != nil {
		return err
	}
	act, err := model.LookupActivation(cfg.Model.Activation)
	if err != nil {
		return err
	}
	alpha := cfg.Model.Alpha()
	burnSteps := int(math.Round(*burnIn / alpha))
	obsSteps := int(math.Round(*duration / alpha))
	if obsSteps < 2 {
		return usagef("activity: --duration %v τ is %d step(s) at α = %g; an autocorrelation needs at least 2", *duration, obsSteps, alpha)
	}
	if *maxLag == 0 {
		*maxLag = min(float64(obsSteps)*alpha/4, defaultMaxLagCap)
	}
	lagSteps := int(math.Round(*maxLag / alpha))
	if lagSteps < 1 || lagSteps > obsSteps-1 {
		return usagef("activity: --max-lag %v τ is %d steps at α = %g; it must be between 1 step and the observation minus one step (%d steps)",
			*maxLag, lagSteps, alpha, obsSteps-1)
	}

	start := slices.Clone(w.X0)
	if *x0 == "random" {
		rng := rand.New(model.NewPCG(model.DeriveSeed(*seed, "activity-x0")))
		for i := range start {
			start[i] = rng.NormFloat64()
		}
	}
	currents, rates, err := simulateSpontaneous(ctx, w, act, alpha, start, burnSteps, obsSteps)
	if err != nil {
		return fmt.Errorf("activity %s: %w", dir, err)
	}

	out := &activityJSON{TauMs: cfg.Model.TauMs, N: w.N, Alpha: alpha, DurationTau: float64(obsSteps) * alpha,
		BurnInTau: float64(burnSteps) * alpha, MaxLagTau: float64(lagSteps) * alpha, Seed: *seed, X0: *x0}
	if err := summariseActivity(out, currents, rates, w.N, alpha, lagSteps, varianceFloor(start)); err != nil {
		return fmt.Errorf("activity %s: %w", dir, err)
	}
	if err := addMeanField(out, dir, cfg, w); err != nil {
		return err
	}
	if err := writeActivity(dir, out); err != nil {
		return err
	}
	if err := writeActivityFigure(dir, cfg, out); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printActivity(stdout, out)
	fmt.Fprintf(stdout, "results in %s\n", runio.Path(dir, runio.AnalysisDir))
	return nil
}

// varianceFloor returns (ε·rms x(0))² with ε the float64 machine epsilon:
// fluctuations smaller than the rounding of the start state count as zero
// variance. A start state of zeros gives 0, so only exact zero counts.
func varianceFloor(start []float64) float64 {
	meanSquare := 0.0
	for _, v := range start {
		meanSquare += v * v
	}
	meanSquare /= float64(len(start))
	const eps = 0x1p-52
	return eps * eps * meanSquare
}

// simulateSpontaneous runs the network without input from start for
// burnSteps unrecorded steps and returns the currents and rates of the
// next obsSteps steps, each obsSteps×N row-major. The burn-in runs in
// chunks of activityChunkSteps so that its memory stays bounded. It stops
// with ctx's error when ctx is cancelled between chunks, and returns an
// error when the state becomes NaN or ±Inf.
func simulateSpontaneous(ctx context.Context, w *model.Weights, act model.Activation, alpha float64,
	start []float64, burnSteps, obsSteps int) (currents, rates []float64, err error) {
	n := w.N
	net := *w // shallow copy whose X0 is replaced by the current state
	net.X0 = slices.Clone(start)
	zeros := make([]float64, activityChunkSteps*w.I)
	currents = make([]float64, obsSteps*n)
	rates = make([]float64, obsSteps*n)

	total := burnSteps + obsSteps
	for done := 0; done < total; {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		steps := min(activityChunkSteps, total-done)
		// A chunk never straddles the start of the observation.
		if done < burnSteps {
			steps = min(steps, burnSteps-done)
		}
		tr := model.Simulate(&net, act, alpha, zeros[:steps*w.I], steps, 1, model.SimOptions{Record: true})
		last := tr.X[(steps-1)*n : steps*n]
		if i := slices.IndexFunc(last, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }); i >= 0 {
			return nil, nil, fmt.Errorf("the simulation diverged: x[%d] = %v after %d steps", i, last[i], done+steps)
		}
		if done >= burnSteps {
			offset := (done - burnSteps) * n
			copy(currents[offset:], tr.X)
			copy(rates[offset:], tr.R)
		}
		copy(net.X0, last)
		done += steps
	}
	return currents, rates, nil
}

// summariseActivity fills the statistics of out from the observation.
func summariseActivity(out *activityJSON, currents, rates []float64, n int, alpha float64, lagSteps int, floor float64) error {
	mx, err := spontaneous.SecondMoments(currents, n, floor)
	if err != nil {
		return err
	}
	mr, err := spontaneous.SecondMoments(rates, n, 0)
	if err != nil {
		return err
	}
	out.VarianceX, out.MeanSquareX, out.VarianceR, out.ZeroVariance = mx.Variance, mx.MeanSquare, mr.Variance, mx.ZeroVariance

	ac, err := spontaneous.PopulationAutocorrelation(currents, n, alpha, lagSteps, spontaneous.Options{VarianceFloor: floor})
	if err != nil {
		return err
	}
	out.Autocorrelation = activityCorrelation{LagTau: ac.LagTau, C: ac.C, CNormalised: ac.Normalised,
		Estimator: ac.Estimator.String(), Method: ac.Method.String()}
	switch half, ok := ac.HalfTime(); {
	case ac.ZeroVariance:
		out.HalfTimeStatus = halfTimeZeroVariance
	case ok:
		out.HalfTimeTau = &half
		out.HalfTimeStatus = halfTimeReached
	default:
		out.HalfTimeStatus = halfTimeNotReached
	}
	if mx.ZeroVariance {
		return nil
	}

	for _, c := range []struct {
		x              []float64
		plain, correct **float64
	}{
		{rates, &out.PRRates, &out.PRCorrectedRates},
		{currents, &out.PRCurrents, &out.PRCorrectedCurrents},
	} {
		d, err := spontaneous.ParticipationRatio(c.x, n)
		if err != nil {
			return err
		}
		if d.ZeroVariance {
			continue
		}
		*c.plain = &d.PR
		if d.CorrectedOK {
			*c.correct = &d.Corrected
		}
	}
	return nil
}

// addMeanField adds the mean-field Δ₀ and Δ(s) when the theory describes
// the run: the same conditions as for the mean-field λ_max of rnnlab
// lyapunov, restricted to the flow (α ≤ 0.1), since the map has no
// autocorrelation in rnnlab.
func addMeanField(out *activityJSON, dir string, cfg *config.Config, w *model.Weights) error {
	if cfg.Model.Alpha() > maxFlowAlpha {
		return nil
	}
	applies, err := meanFieldLambdaMax(dir, cfg, w, "none")
	if err != nil || applies == nil {
		return err
	}
	sol, err := dmft.Theory{Act: dmft.Tanh}.Solve(cfg.Model.G)
	if err != nil {
		return fmt.Errorf("mean-field autocorrelation at g = %g: %w", cfg.Model.G, err)
	}
	out.DMFTDelta0 = &sol.Delta0
	out.DMFTAutocorrelation = make([]float64, len(out.Autocorrelation.LagTau))
	normalised := make([]float64, len(out.DMFTAutocorrelation))
	for k, s := range out.Autocorrelation.LagTau {
		out.DMFTAutocorrelation[k] = sol.At(s)
		if sol.Delta0 > 0 {
			normalised[k] = out.DMFTAutocorrelation[k] / sol.Delta0
		}
	}
	if half, ok := spontaneous.HalfTime(out.Autocorrelation.LagTau, normalised); ok && sol.Delta0 > 0 {
		out.DMFTHalfTimeTau = &half
	}
	return nil
}

// writeActivity stores the result as DIR/analysis/activity.json and its
// arrays as activity.npz.
func writeActivity(dir string, out *activityJSON) error {
	ac := out.Autocorrelation
	arrays := []runio.Tensor{
		{Name: "lag_tau", Shape: []int{len(ac.LagTau)}, F64: ac.LagTau},
		{Name: "c", Shape: []int{len(ac.C)}, F64: ac.C},
		{Name: "c_normalised", Shape: []int{len(ac.CNormalised)}, F64: nonNil(ac.CNormalised)},
	}
	if out.DMFTAutocorrelation != nil {
		arrays = append(arrays, runio.Tensor{Name: "dmft_autocorrelation", Shape: []int{len(out.DMFTAutocorrelation)}, F64: out.DMFTAutocorrelation})
	}
	return runio.WriteAnalysis(dir, "activity", out, arrays)
}

// writeActivityFigure draws DIR/figures/activity.png and .svg.
func writeActivityFigure(dir string, cfg *config.Config, out *activityJSON) error {
	fig := report.ActivityCorrelation{
		Title:      fmt.Sprintf("Spontaneous activity, N = %d, g = %g", out.N, cfg.Model.G),
		LagTau:     out.Autocorrelation.LagTau,
		Normalised: out.Autocorrelation.CNormalised,
		HalfTime:   math.NaN(),
		Note: fmt.Sprintf("currents x over %g τ after a %g τ burn-in, α = %g, seed %d;  variance %.4g",
			out.DurationTau, out.BurnInTau, out.Alpha, out.Seed, out.VarianceX),
	}
	if out.HalfTimeTau != nil {
		fig.HalfTime = *out.HalfTimeTau
	}
	if out.DMFTDelta0 != nil {
		if *out.DMFTDelta0 > 0 {
			fig.Theory = make([]float64, len(out.DMFTAutocorrelation))
			for k, d := range out.DMFTAutocorrelation {
				fig.Theory[k] = d / *out.DMFTDelta0
			}
			fig.Note += fmt.Sprintf(",  mean-field Δ₀ = %.4g", *out.DMFTDelta0)
		} else {
			fig.Note += ";  mean-field theory: g ≤ 1, activity decays to x = 0"
		}
	}
	figs := runio.Path(dir, runio.FiguresDir)
	if err := os.MkdirAll(figs, 0o755); err != nil {
		return err
	}
	if err := report.ActivityAutocorrelation(figs, fig); err != nil {
		return fmt.Errorf("activity figure: %w", err)
	}
	return nil
}

// printActivity prints the result as text.
func printActivity(w io.Writer, out *activityJSON) {
	fmt.Fprintf(w, "spontaneous activity of N = %d units over %g τ after %g τ of burn-in (τ = %g ms)\n",
		out.N, out.DurationTau, out.BurnInTau, out.TauMs)
	fmt.Fprintf(w, "   variance of x %.6g", out.VarianceX)
	if out.DMFTDelta0 != nil {
		fmt.Fprintf(w, " (mean-field Δ₀ = %.6g for N → ∞)", *out.DMFTDelta0)
	}
	fmt.Fprintln(w)
	if out.ZeroVariance {
		fmt.Fprintln(w, "   zero variance: activity decayed to a fixed point, so the autocorrelation has no half-time and the participation ratio is undefined")
		return
	}
	if out.HalfTimeTau != nil {
		fmt.Fprintf(w, "   half-time of C(s)/C(0): %.4g τ", *out.HalfTimeTau)
		if out.DMFTHalfTimeTau != nil {
			fmt.Fprintf(w, " (mean-field %.4g τ for N → ∞)", *out.DMFTHalfTimeTau)
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "   half-time of C(s)/C(0): not reached within %g τ; try a larger --max-lag\n", out.MaxLagTau)
	}
	for _, pr := range []struct {
		name           string
		plain, correct *float64
	}{{"rates", out.PRRates, out.PRCorrectedRates}, {"currents", out.PRCurrents, out.PRCorrectedCurrents}} {
		if pr.plain == nil {
			fmt.Fprintf(w, "   participation ratio of the %s: undefined (zero variance)\n", pr.name)
			continue
		}
		fmt.Fprintf(w, "   participation ratio of the %s: %.4g", pr.name, *pr.plain)
		if pr.correct != nil {
			fmt.Fprintf(w, " (bias-corrected %.4g)", *pr.correct)
		}
		fmt.Fprintln(w)
	}
}
