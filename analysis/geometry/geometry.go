package geometry

import (
	"errors"
	"fmt"
	"math"
)

// Trajectories holds one trajectory per condition: C conditions, T time
// steps each, in D dimensions (N units in full space, or k principal
// components after projection).
type Trajectories struct {
	// Data is C×T×D row-major: the state of condition c at step t is
	// Data[(c·T+t)·D : (c·T+t+1)·D].
	Data    []float64
	C, T, D int
}

// Window selects the time steps Start ≤ t < End. The zero value selects
// every step: End = 0 means End = T.
type Window struct {
	Start, End int
}

// State returns the D-vector of condition c at step t, a view into Data.
func (tr Trajectories) State(c, t int) []float64 {
	off := (c*tr.T + t) * tr.D
	return tr.Data[off : off+tr.D]
}

func (tr Trajectories) check() {
	if tr.C <= 0 || tr.T <= 0 || tr.D <= 0 {
		panic(fmt.Sprintf("geometry: trajectories of C = %d conditions, T = %d steps, D = %d dimensions; all must be positive", tr.C, tr.T, tr.D))
	}
	if len(tr.Data) != tr.C*tr.T*tr.D {
		panic(fmt.Sprintf("geometry: trajectory data has %d entries; want C·T·D = %d·%d·%d = %d", len(tr.Data), tr.C, tr.T, tr.D, tr.C*tr.T*tr.D))
	}
}

func (tr Trajectories) checkCondition(c int) {
	if c < 0 || c >= tr.C {
		panic(fmt.Sprintf("geometry: condition %d outside [0, %d)", c, tr.C))
	}
}

// resolve returns the window's bounds, with End = 0 standing for T, and
// panics unless 0 ≤ Start < End ≤ T.
func (w Window) resolve(steps int) (start, end int) {
	start, end = w.Start, w.End
	if end == 0 {
		end = steps
	}
	if start < 0 || start >= end || end > steps {
		panic(fmt.Sprintf("geometry: window [%d, %d) is not a non-empty range inside [0, %d)", w.Start, w.End, steps))
	}
	return start, end
}

// Distance stores the Euclidean distance between conditions a and b at each
// step of the window,
//
//	d(t) = ‖x_a(t) − x_b(t)‖,   Start ≤ t < End
//
// in dst and returns dst. A nil dst is allocated, and a non-nil dst must have
// the window's length. It panics on a malformed tr, a condition outside
// [0, C), an invalid window, or a wrong dst length. Cost: O(W·D) for a
// window of W steps.
func Distance(dst []float64, tr Trajectories, a, b int, w Window) []float64 {
	tr.check()
	tr.checkCondition(a)
	tr.checkCondition(b)
	start, end := w.resolve(tr.T)
	if dst == nil {
		dst = make([]float64, end-start)
	}
	if len(dst) != end-start {
		panic(fmt.Sprintf("geometry: Distance destination has length %d; want the window length %d", len(dst), end-start))
	}
	for t := start; t < end; t++ {
		dst[t-start] = euclidean(tr.State(a, t), tr.State(b, t))
	}
	return dst
}

// MeanDistances stores the window mean of the distance between every pair
// of conditions,
//
//	D̄ᵢⱼ = (1/W)·Σₜ ‖xᵢ(t) − xⱼ(t)‖
//
// as the C×C row-major symmetric matrix dst (zero diagonal) and returns dst.
// A nil dst is allocated, and a non-nil dst must have length C·C. It panics
// as Distance does. Cost: O(C²·W·D).
func MeanDistances(dst []float64, tr Trajectories, w Window) []float64 {
	tr.check()
	start, end := w.resolve(tr.T)
	c := tr.C
	if dst == nil {
		dst = make([]float64, c*c)
	}
	if len(dst) != c*c {
		panic(fmt.Sprintf("geometry: MeanDistances destination has length %d; want C·C = %d", len(dst), c*c))
	}
	for i := range c {
		dst[i*c+i] = 0
		for j := i + 1; j < c; j++ {
			sum := 0.0
			for t := start; t < end; t++ {
				sum += euclidean(tr.State(i, t), tr.State(j, t))
			}
			m := sum / float64(end-start)
			dst[i*c+j], dst[j*c+i] = m, m
		}
	}
	return dst
}

// DistanceVsValue relates the separation of conditions to a scalar value of
// each condition (a stimulus frequency, an integrated evidence level): it
// fits the window-mean distance of every pair i < j against the difference
// of their values,
//
//	D̄ᵢⱼ ≈ intercept + slope·|vᵢ − vⱼ|
//
// by ordinary least squares ([FitLine]) over the C·(C−1)/2 pairs. A network
// that lays conditions out along a line in proportion to the value gives
// R² = 1 and intercept 0. It returns an error when fewer than two pairs
// exist or all value differences are equal (no slope is defined). It panics
// when len(values) ≠ C or a value is not finite, and as Distance does.
// Cost: O(C²·W·D).
func DistanceVsValue(tr Trajectories, values []float64, w Window) (LinearFit, error) {
	tr.check()
	if len(values) != tr.C {
		panic(fmt.Sprintf("geometry: %d condition values for C = %d conditions", len(values), tr.C))
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("geometry: condition value %d = %g is not finite", i, v))
		}
	}
	means := MeanDistances(nil, tr, w)
	c := tr.C
	var diff, dist []float64
	for i := range c {
		for j := i + 1; j < c; j++ {
			diff = append(diff, math.Abs(values[i]-values[j]))
			dist = append(dist, means[i*c+j])
		}
	}
	return FitLine(diff, dist)
}

// Parallel summarises the angle between the velocities of two trajectories
// over a window.
type Parallel struct {
	// MeanCos is the mean of cos θ(t) over the steps used, in [−1, 1].
	// Trajectories traversed in opposite directions give negative values.
	MeanCos float64
	// MeanAbsCos is the mean of |cos θ(t)|, in [0, 1]: 1 for parallel or
	// antiparallel motion, whichever way each trajectory runs.
	MeanAbsCos float64
	// MeanAngle is the mean of θ(t) = arccos(cos θ(t)) in radians, in [0, π].
	MeanAngle float64
	// MeanAbsAngle is the mean of arccos|cos θ(t)| in radians, in [0, π/2].
	MeanAbsAngle float64
	// Steps is the number of velocity pairs averaged.
	Steps int
	// Skipped counts steps left out because either velocity was zero, where
	// no direction is defined.
	Skipped int
}

// ErrNoVelocity is returned, possibly wrapped, when a window has no step at
// which both trajectories move.
var ErrNoVelocity = errors.New("geometry: no step with non-zero velocity in both trajectories")

// Parallelism measures whether conditions a and b move in the same
// direction. With the forward difference as velocity,
//
//	vᵢ(t) = xᵢ(t+1) − xᵢ(t),   Start ≤ t < End−1
//	cos θ(t) = v_a(t)·v_b(t) / (‖v_a(t)‖·‖v_b(t)‖)
//
// it averages cos θ, |cos θ| and the corresponding angles over the steps at
// which both velocities are non-zero. Only states inside the window are
// used, so a window of W steps gives W − 1 velocities.
//
// The signed values (MeanCos, MeanAngle) tell apart trajectories that run
// the same way from trajectories that run in opposite directions along
// parallel lines. Use the absolute values (MeanAbsCos, MeanAbsAngle) when
// the direction of travel carries no meaning for the question, for example
// when comparing the axis of motion of two conditions whose inputs have
// opposite signs, or when comparing with a vector whose sign is a
// convention (a principal axis, an eigenvector). The velocities are taken
// at the sampling step, so dividing them by dt would not change any angle.
//
// It returns an error wrapping ErrNoVelocity when no step qualifies (a
// window of one step, or stationary trajectories). It panics as Distance
// does. Cost: O(W·D).
func Parallelism(tr Trajectories, a, b int, w Window) (Parallel, error) {
	tr.check()
	tr.checkCondition(a)
	tr.checkCondition(b)
	start, end := w.resolve(tr.T)

	va := make([]float64, tr.D)
	vb := make([]float64, tr.D)
	var p Parallel
	for t := start; t < end-1; t++ {
		difference(va, tr.State(a, t+1), tr.State(a, t))
		difference(vb, tr.State(b, t+1), tr.State(b, t))
		na, nb := math.Sqrt(dot(va, va)), math.Sqrt(dot(vb, vb))
		if na == 0 || nb == 0 {
			p.Skipped++
			continue
		}
		cos := max(-1, min(1, dot(va, vb)/(na*nb)))
		p.MeanCos += cos
		p.MeanAbsCos += math.Abs(cos)
		p.MeanAngle += math.Acos(cos)
		p.MeanAbsAngle += math.Acos(math.Abs(cos))
		p.Steps++
	}
	if p.Steps == 0 {
		return p, fmt.Errorf("%w: conditions %d and %d over steps [%d, %d)", ErrNoVelocity, a, b, start, end)
	}
	k := float64(p.Steps)
	p.MeanCos /= k
	p.MeanAbsCos /= k
	p.MeanAngle /= k
	p.MeanAbsAngle /= k
	return p, nil
}

func euclidean(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		d := v - y[i]
		s += d * d
	}
	return math.Sqrt(s)
}

func difference(dst, x, y []float64) {
	for i := range dst {
		dst[i] = x[i] - y[i]
	}
}

func dot(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}
