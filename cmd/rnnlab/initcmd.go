package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/internal/buildinfo"
	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

const initUsage = `init --n N --g G [--tau MS] [--dt MS] [--inputs I] [--outputs O] [--seed S] --out DIR

Draws an untrained random network (W = g·J₀ with J₀ᵢⱼ ~ N(0, 1/N), the
object of the classic theory of the transition to chaos at g = 1) and
writes it as a run directory with task none, ready for analyses such as
rnnlab lyapunov. weights.safetensors and init.safetensors hold the same
float64 weights.`

func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("init", initUsage, stderr)
	n := fs.Int("n", 500, "number of units N")
	g := fs.Float64("g", 1.5, "gain g")
	tau := fs.Float64("tau", 100, "time constant τ in ms")
	dt := fs.Float64("dt", 1, "time step dt in ms")
	inputs := fs.Int("inputs", 1, "number of inputs I")
	outputs := fs.Int("outputs", 1, "number of outputs O")
	activation := fs.String("activation", "tanh", "activation function")
	seed := fs.Int64("seed", 1, "run seed (the connectivity and weight streams derive from it)")
	out := fs.String("out", "", "run `directory` to create")
	force := fs.Bool("force", false, "replace an existing run directory")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("init: unexpected argument %q", rest[0])
	}
	if *out == "" {
		return usagef("init: --out DIR is required")
	}
	if *seed < 0 {
		return usagef("init: --seed must be ≥ 0, got %d", *seed)
	}
	cfg := config.Default()
	cfg.SetSeed(uint64(*seed))
	cfg.Model.N, cfg.Model.G, cfg.Model.TauMs, cfg.Model.DtMs, cfg.Model.Activation = *n, *g, *tau, *dt, *activation
	cfg.Task = config.TaskConfig{Name: task.NoneName,
		Params: &task.NoneParams{Inputs: *inputs, Outputs: *outputs, TrialMs: 1000 * *dt}}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	w, err := model.Init(&cfg.Model, nil)
	if err != nil {
		return usagef("init: %v", err)
	}
	encoded, err := cfg.Encode()
	if err != nil {
		return err
	}
	if err := runio.CreateRunDir(*out, *force); err != nil {
		return usagef("init: %v", err)
	}
	if err := runio.WriteBytesAtomic(runio.Path(*out, runio.ConfigFile), encoded); err != nil {
		return err
	}
	for _, name := range []string{runio.InitFile, runio.WeightsFile} {
		if err := runio.SaveWeights(runio.Path(*out, name), w, &cfg.Model, "float64"); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	man := &runio.Manifest{
		Program: programName, Version: buildinfo.Version, Commit: buildinfo.Commit(), GoVersion: runtime.Version(),
		Command: os.Args, Status: runio.StatusDone, Started: now, Ended: &now, Backend: kernel.Backend(),
		DType: "float64", ConfigHash: cfg.Hash(), Seeds: cfg.Model.Seeds, Task: task.NoneName,
	}
	if err := runio.WriteManifest(*out, man); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "random network N = %d, g = %g, α = %g written to %s\n", *n, *g, cfg.Model.Alpha(), *out)
	return nil
}
