package lyapunov

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotFinite is wrapped by the error Spectrum returns when the state or
// the tangent frame becomes NaN or ±Inf, which means that the network
// diverged or that the frame grew beyond float64 between two QR steps.
var ErrNotFinite = errors.New("lyapunov: state or tangent frame is not finite")

// measurement is the output of measure, before the exponents are sorted.
type measurement struct {
	logSums   []float64 // Σ ln Rᵢᵢ over the observation, frame order
	logDetSum float64   // Σₜ ln|det Mₜ| over the observation, if requested
	qrs       int       // QR steps in every phase
	trace     Convergence
}

// measure runs the QR (Benettin) method on sys: s.burnIn steps of the state
// alone, then s.frameBurnIn steps of the state and the frame v, then
// s.observed steps over which ln Rᵢᵢ is summed. v (K×N, orthonormal rows)
// is the start frame and is overwritten with the final frame.
func measure(sys tangentSystem, s schedule, alpha float64, v []float64, checkSumRule bool, observer func(Checkpoint)) (*measurement, error) {
	k, n := s.k, s.n
	m := &measurement{logSums: make([]float64, k)}

	// Network transient: the state alone, with a progress report and a
	// finiteness check every QREvery steps.
	for done := 0; done < s.burnIn; {
		block := min(s.qrEvery, s.burnIn-done)
		for range block {
			sys.advance(nil, 0)
		}
		done += block
		if i := firstNonFinite(sys.state()); i >= 0 {
			return nil, notFinite("burn-in", done, fmt.Sprintf("state x[%d] = %v", i, sys.state()[i]))
		}
		if observer != nil {
			observer(Checkpoint{Phase: PhaseBurnIn, Step: done, PhaseSteps: s.burnIn})
		}
	}

	// The QR steps, with the frame stored as rows, v = [v₁ … v_K]ᵀ. At every
	// step t of both frame phases:
	//
	//	vᵢ     ← Mₜ·vᵢ,   Mₜ = (1−α)·I + α·W·diag(φ′(x(t)))
	//	x(t+1) = (1−α)·x(t) + α·(W·φ(x(t)) + W_in·u(t) + b)
	//
	// After every QREvery steps, and after the last step of a phase:
	//
	//	vᵀ = Q·R          Householder QR, signs fixed so that Rᵢᵢ ≥ 0
	//	vᵀ ← Q            the frame is orthonormal again
	//	Sᵢ += ln Rᵢᵢ      observation phase only
	//
	// so after the observation's `steps` steps, λᵢ = Sᵢ/(α·steps) per τ. Since
	// the frame is orthonormal when the observation starts,
	// Σᵢ Sᵢ = Σₜ ln|det Mₜ| up to rounding when K = N (the sum rule).
	qr := newOrthonormalizer(k, n)
	logDiag := make([]float64, k)
	running := make([]float64, k)

	// The trace keeps every stride-th QR step of the observation and its
	// last one, at most s.checkpoints points.
	observeQRs := (s.observed + s.qrEvery - 1) / s.qrEvery
	stride := observeQRs + 1
	if s.checkpoints > 0 {
		stride = (observeQRs + s.checkpoints - 1) / s.checkpoints
	}

	for _, phase := range []Phase{PhaseFrameBurnIn, PhaseObserve} {
		phaseSteps := s.frameBurnIn
		if phase == PhaseObserve {
			phaseSteps = s.observed
		}
		observing := phase == PhaseObserve
		for done, qrIndex := 0, 1; done < phaseSteps; qrIndex++ {
			block := min(s.qrEvery, phaseSteps-done)
			for range block {
				if observing && checkSumRule {
					m.logDetSum += sys.logAbsDet()
				}
				sys.advance(v, k)
			}
			done += block

			if i := firstNonFinite(sys.state()); i >= 0 {
				return nil, notFinite(phase.String(), done, fmt.Sprintf("state x[%d] = %v", i, sys.state()[i]))
			}
			if i := firstNonFinite(v); i >= 0 {
				return nil, notFinite(phase.String(), done,
					fmt.Sprintf("tangent vector %d grew to %v between QR steps (try a shorter QREvery)", i/n, v[i]))
			}
			qr.factor(v, logDiag)
			m.qrs++
			if !observing {
				if observer != nil {
					observer(Checkpoint{Phase: phase, Step: done, PhaseSteps: phaseSteps})
				}
				continue
			}

			observedTime := alpha * float64(done)
			for i, l := range logDiag {
				m.logSums[i] += l
				running[i] = m.logSums[i] / observedTime
			}
			if s.checkpoints > 0 && (qrIndex%stride == 0 || done == phaseSteps) {
				m.trace.add(observedTime, running)
			}
			if observer != nil {
				observer(Checkpoint{Phase: phase, Step: done, PhaseSteps: phaseSteps, Exponents: running})
			}
		}
	}
	return m, nil
}

func notFinite(phase string, step int, detail string) error {
	return fmt.Errorf("%w: %s after step %d of the %s phase", ErrNotFinite, detail, step, phase)
}

// Convergence is the trace of the running estimates over the observation,
// for a figure of convergence. Point p is the estimate after Time[p] τ of
// observation. Exponents are per τ.
type Convergence struct {
	Time []float64
	// LambdaMax is the largest running estimate.
	LambdaMax []float64
	// Sum is the sum of the K running estimates, which for K = N converges
	// to the mean of ln|det Mₜ|/α.
	Sum []float64
}

func (c *Convergence) add(time float64, running []float64) {
	largest, sum := math.Inf(-1), 0.0
	for _, l := range running {
		largest = math.Max(largest, l)
		sum += l
	}
	c.Time = append(c.Time, time)
	c.LambdaMax = append(c.LambdaMax, largest)
	c.Sum = append(c.Sum, sum)
}
