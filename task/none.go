package task

import (
	"fmt"
	"math/rand/v2"
)

// NoneName is the registry name of the empty task.
const NoneName = "none"

func init() {
	Register(Spec{
		Name: NoneName,
		Description: "no task: zero inputs and no targets, for networks imported or drawn only to be analysed " +
			"(cannot be trained)",
		NewParams: func() Params { return &NoneParams{Inputs: 1, Outputs: 1, TrialMs: 1000} },
	})
}

// NoneParams configures the empty task: the network's input and output
// dimensions and a trial length for simulations.
type NoneParams struct {
	Inputs  int     `toml:"inputs"`
	Outputs int     `toml:"outputs"`
	TrialMs float64 `toml:"trial_ms"`
}

// None is a task without targets. Its trials have zero input and count no
// step, so it has no metric and training on it is rejected.
type None struct {
	P     NoneParams
	steps int
}

// Build validates the parameters for the step dtMs.
func (p *NoneParams) Build(dtMs float64) (Task, error) {
	if p.Inputs < 0 {
		return nil, &ParamError{Key: "inputs", Msg: fmt.Sprintf("must be ≥ 0, got %d", p.Inputs)}
	}
	if p.Outputs < 0 {
		return nil, &ParamError{Key: "outputs", Msg: fmt.Sprintf("must be ≥ 0, got %d", p.Outputs)}
	}
	n, err := Steps("trial_ms", p.TrialMs, dtMs)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, &ParamError{Key: "trial_ms", Msg: fmt.Sprintf("must be at least one step, got %v", p.TrialMs)}
	}
	return &None{P: *p, steps: n}, nil
}

func (t *None) Name() string { return NoneName }
func (t *None) Steps() int   { return t.steps }
func (t *None) Inputs() int  { return t.P.Inputs }
func (t *None) Outputs() int { return t.P.Outputs }

// Sample returns n trials of zero input that count no step.
func (t *None) Sample(rng *rand.Rand, n int) []Trial {
	trials := make([]Trial, n)
	for i := range trials {
		trials[i] = Trial{
			Input:     make([]float64, t.steps*t.P.Inputs),
			Target:    make([]float64, t.steps*t.P.Outputs),
			Mask:      make([]float64, t.steps),
			Condition: map[string]float64{},
		}
	}
	return trials
}

// TestTrials returns one trial of zero input, so a simulation shows the
// network's autonomous dynamics from x0. The task has no metric.
func (t *None) TestTrials() []Trial { return t.Sample(nil, 1) }

// Score returns empty metrics.
func (t *None) Score([][]float64) Metrics { return Metrics{} }
