package main

import (
	"math/rand/v2"
	"slices"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// spontaneousStart is the initial state of every unit for the spontaneous
// window. It is the thesis's choice: the network has no bias, so x = 0 is a
// fixed point, and 0.1 in every unit starts it off that point.
const spontaneousStart = 0.1

// simulationChunk is the number of trials simulated at once. Simulate
// records T×B×N rates and currents, so chunks bound the memory at
// 2·T·chunk·N float64 values (450 MB for the thesis's T = 7000, N = 500).
const simulationChunk = 8

// activity holds C trials of T steps and N units, condition-major: the
// state of trial c after the t-th update is at [(c·T+t)·N : (c·T+t+1)·N].
// Currents is nil when they were not kept.
type activity struct {
	C, T, N  int
	Rates    []float64
	Currents []float64
}

// space returns the rates or the currents.
func (a *activity) space(name string) []float64 {
	if name == "currents" {
		return a.Currents
	}
	return a.Rates
}

// rows returns the rows Start ≤ t < End of the given trials in one
// contiguous S×N slice, S = len(trials)·(End − Start).
func rows(data []float64, t, n int, trials []int, start, end int) []float64 {
	out := make([]float64, 0, len(trials)*(end-start)*n)
	for _, c := range trials {
		out = append(out, data[(c*t+start)*n:(c*t+end)*n]...)
	}
	return out
}

// simulateTrials runs the network on the trials in float64 without noise,
// from the state x0 (the run's own x0 when nil), and returns the activity
// condition-major. Currents are kept only when keepCurrents is set.
func simulateTrials(w *model.Weights, act model.Activation, alpha float64, trials []task.Trial, T int, x0 []float64, keepCurrents bool) *activity {
	if x0 != nil {
		w = w.Clone()
		w.X0 = slices.Clone(x0)
	}
	a := &activity{C: len(trials), T: T, N: w.N, Rates: make([]float64, len(trials)*T*w.N)}
	if keepCurrents {
		a.Currents = make([]float64, len(a.Rates))
	}
	for lo := 0; lo < len(trials); lo += simulationChunk {
		hi := min(lo+simulationChunk, len(trials))
		B := hi - lo
		inputs := make([]float64, T*B*w.I)
		for b := range B {
			in := trials[lo+b].Input
			for t := range T {
				copy(inputs[(t*B+b)*w.I:(t*B+b+1)*w.I], in[t*w.I:(t+1)*w.I])
			}
		}
		traj := model.Simulate(w, act, alpha, inputs, T, B, model.SimOptions{Record: true})
		for b := range B {
			c := lo + b
			for t := range T {
				src := (t*B + b) * w.N
				dst := (c*T + t) * w.N
				copy(a.Rates[dst:dst+w.N], traj.R[src:src+w.N])
				if keepCurrents {
					copy(a.Currents[dst:dst+w.N], traj.X[src:src+w.N])
				}
			}
		}
	}
	return a
}

// silentTrial returns a trial of T steps without input, for spontaneous
// activity.
func silentTrial(T, inputs int) task.Trial {
	return task.Trial{Input: make([]float64, T*inputs), Mask: make([]float64, T)}
}

// sampleTrials draws n training-like trials from the task with a fixed seed.
func sampleTrials(tk task.Task, seed uint64, n int) []task.Trial {
	return tk.Sample(rand.New(model.NewPCG(seed)), n)
}
