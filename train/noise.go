package train

import (
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

// trialNoise draws the recurrent noise ε of the trials of a batch. The
// noise of trial b at step t is a pure function of (the trial's seed, t):
// a PCG seeded with (splitmix64(seed + t·φ), seed2), φ = 0x9E3779B97F4A7C15,
// draws its N standard normals. So any chunking of the batch, any thread
// count and the recomputation of gradient checkpointing see the same
// values, and a trial's noise needs no storage.
type trialNoise[F kernel.Float] struct {
	seed1, seed2 []uint64
	pcg          []rand.PCG
	rng          []*rand.Rand
}

func newTrialNoise[F kernel.Float](b int) *trialNoise[F] {
	n := &trialNoise[F]{seed1: make([]uint64, b), seed2: make([]uint64, b), pcg: make([]rand.PCG, b), rng: make([]*rand.Rand, b)}
	for i := range n.rng {
		n.rng[i] = rand.New(&n.pcg[i])
	}
	return n
}

// reseed draws the seeds of the next batch's trials from the noise stream.
func (n *trialNoise[F]) reseed(stream *rand.Rand) {
	for i := range n.seed1 {
		n.seed1[i], n.seed2[i] = stream.Uint64(), stream.Uint64()
	}
}

// fill writes ε(t) of trial b. Trials are filled by one goroutine each.
func (n *trialNoise[F]) fill(b, t int, eps []F) {
	n.pcg[b].Seed(splitmix64(n.seed1[b]+uint64(t)*0x9E3779B97F4A7C15), n.seed2[b])
	r := n.rng[b]
	for i := range eps {
		eps[i] = F(r.NormFloat64())
	}
}

// splitmix64 is the output mixing function of SplitMix64 (Steele, Lea &
// Flood 2014), used to spread consecutive step numbers over the PCG state.
func splitmix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
