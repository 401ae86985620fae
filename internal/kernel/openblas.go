//go:build openblas && cgo

package kernel

// The C side is a few lines of our own rather than gonum.org/v1/netlib: the
// seam needs only sgemm and dgemm, plus openblas_set_num_threads, which
// netlib does not wrap, and it keeps the module graph free of another cgo
// dependency.
//
// Only -lopenblas is named here, so the header and library come from the C
// compiler's search path (CPATH, LIBRARY_PATH, CGO_CFLAGS, CGO_LDFLAGS).
// scripts/build.sh fills CGO_CFLAGS and CGO_LDFLAGS from pkg-config or
// Homebrew when OpenBLAS is not in a default location.

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>

static void rnnlab_sgemm(int transA, int transB, blasint m, blasint n, blasint k,
		float alpha, const float *a, blasint lda, const float *b, blasint ldb,
		float beta, float *c, blasint ldc) {
	cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
		transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void rnnlab_dgemm(int transA, int transB, blasint m, blasint n, blasint k,
		double alpha, const double *a, blasint lda, const double *b, blasint ldb,
		double beta, double *c, blasint ldc) {
	cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
		transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
*/
import "C"

import (
	"strings"
	"unsafe"
)

// backendName is the prefix of every string Backend returns in this build.
const backendName = "openblas"

// openblasOpenMP is the value openblas_get_parallel returns for a library
// built with OpenMP (0 is sequential, 1 is pthreads).
const openblasOpenMP = 2

var (
	backend string

	// threadsPerCall is set for OpenMP builds of OpenBLAS. Recent ones take
	// the thread count from omp_get_max_threads() of the calling OS thread
	// (num_cpu_avail in OpenBLAS's common_thread.h), and a cgo call runs on
	// whichever OS thread the goroutine occupies. So Gemm repeats
	// openblas_set_num_threads(1) before every product.
	// NOTE: only Debian's pthreads build (0.3.21) has run the tests; the
	// OpenMP path is untested.
	threadsPerCall bool
)

// init pins OpenBLAS to one thread. rnnlab parallelises over batch chunks in
// its own goroutines and sums the chunk results in a fixed order. A BLAS
// that also split each product over threads would oversubscribe the cores.
// Its partition of a product may also depend on the thread count, and then
// so would the bits of the result.
func init() {
	C.openblas_set_num_threads(1)
	threadsPerCall = C.openblas_get_parallel() == openblasOpenMP
	backend = describeOpenBLAS(C.GoString(C.openblas_get_config()), C.GoString(C.openblas_get_corename()))
}

// describeOpenBLAS formats the backend name from openblas_get_config, whose
// output starts "OpenBLAS 0.3.21 ...", and the name of the CPU kernel set.
func describeOpenBLAS(config, core string) string {
	name := backendName
	if f := strings.Fields(config); len(f) >= 2 && f[0] == "OpenBLAS" {
		name += " " + f[1]
	}
	if core = strings.TrimSpace(core); core != "" {
		name += " " + core
	}
	return name
}

// Backend returns the name of the active matrix-product implementation:
// "openblas" followed by the library version and the CPU kernel set that
// OpenBLAS selected at load time, for example "openblas 0.3.21 Zen".
func Backend() string { return backend }

// blasThreads returns the number of threads OpenBLAS would use for a
// product started on the calling OS thread.
func blasThreads() int { return int(C.openblas_get_num_threads()) }

// blasInt converts a size or stride to OpenBLAS's integer type, which is 32
// bits wide unless the library was built with INTERFACE64.
func blasInt(x int) C.blasint {
	v := C.blasint(x)
	if int(v) != x {
		panic("kernel: size or stride exceeds the OpenBLAS integer range")
	}
	return v
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// sgemm and dgemm receive operands that checkGemm accepted with m, n and k
// all positive, so every slice is non-empty and long enough for the C side.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if threadsPerCall {
		C.openblas_set_num_threads(1)
	}
	C.rnnlab_sgemm(cBool(transA), cBool(transB), blasInt(m), blasInt(n), blasInt(k),
		C.float(alpha), (*C.float)(unsafe.Pointer(&a[0])), blasInt(lda),
		(*C.float)(unsafe.Pointer(&b[0])), blasInt(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), blasInt(ldc))
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if threadsPerCall {
		C.openblas_set_num_threads(1)
	}
	C.rnnlab_dgemm(cBool(transA), cBool(transB), blasInt(m), blasInt(n), blasInt(k),
		C.double(alpha), (*C.double)(unsafe.Pointer(&a[0])), blasInt(lda),
		(*C.double)(unsafe.Pointer(&b[0])), blasInt(ldb),
		C.double(beta), (*C.double)(unsafe.Pointer(&c[0])), blasInt(ldc))
}
