package lyapunov

import (
	"math"
	"math/rand/v2"
	"testing"
)

// frameTolerance scales with N: Householder QR gives Q·Qᵀ = I and
// v = L·Q to a small multiple of N·ε (ε = 2⁻⁵²) relative to ‖v‖.
func frameTolerance(n int) float64 { return 16 * float64(n) * 0x1p-52 }

func TestOrthonormalizerInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, size := range []struct{ k, n int }{
		{1, 1}, {1, 2}, {1, 5}, {2, 2}, {3, 5}, {5, 5}, {10, 70}, {70, 70},
	} {
		k, n := size.k, size.n
		v := make([]float64, k*n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		orig := append([]float64(nil), v...)
		logDiag := make([]float64, k)
		newOrthonormalizer(k, n).factor(v, logDiag)
		tol := frameTolerance(n)

		// Rows of Q are orthonormal.
		worst := 0.0
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				want := 0.0
				if i == j {
					want = 1
				}
				worst = math.Max(worst, math.Abs(dot(v[i*n:(i+1)*n], v[j*n:(j+1)*n])-want))
			}
		}
		if worst > tol {
			t.Errorf("K = %d, N = %d: max |Q·Qᵀ − I| = %.3g, want ≤ %.3g", k, n, worst, tol)
		}

		// L = orig·Qᵀ is lower triangular with diagonal exp(logDiag) > 0,
		// and L·Q reproduces the input.
		scale := math.Sqrt(dot(orig, orig))
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				lij := dot(orig[i*n:(i+1)*n], v[j*n:(j+1)*n])
				switch {
				case j > i && math.Abs(lij) > tol*scale:
					t.Errorf("K = %d, N = %d: L[%d][%d] = %.3g above the diagonal, want 0", k, n, i, j, lij)
				case j == i && !(lij > 0):
					t.Errorf("K = %d, N = %d: L[%d][%d] = %v, want > 0 after the sign fix", k, n, i, i, lij)
				case j == i && math.Abs(math.Log(lij)-logDiag[i]) > tol:
					t.Errorf("K = %d, N = %d: ln L[%d][%d] = %v, factor stored %v", k, n, i, i, math.Log(lij), logDiag[i])
				}
			}
		}
	}
}

func TestOrthonormalizerSingularFrame(t *testing.T) {
	// A zero tangent vector (a singular step) gives ln 0 = −Inf, not NaN,
	// and Q still has orthonormal rows.
	const k, n = 2, 3
	v := []float64{1, 2, 2, 0, 0, 0}
	logDiag := make([]float64, k)
	newOrthonormalizer(k, n).factor(v, logDiag)
	if logDiag[0] != math.Log(3) {
		t.Errorf("ln L₀₀ = %v, want ln 3 = %v", logDiag[0], math.Log(3))
	}
	if !math.IsInf(logDiag[1], -1) {
		t.Errorf("ln L₁₁ = %v for a zero row, want −Inf", logDiag[1])
	}
	if !allFinite(v) {
		t.Fatalf("Q = %v has non-finite entries", v)
	}
	if d := math.Abs(dot(v[:n], v[n:])); d > frameTolerance(n) {
		t.Errorf("|q₀·q₁| = %.3g, want 0", d)
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
