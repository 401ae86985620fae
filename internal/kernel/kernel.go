package kernel

// Float is the set of floating-point types the kernels run on.
type Float interface{ float32 | float64 }

// Gemm computes, on row-major slices,
//
//	C = alpha·op(A)·op(B) + beta·C
//
// with op(A) m×k, op(B) k×n and C m×n; op(X) is Xᵀ when the matching trans
// flag is set. lda, ldb and ldc are the row strides. Cost O(m·n·k).
//
// A is stored m×k, or k×m when transA, so lda ≥ max(1, k), or max(1, m)
// when transA. Likewise B is stored k×n, or n×k when transB, and
// ldc ≥ max(1, n).
// Elements between the end of a row and the next stride are neither read
// nor written. C must not overlap A or B.
//
// As in the reference BLAS, beta = 0 overwrites C without reading it, so
// NaN or Inf left in C does not propagate, and with alpha = 0 or k = 0
// neither A nor B is read. Both cases run in Go, so they give the same bits
// on every backend.
//
// Gemm panics with a "kernel: " message when a size is negative, a stride
// is too small or a slice is too short for the shape and stride.
func Gemm[F Float](transA, transB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}

	switch a := any(a).(type) {
	case []float32:
		sgemm(transA, transB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		dgemm(transA, transB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// checkGemm panics unless the sizes, strides and slice lengths describe
// valid row-major operands for Gemm. Every backend relies on it: OpenBLAS
// does no bounds checking of its own.
func checkGemm(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	if m < 0 {
		panic("kernel: negative m")
	}
	if n < 0 {
		panic("kernel: negative n")
	}
	if k < 0 {
		panic("kernel: negative k")
	}

	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}

	if lda < max(1, colsA) {
		panic("kernel: lda smaller than the row length of A")
	}
	if ldb < max(1, colsB) {
		panic("kernel: ldb smaller than the row length of B")
	}
	if ldc < max(1, n) {
		panic("kernel: ldc smaller than n")
	}

	if lenA < storedLen(rowsA, colsA, lda) {
		panic("kernel: slice a too short for its shape and stride")
	}
	if lenB < storedLen(rowsB, colsB, ldb) {
		panic("kernel: slice b too short for its shape and stride")
	}
	if lenC < storedLen(m, n, ldc) {
		panic("kernel: slice c too short for its shape and stride")
	}
}

// storedLen returns the number of elements a rows×cols row-major matrix with
// stride ld spans: the last row needs only cols elements.
func storedLen(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// scaleMatrix sets C = beta·C on an m×n row-major matrix with stride ldc.
// beta = 0 stores zeros without reading C.
func scaleMatrix[F Float](m, n int, beta F, c []F, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
