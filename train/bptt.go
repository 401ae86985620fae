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
	u        []F // T×Bc×I, the trials' inputs in the training type
	dz       []F // T×Bc×O, ∂L/∂z
	a, aNext []F // Bc×N adjoints ∂L/∂x(s) and ∂L/∂x(s+1)
	v        []F // Bc×N scratch
	eps      []F // Bc×N noise of one step
	// winT is W_inᵀ (I×N) and gradInT the gradient of W_in accumulated in
	// that layout, so each input's weights are contiguous.
	winT, gradInT []F
	grad          [numGroups][]F
	// blocks are the unit boundaries of the column blocks (see unitBlocks),
	// and team the goroutines that share them.
	blocks []int
	team   *team
	// packed is set for float32 where kernel.PackedFast: the products
	// through W then use W packed once per pass, as Wᵀ for the forward
	// step and as W for the backward step.
	packed bool
	wT, wN kernel.Packed
	// The jobs of the parallel phases, reused at every step.
	stepJob    stepJob[F]
	noiseJob   noiseJob[F]
	backJob    backJob[F]
	adjointJob adjointJob[F]
}

// stepJob is one forward step, block by block (see chunk.step).
type stepJob[F kernel.Float] struct {
	c         *chunk[F]
	p         *net[F]
	t         int
	rt, rNext []F
	sigma     float64
	noisy     bool
}

func (j *stepJob[F]) block(k int) {
	j.c.stepBlock(j.p, j.t, j.rt, j.rNext, j.sigma, j.noisy, j.c.blocks[k], j.c.blocks[k+1])
}

// noiseJob draws one step's noise, trial by trial.
type noiseJob[F kernel.Float] struct {
	c     *chunk[F]
	t     int
	noise noiseSource[F]
}

func (j *noiseJob[F]) block(b int) {
	n := len(j.c.eps) / j.c.bc
	j.noise(j.t, b, j.c.eps[b*n:(b+1)*n])
}

// backJob is one backward step, block by block (see chunk.backStep).
type backJob[F kernel.Float] struct {
	c         *chunk[F]
	p         *net[F]
	train     *[numGroups]bool
	s         int
	rs, rPrev []F
}

func (j *backJob[F]) block(k int) {
	j.c.backBlock(j.p, j.train, j.s, j.rs, j.rPrev, j.c.blocks[k], j.c.blocks[k+1])
}

// adjointJob computes a(0), which has no readout or gradient terms.
type adjointJob[F kernel.Float] struct {
	c  *chunk[F]
	p  *net[F]
	rs []F
}

func (j *adjointJob[F]) block(k int) {
	j.c.adjointBlock(j.p, 0, j.rs, j.c.blocks[k], j.c.blocks[k+1])
}

func newChunk[F kernel.Float](n, in, out, bc, T, every int) *chunk[F] {
	c := &chunk[F]{bc: bc, T: T, every: every, blocks: unitBlocks(n), team: newTeam(1)}
	_, float32Path := any(c).(*chunk[float32])
	c.packed = float32Path && kernel.PackedFast()
	if every > 0 {
		c.r = make([]F, (every+1)*bc*n)
		c.xs = make([]F, (T/every+1)*bc*n)
	} else {
		c.r = make([]F, (T+1)*bc*n)
	}
	c.x = make([]F, bc*n)
	c.pre = make([]F, bc*n)
	c.u = make([]F, T*bc*in)
	c.dz = make([]F, T*bc*out)
	c.a = make([]F, bc*n)
	c.aNext = make([]F, bc*n)
	c.v = make([]F, bc*n)
	c.eps = make([]F, bc*n)
	c.winT = make([]F, in*n)
	c.gradInT = make([]F, in*n)
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
	total := rows*perStep + int64(T)*int64(bc)*int64(in+out) + 6*perStep + 2*int64(n)*int64(in)
	total += int64(n*n + 2*n*in + 2*n*out + 2*n + out) // gradients
	return total * int64(size)
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
// Every step's work is split into the column blocks c.blocks of units and
// shared by c.team. A block computes its units' currents, rates and
// adjoints for all the chunk's trials, and its rows of the gradients. No
// sum crosses blocks, so the result does not depend on the team's size.
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
	n, in, out, T, bc := p.n, p.in, p.out, c.T, c.bc
	rows := bc * n
	for g := range c.grad {
		clear(c.grad[g])
	}
	clear(c.gradInT)
	if c.packed {
		W := any(p.groups[gW]).([]float32)
		c.wT.Pack(true, n, n, W, n)
		c.wN.Pack(false, n, n, W, n)
	}
	for i, row := 0, p.groups[gWIn]; i < n; i++ {
		for k := range in {
			c.winT[k*n+i] = row[i*in+k]
		}
	}

	// Per-trial loss weight 1/(B·O·C_b), and the inputs step by step.
	weight := make([]float64, bc)
	for b, tr := range trials {
		count := 0.0
		for _, m := range tr.Mask {
			count += m
		}
		if count > 0 {
			weight[b] = 1 / (float64(batchSize) * float64(out) * count)
		}
		for t := range T {
			dst := c.u[(t*bc+b)*in : (t*bc+b+1)*in]
			for k, v := range tr.Input[t*in : (t+1)*in] {
				dst[k] = F(v)
			}
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
	kernel.Tanh(c.r[:rows], c.x)
	loss := 0.0
	for t := 0; t < T; t++ {
		var rt, rNext []F
		if c.every == 0 {
			rt, rNext = c.r[t*rows:(t+1)*rows], c.r[(t+1)*rows:(t+2)*rows]
		} else {
			rt, rNext = c.r[(t%2)*rows:(t%2+1)*rows], c.r[((t+1)%2)*rows:((t+1)%2+1)*rows]
		}
		c.step(p, t, rt, rNext, sigma, noise)
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
			c.backStep(p, train, s, c.r[s*rows:(s+1)*rows], c.r[(s-1)*rows:s*rows])
		}
	} else {
		for j := (T - 1) / c.every; j >= 0; j-- {
			s0 := j * c.every
			s1 := min(s0+c.every, T)
			copy(c.x, c.xs[j*rows:(j+1)*rows])
			kernel.Tanh(c.r[:rows], c.x)
			for t := s0; t < s1; t++ {
				c.step(p, t, c.r[(t-s0)*rows:(t-s0+1)*rows], c.r[(t-s0+1)*rows:(t-s0+2)*rows], sigma, noise)
			}
			for s := s1; s > s0; s-- {
				c.backStep(p, train, s, c.r[(s-s0)*rows:(s-s0+1)*rows], c.r[(s-s0-1)*rows:(s-s0)*rows])
			}
		}
	}
	// s = 0: no readout term and no gradient terms; r(0) is the first row
	// of c.r in both modes.
	c.adjointJob = adjointJob[F]{c: c, p: p, rs: c.r[:rows]}
	c.team.run(len(c.blocks)-1, &c.adjointJob)
	if train[gWIn] {
		for i, row := 0, c.grad[gWIn]; i < n; i++ {
			for k := range in {
				row[i*in+k] = c.gradInT[k*n+i]
			}
		}
	}
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
func (c *chunk[F]) step(p *net[F], t int, rt, rNext []F, sigma float64, noise noiseSource[F]) {
	noisy := sigma != 0 && noise != nil
	if noisy {
		c.noiseJob = noiseJob[F]{c: c, t: t, noise: noise}
		c.team.run(c.bc, &c.noiseJob)
	}
	c.stepJob = stepJob[F]{c: c, p: p, t: t, rt: rt, rNext: rNext, sigma: sigma, noisy: noisy}
	c.team.run(len(c.blocks)-1, &c.stepJob)
}

// stepBlock is step for the units lo ≤ i < hi of every trial.
func (c *chunk[F]) stepBlock(p *net[F], t int, rt, rNext []F, sigma float64, noisy bool, lo, hi int) {
	n, in, bc := p.n, p.in, c.bc
	W := p.groups[gW]
	// pre[b][i] = Σⱼ W[i][j]·r(t)[b][j] for the block's units i.
	if c.packed {
		kernel.PackedMul(bc, lo, hi, any(rt).([]float32), n, &c.wT, any(c.pre).([]float32), n)
	} else {
		kernel.Gemm(false, true, bc, hi-lo, n, 1, rt, n, W[lo*n:], n, 0, c.pre[lo:], n)
	}
	var eps []F
	if noisy {
		eps = c.eps[lo:]
	}
	noiseScale := F(sigma * math.Sqrt(2*float64(p.alpha)))
	kernel.LeakTanh(bc, hi-lo, n, c.x[lo:], rNext[lo:], c.pre[lo:], eps,
		p.groups[gB][lo:hi], c.winT[lo:], in, c.u[t*bc*in:(t+1)*bc*in], p.alpha, noiseScale)
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

// adjointBlock sets c.a = a(s) from c.aNext = a(s+1) and rs = r(s) for the
// units lo ≤ j < hi of every trial:
//
//	a(s) = φ′(x(s)) ⊙ (e + α·Wᵀ·a(s+1)) + (1−α)·a(s+1),  e = W_outᵀ·∂L/∂z(s−1) (0 at s = 0)
func (c *chunk[F]) adjointBlock(p *net[F], s int, rs []F, lo, hi int) {
	n, out, bc := p.n, p.out, c.bc
	W := p.groups[gW]
	// v[b][j] = Σᵢ a(s+1)[b][i]·W[i][j] = (Wᵀ·a(s+1))[b][j] for the block's j.
	switch {
	case s < c.T && c.packed:
		kernel.PackedMul(bc, lo, hi, any(c.aNext).([]float32), n, &c.wN, any(c.v).([]float32), n)
	case s < c.T:
		kernel.Gemm(false, false, bc, hi-lo, n, 1, c.aNext, n, W[lo:], n, 0, c.v[lo:], n)
	default:
		for b := 0; b < bc; b++ {
			clear(c.v[b*n+lo : b*n+hi])
		}
	}
	var dz []F
	if s >= 1 {
		dz = c.dz[(s-1)*bc*out : s*bc*out]
	}
	kernel.Adjoint(bc, hi-lo, n, c.a[lo:], rs[lo:], c.v[lo:], c.aNext[lo:], out, dz, p.groups[gWOut][lo:], p.alpha)
}

// backStep computes a(s) for s ≥ 1 from rs = r(s), adds the step's
// gradient terms using rPrev = r(s−1), and moves a(s) to c.aNext.
func (c *chunk[F]) backStep(p *net[F], train *[numGroups]bool, s int, rs, rPrev []F) {
	c.backJob = backJob[F]{c: c, p: p, train: train, s: s, rs: rs, rPrev: rPrev}
	c.team.run(len(c.blocks)-1, &c.backJob)
	if train[gBOut] {
		out := p.out
		dz := c.dz[(s-1)*c.bc*out : s*c.bc*out]
		g := c.grad[gBOut]
		for b := 0; b < c.bc; b++ {
			for o := 0; o < out; o++ {
				g[o] += dz[b*out+o]
			}
		}
	}
	c.a, c.aNext = c.aNext, c.a
}

// backBlock is backStep's work for the units lo ≤ i < hi: their adjoints,
// and their entries of the gradients of W (rows), W_in (rows), W_out
// (columns) and b.
func (c *chunk[F]) backBlock(p *net[F], train *[numGroups]bool, s int, rs, rPrev []F, lo, hi int) {
	n, in, out, bc := p.n, p.in, p.out, c.bc
	c.adjointBlock(p, s, rs, lo, hi)
	if train[gW] {
		// ∂L/∂W[i][·] += α·Σ_b a(s)[b][i]·r(s−1)[b][·] for the block's rows i.
		kernel.Gemm(true, false, hi-lo, n, bc, p.alpha, c.a[lo:], n, rPrev, n, 1, c.grad[gW][lo*n:], n)
	}
	var gradOut, gradInT, gradBias []F
	if train[gWOut] {
		gradOut = c.grad[gWOut][lo:]
	}
	if train[gWIn] {
		gradInT = c.gradInT[lo:]
	}
	if train[gB] {
		gradBias = c.grad[gB][lo:hi]
	}
	kernel.StepGrads(bc, hi-lo, n, rs[lo:], c.a[lo:], out, c.dz[(s-1)*bc*out:s*bc*out], gradOut,
		in, c.u[(s-1)*bc*in:s*bc*in], gradInT, gradBias, p.alpha)
}
