package train

import (
	"math"

	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// Indices of the weight groups inside params and grads, in the order of
// model.Groups.
const (
	gW = iota
	gWIn
	gWOut
	gB
	gBOut
	gX0
	numGroups
)

// net holds a network's parameters in the training type F, one slice per
// group in the order of model.Groups.
type net[F kernel.Float] struct {
	n, in, out int
	alpha      F
	groups     [numGroups][]F
}

func newNet[F kernel.Float](w *model.Weights, alpha float64) *net[F] {
	p := &net[F]{n: w.N, in: w.I, out: w.O, alpha: F(alpha)}
	for g, name := range model.Groups {
		src, _ := w.Group(name)
		p.groups[g] = make([]F, len(src))
		for i, v := range src {
			p.groups[g][i] = F(v)
		}
	}
	return p
}

// weights converts the parameters back to float64 (exactly, since every F
// value is a float64 value).
func (p *net[F]) weights() *model.Weights {
	w := model.NewWeights(p.n, p.in, p.out)
	for g, name := range model.Groups {
		dst, _ := w.Group(name)
		for i, v := range p.groups[g] {
			dst[i] = float64(v)
		}
	}
	return w
}

func groupSizes(n, in, out int) [numGroups]int {
	return [numGroups]int{n * n, n * in, out * n, n, out, n}
}

// noiseSource fills eps (length N) with ε(t) of trial b of a chunk. It must
// return the same values whenever it is called again for the same (t, b),
// because checkpointed back-propagation recomputes forward segments.
type noiseSource[F kernel.Float] func(t, b int, eps []F)

// chunk is the working memory of forward and backward passes over a piece
// of a batch: Bc trials of T steps.
type chunk[F kernel.Float] struct {
	bc, T int
	// every is the checkpoint interval in steps; 0 stores every rate.
	every int
	// r holds rates, Bc×N per step. With every = 0 it holds r(0..T),
	// (T+1)×Bc×N: everything the backward pass needs besides the weights,
	// because φ′ is computed from rates. With every > 0 it holds one
	// recomputed segment r(s₀..s₀+every), (every+1)×Bc×N.
	r []F
	// xs holds the checkpointed states x(0), x(every), x(2·every), …
	// ((T/every)+1)×Bc×N, when every > 0.
	xs       []F
	x, pre   []F
	dz       []F // T×Bc×O, ∂L/∂z
	a, aNext []F // Bc×N adjoints ∂L/∂x(s) and ∂L/∂x(s+1)
	v, e     []F // Bc×N scratch
	eps      []F
	grad     [numGroups][]F
}

func newChunk[F kernel.Float](n, in, out, bc, T, every int) *chunk[F] {
	c := &chunk[F]{bc: bc, T: T, every: every}
	if every > 0 {
		c.r = make([]F, (every+1)*bc*n)
		c.xs = make([]F, (T/every+1)*bc*n)
	} else {
		c.r = make([]F, (T+1)*bc*n)
	}
	c.x = make([]F, bc*n)
	c.pre = make([]F, bc*n)
	c.dz = make([]F, T*bc*out)
	c.a = make([]F, bc*n)
	c.aNext = make([]F, bc*n)
	c.v = make([]F, bc*n)
	c.e = make([]F, bc*n)
	c.eps = make([]F, n)
	sizes := groupSizes(n, in, out)
	for g := range c.grad {
		c.grad[g] = make([]F, sizes[g])
	}
	return c
}

// chunkBytes estimates the memory of a chunk's working arrays in bytes.
func chunkBytes(n, in, out, bc, T, every, size int) int64 {
	rows := int64(T + 1)
	if every > 0 {
		rows = int64(every+1) + int64(T/every+1)
	}
	perStep := int64(bc) * int64(n)
	total := rows*perStep + int64(T)*int64(bc)*int64(out) + 6*perStep + int64(n)
	total += int64(n*n + 2*n*in + 2*n*out + 2*n + out) // gradients
	return total * int64(size)
}

// tanhInto sets dst = tanh(src) elementwise in the training type: float32
// uses kernel.TanhF32 (within 4e-8 of math.Tanh, several times faster),
// float64 uses math.Tanh.
func tanhInto[F kernel.Float](dst, src []F) {
	switch d := any(dst).(type) {
	case []float32:
		kernel.TanhF32(d, any(src).([]float32))
	case []float64:
		kernel.TanhF64(d, any(src).([]float64))
	}
}

// lossAndGrad runs the forward and backward passes of the masked loss over
// the trials of one chunk and stores the gradients of the trainable groups
// in c.grad (the others are left at zero). It returns this chunk's part of
// the batch loss
//
//	L = (1/B) Σ_b [ Σ_t m_tb·(1/O)·Σ_o (z_tbo − y_tbo)² ] / Σ_t m_tb
//
// with B = batchSize, the size of the whole batch; a trial that counts no
// step contributes 0.
//
// Forward, with α = dt/τ and r(s) = φ(x(s)):
//
//	x(s+1) = (1−α)·x(s) + α·(W·r(s) + W_in·u(s) + b) + σ·√(2α)·ε(s)
//	z(s)   = W_out·r(s+1) + b_out
//
// Backward, the adjoint a(s) = ∂L/∂x(s) for s = T..0 with a(T+1) = 0:
//
//	a(s) = φ′(x(s)) ⊙ (W_outᵀ·∂L/∂z(s−1) + α·Wᵀ·a(s+1)) + (1−α)·a(s+1)
//
// (no readout term at s = 0), and
//
//	∂L/∂W    = α·Σ_s a(s)·r(s−1)ᵀ      ∂L/∂W_in = α·Σ_s a(s)·u(s−1)ᵀ
//	∂L/∂b    = α·Σ_s a(s)              ∂L/∂x0   = Σ_trials a(0)
//	∂L/∂W_out = Σ_t ∂L/∂z(t)·r(t+1)ᵀ   ∂L/∂b_out = Σ_t ∂L/∂z(t)
//
// With gradient checkpointing (c.every = k > 0) the forward pass keeps only
// x at every k-th step, and the backward pass recomputes each segment of k
// steps from its checkpoint before running back through it. The recomputed
// rates are bit-identical to the first pass, so the gradients equal those of
// full storage exactly, for one more forward pass and (T/k + k)·Bc·N values
// of memory instead of T·Bc·N.
//
// Cost O(T·Bc·N²) for the forward pass, the same again for the backward
// pass (and again for the recomputation with checkpointing), plus
// O(T·Bc·N²) more when W trains.
func lossAndGrad[F kernel.Float](p *net[F], c *chunk[F], trials []*task.Trial, batchSize int,
	train *[numGroups]bool, sigma float64, noise noiseSource[F]) float64 {
	n, out, T, bc := p.n, p.out, c.T, c.bc
	rows := bc * n
	for g := range c.grad {
		clear(c.grad[g])
	}

	// Per-trial loss weight 1/(B·O·C_b).
	weight := make([]float64, bc)
	for b, tr := range trials {
		count := 0.0
		for _, m := range tr.Mask {
			count += m
		}
		if count > 0 {
			weight[b] = 1 / (float64(batchSize) * float64(out) * count)
		}
	}

	// Forward pass.
	x0 := p.groups[gX0]
	for b := 0; b < bc; b++ {
		copy(c.x[b*n:(b+1)*n], x0)
	}
	if c.every > 0 {
		copy(c.xs[:rows], c.x)
	}
	tanhInto(c.r[:rows], c.x)
	loss := 0.0
	for t := 0; t < T; t++ {
		var rt, rNext []F
		if c.every == 0 {
			rt, rNext = c.r[t*rows:(t+1)*rows], c.r[(t+1)*rows:(t+2)*rows]
		} else {
			rt, rNext = c.r[(t%2)*rows:(t%2+1)*rows], c.r[((t+1)%2)*rows:((t+1)%2+1)*rows]
		}
		c.step(p, trials, t, rt, rNext, sigma, noise)
		if c.every > 0 && (t+1)%c.every == 0 {
			k := (t + 1) / c.every
			copy(c.xs[k*rows:(k+1)*rows], c.x)
		}
		loss += c.readout(p, trials, t, rNext, weight)
	}

	// Backward pass.
	clear(c.aNext)
	if c.every == 0 {
		for s := T; s >= 1; s-- {
			c.backStep(p, trials, train, s, c.r[s*rows:(s+1)*rows], c.r[(s-1)*rows:s*rows])
		}
	} else {
		for j := (T - 1) / c.every; j >= 0; j-- {
			s0 := j * c.every
			s1 := min(s0+c.every, T)
			copy(c.x, c.xs[j*rows:(j+1)*rows])
			tanhInto(c.r[:rows], c.x)
			for t := s0; t < s1; t++ {
				c.step(p, trials, t, c.r[(t-s0)*rows:(t-s0+1)*rows], c.r[(t-s0+1)*rows:(t-s0+2)*rows], sigma, noise)
			}
			for s := s1; s > s0; s-- {
				c.backStep(p, trials, train, s, c.r[(s-s0)*rows:(s-s0+1)*rows], c.r[(s-s0-1)*rows:(s-s0)*rows])
			}
		}
	}
	// s = 0: no readout term; r(0) is the first row of c.r in both modes.
	c.adjoint(p, 0, c.r[:rows])
	if train[gX0] {
		g := c.grad[gX0]
		for b := 0; b < bc; b++ {
			for i, ai := range c.a[b*n : (b+1)*n] {
				g[i] += ai
			}
		}
	}
	return loss
}

// step advances c.x by one update from rates rt and writes the new rates
// to rNext:
//
//	x ← (1−α)·x + α·(W·rt + W_in·u(t) + b) + σ·√(2α)·ε(t),  rNext = φ(x)
func (c *chunk[F]) step(p *net[F], trials []*task.Trial, t int, rt, rNext []F, sigma float64, noise noiseSource[F]) {
	n, in, bc := p.n, p.in, c.bc
	alpha := p.alpha
	W, WIn, bias := p.groups[gW], p.groups[gWIn], p.groups[gB]
	noiseScale := F(sigma * math.Sqrt(2*float64(alpha)))
	noisy := sigma != 0 && noise != nil
	// pre = r(t)·Wᵀ, so pre[b][i] = Σⱼ W[i][j]·r(t)[b][j].
	kernel.Gemm(false, true, bc, n, n, 1, rt, n, W, n, 0, c.pre, n)
	for b := 0; b < bc; b++ {
		u := trials[b].Input[t*in : (t+1)*in]
		xb := c.x[b*n : (b+1)*n]
		pb := c.pre[b*n : (b+1)*n]
		if noisy {
			noise(t, b, c.eps)
		}
		for i := range xb {
			drive := pb[i] + bias[i]
			for k, uk := range u {
				drive += WIn[i*in+k] * F(uk)
			}
			xi := (1-alpha)*xb[i] + alpha*drive
			if noisy {
				xi += noiseScale * c.eps[i]
			}
			xb[i] = xi
		}
	}
	tanhInto(rNext, c.x)
}

// readout computes z(t) = W_out·r(t+1) + b_out from rNext = r(t+1), stores
// ∂L/∂z(t) in c.dz and returns the step's part of the loss.
func (c *chunk[F]) readout(p *net[F], trials []*task.Trial, t int, rNext []F, weight []float64) float64 {
	n, out, bc := p.n, p.out, c.bc
	WOut, bOut := p.groups[gWOut], p.groups[gBOut]
	loss := 0.0
	for b := 0; b < bc; b++ {
		tr := trials[b]
		rb := rNext[b*n : (b+1)*n]
		dzb := c.dz[(t*bc+b)*out : (t*bc+b+1)*out]
		m := tr.Mask[t]
		for o := 0; o < out; o++ {
			z := bOut[o]
			row := WOut[o*n : (o+1)*n]
			for j, rj := range rb {
				z += row[j] * rj
			}
			d := float64(z) - tr.Target[t*out+o]
			loss += weight[b] * m * d * d
			dzb[o] = F(2 * weight[b] * m * d)
		}
	}
	return loss
}

// adjoint sets c.a = a(s) from c.aNext = a(s+1) and rs = r(s):
//
//	a(s) = φ′(x(s)) ⊙ (e + α·Wᵀ·a(s+1)) + (1−α)·a(s+1),  e = W_outᵀ·∂L/∂z(s−1) (0 at s = 0)
func (c *chunk[F]) adjoint(p *net[F], s int, rs []F) {
	n, out, bc := p.n, p.out, c.bc
	alpha := p.alpha
	W, WOut := p.groups[gW], p.groups[gWOut]
	clear(c.e)
	if s >= 1 {
		dz := c.dz[(s-1)*bc*out : s*bc*out]
		for b := 0; b < bc; b++ {
			eb := c.e[b*n : (b+1)*n]
			for o := 0; o < out; o++ {
				d := dz[b*out+o]
				if d == 0 {
					continue
				}
				row := WOut[o*n : (o+1)*n]
				for j := range eb {
					eb[j] += d * row[j]
				}
			}
		}
	}
	// v = a(s+1)·W, so v[b][j] = Σᵢ a(s+1)[b][i]·W[i][j] = (Wᵀ·a(s+1))[b][j].
	if s < c.T {
		kernel.Gemm(false, false, bc, n, n, 1, c.aNext, n, W, n, 0, c.v, n)
	} else {
		clear(c.v)
	}
	for i := range c.a {
		ri := rs[i]
		c.a[i] = (1-ri*ri)*(c.e[i]+alpha*c.v[i]) + (1-alpha)*c.aNext[i]
	}
}

// backStep computes a(s) for s ≥ 1 from rs = r(s), adds the step's
// gradient terms using rPrev = r(s−1), and moves a(s) to c.aNext.
func (c *chunk[F]) backStep(p *net[F], trials []*task.Trial, train *[numGroups]bool, s int, rs, rPrev []F) {
	n, in, out, bc := p.n, p.in, p.out, c.bc
	alpha := p.alpha
	c.adjoint(p, s, rs)
	if train[gWOut] || train[gBOut] {
		dz := c.dz[(s-1)*bc*out : s*bc*out]
		gOut, gbOut := c.grad[gWOut], c.grad[gBOut]
		for b := 0; b < bc; b++ {
			rb := rs[b*n : (b+1)*n]
			for o := 0; o < out; o++ {
				d := dz[b*out+o]
				if train[gBOut] {
					gbOut[o] += d
				}
				if d == 0 || !train[gWOut] {
					continue
				}
				row := gOut[o*n : (o+1)*n]
				for j, rj := range rb {
					row[j] += d * rj
				}
			}
		}
	}
	if train[gW] {
		// ∂L/∂W += α·a(s)ᵀ·r(s−1), an N×N product over the chunk's trials.
		kernel.Gemm(true, false, n, n, bc, alpha, c.a, n, rPrev, n, 1, c.grad[gW], n)
	}
	if train[gWIn] {
		g := c.grad[gWIn]
		for b := 0; b < bc; b++ {
			u := trials[b].Input[(s-1)*in : s*in]
			for k, uk := range u {
				if uk == 0 {
					continue
				}
				f := alpha * F(uk)
				ab := c.a[b*n : (b+1)*n]
				for i, ai := range ab {
					g[i*in+k] += f * ai
				}
			}
		}
	}
	if train[gB] {
		g := c.grad[gB]
		for b := 0; b < bc; b++ {
			for i, ai := range c.a[b*n : (b+1)*n] {
				g[i] += alpha * ai
			}
		}
	}
	c.a, c.aNext = c.aNext, c.a
}
