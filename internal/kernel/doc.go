// Package kernel contains the dense kernels that training and simulation run
// on: matrix products on raw row-major slices, the tanh activation and the
// fused elementwise loops of a training step, in float32 (the training
// default) and float64 (evaluation and analysis).
//
// # Conventions
//
// Matrices are row-major slices with an explicit row stride (lda, ldb, ldc),
// as in CBLAS with CblasRowMajor. The caller allocates every slice; no
// kernel allocates or keeps a reference after it returns. Misuse (negative
// sizes, short slices, strides below the row length, unequal lengths)
// panics with a message that starts with "kernel: ".
//
// # Backends
//
// [Gemm] is the one seam between rnnlab's numerics and a BLAS, and a build
// tag picks the implementation behind it:
//
//   - Without tags, gonum's pure-Go BLAS (gonum.org/v1/gonum/blas/gonum).
//     It builds everywhere Go does and needs no C compiler.
//   - With -tags openblas, OpenBLAS through cgo, calling cblas_sgemm and
//     cblas_dgemm. It is several times faster at training shapes; run
//     BenchmarkGemm to measure a machine.
//
// [Backend] returns the active implementation's name, which run manifests
// record. The same test files run on both backends, and the build fails
// with -tags openblas when cgo is disabled instead of quietly falling back
// to pure Go.
//
// The OpenBLAS binding is a few lines of cgo in this package rather than
// gonum.org/v1/netlib: rnnlab needs only the two products plus
// openblas_set_num_threads, which netlib does not wrap, and the module then
// has no second cgo dependency to pin.
//
// # Installing OpenBLAS
//
// Debian and Ubuntu:
//
//	sudo apt-get install libopenblas-dev
//
// The header and library then sit on the C compiler's default paths, so
// go build -tags openblas works without further settings. macOS with
// Homebrew, whose openblas formula is keg-only and therefore not on those
// paths:
//
//	brew install openblas
//	export CGO_CFLAGS="-I$(brew --prefix openblas)/include"
//	export CGO_LDFLAGS="-L$(brew --prefix openblas)/lib"
//
// Elsewhere, point CGO_CFLAGS and CGO_LDFLAGS (or CPATH and LIBRARY_PATH) at
// the directories with cblas.h and libopenblas. The cblas.h found must be
// OpenBLAS's own, because the package also calls openblas_set_num_threads.
//
// scripts/build.sh (and make build) use the tag only when OpenBLAS is
// installed. They take the flags from pkg-config when it has an openblas
// entry, and otherwise look for the header and library in the usual places.
// For Homebrew, pkg-config needs
// PKG_CONFIG_PATH="$(brew --prefix openblas)/lib/pkgconfig".
//
// # Determinism
//
// rnnlab's results must not depend on the number of threads. Training
// splits a batch into a fixed number of chunks whatever the thread count,
// runs them in its own goroutines and sums the chunk results in a fixed
// order. Within a chunk, each step's products are split into blocks of
// units fixed by the network size. Both backends keep each product's bits independent of threads:
//
//   - OpenBLAS is pinned to one thread when the package initialises
//     (openblas_set_num_threads(1)). A multithreaded BLAS inside those
//     goroutines would oversubscribe the cores, and how it partitions a
//     product may depend on its thread count. Recent OpenMP builds of
//     OpenBLAS read the thread count from the calling OS thread's OpenMP
//     setting, so for them the call is repeated before every product.
//   - gonum computes large products in up to GOMAXPROCS goroutines, one
//     64×64 block of C at a time, and each block sums over k in a fixed
//     order that depends on the shape only.
//
// The two backends sum in different orders, and OpenBLAS uses fused
// multiply-adds and picks its kernels for the CPU it runs on, so their
// results differ in the last bits, and OpenBLAS results can differ between
// machines. Bitwise comparisons are meaningful only for the same backend on
// the same kind of CPU.
//
// # Activation
//
// [TanhF32] is a rational approximation for the float32 training path, with
// an absolute error of at most [TanhF32MaxError] (about half a float32 ulp)
// and five to six times the speed of math.Tanh in BenchmarkTanh. [TanhF64] calls math.Tanh, so
// the float64 path has no approximation error beyond math.Tanh's.
//
// # Packed products
//
// [Packed] and [PackedMul] multiply by a matrix packed once in panels of
// [PanelWidth] columns, as a training step does with W at every time step.
// On x86-64 with AVX2 and FMA in the openblas build ([PackedFast]), a
// 6×16 register kernel in C runs the 32-row products of the thesis
// workload about 15 % faster than OpenBLAS's sgemm, which repacks its
// operand in every call (BenchmarkPackedMul). Elsewhere training keeps
// using [Gemm].
//
// # Fused elementwise loops
//
// [LeakTanh], [Adjoint] and [StepGrads] are the loops around a training
// step's products: the leaky update with its tanh, the adjoint one step
// back, and the step's gradient terms. They are Go loops, except for
// float32 in the openblas build, where they are C loops that GCC vectorises
// (with an AVX2 version picked at load time on x86-64). The C loops do the
// same operations in the same order without fused multiply-adds, so on
// amd64 their bits equal the Go loops' (TestFusedKernelsMatchGo).
package kernel
