package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ActivityCorrelation is the population autocorrelation of a simulated
// network, as drawn by [ActivityAutocorrelation]. Lags are in units of τ.
type ActivityCorrelation struct {
	// Title heads the figure, for example "Spontaneous activity, N = 300, g = 2".
	Title string
	// LagTau are the lags s ≥ 0 in τ, finite and increasing. Normalised is
	// C(s)/C(0) at each lag, or nil when the window has zero variance.
	LagTau     []float64
	Normalised []float64
	// Theory, when not nil, is the mean-field Δ(s)/Δ₀ on the same lags,
	// drawn dashed.
	Theory []float64
	// HalfTime is the lag in τ where C(s)/C(0) first reaches 1/2, marked by
	// a dot at height 1/2. NaN marks none.
	HalfTime float64
	// Note is optional grey text under the legend; "\n" starts a new line.
	Note string
}

var (
	simulatedColor = palette[0] // blue
	meanFieldColor = palette[1] // vermillion
)

// ActivityAutocorrelation writes <dir>/activity.png and .svg: the
// normalised population autocorrelation C(s)/C(0) against the lag s in τ,
// a thin line at 0, a dotted line at 1/2, the half-time as a dot on it
// and, when ac.Theory is set, the mean-field Δ(s)/Δ₀ as a dashed curve.
//
// A window with zero variance (Normalised nil) has no normalised
// autocorrelation, so the figure shows empty axes and a note saying so.
//
// It returns an error if LagTau is empty, not finite or not increasing,
// if Normalised or Theory differ from LagTau in length, or if HalfTime is
// ±Inf.
func ActivityAutocorrelation(dir string, ac ActivityCorrelation) error {
	if err := checkActivityCorrelation(ac); err != nil {
		return fmt.Errorf("report: ActivityAutocorrelation: %w", err)
	}
	p := newPlot("lag s (τ)", "C(s) / C(0)")
	h := header{title: ac.Title, note: ac.Note}
	p.Add(&axisLines{style: draw.LineStyle{Color: zeroLineColor, Width: 0.8}})
	half := &hLine{y: 0.5, style: draw.LineStyle{Color: zeroLineColor, Width: 0.8,
		Dashes: []vg.Length{vg.Points(1.5), vg.Points(2.5)}}}
	p.Add(half)

	if ac.Normalised == nil {
		zero := "the window has zero variance, so C(s)/C(0) is undefined"
		if h.note != "" {
			zero = h.note + "\n" + zero
		}
		h.note = zero
	} else {
		l, _ := splitLine(ac.LagTau, ac.Normalised, nil)
		cv := newCurve(l.simplify(maxLinePoints), simulatedColor, 1.8)
		p.Add(cv)
		h.legend = append(h.legend, legendEntry{name: "simulation C(s)/C(0)", thumbs: []plot.Thumbnailer{cv}})
	}
	if ac.Theory != nil {
		l, _ := splitLine(ac.LagTau, ac.Theory, nil)
		th := newCurve(l.simplify(maxLinePoints), meanFieldColor, 1.5, vg.Points(6), vg.Points(3))
		p.Add(th)
		h.legend = append(h.legend, legendEntry{name: "mean-field theory Δ(s)/Δ₀ (N → ∞)", thumbs: []plot.Thumbnailer{th}})
	}
	if !math.IsNaN(ac.HalfTime) {
		mark := &points{x: []float64{ac.HalfTime}, y: []float64{0.5}, style: dot(finalColor, 3.5)}
		p.Add(mark)
		h.legend = append(h.legend, legendEntry{
			name:   fmt.Sprintf("half-time %.3g τ", ac.HalfTime),
			thumbs: []plot.Thumbnailer{mark}})
	}

	// plot.Add has widened the axes to every curve; set the final limits.
	p.X.Min, p.X.Max = ac.LagTau[0], ac.LagTau[len(ac.LagTau)-1]
	lo, hi := 0.0, 1.0
	for _, ys := range [][]float64{ac.Normalised, ac.Theory} {
		for _, v := range ys {
			if isFinite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	p.Y.Min, p.Y.Max = paddedRange(lo, hi)

	return writeFigure(dir, "activity", figureWidth, figureHeight, func(c draw.Canvas) {
		body := h.draw(c)
		body.Max.Y -= headerGap
		p.Draw(body)
	})
}

func checkActivityCorrelation(ac ActivityCorrelation) error {
	if err := checkAxis("LagTau", ac.LagTau); err != nil {
		return err
	}
	for i := 1; i < len(ac.LagTau); i++ {
		if ac.LagTau[i] == ac.LagTau[i-1] {
			return fmt.Errorf("LagTau must increase, but LagTau[%d] = LagTau[%d] = %v", i, i-1, ac.LagTau[i])
		}
	}
	if len(ac.LagTau) < 2 {
		return errors.New("LagTau has one lag; a curve needs at least two")
	}
	if ac.Normalised != nil {
		if err := checkLength("Normalised", ac.Normalised, len(ac.LagTau), "LagTau"); err != nil {
			return err
		}
	}
	if ac.Theory != nil {
		if err := checkLength("Theory", ac.Theory, len(ac.LagTau), "LagTau"); err != nil {
			return err
		}
	}
	if math.IsInf(ac.HalfTime, 0) {
		return fmt.Errorf("HalfTime is %v, expected a finite lag or NaN for none", ac.HalfTime)
	}
	return nil
}
