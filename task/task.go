package task

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// Trial is one trial of a task on the time grid of the model: T steps of dt.
//
// Layouts are row-major per trial: Input is T×I, Target is T×O and Mask is T
// (1 where the step counts in the loss, 0 where it does not). Output index t
// is compared with the network output read after the t-th update.
type Trial struct {
	Input  []float64
	Target []float64
	Mask   []float64
	// Condition holds the trial's parameters by name, in ms where they
	// are times (for pulse-duration: onset_ms, duration_ms, pulse).
	Condition map[string]float64
}

// Task generates trials and scores a network's outputs on its test trials.
type Task interface {
	// Name returns the registry name, e.g. "pulse-duration".
	Name() string
	// Steps returns the number of time steps T of every trial.
	Steps() int
	// Inputs and Outputs return the input and output dimensions I and O.
	Inputs() int
	Outputs() int
	// Sample draws n training trials from rng.
	Sample(rng *rand.Rand, n int) []Trial
	// TestTrials returns the fixed trials the task's metric is computed on.
	TestTrials() []Trial
	// Score computes the task's metrics from the outputs (each T×O) of the
	// network on TestTrials, in the same order.
	Score(outputs [][]float64) Metrics
}

// Metrics is a task's evaluation result: scalar values by name, plus values
// broken down by a condition (for example precision by pulse duration).
type Metrics struct {
	Values    map[string]float64
	Breakdown map[string]map[string]float64
}

// Params is the configuration of a task: a pointer to a struct with toml
// tags whose zero-config state holds the task's defaults.
type Params interface {
	// Build validates the parameters for a model time step of dtMs and
	// returns the task. Validation failures are *ParamError.
	Build(dtMs float64) (Task, error)
}

// ParamError reports an invalid task parameter by its config key.
type ParamError struct {
	Key string
	Msg string
}

func (e *ParamError) Error() string { return fmt.Sprintf("%s: %s", e.Key, e.Msg) }

// Spec describes a registered task.
type Spec struct {
	Name        string
	Description string
	// NewParams returns the task's parameters with their defaults.
	NewParams func() Params
}

var registry = map[string]Spec{}

// Register adds a task to the registry. It panics on a duplicate name.
func Register(s Spec) {
	if _, ok := registry[s.Name]; ok {
		panic("task: duplicate task " + s.Name)
	}
	registry[s.Name] = s
}

// Lookup returns the task registered under name.
func Lookup(name string) (Spec, bool) {
	s, ok := registry[name]
	return s, ok
}

// Names returns the registered task names in sorted order.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Conditioned is implemented by tasks that build trials for conditions
// named on the command line (rnnlab simulate --condition KEY=V1,V2).
type Conditioned interface {
	// ConditionKeys lists the keys the task accepts.
	ConditionKeys() []string
	// ConditionTrials returns one trial per combination of the values,
	// the other conditions at their test values.
	ConditionTrials(values map[string][]float64) ([]Trial, error)
}
