package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"

	"github.com/rnnlab/rnnlab/analysis/pca"
	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

// analysis holds the simulated activity and fitted components shared by
// the sections of rnnlab analyze.
type analysis struct {
	cfg   *config.Config
	task  *task.PulseDuration
	w     *model.Weights
	initW *model.Weights
	act   model.Activation
	opt   *analyzeOptions

	// durations are the simulated pulse durations in ms, sorted, the test
	// durations and the sweep together; test and sweep index into them.
	durations   []float64
	test, sweep []int
	conditions  *activity
	spontaneous *activity

	onset, evalOnset int
	durationSteps    []int

	// windows holds the fitted components of each window in the chosen
	// space, nil for a window with zero variance. wholeRates is the
	// whole-trial fit on rates, which the readout section uses whatever
	// the space.
	windows    map[string]*pca.PCA
	wholeRates *pca.PCA
}

func newAnalysis(cfg *config.Config, pd *task.PulseDuration, w, initW *model.Weights, act model.Activation, opt *analyzeOptions) (*analysis, error) {
	a := &analysis{cfg: cfg, task: pd, w: w, initW: initW, act: act, opt: opt, windows: map[string]*pca.PCA{}}
	dt := cfg.Model.DtMs
	var err error
	if a.onset, err = task.Steps("test_onset_ms", pd.P.TestOnsetMs, dt); err != nil {
		return nil, err
	}
	if a.evalOnset, err = task.Steps("eval_onset_ms", pd.P.EvalOnsetMs, dt); err != nil {
		return nil, err
	}
	// The sweep is simulated only for the geometry section.
	sweepMs := opt.sweepMs
	if !opt.only["geometry"] {
		sweepMs = nil
	}
	if opt.roundSweep {
		sweepMs = roundToSteps(sweepMs, dt)
	}
	all := append(slices.Clone(pd.P.TestDurationsMs), sweepMs...)
	sort.Float64s(all)
	a.durations = slices.Compact(all)
	for _, d := range pd.P.TestDurationsMs {
		a.test = append(a.test, slices.Index(a.durations, d))
	}
	for _, d := range sweepMs {
		if !slices.Contains(a.sweepDurations(), d) {
			a.sweep = append(a.sweep, slices.Index(a.durations, d))
		}
	}
	for _, d := range a.durations {
		n, err := task.Steps("duration_ms", d, dt)
		if err != nil {
			return nil, usagef("analyze: --sweep: %v", err)
		}
		if a.onset+n >= a.evalOnset {
			return nil, usagef("analyze: --sweep: a %v ms pulse at %v ms is still on at the memory period's start (%v ms)",
				d, pd.P.TestOnsetMs, pd.P.EvalOnsetMs)
		}
		a.durationSteps = append(a.durationSteps, n)
	}
	return a, nil
}

// roundToSteps rounds each duration to the nearest whole number of steps of
// dt ms (at least one step), so the default sweep fits any dt: with
// dt = 10 ms, 25 ms becomes 30 ms. Durations that coincide are kept once.
func roundToSteps(durations []float64, dt float64) []float64 {
	var out []float64
	for _, d := range durations {
		r := max(1, math.Round(d/dt)) * dt
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// sweepDurations returns the durations of the sweep conditions so far.
func (a *analysis) sweepDurations() []float64 {
	out := make([]float64, len(a.sweep))
	for i, c := range a.sweep {
		out[i] = a.durations[c]
	}
	return out
}

// run simulates the network and runs the requested sections into out,
// writing their arrays and figures under dir.
func (a *analysis) run(ctx context.Context, out *analyzeJSON, dir string) error {
	T := a.task.Steps()
	trials, err := a.task.ConditionTrials(map[string][]float64{"duration_ms": a.durations})
	if err != nil {
		return usagef("analyze: --sweep: %v", err)
	}
	keepCurrents := a.opt.space == "currents"
	alpha := a.cfg.Model.Alpha()
	a.conditions = simulateTrials(a.w, a.act, alpha, trials, T, nil, keepCurrents)
	if err := ctx.Err(); err != nil {
		return err
	}
	x0 := make([]float64, a.w.N)
	for i := range x0 {
		x0[i] = spontaneousStart
	}
	a.spontaneous = simulateTrials(a.w, a.act, alpha, []task.Trial{silentTrial(T, a.w.I)}, T, x0, keepCurrents)
	if err := ctx.Err(); err != nil {
		return err
	}

	if err := a.fitWindows(); err != nil {
		return err
	}
	for _, d := range []string{runio.AnalysisDir, runio.FiguresDir} {
		if err := os.MkdirAll(runio.Path(dir, d), 0o755); err != nil {
			return err
		}
	}
	if a.opt.only["pca"] {
		if out.PCA, err = a.pcaSection(dir); err != nil {
			return err
		}
	}
	if a.opt.only["geometry"] {
		if out.Geometry, err = a.geometrySection(dir); err != nil {
			return err
		}
	}
	if a.opt.only["alignment"] {
		if out.Alignment, err = a.alignmentSection(); err != nil {
			return err
		}
	}
	if a.opt.only["readout"] {
		if err := ctx.Err(); err != nil {
			return err
		}
		if out.Readout, err = a.readoutSection(ctx, dir); err != nil {
			return err
		}
	}
	return nil
}

// windowData returns the S×N activity of a window in the given space:
// every step of the test trials (whole), the steps from the memory
// period's start on (memory), or the run without input (spontaneous).
func (a *analysis) windowData(window, space string) []float64 {
	T, N := a.conditions.T, a.conditions.N
	switch window {
	case "memory":
		return rows(a.conditions.space(space), T, N, a.test, a.evalOnset, T)
	case "spontaneous":
		return a.spontaneous.space(space)
	}
	return rows(a.conditions.space(space), T, N, a.test, 0, T)
}

// fitWindows fits the components of every window in the chosen space, and
// of the whole trial in rates. A window whose activity is constant gets
// nil, which the sections report as zero variance.
func (a *analysis) fitWindows() error {
	fit := func(window, space string) (*pca.PCA, error) {
		p := &pca.PCA{}
		err := p.Fit(a.windowData(window, space), a.w.N)
		if errors.Is(err, pca.ErrZeroVariance) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("analyze: PCA of the %s window (%s): %w", window, space, err)
		}
		return p, nil
	}
	for _, name := range analyzeWindows {
		p, err := fit(name, a.opt.space)
		if err != nil {
			return err
		}
		a.windows[name] = p
	}
	a.wholeRates = a.windows["whole"]
	if a.opt.space != "rates" && a.opt.only["readout"] {
		p, err := fit("whole", "rates")
		if err != nil {
			return err
		}
		a.wholeRates = p
	}
	return nil
}

// k99 returns the number of components holding 99 % of the variance,
// capped at the number with non-negligible variance.
func k99(p *pca.PCA) int {
	return min(p.KFor(0.99), p.Significant())
}
