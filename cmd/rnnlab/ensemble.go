package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/sweep"
	"github.com/rnnlab/rnnlab/task"
)

const ensembleUsage = `ensemble (--preset NAME | --config FILE) --seeds SEEDS --out DIR [flags]
       rnnlab ensemble (--runs DIR1,DIR2,... | --runs-glob PATTERN) --out DIR [flags]

Trains one pulse-duration network per seed, analyses each one and relates
the precision after training to the features of its activity and weights
across the ensemble. The config (--preset or --config) gets the seed (as
train --seed sets it) and optionally --n, --epochs, --batches-per-epoch
and --readout-same-draw. Runs go to DIR/runs/seed=<seed> and are trained
as rnnlab train does, in parallel on --workers workers, each
single-threaded, so the results do not depend on the number of workers. A
run whose manifest has status done is skipped, so running the same command
again resumes a stopped ensemble; an unfinished run is trained again from
the start. A done run made with a different config is an error.

With --runs or --runs-glob, nothing is trained: the given run directories
(trained or imported) are analysed as they are.

Each run is evaluated (rnnlab evaluate) and analysed (rnnlab analyze, all
sections, results in RUN/analysis/analyze.json). The analysis is reused
when the run's analyze.json was written by an ensemble with the same
--sweep, --readout-trials and --readout-seed. The features, one CSV column
each, are listed in docs/analysis.md; a feature that analyze.json lacks is
an empty cell in the CSV and null in the JSON.

Writes DIR/ensemble.csv (one row per run), DIR/ensemble.json (mean and
sample standard deviation of every feature over the runs, and the Pearson
correlation of precision with each feature with its two-sided p-value) and
the figures DIR/figures/ensemble_correlations and ensemble_features (.png
and .svg). Precision is a mean squared error: lower is better.`

// ensembleMetric is the task metric that the features are correlated with.
const ensembleMetric = "precision"

// ensembleSettings are the parsed flags of rnnlab ensemble.
type ensembleSettings struct {
	preset          string
	configPath      string
	seeds           []uint64
	runDirs         []string // set with --runs or --runs-glob: analyse only
	out             string
	n               int
	epochs          int
	batchesPerEpoch int
	readoutSameDraw bool
	workers         int
	analyze         ensembleAnalyzeArgs
}

// ensembleAnalyzeArgs are the options passed on to rnnlab analyze. Empty
// or zero values keep analyze's defaults.
type ensembleAnalyzeArgs struct {
	SweepMs       string `json:"sweep_ms"`
	ReadoutTrials int    `json:"readout_trials"`
	ReadoutSeed   uint64 `json:"readout_seed"`
}

// flags returns the analyze command-line flags of a.
func (a ensembleAnalyzeArgs) flags() []string {
	var args []string
	if a.SweepMs != "" {
		args = append(args, "--sweep", a.SweepMs)
	}
	if a.ReadoutTrials > 0 {
		args = append(args, "--readout-trials", strconv.Itoa(a.ReadoutTrials))
	}
	return append(args, "--seed", strconv.FormatUint(a.ReadoutSeed, 10))
}

// ensembleRun is one run of the ensemble. For a run given with --runs,
// seed is the run seed of its config.
type ensembleRun struct {
	seed    uint64
	trained bool // trained by this command, as opposed to given with --runs
	job     sweep.Job
}

func runEnsemble(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ensemble", ensembleUsage, stderr)
	s := ensembleSettings{}
	fs.StringVar(&s.preset, "preset", "", "built-in config: "+strings.Join(config.PresetNames(), ", "))
	fs.StringVar(&s.configPath, "config", "", "TOML config `file` instead of a preset")
	seedList := fs.String("seeds", "", "run seeds: single seeds and inclusive ranges, such as 1-20 or 1,4,7")
	runList := fs.String("runs", "", "comma-separated run `directories` to analyse instead of training")
	runGlob := fs.String("runs-glob", "", "glob `pattern` of run directories to analyse instead of training, such as 'runs/seed=*'")
	fs.StringVar(&s.out, "out", "", "ensemble `directory`: runs/, ensemble.csv, ensemble.json, figures/")
	fs.IntVar(&s.epochs, "epochs", 0, "number of epochs (0 keeps the config's)")
	fs.IntVar(&s.batchesPerEpoch, "batches-per-epoch", 0, "optimizer steps per epoch (0 keeps the config's)")
	fs.IntVar(&s.n, "n", 0, "number of units N (0 keeps the config's)")
	fs.BoolVar(&s.readoutSameDraw, "readout-same-draw", false, "start W_out as W_inᵀ/√N, the same draw as the input weights (as train --readout-same-draw)")
	fs.IntVar(&s.workers, "workers", runtime.NumCPU(), "runs trained and analysed at the same time, each on one thread")
	fs.StringVar(&s.analyze.SweepMs, "sweep", "", "pulse durations of analyze's geometry sweep, in `ms`, comma-separated (empty keeps analyze's default)")
	fs.IntVar(&s.analyze.ReadoutTrials, "readout-trials", 0, "trials of analyze's analytic readout (0 keeps analyze's default)")
	fs.Uint64Var(&s.analyze.ReadoutSeed, "readout-seed", 1, "seed of analyze's readout trials (analyze --seed)")
	asJSON := fs.Bool("json", false, "print ensemble.json to stdout instead of a table")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("ensemble: unexpected argument %q", rest[0])
	}
	if err := s.check(*seedList, *runList, *runGlob); err != nil {
		return err
	}

	runs, err := s.plan()
	if err != nil {
		return err
	}
	if err := s.checkCompletedRuns(runs); err != nil {
		return err
	}
	rows, trained, err := s.trainAndAnalyse(ctx, runs)
	if err != nil {
		return err
	}
	summary, err := writeEnsemble(&s, rows)
	if err != nil {
		return err
	}
	return printEnsemble(stdout, s.out, summary, *asJSON, trained, len(rows)-trained)
}

// check parses the seed and run lists and checks the other flags.
func (s *ensembleSettings) check(seedList, runList, runGlob string) error {
	if s.out == "" {
		return usagef("ensemble: --out DIR is required")
	}
	existingRuns := runList != "" || runGlob != ""
	if runList != "" && runGlob != "" {
		return usagef("ensemble: give at most one of --runs and --runs-glob")
	}
	if existingRuns {
		if seedList != "" || s.preset != "" || s.configPath != "" {
			return usagef("ensemble: --runs and --runs-glob analyse existing runs; drop --seeds, --preset and --config")
		}
		if s.n != 0 || s.epochs != 0 || s.batchesPerEpoch != 0 || s.readoutSameDraw {
			return usagef("ensemble: --n, --epochs, --batches-per-epoch and --readout-same-draw set up training, which --runs and --runs-glob skip")
		}
		dirs, err := expandRunDirs(runList, runGlob)
		if err != nil {
			return err
		}
		s.runDirs = dirs
	} else {
		if (s.preset == "") == (s.configPath == "") {
			return usagef("ensemble: give one of --preset NAME or --config FILE (or --runs to analyse existing runs)")
		}
		if seedList == "" {
			return usagef("ensemble: --seeds is required, for example --seeds 1-20")
		}
		seeds, err := sweep.ParseSeeds(seedList)
		if err != nil {
			return usagef("ensemble: --seeds: %v", err)
		}
		s.seeds = seeds
	}
	for _, v := range []struct {
		name  string
		value int
	}{{"--n", s.n}, {"--epochs", s.epochs}, {"--batches-per-epoch", s.batchesPerEpoch}, {"--readout-trials", s.analyze.ReadoutTrials}} {
		if v.value < 0 {
			return usagef("ensemble: %s must be ≥ 0 (0 keeps the default), got %d", v.name, v.value)
		}
	}
	if s.workers < 1 {
		return usagef("ensemble: --workers must be at least 1, got %d", s.workers)
	}
	// Parse the analyze flags once here, so a bad --sweep or
	// --readout-trials is a usage error before any training starts.
	if _, _, err := parseAnalyzeOptions(append([]string{"check"}, s.analyze.flags()...), io.Discard); err != nil {
		return usagef("ensemble: %v", err)
	}
	if !existingRuns {
		if _, err := s.runConfig(s.seeds[0]); err != nil {
			return err
		}
	}
	return nil
}

// expandRunDirs returns the run directories of --runs or --runs-glob, in
// the order given or sorted by name, without duplicates.
func expandRunDirs(runList, runGlob string) ([]string, error) {
	var dirs []string
	if runGlob != "" {
		matches, err := filepath.Glob(runGlob)
		if err != nil {
			return nil, usagef("ensemble: --runs-glob %q: %v", runGlob, err)
		}
		if len(matches) == 0 {
			return nil, usagef("ensemble: --runs-glob %q matches no file; quote the pattern so the shell does not expand it", runGlob)
		}
		slices.Sort(matches)
		dirs = matches
	} else {
		for _, d := range strings.Split(runList, ",") {
			if d = strings.TrimSpace(d); d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	var out []string
	for _, d := range dirs {
		d = filepath.Clean(d)
		if slices.Contains(out, d) {
			continue
		}
		if _, err := os.Stat(runio.Path(d, runio.ManifestFile)); err != nil {
			return nil, usagef("ensemble: %s is not a run directory (no %s)", d, runio.ManifestFile)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, usagef("ensemble: --runs names no run directory")
	}
	return out, nil
}

// runConfig returns the resolved config of the run with the given seed and
// checks that its task is pulse-duration, the one task analyze supports.
func (s *ensembleSettings) runConfig(seed uint64) (*config.Config, error) {
	cfg, err := loadConfigOrPreset(s.configPath, s.preset)
	if err != nil {
		return nil, err
	}
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
	if s.readoutSameDraw {
		cfg.Model.ReadoutSameDraw = true
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tk, err := cfg.BuildTask()
	if err != nil {
		return nil, err
	}
	if tk.Name() != task.PulseDurationName || !hasMetric(tk, ensembleMetric) {
		return nil, usagef("ensemble: task %s is not supported; the ensemble analyses pulse-duration runs (analyze supports no other task)", tk.Name())
	}
	return cfg, nil
}

// plan lists the runs: seeds in the order given, or the given run
// directories, each with a stable ID.
func (s *ensembleSettings) plan() ([]ensembleRun, error) {
	var runs []ensembleRun
	for _, seed := range s.seeds {
		id := fmt.Sprintf("seed=%d", seed)
		runs = append(runs, ensembleRun{seed: seed, trained: true,
			job: sweep.Job{ID: id, Dir: filepath.Join(s.out, "runs", id)}})
	}
	for _, dir := range s.runDirs {
		cfg, _, _, err := openRun(dir)
		if err != nil {
			return nil, err
		}
		runs = append(runs, ensembleRun{seed: cfg.Seed, job: sweep.Job{ID: dir, Dir: dir}})
	}
	return runs, nil
}

// checkCompletedRuns rejects a done run whose config differs from the one
// this ensemble would train, since skipping it would mix two configs.
func (s *ensembleSettings) checkCompletedRuns(runs []ensembleRun) error {
	for _, r := range runs {
		if !r.trained || !sweep.Completed(r.job.Dir) {
			continue
		}
		man, err := runio.ReadManifest(r.job.Dir)
		if err != nil {
			return err
		}
		cfg, err := s.runConfig(r.seed)
		if err != nil {
			return err
		}
		if man.ConfigHash != cfg.Hash() {
			return usagef("ensemble: run %s is done but was made with a different config (hash %s, this ensemble %s); choose another --out, or delete the run to train it again",
				r.job.Dir, man.ConfigHash, cfg.Hash())
		}
	}
	return nil
}

// trainAndAnalyse trains the runs that are not done yet on the sweep pool
// and measures every run. It returns the rows in run order and the number
// of runs trained now.
func (s *ensembleSettings) trainAndAnalyse(ctx context.Context, runs []ensembleRun) ([]ensembleRow, int, error) {
	jobs := make([]sweep.Job, len(runs))
	byID := make(map[string]ensembleRun, len(runs))
	for i, r := range runs {
		jobs[i] = r.job
		byID[r.job.ID] = r
	}
	memoryPerRun := defaultMemoryLimitGiB() / float64(s.workers)
	opts := sweep.Options{Workers: s.workers, Progress: logSweepEvent}
	if len(s.runDirs) > 0 {
		// Given runs are never trained here, whatever their status.
		opts.Complete = func(sweep.Job) bool { return true }
	}
	trainAndMeasure := func(ctx context.Context, job sweep.Job) (ensembleRow, error) {
		r := byID[job.ID]
		cfg, err := s.runConfig(r.seed)
		if err != nil {
			return ensembleRow{}, err
		}
		if _, err := newRun(ctx, cfg, job.Dir, true, 1, memoryPerRun, io.Discard, io.Discard); err != nil {
			return ensembleRow{}, err
		}
		return s.measure(ctx, byID[job.ID])
	}
	loadDone := func(job sweep.Job) (ensembleRow, error) {
		return s.measure(ctx, byID[job.ID])
	}
	slog.Info("ensemble", "runs", len(jobs), "workers", s.workers, "out", s.out)
	results, err := sweep.Run(ctx, jobs, opts, trainAndMeasure, loadDone)
	if err != nil {
		return nil, 0, fmt.Errorf("ensemble: %w; the runs that finished are kept, and running the same command again resumes the ensemble", err)
	}
	rows := make([]ensembleRow, len(results))
	trained := 0
	for i, r := range results {
		rows[i] = r.Value
		if !r.Skipped {
			trained++
		}
	}
	return rows, trained, nil
}
