package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LyapunovTrace is the running estimate of the largest Lyapunov exponent
// over an observation, for [LyapunovConvergence]. Exponents are per τ.
type LyapunovTrace struct {
	// Title heads the figure, for example "Largest Lyapunov exponent, N = 500, g = 2".
	Title string
	// TimeTau is the observation time in τ, finite and non-decreasing, and
	// LambdaMax the running estimate after TimeTau[i].
	TimeTau   []float64
	LambdaMax []float64
	// Final is the reported estimate, marked at the end of the trace.
	Final float64
	// Theory, unless NaN, is drawn as a dashed horizontal line named
	// TheoryLabel in the legend.
	Theory      float64
	TheoryLabel string
	// Note is optional grey text under the legend; "\n" starts a new line.
	Note string
}

var (
	runningColor = palette[0] // blue
	finalColor   = palette[6] // black
	theoryColor  = palette[1] // vermillion
)

// settleFraction is the share of the observation at the start whose
// running estimates, still dominated by the first few QR steps, do not
// widen the y axis.
const settleFraction = 0.05

// LyapunovConvergence writes <dir>/lyapunov_convergence.png and .svg: the
// running estimate of λ_max against the observation time in τ, with the
// final estimate marked by a dot at the end, a thin line at λ = 0 (the
// border between chaos and stability) and, unless tr.Theory is NaN, a
// dashed reference line.
//
// The y axis spans the estimates after the first 5 % of the observation,
// the final value, the theory line and 0, unless these lie further from 0
// than twice their spread. Earlier estimates swing widely because few QR
// steps have been averaged. Where they fall outside the axis they are cut
// off, and a note gives their number. NaN and ±Inf estimates leave a gap.
//
// It returns an error if TimeTau is empty, not finite or decreasing, if
// LambdaMax and TimeTau differ in length, if no estimate is finite, or if
// Final is not finite.
func LyapunovConvergence(dir string, tr LyapunovTrace) error {
	if err := checkLyapunovTrace(tr); err != nil {
		return fmt.Errorf("report: LyapunovConvergence: %w", err)
	}

	p := newPlot("observation time (τ)", "running estimate of λ_max (per τ)")
	first, last := tr.TimeTau[0], tr.TimeTau[len(tr.TimeTau)-1]
	p.X.Min, p.X.Max = math.Min(first, 0), last
	if p.X.Min == p.X.Max {
		p.X.Max = p.X.Min + 1
	}

	h := header{title: tr.Title, note: tr.Note}
	p.Add(&axisLines{style: draw.LineStyle{Color: zeroLineColor, Width: 0.8}})
	running, _ := splitLine(tr.TimeTau, tr.LambdaMax, nil)
	rc := newCurve(running.simplify(maxLinePoints), runningColor, 1.5)
	p.Add(rc)
	h.legend = append(h.legend, legendEntry{name: "running estimate", thumbs: []plot.Thumbnailer{rc}})

	if !math.IsNaN(tr.Theory) {
		th := &hLine{y: tr.Theory, style: draw.LineStyle{Color: theoryColor, Width: 1.5,
			Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}}
		p.Add(th)
		h.legend = append(h.legend, legendEntry{
			name:   fmt.Sprintf("%s: %.4g", tr.TheoryLabel, tr.Theory),
			thumbs: []plot.Thumbnailer{th}})
	}

	final := &points{x: []float64{last}, y: []float64{tr.Final}, style: dot(finalColor, 3.5)}
	p.Add(final)
	h.legend = append(h.legend, legendEntry{
		name:   fmt.Sprintf("final λ_max = %.4g", tr.Final),
		thumbs: []plot.Thumbnailer{final}})

	// plot.Add has widened the axes to every point; the y axis is set
	// only now, to leave out the early swings.
	lo, hi := tr.Final, tr.Final
	settled := first + settleFraction*(last-first)
	for i, v := range tr.LambdaMax {
		if isFinite(v) && tr.TimeTau[i] >= settled {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if !math.IsNaN(tr.Theory) {
		lo, hi = math.Min(lo, tr.Theory), math.Max(hi, tr.Theory)
	}
	// The line λ = 0 separates chaos from stability. It is shown unless
	// the estimates lie further from 0 than twice their own spread, where
	// it would squeeze the convergence into a thin band.
	if math.Min(math.Abs(lo), math.Abs(hi)) <= 2*(hi-lo) || lo*hi <= 0 {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	// A margin of 10 % keeps the final dot and the theory line off the
	// frame.
	p.Y.Min, p.Y.Max = paddedRange(lo, hi)
	p.Y.Min, p.Y.Max = p.Y.Min-0.06*(p.Y.Max-p.Y.Min), p.Y.Max+0.06*(p.Y.Max-p.Y.Min)

	if cut := countOutside(tr.LambdaMax, p.Y.Min, p.Y.Max); cut > 0 {
		note := fmt.Sprintf("%d early estimates beyond the y axis not shown", cut)
		if cut == 1 {
			note = "1 early estimate beyond the y axis not shown"
		}
		if h.note != "" {
			note = h.note + "\n" + note
		}
		h.note = note
	}

	return writeFigure(dir, "lyapunov_convergence", figureWidth, figureHeight, func(c draw.Canvas) {
		body := h.draw(c)
		body.Max.Y -= headerGap
		p.Draw(body)
	})
}

// countOutside returns the number of finite values outside [lo, hi].
func countOutside(values []float64, lo, hi float64) int {
	n := 0
	for _, v := range values {
		if isFinite(v) && (v < lo || v > hi) {
			n++
		}
	}
	return n
}

func checkLyapunovTrace(tr LyapunovTrace) error {
	if err := checkAxis("TimeTau", tr.TimeTau); err != nil {
		return err
	}
	if err := checkLength("LambdaMax", tr.LambdaMax, len(tr.TimeTau), "TimeTau"); err != nil {
		return err
	}
	if !anyFinite(tr.LambdaMax, nil) {
		return errors.New("LambdaMax has no finite value")
	}
	if !isFinite(tr.Final) {
		return fmt.Errorf("Final is %v, expected a finite exponent", tr.Final)
	}
	if math.IsInf(tr.Theory, 0) {
		return fmt.Errorf("Theory is %v, expected a finite exponent or NaN for none", tr.Theory)
	}
	return nil
}
