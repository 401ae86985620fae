package config

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/model"
)

// WeightGroups are the weight groups that train.trainable may list.
var WeightGroups = model.Groups

// Validate checks every value of c, builds the task (see BuildTask) and
// fills Model.Inputs, Model.Outputs and Model.Seeds. It returns the first
// invalid value as an *Error naming its key. The checks run in the order
// seeds, model, train, task, then the checks across tables.
func (c *Config) Validate() error {
	if e := c.validate(); e != nil {
		return e
	}
	return nil
}

// validate is Validate with a concrete result type, so that Parse can add
// the file and line to the error.
func (c *Config) validate() *Error {
	checks := []func() *Error{c.checkSeeds, c.checkModel, c.checkTrain}
	for _, check := range checks {
		if e := check(); e != nil {
			return e
		}
	}
	t, err := c.BuildTask()
	if err != nil {
		return err.(*Error)
	}
	if c.Model.ReadoutSameDraw && t.Inputs() != t.Outputs() {
		return invalid("model.readout_same_draw", fmt.Sprintf(
			"needs as many task inputs as outputs, because W_out starts as W_inᵀ/√N, but task %q has %d inputs and %d outputs",
			c.Task.Name, t.Inputs(), t.Outputs()), "task.name")
	}
	return nil
}

// maxTOMLInt is the largest TOML integer (int64), and so the largest seed a
// config file can hold.
const maxTOMLInt = math.MaxInt64

func (c *Config) checkSeeds() *Error {
	streams := []struct {
		key  string
		seed uint64
	}{
		{"seed", c.Seed},
		{"seeds.connectivity", c.Seeds.Connectivity},
		{"seeds.weights", c.Seeds.Weights},
		{"seeds.trials", c.Seeds.Trials},
		{"seeds.noise", c.Seeds.Noise},
	}
	for _, s := range streams {
		if s.seed > maxTOMLInt {
			return invalid(s.key, fmt.Sprintf("must be at most %d, the largest TOML integer, got %d", uint64(maxTOMLInt), s.seed))
		}
	}
	return nil
}

func (c *Config) checkModel() *Error {
	m := &c.Model
	switch {
	case m.N < 1:
		return invalid("model.n", fmt.Sprintf("must be at least 1 unit, got %d", m.N))
	case !positiveFinite(m.TauMs):
		return invalid("model.tau_ms", "must be a positive, finite time in ms, got "+formatFloat(m.TauMs, 64))
	case !positiveFinite(m.DtMs):
		return invalid("model.dt_ms", "must be a positive, finite time in ms, got "+formatFloat(m.DtMs, 64))
	case m.DtMs > m.TauMs:
		return invalid("model.dt_ms", fmt.Sprintf(
			"must not exceed model.tau_ms = %v, because α = dt/τ must be at most 1, got %v", m.TauMs, m.DtMs),
			"model.tau_ms")
	case !nonNegativeFinite(m.G):
		return invalid("model.g", "must be finite and ≥ 0, got "+formatFloat(m.G, 64))
	case m.Activation != "tanh":
		return invalid("model.activation", fmt.Sprintf("unsupported activation %q; the supported activations are tanh", m.Activation))
	case !nonNegativeFinite(m.SigmaRec):
		return invalid("model.sigma_rec", "must be finite and ≥ 0 (0 means no noise), got "+formatFloat(m.SigmaRec, 64))
	case !nonNegativeFinite(m.WInStd):
		return invalid("model.w_in_std", "must be finite and ≥ 0, got "+formatFloat(m.WInStd, 64))
	case !nonNegativeFinite(m.WOutStd):
		return invalid("model.w_out_std", "must be finite and ≥ 0, got "+formatFloat(m.WOutStd, 64))
	case m.ConnectivityFile != "" && m.ConnectivityKey == "":
		return invalid("model.connectivity_key", fmt.Sprintf(
			"must name the array to load from model.connectivity_file = %q", m.ConnectivityFile),
			"model.connectivity_file")
	}
	return nil
}

func (c *Config) checkTrain() *Error {
	t := &c.Train
	if t.DType != "float32" && t.DType != "float64" {
		return invalid("train.dtype", fmt.Sprintf(`must be "float32" or "float64", got %q`, t.DType))
	}
	if e := checkTrainable(t.Trainable); e != nil {
		return e
	}
	switch {
	case t.Trials < 1:
		return invalid("train.trials", fmt.Sprintf("must be at least 1, got %d", t.Trials))
	case t.BatchSize < 1:
		return invalid("train.batch_size", fmt.Sprintf("must be at least 1, got %d", t.BatchSize))
	case t.BatchSize > t.Trials:
		return invalid("train.batch_size", fmt.Sprintf(
			"must not exceed train.trials = %d, because a batch holds distinct trials, got %d", t.Trials, t.BatchSize),
			"train.trials")
	case t.Epochs < 1:
		return invalid("train.epochs", fmt.Sprintf("must be at least 1, got %d", t.Epochs))
	case t.BatchesPerEpoch < 0:
		return invalid("train.batches_per_epoch", fmt.Sprintf(
			"must be ≥ 0 (0 means ⌊trials/batch_size⌋), got %d", t.BatchesPerEpoch))
	case !positiveFinite(t.LearningRate):
		return invalid("train.learning_rate", "must be positive and finite, got "+formatFloat(t.LearningRate, 64))
	case !(t.Beta1 >= 0 && t.Beta1 < 1):
		return invalid("train.beta1", "must be in [0, 1), got "+formatFloat(t.Beta1, 64))
	case !(t.Beta2 >= 0 && t.Beta2 < 1):
		return invalid("train.beta2", "must be in [0, 1), got "+formatFloat(t.Beta2, 64))
	case !positiveFinite(t.Eps):
		return invalid("train.eps", "must be positive and finite, got "+formatFloat(t.Eps, 64))
	case !nonNegativeFinite(t.GradClip):
		return invalid("train.grad_clip", "must be finite and ≥ 0 (0 turns clipping off), got "+formatFloat(t.GradClip, 64))
	case t.BatchChunks < 1:
		return invalid("train.batch_chunks", fmt.Sprintf("must be at least 1, got %d", t.BatchChunks))
	case t.CheckpointEvery < 0:
		return invalid("train.checkpoint_every", fmt.Sprintf("must be ≥ 0 (0 stores every step), got %d", t.CheckpointEvery))
	}
	return nil
}

func checkTrainable(groups []string) *Error {
	if len(groups) == 0 {
		return invalid("train.trainable", "must list at least one weight group of "+strings.Join(WeightGroups, ", "))
	}
	for i, g := range groups {
		key := fmt.Sprintf("train.trainable[%d]", i)
		if !slices.Contains(WeightGroups, g) {
			return invalid(key, fmt.Sprintf("unknown weight group %q; the groups are %s", g, strings.Join(WeightGroups, ", ")))
		}
		if j := slices.Index(groups[:i], g); j >= 0 {
			return invalid(key, fmt.Sprintf("%q is already listed at train.trainable[%d]", g, j))
		}
	}
	return nil
}

func positiveFinite(x float64) bool    { return x > 0 && !math.IsInf(x, 1) }
func nonNegativeFinite(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }
