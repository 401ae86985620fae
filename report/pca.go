package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// VarianceSeries is the explained-variance ratio of one window of activity
// for [VarianceExplained].
type VarianceSeries struct {
	// Label names the window in the legend, such as "whole trial, k₉₉ = 5".
	Label string
	// Ratio holds rᵢ = λᵢ/Σλⱼ in descending order, for as many components
	// as should be drawn.
	Ratio []float64
}

// VarianceExplained writes <dir>/<base>.png and .svg with two panels: the
// explained-variance ratio of each principal component on a log axis
// (left, ratios ≤ 0 are not drawn) and the cumulative ratio with a dashed
// line at the fraction threshold (right), such as 0.99. Both panels show
// components 1 to the longest series. It returns an error when series is
// empty, has more series than palette colours, or a series has no
// positive ratio.
func VarianceExplained(dir, base, title, note string, series []VarianceSeries, threshold float64) error {
	if len(series) == 0 {
		return errors.New("report: VarianceExplained: no series")
	}
	if len(series) > len(palette) {
		return fmt.Errorf("report: VarianceExplained: %d series, but the palette has %d colours", len(series), len(palette))
	}
	for _, s := range series {
		positive := false
		for _, r := range s.Ratio {
			positive = positive || r > 0
		}
		if !positive {
			return fmt.Errorf("report: VarianceExplained: series %q has no positive ratio", s.Label)
		}
	}

	left := newPlot("principal component", "explained variance (log scale)")
	left.Y.Tick.Marker = logTicks{}
	right := newPlot("number of components k", "cumulative explained variance")
	right.Y.Min, right.Y.Max = 0, 1.02
	right.Add(&hLine{y: threshold, style: draw.LineStyle{Color: noteColor, Width: 0.9, Dashes: []vg.Length{4, 3}}})

	var legend []legendEntry
	for i, s := range series {
		x := make([]float64, len(s.Ratio))
		logR := make([]float64, len(s.Ratio))
		cum := make([]float64, len(s.Ratio))
		sum := 0.0
		for j, r := range s.Ratio {
			x[j] = float64(j + 1)
			logR[j] = math.NaN()
			if r > 0 {
				logR[j] = math.Log10(r)
			}
			sum += r
			cum[j] = sum
		}
		glyph := dot(palette[i], 2.2)
		left.Add(&path{x: x, y: logR, style: draw.LineStyle{Color: palette[i], Width: 1}})
		left.Add(&points{x: x, y: logR, style: glyph})
		right.Add(&path{x: x, y: cum, style: draw.LineStyle{Color: palette[i], Width: 1}})
		right.Add(&points{x: x, y: cum, style: glyph})
		legend = append(legend, legendEntry{name: s.Label, thumbs: []plot.Thumbnailer{
			&path{style: draw.LineStyle{Color: palette[i], Width: 1}}, &points{style: glyph}}})
	}
	legend = append(legend, legendEntry{name: fmt.Sprintf("%g %% of the variance", 100*threshold), thumbs: []plot.Thumbnailer{
		&hLine{style: draw.LineStyle{Color: noteColor, Width: 0.9, Dashes: []vg.Length{4, 3}}}}})

	h := header{title: title, legend: legend, note: note}
	return writeFigure(dir, base, 2*trajectoryPanelWidth, figureHeight, func(c draw.Canvas) {
		body := h.draw(c)
		half := (body.Max.X - body.Min.X - trajectoryPanelGap) / 2
		lc, rc := body, body
		lc.Max.X = body.Min.X + half
		rc.Min.X = lc.Max.X + trajectoryPanelGap
		left.Draw(lc)
		right.Draw(rc)
	})
}
