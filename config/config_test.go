package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// TestDefaultThesisValues checks the defaults against the thesis's run:
// N = 500 tanh units, τ = 100 ms, dt = 1 ms and g = 1.5, trained by Adam
// with learning rate 1e-3 on the input and readout weights only, with 500
// trials, batches of 32 and 50 epochs of ⌊500/32⌋ = 15 batches.
func TestDefaultThesisValues(t *testing.T) {
	c := Default()
	m, tr := c.Model, c.Train
	checks := []struct {
		name      string
		got, want any
	}{
		{"model.n", m.N, 500},
		{"model.tau_ms", m.TauMs, 100.0},
		{"model.dt_ms", m.DtMs, 1.0},
		{"model.g", m.G, 1.5},
		{"model.activation", m.Activation, "tanh"},
		{"model.inputs", m.Inputs, 1},
		{"model.outputs", m.Outputs, 1},
		{"train.trials", tr.Trials, 500},
		{"train.batch_size", tr.BatchSize, 32},
		{"train.epochs", tr.Epochs, 50},
		{"batches per epoch", tr.Steps(), 15},
		{"train.learning_rate", tr.LearningRate, 1e-3},
		{"train.trainable", tr.Trainable, []string{"W_in", "W_out"}},
		{"train.dtype", tr.DType, "float32"},
		{"task.name", c.Task.Name, "pulse-duration"},
		{"seed", c.Seed, uint64(1)},
		{"name", c.Name, ""},
	}
	for _, check := range checks {
		if !reflect.DeepEqual(check.got, check.want) {
			t.Errorf("%s = %v, want %v", check.name, check.got, check.want)
		}
	}

	p, ok := c.Task.Params.(*task.PulseDurationParams)
	if !ok {
		t.Fatalf("Task.Params is %T, want *task.PulseDurationParams", c.Task.Params)
	}
	if want := task.DefaultPulseDuration(); !reflect.DeepEqual(*p, want) {
		t.Errorf("task parameters = %+v, want %+v", *p, want)
	}
}

func TestDefaultEqualsEmptyFile(t *testing.T) {
	c, err := Parse(nil, "empty.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("Parse of an empty file = %+v, want Default() = %+v", c, Default())
	}
}

func TestPresetNames(t *testing.T) {
	if got, want := PresetNames(), []string{"demo", "thesis"}; !slices.Equal(got, want) {
		t.Errorf("PresetNames() = %v, want %v", got, want)
	}
	for _, name := range PresetNames() {
		if _, err := Preset(name); err != nil {
			t.Errorf("Preset(%q): %v", name, err)
		}
	}
}

func TestPresetThesisIsDefaultWithFixedConnectivity(t *testing.T) {
	c, err := Preset("thesis")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Seeds.Connectivity = thesisConnectivitySeed
	want.Model.Seeds.Connectivity = thesisConnectivitySeed
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Preset(thesis) differs from Default() with the connectivity seed pinned")
	}
	c.SetSeed(2)
	if got := c.StreamSeeds(); got.Connectivity != thesisConnectivitySeed || got.Weights != model.DeriveSeed(2, model.StreamWeights) {
		t.Errorf("after SetSeed(2): seeds %+v, want connectivity %d kept and the others derived from 2", got, thesisConnectivitySeed)
	}
}

func TestPresetDemoValues(t *testing.T) {
	c, err := Preset("demo")
	if err != nil {
		t.Fatal(err)
	}
	m, tr := c.Model, c.Train
	checks := []struct {
		name      string
		got, want any
	}{
		{"model.n", m.N, 100},
		{"model.tau_ms", m.TauMs, 100.0},
		{"model.dt_ms", m.DtMs, 10.0},
		{"model.g", m.G, 1.5},
		{"train.trials", tr.Trials, 500},
		{"train.batch_size", tr.BatchSize, 32},
		{"train.epochs", tr.Epochs, 50},
		{"train.batches_per_epoch", tr.BatchesPerEpoch, 0},
		{"train.learning_rate", tr.LearningRate, 0.001},
	}
	for _, check := range checks {
		if !reflect.DeepEqual(check.got, check.want) {
			t.Errorf("%s = %v, want %v", check.name, check.got, check.want)
		}
	}
	tk, err := c.BuildTask()
	if err != nil {
		t.Fatal(err)
	}
	if got := tk.Steps(); got != 700 {
		t.Errorf("demo task has %d steps, want 7000 ms / 10 ms = 700", got)
	}
}

func TestPresetUnknown(t *testing.T) {
	_, err := Preset("fast")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Preset(fast) error = %v, want *Error", err)
	}
	if e.Key != "preset" {
		t.Errorf("Key = %q, want preset", e.Key)
	}
	for _, name := range PresetNames() {
		if !strings.Contains(e.Msg, name) {
			t.Errorf("message %q does not list preset %q", e.Msg, name)
		}
	}
}

func TestPresetReturnsCopies(t *testing.T) {
	a, _ := Preset("demo")
	a.Train.Trainable[0] = "W"
	a.Task.Params.(*task.PulseDurationParams).TestDurationsMs[0] = 1
	b, _ := Preset("demo")
	if b.Train.Trainable[0] != "W_in" || b.Task.Params.(*task.PulseDurationParams).TestDurationsMs[0] != 50 {
		t.Errorf("changing one preset changed the next one")
	}
}

func TestSeedsDerivedFromRunSeed(t *testing.T) {
	c, err := Parse([]byte("seed = 42\n"), "seed.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := model.DeriveSeeds(42)
	if got := c.StreamSeeds(); got != want {
		t.Errorf("StreamSeeds() = %+v, want %+v", got, want)
	}
	if c.Model.Seeds != want {
		t.Errorf("Model.Seeds = %+v, want %+v", c.Model.Seeds, want)
	}
}

func TestSeedsExplicitOverride(t *testing.T) {
	c, err := Parse([]byte("seed = 42\n[seeds]\nconnectivity = 123\nnoise = 0\n"), "seeds.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := model.DeriveSeeds(42)
	want.Connectivity = 123
	want.Noise = 0
	if got := c.StreamSeeds(); got != want {
		t.Errorf("StreamSeeds() = %+v, want %+v", got, want)
	}
}

func TestSetSeedKeepsExplicitSeeds(t *testing.T) {
	c, err := Parse([]byte("[seeds]\nconnectivity = 123\n"), "seeds.toml")
	if err != nil {
		t.Fatal(err)
	}
	c.SetSeed(7)

	want := model.DeriveSeeds(7)
	want.Connectivity = 123
	if got := c.StreamSeeds(); got != want {
		t.Errorf("StreamSeeds() after SetSeed(7) = %+v, want %+v", got, want)
	}
	if c.Model.Seeds != want {
		t.Errorf("Model.Seeds after SetSeed(7) = %+v, want %+v", c.Model.Seeds, want)
	}
	if c.Seed != 7 {
		t.Errorf("Seed = %d, want 7", c.Seed)
	}
}

func TestSetSeedAfterRoundTrip(t *testing.T) {
	// Encode writes every stream seed; the parsed copy must still follow a
	// new run seed as the original does.
	c, err := Parse([]byte("[seeds]\nweights = 5\n"), "seeds.toml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	copied, err := Parse(data, "encoded.toml")
	if err != nil {
		t.Fatal(err)
	}
	c.SetSeed(9)
	copied.SetSeed(9)
	if !reflect.DeepEqual(copied, c) {
		t.Errorf("after SetSeed(9): parsed copy seeds %+v, original %+v", copied.StreamSeeds(), c.StreamSeeds())
	}
}

func TestValidateCodeBuiltConfig(t *testing.T) {
	c := Default()
	c.Train.BatchSize = 0
	err := c.Validate()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Validate() = %v, want *Error", err)
	}
	if got, want := e.Error(), "train.batch_size: must be at least 1, got 0"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestValidateSeedAboveTOMLRange(t *testing.T) {
	c := Default()
	c.SetSeed(1 << 63)
	var e *Error
	if err := c.Validate(); !errors.As(err, &e) || e.Key != "seed" {
		t.Errorf("Validate() = %v, want an *Error for key seed", err)
	}
}

func TestBuildTaskFillsModel(t *testing.T) {
	c := Default()
	c.Model.Inputs, c.Model.Outputs, c.Model.Seeds = 0, 0, model.Seeds{}
	tk, err := c.BuildTask()
	if err != nil {
		t.Fatal(err)
	}
	if tk.Steps() != 7000 {
		t.Errorf("Steps() = %d, want 7000", tk.Steps())
	}
	if c.Model.Inputs != 1 || c.Model.Outputs != 1 {
		t.Errorf("Inputs, Outputs = %d, %d, want 1, 1", c.Model.Inputs, c.Model.Outputs)
	}
	if c.Model.Seeds != model.DeriveSeeds(1) {
		t.Errorf("Model.Seeds = %+v, want %+v", c.Model.Seeds, model.DeriveSeeds(1))
	}
}

func TestBuildTaskNilParamsUseDefaults(t *testing.T) {
	c := Default()
	c.Task.Params = nil
	if _, err := c.BuildTask(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("BuildTask with nil parameters did not fill the defaults")
	}
}

func TestBuildTaskParamError(t *testing.T) {
	c := Default()
	c.Task.Params.(*task.PulseDurationParams).OnsetMs = 2.5
	_, err := c.BuildTask()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("BuildTask() = %v, want *Error", err)
	}
	if e.Key != "task.onset_ms" {
		t.Errorf("Key = %q, want task.onset_ms", e.Key)
	}
	var pe *task.ParamError
	if !errors.As(err, &pe) {
		t.Errorf("BuildTask() error does not wrap the *task.ParamError")
	}
}

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		err  Error
		want string
	}{
		{Error{File: "run.toml", Line: 3, Key: "model.n", Msg: "must be at least 1 unit, got 0"}, "run.toml:3: model.n: must be at least 1 unit, got 0"},
		{Error{File: "run.toml", Key: "task.onset_ms", Msg: "bad"}, "run.toml: task.onset_ms: bad"},
		{Error{File: "run.toml", Line: 2, Msg: "invalid TOML: x"}, "run.toml:2: invalid TOML: x"},
		{Error{Line: 2, Key: "seed", Msg: "bad"}, "line 2: seed: bad"},
		{Error{Key: "seed", Msg: "bad"}, "seed: bad"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}
