package report

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// Realistic inputs for the figures, shared by the tests and the preview.

const (
	trainSteps    = 750
	stepsPerEpoch = 25
)

// trainingSteps returns the optimizer steps 1, 2, …, n.
func trainingSteps(n int) []float64 {
	step := make([]float64, n)
	for i := range step {
		step[i] = float64(i + 1)
	}
	return step
}

// noisyLoss returns a loss that falls exponentially from 1 to 0.05 over n
// steps with multiplicative log-normal noise of about 15 %.
func noisyLoss(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	loss := make([]float64, n)
	for i := range loss {
		trend := math.Exp(math.Log(0.05) * float64(i) / float64(n-1))
		loss[i] = trend * math.Exp(0.15*rng.NormFloat64())
	}
	return loss
}

var weightGroups = []string{"W", "W_in", "W_out", "b", "b_out"}

// noisyGradNorms returns one gradient-norm series per weight group: each
// starts at its own scale, decays by a factor of ten and fluctuates by about
// 30 %.
func noisyGradNorms(n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	scales := []float64{0.8, 0.05, 2, 0.01, 0.3}
	norms := make([][]float64, len(weightGroups))
	for g := range norms {
		norms[g] = make([]float64, n)
		for i := range norms[g] {
			trend := scales[g] * math.Exp(math.Log(0.1)*float64(i)/float64(n-1))
			norms[g][i] = trend * math.Exp(0.3*rng.NormFloat64())
		}
	}
	return norms
}

// pulseTrace returns a 7000 ms pulse-duration trial at dt = 1 ms: a pulse
// of amplitude 2 from 3000 ms lasting durationMs, a target of
// 0.007·durationMs counted from 4500 ms on (and 0, counted, before the
// pulse), and an output that rises after the pulse, overshoots slightly and
// settles on the target with a little noise.
func pulseTrace(durationMs float64, seed uint64) TrialTrace {
	const (
		steps     = 7000
		onsetMs   = 3000
		evalMs    = 4500
		amplitude = 2
		perMs     = 0.007
	)
	rng := rand.New(rand.NewPCG(seed, 3))
	tr := TrialTrace{
		Label:  "duration " + strconv.FormatFloat(durationMs, 'f', -1, 64) + " ms",
		TimeMs: make([]float64, steps),
		Inputs: [][]float64{make([]float64, steps)},
		Target: make([]float64, steps),
		Mask:   make([]float64, steps),
		Output: make([]float64, steps),
	}
	plateau := perMs * durationMs
	for s := range steps {
		t := float64(s)
		tr.TimeMs[s] = t
		if t >= onsetMs && t <= onsetMs+durationMs {
			tr.Inputs[0][s] = amplitude
		}
		switch {
		case t < onsetMs:
			tr.Mask[s] = 1
		case t >= evalMs:
			tr.Mask[s] = 1
			tr.Target[s] = plateau
		}
		out := 0.0
		if t > onsetMs {
			since := t - onsetMs
			out = plateau * (1 - math.Exp(-since/250)*math.Cos(since/400))
		}
		tr.Output[s] = out + 0.004*rng.NormFloat64()
	}
	return tr
}

// pulseTraces returns the three evaluation trials of the pulse-duration
// task: 50, 150 and 300 ms.
func pulseTraces() []TrialTrace {
	return []TrialTrace{pulseTrace(50, 1), pulseTrace(150, 2), pulseTrace(300, 3)}
}
