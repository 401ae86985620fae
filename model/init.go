package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Init draws the initial weights of a network from the connectivity and
// weights streams of cfg.Seeds:
//
//	W     = g·J₀,  J₀ᵢⱼ ~ N(0, 1/N)               (connectivity stream, row-major order)
//	W_in  = w_in_std·ξ,  ξᵢₖ ~ N(0, 1)            (weights stream, row-major order)
//	W_out = w_out_std·ξ'/√N, ξ'ₒⱼ ~ N(0, 1)        (weights stream, drawn after W_in)
//	b = 0, b_out = 0, x0 = 0
//
// With cfg.ReadoutSameDraw, W_out reuses the input draw: W_out = w_out_std·ξᵀ/√N
// (needs I = O), as the thesis's code did by reseeding before both draws.
// When j0 is not nil it is used as J₀ (N×N, unscaled) and the connectivity
// stream is not drawn from.
func Init(cfg *Config, j0 []float64) (*Weights, error) {
	n, in, out := cfg.N, cfg.Inputs, cfg.Outputs
	if j0 != nil && len(j0) != n*n {
		return nil, fmt.Errorf("connectivity has %d entries, want N×N = %d", len(j0), n*n)
	}
	if cfg.ReadoutSameDraw && in != out {
		return nil, fmt.Errorf("readout_same_draw needs as many inputs as outputs, got %d inputs and %d outputs", in, out)
	}
	w := NewWeights(n, in, out)

	if j0 == nil {
		conn := rand.New(NewPCG(cfg.Seeds.Connectivity))
		j0 = make([]float64, n*n)
		sd := 1 / math.Sqrt(float64(n))
		for i := range j0 {
			j0[i] = conn.NormFloat64() * sd
		}
	}
	for i, v := range j0 {
		w.W[i] = cfg.G * v
	}

	rng := rand.New(NewPCG(cfg.Seeds.Weights))
	xi := make([]float64, n*in)
	for i := range xi {
		xi[i] = rng.NormFloat64()
	}
	for i, v := range xi {
		w.WIn[i] = cfg.WInStd * v
	}
	outScale := cfg.WOutStd / math.Sqrt(float64(n))
	if cfg.ReadoutSameDraw {
		for o := 0; o < out; o++ {
			for j := 0; j < n; j++ {
				w.WOut[o*n+j] = outScale * xi[j*in+o]
			}
		}
	} else {
		for i := range w.WOut {
			w.WOut[i] = outScale * rng.NormFloat64()
		}
	}
	return w, nil
}
