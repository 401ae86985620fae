package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/rnnlab/rnnlab/config"
)

const demoUsage = `demo [--out DIR] [--seed N] [--threads N] [--force]

Trains a small pulse-duration network with the "demo" preset (the thesis's
task and procedure on a coarser grid: N = 100, dt = 10 ms, readout started
as the same draw as the input weights), evaluates it and writes a run
directory. Takes about a minute on two laptop cores.`

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", demoUsage, stderr)
	out := fs.String("out", "", "run `directory` (default runs/demo-YYYYMMDD-HHMMSS)")
	var seed seedFlag
	fs.Var(&seed, "seed", "run `seed` (default: the preset's seed 1)")
	threads := fs.Int("threads", runtime.NumCPU(), "goroutines working on a batch (results do not depend on it)")
	force := fs.Bool("force", false, "replace an existing run directory")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("demo: unexpected argument %q", rest[0])
	}
	if *threads < 1 {
		return usagef("demo: --threads must be at least 1, got %d", *threads)
	}
	dir := *out
	if dir == "" {
		dir = "runs/demo-" + time.Now().Format("20060102-150405")
	}
	cfg, err := config.Preset("demo")
	if err != nil {
		return err
	}
	if seed.set {
		cfg.SetSeed(seed.value)
	}
	began := time.Now()
	res, err := newRun(ctx, cfg, dir, *force, *threads, defaultMemoryLimitGiB(), stdout, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loss fell from %.4g (first step) to %.4g (last step), %.1f%% of the first, in %s\n",
		res.firstLoss, res.lastLoss, 100*res.lastLoss/res.firstLoss, time.Since(began).Round(time.Second))
	fmt.Fprintf(stdout, "look at %s/figures/example_trials.png, loss.png and grad_norms.png\n", dir)
	return nil
}
