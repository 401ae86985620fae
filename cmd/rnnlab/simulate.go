package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

const simulateUsage = `simulate DIR --out FILE.npz [--condition KEY=V1,V2,...] [--noise] [--dtype float64|float32]

Simulates the run's final network on trials of its task and writes the
trajectories as a NumPy .npz file (T steps, B trials, N units, I inputs, O
outputs; array[t, b, ...] is step t of trial b):

  inputs   T×B×I   u(t)
  x        T×B×N   currents x(t+1) after the t-th update
  r        T×B×N   rates r(t+1) = φ(x(t+1))
  z        T×B×O   outputs z(t) = W_out·r(t+1) + b_out
  targets  T×B×O   the task's targets
  mask     T×B     1 where a step counts in the loss
  x0       N       the initial state x(0)
  time_ms  T       the time of step t, t·dt
  cond_<key> B     each trial's condition (e.g. cond_duration_ms)

Without --condition the trials are the task's test trials; with it, one
trial per combination of values (pulse-duration: duration_ms and onset_ms,
duration_ms = -1 for no pulse). Noise (σ_rec of the config) is off unless
--noise is given; it then uses --seed.`

// conditionList is a repeatable KEY=V1,V2 flag.
type conditionList map[string][]float64

func (c conditionList) String() string { return fmt.Sprint(map[string][]float64(c)) }
func (c conditionList) Set(s string) error {
	key, vals, ok := strings.Cut(s, "=")
	if !ok || key == "" || vals == "" {
		return fmt.Errorf("want KEY=V1,V2,..., got %q", s)
	}
	for _, v := range strings.Split(vals, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return fmt.Errorf("condition %s: invalid number %q", key, v)
		}
		c[key] = append(c[key], f)
	}
	return nil
}

func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("simulate", simulateUsage, stderr)
	out := fs.String("out", "", "output `file` (.npz)")
	conds := conditionList{}
	fs.Var(conds, "condition", "`KEY=V1,V2,...` trial conditions (repeatable)")
	noise := fs.Bool("noise", false, "add the config's recurrent noise σ_rec")
	seed := fs.Uint64("seed", 1, "seed of the noise when --noise is given")
	dtype := fs.String("dtype", "float64", "dtype of the written arrays: float64 or float32 (the simulation runs in float64)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("simulate: want one run directory, got %d arguments", len(rest))
	}
	if *out == "" {
		return usagef("simulate: --out FILE.npz is required")
	}
	if !strings.HasSuffix(*out, ".npz") {
		return usagef("simulate: --out must name a .npz file, got %q", *out)
	}
	if *dtype != "float64" && *dtype != "float32" {
		return usagef("simulate: --dtype must be float64 or float32, got %q", *dtype)
	}
	cfg, tk, w, err := openRun(rest[0])
	if err != nil {
		return err
	}
	trials := tk.TestTrials()
	if len(conds) > 0 {
		ct, ok := tk.(task.Conditioned)
		if !ok {
			return usagef("simulate: task %s takes no --condition", tk.Name())
		}
		if trials, err = ct.ConditionTrials(conds); err != nil {
			return usagef("simulate: --condition: %v", err)
		}
	}
	if len(trials) == 0 {
		return usagef("simulate: task %s has no test trials; give --condition", tk.Name())
	}
	act, err := model.LookupActivation(cfg.Model.Activation)
	if err != nil {
		return err
	}
	T, B, I, O, N := tk.Steps(), len(trials), w.I, w.O, w.N
	inputs := make([]float64, T*B*I)
	targets := make([]float64, T*B*O)
	mask := make([]float64, T*B)
	for b, tr := range trials {
		for t := 0; t < T; t++ {
			copy(inputs[(t*B+b)*I:(t*B+b+1)*I], tr.Input[t*I:(t+1)*I])
			copy(targets[(t*B+b)*O:(t*B+b+1)*O], tr.Target[t*O:(t+1)*O])
			mask[t*B+b] = tr.Mask[t]
		}
	}
	opt := model.SimOptions{Record: true}
	if *noise && cfg.Model.SigmaRec > 0 {
		rngs := make([]*rand.Rand, B)
		for b := range rngs {
			rngs[b] = rand.New(rand.NewPCG(*seed, uint64(b)))
		}
		opt.SigmaRec = cfg.Model.SigmaRec
		opt.Noise = func(t, b int, eps []float64) {
			for i := range eps {
				eps[i] = rngs[b].NormFloat64()
			}
		}
	}
	traj := model.Simulate(w, act, cfg.Model.Alpha(), inputs, T, B, opt)
	timeMs := make([]float64, T)
	for t := range timeMs {
		timeMs[t] = float64(t) * cfg.Model.DtMs
	}
	arrays := []runio.Tensor{
		array("inputs", []int{T, B, I}, inputs, *dtype),
		array("x", []int{T, B, N}, traj.X, *dtype),
		array("r", []int{T, B, N}, traj.R, *dtype),
		array("z", []int{T, B, O}, traj.Z, *dtype),
		array("targets", []int{T, B, O}, targets, *dtype),
		array("mask", []int{T, B}, mask, *dtype),
		array("x0", []int{N}, w.X0, *dtype),
		array("time_ms", []int{T}, timeMs, *dtype),
	}
	keys := map[string]bool{}
	for _, tr := range trials {
		for k := range tr.Condition {
			keys[k] = true
		}
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := make([]float64, B)
		for b, tr := range trials {
			v[b] = tr.Condition[k]
		}
		arrays = append(arrays, array("cond_"+k, []int{B}, v, *dtype))
	}
	if err := runio.SaveNPZ(*out, arrays); err != nil {
		return err
	}
	all := append([]string{"inputs", "x", "r", "z", "targets", "mask", "x0", "time_ms"}, prefixed("cond_", names)...)
	fmt.Fprintf(stdout, "wrote %s: %d trials of %d steps, N = %d (arrays %s)\n", *out, B, T, N, strings.Join(all, ", "))
	return nil
}

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// array makes a tensor of the given dtype from float64 values.
func array(name string, shape []int, v []float64, dtype string) runio.Tensor {
	t := runio.Tensor{Name: name, Shape: shape}
	if dtype == "float32" {
		t.F32 = make([]float32, len(v))
		for i, x := range v {
			t.F32[i] = float32(x)
		}
		return t
	}
	t.F64 = v
	return t
}
