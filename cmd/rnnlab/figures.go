package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/evaluate"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/train"
)

// writeTrainingFigures draws the loss curve, the gradient norms and the
// test trials of a finished run from its metrics.csv and evaluation.
func writeTrainingFigures(dir string, s *train.Setup, ev *evaluate.Result) error {
	figs := runio.Path(dir, runio.FiguresDir)
	header, rows, err := runio.ReadMetrics(runio.Path(dir, runio.MetricsFile))
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: no rows to plot", runio.Path(dir, runio.MetricsFile))
	}
	col := func(name string) []float64 {
		for i, h := range header {
			if h == name {
				out := make([]float64, len(rows))
				for r, row := range rows {
					out[r] = row[i]
				}
				return out
			}
		}
		return nil
	}
	step := col("step")
	if err := report.LossCurve(figs, step, col("loss"), s.Train.Steps()); err != nil {
		return fmt.Errorf("loss figure: %w", err)
	}
	var groups []string
	var norms [][]float64
	for _, g := range s.Train.Trainable {
		if v := col("grad_norm_" + g); v != nil {
			groups = append(groups, g)
			norms = append(norms, v)
		}
	}
	if err := report.GradNorms(figs, step, groups, norms); err != nil {
		return fmt.Errorf("gradient-norm figure: %w", err)
	}
	return report.ExampleTrials(figs, trialTraces(s, ev))
}

// trialTraces turns the evaluation's test trials into figure rows (first
// output channel).
func trialTraces(s *train.Setup, ev *evaluate.Result) []report.TrialTrace {
	T, in, out := s.Task.Steps(), s.Model.Inputs, s.Model.Outputs
	var traces []report.TrialTrace
	for b, tr := range ev.Trials {
		tt := report.TrialTrace{Label: conditionLabel(tr.Condition)}
		tt.TimeMs = make([]float64, T)
		tt.Target = make([]float64, T)
		tt.Output = make([]float64, T)
		tt.Mask = tr.Mask
		tt.Inputs = make([][]float64, in)
		for k := range tt.Inputs {
			tt.Inputs[k] = make([]float64, T)
		}
		for t := 0; t < T; t++ {
			tt.TimeMs[t] = float64(t) * s.Model.DtMs
			tt.Target[t] = tr.Target[t*out]
			tt.Output[t] = ev.Outputs[b][t*out]
			for k := range tt.Inputs {
				tt.Inputs[k][t] = tr.Input[t*in+k]
			}
		}
		traces = append(traces, tt)
	}
	return traces
}

func conditionLabel(c map[string]float64) string {
	if d, ok := c["duration_ms"]; ok {
		return fmt.Sprintf("pulse of %g ms at %g ms", d, c["onset_ms"])
	}
	var s string
	for _, k := range sortedKeys(c) {
		s += fmt.Sprintf("%s=%g ", k, c[k])
	}
	return s
}

// flatMetrics flattens an evaluation into the manifest's metric map, with
// breakdowns as "<name>.<key>".
func flatMetrics(ev *evaluate.Result) map[string]float64 {
	m := map[string]float64{}
	for k, v := range ev.Metrics.Values {
		m[k] = v
	}
	for name, by := range ev.Metrics.Breakdown {
		for k, v := range by {
			m[name+"."+k] = v
		}
	}
	if ev.WeightCorrelation != nil {
		m["weight_correlation"] = *ev.WeightCorrelation
	}
	return m
}

// sortedKeys returns the keys of m in order, comparing the parts after the
// last '.' as numbers when both are numbers, so durations list as 50, 150,
// 300 rather than 150, 300, 50.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		pi, si := splitLast(keys[i])
		pj, sj := splitLast(keys[j])
		if pi == pj {
			a, errA := strconv.ParseFloat(si, 64)
			b, errB := strconv.ParseFloat(sj, 64)
			if errA == nil && errB == nil {
				return a < b
			}
		}
		return keys[i] < keys[j]
	})
	return keys
}

func splitLast(k string) (string, string) {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i], k[i+1:]
	}
	return "", k
}
