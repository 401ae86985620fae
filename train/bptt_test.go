package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/internal/kernel"
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

// blockLayouts are the ways TestGradientsMatchFiniteDifferences splits its
// 7 units: one block, and three uneven blocks shared by two goroutines, so
// the block boundaries of every product and loop are checked.
var blockLayouts = []struct {
	name    string
	bounds  []int
	workers int
}{
	{"one block", []int{0, 7}, 1},
	{"three blocks", []int{0, 2, 5, 7}, 2},
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	const n, in, T, B, alpha = 7, 2, 20, 3, 0.2
	for _, out := range []int{1, 2} {
		for _, sigma := range []float64{0, 0.3} {
			for _, layout := range blockLayouts {
				t.Run(fmt.Sprintf("out=%d/sigma=%v/%s", out, sigma, layout.name), func(t *testing.T) {
					checkFiniteDifferences(t, n, in, out, T, B, alpha, sigma, layout.bounds, layout.workers)
				})
			}
		}
	}
}

func checkFiniteDifferences(t *testing.T, n, in, out, T, B int, alpha, sigma float64, bounds []int, workers int) {
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
	c.blocks, c.team = bounds, newTeam(workers)
	defer c.team.close()
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
}

// blockTolerance bounds the relative difference of float32 gradients
// computed with one column block and with several. Only the products'
// internal blocking may differ, a few float32 roundings per sum of 400
// terms.
const blockTolerance = 1e-5

func TestTeamSizeDoesNotChangeGradients(t *testing.T) {
	// 400 units make two column blocks (208 and 192 units), as in training.
	const n, in, out, T, B, alpha = 400, 3, 1, 30, 8, 0.1
	w, trials := randomProblem(6, n, in, out, T, B)
	all := [numGroups]bool{true, true, true, true, true, true}
	p := newNet[float32](w, alpha)
	noise := func(t, b int, eps []float32) {
		for i := range eps {
			eps[i] = float32(math.Sin(float64(1 + t*B*n + b*n + i)))
		}
	}

	run := func(bounds []int, workers int) *chunk[float32] {
		c := newChunk[float32](n, in, out, B, T, 0)
		if bounds != nil {
			c.blocks = bounds
		}
		c.team = newTeam(workers)
		defer c.team.close()
		lossAndGrad(p, c, trials, B, &all, 0.2, noise)
		return c
	}
	serial := run(nil, 1)
	if len(serial.blocks) != 3 {
		t.Fatalf("unit blocks %v, want two blocks", serial.blocks)
	}
	shared := run(nil, 2)
	whole := run([]int{0, n}, 1)
	for g, name := range model.Groups {
		if !slices.Equal(serial.grad[g], shared.grad[g]) {
			t.Errorf("group %s: gradients differ between one and two goroutines", name)
		}
		diff, ref := 0.0, 0.0
		for i, v := range serial.grad[g] {
			d := float64(v - whole.grad[g][i])
			diff += d * d
			ref += float64(whole.grad[g][i]) * float64(whole.grad[g][i])
		}
		if rel := math.Sqrt(diff / ref); !(rel <= blockTolerance) {
			t.Errorf("group %s: two blocks differ from one by %.3g (relative), want ≤ %g", name, rel, blockTolerance)
		}
	}
}

func TestUnitBlocksCoverUnits(t *testing.T) {
	for _, n := range []int{1, 128, 191, 383, 384, 500, 1000, 4097} {
		bounds := unitBlocks(n)
		if bounds[0] != 0 || bounds[len(bounds)-1] != n {
			t.Errorf("n = %d: bounds %v do not span 0..n", n, bounds)
			continue
		}
		for k := 1; k < len(bounds); k++ {
			width := bounds[k] - bounds[k-1]
			if least := min(n, minBlockUnits-kernel.PanelWidth); width < least {
				t.Errorf("n = %d: block %d has %d units, want at least %d", n, k-1, width, least)
			}
			if k < len(bounds)-1 && bounds[k]%kernel.PanelWidth != 0 {
				t.Errorf("n = %d: inner boundary %d is not a multiple of %d", n, bounds[k], kernel.PanelWidth)
			}
		}
	}
	if got := len(unitBlocks(500)) - 1; got != 2 {
		t.Errorf("500 units: %d blocks, want 2", got)
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
