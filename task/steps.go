package task

import (
	"fmt"
	"math"
)

// stepTolerance is the relative tolerance for deciding that a time in ms is
// a whole number of steps: ms/dt is accepted when it is within this fraction
// of the nearest integer, which absorbs binary rounding of decimal inputs
// such as 0.3/0.1 but rejects any real fractional step.
const stepTolerance = 1e-9

// Steps converts a time in ms to a whole number of steps of dtMs.
//
// The rule used everywhere in rnnlab: step s starts at time s·dt, so a time
// t ms is step t/dt, which must be an integer up to stepTolerance (relative).
// A time that is not a whole number of steps is an error naming key, because
// rounding silently would shift onsets and durations (0.3 s / 0.1 s is 3
// steps here, not the 2 that floor division of floats gives).
func Steps(key string, ms, dtMs float64) (int, error) {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return 0, &ParamError{Key: key, Msg: fmt.Sprintf("must be finite, got %v", ms)}
	}
	q := ms / dtMs
	n := math.Round(q)
	if math.Abs(q-n) > stepTolerance*math.Max(1, math.Abs(q)) {
		return 0, &ParamError{Key: key, Msg: fmt.Sprintf(
			"%v ms is not a whole number of steps of dt = %v ms (%.6g steps)", ms, dtMs, q)}
	}
	if n > math.MaxInt32 || n < math.MinInt32 {
		return 0, &ParamError{Key: key, Msg: fmt.Sprintf("%v ms is too many steps of dt = %v ms", ms, dtMs)}
	}
	return int(n), nil
}
