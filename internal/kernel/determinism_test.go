package kernel

import (
	"runtime"
	"sync"
	"testing"
)

// determinismShapes are the products training runs: the thesis forward step
// (batch 32 times Wᵀ, N = 500), the backward step through W, the
// weight-gradient accumulation over a batch chunk of 8, and the small
// workload's forward step, plus an awkward size.
var determinismShapes = []gemmCase{
	{transB: true, m: 32, n: 500, k: 500, alpha: 1, beta: 0},
	{m: 32, n: 500, k: 500, alpha: 1, beta: 0},
	{transA: true, m: 500, n: 500, k: 8, alpha: 1, beta: 1},
	{transB: true, m: 64, n: 128, k: 128, alpha: 1, beta: 0},
	{transA: true, transB: true, m: 130, n: 65, k: 17, alpha: -0.5, beta: 2, padA: 1, padB: 3, padC: 1},
}

// runCase returns C after one Gemm call on a fresh copy of op's C.
func runCase[F Float](tc gemmCase, op gemmOperands[F]) []F {
	c := append([]F(nil), op.c0...)
	Gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, F(tc.alpha), op.a, op.lda, op.b, op.ldb, F(tc.beta), c, op.ldc)
	return c
}

// firstBitDifference returns the first index where x and y differ in their
// bits (NaN included), or -1.
func firstBitDifference[F Float](x, y []F) int {
	for i := range x {
		if x[i] != y[i] && !(isNaN(x[i]) && isNaN(y[i])) {
			return i
		}
	}
	return -1
}

func TestGemmDeterministic(t *testing.T) {
	t.Run("float32", func(t *testing.T) { checkDeterministic[float32](t) })
	t.Run("float64", func(t *testing.T) { checkDeterministic[float64](t) })
}

// checkDeterministic compares the bits of C from a first call with a
// repeated call, with calls under GOMAXPROCS 1 and 2, and with four
// goroutines running the same product at once, as training does with its
// batch chunks.
func checkDeterministic[F Float](t *testing.T) {
	rng := newRand(t)
	for _, tc := range determinismShapes {
		op := newGemmOperands[F](rng, tc)
		first := runCase(tc, op)

		if i := firstBitDifference(first, runCase(tc, op)); i >= 0 {
			t.Errorf("%v: repeated call differs at C[%d]", tc, i)
		}

		prev := runtime.GOMAXPROCS(1)
		oneProc := runCase(tc, op)
		runtime.GOMAXPROCS(2)
		twoProcs := runCase(tc, op)
		runtime.GOMAXPROCS(prev)
		if i := firstBitDifference(oneProc, twoProcs); i >= 0 {
			t.Errorf("%v: GOMAXPROCS 1 and 2 differ at C[%d]: %g vs %g", tc, i, oneProc[i], twoProcs[i])
		}
		if i := firstBitDifference(first, oneProc); i >= 0 {
			t.Errorf("%v: GOMAXPROCS 1 and %d differ at C[%d]", tc, prev, i)
		}

		const workers = 4
		results := make([][]F, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { results[w] = runCase(tc, op) })
		}
		wg.Wait()
		for w, c := range results {
			if i := firstBitDifference(first, c); i >= 0 {
				t.Errorf("%v: concurrent call %d differs at C[%d]", tc, w, i)
			}
		}
	}
}
