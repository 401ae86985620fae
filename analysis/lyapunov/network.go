package lyapunov

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
)

// tangentSystem is a map x(t+1) = G(x(t)) together with its Jacobian
// Mₜ = ∂G/∂x at x(t), as the QR method needs it.
type tangentSystem interface {
	// advance replaces each of the first k rows vᵢ of v (k×N row-major) by
	// Mₜ·vᵢ and then moves the state from x(t) to x(t+1). With k = 0 it
	// only moves the state, and v may be nil.
	advance(v []float64, k int)
	// logAbsDet returns ln|det Mₜ| at the current state x(t).
	logAbsDet() float64
	// state returns x(t), a slice owned by the system.
	state() []float64
}

// network is the leaky rate network of package model as a tangentSystem,
// without recurrent noise:
//
//	x(t+1) = (1−α)·x(t) + α·(W·φ(x(t)) + W_in·u(t) + b)
//	Mₜ     = (1−α)·I + α·W·diag(φ′(x(t)))
type network struct {
	w     *model.Weights
	act   model.Activation
	alpha float64
	input func(step int, u []float64)
	step  int

	x, r, deriv, u []float64
	// lhs contains φ(x(t)) in row 0 and vᵢ∘φ′(x(t)) in rows 1…k, and
	// product contains lhs·Wᵀ. Both are (K+1)×N.
	lhs, product []float64

	// jac and pivots are the workspace of logAbsDet, allocated on first use.
	jac    []float64
	pivots []int
}

// newNetwork starts the network at a copy of x0, with room for a frame of
// up to k tangent vectors.
func newNetwork(w *model.Weights, act model.Activation, alpha float64, input func(int, []float64), x0 []float64, k int) *network {
	n := w.N
	s := &network{
		w: w, act: act, alpha: alpha, input: input,
		x:       append([]float64(nil), x0...),
		r:       make([]float64, n),
		deriv:   make([]float64, n),
		u:       make([]float64, w.I),
		lhs:     make([]float64, (k+1)*n),
		product: make([]float64, (k+1)*n),
	}
	for i, xi := range s.x {
		s.r[i] = act.Apply(xi)
	}
	return s
}

func (s *network) state() []float64 { return s.x }

// advance costs O((k+1)·N² + N·I): one GEMM of the (k+1)×N left-hand side
// with Wᵀ evaluates the recurrent drive W·φ(x) and every W·diag(φ′)·vᵢ.
func (s *network) advance(v []float64, k int) {
	n, alpha := s.w.N, s.alpha
	copy(s.lhs[:n], s.r)
	if k > 0 {
		for j, rj := range s.r {
			s.deriv[j] = s.act.DerivFromRate(rj)
		}
		for i := 0; i < k; i++ {
			vi := v[i*n : (i+1)*n]
			row := s.lhs[(i+1)*n : (i+2)*n]
			for j, d := range s.deriv {
				row[j] = vi[j] * d
			}
		}
	}
	// product[i][j] = Σₗ lhs[i][l]·W[j][l], so row 0 is W·φ(x) and row i+1
	// is W·diag(φ′)·vᵢ.
	kernel.Gemm(false, true, k+1, n, n, 1, s.lhs[:(k+1)*n], n, s.w.W, n, 0, s.product[:(k+1)*n], n)

	for i := 0; i < k; i++ {
		vi := v[i*n : (i+1)*n]
		pi := s.product[(i+1)*n : (i+2)*n]
		for j := range vi {
			vi[j] = (1-alpha)*vi[j] + alpha*pi[j]
		}
	}

	if s.input != nil {
		s.input(s.step, s.u)
	}
	in := s.w.I
	for i := 0; i < n; i++ {
		drive := s.product[i] + s.w.B[i]
		for c, uc := range s.u {
			drive += s.w.WIn[i*in+c] * uc
		}
		s.x[i] = (1-alpha)*s.x[i] + alpha*drive
	}
	for i, xi := range s.x {
		s.r[i] = s.act.Apply(xi)
	}
	s.step++
}

// logAbsDet factors Mₜ = P·L·U by LU with partial pivoting and returns
// Σᵢ ln|Uᵢᵢ|. Cost O(N³).
func (s *network) logAbsDet() float64 {
	n := s.w.N
	if s.jac == nil {
		s.jac = make([]float64, n*n)
		s.pivots = make([]int, n)
	}
	MapJacobian(s.jac, s.w, s.act, s.alpha, s.x)
	lapack64.Getrf(blas64.General{Rows: n, Cols: n, Stride: n, Data: s.jac}, s.pivots)
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += math.Log(math.Abs(s.jac[i*n+i]))
	}
	return sum
}
