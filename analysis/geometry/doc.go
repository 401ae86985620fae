// Package geometry measures the geometry of condition trajectories: how far
// apart the trajectories of different task conditions run, how that
// separation grows with a scalar condition value, and whether the
// trajectories move in parallel.
//
// # Data layout
//
// [Trajectories] holds C conditions × T time steps × D dimensions as one
// row-major []float64. D is N for states in full space, or k for scores on
// the first k principal components. Package pca's Project maps a C×T×N
// slice to C×T×k directly, because it treats the slice as C·T rows. With
// k = N that map is a rotation plus a translation and leaves every
// distance and angle here unchanged. With k < N distances can only shrink,
// since the left-out components are dropped. A [Window] selects the steps
// Start ≤ t < End, and its zero value selects all of them.
//
// # Measures
//
//	d_ab(t) = ‖x_a(t) − x_b(t)‖                          [Distance]
//	D̄_ab    = mean over the window of d_ab(t)            [MeanDistances]
//	D̄_ab    ≈ intercept + slope·|v_a − v_b|  (OLS, R²)   [DistanceVsValue]
//	cos θ(t) = v_a(t)·v_b(t)/(‖v_a(t)‖·‖v_b(t)‖),
//	v(t) = x(t+1) − x(t)                                 [Parallelism]
//
// Parallelism averages cos θ, |cos θ| and the angles arccos(cos θ) and
// arccos|cos θ| over the window. The signed cosine separates motion in the
// same direction (+1) from motion in opposite directions along parallel
// lines (−1). The absolute value treats both as parallel, which is the
// right reading when the direction of travel is arbitrary for the question,
// or when a trajectory is compared with a vector whose sign is only a
// convention, such as a principal axis.
//
// Lengths are in the units of the states (rates or currents), and angles
// are in radians. Malformed shapes and windows panic with a "geometry:" message.
// Results that the data leave undefined (no moving step, no spread of
// values) are returned as errors, never as NaN.
package geometry
