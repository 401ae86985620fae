package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/analysis/lyapunov"
)

// trialPeriod is a named window of trial time [start, end) in ms.
type trialPeriod struct {
	name       string
	start, end float64
}

// parsePeriods reads NAME=START-END[,NAME=START-END...] with times in ms.
func parsePeriods(s string) ([]trialPeriod, error) {
	var out []trialPeriod
	for _, part := range strings.Split(s, ",") {
		name, span, ok := strings.Cut(strings.TrimSpace(part), "=")
		a, b, ok2 := strings.Cut(span, "-")
		if !ok || !ok2 || name == "" {
			return nil, fmt.Errorf("--periods: want NAME=START-END in ms, got %q", part)
		}
		start, err1 := strconv.ParseFloat(a, 64)
		end, err2 := strconv.ParseFloat(b, 64)
		if err1 != nil || err2 != nil || !(start < end) || start < 0 {
			return nil, fmt.Errorf("--periods: %q needs 0 ≤ START < END in ms", part)
		}
		out = append(out, trialPeriod{name: name, start: start, end: end})
	}
	return out, nil
}

// periodJSON is the part of the exponents accumulated inside one period.
type periodJSON struct {
	StartMs   float64   `json:"start_ms"`
	EndMs     float64   `json:"end_ms"`
	Exponents []float64 `json:"lyapunov_exponents"`
	LambdaMax float64   `json:"lambda_max"`
	// TimeTau is the observation time spent inside the period.
	TimeTau float64 `json:"time_tau"`
}

// periodAccumulator splits the growth of the tangent frame by the trial
// period in which it happened. With a re-orthonormalisation at every step,
// each step's growth ln Rᵢᵢ is the running sum's increment, and its step of
// trial time decides the period:
//
//	λᵢ(period) = Σ_{steps in period} ln Rᵢᵢ / (α · steps in period)
type periodAccumulator struct {
	periods     []trialPeriod
	offset, T   int
	alpha, dtMs float64
	sums        [][]float64
	count       []int
	prev        []float64
	prevStep    int
}

func newPeriodAccumulator(periods []trialPeriod, offset, T int, alpha, dtMs float64, k int) *periodAccumulator {
	p := &periodAccumulator{periods: periods, offset: offset, T: T, alpha: alpha, dtMs: dtMs,
		sums: make([][]float64, len(periods)), count: make([]int, len(periods)), prev: make([]float64, k)}
	for i := range p.sums {
		p.sums[i] = make([]float64, k)
	}
	return p
}

// observe is the lyapunov.Options.Observer.
func (p *periodAccumulator) observe(c lyapunov.Checkpoint) {
	if c.Phase != lyapunov.PhaseObserve || c.Step == p.prevStep {
		return
	}
	// The step just done applied the input of global step offset+Step−1.
	g := p.offset + c.Step - 1
	tMs := float64(g%p.T) * p.dtMs
	for pi, per := range p.periods {
		if tMs < per.start || tMs >= per.end {
			continue
		}
		for i, l := range c.Exponents {
			s := l * p.alpha * float64(c.Step)
			p.sums[pi][i] += s - p.prev[i]
		}
		p.count[pi]++
	}
	for i, l := range c.Exponents {
		p.prev[i] = l * p.alpha * float64(c.Step)
	}
	p.prevStep = c.Step
}

func (p *periodAccumulator) results() map[string]periodJSON {
	out := map[string]periodJSON{}
	for pi, per := range p.periods {
		r := periodJSON{StartMs: per.start, EndMs: per.end, TimeTau: float64(p.count[pi]) * p.alpha}
		r.Exponents = make([]float64, len(p.sums[pi]))
		for i, s := range p.sums[pi] {
			if p.count[pi] > 0 {
				r.Exponents[i] = s / (p.alpha * float64(p.count[pi]))
			}
		}
		r.LambdaMax = math.Inf(-1)
		for _, l := range r.Exponents {
			r.LambdaMax = math.Max(r.LambdaMax, l)
		}
		if p.count[pi] == 0 {
			r.LambdaMax = 0
		}
		out[per.name] = r
	}
	return out
}

// phaseSteps converts a duration in τ to steps as analysis/lyapunov does:
// 0 selects def, a negative value means none, else round(d/α), at least 1.
func phaseSteps(d, def, alpha float64) int {
	switch {
	case d == 0:
		d = def
	case d < 0:
		return 0
	}
	return max(int(math.Round(d/alpha)), 1)
}
