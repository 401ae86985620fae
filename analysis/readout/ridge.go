package readout

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Ridge is a linear readout z = W·x + b with O outputs and N inputs. The
// zero value is empty. Fit and FitThroughOrigin fill it.
type Ridge struct {
	// Lambda is the penalty λ ≥ 0 the readout was fitted with.
	Lambda float64
	// N is the number of inputs (units) and O the number of outputs.
	N, O int
	// W is the O×N row-major weight matrix, laid out like the network's
	// W_out: W[o*N+j] is the weight from unit j to output o.
	W []float64
	// B is the intercept of each output, length O. FitThroughOrigin leaves
	// it at zero.
	B []float64
}

// Fit computes the ridge regression readout with an unpenalised intercept
// for S samples of N inputs, x (S×N row-major), and O targets, y (S×O
// row-major):
//
//	minimise  ‖Y − X·Wᵀ − 1·bᵀ‖²_F + λ·‖W‖²_F   over W (O×N) and b (O)
//
// The intercept is eliminated first. Setting the derivative with respect to
// b to zero gives b = ȳ − W·x̄, and substituting it leaves ridge regression
// on the centred data Xc = X − 1·x̄ᵀ, Yc = Y − 1·ȳᵀ:
//
//	(Xcᵀ·Xc + λ·I)·Wᵀ = Xcᵀ·Yc       solved by Cholesky
//	b = ȳ − W·x̄
//
// So λ shrinks the weights only, and a constant offset in the targets
// passes into b unchanged whatever λ is. A column of ones appended to x
// would instead be penalised like a weight ([Ridge.FitThroughOrigin] and
// [RLS] treat it that way).
//
// Fit returns an error when S < 1, when x or y holds NaN or ±Inf, when
// Xcᵀ·Xc + λ·I is not positive definite (λ = 0 with fewer than N + 1
// samples, or with a constant or collinear unit), or when its condition
// number exceeds gonum's mat.ConditionTolerance (1e16). After an error the
// receiver is empty. It panics when n or o is not positive, when len(x) is
// not a multiple of n, when len(y) ≠ S·o, or when λ is negative or not
// finite. Cost: O(S·N² + S·N·O) to form the normal equations and O(N³ +
// N²·O) to solve them.
func (r *Ridge) Fit(x []float64, n int, y []float64, o int, lambda float64) error {
	*r = Ridge{}
	eq, err := newNormalEquations(x, n, y, o, true)
	if err != nil {
		return err
	}
	return r.solve(eq, lambda)
}

// FitThroughOrigin computes the ridge regression readout without an
// intercept, every coefficient penalised:
//
//	minimise  ‖Y − X·Wᵀ‖²_F + λ·‖W‖²_F
//	Wᵀ = (Xᵀ·X + λ·I)⁻¹·Xᵀ·Y,   B = 0
//
// This is the batch solution that [RLS] reaches after the same samples. A
// bias modelled as a constant column of ones in x is penalised like any
// other weight, unlike the intercept of [Ridge.Fit]. Errors, panics and
// cost are those of Fit.
func (r *Ridge) FitThroughOrigin(x []float64, n int, y []float64, o int, lambda float64) error {
	*r = Ridge{}
	eq, err := newNormalEquations(x, n, y, o, false)
	if err != nil {
		return err
	}
	return r.solve(eq, lambda)
}

// Predict computes z = W·x + b for each row of x, an R×N row-major matrix,
// stores the R×O result in dst and returns dst. A nil dst is allocated. It
// panics when r is empty, when len(x) is not a multiple of N, or when a
// non-nil dst has a length other than R·O. dst must not overlap x. Cost:
// O(R·N·O).
func (r *Ridge) Predict(dst, x []float64) []float64 {
	if r.N == 0 {
		panic("readout: Ridge is empty; call Fit first and check its error")
	}
	if len(x)%r.N != 0 {
		panic(fmt.Sprintf("readout: Predict input has %d entries, not a multiple of N = %d", len(x), r.N))
	}
	rows := len(x) / r.N
	if dst == nil {
		dst = make([]float64, rows*r.O)
	}
	if len(dst) != rows*r.O {
		panic(fmt.Sprintf("readout: Predict destination has length %d; want %d", len(dst), rows*r.O))
	}
	for s := range rows {
		xs := x[s*r.N : (s+1)*r.N]
		for out := range r.O {
			dst[s*r.O+out] = r.B[out] + dot(r.W[out*r.N:(out+1)*r.N], xs)
		}
	}
	return dst
}

// MSE returns the mean squared error of the readout on x (S×N) and y (S×O),
//
//	(1/(S·O))·Σₛ Σₒ (yₛₒ − zₛₒ)²
//
// It panics as Predict does, when len(y) ≠ S·O, or when S = 0.
func (r *Ridge) MSE(x, y []float64) float64 {
	z := r.Predict(nil, x)
	if len(y) != len(z) || len(z) == 0 {
		panic(fmt.Sprintf("readout: MSE targets have %d entries; want %d (S·O, S > 0)", len(y), len(z)))
	}
	sum := 0.0
	for i, v := range z {
		d := y[i] - v
		sum += d * d
	}
	return sum / float64(len(z))
}

// normalEquations holds the Gram matrix G = XcᵀXc (N×N), the cross product
// R = XcᵀYc (N×O) and the means of one data set, so that several λ can be
// solved without forming them again.
type normalEquations struct {
	n, o    int
	gram    *mat.SymDense
	cross   *mat.Dense
	xMean   []float64 // zeros for the form without intercept
	yMean   []float64
	centred bool
}

func newNormalEquations(x []float64, n int, y []float64, o int, centred bool) (*normalEquations, error) {
	if n <= 0 || o <= 0 {
		panic(fmt.Sprintf("readout: ridge sizes N = %d inputs and O = %d outputs must be positive", n, o))
	}
	if len(x)%n != 0 {
		panic(fmt.Sprintf("readout: inputs have %d entries, not a multiple of N = %d", len(x), n))
	}
	samples := len(x) / n
	if len(y) != samples*o {
		panic(fmt.Sprintf("readout: targets have %d entries; want S·O = %d·%d = %d", len(y), samples, o, samples*o))
	}
	if samples < 1 {
		return nil, errors.New("readout: no samples to fit the readout to")
	}
	if err := checkFinite("input", x, n); err != nil {
		return nil, err
	}
	if err := checkFinite("target", y, o); err != nil {
		return nil, err
	}

	xMean, yMean := make([]float64, n), make([]float64, o)
	if centred {
		columnMeans(xMean, x, n)
		columnMeans(yMean, y, o)
	}
	xc := mat.NewDense(samples, n, nil)
	for k, v := range x {
		xc.RawMatrix().Data[k] = v - xMean[k%n]
	}
	yc := mat.NewDense(samples, o, nil)
	for k, v := range y {
		yc.RawMatrix().Data[k] = v - yMean[k%o]
	}

	gram := mat.NewSymDense(n, nil)
	gram.SymOuterK(1, xc.T()) // Xcᵀ·Xc
	cross := mat.NewDense(n, o, nil)
	cross.Mul(xc.T(), yc)
	return &normalEquations{n: n, o: o, gram: gram, cross: cross, xMean: xMean, yMean: yMean, centred: centred}, nil
}

// solve fills r with the solution of (G + λI)·Wᵀ = R.
func (r *Ridge) solve(eq *normalEquations, lambda float64) error {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		panic(fmt.Sprintf("readout: ridge λ = %g must be finite and ≥ 0", lambda))
	}
	n, o := eq.n, eq.o
	a := mat.NewSymDense(n, nil)
	a.CopySym(eq.gram)
	for i := range n {
		a.SetSym(i, i, a.At(i, i)+lambda)
	}

	var chol mat.Cholesky
	if !chol.Factorize(a) {
		return fmt.Errorf("readout: XᵀX + λI is not positive definite for λ = %g with %d inputs; use λ > 0 or remove constant and collinear inputs", lambda, n)
	}
	var wt mat.Dense
	if err := chol.SolveTo(&wt, eq.cross); err != nil {
		var cond mat.Condition
		if errors.As(err, &cond) {
			return fmt.Errorf("readout: XᵀX + λI is ill-conditioned for λ = %g (condition number %.3g); increase λ", lambda, float64(cond))
		}
		return fmt.Errorf("readout: ridge solve for λ = %g: %w", lambda, err)
	}

	w := make([]float64, o*n)
	for j := range n {
		for out := range o {
			w[out*n+j] = wt.At(j, out)
		}
	}
	b := make([]float64, o)
	if eq.centred {
		for out := range o {
			b[out] = eq.yMean[out] - dot(w[out*n:(out+1)*n], eq.xMean)
		}
	}
	*r = Ridge{Lambda: lambda, N: n, O: o, W: w, B: b}
	return nil
}

// columnMeans stores the mean of each column of the row-major matrix x with
// the given number of columns in dst.
func columnMeans(dst, x []float64, cols int) {
	rows := len(x) / cols
	for k, v := range x {
		dst[k%cols] += v
	}
	for j := range dst {
		dst[j] /= float64(rows)
	}
}

func checkFinite(name string, x []float64, cols int) error {
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("readout: %s entry [sample %d, column %d] = %g is not finite", name, k/cols, k%cols, v)
		}
	}
	return nil
}
