// Package evaluate scores a network on its task's test trials in float64
// and computes the weight statistics the thesis reported.
package evaluate

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// Result is a network's evaluation.
type Result struct {
	Task string
	// Metrics are the task's scores (for pulse-duration: precision and
	// precision_by_duration).
	Metrics task.Metrics
	// WeightCorrelation is the cosine of the angle between the input and
	// readout weight vectors; only defined for one input and one output.
	WeightCorrelation *float64
	// Outputs are the float64 outputs on the test trials (each T×O).
	Outputs [][]float64
	Trials  []task.Trial
}

// Run simulates the test trials of tk in float64 without noise (the
// metric is a property of the network's deterministic dynamics) and scores
// them. Cost O(trials·T·N²).
func Run(w *model.Weights, mc *model.Config, tk task.Task) (*Result, error) {
	if tk.Inputs() != w.I || tk.Outputs() != w.O {
		return nil, fmt.Errorf("task %s has %d inputs and %d outputs, the network %d and %d",
			tk.Name(), tk.Inputs(), tk.Outputs(), w.I, w.O)
	}
	act, err := model.LookupActivation(mc.Activation)
	if err != nil {
		return nil, err
	}
	trials := tk.TestTrials()
	T, B := tk.Steps(), len(trials)
	inputs := make([]float64, T*B*w.I)
	for b, tr := range trials {
		for t := 0; t < T; t++ {
			copy(inputs[(t*B+b)*w.I:(t*B+b+1)*w.I], tr.Input[t*w.I:(t+1)*w.I])
		}
	}
	traj := model.Simulate(w, act, mc.Alpha(), inputs, T, B, model.SimOptions{})
	outputs := make([][]float64, B)
	for b := range outputs {
		outputs[b] = make([]float64, T*w.O)
		for t := 0; t < T; t++ {
			copy(outputs[b][t*w.O:(t+1)*w.O], traj.Z[(t*B+b)*w.O:(t*B+b+1)*w.O])
		}
	}
	res := &Result{Task: tk.Name(), Metrics: tk.Score(outputs), Outputs: outputs, Trials: trials}
	if c, ok := WeightCorrelation(w); ok {
		res.WeightCorrelation = &c
	}
	return res, nil
}

// WeightCorrelation returns the cosine between the input weights W_in (N×1)
// and the readout weights W_out (1×N),
//
//	cos = W_in·W_out / (‖W_in‖·‖W_out‖)
//
// It reports false unless the network has one input and one output and
// both vectors are nonzero.
func WeightCorrelation(w *model.Weights) (float64, bool) {
	if w.I != 1 || w.O != 1 {
		return 0, false
	}
	dot, na, nb := 0.0, 0.0, 0.0
	for i := 0; i < w.N; i++ {
		a, b := w.WIn[i], w.WOut[i]
		dot += a * b
		na += a * a
		nb += b * b
	}
	if na == 0 || nb == 0 {
		return 0, false
	}
	return dot / math.Sqrt(na*nb), true
}
