package kernel

import (
	"math/rand/v2"
	"testing"
)

// gemmBenchShapes are the products of one training step of the workloads:
// thesis is N = 500 with batch 32, split into chunks of 8 when batch chunks
// run in parallel, and small is N = 128 with batch 64. The forward step is
// R·Wᵀ, the backward step through W is δ·W, and the weight gradient adds
// δᵀ·R over a chunk into an N×N accumulator.
var gemmBenchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
	beta           float64
}{
	{"thesis-forward/m=32", false, true, 32, 500, 500, 0},
	{"thesis-forward/m=8", false, true, 8, 500, 500, 0},
	{"thesis-backward/m=32", false, false, 32, 500, 500, 0},
	{"thesis-weight-grad/k=32", true, false, 500, 500, 32, 1},
	{"thesis-weight-grad/k=8", true, false, 500, 500, 8, 1},
	{"small-forward/m=64", false, true, 64, 128, 128, 0},
}

// BenchmarkGemm reports GFLOP/s = 2·m·n·k per product. Run it with -cpu 1
// for the single-thread rate, since gonum splits large products over
// GOMAXPROCS goroutines.
func BenchmarkGemm(b *testing.B) {
	for _, s := range gemmBenchShapes {
		b.Run("float32/"+s.name, func(b *testing.B) {
			benchGemm[float32](b, s.transA, s.transB, s.m, s.n, s.k, s.beta)
		})
	}
	for _, s := range gemmBenchShapes {
		b.Run("float64/"+s.name, func(b *testing.B) {
			benchGemm[float64](b, s.transA, s.transB, s.m, s.n, s.k, s.beta)
		})
	}
}

func benchGemm[F Float](b *testing.B, transA, transB bool, m, n, k int, beta float64) {
	rng := rand.New(rand.NewPCG(1, 3))
	random := func(size int) []F {
		s := make([]F, size)
		for i := range s {
			s[i] = F(2*rng.Float64() - 1)
		}
		return s
	}
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	a, bm, c := random(m*k), random(k*n), random(m*n)
	// beta = 1 with a small alpha keeps the accumulator bounded.
	alpha := F(1)
	if beta != 0 {
		alpha = 1e-3
	}

	for b.Loop() {
		Gemm(transA, transB, m, n, k, alpha, a, lda, bm, ldb, F(beta), c, n)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
