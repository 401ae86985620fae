package train

import (
	"math"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

// Adam is the Adam optimizer (Kingma & Ba 2015) in the form PyTorch 1.13's
// torch.optim.Adam computes it, with bias correction and no weight decay:
//
//	m ← β₁·m + (1−β₁)·g
//	v ← β₂·v + (1−β₂)·g²
//	p ← p − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)
//
// Differences from PyTorch: each element's update is computed in float64
// and rounded once to the parameter type, where PyTorch rounds after every
// tensor operation in float32; the two agree to a few float32 ulps.
type Adam[F kernel.Float] struct {
	LR, Beta1, Beta2, Eps float64
	// Step counts the updates applied so far.
	Step int
	// M and V are the first and second moment estimates, one slice per
	// parameter group.
	M, V [][]F
}

// NewAdam returns an optimizer for parameter groups of the given sizes.
func NewAdam[F kernel.Float](lr, beta1, beta2, eps float64, sizes []int) *Adam[F] {
	a := &Adam[F]{LR: lr, Beta1: beta1, Beta2: beta2, Eps: eps}
	for _, n := range sizes {
		a.M = append(a.M, make([]F, n))
		a.V = append(a.V, make([]F, n))
	}
	return a
}

// Update applies one step to params using grads (same group layout).
func (a *Adam[F]) Update(params, grads [][]F) {
	a.Step++
	bc1 := 1 - math.Pow(a.Beta1, float64(a.Step))
	bc2 := 1 - math.Pow(a.Beta2, float64(a.Step))
	stepSize := a.LR / bc1
	bc2Sqrt := math.Sqrt(bc2)
	for gi, p := range params {
		g, m, v := grads[gi], a.M[gi], a.V[gi]
		for i := range p {
			gf := float64(g[i])
			mi := a.Beta1*float64(m[i]) + (1-a.Beta1)*gf
			vi := a.Beta2*float64(v[i]) + (1-a.Beta2)*gf*gf
			m[i], v[i] = F(mi), F(vi)
			denom := math.Sqrt(float64(v[i]))/bc2Sqrt + a.Eps
			p[i] = F(float64(p[i]) - stepSize*float64(m[i])/denom)
		}
	}
}
