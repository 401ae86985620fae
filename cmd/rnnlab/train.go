package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/evaluate"
	"github.com/rnnlab/rnnlab/internal/buildinfo"
	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
	"github.com/rnnlab/rnnlab/train"
)

const trainUsage = `train (--config FILE | --preset NAME) --out DIR [flags]
       rnnlab train --resume DIR

Trains a network and writes a run directory: config.toml, manifest.json,
init.safetensors, weights.safetensors, metrics.csv, checkpoint/, figures/.`

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", trainUsage, stderr)
	configPath := fs.String("config", "", "TOML config `file`")
	preset := fs.String("preset", "", "built-in config: "+strings.Join(config.PresetNames(), ", "))
	out := fs.String("out", "", "run `directory` to create")
	var seed seedFlag
	fs.Var(&seed, "seed", "run `seed` (overrides the config; stream seeds not set in [seeds] derive from it)")
	resume := fs.String("resume", "", "continue the run in `directory` from its last checkpoint")
	force := fs.Bool("force", false, "replace an existing run directory")
	threads := fs.Int("threads", runtime.NumCPU(), "goroutines working on a batch (results do not depend on it)")
	connectivity := fs.String("connectivity", "", "load J₀ (unscaled, N×N) from a .npz or .safetensors `file`; W = g·J₀")
	connectivityKey := fs.String("connectivity-key", "", "array name inside the --connectivity file (default G)")
	sameDraw := fs.Bool("readout-same-draw", false, "start W_out as W_inᵀ/√N, the same draw as the input weights")
	maxMemory := fs.Float64("max-memory", defaultMemoryLimitGiB(), "refuse to train when the estimated memory exceeds this many `GiB`; the default is 80% of physical memory")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("train: unexpected argument %q", rest[0])
	}
	if *threads < 1 {
		return usagef("train: --threads must be at least 1, got %d", *threads)
	}
	if *resume != "" {
		if *configPath != "" || *preset != "" || *out != "" || seed.set || *connectivity != "" {
			return usagef("train: --resume takes the config from the run directory; drop --config, --preset, --out, --seed and --connectivity")
		}
		return resumeRun(ctx, *resume, *threads, *maxMemory, stdout, stderr)
	}
	if (*configPath == "") == (*preset == "") {
		return usagef("train: give exactly one of --config FILE or --preset NAME")
	}
	if *out == "" {
		return usagef("train: --out DIR is required")
	}
	var cfg *config.Config
	if *configPath != "" {
		cfg, err = config.Load(*configPath)
	} else {
		cfg, err = config.Preset(*preset)
	}
	if err != nil {
		return err
	}
	if seed.set {
		cfg.SetSeed(seed.value)
	}
	if *connectivity != "" {
		cfg.Model.ConnectivityFile = *connectivity
	}
	if *connectivityKey != "" {
		cfg.Model.ConnectivityKey = *connectivityKey
	}
	if *sameDraw {
		cfg.Model.ReadoutSameDraw = true
	}
	_, err = newRun(ctx, cfg, *out, *force, *threads, *maxMemory, stdout, stderr)
	return err
}

// defaultMemoryLimitGiB returns 80% of the machine's physical memory, or 0
// (no limit) when /proc/meminfo cannot be read.
func defaultMemoryLimitGiB() float64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		var kib float64
		if _, err := fmt.Sscanf(line, "MemTotal: %f kB", &kib); err == nil {
			return math.Round(0.8*kib/(1<<20)*10) / 10
		}
	}
	return 0
}

// checkMemory estimates what training needs and rejects a run above the
// limit (in GiB; 0 means no limit), suggesting gradient checkpointing.
func checkMemory(s *train.Setup, limitGiB float64) error {
	need := float64(train.EstimateMemory(s)) / (1 << 30)
	slog.Info("memory estimate", "gib", math.Round(need*100)/100, "limit_gib", limitGiB)
	if limitGiB <= 0 || need <= limitGiB {
		return nil
	}
	msg := fmt.Sprintf("train: training needs about %.2f GiB, more than the limit of %.2f GiB (--max-memory)", need, limitGiB)
	if s.Train.CheckpointEvery == 0 {
		k := int(math.Ceil(math.Sqrt(float64(s.Task.Steps()))))
		alt := *s
		alt.Train.CheckpointEvery = k
		msg += fmt.Sprintf("; set checkpoint_every = %d in [train] for gradient checkpointing (about %.2f GiB, one more forward pass per step)",
			k, float64(train.EstimateMemory(&alt))/(1<<30))
	}
	return usagef("%s", msg)
}

// trainedRun is the outcome of a finished training run.
type trainedRun struct {
	dir       string
	firstLoss float64
	lastLoss  float64
	eval      *evaluate.Result
}

// newRun validates cfg, creates the run directory and trains.
func newRun(ctx context.Context, cfg *config.Config, dir string, force bool, threads int, maxMemoryGiB float64, stdout, stderr io.Writer) (*trainedRun, error) {
	tk, err := cfg.BuildTask()
	if err != nil {
		return nil, err
	}
	if tk.Name() == task.NoneName {
		return nil, usagef("train: task none has no targets, so there is nothing to train; set [task] name to a trainable task (rnnlab tasks lists them)")
	}
	var j0 []float64
	if cfg.Model.ConnectivityFile != "" {
		if j0, err = loadConnectivity(cfg.Model.ConnectivityFile, cfg.Model.ConnectivityKey, cfg.Model.N); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, &config.Error{Key: "model.connectivity_file", Msg: err.Error()}
			}
			return nil, err
		}
	}
	init, err := model.Init(&cfg.Model, j0)
	if err != nil {
		return nil, &config.Error{Key: "model", Msg: err.Error()}
	}
	setup := &train.Setup{Model: cfg.Model, Train: cfg.Train, Task: tk, Init: init, Threads: threads}
	if err := checkMemory(setup, maxMemoryGiB); err != nil {
		return nil, err
	}
	encoded, err := cfg.Encode()
	if err != nil {
		return nil, err
	}
	if err := runio.CreateRunDir(dir, force); err != nil {
		if _, serr := os.Stat(runio.Path(dir, runio.ManifestFile)); serr == nil && !force {
			return nil, usagef("train: %v, or continue it with --resume %s", err, dir)
		}
		return nil, usagef("train: %v", err)
	}
	if err := runio.WriteBytesAtomic(runio.Path(dir, runio.ConfigFile), encoded); err != nil {
		return nil, err
	}
	man := &runio.Manifest{
		Program: programName, Version: buildinfo.Version, Commit: buildinfo.Commit(), GoVersion: runtime.Version(),
		Command: os.Args, Status: runio.StatusRunning, Started: time.Now().UTC(), Backend: kernel.Backend(),
		DType: cfg.Train.DType, Threads: threads, ConfigHash: cfg.Hash(), Seeds: cfg.Model.Seeds, Task: tk.Name(),
	}
	if err := runio.WriteManifest(dir, man); err != nil {
		return nil, err
	}
	if err := runio.SaveWeights(runio.Path(dir, runio.InitFile), init, &cfg.Model, cfg.Train.DType); err != nil {
		return nil, err
	}
	metrics, err := runio.CreateMetrics(runio.Path(dir, runio.MetricsFile), metricColumns(cfg.Train.Trainable))
	if err != nil {
		return nil, err
	}
	return trainLoop(ctx, dir, setup, nil, man, metrics, stdout, stderr)
}

func metricColumns(trainable []string) []string {
	cols := []string{"step", "epoch", "loss"}
	for _, g := range model.Groups {
		if slices.Contains(trainable, g) {
			cols = append(cols, "grad_norm_"+g)
		}
	}
	return append(cols, "clipped", "seconds")
}

// resumeRun continues a run directory from its checkpoint.
func resumeRun(ctx context.Context, dir string, threads int, maxMemoryGiB float64, stdout, stderr io.Writer) error {
	if _, err := os.Stat(runio.Path(dir, runio.ManifestFile)); err != nil {
		return usagef("train: %s is not a run directory (no %s)", dir, runio.ManifestFile)
	}
	cfg, err := config.Load(runio.Path(dir, runio.ConfigFile))
	if err != nil {
		return err
	}
	man, err := runio.ReadManifest(dir)
	if err != nil {
		return fmt.Errorf("resume %s: %w", dir, err)
	}
	if man.Status == runio.StatusDone {
		return usagef("train: run %s is already done", dir)
	}
	if man.ConfigHash != cfg.Hash() {
		return fmt.Errorf("resume %s: %s changed since the run started (hash %s, manifest %s)", dir, runio.ConfigFile, cfg.Hash(), man.ConfigHash)
	}
	tk, err := cfg.BuildTask()
	if err != nil {
		return err
	}
	init, _, err := runio.LoadWeights(runio.Path(dir, runio.InitFile))
	if err != nil {
		return fmt.Errorf("resume %s: %w", dir, err)
	}
	var state *train.State
	ckpt := runio.Path(dir, filepath.Join(runio.CheckpointDir, runio.CheckpointFile))
	lastStep := 0
	if _, err := os.Stat(ckpt); err == nil {
		if state, err = train.LoadCheckpoint(ckpt, &cfg.Model, cfg.Train.Trainable); err != nil {
			return fmt.Errorf("resume %s: %w", dir, err)
		}
		lastStep = state.Step
	}
	metrics, err := runio.ResumeMetrics(runio.Path(dir, runio.MetricsFile), metricColumns(cfg.Train.Trainable), lastStep)
	if err != nil {
		return fmt.Errorf("resume %s: %w", dir, err)
	}
	man.Status, man.Reason, man.Ended = runio.StatusRunning, "", nil
	man.Resumed = append(man.Resumed, time.Now().UTC())
	man.Threads = threads
	if err := runio.WriteManifest(dir, man); err != nil {
		return err
	}
	if state == nil {
		slog.Info("no checkpoint yet (none is written before the first epoch ends); training restarts from init.safetensors", "dir", dir)
	} else {
		slog.Info("resuming run", "dir", dir, "step", lastStep)
	}
	setup := &train.Setup{Model: cfg.Model, Train: cfg.Train, Task: tk, Init: init, Threads: threads}
	if err := checkMemory(setup, maxMemoryGiB); err != nil {
		return err
	}
	_, err = trainLoop(ctx, dir, setup, state, man, metrics, stdout, stderr)
	return err
}

// trainLoop runs training with metrics, checkpoints and progress, then
// writes the final weights, evaluation and figures. On failure the
// manifest records why and the last checkpoint stays as it was.
func trainLoop(ctx context.Context, dir string, s *train.Setup, resume *train.State, man *runio.Manifest,
	metrics *runio.MetricsWriter, stdout, stderr io.Writer) (*trainedRun, error) {
	defer metrics.Close()
	total := s.Train.Epochs * s.Train.Steps()
	prog := newProgress(stderr, total, resume)
	ckpt := runio.Path(dir, filepath.Join(runio.CheckpointDir, runio.CheckpointFile))
	res := &trainedRun{dir: dir}
	first := true
	hooks := train.Hooks{
		Step: func(st train.StepStats) error {
			row := []float64{float64(st.Step), float64(st.Epoch), st.Loss}
			row = append(row, st.GradNorms...)
			clipped := 0.0
			if st.Clipped {
				clipped = 1
			}
			row = append(row, clipped, st.Seconds)
			if first {
				res.firstLoss = st.Loss
				first = false
			}
			res.lastLoss = st.Loss
			prog.step(st)
			return metrics.Write(row)
		},
		Epoch: func(st *train.State) error {
			if err := train.SaveCheckpoint(ckpt, st, &s.Model); err != nil {
				return err
			}
			man.Steps, man.Epochs = st.Step, st.Epoch
			prog.epoch(st, s.Train.Epochs)
			return runio.WriteManifest(dir, man)
		},
	}
	final, err := train.Run(ctx, s, resume, hooks)
	prog.finish(err == nil)
	if err != nil {
		if ctx.Err() != nil {
			err = errors.New("interrupted by a signal")
		}
		fail(dir, man, err)
		var nf *train.NonFiniteError
		if errors.As(err, &nf) {
			return nil, fmt.Errorf("%w; the last good checkpoint is in %s", err, ckpt)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("training interrupted; continue from the last checkpoint with: rnnlab train --resume %s", dir)
		}
		return nil, err
	}
	if err := runio.SaveWeights(runio.Path(dir, runio.WeightsFile), final, &s.Model, s.Train.DType); err != nil {
		fail(dir, man, err)
		return nil, err
	}
	ev, err := evaluate.Run(final, &s.Model, s.Task)
	if err != nil {
		fail(dir, man, err)
		return nil, err
	}
	res.eval = ev
	if err := writeTrainingFigures(dir, s, ev); err != nil {
		fail(dir, man, err)
		return nil, err
	}
	man.Metrics = flatMetrics(ev)
	man.Status = runio.StatusDone
	now := time.Now().UTC()
	man.Ended = &now
	if err := runio.WriteManifest(dir, man); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "run directory: %s\n", dir)
	if _, ok := man.Metrics["precision"]; ok {
		fmt.Fprintf(stdout, "  (precision is a mean squared error on the test trials: lower is better)\n")
	}
	for _, k := range sortedKeys(man.Metrics) {
		fmt.Fprintf(stdout, "  %-28s %.6g\n", k, man.Metrics[k])
	}
	fmt.Fprintf(stdout, "figures: %s\n", runio.Path(dir, runio.FiguresDir))
	return res, nil
}

// fail records a failed run in the manifest; the error itself is returned
// by the caller.
func fail(dir string, man *runio.Manifest, cause error) {
	man.Status = runio.StatusFailed
	man.Reason = cause.Error()
	now := time.Now().UTC()
	man.Ended = &now
	if err := runio.WriteManifest(dir, man); err != nil {
		slog.Error("could not record the failure in the manifest", "dir", dir, "err", err)
	}
}

// loadConnectivity reads J₀ (N×N) from a .npz or .safetensors file.
func loadConnectivity(path, key string, n int) ([]float64, error) {
	var tensors []runio.Tensor
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npz":
		t, err := runio.LoadNPZ(path)
		if err != nil {
			return nil, err
		}
		tensors = t
	case ".safetensors":
		st, err := runio.LoadSafetensors(path)
		if err != nil {
			return nil, err
		}
		tensors = st.Tensors
	default:
		return nil, &config.Error{Key: "model.connectivity_file", Msg: fmt.Sprintf("%s: unsupported extension, want .npz or .safetensors", path)}
	}
	for _, t := range tensors {
		if t.Name != key {
			continue
		}
		if !slices.Equal(t.Shape, []int{n, n}) {
			return nil, fmt.Errorf("%s: array %q has shape %v, want [%d %d] for model.n = %d", path, key, t.Shape, n, n, n)
		}
		return slices.Clone(t.Float64()), nil
	}
	var names []string
	for _, t := range tensors {
		names = append(names, t.Name)
	}
	return nil, fmt.Errorf("%s: no array %q (arrays: %s); set --connectivity-key", path, key, strings.Join(names, ", "))
}
