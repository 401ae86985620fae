package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/rnnlab/rnnlab/analysis/lyapunov"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

const lyapunovUsage = `lyapunov DIR [--k K] [--input none|task] [--condition KEY=V] [--burn-in T] [--duration T] [--qr-every T] [--json]

Computes the K largest Lyapunov exponents of the run's final network by the
QR method along a trajectory, in units of 1/τ. Durations are in units of τ.
The start state is x(0) ~ N(0, 1) from --seed (an unbiased network at the
origin would stay there), or the stored x0 with --x0 stored.

--input none runs the autonomous network. --input task drives it with the
task's test trials one after another, repeated for the whole run (with
--condition, the trials of those conditions instead).

Writes DIR/analysis/lyapunov.json and lyapunov.npz (exponents, convergence
trace), the figure DIR/figures/lyapunov_convergence.png and .svg of the
running λ_max, and prints the result. JSON keys: lyapunov_exponents
(descending, per τ), lambda_max, kaplan_yorke_dimension, entropy_rate,
units ("1/tau"), tau_ms, and the settings used. For an untrained random
network from rnnlab init (task none, b = 0, α ≤ 0.1 or α = 1) run with
--input none, dmft_lambda_max adds the mean-field λ_max for N → ∞, which
finite networks fall short of (see rnnlab dmft).`

// lyapunovJSON is the stable JSON output of rnnlab lyapunov.
type lyapunovJSON struct {
	Exponents          []float64 `json:"lyapunov_exponents"`
	LambdaMax          float64   `json:"lambda_max"`
	KaplanYorke        float64   `json:"kaplan_yorke_dimension"`
	KaplanYorkeAtLeast bool      `json:"kaplan_yorke_is_lower_bound"`
	EntropyRate        float64   `json:"entropy_rate"`
	EntropyAtLeast     bool      `json:"entropy_rate_is_lower_bound"`
	Units              string    `json:"units"`
	TauMs              float64   `json:"tau_ms"`
	N                  int       `json:"n"`
	K                  int       `json:"k"`
	Alpha              float64   `json:"alpha"`
	Input              string    `json:"input"`
	BurnInTau          float64   `json:"burn_in_tau"`
	DurationTau        float64   `json:"duration_tau"`
	QREveryTau         float64   `json:"qr_every_tau"`
	Seed               uint64    `json:"seed"`
	// SumRuleRelativeError compares Σλᵢ with the accumulated
	// log-determinants when K = N.
	SumRuleRelativeError *float64 `json:"sum_rule_relative_error,omitempty"`
	// Periods holds the exponents accumulated inside each --periods window.
	Periods map[string]periodJSON `json:"periods,omitempty"`
	// DMFTLambdaMax is the mean-field λ_max for N → ∞ when the run is an
	// untrained random network (see meanFieldLambdaMax).
	DMFTLambdaMax *float64 `json:"dmft_lambda_max,omitempty"`
}

func runLyapunov(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("lyapunov", lyapunovUsage, stderr)
	k := fs.Int("k", 1, "number of exponents (1 to N)")
	input := fs.String("input", "none", "none (autonomous) or task (driven by the task's trials)")
	conds := conditionList{}
	fs.Var(conds, "condition", "`KEY=V1,V2` trials driving the network (implies --input task)")
	burnIn := fs.Float64("burn-in", lyapunov.DefaultBurnIn, "network transient in τ")
	frameBurnIn := fs.Float64("frame-burn-in", lyapunov.DefaultFrameBurnIn, "transient of the orthonormal frame in τ")
	duration := fs.Float64("duration", lyapunov.DefaultDuration, "observation time in τ")
	qrEvery := fs.Float64("qr-every", lyapunov.DefaultQREvery, "re-orthonormalisation interval in τ")
	seed := fs.Uint64("seed", 1, "seed of the start state and the initial frame")
	periodsFlag := fs.String("periods", "", "`NAME=START-END,...` trial-time windows in ms for exponents per task period (with --input task; re-orthonormalises every step)")
	x0 := fs.String("x0", "random", "start state: random (x ~ N(0,1)) or stored (the run's x0)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("lyapunov: want one run directory, got %d arguments", len(rest))
	}
	if len(conds) > 0 {
		*input = "task"
	}
	if *input != "none" && *input != "task" {
		return usagef("lyapunov: --input must be none or task, got %q", *input)
	}
	if *x0 != "random" && *x0 != "stored" {
		return usagef("lyapunov: --x0 must be random or stored, got %q", *x0)
	}
	dir := rest[0]
	cfg, tk, w, err := openRun(dir)
	if err != nil {
		return err
	}
	if *k < 1 || *k > w.N {
		return usagef("lyapunov: --k must be between 1 and N = %d, got %d", w.N, *k)
	}
	act, err := model.LookupActivation(cfg.Model.Activation)
	if err != nil {
		return err
	}
	opts := lyapunov.Options{K: *k, BurnIn: *burnIn, FrameBurnIn: *frameBurnIn, Duration: *duration,
		QREvery: *qrEvery, Seed: *seed, CheckSumRule: *k == w.N}
	if *x0 == "stored" {
		opts.X0 = slices.Clone(w.X0)
	}
	if *input == "task" {
		trials := tk.TestTrials()
		if len(conds) > 0 {
			ct, ok := tk.(task.Conditioned)
			if !ok {
				return usagef("lyapunov: task %s takes no --condition", tk.Name())
			}
			if trials, err = ct.ConditionTrials(conds); err != nil {
				return usagef("lyapunov: --condition: %v", err)
			}
		}
		if len(trials) == 0 || w.I == 0 {
			return usagef("lyapunov: task %s has no inputs to drive the network with", tk.Name())
		}
		T := tk.Steps()
		opts.Input = func(step int, u []float64) {
			tr := trials[(step/T)%len(trials)]
			t := step % T
			copy(u, tr.Input[t*w.I:(t+1)*w.I])
		}
	}
	var acc *periodAccumulator
	if *periodsFlag != "" {
		if *input != "task" {
			return usagef("lyapunov: --periods needs --input task")
		}
		periods, err := parsePeriods(*periodsFlag)
		if err != nil {
			return usagef("lyapunov: %v", err)
		}
		alpha := cfg.Model.Alpha()
		opts.QREvery = alpha
		*qrEvery = alpha
		offset := phaseSteps(opts.BurnIn, lyapunov.DefaultBurnIn, alpha) + phaseSteps(opts.FrameBurnIn, lyapunov.DefaultFrameBurnIn, alpha)
		acc = newPeriodAccumulator(periods, offset, tk.Steps(), alpha, cfg.Model.DtMs, *k)
		opts.Observer = acc.observe
	}
	res, err := lyapunov.Spectrum(w, act, cfg.Model.Alpha(), opts)
	if err != nil {
		return fmt.Errorf("lyapunov %s: %w", dir, err)
	}
	out := lyapunovJSON{Exponents: res.Exponents, LambdaMax: res.LambdaMax, KaplanYorke: res.KaplanYorke,
		KaplanYorkeAtLeast: res.KaplanYorkeAtLeast, EntropyRate: res.EntropyRate, EntropyAtLeast: res.EntropyAtLeast,
		Units: lyapunov.Units, TauMs: cfg.Model.TauMs, N: w.N, K: *k, Alpha: cfg.Model.Alpha(), Input: *input,
		BurnInTau: *burnIn, DurationTau: *duration, QREveryTau: *qrEvery, Seed: *seed}
	if acc != nil {
		out.Periods = acc.results()
	}
	if opts.CheckSumRule {
		sum := 0.0
		for _, l := range res.Exponents {
			sum += l
		}
		rule := res.LogDetSum / (cfg.Model.Alpha() * float64(res.Steps))
		rel := (sum - rule) / rule
		out.SumRuleRelativeError = &rel
	}
	if out.DMFTLambdaMax, err = meanFieldLambdaMax(dir, cfg, w, *input); err != nil {
		return err
	}
	if err := writeLyapunov(dir, &out, res); err != nil {
		return err
	}
	if err := writeLyapunovFigure(dir, cfg, &out, res); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "λ_max = %.6g per τ (τ = %g ms, so %.6g per s)\n", res.LambdaMax, cfg.Model.TauMs, res.LambdaMax/cfg.Model.TauMs*1000)
	if *k > 1 {
		fmt.Fprintf(stdout, "Kaplan–Yorke dimension %.4g, entropy rate %.4g per τ\n", res.KaplanYorke, res.EntropyRate)
	}
	fmt.Fprintf(stdout, "results in %s\n", runio.Path(dir, runio.AnalysisDir))
	return nil
}

// writeLyapunov stores the result as DIR/analysis/lyapunov.json and the
// exponents and convergence trace as lyapunov.npz.
func writeLyapunov(dir string, out *lyapunovJSON, res *lyapunov.Result) error {
	c := res.Convergence
	arrays := []runio.Tensor{
		{Name: "lyapunov_exponents", Shape: []int{len(res.Exponents)}, F64: res.Exponents},
		{Name: "convergence_time_tau", Shape: []int{len(c.Time)}, F64: nonNil(c.Time)},
		{Name: "convergence_lambda_max", Shape: []int{len(c.LambdaMax)}, F64: nonNil(c.LambdaMax)},
		{Name: "convergence_sum", Shape: []int{len(c.Sum)}, F64: nonNil(c.Sum)},
	}
	return runio.WriteAnalysis(dir, "lyapunov", out, arrays)
}

func nonNil(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}
