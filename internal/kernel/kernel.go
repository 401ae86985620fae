// Package kernel holds the dense kernels that training and simulation run
// on: matrix products on raw row-major slices, in float32 and float64.
//
// This is the one seam between rnnlab's numerics and a BLAS. The default
// implementation is gonum's pure-Go BLAS, whose products split work over
// blocks of the output only, so every element is summed in the same order
// whatever the number of threads.
package kernel

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Float is the set of floating-point types the kernels run on.
type Float interface{ float32 | float64 }

var impl gonum.Implementation

// Backend returns the name of the active matrix-product implementation.
func Backend() string { return "gonum" }

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Gemm computes, on row-major slices,
//
//	C = alpha·op(A)·op(B) + beta·C
//
// with op(A) m×k, op(B) k×n and C m×n; op(X) is Xᵀ when the matching trans
// flag is set. lda, ldb and ldc are the row strides. Cost O(m·n·k).
func Gemm[F Float](transA, transB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		impl.Sgemm(trans(transA), trans(transB), m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		impl.Dgemm(trans(transA), trans(transB), m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}
