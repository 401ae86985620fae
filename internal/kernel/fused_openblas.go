//go:build openblas && cgo

package kernel

// The float32 elementwise kernels of LeakTanh, Adjoint and StepGrads in C,
// so that the compiler vectorises them. Go's compiler does not, and in a
// thesis-sized training step these loops took about a third of the time as
// Go loops (CPU profile, OpenBLAS, one thread). They do the same IEEE operations in the same order as
// leakTanhGo, adjointGo and TanhF32, so the bits match the Go versions on
// amd64: a pragma forbids fused multiply-adds, and without -ffast-math the
// compiler may not reorder. On x86-64 with GCC, the loops
// are compiled twice, for AVX2 and for the baseline, and the loader picks
// one for the CPU (target_clones).

/*
#cgo CFLAGS: -O3

// No fused multiply-adds (cgo does not pass -ffp-contract=off). GCC also
// needs no-trapping-math to vectorise the clamp of the tanh loop. It only
// lets the compiler ignore floating-point exception flags, which nothing
// here reads, and changes no result.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RNNLAB_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RNNLAB_CLONES
#endif

// The coefficients of TanhF32 (tanh.go), written with the same digits.
#define P0 0.9999999971020556
#define P1 0.13737045689760133
#define P2 0.003947177760484749
#define P3 3.027396144335271e-05
#define P4 4.627291865167566e-08
#define Q1 0.470703763716281
#define Q2 0.027515139502080618
#define Q3 0.0004097109906548967
#define Q4 1.5167909274484858e-06
#define Q5 6.488917466512936e-10

RNNLAB_CLONES
static void rnnlab_tanh_row(int n, float *dst, const float *src) {
	for (int i = 0; i < n; i++) {
		double x = (double)src[i];
		x = x > 10.0 ? 10.0 : x;
		x = x < -10.0 ? -10.0 : x;
		double s = x * x;
		double s2 = s * s;
		double s4 = s2 * s2;
		double p = ((P1 * s + P0) + s2 * (P3 * s + P2)) + s4 * P4;
		double q = ((Q1 * s + 1.0) + s2 * (Q3 * s + Q2)) + s4 * (Q5 * s + Q4);
		dst[i] = (float)(x * p / q);
	}
}

RNNLAB_CLONES
static void rnnlab_leak_tanh(int rows, int cols, int ld, float *x, float *r,
		const float *pre, const float *eps, const float *bias, const float *winT,
		int in, const float *u, float alpha, float noise_scale) {
	const float keep = 1.0f - alpha;
	for (int b = 0; b < rows; b++) {
		float *xb = x + (long)b * ld;
		const float *pb = pre + (long)b * ld;
		const float *ub = u + (long)b * in;
		// The drive is built in r's row, which the rates overwrite below.
		float *drive = r + (long)b * ld;
		for (int j = 0; j < cols; j++) {
			drive[j] = pb[j] + bias[j];
		}
		for (int k = 0; k < in; k++) {
			const float uk = ub[k];
			const float *wk = winT + (long)k * ld;
			for (int j = 0; j < cols; j++) {
				drive[j] += wk[j] * uk;
			}
		}
		for (int j = 0; j < cols; j++) {
			xb[j] = keep * xb[j] + alpha * drive[j];
		}
		if (eps) {
			const float *eb = eps + (long)b * ld;
			for (int j = 0; j < cols; j++) {
				xb[j] += noise_scale * eb[j];
			}
		}
		rnnlab_tanh_row(cols, r + (long)b * ld, xb);
	}
}

RNNLAB_CLONES
static void rnnlab_adjoint(int rows, int cols, int ld, float *a, const float *r,
		const float *v, const float *next, int out, const float *dz, const float *wout,
		float alpha) {
	const float keep = 1.0f - alpha;
	for (int b = 0; b < rows; b++) {
		float *ab = a + (long)b * ld;
		const float *rb = r + (long)b * ld;
		const float *vb = v + (long)b * ld;
		const float *nb = next + (long)b * ld;
		if (out == 1 && dz[b] != 0.0f) {
			const float d = dz[b];
			for (int j = 0; j < cols; j++) {
				float rj = rb[j];
				ab[j] = (1.0f - rj * rj) * (d * wout[j] + alpha * vb[j]) + keep * nb[j];
			}
			continue;
		}
		for (int j = 0; j < cols; j++) {
			float e = 0.0f;
			for (int o = 0; o < out; o++) {
				float d = dz[b * out + o];
				if (d != 0.0f) {
					e += d * wout[(long)o * ld + j];
				}
			}
			float rj = rb[j];
			ab[j] = (1.0f - rj * rj) * (e + alpha * vb[j]) + keep * nb[j];
		}
	}
}

RNNLAB_CLONES
static void rnnlab_step_grads(int rows, int cols, int ld, const float *r, const float *a,
		int out, const float *dz, float *gout, int in, const float *u, float *gin_t,
		float *gb, float alpha) {
	for (int b = 0; b < rows; b++) {
		const float *rb = r + (long)b * ld;
		const float *ab = a + (long)b * ld;
		for (int o = 0; o < out; o++) {
			const float d = dz[b * out + o];
			if (d == 0.0f) {
				continue;
			}
			float *g = gout + (long)o * ld;
			for (int j = 0; j < cols; j++) {
				g[j] += d * rb[j];
			}
		}
		for (int k = 0; k < in; k++) {
			const float uk = u[b * in + k];
			if (uk == 0.0f) {
				continue;
			}
			const float f = alpha * uk;
			float *g = gin_t + (long)k * ld;
			for (int j = 0; j < cols; j++) {
				g[j] += f * ab[j];
			}
		}
		if (gb) {
			for (int j = 0; j < cols; j++) {
				gb[j] += alpha * ab[j];
			}
		}
	}
}
*/
import "C"

import "unsafe"

func floatPtr(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

// leakTanh32, adjoint32 and stepGrads32 receive slices that LeakTanh,
// Adjoint and StepGrads checked against the shape, with rows and cols
// positive.
func leakTanh32(rows, cols, ld int, x, r, pre, eps, bias, winT []float32, in int, u []float32, alpha, noiseScale float32) {
	C.rnnlab_leak_tanh(C.int(rows), C.int(cols), C.int(ld), floatPtr(x), floatPtr(r), floatPtr(pre), floatPtr(eps),
		floatPtr(bias), floatPtr(winT), C.int(in), floatPtr(u), C.float(alpha), C.float(noiseScale))
}

func stepGrads32(rows, cols, ld int, r, a []float32, out int, dz, gout []float32, in int, u, ginT, gb []float32, alpha float32) {
	C.rnnlab_step_grads(C.int(rows), C.int(cols), C.int(ld), floatPtr(r), floatPtr(a), C.int(out), floatPtr(dz),
		floatPtr(gout), C.int(in), floatPtr(u), floatPtr(ginT), floatPtr(gb), C.float(alpha))
}

func adjoint32(rows, cols, ld int, a, r, v, next []float32, out int, dz, wout []float32, alpha float32) {
	C.rnnlab_adjoint(C.int(rows), C.int(cols), C.int(ld), floatPtr(a), floatPtr(r), floatPtr(v), floatPtr(next),
		C.int(out), floatPtr(dz), floatPtr(wout), C.float(alpha))
}
