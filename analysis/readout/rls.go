package readout

import (
	"fmt"
	"math"
)

// RLS is a recursive least-squares readout z = W·x with O outputs and N
// inputs, the update rule of FORCE learning (Sussillo & Abbott, "Generating
// coherent patterns of activity from chaotic neural networks", Neuron 63,
// 544–557, 2009). It starts from
//
//	W(0) = 0,   P(0) = I/λ
//
// and for each sample (x, y) applies, with forgetting factor 1,
//
//	k = P·x                         N
//	c = 1/(1 + xᵀ·P·x)
//	e = W·x − y                     O, the error before the update
//	W ← W − c·e·kᵀ
//	P ← P − c·k·kᵀ
//
// By the Sherman–Morrison formula, P after T samples is (λI + Σₜ xₜxₜᵀ)⁻¹,
// and W is the batch solution without intercept in which every coefficient
// is penalised:
//
//	Wᵀ = (XᵀX + λI)⁻¹·XᵀY             ([Ridge.FitThroughOrigin])
//
// This is not the readout of [Ridge.Fit], whose intercept is unpenalised. A
// constant input appended to x to act as a bias is shrunk towards 0 by λ
// like every weight, so an RLS readout on data with a large offset differs
// from the ridge readout with an intercept until XᵀX dominates λI.
//
// Each update costs O(N² + N·O), and P takes N² float64 values. The update
// keeps P exactly symmetric by computing each off-diagonal pair once. The
// zero value is not usable, so create one with [NewRLS].
type RLS struct {
	n, o   int
	lambda float64
	w      []float64 // O×N row-major
	p      []float64 // N×N row-major, symmetric
	k      []float64 // scratch P·x
	e      []float64 // scratch error
	steps  int
}

// NewRLS returns a recursive least-squares readout for n inputs and o
// outputs with W(0) = 0 and P(0) = I/λ. It panics when n or o is not
// positive or λ is not positive and finite.
func NewRLS(n, o int, lambda float64) *RLS {
	if n <= 0 || o <= 0 {
		panic(fmt.Sprintf("readout: RLS sizes N = %d inputs and O = %d outputs must be positive", n, o))
	}
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		panic(fmt.Sprintf("readout: RLS λ = %g must be positive and finite, because P(0) = I/λ", lambda))
	}
	r := &RLS{
		n: n, o: o, lambda: lambda,
		w: make([]float64, o*n),
		p: make([]float64, n*n),
		k: make([]float64, n),
		e: make([]float64, o),
	}
	for i := range n {
		r.p[i*n+i] = 1 / lambda
	}
	return r
}

// Update applies one RLS step for the input x (length N) and target y
// (length O). It panics when the lengths are wrong. NaN or ±Inf in x or y
// propagate into W and P, and the caller should check its inputs.
// Cost: O(N² + N·O).
func (r *RLS) Update(x, y []float64) {
	n := r.n
	if len(x) != n || len(y) != r.o {
		panic(fmt.Sprintf("readout: RLS update with %d inputs and %d targets; want %d and %d", len(x), len(y), n, r.o))
	}

	// k = P·x and xᵀ·P·x.
	xPx := 0.0
	for i := range n {
		ki := dot(r.p[i*n:(i+1)*n], x)
		r.k[i] = ki
		xPx += x[i] * ki
	}
	c := 1 / (1 + xPx)

	// e = W·x − y, the a priori error.
	for out := range r.o {
		r.e[out] = dot(r.w[out*n:(out+1)*n], x) - y[out]
	}
	// W ← W − c·e·kᵀ, which equals W − e·(P_new·x)ᵀ.
	for out := range r.o {
		ce := c * r.e[out]
		row := r.w[out*n : (out+1)*n]
		for j := range n {
			row[j] -= ce * r.k[j]
		}
	}
	// P ← P − c·k·kᵀ, one product per symmetric pair.
	for i := range n {
		cki := c * r.k[i]
		for j := i; j < n; j++ {
			d := cki * r.k[j]
			r.p[i*n+j] -= d
			if j != i {
				r.p[j*n+i] = r.p[i*n+j]
			}
		}
	}
	r.steps++
}

// Steps returns the number of updates applied.
func (r *RLS) Steps() int { return r.steps }

// Lambda returns λ of P(0) = I/λ.
func (r *RLS) Lambda() float64 { return r.lambda }

// WeightsTo stores the current O×N row-major weights W in dst and returns
// dst. A nil dst is allocated, and a non-nil dst whose length is not O·N
// panics.
func (r *RLS) WeightsTo(dst []float64) []float64 {
	return copySized(dst, r.w)
}

// InverseTo stores the current N×N matrix P = (λI + Σₜ xₜxₜᵀ)⁻¹ in dst and
// returns dst. A nil dst is allocated, and a non-nil dst whose length is not
// N·N panics.
func (r *RLS) InverseTo(dst []float64) []float64 {
	return copySized(dst, r.p)
}

// Predict computes z = W·x for one input x (length N) into dst (length O)
// and returns dst. A nil dst is allocated. It panics when the lengths are
// wrong.
func (r *RLS) Predict(dst, x []float64) []float64 {
	if len(x) != r.n {
		panic(fmt.Sprintf("readout: RLS Predict input has length %d; want N = %d", len(x), r.n))
	}
	if dst == nil {
		dst = make([]float64, r.o)
	}
	if len(dst) != r.o {
		panic(fmt.Sprintf("readout: RLS Predict destination has length %d; want O = %d", len(dst), r.o))
	}
	for out := range r.o {
		dst[out] = dot(r.w[out*r.n:(out+1)*r.n], x)
	}
	return dst
}

func copySized(dst, src []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(src))
	}
	if len(dst) != len(src) {
		panic(fmt.Sprintf("readout: destination has length %d; want %d", len(dst), len(src)))
	}
	copy(dst, src)
	return dst
}
