//go:build openblas && cgo

package kernel

// The kernel of PackedMul for x86-64 with AVX2 and FMA: a 6×16 block of C
// in twelve vector registers, one fused multiply-add chain per element
// over k in order. Other CPUs run packedMulGo.

/*
#cgo CFLAGS: -O3

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

static int rnnlab_packed_fast(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// The kernels for 6, 2 and 1 rows of A times one packed panel, into a
// block of C of which the first w columns are stored. The accumulators are
// separate variables, so they stay in registers.
#define RNNLAB_LOAD_B                                                    \
	__m256 b0 = _mm256_loadu_ps(p + (long)kk * 16);                      \
	__m256 b1 = _mm256_loadu_ps(p + (long)kk * 16 + 8);
#define RNNLAB_ROW(R)                                                    \
	{                                                                    \
		__m256 av = _mm256_broadcast_ss(a + (long)(R) * lda + kk);       \
		lo##R = _mm256_fmadd_ps(av, b0, lo##R);                          \
		hi##R = _mm256_fmadd_ps(av, b1, hi##R);                          \
	}
#define RNNLAB_STORE(R)                                                  \
	{                                                                    \
		float t[16];                                                     \
		_mm256_storeu_ps(t, lo##R);                                      \
		_mm256_storeu_ps(t + 8, hi##R);                                  \
		memcpy(c + (long)(R) * ldc, t, (size_t)w * sizeof(float));       \
	}

__attribute__((target("avx2,fma")))
static void rnnlab_panel6(int k, const float *a, int lda, const float *p, float *c, int ldc, int w) {
	__m256 lo0 = _mm256_setzero_ps(), hi0 = lo0, lo1 = lo0, hi1 = lo0, lo2 = lo0, hi2 = lo0;
	__m256 lo3 = lo0, hi3 = lo0, lo4 = lo0, hi4 = lo0, lo5 = lo0, hi5 = lo0;
	for (int kk = 0; kk < k; kk++) {
		RNNLAB_LOAD_B
		RNNLAB_ROW(0) RNNLAB_ROW(1) RNNLAB_ROW(2) RNNLAB_ROW(3) RNNLAB_ROW(4) RNNLAB_ROW(5)
	}
	RNNLAB_STORE(0) RNNLAB_STORE(1) RNNLAB_STORE(2) RNNLAB_STORE(3) RNNLAB_STORE(4) RNNLAB_STORE(5)
}

__attribute__((target("avx2,fma")))
static void rnnlab_panel2(int k, const float *a, int lda, const float *p, float *c, int ldc, int w) {
	__m256 lo0 = _mm256_setzero_ps(), hi0 = lo0, lo1 = lo0, hi1 = lo0;
	for (int kk = 0; kk < k; kk++) {
		RNNLAB_LOAD_B
		RNNLAB_ROW(0) RNNLAB_ROW(1)
	}
	RNNLAB_STORE(0) RNNLAB_STORE(1)
}

__attribute__((target("avx2,fma")))
static void rnnlab_panel1(int k, const float *a, int lda, const float *p, float *c, int ldc, int w) {
	__m256 lo0 = _mm256_setzero_ps(), hi0 = lo0;
	for (int kk = 0; kk < k; kk++) {
		RNNLAB_LOAD_B
		RNNLAB_ROW(0)
	}
	RNNLAB_STORE(0)
}

static void rnnlab_packed_mul(int m, int j0, int j1, int k, const float *a, int lda,
		const float *p, float *c, int ldc) {
	for (int start = j0; start < j1; start += 16) {
		int w = j1 - start < 16 ? j1 - start : 16;
		const float *panel = p + (long)(start / 16) * k * 16;
		int i = 0;
		for (; i + 6 <= m; i += 6) {
			rnnlab_panel6(k, a + (long)i * lda, lda, panel, c + (long)i * ldc + start, ldc, w);
		}
		for (; i + 2 <= m; i += 2) {
			rnnlab_panel2(k, a + (long)i * lda, lda, panel, c + (long)i * ldc + start, ldc, w);
		}
		for (; i < m; i++) {
			rnnlab_panel1(k, a + (long)i * lda, lda, panel, c + (long)i * ldc + start, ldc, w);
		}
	}
}
#else
static int rnnlab_packed_fast(void) { return 0; }
static void rnnlab_packed_mul(int m, int j0, int j1, int k, const float *a, int lda,
		const float *p, float *c, int ldc) {}
#endif
*/
import "C"

var packedFast = C.rnnlab_packed_fast() != 0

// packedMulC receives operands that PackedMul checked, with m, k and
// j1 − j0 positive.
func packedMulC(m, j0, j1 int, a []float32, lda int, p *Packed, c []float32, ldc int) {
	C.rnnlab_packed_mul(C.int(m), C.int(j0), C.int(j1), C.int(p.K), floatPtr(a), C.int(lda),
		floatPtr(p.Data), floatPtr(c), C.int(ldc))
}
