package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/train"
)

// TestMain lets the test binary act as the rnnlab command when
// RNNLAB_TEST_MAIN is set, so tests can run and kill a real process.
func TestMain(m *testing.M) {
	if os.Getenv("RNNLAB_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// runCLI runs a command line in-process and returns its exit code and
// output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// smallConfig trains a 30-unit pulse-duration network on a 10 ms grid for
// a handful of steps: fast enough for unit tests.
const smallConfig = `
seed = 3
[model]
n = 30
dt_ms = 10.0
[train]
trials = 48
batch_size = 16
epochs = 3
batches_per_epoch = 2
`

func TestTrainBadConfigExitsTwo(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"unknown key", "[model]\nn = 10\nwidth = 3\n", "model.width"},
		{"dt larger than tau", "[model]\ntau_ms = 10.0\ndt_ms = 20.0\n", "model.dt_ms"},
		{"dt not positive", "[model]\ndt_ms = 0.0\n", "model.dt_ms"},
		{"no units", "[model]\nn = 0\n", "model.n"},
		{"wrong type", "[train]\nepochs = \"ten\"\n", "train.epochs"},
		{"mask counts no step", "[task]\neval_onset_ms = 7000.0\n", "task.eval_onset_ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeConfig(t, c.text)
			code, _, stderr := runCLI(t, "train", "--config", path, "--out", filepath.Join(t.TempDir(), "run"))
			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr: %s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not name %s", stderr, c.want)
			}
			if !strings.Contains(stderr, path+":") {
				t.Errorf("stderr %q does not name the file and line", stderr)
			}
		})
	}
}

func TestTrainUsageErrors(t *testing.T) {
	cases := [][]string{
		{"train"},
		{"train", "--preset", "thesis"},
		{"train", "--preset", "nope", "--out", "x"},
		{"train", "--preset", "thesis", "--config", "a.toml", "--out", "x"},
		{"frobnicate"},
	}
	for _, args := range cases {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit code %d, want %d; stderr: %s", args, code, exitUsage, stderr)
		}
	}
}

func TestTrainRefusesExistingRun(t *testing.T) {
	path := writeConfig(t, smallConfig)
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "train", "--config", path, "--out", out); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	code, _, stderr := runCLI(t, "train", "--config", path, "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("second run: exit %d, stderr %q; want exit 2 mentioning --force", code, stderr)
	}
	if code, _, stderr := runCLI(t, "train", "--config", path, "--out", out, "--force"); code != 0 {
		t.Errorf("run with --force: exit %d: %s", code, stderr)
	}
}

func TestTrainSameSeedSameBytes(t *testing.T) {
	path := writeConfig(t, smallConfig)
	dir := t.TempDir()
	var files [][]byte
	for i, threads := range []string{"1", "2", "2"} {
		out := filepath.Join(dir, "run"+string(rune('a'+i)))
		if code, _, stderr := runCLI(t, "train", "--config", path, "--out", out, "--threads", threads); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, runio.WeightsFile))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	if !bytes.Equal(files[1], files[2]) {
		t.Error("two runs with the same config and seed wrote different weights.safetensors")
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("runs with 1 and 2 threads wrote different weights.safetensors")
	}
}

func TestTrainLossFallsBelowQuarter(t *testing.T) {
	// Thesis task on a 10 ms grid with 60 units and a higher learning rate,
	// so the loss falls within 80 steps; loss values are per-trial
	// normalised MSE as in metrics.csv.
	path := writeConfig(t, `
seed = 1
[model]
n = 60
dt_ms = 10.0
[train]
trials = 200
batch_size = 16
epochs = 8
batches_per_epoch = 10
learning_rate = 0.005
`)
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "train", "--config", path, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, rows, err := runio.ReadMetrics(filepath.Join(out, runio.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	first, last := rows[0][2], rows[len(rows)-1][2]
	if !(last < first/4) {
		t.Errorf("loss went from %.4g to %.4g, want below a quarter of the first", first, last)
	}
	for _, fig := range []string{"loss.png", "loss.svg", "grad_norms.png", "example_trials.png"} {
		if st, err := os.Stat(filepath.Join(out, runio.FiguresDir, fig)); err != nil || st.Size() == 0 {
			t.Errorf("figure %s missing or empty", fig)
		}
	}
}

func TestTrainDivergenceStopsWithStep(t *testing.T) {
	// A learning rate of 1e38 moves the float32 readout weights by about
	// 1e38 in the first step, so the second step's outputs overflow.
	path := writeConfig(t, smallConfig+"learning_rate = 1e38\n")
	path2 := strings.Replace(path, "run.toml", "run2.toml", 1)
	text, _ := os.ReadFile(path)
	text = bytes.Replace(text, []byte("batches_per_epoch = 2"), []byte("batches_per_epoch = 1"), 1)
	os.WriteFile(path2, text, 0o644)
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "train", "--config", path2, "--out", out)
	if code != exitFailed {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitFailed, stderr)
	}
	if !strings.Contains(stderr, "step 2") {
		t.Errorf("stderr %q does not name step 2", stderr)
	}
	man, err := runio.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Status != runio.StatusFailed || !strings.Contains(man.Reason, "step 2") {
		t.Errorf("manifest status %q reason %q, want failed at step 2", man.Status, man.Reason)
	}
	if _, err := os.Stat(filepath.Join(out, runio.WeightsFile)); err == nil {
		t.Error("weights.safetensors was written for a diverged run")
	}
	cfg, err := config.Load(filepath.Join(out, runio.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	st, err := train.LoadCheckpoint(filepath.Join(out, runio.CheckpointDir, runio.CheckpointFile), &cfg.Model, cfg.Train.Trainable)
	if err != nil {
		t.Fatalf("last good checkpoint: %v", err)
	}
	if st.Step != 1 {
		t.Errorf("checkpoint is at step %d, want 1", st.Step)
	}
	if err := st.Weights.CheckFinite(); err != nil {
		t.Errorf("checkpoint weights: %v", err)
	}
}

func TestTrainResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs and kills a training process")
	}
	cfgText := `
seed = 5
[model]
n = 60
dt_ms = 10.0
[train]
trials = 64
batch_size = 16
epochs = 30
batches_per_epoch = 4
`
	path := writeConfig(t, cfgText)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if code, _, stderr := runCLI(t, "train", "--config", path, "--out", ref); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, stderr)
	}

	killed := filepath.Join(dir, "killed")
	cmd := exec.Command(os.Args[0], "train", "--config", path, "--out", killed)
	cmd.Env = append(os.Environ(), "RNNLAB_TEST_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(killed, runio.CheckpointDir, runio.CheckpointFile)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(ckpt); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no checkpoint after 60 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Success() {
		t.Fatalf("the training process was not killed (it finished first: %v); make the run longer", err)
	}
	man, err := runio.ReadManifest(killed)
	if err != nil {
		t.Fatal(err)
	}
	if man.Status != runio.StatusRunning {
		t.Fatalf("killed run has status %q, want running", man.Status)
	}

	if code, _, stderr := runCLI(t, "train", "--resume", killed); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(ref, runio.WeightsFile))
	b, _ := os.ReadFile(filepath.Join(killed, runio.WeightsFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("resumed run's weights.safetensors differs from the uninterrupted run's")
	}
	_, refRows, _ := runio.ReadMetrics(filepath.Join(ref, runio.MetricsFile))
	_, rows, _ := runio.ReadMetrics(filepath.Join(killed, runio.MetricsFile))
	if len(rows) != len(refRows) {
		t.Errorf("resumed metrics.csv has %d rows, want %d", len(rows), len(refRows))
	}
}

func TestEvaluateJSON(t *testing.T) {
	path := writeConfig(t, smallConfig)
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "train", "--config", path, "--out", out); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "evaluate", out, "--json")
	if code != 0 {
		t.Fatalf("evaluate: exit %d: %s", code, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("evaluate --json output is not JSON: %v\n%s", err, stdout)
	}
	p, ok := res["precision"].(float64)
	if !ok || !(p >= 0) || math.IsInf(p, 0) {
		t.Errorf("precision = %v", res["precision"])
	}
	by, ok := res["precision_by_duration"].(map[string]any)
	if !ok || len(by) != 3 || by["150"] == nil {
		t.Errorf("precision_by_duration = %v, want keys 50, 150, 300", res["precision_by_duration"])
	}
	mean := 0.0
	for _, v := range by {
		mean += v.(float64) / 3
	}
	if math.Abs(mean-p) > 1e-12*p {
		t.Errorf("precision %v is not the mean of precision_by_duration (%v)", p, mean)
	}
	for _, key := range []string{"weight_correlation", "weight_correlation_init", "tau_ms"} {
		if _, ok := res[key].(float64); !ok {
			t.Errorf("key %s missing or not a number", key)
		}
	}
	if code, _, _ := runCLI(t, "evaluate", filepath.Join(t.TempDir(), "missing")); code == 0 {
		t.Error("evaluate on a missing directory exited 0")
	}
}

func TestTrainThesisConnectivity(t *testing.T) {
	npz := filepath.Join("..", "..", "..", "shared", "data", "thesis", "sys_A1_init.npz")
	if _, err := os.Stat(npz); err != nil {
		t.Fatalf("thesis data missing: %v", err)
	}
	path := writeConfig(t, `
[model]
dt_ms = 10.0
readout_same_draw = true
[train]
trials = 2
batch_size = 1
epochs = 1
batches_per_epoch = 1
`)
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "train", "--config", path, "--out", out, "--connectivity", npz)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tensors, err := runio.LoadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	var g []float64
	for _, tt := range tensors {
		if tt.Name == "G" {
			g = tt.Float64()
		}
	}
	w, mc, err := runio.LoadWeights(filepath.Join(out, runio.InitFile))
	if err != nil {
		t.Fatal(err)
	}
	if mc.G != 1.5 || len(g) != len(w.W) {
		t.Fatalf("g = %v, %d connectivity entries for %d weights", mc.G, len(g), len(w.W))
	}
	for i := range g {
		if want := float64(float32(1.5 * g[i])); w.W[i] != want {
			t.Fatalf("W[%d] = %v, want 1.5·G = %v", i, w.W[i], want)
		}
	}
	// readout_same_draw: W_out = W_in/√N up to float32 rounding.
	for i := range w.WOut {
		if d := math.Abs(w.WOut[i]*math.Sqrt(500) - w.WIn[i]); d > 1e-6*math.Max(1, math.Abs(w.WIn[i])) {
			t.Fatalf("W_out[%d]·√N = %v, W_in[%d] = %v", i, w.WOut[i]*math.Sqrt(500), i, w.WIn[i])
		}
	}
}

func TestTrainRefusesOverMemoryLimit(t *testing.T) {
	path := writeConfig(t, smallConfig)
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "train", "--config", path, "--out", out, "--max-memory", "0.0001")
	if code != exitUsage {
		t.Errorf("exit code %d, want %d; stderr: %s", code, exitUsage, stderr)
	}
	for _, want := range []string{"GiB", "--max-memory", "checkpoint_every"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not mention %s", stderr, want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the run directory was created although training was refused")
	}
	// With checkpointing the same run trains.
	path2 := writeConfig(t, smallConfig+"checkpoint_every = 26\n")
	if code, _, stderr := runCLI(t, "train", "--config", path2, "--out", out); code != 0 {
		t.Errorf("run with checkpoint_every: exit %d: %s", code, stderr)
	}
}
