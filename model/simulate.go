package model

import (
	"math"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

// NoiseFunc fills eps (length N) with the standard normal draws ε(t) of
// trial b at step t. Simulations call it in order of t, and for each t in
// order of b.
type NoiseFunc func(t, b int, eps []float64)

// SimOptions selects what a simulation records and its noise.
type SimOptions struct {
	// Noise supplies ε when SigmaRec > 0; nil means no noise.
	Noise    NoiseFunc
	SigmaRec float64
	// Record keeps x(1..T) and r(1..T) in the trajectory.
	Record bool
}

// Trajectory is the result of a simulation of B trials over T steps,
// laid out T×B×(dim) row-major:
//
//	Z  T×B×O  outputs z(t) = W_out·r(t+1) + b_out
//	X  T×B×N  currents x(t+1) after the t-th update (only when recorded)
//	R  T×B×N  rates r(t+1) = φ(x(t+1)) (only when recorded)
type Trajectory struct {
	T, B, N, O int
	Z, X, R    []float64
}

// Simulate runs the network in float64 on B trials of T steps:
//
//	x(t+1) = (1−α)·x(t) + α·(W·r(t) + W_in·u(t) + b) + σ_rec·√(2α)·ε(t)
//	r(t)   = φ(x(t)),  x(0) = x0
//	z(t)   = W_out·r(t+1) + b_out,  t = 0..T−1
//
// inputs is T×B×I. Cost O(T·B·N²). It panics if the sizes disagree.
func Simulate(w *Weights, act Activation, alpha float64, inputs []float64, T, B int, opt SimOptions) *Trajectory {
	n, in, out := w.N, w.I, w.O
	if len(inputs) != T*B*in {
		panic("model: inputs length is not T×B×I")
	}
	tr := &Trajectory{T: T, B: B, N: n, O: out, Z: make([]float64, T*B*out)}
	if opt.Record {
		tr.X = make([]float64, T*B*n)
		tr.R = make([]float64, T*B*n)
	}
	x := make([]float64, B*n)
	r := make([]float64, B*n)
	pre := make([]float64, B*n)
	eps := make([]float64, n)
	for b := 0; b < B; b++ {
		copy(x[b*n:], w.X0)
	}
	for i := range r {
		r[i] = act.Apply(x[i])
	}
	noiseScale := opt.SigmaRec * math.Sqrt(2*alpha)
	noisy := opt.Noise != nil && opt.SigmaRec != 0

	for t := 0; t < T; t++ {
		// pre = R·Wᵀ, so pre[b][i] = Σⱼ W[i][j]·r[b][j].
		kernel.Gemm(false, true, B, n, n, 1, r, n, w.W, n, 0, pre, n)
		for b := 0; b < B; b++ {
			u := inputs[(t*B+b)*in : (t*B+b+1)*in]
			xb := x[b*n : (b+1)*n]
			pb := pre[b*n : (b+1)*n]
			if noisy {
				opt.Noise(t, b, eps)
			}
			for i := 0; i < n; i++ {
				drive := pb[i] + w.B[i]
				for k, uk := range u {
					drive += w.WIn[i*in+k] * uk
				}
				xb[i] = (1-alpha)*xb[i] + alpha*drive
				if noisy {
					xb[i] += noiseScale * eps[i]
				}
			}
		}
		for i := range r {
			r[i] = act.Apply(x[i])
		}
		for b := 0; b < B; b++ {
			rb := r[b*n : (b+1)*n]
			zb := tr.Z[(t*B+b)*out : (t*B+b+1)*out]
			for o := 0; o < out; o++ {
				s := w.BOut[o]
				row := w.WOut[o*n : (o+1)*n]
				for j, rj := range rb {
					s += row[j] * rj
				}
				zb[o] = s
			}
		}
		if opt.Record {
			copy(tr.X[t*B*n:], x)
			copy(tr.R[t*B*n:], r)
		}
	}
	return tr
}
