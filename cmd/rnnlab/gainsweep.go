package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/analysis/lyapunov"
	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/sweep"
	"github.com/rnnlab/rnnlab/task"
)

const gainSweepUsage = `gainsweep --task NAME --g G1,G2,... --seeds SEEDS --out DIR [flags]

Trains one network per gain g and seed and relates the dynamics of the
untrained network to how well it learns the task. For each (g, seed) the
config (--preset, default demo, or --config) gets model.g = g and the seed
(as train --seed sets it), and optionally the smaller budget of --n,
--epochs and --batches-per-epoch. Each run measures:

  lambda_max_spontaneous  λ_max per τ of the initial network (init.safetensors)
                          without input, from x(0) ~ N(0, 1)
  lambda_max_driven       λ_max per τ of the initial network driven by the
                          task's test trials one after another, repeated
  precision               the task metric after training (a mean squared
                          error on the test trials: lower is better)
  final_loss              the training loss of the last optimizer step

--seeds takes single seeds and inclusive ranges: 1-3 or 1,4,7 or 1-3,10.
Runs go to DIR/runs/g=<g>/seed=<seed>, are trained as rnnlab train does,
and run in parallel on --workers workers, each single-threaded, so the
results do not depend on the number of workers. A run whose manifest has
status done is skipped, so running the same command again resumes a
stopped sweep; an unfinished run is trained again from the start. A done
run made with a different config is an error (use another --out).

Writes DIR/gainsweep.csv (one row per run), DIR/gainsweep.json (mean and
sample standard deviation over seeds per g, plus the rows) and the figure
DIR/figures/gainsweep.png and .svg. Durations are in units of τ. A task
without the precision metric (task none) is rejected.`

// gainSweepMetric is the task metric the sweep reports.
const gainSweepMetric = "precision"

// gainSweepSettings are the parsed flags of rnnlab gainsweep.
type gainSweepSettings struct {
	taskName        string
	preset          string
	configPath      string
	gains           []float64 // increasing
	seeds           []uint64
	out             string
	n               int
	epochs          int
	batchesPerEpoch int
	workers         int
	burnIn          float64
	duration        float64
}

// gainSweepRun is one (g, seed) point of the sweep.
type gainSweepRun struct {
	g    float64
	seed uint64
	job  sweep.Job
}

func runGainSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gainsweep", gainSweepUsage, stderr)
	s := gainSweepSettings{}
	fs.StringVar(&s.taskName, "task", "", "task `name` (rnnlab tasks lists them); it needs the precision metric")
	gainList := fs.String("g", "", "comma-separated gains g, such as 0.5,0.8,1.2")
	seedList := fs.String("seeds", "", "run seeds: single seeds and inclusive ranges, such as 1-3 or 1,4,7")
	fs.StringVar(&s.out, "out", "", "sweep `directory`: runs/, gainsweep.csv, gainsweep.json, figures/")
	fs.StringVar(&s.preset, "preset", "", "built-in config: "+strings.Join(config.PresetNames(), ", ")+" (default demo)")
	fs.StringVar(&s.configPath, "config", "", "TOML config `file` instead of a preset")
	fs.IntVar(&s.epochs, "epochs", 0, "number of epochs (0 keeps the config's)")
	fs.IntVar(&s.batchesPerEpoch, "batches-per-epoch", 0, "optimizer steps per epoch (0 keeps the config's)")
	fs.IntVar(&s.n, "n", 0, "number of units N (0 keeps the config's)")
	fs.IntVar(&s.workers, "workers", runtime.NumCPU(), "runs trained at the same time, each on one thread")
	fs.Float64Var(&s.burnIn, "burn-in", lyapunov.DefaultBurnIn, "network transient of the λ_max measurements in τ")
	fs.Float64Var(&s.duration, "duration", lyapunov.DefaultDuration, "observation time of the λ_max measurements in τ")
	asJSON := fs.Bool("json", false, "print gainsweep.json to stdout instead of a table")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("gainsweep: unexpected argument %q", rest[0])
	}
	if err := s.check(*gainList, *seedList); err != nil {
		return err
	}
	if _, err := s.runConfig(s.gains[0], s.seeds[0]); err != nil {
		return err
	}

	runs := s.plan()
	if err := checkCompletedRuns(&s, runs); err != nil {
		return err
	}
	jobs := make([]sweep.Job, len(runs))
	byID := make(map[string]gainSweepRun, len(runs))
	for i, r := range runs {
		jobs[i] = r.job
		byID[r.job.ID] = r
	}
	memoryPerRun := defaultMemoryLimitGiB() / float64(s.workers)
	opts := sweep.Options{Workers: s.workers, Progress: logSweepEvent}
	trainAndMeasure := func(ctx context.Context, job sweep.Job) (gainSweepRow, error) {
		r := byID[job.ID]
		cfg, err := s.runConfig(r.g, r.seed)
		if err != nil {
			return gainSweepRow{}, err
		}
		if _, err := newRun(ctx, cfg, job.Dir, true, 1, memoryPerRun, io.Discard, io.Discard); err != nil {
			return gainSweepRow{}, err
		}
		return s.measure(r)
	}
	loadDone := func(job sweep.Job) (gainSweepRow, error) {
		return s.measure(byID[job.ID])
	}
	slog.Info("gain sweep", "runs", len(jobs), "workers", s.workers, "out", s.out)
	results, err := sweep.Run(ctx, jobs, opts, trainAndMeasure, loadDone)
	if err != nil {
		return fmt.Errorf("gainsweep: %w; the runs that finished are kept, and running the same command again resumes the sweep", err)
	}
	rows := make([]gainSweepRow, len(results))
	skipped := 0
	for i, r := range results {
		rows[i] = r.Value
		if r.Skipped {
			skipped++
		}
	}
	summary, err := writeGainSweep(&s, rows)
	if err != nil {
		return err
	}
	return printGainSweep(stdout, s.out, summary, *asJSON, len(rows)-skipped, skipped)
}

// check parses the gain and seed lists and checks the other flags.
func (s *gainSweepSettings) check(gainList, seedList string) error {
	if s.taskName == "" {
		return usagef("gainsweep: --task NAME is required (rnnlab tasks lists the tasks)")
	}
	if s.out == "" {
		return usagef("gainsweep: --out DIR is required")
	}
	if gainList == "" || seedList == "" {
		return usagef("gainsweep: --g and --seeds are required, for example --g 0.5,0.8,1.2 --seeds 1-3")
	}
	gains, err := sweep.ParseFloats(gainList)
	if err != nil {
		return usagef("gainsweep: --g: %v", err)
	}
	for _, g := range gains {
		if g < 0 {
			return usagef("gainsweep: --g: gain %g is negative; expected g ≥ 0", g)
		}
	}
	slices.Sort(gains)
	s.gains = gains
	if s.seeds, err = sweep.ParseSeeds(seedList); err != nil {
		return usagef("gainsweep: --seeds: %v", err)
	}
	if s.preset != "" && s.configPath != "" {
		return usagef("gainsweep: give at most one of --preset NAME or --config FILE")
	}
	if s.preset == "" && s.configPath == "" {
		s.preset = "demo"
	}
	for _, v := range []struct {
		name  string
		value int
	}{{"--n", s.n}, {"--epochs", s.epochs}, {"--batches-per-epoch", s.batchesPerEpoch}} {
		if v.value < 0 {
			return usagef("gainsweep: %s must be ≥ 0 (0 keeps the config's value), got %d", v.name, v.value)
		}
	}
	if s.workers < 1 {
		return usagef("gainsweep: --workers must be at least 1, got %d", s.workers)
	}
	if !(s.duration > 0) {
		return usagef("gainsweep: --duration must be a time > 0 in τ, got %g", s.duration)
	}
	if !(s.burnIn >= 0) {
		return usagef("gainsweep: --burn-in must be a time ≥ 0 in τ, got %g", s.burnIn)
	}
	return nil
}

// runConfig returns the resolved config of the run at gain g and seed. It
// also checks that the task has the precision metric.
func (s *gainSweepSettings) runConfig(g float64, seed uint64) (*config.Config, error) {
	cfg, err := loadConfigOrPreset(s.configPath, s.preset)
	if err != nil {
		return nil, err
	}
	if cfg.Task.Name != s.taskName {
		// Another task's parameters do not apply: start from the defaults.
		cfg.Task = config.TaskConfig{Name: s.taskName}
	}
	cfg.Model.G = g
	cfg.SetSeed(seed)
	if s.n > 0 {
		cfg.Model.N = s.n
	}
	if s.epochs > 0 {
		cfg.Train.Epochs = s.epochs
	}
	if s.batchesPerEpoch > 0 {
		cfg.Train.BatchesPerEpoch = s.batchesPerEpoch
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tk, err := cfg.BuildTask()
	if err != nil {
		return nil, err
	}
	if !hasMetric(tk, gainSweepMetric) {
		return nil, usagef("gainsweep: task %s has no %s metric, so there is no performance to compare; choose a task that has it, such as %s",
			tk.Name(), gainSweepMetric, task.PulseDurationName)
	}
	return cfg, nil
}

// hasMetric reports whether tk's score includes the named metric, by
// scoring all-zero outputs on its test trials.
func hasMetric(tk task.Task, name string) bool {
	trials := tk.TestTrials()
	if len(trials) == 0 {
		return false
	}
	outputs := make([][]float64, len(trials))
	for i := range outputs {
		outputs[i] = make([]float64, tk.Steps()*tk.Outputs())
	}
	_, ok := tk.Score(outputs).Values[name]
	return ok
}

// plan lists the runs: gains in increasing order, then seeds in the order
// given, each with a stable ID and its run directory.
func (s *gainSweepSettings) plan() []gainSweepRun {
	var runs []gainSweepRun
	for _, g := range s.gains {
		for _, seed := range s.seeds {
			gs := strconv.FormatFloat(g, 'g', -1, 64)
			id := fmt.Sprintf("g=%s/seed=%d", gs, seed)
			runs = append(runs, gainSweepRun{g: g, seed: seed,
				job: sweep.Job{ID: id, Dir: filepath.Join(s.out, "runs", "g="+gs, fmt.Sprintf("seed=%d", seed))}})
		}
	}
	return runs
}

// checkCompletedRuns rejects a done run whose config differs from the one
// this sweep would train, since skipping it would mix two configs.
func checkCompletedRuns(s *gainSweepSettings, runs []gainSweepRun) error {
	for _, r := range runs {
		if !sweep.Completed(r.job.Dir) {
			continue
		}
		man, err := runio.ReadManifest(r.job.Dir)
		if err != nil {
			return err
		}
		cfg, err := s.runConfig(r.g, r.seed)
		if err != nil {
			return err
		}
		if man.ConfigHash != cfg.Hash() {
			return usagef("gainsweep: run %s is done but was made with a different config (hash %s, this sweep %s); choose another --out, or delete the run to train it again",
				r.job.Dir, man.ConfigHash, cfg.Hash())
		}
	}
	return nil
}

// logSweepEvent turns the pool's progress events into log lines.
func logSweepEvent(e sweep.Event) {
	switch e.Kind {
	case sweep.Started:
		slog.Info("run started", "id", e.Job.ID)
	case sweep.Failed:
		slog.Error("run failed", "id", e.Job.ID, "completed", e.Completed, "of", e.Total, "err", e.Err)
	case sweep.Skipped:
		slog.Info("run done already, not trained again", "id", e.Job.ID, "completed", e.Completed, "of", e.Total)
	default:
		slog.Info("run "+e.Kind.String(), "id", e.Job.ID, "completed", e.Completed, "of", e.Total,
			"seconds", e.Elapsed.Round(1e7).Seconds())
	}
}
