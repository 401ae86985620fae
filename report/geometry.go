package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// DistanceCurve is the distance between two conditions at each time, for
// the right panel of [DistanceVsValue].
type DistanceCurve struct {
	Label    string
	Distance []float64
}

// DistanceFigure is the content of [DistanceVsValue].
type DistanceFigure struct {
	Title, Note string
	// ValueLabel names the x axis of the left panel, such as
	// "|duration difference| (ms)", and DistanceLabel the distance axes.
	ValueLabel, DistanceLabel string
	// Difference and MeanDistance hold one point per pair of conditions:
	// |vᵢ − vⱼ| and the mean distance over the window.
	Difference, MeanDistance []float64
	// Slope and Intercept are the fitted line drawn over the points.
	Slope, Intercept float64
	// TimeLabel names the x axis of the right panel, and Time its values.
	TimeLabel string
	Time      []float64
	// Curves are drawn against Time in palette colours.
	Curves []DistanceCurve
}

// DistanceVsValue writes <dir>/<base>.png and .svg: the mean distance of
// every pair of conditions against the difference of their values with
// the fitted line (left), and the distance over time of a few pairs
// (right). It returns an error when there are no pairs, the slices differ
// in length, or there are more curves than palette colours.
func DistanceVsValue(dir, base string, fig DistanceFigure) error {
	if len(fig.Difference) == 0 || len(fig.Difference) != len(fig.MeanDistance) {
		return fmt.Errorf("report: DistanceVsValue: %d differences and %d distances, want the same positive number",
			len(fig.Difference), len(fig.MeanDistance))
	}
	if len(fig.Curves) > len(palette) {
		return fmt.Errorf("report: DistanceVsValue: %d curves, but the palette has %d colours", len(fig.Curves), len(palette))
	}
	for _, cv := range fig.Curves {
		if len(cv.Distance) != len(fig.Time) {
			return fmt.Errorf("report: DistanceVsValue: curve %q has %d values for %d times", cv.Label, len(cv.Distance), len(fig.Time))
		}
	}
	if len(fig.Curves) > 0 && len(fig.Time) == 0 {
		return errors.New("report: DistanceVsValue: curves without times")
	}

	left := newPlot(fig.ValueLabel, fig.DistanceLabel)
	xmax := 0.0
	for _, d := range fig.Difference {
		xmax = math.Max(xmax, d)
	}
	fitStyle := draw.LineStyle{Color: noteColor, Width: 1.2}
	left.Add(&path{x: []float64{0, xmax}, y: []float64{fig.Intercept, fig.Intercept + fig.Slope*xmax}, style: fitStyle})
	pairGlyph := dot(palette[0], 2.6)
	left.Add(&points{x: fig.Difference, y: fig.MeanDistance, style: pairGlyph})
	left.Y.Min = math.Min(0, left.Y.Min)
	left.X.Min = 0

	legend := []legendEntry{
		{name: "pair of conditions (window mean)", thumbs: []plot.Thumbnailer{&points{style: pairGlyph}}},
		{name: "least-squares line", thumbs: []plot.Thumbnailer{&path{style: fitStyle}}},
	}
	right := newPlot(fig.TimeLabel, fig.DistanceLabel)
	for i, cv := range fig.Curves {
		clr := palette[(i+1)%len(palette)]
		l, _ := splitLine(fig.Time, cv.Distance, nil)
		right.Add(newCurve(l.simplify(maxLinePoints), clr, 1.4))
		legend = append(legend, legendEntry{name: cv.Label, thumbs: []plot.Thumbnailer{
			&path{style: draw.LineStyle{Color: clr, Width: 1.4}}}})
	}
	right.Y.Min = 0

	h := header{title: fig.Title, legend: legend, note: fig.Note}
	return writeFigure(dir, base, 2*trajectoryPanelWidth, figureHeight, func(c draw.Canvas) {
		body := h.draw(c)
		half := (body.Max.X - body.Min.X - trajectoryPanelGap) / 2
		lc, rc := body, body
		lc.Max.X = body.Min.X + half
		rc.Min.X = lc.Max.X + trajectoryPanelGap
		left.Draw(lc)
		if len(fig.Curves) > 0 {
			right.Draw(rc)
		}
	})
}
