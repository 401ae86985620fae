package lyapunov

import (
	"github.com/rnnlab/rnnlab/model"
)

// MapJacobian computes the Jacobian of one simulation step at the state x,
//
//	M = ∂x(t+1)/∂x(t) = (1−α)·I + α·W·diag(φ′(x)),   Mᵢⱼ = (1−α)·δᵢⱼ + α·Wᵢⱼ·φ′(xⱼ)
//
// and stores it in dst, N×N row-major, which it returns. Inputs and the bias
// shift x but do not enter M. A nil dst is allocated, and dst must not
// overlap x.
// Cost O(N²).
//
// MapJacobian panics if len(x) ≠ N or if dst is neither nil nor of length N².
func MapJacobian(dst []float64, w *model.Weights, act model.Activation, alpha float64, x []float64) []float64 {
	dst = scaledRecurrentJacobian(dst, w, act, alpha, x)
	n := w.N
	for i := 0; i < n; i++ {
		dst[i*n+i] += 1 - alpha
	}
	return dst
}

// FlowJacobian computes the Jacobian of the continuous-time flow at the
// state x, with time in units of τ,
//
//	F(x)  = −x + W·φ(x) + W_in·u + b
//	J     = ∂F/∂x = −I + W·diag(φ′(x)),   Jᵢⱼ = −δᵢⱼ + Wᵢⱼ·φ′(xⱼ)
//
// so its eigenvalues are rates per τ (divide by τ for rates per ms). It
// stores J in dst, N×N row-major, and returns it. The map Jacobian of a step
// α = dt/τ is M = I + α·J. A nil dst is allocated, and dst must not overlap
// x.
// Cost O(N²).
//
// FlowJacobian panics if len(x) ≠ N or if dst is neither nil nor of length N².
func FlowJacobian(dst []float64, w *model.Weights, act model.Activation, x []float64) []float64 {
	dst = scaledRecurrentJacobian(dst, w, act, 1, x)
	n := w.N
	for i := 0; i < n; i++ {
		dst[i*n+i]--
	}
	return dst
}

// scaledRecurrentJacobian stores c·W·diag(φ′(x)) in dst after checking the
// sizes for MapJacobian and FlowJacobian.
func scaledRecurrentJacobian(dst []float64, w *model.Weights, act model.Activation, c float64, x []float64) []float64 {
	n := w.N
	if len(x) != n {
		panic("lyapunov: state length is not N")
	}
	if len(w.W) != n*n {
		panic("lyapunov: W length is not N×N")
	}
	if dst == nil {
		dst = make([]float64, n*n)
	}
	if len(dst) != n*n {
		panic("lyapunov: destination length is not N×N")
	}
	deriv := make([]float64, n)
	for j, xj := range x {
		deriv[j] = c * act.DerivFromRate(act.Apply(xj))
	}
	for i := 0; i < n; i++ {
		row := w.W[i*n : (i+1)*n]
		out := dst[i*n : (i+1)*n]
		for j, wij := range row {
			out[j] = wij * deriv[j]
		}
	}
	return dst
}
