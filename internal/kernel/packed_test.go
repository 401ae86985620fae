package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// packedTolerance bounds |PackedMul − Gemm| relative to Σ_k |A·B| for one
// element. Both sum k float32 products, in different orders. The worst
// case of either is k·2⁻²⁴ off the exact sum (3e-5 at k = 500), but
// rounding errors of random sign grow like √k·2⁻²⁴ (1.3e-6 at k = 500).
const packedTolerance = 1e-5

func TestPackedMulMatchesGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	random := func(size int) []float32 {
		s := make([]float32, size)
		for i := range s {
			s[i] = float32(2*rng.Float64() - 1)
		}
		return s
	}
	for _, tc := range []struct {
		m, n, k, j0, j1 int
		trans           bool
	}{
		{32, 500, 500, 0, 256, true},
		{32, 500, 500, 256, 500, false},
		{13, 37, 9, 16, 37, false}, // row and column remainders
		{1, 5, 3, 0, 5, true},
		{7, 48, 1, 0, 48, false},
	} {
		t.Run(fmt.Sprintf("%dx%dx%d/cols=%d-%d/trans=%v", tc.m, tc.n, tc.k, tc.j0, tc.j1, tc.trans), func(t *testing.T) {
			const lda, ldc = 600, 520 // strides larger than the rows
			a, b := random(tc.m*lda), random(tc.n*tc.k)
			ldb := tc.n
			if tc.trans {
				ldb = tc.k
			}
			var p Packed
			p.Pack(tc.trans, tc.k, tc.n, b, ldb)

			want := make([]float32, tc.m*ldc)
			Gemm(false, tc.trans, tc.m, tc.n, tc.k, 1, a, lda, b, ldb, 0, want, ldc)
			got := random(tc.m * ldc) // garbage that must survive outside [j0, j1)
			before := append([]float32(nil), got...)
			PackedMul(tc.m, tc.j0, tc.j1, a, lda, &p, got, ldc)

			for i := range tc.m {
				for j := range ldc {
					e := i*ldc + j
					if j < tc.j0 || j >= tc.j1 {
						if got[e] != before[e] {
							t.Fatalf("C[%d][%d] outside the columns changed", i, j)
						}
						continue
					}
					scale := 0.0
					for kk := range tc.k {
						bv := b[kk*tc.n+j]
						if tc.trans {
							bv = b[j*tc.k+kk]
						}
						scale += math.Abs(float64(a[i*lda+kk]) * float64(bv))
					}
					if d := math.Abs(float64(got[e] - want[e])); d > packedTolerance*scale {
						t.Fatalf("C[%d][%d] = %v, Gemm gives %v", i, j, got[e], want[e])
					}
				}
			}
		})
	}
}

func TestPackedMulFastMatchesGoLoop(t *testing.T) {
	// The fast kernel and the Go loop sum in the same order; they differ
	// only by fusing multiply and add, so by a few roundings.
	rng := rand.New(rand.NewPCG(6, 7))
	const m, n, k = 9, 40, 50
	a, b := make([]float32, m*k), make([]float32, k*n)
	for i := range a {
		a[i] = float32(rng.NormFloat64())
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	var p Packed
	p.Pack(false, k, n, b, n)
	fast, slow := make([]float32, m*n), make([]float32, m*n)
	PackedMul(m, 0, n, a, k, &p, fast, n)
	packedMulGo(m, 0, n, a, k, &p, slow, n)
	for i := range fast {
		if d := math.Abs(float64(fast[i] - slow[i])); d > packedTolerance*k {
			t.Fatalf("element %d: %v, Go loop %v", i, fast[i], slow[i])
		}
	}
}

func TestPackedMulRejectsUnalignedStart(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("PackedMul accepted j0 = 3, not a multiple of PanelWidth")
		}
	}()
	var p Packed
	p.Pack(false, 2, 20, make([]float32, 40), 20)
	PackedMul(1, 3, 20, make([]float32, 2), 2, &p, make([]float32, 20), 20)
}

func BenchmarkPackedMul(b *testing.B) {
	const m, n, k = 32, 500, 500
	a, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	for i := range w {
		w[i] = float32(i%7) - 3
	}
	var p Packed
	p.Pack(true, k, n, w, k)
	b.Run("packed", func(b *testing.B) {
		for b.Loop() {
			PackedMul(m, 0, n, a, k, &p, c, n)
		}
		b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("gemm", func(b *testing.B) {
		for b.Loop() {
			Gemm(false, true, m, n, k, 1, a, k, w, k, 0, c, n)
		}
		b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
