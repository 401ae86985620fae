package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/rnnlab/rnnlab/evaluate"
	"github.com/rnnlab/rnnlab/runio"
)

const evaluateUsage = `evaluate DIR [--json]

Simulates the run's final weights (weights.safetensors) in float64 on the
task's test trials and prints the task's metrics. For pulse-duration:
precision (mean over the test durations of the MSE over the steps from
eval_onset_ms on), precision_by_duration, and weight_correlation (cosine of
W_in and W_out; one input and one output only). When init.safetensors
exists, weight_correlation_init is the same cosine before training.`

// evaluationJSON is the stable JSON output of `rnnlab evaluate --json`.
type evaluationJSON struct {
	Run                   string                        `json:"run"`
	Task                  string                        `json:"task"`
	Metrics               map[string]float64            `json:"-"`
	Breakdown             map[string]map[string]float64 `json:"-"`
	WeightCorrelation     *float64                      `json:"weight_correlation,omitempty"`
	WeightCorrelationInit *float64                      `json:"weight_correlation_init,omitempty"`
	TauMs                 float64                       `json:"tau_ms"`
	DtMs                  float64                       `json:"dt_ms"`
}

// MarshalJSON puts the task's metrics at the top level next to the fixed
// keys, so `precision` and `precision_by_duration` are direct keys.
func (e evaluationJSON) MarshalJSON() ([]byte, error) {
	type fixed evaluationJSON
	base, err := json.Marshal(fixed(e))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		return nil, err
	}
	for k, v := range e.Metrics {
		m[k] = v
	}
	for k, v := range e.Breakdown {
		m[k] = v
	}
	return json.Marshal(m)
}

func runEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("evaluate", evaluateUsage, stderr)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("evaluate: want one run directory, got %d arguments", len(rest))
	}
	dir := rest[0]
	out, err := evaluateRun(dir)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "run %s (task %s)\n", dir, out.Task)
	for _, k := range sortedKeys(out.Metrics) {
		fmt.Fprintf(stdout, "  %-26s %.8g\n", k, out.Metrics[k])
	}
	for _, name := range sortedKeys(out.Breakdown) {
		for _, k := range sortedKeys(out.Breakdown[name]) {
			fmt.Fprintf(stdout, "  %-26s %.8g\n", name+"["+k+"]", out.Breakdown[name][k])
		}
	}
	if out.WeightCorrelation != nil {
		fmt.Fprintf(stdout, "  %-26s %.8g\n", "weight_correlation", *out.WeightCorrelation)
	}
	if out.WeightCorrelationInit != nil {
		fmt.Fprintf(stdout, "  %-26s %.8g\n", "weight_correlation_init", *out.WeightCorrelationInit)
	}
	return nil
}

func evaluateRun(dir string) (*evaluationJSON, error) {
	cfg, tk, w, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	ev, err := evaluate.Run(w, &cfg.Model, tk)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", dir, err)
	}
	out := &evaluationJSON{Run: dir, Task: tk.Name(), Metrics: ev.Metrics.Values, Breakdown: ev.Metrics.Breakdown,
		WeightCorrelation: ev.WeightCorrelation, TauMs: cfg.Model.TauMs, DtMs: cfg.Model.DtMs}
	initPath := runio.Path(dir, runio.InitFile)
	if _, err := os.Stat(initPath); err == nil {
		w0, _, err := runio.LoadWeights(initPath)
		if err != nil {
			return nil, err
		}
		if c, ok := evaluate.WeightCorrelation(w0); ok {
			out.WeightCorrelationInit = &c
		}
	}
	return out, nil
}
