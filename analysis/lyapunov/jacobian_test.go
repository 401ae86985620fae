package lyapunov

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/model"
)

// finiteDifferenceTolerance bounds |M − ΔG/Δx| for central differences with
// step h = 1e-6 on a tanh network with entries of W of order g/√N: the
// truncation error is O(h²·|G‴|) ≈ 1e-12 and the rounding error
// O(ε·|G|/h) ≈ 1e-10.
const finiteDifferenceTolerance = 1e-8

// oneStep returns x(1) of the noiseless network started at x.
func oneStep(w *model.Weights, act model.Activation, alpha float64, x []float64) []float64 {
	c := w.Clone()
	copy(c.X0, x)
	tr := model.Simulate(c, act, alpha, make([]float64, c.I), 1, 1, model.SimOptions{Record: true})
	return tr.X
}

func TestMapJacobianFiniteDifferences(t *testing.T) {
	const h = 1e-6
	for _, c := range []struct {
		n     int
		g     float64
		alpha float64
	}{
		{1, 1.5, 0.1}, {2, 2, 1}, {5, 1.5, 0.1}, {30, 3, 0.05},
	} {
		w := randomNetwork(t, c.n, c.g, 7)
		for i := range w.B {
			w.B[i] = 0.1 * float64(i%3)
		}
		x := randomState(c.n, 1, 3)
		m := MapJacobian(nil, w, model.Tanh{}, c.alpha, x)
		worst := 0.0
		for j := 0; j < c.n; j++ {
			plus := append([]float64(nil), x...)
			minus := append([]float64(nil), x...)
			plus[j] += h
			minus[j] -= h
			gp := oneStep(w, model.Tanh{}, c.alpha, plus)
			gm := oneStep(w, model.Tanh{}, c.alpha, minus)
			for i := 0; i < c.n; i++ {
				fd := (gp[i] - gm[i]) / (2 * h)
				worst = math.Max(worst, math.Abs(m[i*c.n+j]-fd))
			}
		}
		if !(worst <= finiteDifferenceTolerance) {
			t.Errorf("N = %d, α = %v: max |M − finite difference| = %.3g, want ≤ %g", c.n, c.alpha, worst, finiteDifferenceTolerance)
		}
	}
}

func TestFlowJacobianRelatesToMap(t *testing.T) {
	// M = I + α·J holds exactly, but the two are rounded differently, by a
	// few ulps of entries of order 1.
	const tol = 1e-14
	const n, alpha = 20, 0.1
	w := randomNetwork(t, n, 2, 1)
	x := randomState(n, 1, 2)
	m := MapJacobian(nil, w, model.Tanh{}, alpha, x)
	j := FlowJacobian(nil, w, model.Tanh{}, x)
	worst := 0.0
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			want := alpha * j[i*n+k]
			if i == k {
				want++
			}
			worst = math.Max(worst, math.Abs(m[i*n+k]-want))
		}
	}
	if worst > tol {
		t.Errorf("max |M − (I + α·J)| = %.3g, want ≤ %g", worst, tol)
	}
}

func TestJacobiansLinearUnits(t *testing.T) {
	// Closed form for linear units with W = diag(−2, 0.5): the flow
	// Jacobian is −I + W = diag(−3, −0.5) at every state and for every dt.
	// The map Jacobian is I + α·J, diag(−2, 0.5) at α = 1 (an unstable
	// step, although the flow is stable) and diag(0.7, 0.95) at α = 0.1.
	w := linearWeights(2, []float64{-2, 0, 0, 0.5})
	x := []float64{0.3, -1.7}
	cases := []struct {
		name string
		got  []float64
		want []float64
	}{
		{"flow", FlowJacobian(nil, w, identity{}, x), []float64{-3, 0, 0, -0.5}},
		{"map α=1", MapJacobian(nil, w, identity{}, 1, x), []float64{-2, 0, 0, 0.5}},
		{"map α=0.1", MapJacobian(nil, w, identity{}, 0.1, x), []float64{0.7, 0, 0, 0.95}},
	}
	for _, c := range cases {
		for i := range c.want {
			if math.Abs(c.got[i]-c.want[i]) > 1e-15 {
				t.Errorf("%s: entry %d = %v, want %v", c.name, i, c.got[i], c.want[i])
			}
		}
	}
}

func TestJacobianReusesDestination(t *testing.T) {
	w := linearWeights(2, []float64{1, 2, 3, 4})
	dst := make([]float64, 4)
	got := FlowJacobian(dst, w, identity{}, []float64{0, 0})
	if &got[0] != &dst[0] {
		t.Errorf("FlowJacobian allocated although dst had length N²")
	}
	if want := []float64{0, 2, 3, 3}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("FlowJacobian = %v, want %v", got, want)
	}
}

func TestJacobianPanicsOnBadSizes(t *testing.T) {
	w := linearWeights(2, []float64{1, 0, 0, 1})
	cases := []struct {
		name string
		call func()
	}{
		{"short state", func() { MapJacobian(nil, w, identity{}, 0.1, []float64{1}) }},
		{"short destination", func() { MapJacobian(make([]float64, 3), w, identity{}, 0.1, []float64{1, 2}) }},
		{"flow short destination", func() { FlowJacobian(make([]float64, 5), w, identity{}, []float64{1, 2}) }},
	}
	for _, c := range cases {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "lyapunov: ") {
					t.Errorf("%s: panic %q, want a message starting with \"lyapunov: \"", c.name, msg)
				}
			}()
			c.call()
		}()
	}
}
