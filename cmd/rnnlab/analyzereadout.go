package main

import (
	"context"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/geometry"
	"github.com/rnnlab/rnnlab/analysis/readout"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

// geometryJSON is the geometry section of analyze.json.
type geometryJSON struct {
	Window       string    `json:"window"`
	Space        string    `json:"space"`
	DurationsMs  []float64 `json:"durations_ms"`
	Pairs        int       `json:"pairs"`
	SlopePerMs   float64   `json:"slope_per_ms"`
	Intercept    float64   `json:"intercept"`
	R2           float64   `json:"r2"`
	MeanAbsCos   float64   `json:"parallelism_mean_abs_cos"`
	MeanCos      float64   `json:"parallelism_mean_cos"`
	MeanAbsAngle float64   `json:"parallelism_mean_abs_angle_rad"`
}

// geometrySection relates the memory-period distance between the sweep's
// conditions, in full space, to their duration difference.
func (a *analysis) geometrySection(dir string) (*geometryJSON, error) {
	T, N := a.conditions.T, a.conditions.N
	data := rows(a.conditions.space(a.opt.space), T, N, a.sweep, a.evalOnset, T)
	tm := T - a.evalOnset
	tr := geometry.Trajectories{Data: data, C: len(a.sweep), T: tm, D: N}
	values := a.sweepDurations()

	fit, err := geometry.DistanceVsValue(tr, values, geometry.Window{})
	if err != nil {
		return nil, fmt.Errorf("analyze: geometry: %w", err)
	}
	out := &geometryJSON{Window: "memory", Space: a.opt.space, DurationsMs: values, Pairs: fit.Points,
		SlopePerMs: fit.Slope, Intercept: fit.Intercept, R2: fit.R2}

	// Parallelism averaged over every pair whose velocities are defined.
	var sumAbs, sum, sumAngle float64
	var pairs int
	for i := range tr.C {
		for j := i + 1; j < tr.C; j++ {
			par, err := geometry.Parallelism(tr, i, j, geometry.Window{})
			if err != nil {
				continue
			}
			sumAbs += par.MeanAbsCos
			sum += par.MeanCos
			sumAngle += par.MeanAbsAngle
			pairs++
		}
	}
	if pairs > 0 {
		out.MeanAbsCos, out.MeanCos, out.MeanAbsAngle = sumAbs/float64(pairs), sum/float64(pairs), sumAngle/float64(pairs)
	}

	mean := geometry.MeanDistances(nil, tr, geometry.Window{})
	var diff, dist []float64
	for i := range tr.C {
		for j := i + 1; j < tr.C; j++ {
			diff = append(diff, math.Abs(values[i]-values[j]))
			dist = append(dist, mean[i*tr.C+j])
		}
	}
	timeMs := make([]float64, tm)
	for t := range timeMs {
		timeMs[t] = float64(a.evalOnset+t+1) * a.cfg.Model.DtMs
	}

	// Distance over time between the test durations, which are in the
	// sweep when --sweep includes them.
	fig := report.DistanceFigure{
		Title:         fmt.Sprintf("Distance between conditions in the memory period (%s, all %d units)", a.opt.space, N),
		Note:          fmt.Sprintf("line: distance ≈ %.3g + %.3g·|Δduration/ms|, R² = %.3f; mean |cos| of the velocities %.3f", fit.Intercept, fit.Slope, fit.R2, out.MeanAbsCos),
		ValueLabel:    "|difference of pulse durations| (ms)",
		DistanceLabel: "distance between trajectories",
		Difference:    diff, MeanDistance: dist,
		Slope: fit.Slope, Intercept: fit.Intercept,
		TimeLabel: "time in the trial (ms)", Time: timeMs,
	}
	arrays := []runio.Tensor{
		{Name: "durations_ms", Shape: []int{tr.C}, F64: values},
		{Name: "mean_distance", Shape: []int{tr.C, tr.C}, F64: mean},
		{Name: "time_ms", Shape: []int{tm}, F64: timeMs},
	}
	testPairs := [][2]float64{}
	tests := a.task.P.TestDurationsMs
	for i := range tests {
		for j := i + 1; j < len(tests); j++ {
			testPairs = append(testPairs, [2]float64{tests[i], tests[j]})
		}
	}
	for _, pr := range testPairs {
		ci, cj := indexOf(values, pr[0]), indexOf(values, pr[1])
		if ci < 0 || cj < 0 || len(fig.Curves) >= 6 {
			continue
		}
		d := geometry.Distance(nil, tr, ci, cj, geometry.Window{})
		fig.Curves = append(fig.Curves, report.DistanceCurve{Label: fmt.Sprintf("%g vs %g ms", pr[0], pr[1]), Distance: d})
		arrays = append(arrays, runio.Tensor{Name: fmt.Sprintf("distance_%g_%g", pr[0], pr[1]), Shape: []int{tm}, F64: d})
	}
	if err := runio.SaveNPZ(runio.Path(runio.Path(dir, runio.AnalysisDir), "analyze_geometry.npz"), arrays); err != nil {
		return nil, err
	}
	if err := report.DistanceVsValue(runio.Path(dir, runio.FiguresDir), "geometry_distance", fig); err != nil {
		return nil, err
	}
	return out, nil
}

func indexOf(values []float64, v float64) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return -1
}

// readoutInterpretation explains why full-space cosines understate the
// agreement of two readouts; it goes into the JSON and the figure.
const readoutInterpretation = "A readout component outside the subspace that the activity visits does not affect the outputs, " +
	"so the full-space cosine between two readouts can be low even when they agree where it matters: " +
	"compare cos_subspace, and see outside_fraction for the share of the trained readout that the activity never reads."

// readoutJSON is the readout section of analyze.json.
type readoutJSON struct {
	Trials           int       `json:"trials"`
	TrainTrials      int       `json:"train_trials"`
	ValidationTrials int       `json:"validation_trials"`
	Seed             uint64    `json:"seed"`
	EveryTau         float64   `json:"every_tau"`
	Samples          int       `json:"samples"`
	Lambda           float64   `json:"lambda"`
	Lambdas          []float64 `json:"lambdas"`
	ValidationMSEs   []float64 `json:"validation_mse_per_lambda"`
	// LambdaAtGridEdge reports that validation chose the smallest or the
	// largest λ of the grid, so the best penalty may lie outside it: with
	// the smallest, the fit is nearly unpenalised and leans on directions
	// of low variance, which lowers cos_subspace.
	LambdaAtGridEdge bool            `json:"lambda_at_grid_edge"`
	K                int             `json:"k"`
	Outputs          []readoutOutput `json:"outputs"`
	Interpretation   string          `json:"interpretation"`
}

// readoutOutput compares the analytic and trained readout of one output.
type readoutOutput struct {
	Output                  int      `json:"output"`
	TrainMSE                float64  `json:"train_mse"`
	ValidationMSE           float64  `json:"validation_mse"`
	TrainedValidationMSE    float64  `json:"trained_validation_mse"`
	CosFull                 float64  `json:"cos_full"`
	CosSubspace             float64  `json:"cos_subspace"`
	OutsideFraction         float64  `json:"outside_fraction"`
	AnalyticOutsideFraction float64  `json:"analytic_outside_fraction"`
	InitialOutsideFraction  *float64 `json:"initial_outside_fraction"`
	CosOutsideWithInitial   *float64 `json:"cos_outside_with_initial"`
}

// readoutData simulates training-like trials and returns the rates and
// targets of the counted steps spaced every `stride` steps, split by trial
// into a fitting and a validation set.
func (a *analysis) readoutData(ctx context.Context, stride int) (train, val readout.Dataset, nTrain int, err error) {
	trials := sampleTrials(a.task, a.opt.seed, a.opt.readoutTrials)
	nTrain = a.opt.readoutTrials * 3 / 4
	T, N, O := a.task.Steps(), a.w.N, a.w.O
	for lo := 0; lo < len(trials); lo += simulationChunk {
		if err := ctx.Err(); err != nil {
			return train, val, 0, err
		}
		hi := min(lo+simulationChunk, len(trials))
		act := simulateTrials(a.w, a.act, a.cfg.Model.Alpha(), trials[lo:hi], T, nil, false)
		for b := range hi - lo {
			tr := trials[lo+b]
			set := &train
			if lo+b >= nTrain {
				set = &val
			}
			for t := 0; t < T; t += stride {
				if tr.Mask[t] == 0 {
					continue
				}
				set.X = append(set.X, act.Rates[(b*T+t)*N:(b*T+t+1)*N]...)
				set.Y = append(set.Y, tr.Target[t*O:(t+1)*O]...)
			}
		}
	}
	return train, val, nTrain, nil
}

func (a *analysis) readoutSection(ctx context.Context, dir string) (*readoutJSON, error) {
	if a.wholeRates == nil {
		return nil, fmt.Errorf("analyze: readout: the whole-trial rates have zero variance, so there is no visited subspace")
	}
	N, O := a.w.N, a.w.O
	stride := max(1, int(math.Round(a.opt.readoutEveryTau/a.cfg.Model.Alpha())))
	train, val, nTrain, err := a.readoutData(ctx, stride)
	if err != nil {
		return nil, err
	}
	if len(train.X) == 0 || len(val.X) == 0 {
		return nil, fmt.Errorf("analyze: readout: no counted step among the sampled trials")
	}
	lambdas := readout.LogGrid(1e-6, 1e2, 9)
	ridge, vsel, err := readout.SelectRidge(train, val, N, O, lambdas)
	if err != nil {
		return nil, fmt.Errorf("analyze: readout: %w", err)
	}

	k := k99(a.wholeRates)
	basis := a.wholeRates.VectorsTo(nil, k)
	out := &readoutJSON{Trials: a.opt.readoutTrials, TrainTrials: nTrain, ValidationTrials: a.opt.readoutTrials - nTrain,
		Seed: a.opt.seed, EveryTau: float64(stride) * a.cfg.Model.Alpha(), Samples: (len(train.X) + len(val.X)) / N,
		Lambda: ridge.Lambda, Lambdas: vsel.Lambdas, ValidationMSEs: vsel.MSE, K: k,
		LambdaAtGridEdge: ridge.Lambda == lambdas[0] || ridge.Lambda == lambdas[len(lambdas)-1],
		Interpretation:   readoutInterpretation}
	trained := &readout.Ridge{Lambda: 0, N: N, O: O, W: a.w.WOut, B: a.w.BOut}
	var arrays []runio.Tensor
	var fig report.ReadoutFigure
	for o := range O {
		wt := a.w.WOut[o*N : (o+1)*N]
		wa := ridge.W[o*N : (o+1)*N]
		ro := readoutOutput{Output: o, TrainMSE: ridge.MSE(train.X, train.Y), ValidationMSE: ridge.MSE(val.X, val.Y),
			TrainedValidationMSE: trained.MSE(val.X, val.Y)}
		ro.CosFull, _ = readout.Cosine(wt, wa)
		pt, pa := projectOn(basis, k, N, wt), projectOn(basis, k, N, wa)
		ro.CosSubspace, _ = readout.Cosine(pt, pa)
		outside, frac, err := readout.Outside(nil, basis, N, k, wt)
		if err != nil {
			return nil, fmt.Errorf("analyze: readout: trained W_out[%d,:]: %w", o, err)
		}
		ro.OutsideFraction = frac
		if _, f, err := readout.Outside(nil, basis, N, k, wa); err == nil {
			ro.AnalyticOutsideFraction = f
		}
		if a.initW != nil {
			w0 := a.initW.WOut[o*N : (o+1)*N]
			if c, ok := readout.Cosine(outside, w0); ok {
				ro.CosOutsideWithInitial = ptr(c)
			}
			if _, f, err := readout.Outside(nil, basis, N, k, w0); err == nil {
				ro.InitialOutsideFraction = ptr(f)
			}
		}
		out.Outputs = append(out.Outputs, ro)
		arrays = append(arrays,
			runio.Tensor{Name: fmt.Sprintf("analytic_w_out_%d", o), Shape: []int{N}, F64: wa},
			runio.Tensor{Name: fmt.Sprintf("trained_outside_%d", o), Shape: []int{N}, F64: outside})
		if o == 0 {
			fig = report.ReadoutFigure{
				Title:   "Analytic (ridge) readout against the trained readout",
				Trained: wt, Analytic: wa, TrainedPC: pt, AnalyticPC: pa,
				LeftTitle:  fmt.Sprintf("all %d units: cos = %.3f", N, ro.CosFull),
				RightTitle: fmt.Sprintf("top %d PCs of the whole-trial rates: cos = %.3f", k, ro.CosSubspace),
				Note: fmt.Sprintf("Ridge λ = %g fitted on %d training-like trials. %.0f %% of the trained readout's norm lies outside the top %d PCs%s.\n"+
					"A readout component outside the subspace that the activity visits does not affect the outputs,\n"+
					"so full-space cosines are low even when the readouts agree where it matters.",
					ridge.Lambda, a.opt.readoutTrials, 100*frac, k, initialNote(ro.CosOutsideWithInitial)),
			}
		}
	}
	arrays = append(arrays, runio.Tensor{Name: "lambdas", Shape: []int{len(lambdas)}, F64: vsel.Lambdas},
		runio.Tensor{Name: "validation_mse", Shape: []int{len(vsel.MSE)}, F64: vsel.MSE})
	if err := runio.SaveNPZ(runio.Path(runio.Path(dir, runio.AnalysisDir), "analyze_readout.npz"), arrays); err != nil {
		return nil, err
	}
	if err := report.ReadoutComparison(runio.Path(dir, runio.FiguresDir), "readout_comparison", fig); err != nil {
		return nil, err
	}
	return out, nil
}

func initialNote(c *float64) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("\n(cosine of that part with the initial readout: %.3f)", *c)
}

// projectOn returns E·v for the k×n orthonormal rows E of basis.
func projectOn(basis []float64, k, n int, v []float64) []float64 {
	out := make([]float64, k)
	for i := range k {
		out[i] = dot(basis[i*n:(i+1)*n], v)
	}
	return out
}
