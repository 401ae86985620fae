package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// ReadoutFigure is the content of [ReadoutComparison].
type ReadoutFigure struct {
	Title string
	// Note is grey text under the legend; "\n" starts a new line.
	Note string
	// Trained and Analytic are the two readout vectors (length N), drawn
	// against each other unit by unit in the left panel.
	Trained, Analytic []float64
	// TrainedPC and AnalyticPC are their projections on the first k
	// principal axes, drawn against each other in the right panel.
	TrainedPC, AnalyticPC []float64
	// LeftTitle and RightTitle label the panels' x axes' context, such as
	// "all units, cos = 0.31".
	LeftTitle, RightTitle string
}

// ReadoutComparison writes <dir>/<base>.png and .svg: a scatter of the
// analytic against the trained readout weight of each unit (left) and of
// their projections on the leading principal axes (right), each with the
// diagonal y = x. It returns an error when the pairs of slices differ in
// length or are empty.
func ReadoutComparison(dir, base string, fig ReadoutFigure) error {
	if len(fig.Trained) == 0 || len(fig.Trained) != len(fig.Analytic) {
		return fmt.Errorf("report: ReadoutComparison: %d trained and %d analytic weights, want the same positive number",
			len(fig.Trained), len(fig.Analytic))
	}
	if len(fig.TrainedPC) == 0 || len(fig.TrainedPC) != len(fig.AnalyticPC) {
		return fmt.Errorf("report: ReadoutComparison: %d trained and %d analytic projections, want the same positive number",
			len(fig.TrainedPC), len(fig.AnalyticPC))
	}
	diagStyle := draw.LineStyle{Color: noteColor, Width: 0.9}
	glyph := dot(eigenvalueColor, 1.8)
	pcGlyph := dot(palette[1], 3)

	scatter := func(x, y []float64, g draw.GlyphStyle, title string) *plot.Plot {
		p := newPlot("trained readout", "analytic (ridge) readout")
		p.Title.Text = title
		p.Title.TextStyle.Font = withSize(sansFont, labelSize)
		lim := 0.0
		for i := range x {
			lim = math.Max(lim, math.Max(math.Abs(x[i]), math.Abs(y[i])))
		}
		lim *= 1.08
		p.Add(&axisLines{style: draw.LineStyle{Color: zeroLineColor, Width: 0.5}})
		p.Add(&path{x: []float64{-lim, lim}, y: []float64{-lim, lim}, style: diagStyle})
		p.Add(&points{x: x, y: y, style: g})
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -lim, lim, -lim, lim
		ticks := stepTicks{step: niceTickStep(2*lim, 5)}
		p.X.Tick.Marker, p.Y.Tick.Marker = ticks, ticks
		return p
	}
	left := scatter(fig.Trained, fig.Analytic, glyph, fig.LeftTitle)
	right := scatter(fig.TrainedPC, fig.AnalyticPC, pcGlyph, fig.RightTitle)
	right.X.Label.Text = "trained readout on PC i"
	right.Y.Label.Text = "analytic readout on PC i"

	legend := []legendEntry{
		{name: "weight of one unit", thumbs: []plot.Thumbnailer{&points{style: glyph}}},
		{name: "projection on one principal axis", thumbs: []plot.Thumbnailer{&points{style: pcGlyph}}},
		{name: "y = x", thumbs: []plot.Thumbnailer{&path{style: diagStyle}}},
	}
	h := header{title: fig.Title, legend: legend, note: fig.Note}
	return writeFigure(dir, base, 2*trajectoryPanelWidth, 12*figureHeight/10, func(c draw.Canvas) {
		body := h.draw(c)
		half := (body.Max.X - body.Min.X - trajectoryPanelGap) / 2
		lc, rc := body, body
		lc.Max.X = body.Min.X + half
		rc.Min.X = lc.Max.X + trajectoryPanelGap
		side := min(squareSide(left, lc), squareSide(right, rc))
		left.Draw(fitSquare(left, lc, side))
		right.Draw(fitSquare(right, rc, side))
	})
}
