package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MeanField is the mean-field (DMFT) state of a random network at one
// gain, as drawn by [MeanFieldAutocorrelation]. Times are in units of τ.
type MeanField struct {
	Gain float64
	// STau are the lags s ≥ 0 in τ, finite and increasing, and Delta the
	// autocorrelation Δ(s) = ⟨x(t)·x(t+s)⟩ at each lag.
	STau  []float64
	Delta []float64
	// Delta0 is Δ(0) = ⟨x²⟩, 0 in the quiescent state below the critical
	// gain.
	Delta0 float64
	// DecayRate is κ per τ, with Δ(s) ∝ e^{−κ·s} for large s. Zero draws
	// no tail.
	DecayRate float64
	// LambdaMax is the predicted largest Lyapunov exponent per τ, shown in
	// the note.
	LambdaMax float64
}

var (
	correlationColor = palette[0] // blue
	tailColor        = palette[1] // vermillion
)

// MeanFieldAutocorrelation writes <dir>/dmft_autocorrelation.png and .svg:
// the normalised autocorrelation Δ(s)/Δ₀ of the chaotic mean-field state
// against the lag s in τ, on a linear axis (left) and a log axis (right),
// where the exponential tail A·e^{−κ·s} is a straight line. The tail is
// dashed, with its amplitude A matched at the last lag. A note gives Δ₀, κ
// and the predicted λ_max. Lags where Δ(s) = 0 are left out of the log
// panel.
//
// In the quiescent state (Delta0 = 0) Δ(s)/Δ₀ is undefined, so the figure
// shows Δ(s) itself, which is 0, and a note that the origin is stable.
//
// It returns an error if STau is empty, not finite or not increasing, if
// Delta and STau differ in length, or if Delta0 or a Delta value is
// negative or not finite.
func MeanFieldAutocorrelation(dir string, mf MeanField) error {
	if err := checkMeanField(mf); err != nil {
		return fmt.Errorf("report: MeanFieldAutocorrelation: %w", err)
	}
	h := header{title: fmt.Sprintf("Mean-field autocorrelation at g = %g (N → ∞)", mf.Gain)}
	if mf.Delta0 == 0 {
		return writeQuiescent(dir, mf, h)
	}

	normalised := make([]float64, len(mf.Delta))
	for i, d := range mf.Delta {
		normalised[i] = d / mf.Delta0
	}
	lin := newPlot("lag s (τ)", "Δ(s) / Δ₀")
	const linTop = 1.04
	logp := newPlot("lag s (τ)", "Δ(s) / Δ₀ (log scale)")
	logp.Y.Tick.Marker = logTicks{}
	for _, p := range []*plot.Plot{lin, logp} {
		p.X.Tick.Marker = linearTicks{maxLabels: 5}
	}

	l, _ := splitLine(mf.STau, normalised, nil)
	positive, _ := splitLine(mf.STau, normalised, func(i int) bool { return normalised[i] > 0 })
	corr := newCurve(l.simplify(maxLinePoints), correlationColor, 1.8)
	h.legend = append(h.legend, legendEntry{name: "Δ(s)/Δ₀", thumbs: []plot.Thumbnailer{corr}})
	lo, _ := positive.yRange()

	var tails []*curve // drawn over Δ(s), where they merge with it
	last := len(mf.STau) - 1
	if mf.DecayRate > 0 && normalised[last] > 0 {
		amplitude := normalised[last] * math.Exp(mf.DecayRate*mf.STau[last])
		tail := make([]float64, len(mf.STau))
		for i, s := range mf.STau {
			tail[i] = amplitude * math.Exp(-mf.DecayRate*s)
		}
		tl, _ := splitLine(mf.STau, tail, func(i int) bool { return tail[i] <= linTop })
		linTail := newCurve(tl.simplify(maxLinePoints), tailColor, 1.3, vg.Points(5), vg.Points(3))
		logTail := newCurve(tl.log10().simplify(maxLinePoints), tailColor, 1.3, vg.Points(5), vg.Points(3))
		tails = []*curve{linTail, logTail}
		h.legend = append(h.legend, legendEntry{
			name:   fmt.Sprintf("exponential tail A·e^(−κs), κ = %.3g per τ", mf.DecayRate),
			thumbs: []plot.Thumbnailer{linTail}})
	}
	lin.Add(corr)
	logp.Add(newCurve(positive.log10().simplify(maxLinePoints), correlationColor, 1.8))
	if tails != nil {
		lin.Add(tails[0])
		logp.Add(tails[1])
	}
	// plot.Add has widened the axes to the curves; set the final limits.
	for _, p := range []*plot.Plot{lin, logp} {
		p.X.Min, p.X.Max = mf.STau[0], mf.STau[len(mf.STau)-1]
	}
	lin.Y.Min, lin.Y.Max = 0, linTop
	logp.Y.Min, logp.Y.Max = paddedLog10Range(lo, 1)

	h.note = fmt.Sprintf("Δ₀ = %.5g (variance of x),  correlation time 1/κ = %.3g τ,  predicted λ_max = %.4g per τ",
		mf.Delta0, 1/mf.DecayRate, mf.LambdaMax)
	if !(mf.DecayRate > 0) {
		h.note = fmt.Sprintf("Δ₀ = %.5g (variance of x),  predicted λ_max = %.4g per τ", mf.Delta0, mf.LambdaMax)
	}
	return writeFigure(dir, "dmft_autocorrelation", figureWidth, figureHeight, func(c draw.Canvas) {
		body := h.draw(c)
		body.Max.Y -= headerGap
		left, right := body, body
		mid := (body.Min.X + body.Max.X) / 2
		left.Max.X = mid - meanFieldPanelGap/2
		right.Min.X = mid + meanFieldPanelGap/2
		lin.Draw(left)
		logp.Draw(right)
	})
}

// meanFieldPanelGap is the space in points between the linear and the
// logarithmic panel.
const meanFieldPanelGap = 16

// writeQuiescent draws Δ(s) ≡ 0 of the stable state below the critical
// gain.
func writeQuiescent(dir string, mf MeanField, h header) error {
	p := newPlot("lag s (τ)", "Δ(s)")
	l, _ := splitLine(mf.STau, mf.Delta, nil)
	cv := newCurve(l.simplify(maxLinePoints), correlationColor, 1.8)
	p.Add(cv)
	p.X.Min, p.X.Max = mf.STau[0], mf.STau[len(mf.STau)-1]
	p.Y.Min, p.Y.Max = -1, 1
	h.legend = []legendEntry{{name: "Δ(s) = 0", thumbs: []plot.Thumbnailer{cv}}}
	h.note = fmt.Sprintf("g ≤ 1: the origin is stable and activity decays to x = 0, so Δ(s) = 0;  λ_max = g − 1 = %.4g per τ",
		mf.LambdaMax)
	return writeFigure(dir, "dmft_autocorrelation", figureWidth, figureHeight, func(c draw.Canvas) {
		p.Draw(h.draw(c))
	})
}

func checkMeanField(mf MeanField) error {
	if err := checkAxis("STau", mf.STau); err != nil {
		return err
	}
	for i := 1; i < len(mf.STau); i++ {
		if mf.STau[i] == mf.STau[i-1] {
			return fmt.Errorf("STau must increase, but STau[%d] = STau[%d] = %v", i, i-1, mf.STau[i])
		}
	}
	if err := checkLength("Delta", mf.Delta, len(mf.STau), "STau"); err != nil {
		return err
	}
	if !(mf.Delta0 >= 0) || math.IsInf(mf.Delta0, 1) {
		return fmt.Errorf("Delta0 is %v, expected a finite value ≥ 0", mf.Delta0)
	}
	for i, d := range mf.Delta {
		if !(d >= 0) || math.IsInf(d, 1) {
			return fmt.Errorf("Delta[%d] is %v, expected a finite value ≥ 0", i, d)
		}
	}
	if len(mf.STau) < 2 {
		return errors.New("STau has one lag; a curve needs at least two")
	}
	return nil
}
