package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
	"github.com/rnnlab/rnnlab/train"
)

const benchUsage = `bench train [--workload thesis|small] [--threads N] [--dtype float32|float64] [--steps K] [--json]

Times training steps (forward pass, loss, BPTT and one Adam update) of a
benchmark workload on random inputs and targets, after one untimed step:
  thesis  N=500, batch 32, T=1000, α=0.01, g=1.5, 1 input, 1 output, W_in and W_out train
  small   N=128, batch 64, T=200,  α=0.1,  g=1.5, 3 inputs, 1 output, W, W_in, W_out and b train
These match the project's PyTorch reference step (torch_ctrnn.py, timed
beside rnnlab by scripts/bench-table.py; see docs/benchmarks.md).`

type workload struct {
	n, batch, steps, in, out int
	alpha, g                 float64
	trainable                []string
}

var workloads = map[string]workload{
	"thesis": {n: 500, batch: 32, steps: 1000, in: 1, out: 1, alpha: 0.01, g: 1.5,
		trainable: []string{model.GroupWIn, model.GroupWOut}},
	"small": {n: 128, batch: 64, steps: 200, in: 3, out: 1, alpha: 0.1, g: 1.5,
		trainable: []string{model.GroupW, model.GroupWIn, model.GroupWOut, model.GroupB}},
}

type benchJSON struct {
	Workload            string  `json:"workload"`
	SecondsPerStep      float64 `json:"seconds_per_step"`
	TrialStepsPerSecond float64 `json:"trial_steps_per_second"`
	PeakRSSMiB          float64 `json:"peak_rss_mib"`
	Backend             string  `json:"backend"`
	DType               string  `json:"dtype"`
	Threads             int     `json:"threads"`
	TimedSteps          int     `json:"timed_steps"`
	// ProductGFLOPS is the rate of the step's matrix products, counted as
	// 4·B·T·N² flops (6·B·T·N² when W trains) per step.
	ProductGFLOPS float64 `json:"product_gflops"`
	// GemmGFLOPS is the single-thread matrix-multiply rate measured in the
	// same run at the workload's shape (B×N times N×N), same backend and
	// dtype; ProductGFLOPS/GemmGFLOPS is the fraction of that ceiling.
	GemmGFLOPS        float64 `json:"gemm_gflops"`
	FractionOfCeiling float64 `json:"fraction_of_ceiling"`
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "train" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintf(stderr, "Usage: %s %s\n", programName, benchUsage)
			return errHelp
		}
		return usagef("bench: want the subcommand 'train' (usage: %s %s)", programName, benchUsage)
	}
	fs := newFlagSet("bench train", benchUsage, stderr)
	name := fs.String("workload", "thesis", "workload: thesis or small")
	threads := fs.Int("threads", 1, "goroutines working on a batch")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	steps := fs.Int("steps", 3, "timed training steps")
	chunks := fs.Int("batch-chunks", train.DefaultConfig().BatchChunks, "pieces the batch is split into (train.batch_chunks)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	rest, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("bench train: unexpected argument %q", rest[0])
	}
	wl, ok := workloads[*name]
	if !ok {
		return usagef("bench train: unknown workload %q (want thesis or small)", *name)
	}
	if *dtype != "float32" && *dtype != "float64" {
		return usagef("bench train: --dtype must be float32 or float64, got %q", *dtype)
	}
	if *threads < 1 || *steps < 1 || *chunks < 1 {
		return usagef("bench train: --threads, --steps and --batch-chunks must be at least 1")
	}

	mc := model.DefaultConfig()
	mc.N, mc.Inputs, mc.Outputs = wl.n, wl.in, wl.out
	mc.TauMs, mc.DtMs, mc.G = 1, wl.alpha, wl.g
	mc.Seeds = model.DeriveSeeds(0)
	init, err := model.Init(&mc, nil)
	if err != nil {
		return err
	}
	tc := train.DefaultConfig()
	tc.DType = *dtype
	tc.Trainable = wl.trainable
	tc.Trials, tc.BatchSize = wl.batch, wl.batch
	tc.BatchChunks = *chunks
	tc.Epochs, tc.BatchesPerEpoch = 1, *steps+1
	setup := &train.Setup{Model: mc, Train: tc, Task: &randomTask{wl: wl}, Init: init, Threads: *threads}
	var total float64
	timed := 0
	_, err = train.Run(ctx, setup, nil, train.Hooks{Step: func(st train.StepStats) error {
		if st.Step > 1 {
			total += st.Seconds
			timed++
		}
		return nil
	}})
	if err != nil {
		return err
	}
	sec := total / float64(timed)
	flopsPerStep := 4.0
	if slices.Contains(wl.trainable, model.GroupW) {
		flopsPerStep = 6
	}
	flopsPerStep *= float64(wl.batch) * float64(wl.steps) * float64(wl.n) * float64(wl.n)
	var gemm float64
	if *dtype == "float32" {
		gemm = gemmRate[float32](wl.batch, wl.n)
	} else {
		gemm = gemmRate[float64](wl.batch, wl.n)
	}
	res := benchJSON{Workload: *name, SecondsPerStep: sec, TrialStepsPerSecond: float64(wl.batch*wl.steps) / sec,
		PeakRSSMiB: peakRSSMiB(), Backend: kernel.Backend(), DType: *dtype, Threads: *threads, TimedSteps: timed,
		ProductGFLOPS: flopsPerStep / sec / 1e9, GemmGFLOPS: gemm}
	res.FractionOfCeiling = res.ProductGFLOPS / res.GemmGFLOPS
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "%s: %.4g s per step, %.4g trial-steps/s, peak RSS %.0f MiB (%s, %s, %d threads, %s)\n",
		res.Workload, res.SecondsPerStep, res.TrialStepsPerSecond, res.PeakRSSMiB, res.Backend, res.DType, res.Threads, runtime.Version())
	fmt.Fprintf(stdout, "  matrix products at %.3g GFLOP/s, %.0f%% of the %.3g GFLOP/s measured for one %d×%d by %d×%d product\n",
		res.ProductGFLOPS, 100*res.FractionOfCeiling, res.GemmGFLOPS, wl.batch, wl.n, wl.n, wl.n)
	return nil
}

// gemmRate measures the single-thread rate in GFLOP/s of C = A·Bᵀ with A
// b×n and B n×n, the forward product of a training step, for at least
// 0.3 s after one untimed call.
func gemmRate[F kernel.Float](b, n int) float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	a := make([]F, b*n)
	w := make([]F, n*n)
	c := make([]F, b*n)
	for i := range a {
		a[i] = F(rng.NormFloat64())
	}
	for i := range w {
		w[i] = F(rng.NormFloat64())
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	kernel.Gemm(false, true, b, n, n, 1, a, n, w, n, 0, c, n)
	calls := 0
	start := time.Now()
	for time.Since(start) < 300*time.Millisecond {
		kernel.Gemm(false, true, b, n, n, 1, a, n, w, n, 0, c, n)
		calls++
	}
	return 2 * float64(b) * float64(n) * float64(n) * float64(calls) / time.Since(start).Seconds() / 1e9
}

// peakRSSMiB returns the process's peak resident memory in MiB (Linux
// reports ru_maxrss in KiB).
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// randomTask gives trials of standard-normal inputs and targets with every
// step counted, as the PyTorch reference does.
type randomTask struct{ wl workload }

func (r *randomTask) Name() string { return "bench" }
func (r *randomTask) Steps() int   { return r.wl.steps }
func (r *randomTask) Inputs() int  { return r.wl.in }
func (r *randomTask) Outputs() int { return r.wl.out }
func (r *randomTask) Sample(rng *rand.Rand, n int) []task.Trial {
	trials := make([]task.Trial, n)
	for i := range trials {
		tr := task.Trial{Input: make([]float64, r.wl.steps*r.wl.in), Target: make([]float64, r.wl.steps*r.wl.out),
			Mask: make([]float64, r.wl.steps)}
		for k := range tr.Input {
			tr.Input[k] = rng.NormFloat64()
		}
		for k := range tr.Target {
			tr.Target[k] = rng.NormFloat64()
		}
		for k := range tr.Mask {
			tr.Mask[k] = 1
		}
		trials[i] = tr
	}
	return trials
}
func (r *randomTask) TestTrials() []task.Trial       { return nil }
func (r *randomTask) Score([][]float64) task.Metrics { return task.Metrics{} }
