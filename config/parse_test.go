package config

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/task"
)

// twoInputsTask is a test task with two inputs and one output, for the
// check of readout_same_draw against the task's dimensions.
const twoInputsTask = "test-two-inputs"

type twoInputsParams struct {
	TrialMs float64 `toml:"trial_ms"`
}

func (p *twoInputsParams) Build(dtMs float64) (task.Task, error) {
	steps, err := task.Steps("trial_ms", p.TrialMs, dtMs)
	if err != nil {
		return nil, err
	}
	if steps < 1 {
		return nil, &task.ParamError{Key: "trial_ms", Msg: "must be at least one step"}
	}
	return twoInputs{steps}, nil
}

type twoInputs struct{ steps int }

func (twoInputs) Name() string                        { return twoInputsTask }
func (t twoInputs) Steps() int                        { return t.steps }
func (twoInputs) Inputs() int                         { return 2 }
func (twoInputs) Outputs() int                        { return 1 }
func (twoInputs) Sample(*rand.Rand, int) []task.Trial { return nil }
func (twoInputs) TestTrials() []task.Trial            { return nil }
func (twoInputs) Score([][]float64) task.Metrics      { return task.Metrics{} }

func init() {
	task.Register(task.Spec{
		Name:        twoInputsTask,
		Description: "test task with two inputs and one output",
		NewParams:   func() task.Params { return &twoInputsParams{TrialMs: 100} },
	})
}

// badConfigs are invalid config files with the key and line each error must
// name; msg is a part of the expected message.
var badConfigs = []struct {
	name string
	src  string
	key  string
	line int
	msg  string
}{
	// Syntax errors keep the TOML parser's line.
	{"missing value", "seed = 1\n[model]\nn = \n", "model.n", 3, "invalid TOML"},
	{"unclosed header", "seed = 1\n[model\nn = 1\n", "", 2, "invalid TOML"},
	{"syntax error after byte order mark", "\xef\xbb\xbfseed = 1\n\nb c\n", "", 3, "invalid TOML"},
	{"duplicate key", "[train]\nepochs = 1\nepochs = 2\n", "train.epochs", 3, "invalid TOML"},

	// Unknown keys, in every table and written in every way.
	{"unknown top-level key", "seed = 1\nsead = 2\n", "sead", 2, "did you mean seed?"},
	{"unknown table", "# comment\n[modle]\nn = 1\n", "modle", 2, "did you mean model?"},
	{"unknown seeds key", "[seeds]\nconnectivty = 1\n", "seeds.connectivty", 2, "did you mean connectivity?"},
	{"unknown model key", "[model]\nn = 5\nN = 5\n", "model.N", 3, "the keys of [model] are n, tau_ms"},
	{"unknown task key", "[task]\nname = \"pulse-duration\"\nonset = 3000\n", "task.onset", 3, "did you mean onset_ms?"},
	{"unknown train key", "[train]\n\n\nlr = 0.01\n", "train.lr", 4, "unknown key"},
	{"unknown dotted key", "seed = 1\nmodel.nn = 5\n", "model.nn", 2, "did you mean n?"},
	{"unknown key in inline table", "train = { epochs = 5,\n  lr = 0.1 }\n", "train.lr", 2, "unknown key"},
	{"unknown subtable", "[model]\nn = 5\n[model.init]\nstd = 1\n", "model.init", 3, "unknown key"},
	{"inputs come from the task", "[model]\ninputs = 2\n", "model.inputs", 2, "unknown key"},

	// Values of the wrong type.
	{"string for integer", "[model]\nn = \"500\"\n", "model.n", 2, `expected an integer, found the string "500"`},
	{"float for integer", "[train]\nepochs = 50.0\n", "train.epochs", 2, "expected an integer, found the float 50.0"},
	{"string for float", "[model]\ntau_ms = \"100\"\n", "model.tau_ms", 2, "expected a number"},
	{"integer too large for float", "[model]\ntau_ms = 9007199254740993\n", "model.tau_ms", 2, "no exact float value"},
	{"string for list", "[train]\ntrainable = \"W\"\n", "train.trainable", 2, "expected an array"},
	{"integer in string list", "[train]\ntrainable = [\n  \"W\",\n  1,\n]\n", "train.trainable[1]", 2, "expected a string"},
	{"integer for string", "name = 5\n", "name", 1, "expected a string"},
	{"integer for boolean", "[model]\nreadout_same_draw = 1\n", "model.readout_same_draw", 2, "expected a boolean"},
	{"integer for table", "model = 5\n", "model", 1, "expected a table, found the integer 5"},
	{"array of tables for table", "[[model]]\nn = 1\n", "model", 1, "expected a table, found an array of tables"},
	{"table for integer", "[model.n]\nx = 1\n", "model.n", 1, "expected an integer, found a table"},
	{"float seed", "[seeds]\nweights = 1.5\n", "seeds.weights", 2, "expected a non-negative integer"},
	{"date for seed", "seed = 1979-05-27\n", "seed", 1, "found a date-time"},
	{"integer task name", "[task]\nname = 3\n", "task.name", 2, "expected a string"},
	{"first error in the file", "[train]\nepochs = \"x\"\n[model]\nnn = 1\n", "train.epochs", 2, "expected an integer"},

	// Seeds out of range.
	{"negative seed", "seed = -1\n", "seed", 1, "must be ≥ 0, got -1"},
	{"negative stream seed", "[seeds]\nnoise = -3\n", "seeds.noise", 2, "must be ≥ 0, got -3"},

	// [model] values out of range.
	{"zero units", "[model]\nn = 0\n", "model.n", 2, "at least 1"},
	{"zero tau", "[model]\ntau_ms = 0\n", "model.tau_ms", 2, "positive"},
	{"infinite tau", "[model]\ntau_ms = inf\n", "model.tau_ms", 2, "finite"},
	{"NaN tau", "[model]\ntau_ms = nan\n", "model.tau_ms", 2, "got nan"},
	{"zero dt", "[model]\ndt_ms = 0.0\n", "model.dt_ms", 2, "positive"},
	{"negative dt", "[model]\ndt_ms = -1\n", "model.dt_ms", 2, "positive"},
	{"dt above tau", "[model]\ndt_ms = 200\n", "model.dt_ms", 2, "must not exceed model.tau_ms = 100"},
	{"tau below default dt", "[model]\n\ntau_ms = 0.5\n", "model.dt_ms", 3, "must not exceed model.tau_ms = 0.5"},
	{"negative gain", "[model]\ng = -1\n", "model.g", 2, "≥ 0"},
	{"infinite gain", "[model]\ng = inf\n", "model.g", 2, "finite"},
	{"unsupported activation", "[model]\nactivation = \"relu\"\n", "model.activation", 2, "supported activations are tanh"},
	{"negative noise", "[model]\nsigma_rec = -0.1\n", "model.sigma_rec", 2, "≥ 0"},
	{"negative input std", "[model]\nw_in_std = -1\n", "model.w_in_std", 2, "≥ 0"},
	{"negative readout std", "[model]\nw_out_std = -1\n", "model.w_out_std", 2, "≥ 0"},
	{"empty connectivity key", "[model]\nconnectivity_file = \"init.npz\"\nconnectivity_key = \"\"\n", "model.connectivity_key", 3, "must name the array"},
	{"readout same draw with two inputs", "[model]\nreadout_same_draw = true\n[task]\nname = \"test-two-inputs\"\n", "model.readout_same_draw", 2, "2 inputs and 1 outputs"},

	// [train] values out of range.
	{"unknown dtype", "[train]\ndtype = \"float16\"\n", "train.dtype", 2, `"float32" or "float64"`},
	{"empty trainable", "[train]\ntrainable = []\n", "train.trainable", 2, "at least one weight group"},
	{"unknown weight group", "[train]\ntrainable = [\"W\", \"w\"]\n", "train.trainable[1]", 2, `unknown weight group "w"`},
	{"duplicate weight group", "[train]\ntrainable = [\"W\", \"b\", \"W\"]\n", "train.trainable[2]", 2, "already listed at train.trainable[0]"},
	{"zero trials", "[train]\ntrials = 0\n", "train.trials", 2, "at least 1"},
	{"zero batch size", "[train]\nbatch_size = 0\n", "train.batch_size", 2, "at least 1"},
	{"batch above trials", "[train]\nbatch_size = 600\n", "train.batch_size", 2, "must not exceed train.trials = 500"},
	{"trials below default batch", "[train]\ntrials = 20\n", "train.batch_size", 2, "must not exceed train.trials = 20"},
	{"zero epochs", "[train]\nepochs = 0\n", "train.epochs", 2, "at least 1"},
	{"negative batches per epoch", "[train]\nbatches_per_epoch = -1\n", "train.batches_per_epoch", 2, "≥ 0"},
	{"zero learning rate", "[train]\nlearning_rate = 0\n", "train.learning_rate", 2, "positive"},
	{"NaN learning rate", "[train]\nlearning_rate = nan\n", "train.learning_rate", 2, "positive"},
	{"infinite learning rate", "[train]\nlearning_rate = inf\n", "train.learning_rate", 2, "finite"},
	{"beta1 of 1", "[train]\nbeta1 = 1\n", "train.beta1", 2, "[0, 1)"},
	{"negative beta2", "[train]\nbeta2 = -0.1\n", "train.beta2", 2, "[0, 1)"},
	{"zero eps", "[train]\neps = 0\n", "train.eps", 2, "positive"},
	{"negative gradient clip", "[train]\ngrad_clip = -1\n", "train.grad_clip", 2, "≥ 0"},
	{"zero batch chunks", "[train]\nbatch_chunks = 0\n", "train.batch_chunks", 2, "at least 1"},

	// [task] values.
	{"unknown task", "[task]\nname = \"pulse\"\n", "task.name", 2, `unknown task "pulse"; the registered tasks are none, pulse-duration`},
	{"onset off the grid", "[task]\nonset_ms = 3000.5\n", "task.onset_ms", 2, "not a whole number of steps"},
	{"test duration too long", "[task]\ntest_durations_ms = [\n  50,\n  1550,\n]\n", "task.test_durations_ms[1]", 2, "still on at eval_onset_ms"},
	{"empty test durations", "[task]\ntest_durations_ms = []\n", "task.test_durations_ms", 2, "at least one duration"},
	{"no step counted", "[task]\neval_onset_ms = 7000\n", "task.eval_onset_ms", 2, "counts no step"},
	{"dt makes default off the grid", "seed = 3\n[model]\ndt_ms = 7\n", "task.onset_ms", 3, "model.dt_ms on line 3 makes invalid"},
	{"short trial makes default eval onset invalid", "[task]\n\ntrial_ms = 4500\n", "task.eval_onset_ms", 3, "task.trial_ms on line 3 makes invalid"},
	{"late onset makes default eval onset invalid", "[task]\nonset_ms = 4400\n", "task.eval_onset_ms", 2, "task.onset_ms on line 2"},
	{"two keys make default invalid", "[task]\nonset_ms = 3200\nduration_ms = 300\n", "task.eval_onset_ms", 0, "is not set in the file, so this is its default value"},
	{"negative no-pulse fraction", "[task]\nno_pulse_fraction = -0.5\n", "task.no_pulse_fraction", 2, "[0, 1]"},
}

func TestParseBadConfigs(t *testing.T) {
	for _, bc := range badConfigs {
		t.Run(bc.name, func(t *testing.T) {
			c, err := Parse([]byte(bc.src), "bad.toml")
			if err == nil {
				t.Fatalf("Parse(%q) gave no error, config %+v", bc.src, c)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %v is a %T, want *Error", bc.src, err, err)
			}
			if e.Key != bc.key {
				t.Errorf("Key = %q, want %q (error: %v)", e.Key, bc.key, err)
			}
			if e.Line != bc.line {
				t.Errorf("Line = %d, want %d (error: %v)", e.Line, bc.line, err)
			}
			if e.File != "bad.toml" {
				t.Errorf("File = %q, want bad.toml", e.File)
			}
			if !strings.Contains(e.Msg, bc.msg) {
				t.Errorf("Msg = %q, want it to contain %q", e.Msg, bc.msg)
			}
		})
	}
}

// TestParseUnknownKeyEveryTable adds an unknown key to each table of the
// encoded default config, so the key sits among all the valid ones.
func TestParseUnknownKeyEveryTable(t *testing.T) {
	data, err := Default().Encode()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for _, table := range []string{"", "seeds", "model", "task", "train"} {
		t.Run("table "+table, func(t *testing.T) {
			header := -1
			for i, l := range lines {
				if l == "["+table+"]" || (table == "" && strings.HasPrefix(l, "name = ")) {
					header = i
					break
				}
			}
			if header < 0 {
				t.Fatalf("no [%s] table in the encoded default", table)
			}
			edited := append(append(append([]string(nil), lines[:header+1]...), "extra_key = 1"), lines[header+1:]...)
			_, err := Parse([]byte(strings.Join(edited, "\n")), "edited.toml")

			wantKey := "extra_key"
			if table != "" {
				wantKey = table + ".extra_key"
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %v, want *Error", err)
			}
			if e.Key != wantKey || e.Line != header+2 {
				t.Errorf("error at %s line %d, want %s line %d: %v", e.Key, e.Line, wantKey, header+2, err)
			}
			if !strings.Contains(e.Msg, "unknown key") {
				t.Errorf("Msg = %q, want an unknown key message", e.Msg)
			}
		})
	}
}

func TestParseDottedAndInlineKeys(t *testing.T) {
	src := `seed = 5
model.n = 64
task = { onset_ms = 2500, test_durations_ms = [50, 100] }
[train]
"epochs" = 3
`
	c, err := Parse([]byte(src), "dotted.toml")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Task.Params.(*task.PulseDurationParams)
	if c.Model.N != 64 || p.OnsetMs != 2500 || len(p.TestDurationsMs) != 2 || c.Train.Epochs != 3 || c.Seed != 5 {
		t.Errorf("parsed n = %d, onset_ms = %v, test_durations_ms = %v, epochs = %d, seed = %d",
			c.Model.N, p.OnsetMs, p.TestDurationsMs, c.Train.Epochs, c.Seed)
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.toml")
	if err := os.WriteFile(path, []byte("name = \"a\"\n[model]\nn = 50\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "a" || c.Model.N != 50 {
		t.Errorf("Load gave name %q, n %d, want a, 50", c.Name, c.Model.N)
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.toml")
	if err := os.WriteFile(path, []byte("[model]\nn = -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if got, want := err.Error(), path+":2: model.n: must be at least 1 unit, got -1"; got != want {
		t.Errorf("Load error = %q, want %q", got, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.toml")
	_, err := Load(path)
	var e *Error
	if !errors.As(err, &e) || e.File != path {
		t.Fatalf("Load(missing) = %v, want *Error with File %q", err, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) error %v does not wrap fs.ErrNotExist", err)
	}
}
