// Command lyapunov-weights writes the random tanh network of the Lyapunov
// benchmarks (analysis/lyapunov/bench_test.go) to an .npz file and prints
// its λ_max as computed by rnnlab. scripts/bench/lyapunov_numpy.py computes
// λ_max of the same W, so the two implementations can be compared.
//
//	go run ./scripts/bench/lyapunov-weights -n 200 -out /tmp/w200.npz
//
// The archive contains W (N×N, float64, row i is the input weights of unit
// i) and x0 (N), the start state that the rnnlab run used. The output is
// one JSON line with N, g, α, the durations in τ and λ_max per τ.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/rnnlab/rnnlab/analysis/lyapunov"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
)

func main() {
	n := flag.Int("n", 200, "number of units N")
	g := flag.Float64("g", 2, "gain g of W = g·J₀, J₀ᵢⱼ ~ N(0, 1/N)")
	alpha := flag.Float64("alpha", 0.1, "α = dt/τ")
	seed := flag.Uint64("seed", 1, "run seed of W, as in the benchmarks' randomNetwork")
	burnIn := flag.Float64("burn-in", 100, "network transient in τ")
	frameBurnIn := flag.Float64("frame-burn-in", 20, "frame transient in τ")
	duration := flag.Float64("duration", 1000, "observation time in τ")
	out := flag.String("out", "", "path of the .npz file to write (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "lyapunov-weights: missing -out, the path of the .npz file to write")
		os.Exit(2)
	}
	if err := run(*n, *g, *alpha, *seed, *burnIn, *frameBurnIn, *duration, *out); err != nil {
		fmt.Fprintln(os.Stderr, "lyapunov-weights:", err)
		os.Exit(1)
	}
}

func run(n int, g, alpha float64, seed uint64, burnIn, frameBurnIn, duration float64, out string) error {
	cfg := model.DefaultConfig()
	cfg.N = n
	cfg.G = g
	cfg.Seeds = model.DeriveSeeds(seed)
	w, err := model.Init(&cfg, nil)
	if err != nil {
		return fmt.Errorf("initialise the network: %w", err)
	}

	// x(0) ~ N(0, 1), drawn here so that it can be written with W.
	rng := rand.New(rand.NewPCG(seed, 0))
	x0 := make([]float64, n)
	for i := range x0 {
		x0[i] = rng.NormFloat64()
	}

	tensors := []runio.Tensor{
		{Name: "W", Shape: []int{n, n}, F64: w.W},
		{Name: "x0", Shape: []int{n}, F64: x0},
	}
	if err := runio.SaveNPZ(out, tensors); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}

	res, err := lyapunov.Spectrum(w, model.Tanh{}, alpha, lyapunov.Options{
		K: 1, BurnIn: burnIn, FrameBurnIn: frameBurnIn, Duration: duration,
		X0: append([]float64(nil), x0...), Seed: seed, Checkpoints: -1,
	})
	if err != nil {
		return fmt.Errorf("compute λ_max: %w", err)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"n": n, "g": g, "alpha": alpha, "burn_in_tau": burnIn, "frame_burn_in_tau": frameBurnIn,
		"duration_tau": duration, "lambda_max": res.LambdaMax,
	})
}
