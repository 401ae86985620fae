package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// fdStep is the central-difference step for gradient checks; with the
// loss's third derivative of order 1 the truncation error is O(h²) ≈ 1e-10
// and the rounding error O(ε/h) ≈ 1e-11, both well under gradTolerance.
const fdStep = 1e-5

// gradTolerance bounds ‖g − g_fd‖/‖g_fd‖ for each group in float64.
const gradTolerance = 1e-6

// randomProblem builds a small network and batch with random weights,
// inputs, targets and masks (some steps masked out).
func randomProblem(seed uint64, n, in, out, T, B int) (*model.Weights, []*task.Trial) {
	rng := rand.New(rand.NewPCG(seed, 7))
	w := model.NewWeights(n, in, out)
	for _, name := range model.Groups {
		v, _ := w.Group(name)
		scale := 0.5
		if name == model.GroupW {
			scale = 1.5 / math.Sqrt(float64(n))
		}
		for i := range v {
			v[i] = scale * rng.NormFloat64()
		}
	}
	trials := make([]*task.Trial, B)
	for b := range trials {
		tr := &task.Trial{
			Input:  make([]float64, T*in),
			Target: make([]float64, T*out),
			Mask:   make([]float64, T),
		}
		for i := range tr.Input {
			tr.Input[i] = rng.NormFloat64()
		}
		for i := range tr.Target {
			tr.Target[i] = rng.NormFloat64()
		}
		for t := range tr.Mask {
			if rng.Float64() < 0.7 {
				tr.Mask[t] = 1
			}
		}
		tr.Mask[T-1] = 1
		trials[b] = tr
	}
	return w, trials
}

// fixedNoise returns a noise source reading from a stored T×B×N array.
func fixedNoise(eps []float64, B, n int) noiseSource[float64] {
	return func(t, b int, dst []float64) {
		copy(dst, eps[(t*B+b)*n:(t*B+b+1)*n])
	}
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	const n, in, out, T, B, alpha = 5, 2, 2, 20, 3, 0.2
	for _, sigma := range []float64{0, 0.3} {
		t.Run(fmt.Sprintf("sigma=%v", sigma), func(t *testing.T) {
			w, trials := randomProblem(1, n, in, out, T, B)
			rng := rand.New(rand.NewPCG(3, 4))
			eps := make([]float64, T*B*n)
			for i := range eps {
				eps[i] = rng.NormFloat64()
			}
			noise := fixedNoise(eps, B, n)
			all := [numGroups]bool{true, true, true, true, true, true}

			p := newNet[float64](w, alpha)
			c := newChunk[float64](n, in, out, B, T, 0)
			lossAndGrad(p, c, trials, B, &all, sigma, noise)

			scratch := newChunk[float64](n, in, out, B, T, 0)
			none := [numGroups]bool{}
			for g, name := range model.Groups {
				diff, ref := 0.0, 0.0
				for i := range p.groups[g] {
					orig := p.groups[g][i]
					p.groups[g][i] = orig + fdStep
					lp := lossAndGrad(p, scratch, trials, B, &none, sigma, noise)
					p.groups[g][i] = orig - fdStep
					lm := lossAndGrad(p, scratch, trials, B, &none, sigma, noise)
					p.groups[g][i] = orig
					fd := (lp - lm) / (2 * fdStep)
					d := c.grad[g][i] - fd
					diff += d * d
					ref += fd * fd
				}
				rel := math.Sqrt(diff / ref)
				if !(rel <= gradTolerance) {
					t.Errorf("group %s: ‖g − g_fd‖/‖g_fd‖ = %.3g, want ≤ %g", name, rel, gradTolerance)
				}
			}
		})
	}
}

func TestFrozenGroupsGetNoGradient(t *testing.T) {
	const n, in, out, T, B = 4, 1, 1, 10, 2
	w, trials := randomProblem(2, n, in, out, T, B)
	p := newNet[float64](w, 0.1)
	c := newChunk[float64](n, in, out, B, T, 0)
	only := [numGroups]bool{gWIn: true, gWOut: true}
	lossAndGrad(p, c, trials, B, &only, 0, nil)
	for g, name := range model.Groups {
		nonzero := false
		for _, v := range c.grad[g] {
			if v != 0 {
				nonzero = true
			}
		}
		if nonzero != only[g] {
			t.Errorf("group %s: gradient nonzero = %v, trainable = %v", name, nonzero, only[g])
		}
	}
}

func TestCheckpointingGivesSameGradients(t *testing.T) {
	// Recomputed segments reproduce the first forward pass bit for bit, so
	// checkpointed gradients must equal full storage exactly, with noise.
	const n, in, out, T, B, alpha = 6, 2, 2, 23, 3, 0.2
	w, trials := randomProblem(5, n, in, out, T, B)
	rng := rand.New(rand.NewPCG(8, 9))
	eps := make([]float64, T*B*n)
	for i := range eps {
		eps[i] = rng.NormFloat64()
	}
	all := [numGroups]bool{true, true, true, true, true, true}
	p := newNet[float64](w, alpha)
	full := newChunk[float64](n, in, out, B, T, 0)
	lossFull := lossAndGrad(p, full, trials, B, &all, 0.3, fixedNoise(eps, B, n))
	for _, every := range []int{1, 2, 5, 7, 22, 23, 40} {
		c := newChunk[float64](n, in, out, B, T, every)
		loss := lossAndGrad(p, c, trials, B, &all, 0.3, fixedNoise(eps, B, n))
		if loss != lossFull {
			t.Errorf("every %d: loss %v, full storage %v", every, loss, lossFull)
		}
		for g, name := range model.Groups {
			for i := range c.grad[g] {
				if c.grad[g][i] != full.grad[g][i] {
					t.Errorf("every %d: grad %s[%d] = %v, full storage %v", every, name, i, c.grad[g][i], full.grad[g][i])
					break
				}
			}
		}
	}
}
