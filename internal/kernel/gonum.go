//go:build !openblas

package kernel

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// backendName is the prefix of every string Backend returns in this build.
const backendName = "gonum"

var impl gonum.Implementation

// Backend returns the name of the active matrix-product implementation:
// "gonum" for gonum's pure-Go BLAS.
func Backend() string { return backendName }

func transpose(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// sgemm and dgemm hand a checked, non-trivial product to gonum. Above a few
// 64×64 output blocks gonum computes the blocks in up to GOMAXPROCS
// goroutines, but each output block sums over k in one fixed order, and the
// choice between its serial and blocked paths depends on the shape only. So
// the bits do not depend on the thread count.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	impl.Sgemm(transpose(transA), transpose(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	impl.Dgemm(transpose(transA), transpose(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// leakTanh32, adjoint32 and stepGrads32 are the float32 paths of
// LeakTanh, Adjoint and StepGrads.
func leakTanh32(rows, cols, ld int, x, r, pre, eps, bias, winT []float32, in int, u []float32, alpha, noiseScale float32) {
	leakTanhGo(rows, cols, ld, x, r, pre, eps, bias, winT, in, u, alpha, noiseScale)
}

func adjoint32(rows, cols, ld int, a, r, v, next []float32, out int, dz, wout []float32, alpha float32) {
	adjointGo(rows, cols, ld, a, r, v, next, out, dz, wout, alpha)
}

func stepGrads32(rows, cols, ld int, r, a []float32, out int, dz, gout []float32, in int, u, ginT, gb []float32, alpha float32) {
	stepGradsGo(rows, cols, ld, r, a, out, dz, gout, in, u, ginT, gb, alpha)
}

// packedFast is false: the pure-Go build multiplies packed matrices with
// packedMulGo, and training uses Gemm.
const packedFast = false

func packedMulC(m, j0, j1 int, a []float32, lda int, p *Packed, c []float32, ldc int) {
	packedMulGo(m, j0, j1, a, lda, p, c, ldc)
}
